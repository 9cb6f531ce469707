/* tests/unit/test_pager.c - the keyset pager (views/pager.c) over a real
 * cache's alerts table: it follows while on the newest row, holds still and
 * counts "N new" once moved away, follows again on Home, pages with
 * PgUp/PgDn, j/k and End over a few hundred rows, and never uses OFFSET. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/cache.h"
#include "client/proto.h"
#include "views/pager.h"

#define PAGE 20

struct fixture {
	char dir[64];
	char path[128];
	struct cache *cache;
	int seq;
	struct pager pg;
	int reads;                       /* rows the reader was given */
	char titles[PAGER_MAX_ROWS][64]; /* what the reader read, by row */
};

static void read_row(void *ctx, sqlite3_stmt *st, int i)
{
	struct fixture *f = ctx;
	const unsigned char *t = sqlite3_column_text(st, 2);
	snprintf(f->titles[i], sizeof f->titles[i], "%s", t ? (const char *)t : "");
	f->reads++;
}

/* Alert n: at n seconds past midnight, id AL-0000n, title "title n". */
static void put_alert(struct fixture *f, int n)
{
	char buf[2048];
	struct proto_msg m;
	char err[256];
	int len =
	    snprintf(buf, sizeof buf,
	             "{\"type\":\"event\",\"seq\":%d,\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"AL-%05d\","
	             "\"rev\":1,\"data\":{\"id\":\"AL-%05d\",\"time\":\"2026-11-25T%02d:%02d:%02dZ\","
	             "\"institution\":{\"id\":\"B001\",\"name\":\"bank\"},\"source\":\"waf\",\"category\":\"ddos\","
	             "\"severity\":\"high\",\"title\":\"title %d\",\"indicators\":[],\"tlp\":\"AMBER\","
	             "\"status\":\"new\"}}",
	             ++f->seq, n, n, n / 3600, n / 60 % 60, n % 60, n);
	assert_true(len > 0 && len < (int)sizeof buf);
	if (proto_decode(buf, (size_t)len, &m, err, sizeof err) != PROTO_OK)
		fail_msg("alert %d: %s", n, err);
	assert_int_equal(cache_upsert(f->cache, "fsoc", "e1", &m.ent), 1);
	proto_msg_free(&m);
}

static void put_alerts(struct fixture *f, int from, int to)
{
	for (int n = from; n < to; n++)
		put_alert(f, n);
	assert_int_equal(cache_flush(f->cache), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[256];
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/soctop-pager-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/c/cache.db", f->dir);
	assert_int_equal(cache_open(f->path, &f->cache, err, sizeof err), 0);
	assert_int_equal(pager_init(&f->pg, cache_db(f->cache), "alerts", "title", read_row, f), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[200];
	pager_fini(&f->pg);
	cache_close(f->cache);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static const char *id_of(int n)
{
	static char buf[4][16];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "AL-%05d", n);
	return buf[k];
}

/* The page holds rows newest-1 ... down, in order, with matching titles. */
static void assert_page_from(struct fixture *f, int newest)
{
	int want = newest + 1 < PAGE ? newest + 1 : PAGE;
	assert_int_equal(f->pg.nrows, want);
	for (int i = 0; i < f->pg.nrows; i++) {
		char title[64];
		assert_string_equal(f->pg.keys[i].id, id_of(newest - i));
		snprintf(title, sizeof title, "title %d", newest - i);
		assert_string_equal(f->titles[i], title);
	}
}

static void test_empty(void **state)
{
	struct fixture *f = *state;
	pager_load(&f->pg, PAGE);
	assert_int_equal(f->pg.nrows, 0);
	assert_int_equal(f->pg.sel, 0);
	assert_true(f->pg.following);
	assert_int_equal(pager_count_new(&f->pg), 0);
	/* keys on an empty page do nothing harmful */
	assert_int_equal(pager_key(&f->pg, 'j', PAGE), 1);
	assert_int_equal(pager_key(&f->pg, ' ', PAGE), 1);
	assert_int_equal(pager_key(&f->pg, 'G', PAGE), 1);
	assert_int_equal(pager_key(&f->pg, 'k', PAGE), 1);
	pager_load(&f->pg, PAGE);
	assert_int_equal(f->pg.nrows, 0);
	assert_int_equal(pager_key(&f->pg, 'x', PAGE), 0);
}

static void test_follow(void **state)
{
	struct fixture *f = *state;
	put_alerts(f, 0, 300);
	pager_load(&f->pg, PAGE);
	assert_true(f->pg.following);
	assert_page_from(f, 299);
	assert_int_equal(f->reads, PAGE);
	put_alerts(f, 300, 305);
	pager_load(&f->pg, PAGE);
	assert_true(f->pg.following);
	assert_page_from(f, 304);
	assert_int_equal(pager_count_new(&f->pg), 0);
	/* never more than asked, nor more than the pager holds */
	pager_load(&f->pg, 5);
	assert_int_equal(f->pg.nrows, 5);
	pager_load(&f->pg, 100000);
	assert_int_equal(f->pg.nrows, 305);
}

static void test_hold_and_home(void **state)
{
	struct fixture *f = *state;
	put_alerts(f, 0, 300);
	pager_load(&f->pg, PAGE);
	/* moving off the newest row freezes the page */
	assert_int_equal(pager_key(&f->pg, KEY_DOWN, PAGE), 1);
	assert_false(f->pg.following);
	assert_int_equal(f->pg.sel, 1);
	assert_string_equal(f->pg.top.id, id_of(299));
	put_alerts(f, 300, 307);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, 299);
	assert_int_equal(f->pg.sel, 1);
	assert_int_equal(pager_count_new(&f->pg), 7);
	/* k back to the top row and above it: the page scrolls up one at a time */
	assert_int_equal(pager_key(&f->pg, 'k', PAGE), 1);
	assert_int_equal(f->pg.sel, 0);
	assert_int_equal(pager_key(&f->pg, 'k', PAGE), 1);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, 300);
	assert_int_equal(pager_count_new(&f->pg), 6);
	/* Home follows again */
	assert_int_equal(pager_key(&f->pg, KEY_HOME, PAGE), 1);
	assert_true(f->pg.following);
	assert_int_equal(f->pg.sel, 0);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, 306);
	assert_int_equal(pager_count_new(&f->pg), 0);
	put_alert(f, 307);
	assert_int_equal(cache_flush(f->cache), 0);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, 307);
	/* 'g' is Home too */
	assert_int_equal(pager_key(&f->pg, 'j', PAGE), 1);
	assert_false(f->pg.following);
	assert_int_equal(pager_key(&f->pg, 'g', PAGE), 1);
	assert_true(f->pg.following);
}

