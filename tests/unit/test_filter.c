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
	/* not UTF-8 either: an overlong '/', an overlong ESC, a surrogate, past U+10FFFF */
	expect_err(db, "\xc0\xaf", "not UTF-8");
	expect_err(db, "a\xc0\x9b", "not UTF-8");
	expect_err(db, "\xed\xa0\x80", "not UTF-8");
	expect_err(db, "\xf4\x90\x80\x80", "not UTF-8");
	expect_err(db, "\xe0\x80\xaf", "not UTF-8");
	assert_string_equal(run(db, "\xf0\x9f\x98\x80"), ""); /* a real 4-byte character is fine */
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

static void test_complete(void **state)
{
	(void)state;
	char out[300], hint[200];
	assert_int_equal(filter_complete("se", out, sizeof out, hint, sizeof hint), 1);
	assert_string_equal(out, "sev:");
	assert_int_equal(filter_complete("flood s", out, sizeof out, hint, sizeof hint), 3);
	assert_string_equal(out, "flood s");
	assert_string_equal(hint, "sev: status: since:");
	assert_int_equal(filter_complete("inst:x sev:h", out, sizeof out, hint, sizeof hint), 1);
	assert_string_equal(out, "inst:x sev:high ");
	assert_int_equal(filter_complete("tlp:amber,r", out, sizeof out, hint, sizeof hint), 1);
	assert_string_equal(out, "tlp:amber,red ");
	assert_int_equal(filter_complete("tlp:a", out, sizeof out, hint, sizeof hint), 2);
	assert_string_equal(out, "tlp:amber");
	assert_int_equal(filter_complete("-st", out, sizeof out, hint, sizeof hint), 1);
	assert_string_equal(out, "-status:");
	assert_int_equal(filter_complete("inst:長", out, sizeof out, hint, sizeof hint), 0);
	assert_string_equal(out, "inst:長");
	assert_int_equal(filter_complete("zz", out, sizeof out, hint, sizeof hint), 0);
	assert_int_equal(filter_complete("", out, sizeof out, hint, sizeof hint), 7);
}

/* ---- rows tested in C (the drills pane's participants) ---- */

/* Participant-like rows, both in a table with the cache's columns and as
 * struct filter_row: the C matcher must keep exactly the rows the SQL
 * fragment keeps. title holds the target; id, kind and source are empty. */
static const struct {
	const char *target, *name, *inst_id, *status;
} parts[] = {
    {"www.Example-Bank.tw", "示範商業銀行", "B001", "under_attack"},
    {"ebank.north.tw", "北辰商業銀行", "b002", "MITIGATED"},
    {"ebank.south.example", "Cathay United Bank", "C-17", "pending"},
    {NULL, NULL, NULL, NULL},
    {"api.east.example", "東海證券", "B004", "recovered"},
};
#define NPARTS (int)(sizeof parts / sizeof parts[0])

static void fill_row(int i, struct filter_row *row)
{
	*row = (struct filter_row){{parts[i].target, parts[i].name, parts[i].inst_id, parts[i].status},
	                           parts[i].name,
	                           parts[i].inst_id,
	                           parts[i].status};
}

