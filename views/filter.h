/* views/filter.h - the "/" filter language, parsed into a SQL WHERE
 * fragment over the cache's entity tables (client/cache.c: every stream's
 * table has the same columns) with bound parameters. No value typed by the
 * operator is ever put into the SQL text: the fragment holds only column
 * names, operators and "?NN" placeholders, and filter_bind() binds the
 * values. No ncurses here, so every rule is unit tested.
 *
 * An expression is terms separated by spaces, all of which must hold:
 *
 *     word  "two words"   the text appears (any case) in the title, id,
 *                         institution, category, status or source
 *     sev:high            severity at or above (sev>=, sev>, sev<=, sev<,
 *                         sev= and sev!= too); info low medium high critical
 *     tlp:amber           TLP is (a comma list: tlp:amber,red; >= etc. too);
 *                         clear green amber amber+strict red
 *     status:new,triage   status is one of
 *     cat:phishing        category (an alert's kind) is one of
 *     inst:台灣            the institution's name or id contains
 *     since:2h  until:1d  time range: 30m 2h 3d 1w ago, or a date
 *                         2026-12-01 or 2026-12-01T08:00 (local time), or
 *                         RFC 3339 with Z; until a date includes that day
 *     -term               the term does not hold
 *
 * Field names are case-insensitive; "severity", "category", "kind",
 * "institution", "after" and "before" are accepted too. */
#ifndef SOCTOP_VIEWS_FILTER_H
#define SOCTOP_VIEWS_FILTER_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define FILTER_TEXT_MAX 256 /* bytes of an expression */
#define FILTER_MAX_TERMS 16
#define FILTER_MAX_PARAMS 48
#define FILTER_SQL_MAX 4096
/* The fragment's placeholders are ?40, ?41, ...: a statement's own
 * parameters stay below. */
#define FILTER_PARAM_BASE 40

struct filter_param {
	int is_text;
	int64_t i;
	char s[FILTER_TEXT_MAX + 1];
};

struct filter {
	char text[FILTER_TEXT_MAX + 1]; /* as typed, for the title bar; "" = no filter */
	char sql[FILTER_SQL_MAX];       /* "1" when empty */
	struct filter_param p[FILTER_MAX_PARAMS];
	int np;
};

/* No filter: matches every row. */
void filter_clear(struct filter *f);
/* Whether f filters anything. */
int filter_active(const struct filter *f);
/* Parse expr (untrusted) for times relative to now_ms. 0, or -1 with a
 * message naming the bad term in err; out is then left cleared. */
int filter_parse(const char *expr, int64_t now_ms, struct filter *out, char *err, size_t errlen);
/* Bind f's values into st (prepared with f->sql in it). SQLITE_OK or an error. */
int filter_bind(const struct filter *f, sqlite3_stmt *st);

#endif
