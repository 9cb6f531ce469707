/* tests/unit/test_views.c - the tickets, vendors, drills and advisories
 * panes: their row rules (views/rows.c) one by one, the ticket sort orders
 * against a real cache, and every pane drawn into a real (invisible) ncurses
 * screen at 200x60, 80x24 and 40x6 with Chinese names, escape sequences and
 * damaged JSON in the cache. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>

#include "client/cache.h"
#include "client/proto.h"
#include "views/common.h"
#include "views/rows.h"
#include "views/view.h"

#define MIN_MS  60000LL
#define HOUR_MS 3600000LL
#define DAY_MS  86400000LL

static int64_t ms(const char *rfc3339)
{
	int64_t t = 0;
	assert_int_equal(proto_time_parse(rfc3339, &t), 0);
	return t;
}

/* ---- rows: durations and ticket countdowns ---- */

static void test_span(void **state)
{
	(void)state;
	char b[32];
	rows_span(0, b, sizeof b);
	assert_string_equal(b, "<1m");
	rows_span(59999, b, sizeof b);
	assert_string_equal(b, "<1m");
	rows_span(45 * MIN_MS, b, sizeof b);
	assert_string_equal(b, "45m");
	rows_span(3 * HOUR_MS + 5 * MIN_MS, b, sizeof b);
	assert_string_equal(b, "3h05m");
	rows_span(2 * DAY_MS + 3 * HOUR_MS + 59 * MIN_MS, b, sizeof b);
	assert_string_equal(b, "2d03h");
	rows_span(-5 * MIN_MS, b, sizeof b);
	assert_string_equal(b, "<1m");
	rows_span(INT64_MAX, b, sizeof b); /* clamped, no overflow */
	assert_true(strlen(b) > 0);
	assert_int_equal(rows_diff_ms(INT64_MAX, INT64_MIN) > 0, 1);
}

static void test_due_left(void **state)
{
	(void)state;
	char b[32];
	int64_t now = ms("2026-11-25T10:00:00Z");
	assert_int_equal(rows_due_text(now + 3 * HOUR_MS + 12 * MIN_MS, 1, now, "in_progress", b, sizeof b), 0);
	assert_string_equal(b, "3h12m left");
	assert_int_equal(rows_due_text(now + 30 * 1000, 1, now, "new", b, sizeof b), 0);
	assert_string_equal(b, "<1m left");
	assert_int_equal(rows_due_text(now, 1, now, "new", b, sizeof b), 0); /* due now is not yet late */
	assert_string_equal(b, "<1m left");
	assert_int_equal(rows_due_text(now + 3 * DAY_MS, 1, now, "triage", b, sizeof b), 0);
	assert_string_equal(b, "3d00h left");
}

static void test_due_overdue(void **state)
{
	(void)state;
	char b[32];
	int64_t now = ms("2026-11-25T10:00:00Z");
	assert_int_equal(rows_due_text(now - 2 * HOUR_MS - 10 * MIN_MS, 1, now, "waiting_vendor", b, sizeof b), 1);
	assert_string_equal(b, "OVERDUE 2h");
	assert_int_equal(rows_due_text(now - 1000, 1, now, "new", b, sizeof b), 1);
	assert_string_equal(b, "OVERDUE <1m");
	assert_int_equal(rows_due_text(now - 45 * MIN_MS, 1, now, "new", b, sizeof b), 1);
	assert_string_equal(b, "OVERDUE 45m");
	assert_int_equal(rows_due_text(now - 3 * DAY_MS, 1, now, "new", b, sizeof b), 1);
	assert_string_equal(b, "OVERDUE 3d");
	/* A small buffer is cut, never overrun. */
	char tiny[5];
	assert_int_equal(rows_due_text(now - 3 * DAY_MS, 1, now, "new", tiny, sizeof tiny), 1);
	assert_string_equal(tiny, "OVER");
}

static void test_due_closed_and_none(void **state)
{
	(void)state;
	char b[32];
	int64_t now = ms("2026-11-25T10:00:00Z");
	assert_int_equal(rows_due_text(now - DAY_MS, 1, now, "resolved", b, sizeof b), 0);
	assert_string_equal(b, "-");
	assert_int_equal(rows_due_text(now - DAY_MS, 1, now, "closed", b, sizeof b), 0);
	assert_string_equal(b, "-");
	assert_int_equal(rows_due_text(0, 0, now, "new", b, sizeof b), 0);
	assert_string_equal(b, "-");
	assert_int_equal(rows_due_text(now - DAY_MS, 1, now, NULL, b, sizeof b), 1); /* no status: still runs */
	assert_string_equal(rows_ticket_status("waiting_vendor"), "waiting vendor");
	assert_string_equal(rows_ticket_status("in_progress"), "in progress");
	assert_string_equal(rows_ticket_status("new"), "new");
	assert_string_equal(rows_ticket_status(NULL), "-");
}

/* ---- rows: vendor gauge, low water, burn, dry date ---- */

/* Cells of a gauge: every glyph is one cell; count UTF-8 lead bytes. */
static int cells(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int count_glyph(const char *s, const char *g)
{
	int n = 0;
	size_t l = strlen(g);
	for (const char *p = s; (p = strstr(p, g)) != NULL; p += l)
		n++;
	return n;
}

static void test_gauge_width_exact(void **state)
{
	(void)state;
	char b[1024];
	for (int w = 1; w <= 200; w += 7) {
		assert_int_equal(rows_vendor_gauge(200, 150, 40, w, 0, b, sizeof b), w);
		assert_int_equal(cells(b), w);
		assert_int_equal(rows_vendor_gauge(200, 150, 40, w, 1, b, sizeof b), w);
		assert_int_equal((int)strlen(b), w);
	}
	assert_int_equal(rows_vendor_gauge(200, 150, 40, 0, 0, b, sizeof b), 0);
	assert_string_equal(b, "");
	assert_int_equal(rows_vendor_gauge(200, 150, 40, -3, 1, b, sizeof b), 0);
	/* Too small a buffer: whole cells only, NUL-terminated. */
	char small[8];
	int got = rows_vendor_gauge(100, 50, 0, 10, 0, small, sizeof small);
	assert_int_equal(got, 2); /* 2 x 3 bytes + NUL */
	assert_int_equal(cells(small), 2);
}

static void test_gauge_proportions(void **state)
{
	(void)state;
	char b[256];
	rows_vendor_gauge(100, 50, 20, 10, 1, b, sizeof b);
	assert_string_equal(b, "#####++...");
	rows_vendor_gauge(100, 50, 20, 10, 0, b, sizeof b);
	assert_int_equal(count_glyph(b, "\u2588"), 5);
	assert_int_equal(count_glyph(b, "\u2592"), 2);
	assert_int_equal(count_glyph(b, "\u2591"), 3);
	rows_vendor_gauge(200, 0, 0, 8, 1, b, sizeof b);
	assert_string_equal(b, "........");
	rows_vendor_gauge(200, 200, 0, 8, 1, b, sizeof b);
	assert_string_equal(b, "########");
	rows_vendor_gauge(400, 100, 100, 20, 1, b, sizeof b);
	assert_string_equal(b, "#####+++++..........");
}

static void test_gauge_overcommit_and_bad(void **state)
{
	(void)state;
	char b[256];
	rows_vendor_gauge(100, 150, 20, 10, 1, b, sizeof b); /* used beyond the total */
	assert_string_equal(b, "##########");
	rows_vendor_gauge(100, 80, 50, 10, 1, b, sizeof b); /* reserved beyond the total */
	assert_string_equal(b, "########++");
	rows_vendor_gauge(0, 0, 0, 6, 1, b, sizeof b); /* no pool at all */
	assert_string_equal(b, "######");
	rows_vendor_gauge(100, -20, NAN, 5, 1, b, sizeof b);
	assert_string_equal(b, ".....");
	rows_vendor_gauge(INFINITY, 5, 5, 5, 1, b, sizeof b);
	assert_string_equal(b, "#####");
}

static void test_gauge_ascii_is_ascii(void **state)
{
	(void)state;
	char b[512];
	rows_vendor_gauge(333, 111, 77, 97, 1, b, sizeof b);
	for (const char *p = b; *p; p++) {
		assert_true((unsigned char)*p < 0x80);
		assert_non_null(strchr("#+.", *p));
	}
}

static void test_vendor_low(void **state)
{
	(void)state;
	assert_int_equal(rows_vendor_low(200, 100, 50, 20), ROWS_NORMAL); /* 50 left */
	assert_int_equal(rows_vendor_low(200, 150, 35, 20), ROWS_WARN);   /* 15 left */
	assert_int_equal(rows_vendor_low(200, 150, 45, 20), ROWS_ERROR);  /* 5 left, under half */
	assert_int_equal(rows_vendor_low(200, 150, 60, 20), ROWS_ERROR);  /* over-committed */
	assert_int_equal(rows_vendor_low(200, 180, 0, 20), ROWS_NORMAL);  /* exactly the low water */
}

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	assert_non_null(j);
	return j;
}