/* The indexes the C matcher keeps and the ones SQL keeps, "0 2 4" */
static void both_ways(sqlite3 *db, const char *expr, char *c_out, char *sql_out, size_t n)
{
	struct filter f;
	char err[300], sql[FILTER_SQL_MAX + 100];
	if (filter_parse(expr, NOW_MS, &f, err, sizeof err) < 0)
		fail_msg("'%s': %s", expr, err);
	c_out[0] = sql_out[0] = '\0';
	for (int i = 0; i < NPARTS; i++) {
		struct filter_row row;
		fill_row(i, &row);
		if (filter_match_row(&f, &row))
			snprintf(c_out + strlen(c_out), n - strlen(c_out), "%s%d", c_out[0] ? " " : "", i);
	}
	snprintf(sql, sizeof sql, "SELECT rowid - 1 FROM parts WHERE %s ORDER BY rowid", f.sql);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("'%s': %s", expr, sqlite3_errmsg(db));
	assert_int_equal(filter_bind(&f, st), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		snprintf(sql_out + strlen(sql_out), n - strlen(sql_out), "%s%d", sql_out[0] ? " " : "",
		         sqlite3_column_int(st, 0));
	sqlite3_finalize(st);
}

static void test_match_row_as_sql(void **state)
{
	sqlite3 *db = *state;
	assert_int_equal(
	    sqlite3_exec(db,
	                 "CREATE TABLE parts (id TEXT NOT NULL, title TEXT, inst_name TEXT, inst_id TEXT, "
	                 "status TEXT, kind TEXT, source TEXT, severity INTEGER, tlp INTEGER, time INTEGER)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	for (int i = 0; i < NPARTS; i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db,
		                                    "INSERT INTO parts (id, title, inst_name, inst_id, status) "
		                                    "VALUES ('', ?1, ?2, ?3, ?4)",
		                                    -1, &st, NULL),
		                 SQLITE_OK);
		const char *v[] = {parts[i].target, parts[i].name, parts[i].inst_id, parts[i].status};
		for (int k = 0; k < 4; k++)
			sqlite3_bind_text(st, k + 1, v[k], -1, SQLITE_STATIC); /* NULL binds NULL */
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	static const struct {
		const char *expr, *want;
	} cases[] = {
	    {"", "0 1 2 3 4"},
	    {"bank", "0 1 2"},
	    {"BANK", "0 1 2"}, /* ASCII folds both ways */
	    {"銀行", "0 1"},
	    {"\"north.tw\"", "1"},
	    {"-ebank", "0 3 4"},
	    {"inst:b00", "0 1 4"},
	    {"inst:B002", "1"},
	    {"inst:商業", "0 1"},
	    {"-inst:b001", "1 2 3 4"},
	    {"inst!=b001", "1 2 3 4"},
	    {"status:under_attack", "0"},
	    {"status:mitigated", "1"}, /* NOCASE */
	    {"status:Under_Attack,mitigated", "0 1"},
	    {"status!=pending", "0 1 3 4"}, /* the row with no status too */
	    {"-status:pending", "0 1 3 4"},
	    {"ebank status!=mitigated", "2"},
	    {"example -inst:東海", "0 2"},
	    {"attack", "0"}, /* a word is looked for in the status too */
	    {"nothing-like-it", ""},
	};
	char c_out[64], sql_out[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		both_ways(db, cases[i].expr, c_out, sql_out, sizeof c_out);
		if (strcmp(c_out, sql_out) || strcmp(c_out, cases[i].want))
			fail_msg("'%s': C keeps \"%s\", SQL \"%s\", want \"%s\"", cases[i].expr, c_out, sql_out,
			         cases[i].want);
	}
}

/* The parsed terms: kind, operator, negation, values and where each is in
 * the text the title shows. */
static void test_terms(void **state)
{
	(void)state;
	struct filter f;
	char err[300];
	assert_int_equal(
	    filter_parse("  ebank -status:pending,degraded \"two words\" inst!=B0 ", NOW_MS, &f, err, sizeof err), 0);
	assert_string_equal(f.text, "ebank -status:pending,degraded \"two words\" inst!=B0");
	assert_int_equal(f.nt, 4);
	static const struct {
		enum filter_kind kind;
		enum filter_op op;
		int neg, np;
		const char *text;
	} want[] = {
	    {FILTER_WORD, FILTER_OP_IS, 0, 1, "ebank"},
	    {FILTER_STATUS, FILTER_OP_IS, 1, 2, "-status:pending,degraded"},
	    {FILTER_WORD, FILTER_OP_IS, 0, 1, "\"two words\""},
	    {FILTER_INST, FILTER_OP_NE, 0, 1, "inst!=B0"},
	};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(f.t[i].kind, want[i].kind);
		assert_int_equal(f.t[i].op, want[i].op);
		assert_int_equal(f.t[i].neg, want[i].neg);
		assert_int_equal(f.t[i].np, want[i].np);
		char term[64];
		snprintf(term, sizeof term, "%.*s", f.t[i].len, f.text + f.t[i].at);
		assert_string_equal(term, want[i].text);
	}
	assert_string_equal(f.p[f.t[1].p0 + 1].s, "degraded");
	assert_string_equal(f.p[f.t[2].p0].s, "two words");
	filter_clear(&f);
	assert_int_equal(f.nt, 0);
	/* a failed parse leaves no terms */
	assert_int_equal(filter_parse("ebank sev:huge", NOW_MS, &f, err, sizeof err), -1);
	assert_int_equal(f.nt, 0);
}

/* A pane refuses the fields it has no use for, naming the term. */
static void test_limit(void **state)
{
	(void)state;
	struct filter f;
	char err[300];
	unsigned drills = 1u << FILTER_INST | 1u << FILTER_STATUS;
	assert_int_equal(filter_parse("ebank inst:B0 -status:pending", NOW_MS, &f, err, sizeof err), 0);
	assert_int_equal(filter_limit(&f, drills, "drills", err, sizeof err), 0);
	assert_string_equal(err, "");
	static const char *const refused[][2] = {
	    {"inst:B0 sev>=high", "sev>=high: the drills pane has no severity to filter on (it takes words, status:, "
	                          "inst:)"},
	    {"-tlp:red", "-tlp:red: the drills pane has no TLP to filter on (it takes words, status:, inst:)"},
	    {"cat:ddos", "cat:ddos: the drills pane has no category to filter on (it takes words, status:, inst:)"},
	    {"x since:2h", "since:2h: the drills pane has no time to filter on (it takes words, status:, inst:)"},
	    {"until:2026-12-01", "until:2026-12-01: the drills pane has no time to filter on (it takes words, status:, "
	                         "inst:)"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_int_equal(filter_parse(refused[i][0], NOW_MS, &f, err, sizeof err), 0);
		assert_int_equal(filter_limit(&f, drills, "drills", err, sizeof err), -1);
		assert_string_equal(err, refused[i][1]);
	}
	/* every field allowed: nothing refused; the empty filter neither */
	assert_int_equal(filter_parse("sev:high tlp:red cat:x since:1h", NOW_MS, &f, err, sizeof err), 0);
	assert_int_equal(filter_limit(&f, ~0u, "alerts", err, sizeof err), 0);
	filter_clear(&f);
	assert_int_equal(filter_limit(&f, 0, "drills", err, sizeof err), 0);
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
		cmocka_unit_test(test_complete),
		cmocka_unit_test_setup_teardown(test_match_row_as_sql, setup, teardown),
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
