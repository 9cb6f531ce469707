/* tests/unit/test_history.c - offline review over the cache: full-text
 * search (client/search.c), export (client/export.c) and retention
 * (cache_purge / cache_vacuum), each on a cache in its own directory. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/cache.h"
#include "client/export.h"
#include "client/search.h"
#include "tests/unit/rmtree.h"

#define DAY_MS 86400000LL
#define T0 1764057600000LL /* 2025-11-25T08:00:00Z */

struct fixture {
	char dir[64];
	char path[128];
	struct cache *c;
	char err[512];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test_history.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/cache.db", f->dir);
	if (cache_open(f->path, &f->c, f->err, sizeof f->err) != 0) {
		fprintf(stderr, "cache_open: %s\n", f->err);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	cache_close(f->c);
	rmtree(f->dir);
	free(f);
	return 0;
}

/* An entity as the decoder would give it; data carries the searchable
 * JSON (summary, notes, indicators). */
static void put(struct cache *c, enum proto_stream s, const char *id, int64_t t, int tlp, const char *title,
		const char *summary, const char *note, const char *status)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}]}", "id", id, "title", title,
			      "summary", summary ? summary : "", "tlp", proto_tlp_name(tlp), "indicators", "type",
			      "ipv4", "value", "203.0.113.77", "notes", "author", "duty", "text", note ? note : "");
	assert_non_null(d);
	struct proto_entity e;
	memset(&e, 0, sizeof e);
	e.stream = s;
	e.id = id;
	e.rev = 1;
	e.time_ms = t;
	e.updated_ms = t;
	e.title = title;
	e.status = status ? status : "new";
	e.inst_name = "示範商業銀行";
	e.severity = PROTO_SEV_HIGH;
	e.tlp = tlp;
	e.data = d;
	assert_int_equal(cache_upsert(c, s == PROTO_ALERTS ? "fsoc" : "fcert", "E1", &e), 1);
	json_decref(d);
}

static int64_t q_int(struct cache *c, const char *sql);

static void seed(struct cache *c)
{
	put(c, PROTO_ALERTS, "AL-1", T0, PROTO_TLP_AMBER, "DDoS 勒索信：署名 \"Cozy Bear\" 要求 20 BTC", "ransom note",
	    NULL, NULL);
	put(c, PROTO_ALERTS, "AL-2", T0 + 1000, PROTO_TLP_GREEN, "Pulse Secure VPN 任意檔案讀取", "CVE-2019-11510 exploited",
	    NULL, NULL);
	put(c, PROTO_ALERTS, "AL-3", T0 + 2000, PROTO_TLP_RED, "Cozy Bear red secret", "only for the room", NULL, NULL);
	put(c, PROTO_ALERTS, "AL-4", T0 + 3000, PROTO_TLP_CLEAR, "Phishing site", "vpn login page cloned", NULL, NULL);
	put(c, PROTO_ALERTS, "AL-5", T0 + 4000, PROTO_TLP_AMBER_STRICT, "Malware beacon", "beacon to c2", NULL, NULL);
	put(c, PROTO_TICKETS, "T-1", T0, PROTO_TLP_AMBER, "Investigate outage", "", "vendor onsite forensics tomorrow",
	    NULL);
	assert_int_equal(cache_flush(c), 0);
}

/* The file's index follows in steps: run them all. */
static void index_all(struct cache *c)
{
	int n;
	while ((n = cache_index_step(c, 100)) > 0)
		;
	assert_int_equal(n, 0);
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(cache_index_behind(c), 0);
}

static int search(struct fixture *f, enum proto_stream s, const char *q, const struct search_range *r,
		  struct search_hit *hits, int max)
{
	index_all(f->c);
	int n = search_run(cache_db(f->c), s, q, r, hits, max, f->err, sizeof f->err);
	if (n < 0)
		print_error("search_run: %s\n", f->err);
	return n;
}

static int has_id(const struct search_hit *hits, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(hits[i].id, id) == 0)
			return 1;
	return 0;
}