static void test_burn_window_and_states(void **state)
{
	(void)state;
	int64_t now = ms("2026-11-25T10:00:00Z");
	json_t *d =
	    parse("["
	          "{\"time\":\"2026-11-20T00:00:00Z\",\"hours\":12,\"state\":\"consumed\"},"
	          "{\"time\":\"2026-11-01T00:00:00Z\",\"hours\":6,\"state\":\"approved\"},"
	          "{\"time\":\"2026-10-20T00:00:00Z\",\"hours\":100,\"state\":\"consumed\"}," /* > 30 days */
	          "{\"time\":\"2026-11-26T00:00:00Z\",\"hours\":50,\"state\":\"consumed\"},"  /* future */
	          "{\"time\":\"2026-11-24T00:00:00Z\",\"hours\":70,\"state\":\"cancelled\"},"
	          "{\"time\":\"2026-11-24T00:00:00Z\",\"hours\":4,\"state\":\"requested\"},"
	          "{\"time\":\"2026-01-01T00:00:00Z\",\"hours\":2.5,\"state\":\"requested\"},"
	          "{\"time\":\"2026-11-24T00:00:00Z\",\"hours\":\"9\",\"state\":\"consumed\"}," /* not a number */
	          "{\"time\":\"2026-11-24T00:00:00Z\",\"hours\":-9,\"state\":\"consumed\"},"
	          "{\"time\":\"yesterday\",\"hours\":9,\"state\":\"consumed\"},"
	          "{\"hours\":9},"
	          "42, null, \"x\"]");
	struct rows_burn b;
	rows_vendor_burn(d, now, &b);
	assert_float_equal(b.per_day, 18.0 / 30.0, 1e-9);
	assert_int_equal(b.pending, 2);
	assert_float_equal(b.pending_hours, 6.5, 1e-9);
	json_decref(d);

	/* The window edge: exactly 30 days ago is out, a second later in. */
	d = parse("[{\"time\":\"2026-10-26T10:00:00Z\",\"hours\":30,\"state\":\"consumed\"},"
	          "{\"time\":\"2026-10-26T10:00:01Z\",\"hours\":3,\"state\":\"consumed\"}]");
	rows_vendor_burn(d, now, &b);
	assert_float_equal(b.per_day, 0.1, 1e-9);
	json_decref(d);

	rows_vendor_burn(NULL, now, &b);
	assert_float_equal(b.per_day, 0, 0);
	assert_int_equal(b.pending, 0);
	d = parse("{\"draws\":[]}");
	rows_vendor_burn(d, now, &b);
	assert_int_equal(b.pending, 0);
	json_decref(d);
}

static void test_dry_date(void **state)
{
	(void)state;
	char b[32];
	int64_t now = ms("2026-11-25T10:00:00Z"), end = ms("2026-12-31T23:59:59Z");
	/* 10 h left at 1 h/day: dry on 12-05, before the end. */
	assert_int_equal(rows_dry_date(10, 1, now, end, 1, 0, b, sizeof b), 1);
	assert_string_equal(b, "2026-12-05!");
	/* 100 h at 1 h/day: after the end, not flagged. */
	assert_int_equal(rows_dry_date(100, 1, now, end, 1, 0, b, sizeof b), 0);
	assert_string_equal(b, "2027-03-05");
	/* No end known: a date, no flag. */
	assert_int_equal(rows_dry_date(10, 1, now, 0, 0, 0, b, sizeof b), 0);
	assert_string_equal(b, "2026-12-05");
	/* No burn: a dash. */
	assert_int_equal(rows_dry_date(10, 0, now, end, 1, 0, b, sizeof b), 0);
	assert_string_equal(b, "\u2014");
	assert_int_equal(rows_dry_date(10, 0, now, end, 1, 1, b, sizeof b), 0);
	assert_string_equal(b, "-");
	/* Nothing left. */
	assert_int_equal(rows_dry_date(0, 1, now, end, 1, 0, b, sizeof b), 1);
	assert_string_equal(b, "empty!");
	assert_int_equal(rows_dry_date(-5, 0, now, end, 1, 0, b, sizeof b), 1);
	/* A crawl: no overflow, no date a thousand years out. */
	assert_int_equal(rows_dry_date(1e12, 1e-9, now, end, 1, 0, b, sizeof b), 0);
	assert_string_equal(b, ">1000y");
}

/* ---- rows: drills ---- */

static void test_step_offset(void **state)
{
	(void)state;
	char b[32];
	int64_t s = ms("2026-11-25T09:00:00Z");
	rows_step_offset(s, s + 4 * MIN_MS + 10000, 1, b, sizeof b);
	assert_string_equal(b, "+4m10s");
	rows_step_offset(s, s + 4 * MIN_MS + 5000, 1, b, sizeof b);
	assert_string_equal(b, "+4m05s");
	rows_step_offset(s, s + 42000, 1, b, sizeof b);
	assert_string_equal(b, "+42s");
	rows_step_offset(s, s, 1, b, sizeof b);
	assert_string_equal(b, "+0s");
	rows_step_offset(s, s + HOUR_MS + 4 * MIN_MS + 30000, 1, b, sizeof b);
	assert_string_equal(b, "+1h04m");
	rows_step_offset(s, s + 2 * DAY_MS + 3 * HOUR_MS, 1, b, sizeof b);
	assert_string_equal(b, "+2d03h");
	rows_step_offset(s, s - 90000, 1, b, sizeof b);
	assert_string_equal(b, "-1m30s");
	rows_step_offset(s, s + 1000, 0, b, sizeof b);
	assert_string_equal(b, "-");
	rows_step_offset(INT64_MIN, INT64_MAX, 1, b, sizeof b); /* no overflow */
	assert_int_equal(b[0], '+');
}