static void test_down_at_bottom_scrolls(void **state)
{
	struct fixture *f = *state;
	put_alerts(f, 0, 300);
	pager_load(&f->pg, PAGE);
	for (int i = 0; i < PAGE - 1; i++)
		assert_int_equal(pager_key(&f->pg, 'j', PAGE), 1);
	assert_int_equal(f->pg.sel, PAGE - 1);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, 299);
	/* at the bottom of a full page: the page moves down one row */
	assert_int_equal(pager_key(&f->pg, 'j', PAGE), 1);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, 298);
	assert_int_equal(f->pg.sel, PAGE - 1);
	assert_int_equal(pager_count_new(&f->pg), 1);
}

static void test_page_down_and_up(void **state)
{
	struct fixture *f = *state;
	put_alerts(f, 0, 300);
	pager_load(&f->pg, PAGE);
	/* PgDn: the last row becomes the top, down to the oldest alert */
	int top = 299, steps = 0;
	while (top - (PAGE - 1) > 0) {
		assert_int_equal(pager_key(&f->pg, KEY_NPAGE, PAGE), 1);
		pager_load(&f->pg, PAGE);
		top -= PAGE - 1;
		assert_false(f->pg.following);
		assert_page_from(f, top);
		steps++;
	}
	assert_true(steps > 10);
	/* a partial last page: PgDn selects its last row and stays */
	assert_int_equal(pager_key(&f->pg, ' ', PAGE), 1);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, top);
	assert_string_equal(f->pg.keys[f->pg.nrows - 1].id, id_of(0));
	assert_int_equal(f->pg.sel, f->pg.nrows - 1);
	assert_int_equal(pager_count_new(&f->pg), 299 - top);
	/* PgUp: page - 1 rows up at a time, back to the newest */
	while (top < 299) {
		assert_int_equal(pager_key(&f->pg, KEY_PPAGE, PAGE), 1);
		pager_load(&f->pg, PAGE);
		top = top + PAGE - 1 < 299 ? top + PAGE - 1 : 299;
		assert_page_from(f, top);
	}
	assert_int_equal(pager_count_new(&f->pg), 0);
	/* nothing above: PgUp stays */
	assert_int_equal(pager_key(&f->pg, KEY_PPAGE, PAGE), 1);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, 299);
	/* PgUp while following selects the top row */
	assert_int_equal(pager_key(&f->pg, KEY_HOME, PAGE), 1);
	pager_load(&f->pg, PAGE);
	f->pg.sel = 5;
	assert_int_equal(pager_key(&f->pg, KEY_PPAGE, PAGE), 1);
	assert_int_equal(f->pg.sel, 0);
	assert_true(f->pg.following);
}

static void test_end(void **state)
{
	struct fixture *f = *state;
	put_alerts(f, 0, 300);
	pager_load(&f->pg, PAGE);
	assert_int_equal(pager_key(&f->pg, KEY_END, PAGE), 1);
	assert_false(f->pg.following);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, PAGE - 1);
	assert_int_equal(f->pg.sel, PAGE - 1);
	assert_string_equal(f->pg.keys[f->pg.sel].id, id_of(0));
	assert_int_equal(pager_count_new(&f->pg), 300 - PAGE);
	/* 'G' too, and from there j stays on the oldest */
	assert_int_equal(pager_key(&f->pg, KEY_HOME, PAGE), 1);
	assert_int_equal(pager_key(&f->pg, 'G', PAGE), 1);
	pager_load(&f->pg, PAGE);
	assert_int_equal(pager_key(&f->pg, 'j', PAGE), 1);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, PAGE - 2);
	assert_string_equal(f->pg.keys[f->pg.sel].id, id_of(0));
}