static void test_compile(void **state)
{
	(void)state;
	char out[600], err[200];
	assert_int_equal(search_compile("vpn cve", out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "\"vpn\" AND \"cve\"");
	/* FTS5 syntax is quoted, never run; a lone '*' is no word */
	assert_int_equal(search_compile("title:x OR NEAR(a b) -c * cred*", out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "\"title:x\" AND \"OR\" AND \"NEAR(a\" AND \"b)\" AND \"-c\" AND \"cred\"*");
	assert_int_equal(search_compile("\"cozy bear\" 勒索", out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "\"cozy bear\" AND \"勒索\"*");
	assert_int_equal(search_compile("   ", out, sizeof out, err, sizeof err), -1);
	assert_non_null(strstr(err, "nothing"));
	assert_int_equal(search_compile("\"open", out, sizeof out, err, sizeof err), -1);
	assert_non_null(strstr(err, "quote"));
	assert_int_equal(search_compile("a b c d e f g h i j k l m n o p q", out, sizeof out, err, sizeof err), -1);
	char longq[400];
	memset(longq, 'x', sizeof longq - 1);
	longq[sizeof longq - 1] = '\0';
	assert_int_equal(search_compile(longq, out, sizeof out, err, sizeof err), -1);
}

static void test_search_finds_ranked(void **state)
{
	struct fixture *f = *state;
	seed(f->c);
	struct search_hit hits[10];
	/* title, summary (any case), CJK word start, notes, indicators */
	int n = search(f, PROTO_ALERTS, "vpn", NULL, hits, 10);
	assert_int_equal(n, 2);
	assert_true(has_id(hits, n, "AL-2") && has_id(hits, n, "AL-4"));
	/* AL-2 has "VPN" in its title and is shorter: ranked first */
	assert_true(hits[0].rank <= hits[1].rank);
	n = search(f, PROTO_ALERTS, "勒索", NULL, hits, 10);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].id, "AL-1");
	assert_int_equal(hits[0].tlp, PROTO_TLP_AMBER);
	n = search(f, PROTO_ALERTS, "cve-2019-11510", NULL, hits, 10);
	assert_int_equal(n, 1);
	n = search(f, PROTO_TICKETS, "forensics", NULL, hits, 10);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].id, "T-1");
	n = search(f, PROTO_ALERTS, "203.0.113.77", NULL, hits, 10);
	assert_int_equal(n, 5);
	/* every word must match */
	assert_int_equal(search(f, PROTO_ALERTS, "vpn ransom", NULL, hits, 10), 0);
	/* RED rows (in memory) are found too, ranked with the rest */
	n = search(f, PROTO_ALERTS, "cozy", NULL, hits, 10);
	assert_int_equal(n, 2);
	assert_true(has_id(hits, n, "AL-3") && has_id(hits, n, "AL-1"));
	/* max is honoured across both tiers */
	assert_int_equal(search(f, PROTO_ALERTS, "cozy", NULL, hits, 1), 1);
	/* vendors have no index */
	assert_int_equal(search_run(cache_db(f->c), PROTO_VENDORS, "x", NULL, hits, 10, f->err, sizeof f->err), -1);
}

static void test_search_time_range_and_updates(void **state)
{
	struct fixture *f = *state;
	seed(f->c);
	struct search_hit hits[10];
	struct search_range r = {.since_ms = T0 + 1000, .until_ms = T0 + 4000};
	int n = search(f, PROTO_ALERTS, "203.0.113.77", &r, hits, 10);
	assert_int_equal(n, 3); /* AL-2, AL-3, AL-4 */
	assert_false(has_id(hits, n, "AL-1") || has_id(hits, n, "AL-5"));
	/* a new revision replaces the indexed text; a delete removes it */
	json_t *d = json_pack("{s:s, s:s, s:s}", "id", "AL-2", "title", "renamed", "summary", "nothing");
	struct proto_entity e = {.stream = PROTO_ALERTS, .id = "AL-2", .rev = 2, .time_ms = T0 + 1000,
				 .title = "renamed", .severity = -1, .tlp = PROTO_TLP_GREEN, .data = d};
	assert_int_equal(cache_upsert(f->c, "fsoc", "E1", &e), 1);
	json_decref(d);
	assert_int_equal(search(f, PROTO_ALERTS, "vpn", NULL, hits, 10), 1);
	assert_int_equal(search(f, PROTO_ALERTS, "renamed", NULL, hits, 10), 1);
	assert_int_equal(cache_delete(f->c, "fcert", "E1", PROTO_TICKETS, "T-1", 5), 1);
	assert_int_equal(search(f, PROTO_TICKETS, "forensics", NULL, hits, 10), 0);
	/* RED moving to disk takes its index entry along */
	d = json_pack("{s:s, s:s}", "id", "AL-3", "title", "Cozy Bear downgraded");
	e = (struct proto_entity){.stream = PROTO_ALERTS, .id = "AL-3", .rev = 2, .time_ms = T0 + 2000,
				  .title = "Cozy Bear downgraded", .severity = -1, .tlp = PROTO_TLP_AMBER, .data = d};
	assert_int_equal(cache_upsert(f->c, "fsoc", "E1", &e), 1);
	json_decref(d);
	assert_int_equal(cache_flush(f->c), 0);
	n = search(f, PROTO_ALERTS, "downgraded", NULL, hits, 10);
	assert_int_equal(n, 1);
	assert_int_equal(search(f, PROTO_ALERTS, "secret", NULL, hits, 10), 0);
}

