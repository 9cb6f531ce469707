/* tests/unit/test_filter.c - the "/" filter language: expressions run
 * against a small table with the cache's columns, so each test says which
 * rows a filter keeps; bad expressions give a clear message; typed values
 * never reach the SQL text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "views/filter.h"

/* 2026-12-06T12:00:00Z */
#define NOW_MS 1796558400000LL
#define HOUR 3600000LL

static int setup(void **state)
{
	sqlite3 *db;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	char sql[2048];
	snprintf(sql, sizeof sql,
		 "CREATE TABLE alerts (backend TEXT, id TEXT NOT NULL, time INTEGER, severity INTEGER NOT NULL "
		 "DEFAULT -1, tlp INTEGER NOT NULL DEFAULT -1, status TEXT, kind TEXT, inst_id TEXT, inst_name TEXT, "
		 "title TEXT, source TEXT);"
		 "INSERT INTO alerts VALUES "
		 "('fsoc', 'A1', %lld, 4, 4, 'new', 'ddos', 'B001', '長虹國際商業銀行', 'UDP flood 62 Gbps', 'waf'),"
		 "('fsoc', 'A2', %lld, 3, 2, 'acknowledged', 'phishing', 'B002', '南瀛銀行', 'Phishing site', "
		 "'mail-gw'),"
		 "('fsoc', 'A3', %lld, 2, 1, 'closed', 'malware', 'B003', '嘉峰銀行', 'EDR 偵測 Emotet', 'edr'),"
		 "('fsoc', 'A4', %lld, 0, 0, 'new', 'recon', 'B001', '長虹國際商業銀行', 'Port scan', 'suricata'),"
		 "('fsoc', 'A5', %lld, -1, -1, NULL, NULL, NULL, NULL, 'No fields at all', NULL);",
		 NOW_MS - 1 * HOUR, NOW_MS - 5 * HOUR, NOW_MS - 30 * HOUR, NOW_MS - 200 * HOUR, NOW_MS - 2 * HOUR);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

/* The ids the filter keeps, space separated, in id order; "ERR: message"
 * for a bad expression. */
static const char *run(sqlite3 *db, const char *expr)
{
	static char out[512];
	static struct filter f;
	char err[300], sql[FILTER_SQL_MAX + 100];
	if (filter_parse(expr, NOW_MS, &f, err, sizeof err) < 0) {
		snprintf(out, sizeof out, "ERR: %s", err);
		/* a failed parse leaves no filter behind */
		assert_false(filter_active(&f));
		assert_string_equal(f.sql, "1");
		return out;
	}
	snprintf(sql, sizeof sql, "SELECT id FROM alerts WHERE %s ORDER BY id", f.sql);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("'%s' made bad SQL: %s: %s", expr, sqlite3_errmsg(db), f.sql);
	assert_int_equal(filter_bind(&f, st), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t n = strlen(out);
		snprintf(out + n, sizeof out - n, "%s%s", n ? " " : "", sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return out;
}

static void test_empty(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(run(db, ""), "A1 A2 A3 A4 A5");
	assert_string_equal(run(db, "   "), "A1 A2 A3 A4 A5");
	struct filter f;
	char err[100];
	assert_int_equal(filter_parse("  ", NOW_MS, &f, err, sizeof err), 0);
	assert_false(filter_active(&f));
	filter_clear(&f);
	assert_false(filter_active(&f));
}

static void test_free_text(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(run(db, "flood"), "A1");
	assert_string_equal(run(db, "FLOOD"), "A1");          /* any case */
	assert_string_equal(run(db, "銀行"), "A1 A2 A3 A4");   /* institution names */
	assert_string_equal(run(db, "南瀛"), "A2");
	assert_string_equal(run(db, "\"port scan\""), "A4"); /* a phrase */
	assert_string_equal(run(db, "port flood"), "");      /* all words must hold */
	assert_string_equal(run(db, "a2"), "A2");             /* the id */
	assert_string_equal(run(db, "suricata"), "A4");       /* the source */
	assert_string_equal(run(db, "-銀行"), "A5");           /* negated */
	/* SQL and LIKE characters are plain text */
	assert_string_equal(run(db, "%"), "");
	assert_string_equal(run(db, "_"), "");
	assert_string_equal(run(db, "\"'; DROP TABLE alerts; --\""), "");
	assert_non_null(strstr(run(db, "x') OR 1=1 OR ('"), "ERR: unknown field '1'"));
}

static void test_severity(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(run(db, "sev:high"), "A1 A2");   /* at or above */
	assert_string_equal(run(db, "severity:HIGH"), "A1 A2");
	assert_string_equal(run(db, "sev:crit"), "A1");
	assert_string_equal(run(db, "sev>=medium"), "A1 A2 A3");
	assert_string_equal(run(db, "sev>medium"), "A1 A2");
	assert_string_equal(run(db, "sev<medium"), "A4");    /* never the rows without one */
	assert_string_equal(run(db, "sev<=medium"), "A3 A4");
	assert_string_equal(run(db, "sev=high"), "A2");
	assert_string_equal(run(db, "sev=high,critical"), "A1 A2");
	assert_string_equal(run(db, "sev!=info"), "A1 A2 A3");
	assert_string_equal(run(db, "sev:info"), "A1 A2 A3 A4");
	assert_string_equal(run(db, "-sev:high"), "A3 A4 A5");
	assert_string_equal(run(db, "sev:3"), "A1 A2");
}

static void test_tlp_status_cat_inst(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(run(db, "tlp:red"), "A1");
	assert_string_equal(run(db, "tlp:amber,red"), "A1 A2");
	assert_string_equal(run(db, "tlp>=green"), "A1 A2 A3");
	assert_string_equal(run(db, "tlp:white"), "A4");
	assert_string_equal(run(db, "tlp:AMBER+STRICT"), "");
	assert_string_equal(run(db, "status:new"), "A1 A4");
	assert_string_equal(run(db, "status:NEW,closed"), "A1 A3 A4");
	assert_string_equal(run(db, "status!=new"), "A2 A3 A5");
	assert_string_equal(run(db, "cat:phishing"), "A2");
	assert_string_equal(run(db, "category:ddos,recon"), "A1 A4");
	assert_string_equal(run(db, "kind:malware"), "A3");
	assert_string_equal(run(db, "inst:長虹"), "A1 A4");
	assert_string_equal(run(db, "inst:b002"), "A2");
	assert_string_equal(run(db, "inst!=長虹"), "A2 A3 A5");
	assert_string_equal(run(db, "inst:\"嘉峰銀行\""), "A3");
	assert_string_equal(run(db, "sev:high status:new inst:長虹"), "A1");
}

static void test_time(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(run(db, "since:3h"), "A1 A5");
	assert_string_equal(run(db, "since:90m"), "A1");
	assert_string_equal(run(db, "until:3h"), "A2 A3 A4");
	assert_string_equal(run(db, "since:2d until:3h"), "A2 A3");
	assert_string_equal(run(db, "since:1w"), "A1 A2 A3 A5");
	assert_string_equal(run(db, "since:2026-12-06T10:30:00Z"), "A1");
	/* local dates: whatever the time zone, a week-old row is before
	 * yesterday and the newest is after it; until a date includes it */
	assert_string_equal(run(db, "until:2026-11-25"), "");
	assert_string_equal(run(db, "since:2026-11-20 until:2026-11-30"), "A4");
	assert_string_equal(run(db, "after:2026-12-07"), "");
	assert_string_equal(run(db, "since:\"2026-11-20 00:00\""), "A1 A2 A3 A4 A5");
}

static void expect_err(sqlite3 *db, const char *expr, const char *want)
{
	const char *got = run(db, expr);
	if (strncmp(got, "ERR: ", 5) != 0 || !strstr(got, want))
		fail_msg("'%s': want an error with '%s', got '%s'", expr, want, got);
}

static void test_bad_expressions(void **state)
{
	sqlite3 *db = *state;
	expect_err(db, "sev:huge", "sev:huge: 'huge' is not a severity (info, low, medium, high, critical)");
	expect_err(db, "sev:", "sev:: give a value after the ':'");
	expect_err(db, "tlp:pink", "tlp:pink: 'pink' is not a TLP (clear, green, amber, amber+strict, red)");
	expect_err(db, "colour:red", "unknown field 'colour' (fields: sev, tlp, status, cat, inst, since, until");
	expect_err(db, ":high", "a field name goes before ':'");
	expect_err(db, "status>=new", "status>=new: only : = and != compare status");
	expect_err(db, "inst<x", "only : = and != compare institutions");
	expect_err(db, "sev>=high,low", "a list of values goes with : = or !=");
	expect_err(db, "status:new,,closed", "an empty value in the list");
	expect_err(db, "since:yesterday", "since:yesterday: 'yesterday' is not a time");
	expect_err(db, "since:2026-02-31", "is not a time");
	expect_err(db, "until:2026-13-01", "is not a time");
	expect_err(db, "since>2h", "write since:WHEN");
	expect_err(db, "\"unclosed", "unterminated quote");
	expect_err(db, "inst:\"a b", "unterminated quote");
	expect_err(db, "inst:a\"b\"c", "quote the whole value");
	expect_err(db, "inst:a\"b", "unterminated quote");
	expect_err(db, "\"\"", "searches for nothing");
	assert_string_equal(run(db, "sev~high"), ""); /* no operator: a word to search */
	expect_err(db, "a b c d e f g h i j k l m n o p q", "at most 16 terms");
	expect_err(db, "bad\x1b[2Jterm", "control characters");
	expect_err(db, "\xff\xfe", "not UTF-8");
	char big[FILTER_TEXT_MAX + 10];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	expect_err(db, big, "longer than 256 bytes");
	/* the table is still there after all that */
	assert_string_equal(run(db, ""), "A1 A2 A3 A4 A5");
}

/* No typed value is ever in the SQL text. */
static void test_values_are_parameters(void **state)
{
	(void)state;
	struct filter f;
	char err[200];
	assert_int_equal(filter_parse("inst:長虹 status:new \"x'y\" since:2h sev:high", NOW_MS, &f, err, sizeof err), 0);
	assert_null(strstr(f.sql, "長虹"));
	assert_null(strstr(f.sql, "new"));
	assert_null(strstr(f.sql, "x'y"));
	assert_null(strstr(f.sql, "'y"));
	assert_non_null(strstr(f.sql, "?40"));
	assert_int_equal(f.np, 5);
	assert_string_equal(f.text, "inst:長虹 status:new \"x'y\" since:2h sev:high");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_severity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlp_status_cat_inst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_expressions, setup, teardown),
		cmocka_unit_test(test_values_are_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