static void test_purged_anchor_follows(void **state)
{
	struct fixture *f = *state;
	put_alerts(f, 0, 300);
	pager_load(&f->pg, PAGE);
	assert_int_equal(pager_key(&f->pg, KEY_END, PAGE), 1);
	pager_load(&f->pg, PAGE);
	assert_false(f->pg.following);
	/* everything at and below the anchor goes */
	assert_int_equal(sqlite3_exec(cache_db(f->cache), "DELETE FROM main.alerts WHERE id < 'AL-00100'", NULL, NULL, NULL),
	                 SQLITE_OK);
	pager_load(&f->pg, PAGE);
	assert_page_from(f, 299);
	/* the selection stays where it was on the screen, off the newest row,
	 * so the page holds at the new top */
	assert_int_equal(f->pg.sel, PAGE - 1);
	assert_false(f->pg.following);
	assert_string_equal(f->pg.top.id, id_of(299));
	assert_int_equal(pager_count_new(&f->pg), 0);
}

static void test_no_offset(void **state)
{
	struct fixture *f = *state;
	sqlite3_stmt *sts[] = {f->pg.q_newest, f->pg.q_from, f->pg.q_above, f->pg.q_oldest, f->pg.q_count_new};
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++) {
		const char *sql = sqlite3_sql(sts[i]);
		assert_non_null(sql);
		assert_null(strstr(sql, "OFFSET"));
	}
}

/* The rows a filtered pager shows, walking from the newest to the oldest
 * with j, as "n n n ..." of their titles' numbers. */
static void walk(struct fixture *f, char *out, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	char last[PROTO_MAX_ID + 1] = "";
	pager_key(&f->pg, KEY_HOME, PAGE);
	for (int step = 0; step < 400; step++) {
		pager_load(&f->pg, PAGE);
		if (f->pg.nrows == 0 || !strcmp(f->pg.keys[f->pg.sel].id, last))
			break; /* j did not move: the last row */
		snprintf(last, sizeof last, "%s", f->pg.keys[f->pg.sel].id);
		const char *t = f->titles[f->pg.sel];
		int k = snprintf(out + used, n - used, "%s%s", used ? " " : "", t + 6);
		assert_true(k > 0 && (size_t)k < n - used);
		used += (size_t)k;
		pager_key(&f->pg, 'j', PAGE);
	}
}

/* A filter pages the same by the time index and by the table scan: only
 * matching rows, newest first, each once; End and Home work. */
static void test_filter_plans(void **state)
{
	struct fixture *f = *state;
	put_alerts(f, 0, 300);
	struct filter fl;
	char err[200];
	static char by_index[4096], by_scan[4096];
	assert_int_equal(filter_parse("\"title 1\"", 0, &fl, err, sizeof err), 0);
	assert_int_equal(pager_set_filter_plan(&f->pg, &fl, 0), 0);
	assert_int_equal(f->pg.scan, 0);
	walk(f, by_index, sizeof by_index);
	assert_int_equal(pager_set_filter_plan(&f->pg, &fl, 1), 0);
	assert_int_equal(f->pg.scan, 1);
	walk(f, by_scan, sizeof by_scan);
	assert_string_equal(by_index, by_scan);
	/* 1, 10-19, 100-199: 111 rows, newest first */
	int count = 1;
	for (const char *c = by_scan; *c; c++)
		count += *c == ' ';
	if (count != 111)
		fail_msg("%d rows: %s", count, by_scan);
	assert_int_equal(strncmp(by_scan, "199 198 ", 8), 0);
	assert_non_null(strstr(by_scan, " 100 19 18 "));
	assert_string_equal(by_scan + strlen(by_scan) - 7, "11 10 1");
	/* End shows the oldest match at the bottom; the scan plan keeps its page
	 * between loads until something moves */
	pager_key(&f->pg, KEY_END, PAGE);
	pager_load(&f->pg, PAGE);
	assert_string_equal(f->titles[f->pg.sel], "title 1");
	int reads = f->reads;
	pager_load(&f->pg, PAGE);
	assert_int_equal(f->reads, reads);
	/* no filter again: every row */
	assert_int_equal(pager_set_filter(&f->pg, NULL), 0);
	pager_load(&f->pg, PAGE);
	assert_string_equal(f->titles[0], "title 299");
	assert_int_equal(f->pg.scan, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filter_plans, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hold_and_home, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_down_at_bottom_scrolls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_page_down_and_up, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_purged_anchor_follows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_offset, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