/* The whole file, NUL-terminated, malloc'd. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *buf = calloc(1, 1 << 16);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 16) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_export_jsonl_refuses_red(void **state)
{
	struct fixture *f = *state;
	seed(f->c);
	char path[200], msg[300];
	snprintf(path, sizeof path, "%s/out.jsonl", f->dir);
	struct export_filter ef = {.stream = PROTO_ALERTS};
	struct export_result res;
	assert_int_equal(export_run(cache_db(f->c), &ef, PROTO_TLP_AMBER, path, &res, f->err, sizeof f->err), 0);
	assert_int_equal(res.written, 3);
	assert_int_equal(res.withheld_red, 1);
	assert_int_equal(res.withheld_ceiling, 1); /* AMBER+STRICT */
	char *text = slurp(path);
	assert_int_equal(count_lines(text), 3);
	assert_null(strstr(text, "red secret"));
	assert_null(strstr(text, "Malware beacon"));
	assert_non_null(strstr(text, "\"tlp\":\"AMBER\""));
	assert_non_null(strstr(text, "\"tlp\":\"GREEN\""));
	assert_non_null(strstr(text, "\"tlp\":\"CLEAR\""));
	/* newest first; each line one JSON object with the entity */
	json_error_t jerr;
	char *nl = strchr(text, '\n');
	*nl = '\0';
	json_t *o = json_loads(text, 0, &jerr);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "id")), "AL-4");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "data"), "summary")),
			    "vpn login page cloned");
	json_decref(o);
	free(text);
	export_describe(&ef, PROTO_TLP_AMBER, path, &res, msg, sizeof msg);
	assert_non_null(strstr(msg, "exported 3 alerts"));
	assert_non_null(strstr(msg, "withheld 1 TLP:RED, 1 above TLP:AMBER"));
	/* never overwrites */
	assert_int_equal(export_run(cache_db(f->c), &ef, PROTO_TLP_AMBER, path, &res, f->err, sizeof f->err), -1);
	assert_non_null(strstr(f->err, "exists"));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_export_csv_search_and_red_on_disk(void **state)
{
	struct fixture *f = *state;
	/* RED stored on disk by configuration is still never exported */
	cache_close(f->c);
	struct cache_opts o = {.red_on_disk = 1};
	assert_int_equal(cache_open_with(f->path, &o, &f->c, f->err, sizeof f->err), 0);
	seed(f->c);
	put(f->c, PROTO_ALERTS, "AL-6", T0 + 5000, PROTO_TLP_GREEN, "=HYPERLINK(\"http://x\")", "formula, \"quoted\"",
	    NULL, NULL);
	assert_int_equal(cache_flush(f->c), 0);
	char path[200];
	snprintf(path, sizeof path, "%s/out.CSV", f->dir);
	struct export_filter ef = {.stream = PROTO_ALERTS};
	struct export_result res;
	assert_int_equal(export_run(cache_db(f->c), &ef, PROTO_TLP_AMBER_STRICT, path, &res, f->err, sizeof f->err), 0);
	assert_int_equal(res.written, 5);
	assert_int_equal(res.withheld_red, 1);
	assert_int_equal(res.withheld_ceiling, 0);
	char *text = slurp(path);
	assert_int_equal(count_lines(text), 6);
	assert_true(strncmp(text, "stream,backend,id,time,tlp,severity,status,institution,title\r\n", 62) == 0);
	assert_null(strstr(text, "red secret"));
	assert_non_null(strstr(text, "\"AMBER+STRICT\""));
	assert_non_null(strstr(text, "\"'=HYPERLINK(\"\"http://x\"\")\""));
	assert_non_null(strstr(text, "\"2025-11-25T08:00:00Z\""));
	free(text);
	/* a search narrows the export; the ceiling withholds what it matched */
	snprintf(path, sizeof path, "%s/cozy.jsonl", f->dir);
	ef.search = "cozy";
	index_all(f->c);
	assert_int_equal(export_run(cache_db(f->c), &ef, PROTO_TLP_GREEN, path, &res, f->err, sizeof f->err), 0);
	assert_int_equal(res.written, 0);
	assert_int_equal(res.withheld_red, 1);
	assert_int_equal(res.withheld_ceiling, 1);
	/* a time range narrows it */
	snprintf(path, sizeof path, "%s/range.jsonl", f->dir);
	ef.search = NULL;
	ef.range = (struct search_range){.since_ms = T0 + 3000, .until_ms = T0 + 5000};
	assert_int_equal(export_run(cache_db(f->c), &ef, PROTO_TLP_AMBER_STRICT, path, &res, f->err, sizeof f->err), 0);
	assert_int_equal(res.written, 2); /* AL-4, AL-5 */
	/* a file that cannot be created leaves nothing behind */
	snprintf(path, sizeof path, "%s/no/such/dir.jsonl", f->dir);
	assert_int_equal(export_run(cache_db(f->c), &ef, PROTO_TLP_AMBER, path, &res, f->err, sizeof f->err), -1);
}