static void test_probe_text(void **state)
{
	(void)state;
	char b[64];
	json_t *p = parse("[{\"point\":\"domestic\",\"ok\":true,\"latency_ms\":12,\"checked\":\"x\"},"
	                  "{\"point\":\"foreign\",\"ok\":false,\"checked\":\"x\"},"
	                  "{\"point\":\"cloud\",\"ok\":true,\"latency_ms\":40.4,\"checked\":\"x\"}]");
	assert_int_equal(rows_probe_text(p, 1, b, sizeof b), 1);
	assert_string_equal(b, "D:ok 12ms F:DOWN C:ok 40ms");
	assert_int_equal(rows_probe_text(p, 0, b, sizeof b), 1);
	assert_string_equal(b, "D:ok F:DOWN C:ok");
	json_decref(p);

	/* Out of order, a missing point, a bad ok, a silly latency. */
	p = parse("[{\"point\":\"cloud\",\"ok\":\"yes\"},{\"point\":\"domestic\",\"ok\":true,\"latency_ms\":1e300},"
	          "7,{\"ok\":false}]");
	assert_int_equal(rows_probe_text(p, 1, b, sizeof b), 0);
	assert_string_equal(b, "D:ok 99999ms F:- C:?");
	json_decref(p);

	assert_int_equal(rows_probe_text(NULL, 1, b, sizeof b), 0);
	assert_string_equal(b, "D:- F:- C:-");
	p = parse("[{\"point\":\"domestic\",\"ok\":false},{\"point\":\"foreign\",\"ok\":false},"
	          "{\"point\":\"cloud\",\"ok\":false}]");
	char tiny[8];
	assert_int_equal(rows_probe_text(p, 1, tiny, sizeof tiny), 3); /* cut, but all counted */
	assert_string_equal(tiny, "D:DOWN");
	assert_int_equal(rows_probe_text(p, 1, b, sizeof b), 3);
	assert_string_equal(b, "D:DOWN F:DOWN C:DOWN");
	for (const char *c = b; *c; c++)
		assert_true((unsigned char)*c < 0x80);
	json_decref(p);
}

static void test_words(void **state)
{
	(void)state;
	int level;
	assert_string_equal(rows_participant_status("under_attack", &level), "UNDER ATTACK");
	assert_int_equal(level, ROWS_ERROR);
	assert_string_equal(rows_participant_status("recovered", &level), "recovered");
	assert_int_equal(level, ROWS_OK);
	assert_string_equal(rows_participant_status("degraded", &level), "DEGRADED");
	assert_int_equal(level, ROWS_WARN);
	assert_string_equal(rows_participant_status("exploded", &level), "exploded");
	assert_int_equal(level, ROWS_NORMAL);
	assert_string_equal(rows_participant_status(NULL, NULL), "-");
	assert_string_equal(rows_advisory_kind("phishing_site"), "phish site");
	assert_string_equal(rows_advisory_kind("vulnerability"), "vuln");
	assert_string_equal(rows_advisory_kind("monthly_report"), "monthly");
	assert_string_equal(rows_advisory_kind(NULL), "-");
	char b[64];
	rows_cve_text("CVE-2019-11510", 1, 10.0, b, sizeof b);
	assert_string_equal(b, "CVE-2019-11510 10.0");
	rows_cve_text("CVE-2019-11510", 0, 0, b, sizeof b);
	assert_string_equal(b, "CVE-2019-11510");
	rows_cve_text(NULL, 1, 7.5, b, sizeof b);
	assert_string_equal(b, "CVSS 7.5");
	rows_cve_text(NULL, 1, 99, b, sizeof b); /* not a CVSS score */
	assert_string_equal(b, "");
	rows_hours(12, b, sizeof b);
	assert_string_equal(b, "12");
	rows_hours(12.5, b, sizeof b);
	assert_string_equal(b, "12.5");
	rows_hours(NAN, b, sizeof b);
	assert_string_equal(b, "-");
}

/* ---- a real cache ---- */

