/* fuzz/fuzz_filter.c - libFuzzer harness for the "/" filter language: any
 * bytes as a typed expression. filter_parse() must never crash, must fail
 * with a message or produce SQL that SQLite accepts against a table with
 * the cache's columns, with every placeholder bound; no typed value may
 * appear in the SQL text. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "views/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a failed check names its line (libFuzzer then keeps the input) */
#define TRAP()                                                                                                         \
	do {                                                                                                           \
		fprintf(stderr, "fuzz_filter: check at line %d failed\n", __LINE__);                                   \
		__builtin_trap();                                                                                      \
	} while (0)

static sqlite3 *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct filter f; /* large */
	static char sql[FILTER_SQL_MAX + 128];
	if (!db) {
		if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
		    sqlite3_exec(
		        db,
		        "CREATE TABLE alerts (backend TEXT, id TEXT, epoch TEXT, rev INTEGER, time INTEGER, "
		        "updated INTEGER, severity INTEGER, tlp INTEGER, status TEXT, kind TEXT, inst_id TEXT, "
		        "inst_name TEXT, title TEXT, assignee TEXT, ticket_id TEXT, source TEXT, corr INTEGER, "
		        "data TEXT, rx INTEGER, due INTEGER, PRIMARY KEY (backend, id));"
		        "INSERT INTO alerts VALUES ('fsoc','AL-1','e',1,1764000000000,1764000000000,3,2,'new',"
		        "'ddos','B002','北辰商業銀行','DDoS 勒索信',NULL,NULL,'suricata',3,'{}',1,NULL);",
		        NULL, NULL, NULL) != SQLITE_OK)
			abort();
	}
	if (size > FILTER_TEXT_MAX * 2)
		return 0;
	char expr[FILTER_TEXT_MAX * 2 + 1], err[256];
	memcpy(expr, data, size);
	expr[size] = '\0';
	err[0] = '\0';
	if (filter_parse(expr, 1764000000000LL, &f, err, sizeof err) < 0) {
		if (!err[0] || filter_active(&f))
			TRAP(); /* a refusal says why and leaves no filter */
		return 0;
	}
	if (f.np < 0 || f.np > FILTER_MAX_PARAMS || !memchr(f.sql, 0, sizeof f.sql))
		TRAP();
	/* only column names, operators, placeholders and the parser's own ''
	 * and ' ' constants: no quote or statement break from the user */
	static char bare[FILTER_SQL_MAX];
	size_t k = 0;
	for (const char *q = f.sql; *q; q++) {
		if (q[0] == '\'' && q[1] == '\'') {
			q++;
			continue;
		}
		if (q[0] == '\'' && q[1] == ' ' && q[2] == '\'') {
			q += 2;
			continue;
		}
		bare[k++] = *q;
	}
	bare[k] = '\0';
	if (strchr(bare, '\'') || strchr(bare, '"') || strchr(bare, ';'))
		TRAP();
	snprintf(sql, sizeof sql, "SELECT count(*) FROM alerts WHERE %s", f.sql);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "SQL rejected: %s: %s\n", sqlite3_errmsg(db), sql);
		TRAP(); /* the parser produced SQL SQLite rejects */
	}
	if (filter_bind(&f, st) != SQLITE_OK)
		TRAP();
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		TRAP();
	sqlite3_finalize(st);
	return 0;
}