static int64_t q_int(struct cache *c, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_purge_and_vacuum(void **state)
{
	struct fixture *f = *state;
	char title[64];
	for (int i = 0; i < 6000; i++) {
		snprintf(title, sizeof title, "old alert %d padding padding padding padding", i);
		char id[32];
		snprintf(id, sizeof id, "OLD-%d", i);
		put(f->c, PROTO_ALERTS, id, T0 - 100 * DAY_MS + i, i % 10 ? PROTO_TLP_GREEN : PROTO_TLP_RED, title,
		    "a long summary to make the rows take some room in the file, repeated a bit; "
		    "a long summary to make the rows take some room in the file, repeated a bit; "
		    "a long summary to make the rows take some room in the file, repeated a bit",
		    NULL, NULL);
	}
	seed(f->c);
	put(f->c, PROTO_TICKETS, "T-OLD-OPEN", T0 - 100 * DAY_MS, PROTO_TLP_GREEN, "open ticket", "", "", "in_progress");
	put(f->c, PROTO_TICKETS, "T-OLD-CLOSED", T0 - 100 * DAY_MS, PROTO_TLP_GREEN, "closed ticket", "", "", "closed");
	assert_int_equal(cache_flush(f->c), 0);
	index_all(f->c);
	struct stat before, after;
	if (cache_vacuum(f->c) != 0)
		print_error("cache_vacuum: %s\n", cache_errmsg(f->c));
	assert_int_equal(stat(f->path, &before), 0);
	int64_t deleted = 0;
	assert_int_equal(cache_purge(f->c, T0 - 90 * DAY_MS, &deleted), 0);
	assert_int_equal(deleted, 6001);
	assert_int_equal(cache_count(f->c, PROTO_ALERTS), 5);
	assert_int_equal(q_int(f->c, "SELECT count(*) FROM tickets WHERE id = 'T-OLD-OPEN'"), 1);
	assert_int_equal(q_int(f->c, "SELECT count(*) FROM tickets WHERE id = 'T-OLD-CLOSED'"), 0);
	assert_int_equal(q_int(f->c, "SELECT count(*) FROM main.alerts_fts"), 4);
	struct search_hit hits[4];
	assert_int_equal(search(f, PROTO_ALERTS, "padding", NULL, hits, 4), 0);
	assert_int_equal(cache_vacuum(f->c), 0);
	assert_int_equal(stat(f->path, &after), 0);
	print_message("cache file %lld bytes before the purge, %lld after\n", (long long)before.st_size,
		      (long long)after.st_size);
	assert_true(after.st_size < before.st_size / 2);
	assert_int_equal(after.st_mode & 0777, 0600);
}

/* The index lags until a step, then catches up; a step inside a batch
 * that is rolled back is redone. */
static void test_index_steps(void **state)
{
	struct fixture *f = *state;
	seed(f->c);
	assert_int_equal(cache_index_behind(f->c), 5); /* AL-1,2,4,5 and T-1; AL-3 is RED, indexed at once */
	assert_int_equal(cache_index_step(f->c, 2), 2);
	assert_int_equal(cache_index_behind(f->c), 3);
	cache_rollback(f->c);
	assert_int_equal(cache_index_behind(f->c), 5);
	assert_int_equal(cache_index_step(f->c, 100), 5);
	assert_int_equal(cache_index_step(f->c, 100), 0);
	assert_int_equal(cache_flush(f->c), 0);
	assert_int_equal(cache_index_behind(f->c), 0);
	assert_int_equal(q_int(f->c, "SELECT count(*) FROM main.alerts_fts"), 4);
	assert_int_equal(q_int(f->c, "SELECT count(*) FROM red.alerts_fts"), 1);
}

/* A migration from version 2 builds the index for the rows already there. */
static void test_migration_builds_index(void **state)
{
	struct fixture *f = *state;
	seed(f->c);
	sqlite3 *db = cache_db(f->c);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TABLE main.alerts_fts; DROP TABLE main.advisories_fts; DROP TABLE main.tickets_fts;"
				      "PRAGMA user_version = 2;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	cache_close(f->c);
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), 0);
	assert_int_equal(q_int(f->c, "PRAGMA user_version"), 3);
	struct search_hit hits[4];
	assert_int_equal(search(f, PROTO_ALERTS, "vpn", NULL, hits, 4), 2);
	assert_int_equal(search(f, PROTO_TICKETS, "forensics", NULL, hits, 4), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_compile),
		T(test_search_finds_ranked),
		T(test_search_time_range_and_updates),
		T(test_export_jsonl_refuses_red),
		T(test_export_csv_search_and_red_on_disk),
		T(test_purge_and_vacuum),
		T(test_migration_builds_index),
		T(test_index_steps),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