struct fixture {
	char dir[64];
	char path[128];
	struct cache *cache;
	int seq;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[256];
	snprintf(f->dir, sizeof f->dir, "/tmp/soctop-views-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/c/cache.db", f->dir);
	assert_int_equal(cache_open(f->path, &f->cache, err, sizeof err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[200];
	cache_close(f->cache);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Decode a real event and store its entity, as the feed does. */
static void put_rev(struct fixture *f, const char *backend, const char *stream, const char *id, int rev,
                    const char *data)
{
	static char buf[16384];
	struct proto_msg m;
	char err[256];
	int n = snprintf(buf, sizeof buf,
	                 "{\"type\":\"event\",\"seq\":%d,\"stream\":\"%s\",\"op\":\"upsert\",\"id\":\"%s\",\"rev\":%d,"
	                 "\"data\":%s}",
	                 ++f->seq, stream, id, rev, data);
	assert_true(n > 0 && n < (int)sizeof buf);
	int rc = proto_decode(buf, (size_t)n, &m, err, sizeof err);
	if (rc != PROTO_OK)
		fail_msg("%s: %s", id, err);
	assert_int_equal(cache_upsert(f->cache, backend, "e1", &m.ent), 1);
	proto_msg_free(&m);
}

static void put(struct fixture *f, const char *backend, const char *stream, const char *id, const char *data)
{
	put_rev(f, backend, stream, id, 1, data);
}

static void put_ticket(struct fixture *f, const char *id, const char *opened, const char *updated, const char *inst,
                       const char *sev, const char *status, const char *due, const char *title)
{
	char data[4096], duepart[64] = "";
	if (due)
		snprintf(duepart, sizeof duepart, "\"due\":\"%s\",", due);
	snprintf(
	    data, sizeof data,
	    "{\"id\":\"%s\",\"opened\":\"%s\",\"updated\":\"%s\",\"institution\":{\"id\":\"B%03d\",\"name\":\"%s\"},"
	    "\"title\":\"%s\",\"severity\":\"%s\",\"tlp\":\"AMBER\",\"status\":\"%s\",\"assignee\":\"duty.chen\","
	    "%s\"vendor_id\":\"V-TREND\",\"hours_used\":3.5,\"alert_ids\":[\"AL-1\"],"
	    "\"notes\":[{\"time\":\"%s\",\"author\":\"duty.chen\",\"text\":\"called the bank\"}]}",
	    id, opened, updated, (int)(strlen(inst) % 1000), inst, title, sev, status, duepart, opened);
	put(f, "fcert", "tickets", id, data);
}

static void put_sort_tickets(struct fixture *f)
{
	put_ticket(f, "T1", "2026-11-25T08:00:00Z", "2026-11-25T09:00:00Z", "示範商業銀行", "high", "new",
	           "2026-11-25T10:00:00Z", "t1");
	put_ticket(f, "T2", "2026-11-25T07:00:00Z", "2026-11-25T09:30:00Z", "北辰商業銀行", "critical", "triage",
	           "2026-11-25T09:00:00Z", "t2");
	put_ticket(f, "T3", "2026-11-25T06:00:00Z", "2026-11-25T08:00:00Z", "東海證券", "low", "in_progress", NULL,
	           "t3");
	put_ticket(f, "T4", "2026-11-25T05:00:00Z", "2026-11-25T10:00:00Z", "玉山人壽", "medium", "resolved",
	           "2026-11-25T08:00:00Z", "t4");
	put_ticket(f, "T5", "2026-11-25T09:00:00Z", "2026-11-25T07:00:00Z", "Cathay United Bank", "critical",
	           "waiting_vendor", "2026-11-25T11:00:00Z", "t5");
	assert_int_equal(cache_flush(f->cache), 0);
}

static void order_of(struct fixture *f, int sort, int reverse, char *out, size_t n)
{
	char sql[1024];
	sqlite3_stmt *st;
	snprintf(sql, sizeof sql, "SELECT id FROM tickets ORDER BY %s", rows_ticket_order(sort, reverse));
	assert_int_equal(sqlite3_prepare_v2(cache_db(f->cache), sql, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out[0])
			strncat(out, ",", n - strlen(out) - 1);
		strncat(out, (const char *)sqlite3_column_text(st, 0), n - strlen(out) - 1);
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
}

static void test_ticket_sorts(void **state)
{
	struct fixture *f = *state;
	char got[256];
	put_sort_tickets(f);
	static const struct {
		int sort;
		const char *fwd, *rev;
	} want[] = {
	    /* due: soonest first; no due, then resolved/closed last, both ways */
	    {ROWS_SORT_DUE, "T2,T1,T5,T3,T4", "T5,T1,T2,T3,T4"},
	    {ROWS_SORT_SEVERITY, "T2,T5,T1,T4,T3", "T3,T4,T1,T5,T2"},
	    {ROWS_SORT_UPDATED, "T4,T2,T1,T3,T5", "T5,T3,T1,T2,T4"},
	    {ROWS_SORT_OPENED, "T5,T1,T2,T3,T4", "T4,T3,T2,T1,T5"},
	    {ROWS_SORT_STATUS, "T1,T2,T3,T5,T4", "T4,T5,T3,T2,T1"},
	    /* code point order: C < 北 < 東 < 玉 < 示 */
	    {ROWS_SORT_INST, "T5,T2,T3,T4,T1", "T1,T4,T3,T2,T5"},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		order_of(f, want[i].sort, 0, got, sizeof got);
		if (strcmp(got, want[i].fwd))
			fail_msg("sort %s: got %s, want %s", rows_ticket_sort_name(want[i].sort), got, want[i].fwd);
		order_of(f, want[i].sort, 1, got, sizeof got);
		if (strcmp(got, want[i].rev))
			fail_msg("sort %s reversed: got %s, want %s", rows_ticket_sort_name(want[i].sort), got,
			         want[i].rev);
	}
	assert_string_equal(rows_ticket_sort_name(ROWS_SORT_DUE), "due");
	assert_int_equal(rows_ticket_sort_desc(ROWS_SORT_DUE, 0), 0);
	assert_int_equal(rows_ticket_sort_desc(ROWS_SORT_DUE, 1), 1);
	assert_int_equal(rows_ticket_sort_desc(ROWS_SORT_UPDATED, 0), 1);
	assert_string_equal(rows_ticket_order(99, 0), rows_ticket_order(ROWS_SORT_DUE, 0));
}

/* Damaged rows must neither fail a sort nor move the others. */
static void test_ticket_sort_survives_bad_json(void **state)
{
	struct fixture *f = *state;
	char got[256];
	put_sort_tickets(f);
	put_ticket(f, "T6", "2026-11-25T04:00:00Z", "2026-11-25T04:00:00Z", "X", "low", "new", "2026-11-25T01:00:00Z",
	           "t6");
	put_ticket(f, "T7", "2026-11-25T03:00:00Z", "2026-11-25T03:00:00Z", "Y", "low", "new", "2026-11-25T01:00:00Z",
	           "t7");
	sqlite3 *db = cache_db(f->cache);
	assert_int_equal(sqlite3_exec(db, "UPDATE main.tickets SET data = '{\"due\": ', due = NULL WHERE id = 'T6'", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "UPDATE main.tickets SET data = '{\"due\": 12}', due = NULL WHERE id = 'T7'", NULL, NULL, NULL), SQLITE_OK);
	order_of(f, ROWS_SORT_DUE, 0, got, sizeof got);
	assert_string_equal(got, "T2,T1,T5,T3,T6,T7,T4");
}

/* ---- panes on a real screen ---- */

#define NOW "2026-11-25T10:00:00Z"

static void put_world(struct fixture *f)
{
	/* Tickets: one overdue, one due soon, one closed; a hostile title; damaged rows. */
	put_ticket(f, "FCERT-2026-0142", "2026-11-25T06:00:00Z", "2026-11-25T09:00:00Z", "示範商業銀行", "critical",
	           "in_progress", "2026-11-25T08:00:00Z",
	           "\\u001b]0;pwned\\u0007網銀 DDoS \\u001b[2J攻擊 \\u009b31m持續");
	put_ticket(f, "FCERT-2026-0143", "2026-11-25T07:00:00Z", "2026-11-25T09:10:00Z", "北辰商業銀行", "high",
	           "waiting_vendor", "2026-11-25T13:12:00Z", "釣魚網站下架");
	put_ticket(f, "FCERT-2026-0144", "2026-11-24T07:00:00Z", "2026-11-25T09:20:00Z", "東海證券", "low", "closed",
	           "2026-11-24T08:00:00Z", "closed one");
	put_ticket(f, "FCERT-2026-0145", "2026-11-25T07:30:00Z", "2026-11-25T09:30:00Z", "玉山人壽", "medium", "new",
	           NULL, "no due");
	put_ticket(f, "FCERT-BAD", "2026-11-25T07:40:00Z", "2026-11-25T09:40:00Z", "壞資料銀行", "medium", "new",
	           "2026-11-25T08:00:00Z", "damaged json");
	put_ticket(f, "FCERT-TYPES", "2026-11-25T07:50:00Z", "2026-11-25T09:50:00Z", "型別銀行", "medium", "new",
	           "2026-11-25T08:00:00Z", "wrong types");

	/* Vendors: one under its low water, one healthy, one damaged. */
	put(f, "fcert", "vendors", "V-TREND",
	    "{\"id\":\"V-TREND\",\"name\":\"趨勢科技 Trend Micro\",\"period\":{\"start\":\"2026-01-01T00:00:00Z\","
	    "\"end\":\"2026-12-31T23:59:59Z\"},\"hours_total\":200,\"hours_used\":150,\"hours_reserved\":40,"
	    "\"low_water\":20,\"draws\":[{\"time\":\"2026-11-20T00:00:00Z\",\"ticket_id\":\"FCERT-2026-0142\","
	    "\"institution_id\":\"B001\",\"hours\":12,\"state\":\"consumed\"},{\"time\":\"2026-11-24T00:00:00Z\","
	    "\"ticket_id\":\"FCERT-2026-0143\",\"institution_id\":\"B002\",\"hours\":4,\"state\":\"requested\"}]}");
	put(f, "fcert", "vendors", "V-PALO",
	    "{\"id\":\"V-PALO\",\"name\":\"Palo Alto Networks \\u001b[31m台灣\",\"period\":{\"start\":"
	    "\"2026-07-01T00:00:00Z\",\"end\":\"2027-06-30T23:59:59Z\"},\"hours_total\":500,\"hours_used\":20,"
	    "\"hours_reserved\":0,\"low_water\":50,\"draws\":[]}");
	put(f, "fcert", "vendors", "V-BAD",
	    "{\"id\":\"V-BAD\",\"name\":\"中華電信 HiNet\",\"period\":{\"start\":\"2026-01-01T00:00:00Z\","
	    "\"end\":\"2026-12-31T23:59:59Z\"},\"hours_total\":100,\"hours_used\":0,\"hours_reserved\":0,"
	    "\"low_water\":10,\"draws\":[]}");

	/* Drills: a running DDoS drill and an older damaged one. */
	put(f, "fcert", "drills", "DR-2026-Q4",
	    "{\"id\":\"DR-2026-Q4\",\"name\":\"年度 DDoS 演練 2026Q4\",\"kind\":\"ddos\",\"phase\":\"running\","
	    "\"start\":\"2026-11-25T09:00:00Z\",\"attack\":{\"vector\":\"udp_flood\",\"gbps\":120},"
	    "\"participants\":["
	    "{\"institution\":{\"id\":\"B001\",\"name\":\"示範商業銀行\"},\"target\":\"www.example-bank.tw\","
	    "\"status\":\"under_attack\",\"probes\":[{\"point\":\"domestic\",\"ok\":true,\"latency_ms\":12,"
	    "\"checked\":\"" NOW "\"},{\"point\":\"foreign\",\"ok\":false,\"checked\":\"" NOW "\"},"
	    "{\"point\":\"cloud\",\"ok\":true,\"latency_ms\":40,\"checked\":\"" NOW "\"}],"
	    "\"detected_at\":\"2026-11-25T09:04:10Z\"},"
	    "{\"institution\":{\"id\":\"B002\",\"name\":\"北辰商業銀行\\u001b[5m\"},\"target\":\"ebank.north.tw\","
	    "\"status\":\"mitigated\",\"probes\":[],\"detected_at\":\"2026-11-25T09:02:00Z\","
	    "\"reported_at\":\"2026-11-25T09:05:00Z\",\"mitigated_at\":\"2026-11-25T09:20:00Z\"}]}");
	put(f, "fcert", "drills", "DR-OLD",
	    "{\"id\":\"DR-OLD\",\"name\":\"old drill\",\"kind\":\"tabletop\",\"phase\":\"closed\","
	    "\"start\":\"2026-05-01T09:00:00Z\",\"end\":\"2026-05-01T12:00:00Z\",\"participants\":[]}");

	/* Advisories. */
	put(f, "fsoc", "advisories", "ADV-1",
	    "{\"id\":\"ADV-1\",\"time\":\"2026-11-25T09:30:00Z\",\"kind\":\"vulnerability\",\"title\":"
	    "\"Pulse Secure VPN 任意檔案讀取\",\"tlp\":\"CLEAR\",\"severity\":\"critical\",\"cve\":\"CVE-2019-11510\","
	    "\"cvss\":10.0,\"exploited\":true,\"indicators\":[]}");
	put(f, "fsoc", "advisories", "ADV-2",
	    "{\"id\":\"ADV-2\",\"time\":\"2026-11-25T09:00:00Z\",\"kind\":\"phishing_site\",\"title\":"
	    "\"假冒網銀登入頁 \\u001b[2J\",\"tlp\":\"GREEN\",\"severity\":\"high\",\"indicators\":[]}");
	put(f, "fsoc", "advisories", "ADV-BAD",
	    "{\"id\":\"ADV-BAD\",\"time\":\"2026-11-25T08:00:00Z\",\"kind\":\"weekly_report\",\"title\":"
	    "\"weekly\",\"tlp\":\"GREEN\",\"severity\":\"info\",\"indicators\":[]}");

	sqlite3 *db = cache_db(f->cache);
	const char *damage[] = {
	    "UPDATE main.tickets SET data = '{\"due\": [', due = NULL WHERE id = 'FCERT-BAD'",
	    "UPDATE main.tickets SET data = '{\"due\":12,\"hours_used\":\"x\",\"vendor_id\":[1]}', due = NULL WHERE id = 'FCERT-TYPES'",
	    "UPDATE main.vendors SET data = 'not json at all' WHERE id = 'V-BAD'",
	    "UPDATE main.drills SET data = '[1,2' WHERE id = 'DR-OLD'",
	    "UPDATE main.advisories SET data = '{\"cve\":7,\"cvss\":\"high\",\"exploited\":\"yes\"' WHERE id = 'ADV-BAD'",
	};
	for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++)
		assert_int_equal(sqlite3_exec(db, damage[i], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(cache_flush(f->cache), 0);
}

static SCREEN *screen;
static FILE *scr_out, *scr_in;

static void screen_open(void)
{
	setenv("TERM", "xterm-256color", 1);
	scr_out = fopen("/dev/null", "w");
	scr_in = fopen("/dev/null", "r");
	assert_non_null(scr_out);
	assert_non_null(scr_in);
	screen = newterm(NULL, scr_out, scr_in);
	assert_non_null(screen);
	set_term(screen);
	draw_init(0, DRAW_THEME_DEFAULT, -1);
}

static void screen_close(void)
{
	endwin();
	delscreen(screen);
	fclose(scr_out);
	fclose(scr_in);
}

/* The screen's text, row by row, as UTF-8; also checks that no control
 * character or its caret form reached a cell. */
static void screen_text(int h, int w, char *out, size_t n)
{
	wchar_t wb[512];
	char mb[2048];
	out[0] = '\0';
	for (int y = 0; y < h; y++) {
		int got = mvinnwstr(y, 0, wb, w < 511 ? w : 511);
		if (got == ERR)
			continue;
		wb[got] = L'\0';
		for (int i = 0; i < got; i++) {
			assert_false(wb[i] < 0x20 || wb[i] == 0x7f || (wb[i] >= 0x80 && wb[i] < 0xa0));
		}
		size_t l = wcstombs(mb, wb, sizeof mb - 2);
		assert_true(l != (size_t)-1);
		mb[l] = '\n';
		mb[l + 1] = '\0';
		strncat(out, mb, n - strlen(out) - 1);
	}
}

static void assert_clean(const char *text)
{
	assert_null(strstr(text, "^["));
	assert_null(strstr(text, "pwned"));
	assert_null(strstr(text, "[2J"));
	assert_null(strstr(text, "[31m"));
	assert_null(strstr(text, "[5m"));
}

#define HAS(text, word)                                                                                                \
	do {                                                                                                           \
		if (!strstr((text), (word)))                                                                           \
			fail_msg("%s:%d: \"%s\" not on the screen:\n%s", __FILE__, __LINE__, (word), (text));          \
	} while (0)

static char shot[64 * 2200];

static void draw_pane(struct view *v, int h, int w, int focused)
{
	assert_int_equal(resizeterm(h, w), OK);
	erase();
	struct rect r = {0, 0, h, w};
	v->cls->draw(v, &r, focused);
	screen_text(h, w, shot, sizeof shot);
	assert_clean(shot);
}

struct pane_case {
	const struct view_class *cls;
	const char *big[6];    /* words at 200x60 */
	const char *medium[6]; /* at 80x24 */
	const char *small[6];  /* at 40x6 */
};

static const struct pane_case panes[] = {
    {&view_tickets,
     {"Tickets", "sort: due", "OVERDUE 2h", "3h12m left", "趨勢科技 Trend Micro", "示範商業銀行"},
     {"Tickets", "OVERDUE", "3h12m left", "網銀 DDoS", "duty.ch", NULL},
     {"Tickets", "OVERDUE", "!", NULL}},
    {&view_vendors,
     {"Vendor hours", "趨勢科技 Trend Micro", "LOW", "10h", "2026-01-01", "1 req 4h"},
     {"趨勢科技", "LOW", "Palo Alto", NULL},
     {"趨勢科技", "LOW", NULL}},
    {&view_drills,
     {"年度 DDoS 演練 2026Q4", "RUNNING", "udp_flood 120 Gbps", "UNDER ATTACK", "D:ok 12ms F:DOWN C:ok 40ms", "+4m10s"},
     {"年度 DDoS 演練", "UNDER ATTACK", "F:DOWN", "+4m10s", "mitigated", NULL},
     {"年度 DDoS", "UNDER ATTACK", "F:DOWN", NULL}},
    {&view_advisories,
     {"Advisories", "CVE-2019-11510 10.0", "EXPLOITED", "phish site", "Pulse Secure", "假冒網銀登入頁"},
     {"CVE-2019-11510", "EXPL", "CRIT", "CLEAR", NULL},
     {"Advisories", "CRIT", "EXPL", NULL}},
};

static void check_words(const char *const *words)
{
	for (int i = 0; i < 6 && words[i]; i++)
		HAS(shot, words[i]);
}

static void test_panes_draw(void **state)
{
	struct fixture *f = *state;
	put_world(f);
	screen_open();
	struct view_env env = {.db = cache_db(f->cache), .now_ms = ms(NOW)};
	for (size_t p = 0; p < sizeof panes / sizeof panes[0]; p++) {
		struct view v = {.cls = panes[p].cls, .env = &env};
		assert_int_equal(v.cls->init(&v), 0);
		draw_pane(&v, 60, 200, 1);
		check_words(panes[p].big);
		draw_pane(&v, 24, 80, 1);
		check_words(panes[p].medium);
		draw_pane(&v, 6, 40, 0);
		check_words(panes[p].small);
		/* Walk every row, both ends, and a page each way: no crash on the damaged ones. */
		int keys[] = {KEY_DOWN, KEY_DOWN,  KEY_DOWN,  KEY_DOWN, KEY_DOWN, KEY_DOWN, KEY_DOWN,
		              KEY_END,  KEY_PPAGE, KEY_NPAGE, KEY_HOME, 'k',      ']',      '['};
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			v.cls->key(&v, keys[k]);
			draw_pane(&v, 6, 40, 1);
			draw_pane(&v, 24, 80, 1);
		}
		struct view_sel sel;
		assert_int_equal(v.cls->selected(&v, &sel), 1);
		/* Tiny panes: a title bar only, nothing at all. */
		draw_pane(&v, 1, 40, 1);
		draw_pane(&v, 2, 10, 1);
		draw_pane(&v, 3, 1, 1);
		v.cls->fini(&v);
		assert_null(v.priv);
	}
	screen_close();
}

static void test_panes_empty(void **state)
{
	struct fixture *f = *state;
	screen_open();
	struct view_env env = {.db = cache_db(f->cache), .now_ms = ms(NOW)};
	const char *hint[] = {"No tickets in the cache yet", "No vendor contracts", "No drills in the cache yet",
	                      "No advisories in the cache yet"};
	for (size_t p = 0; p < sizeof panes / sizeof panes[0]; p++) {
		struct view v = {.cls = panes[p].cls, .env = &env};
		assert_int_equal(v.cls->init(&v), 0);
		draw_pane(&v, 24, 120, 1);
		HAS(shot, hint[p]);
		struct view_sel sel;
		assert_int_equal(v.cls->selected(&v, &sel), 0);
		v.cls->key(&v, KEY_DOWN);
		v.cls->key(&v, KEY_END);
		draw_pane(&v, 24, 120, 1);
		v.cls->fini(&v);
	}
	screen_close();
}

static void test_panes_ascii(void **state)
{
	struct fixture *f = *state;
	put_world(f);
	screen_open();
	draw_init(1, DRAW_THEME_DEFAULT, -1);
	struct view_env env = {.db = cache_db(f->cache), .now_ms = ms(NOW)};
	for (size_t p = 0; p < sizeof panes / sizeof panes[0]; p++) {
		struct view v = {.cls = panes[p].cls, .env = &env};
		assert_int_equal(v.cls->init(&v), 0);
		static const int sizes[][2] = {{60, 200}, {24, 80}, {6, 40}};
		for (int s = 0; s < 3; s++) {
			draw_pane(&v, sizes[s][0], sizes[s][1], 1);
			for (const char *c = shot; *c; c++)
				if ((unsigned char)*c >= 0x80)
					fail_msg("non-ASCII on an ASCII screen (%s at %dx%d):\n%s", v.cls->name,
					         sizes[s][1], sizes[s][0], shot);
		}
		if (v.cls == &view_vendors) {
			draw_pane(&v, 60, 200, 1);
			HAS(shot, "#####");
			HAS(shot, "LOW");
		}
		v.cls->fini(&v);
	}
	draw_init(0, DRAW_THEME_DEFAULT, -1);
	screen_close();
}

/* The keys: sorting tickets, switching drills, what is selected. */
static void test_pane_keys(void **state)
{
	struct fixture *f = *state;
	put_world(f);
	screen_open();
	struct view_env env = {.db = cache_db(f->cache), .now_ms = ms(NOW)};
	struct view_sel sel;

	struct view t = {.cls = &view_tickets, .env = &env};
	assert_int_equal(t.cls->init(&t), 0);
	draw_pane(&t, 24, 120, 1);
	assert_int_equal(t.cls->selected(&t, &sel), 1);
	assert_int_equal(sel.stream, PROTO_TICKETS);
	assert_string_equal(sel.id, "FCERT-2026-0142"); /* the overdue one, earliest due */
	assert_string_equal(sel.backend, "fcert");
	assert_int_equal(t.cls->key(&t, 's'), 1);
	draw_pane(&t, 24, 120, 1);
	HAS(shot, "sort: severity \u2193");
	assert_int_equal(t.cls->selected(&t, &sel), 1);
	assert_string_equal(sel.id, "FCERT-2026-0142"); /* the only critical */
	assert_int_equal(t.cls->key(&t, 'S'), 1);
	draw_pane(&t, 24, 120, 1);
	HAS(shot, "sort: severity \u2191");
	assert_int_equal(t.cls->selected(&t, &sel), 1);
	assert_string_equal(sel.id, "FCERT-2026-0144"); /* the only low */
	for (int i = 0; i < 4; i++)
		t.cls->key(&t, 's');
	draw_pane(&t, 24, 120, 1);
	HAS(shot, "sort: institution \u2191");
	t.cls->key(&t, 's');
	draw_pane(&t, 24, 120, 1);
	HAS(shot, "sort: due \u2191");
	assert_int_equal(t.cls->key(&t, KEY_DOWN), 1);
	draw_pane(&t, 24, 120, 1);
	assert_int_equal(t.cls->selected(&t, &sel), 1);
	assert_string_equal(sel.id, "FCERT-2026-0143");
	t.cls->key(&t, KEY_DOWN);
	t.cls->key(&t, KEY_DOWN);
	draw_pane(&t, 24, 120, 1);
	assert_int_equal(t.cls->selected(&t, &sel), 1);
	assert_string_equal(sel.id, "FCERT-BAD"); /* its due is unreadable: with the ones without a due */
	t.cls->key(&t, KEY_END);
	draw_pane(&t, 24, 120, 1);
	assert_int_equal(t.cls->selected(&t, &sel), 1);
	assert_string_equal(sel.id, "FCERT-2026-0144"); /* closed: last */
	assert_int_equal(t.cls->key(&t, 'x'), 0);
	t.cls->fini(&t);

	struct view d = {.cls = &view_drills, .env = &env};
	assert_int_equal(d.cls->init(&d), 0);
	draw_pane(&d, 24, 120, 1);
	assert_int_equal(d.cls->selected(&d, &sel), 1);
	assert_int_equal(sel.stream, PROTO_DRILLS);
	assert_string_equal(sel.id, "DR-2026-Q4");
	HAS(shot, "1/2");
	assert_int_equal(d.cls->key(&d, ']'), 1);
	draw_pane(&d, 24, 120, 1);
	assert_int_equal(d.cls->selected(&d, &sel), 1);
	assert_string_equal(sel.id, "DR-OLD");
	HAS(shot, "cannot be read");
	assert_int_equal(d.cls->key(&d, '['), 1);
	draw_pane(&d, 24, 120, 1);
	assert_int_equal(d.cls->selected(&d, &sel), 1);
	assert_string_equal(sel.id, "DR-2026-Q4");
	HAS(shot, "elapsed 1h00m");
	d.cls->fini(&d);

	struct view a = {.cls = &view_advisories, .env = &env};
	assert_int_equal(a.cls->init(&a), 0);
	draw_pane(&a, 24, 120, 1);
	assert_int_equal(a.cls->selected(&a, &sel), 1);
	assert_string_equal(sel.id, "ADV-1"); /* newest first */
	a.cls->key(&a, KEY_DOWN);
	draw_pane(&a, 24, 120, 1);
	assert_int_equal(a.cls->selected(&a, &sel), 1);
	assert_string_equal(sel.id, "ADV-2");
	a.cls->fini(&a);

	struct view vd = {.cls = &view_vendors, .env = &env};
	assert_int_equal(vd.cls->init(&vd), 0);
	draw_pane(&vd, 24, 120, 1);
	HAS(shot, "1 LOW");
	assert_int_equal(vd.cls->selected(&vd, &sel), 1);
	assert_int_equal(sel.stream, PROTO_VENDORS);
	assert_string_equal(sel.id, "V-PALO"); /* by name: "Palo" < "中" < "趨" */
	vd.cls->fini(&vd);
	screen_close();
}

/* The cache changes under a drawn pane: new rows appear, deleted ones go,
 * and the selection stays on the ticket it was on. */
static void test_pane_live_updates(void **state)
{
	struct fixture *f = *state;
	put_world(f);
	screen_open();
	struct view_env env = {.db = cache_db(f->cache), .now_ms = ms(NOW)};
	struct view_sel sel;
	struct view t = {.cls = &view_tickets, .env = &env};
	assert_int_equal(t.cls->init(&t), 0);
	draw_pane(&t, 24, 120, 1);
	HAS(shot, "Tickets  6 ");
	t.cls->key(&t, KEY_DOWN);
	draw_pane(&t, 24, 120, 1);
	assert_int_equal(t.cls->selected(&t, &sel), 1);
	assert_string_equal(sel.id, "FCERT-2026-0143");

	/* A ticket due even sooner arrives above the selection. */
	put_ticket(f, "FCERT-2026-0150", "2026-11-25T09:55:00Z", "2026-11-25T09:55:00Z", "新光銀行", "high", "new",
	           "2026-11-25T07:00:00Z", "新的工單");
	env.now_ms += 100;
	draw_pane(&t, 24, 120, 1);
	HAS(shot, "Tickets  7 ");
	HAS(shot, "OVERDUE 3h");
	assert_int_equal(t.cls->selected(&t, &sel), 1);
	assert_string_equal(sel.id, "FCERT-2026-0143"); /* followed, not the row now at its place */

	/* A delete is seen within 2 s even though nothing new arrived. */
	assert_int_equal(cache_delete(f->cache, "fcert", "e1", PROTO_TICKETS, "FCERT-2026-0145", 2), 1);
	env.now_ms += 2500;
	draw_pane(&t, 24, 120, 1);
	HAS(shot, "Tickets  6 ");
	assert_null(strstr(shot, "no due"));
	t.cls->fini(&t);

	/* The countdown moves with the frame's clock alone. */
	struct view t2 = {.cls = &view_tickets, .env = &env};
	assert_int_equal(t2.cls->init(&t2), 0);
	env.now_ms = ms("2026-11-25T13:00:00Z");
	draw_pane(&t2, 24, 120, 1);
	HAS(shot, "12m left");
	env.now_ms = ms("2026-11-25T14:30:00Z");
	draw_pane(&t2, 24, 120, 1);
	HAS(shot, "OVERDUE 1h");
	t2.cls->fini(&t2);

	/* Advisories follow the newest while the selection is on top. */
	env.now_ms = ms(NOW);
	struct view a = {.cls = &view_advisories, .env = &env};
	assert_int_equal(a.cls->init(&a), 0);
	draw_pane(&a, 24, 120, 1);
	put(f, "fsoc", "advisories", "ADV-3",
	    "{\"id\":\"ADV-3\",\"time\":\"2026-11-25T09:45:00Z\",\"kind\":\"threat_report\",\"title\":"
	    "\"APT 報告\",\"tlp\":\"AMBER+STRICT\",\"severity\":\"medium\",\"indicators\":[]}");
	env.now_ms += 100;
	draw_pane(&a, 24, 120, 1);
	HAS(shot, "AMBER+S");
	HAS(shot, "threat");
	assert_int_equal(a.cls->selected(&a, &sel), 1);
	assert_string_equal(sel.id, "ADV-3");
	a.cls->fini(&a);
	screen_close();
}

/* Vendors take two lines each when they all fit twice, one otherwise. */
static void test_vendor_lines(void **state)
{
	struct fixture *f = *state;
	put_world(f);
	screen_open();
	struct view_env env = {.db = cache_db(f->cache), .now_ms = ms(NOW)};
	struct view v = {.cls = &view_vendors, .env = &env};
	assert_int_equal(v.cls->init(&v), 0);
	draw_pane(&v, 24, 80, 1);
	assert_int_equal(v.page, 11); /* 22 lines, 3 contracts: two lines each */
	HAS(shot, "burn 0.4h/d");
	HAS(shot, "dry 2026-12-20!");
	draw_pane(&v, 7, 80, 1);
	assert_int_equal(v.page, 5); /* 5 lines < 2 x 3: one line each */
	HAS(shot, "0.4h/d");
	v.cls->fini(&v);
	screen_close();
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A full redraw of the four panes at 200x60, a thousand tickets cached. */
static void test_redraw_cost(void **state)
{
	struct fixture *f = *state;
	put_world(f);
	char id[32], opened[32], due[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(id, sizeof id, "FCERT-2026-%04d", 1000 + i);
		snprintf(opened, sizeof opened, "2026-11-%02dT%02d:00:00Z", 1 + i % 24, i % 24);
		snprintf(due, sizeof due, "2026-11-%02dT%02d:30:00Z", 2 + i % 27, i % 24);
		put_ticket(f, id, opened, opened, "示範商業銀行", "high", "in_progress", i % 5 ? due : NULL, "load");
	}
	assert_int_equal(cache_flush(f->cache), 0);
	screen_open();
	struct view_env env = {.db = cache_db(f->cache), .now_ms = ms(NOW)};
	struct view vs[4];
	for (int p = 0; p < 4; p++) {
		vs[p] = (struct view){.cls = panes[p].cls, .env = &env};
		assert_int_equal(vs[p].cls->init(&vs[p]), 0);
	}
	assert_int_equal(resizeterm(60, 200), OK);
	struct rect full = {0, 0, 60, 200};
	/* Each pane alone on the whole screen (the worst case for one pane)... */
	int frames = 50;
	for (int p = 0; p < 4; p++) {
		vs[p].cls->draw(&vs[p], &full, 1); /* the first frame reads the page */
		double t0 = cpu_ms();
		for (int i = 0; i < frames; i++) {
			env.now_ms += 1000;
			vs[p].cls->draw(&vs[p], &full, 1);
		}
		print_message("%-10s alone at 200x60: %.3f ms CPU a frame\n", vs[p].cls->name,
		              (cpu_ms() - t0) / frames);
	}
	/* ...and the four tiling the screen, as the UI lays them out. */
	struct rect quad[4] = {{0, 0, 30, 100}, {0, 100, 30, 100}, {30, 0, 30, 100}, {30, 100, 30, 100}};
	double t0 = cpu_ms();
	for (int i = 0; i < frames; i++) {
		env.now_ms += 1000;
		for (int p = 0; p < 4; p++)
			vs[p].cls->draw(&vs[p], &quad[p], p == 0);
	}
	double per = (cpu_ms() - t0) / frames;
	print_message("full redraw of the 4 panes tiling 200x60: %.3f ms CPU\n", per);
#if !defined(__SANITIZE_ADDRESS__)
	assert_true(per < 2.0);
#endif
	for (int p = 0; p < 4; p++)
		vs[p].cls->fini(&vs[p]);
	screen_close();
}

/* "/" on the drills pane narrows the shown drill's participants. */
static int drill_filter(struct view *v, const char *expr)
{
	struct filter fl;
	char err[300];
	assert_int_equal(filter_parse(expr, ms(NOW), &fl, err, sizeof err), 0);
	if (v->cls->set_filter(v, &fl) < 0)
		return -1;
	v->filter = fl; /* as tui/ui.c does */
	return 0;
}

static void test_drill_filter(void **state)
{
	struct fixture *f = *state;
	put_world(f);
	screen_open();
	struct view_env env = {.db = cache_db(f->cache), .now_ms = ms(NOW)};
	struct view_sel sel;
	struct view d = {.cls = &view_drills, .env = &env};
	assert_int_equal(d.cls->init(&d), 0);
	assert_non_null(d.cls->set_filter);
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "示範商業銀行");
	HAS(shot, "北辰商業銀行");

	/* status: keeps the one under attack; the title says so */
	assert_int_equal(drill_filter(&d, "status:under_attack"), 0);
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "1 of 2 matching  /status:under_attack");
	HAS(shot, "示範商業銀行");
	assert_null(strstr(shot, "北辰商業銀行"));
	HAS(shot, "under attack 1"); /* the header still counts the whole drill */
	HAS(shot, "mitigated 1");
	assert_int_equal(d.cls->selected(&d, &sel), 1);
	assert_string_equal(sel.sub, "B001");

	/* the second participant alone: the selection is that one, not row 0 of the drill */
	assert_int_equal(drill_filter(&d, "inst:b002"), 0);
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "1 of 2 matching");
	HAS(shot, "北辰商業銀行");
	assert_null(strstr(shot, "示範商業銀行"));
	assert_int_equal(d.cls->selected(&d, &sel), 1);
	assert_string_equal(sel.sub, "B002");
	assert_int_equal(d.cls->key(&d, KEY_DOWN), 1); /* one row: stays on it */
	assert_int_equal(d.cls->selected(&d, &sel), 1);
	assert_string_equal(sel.sub, "B002");

	/* free text over the target, case folded; a negation */
	assert_int_equal(drill_filter(&d, "EBANK.NORTH"), 0);
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "ebank.north.tw");
	assert_null(strstr(shot, "www.example-bank.tw"));
	assert_int_equal(drill_filter(&d, "-ebank"), 0);
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "www.example-bank.tw");
	assert_null(strstr(shot, "ebank.north.tw"));

	/* terms that mean nothing for a participant are refused; the filter in force stays */
	char msg[300];
	assert_int_equal(drill_filter(&d, "sev:high"), -1);
	view_filter_refusal(&d, msg, sizeof msg);
	assert_string_equal(msg, "filter: sev:high: the drills pane has no severity to filter on (it takes words, "
	                         "status:, inst:)");
	assert_int_equal(drill_filter(&d, "status:attacked"), -1);
	HAS(d.filter_why, "'attacked' is not a participant status (pending, under_attack");
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "/-ebank");
	HAS(shot, "www.example-bank.tw");
	assert_null(strstr(shot, "ebank.north.tw"));

	/* nothing matches: said so, and no participant is selected */
	assert_int_equal(drill_filter(&d, "nobody"), 0);
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "0 of 2 matching");
	HAS(shot, "No participant matches the filter");
	assert_int_equal(d.cls->selected(&d, &sel), 1);
	assert_string_equal(sel.id, "DR-2026-Q4");
	assert_string_equal(sel.sub, "");

	/* a new revision of the drill is filtered again */
	assert_int_equal(drill_filter(&d, "status:mitigated"), 0);
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "1 of 2 matching");
	put_rev(f, "fcert", "drills", "DR-2026-Q4", 2,
	        "{\"id\":\"DR-2026-Q4\",\"name\":\"年度 DDoS 演練 2026Q4\",\"kind\":\"ddos\",\"phase\":\"running\","
	        "\"start\":\"2026-11-25T09:00:00Z\",\"participants\":["
	        "{\"institution\":{\"id\":\"B001\",\"name\":\"示範商業銀行\"},\"target\":\"www.example-bank.tw\","
	        "\"status\":\"mitigated\",\"probes\":[]},"
	        "{\"institution\":{\"id\":\"B002\",\"name\":\"北辰商業銀行\"},\"target\":\"ebank.north.tw\","
	        "\"status\":\"mitigated\",\"probes\":[]}]}");
	assert_int_equal(cache_flush(f->cache), 0);
	env.now_ms += 2500;
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "2 of 2 matching");
	HAS(shot, "示範商業銀行");
	HAS(shot, "北辰商業銀行");
	/* a damaged cache: participants of the wrong shapes */
	assert_int_equal(sqlite3_exec(cache_db(f->cache),
	                              "UPDATE main.drills SET rev = 3, rx = rx + 1000, data = json_set(data, "
	                              "'$.participants[#]', json('{\"institution\":\"not an object\",\"target\":7,"
	                              "\"status\":[1]}'), '$.participants[#]', 42) WHERE id = 'DR-2026-Q4'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	env.now_ms += 2500;
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "2 of 4 matching");

	/* hostile participants pass only a negation, and draw as "-" */
	assert_int_equal(drill_filter(&d, "-status:mitigated"), 0);
	draw_pane(&d, 24, 160, 1);
	HAS(shot, "2 of 4 matching");
	HAS(shot, "/-status:mitigated");
	assert_int_equal(d.cls->selected(&d, &sel), 1);
	assert_string_equal(sel.sub, "");

	/* the empty filter (Esc) shows every participant again */
	assert_int_equal(drill_filter(&d, ""), 0);
	draw_pane(&d, 24, 160, 1);
	assert_null(strstr(shot, "matching"));
	HAS(shot, "Drills  1/2  [ ] switch");
	d.cls->fini(&d);
	screen_close();
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_span),
	    cmocka_unit_test(test_due_left),
	    cmocka_unit_test(test_due_overdue),
	    cmocka_unit_test(test_due_closed_and_none),
	    cmocka_unit_test(test_gauge_width_exact),
	    cmocka_unit_test(test_gauge_proportions),
	    cmocka_unit_test(test_gauge_overcommit_and_bad),
	    cmocka_unit_test(test_gauge_ascii_is_ascii),
	    cmocka_unit_test(test_vendor_low),
	    cmocka_unit_test(test_burn_window_and_states),
	    cmocka_unit_test(test_dry_date),
	    cmocka_unit_test(test_step_offset),
	    cmocka_unit_test(test_probe_text),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test_setup_teardown(test_ticket_sorts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ticket_sort_survives_bad_json, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_panes_draw, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_panes_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_panes_ascii, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pane_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pane_live_updates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vendor_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_drill_filter, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_redraw_cost, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
