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
 * The drills pane takes words, status: and inst: only, over a drill's
 * participants (views/drills.c).
 *
 * Field names are case-insensitive; "severity", "category", "kind",
 * "institution", "after" and "before" are accepted too.
 *
 * The parsed terms are kept too (struct filter_term), so a pane whose rows
 * are not table rows (a drill's participants, decoded from its JSON) can
 * refuse the fields it has no use for (filter_limit) and test its rows in
 * C with the SQL's semantics (filter_match_row). */
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

/* What a term tests. */
enum filter_kind {
	FILTER_WORD, /* free text */
	FILTER_SEV,
	FILTER_TLP,
	FILTER_STATUS,
	FILTER_CAT,
	FILTER_INST,
	FILTER_SINCE,
	FILTER_UNTIL,
	FILTER_KINDS
};
enum filter_op { FILTER_OP_IS, FILTER_OP_EQ, FILTER_OP_NE, FILTER_OP_GE, FILTER_OP_GT, FILTER_OP_LE, FILTER_OP_LT };

struct filter_term {
	enum filter_kind kind;
	enum filter_op op; /* FILTER_OP_IS for a word */
	int neg;           /* written -term */
	int p0, np;        /* its values: p[p0] .. p[p0 + np - 1] */
	int at, len;       /* the term in text, for messages */
};

struct filter {
	char text[FILTER_TEXT_MAX + 1]; /* as typed, for the title bar; "" = no filter */
	char sql[FILTER_SQL_MAX];       /* "1" when empty */
	struct filter_param p[FILTER_MAX_PARAMS];
	int np;
	struct filter_term t[FILTER_MAX_TERMS];
	int nt;
};

/* A row tested in C: any pointer may be NULL (read as ""). */
struct filter_row {
	const char *text[4]; /* where a word is looked for */
	const char *inst_name, *inst_id;
	const char *status;
};

/* No filter: matches every row. */
void filter_clear(struct filter *f);
/* Whether f filters anything. */
int filter_active(const struct filter *f);
/* Parse expr (untrusted) for times relative to now_ms. 0, or -1 with a
 * message naming the bad term in err; out is then left cleared. */
int filter_parse(const char *expr, int64_t now_ms, struct filter *out, char *err, size_t errlen);
/* Tab in the "/" prompt: complete the last word of line, a field name
 * ("se" -> "sev:") or a level after sev:/tlp: ("sev:h" -> "sev:high ").
 * out gets the line, hint the candidates; returns how many there were
 * (the shape of tui/prompt.h's prompt_complete_fn). */
int filter_complete(const char *line, char *out, size_t outlen, char *hint, size_t hintlen);
/* 0 when every term of f is a word or of a kind in allowed (bits
 * 1u << FILTER_INST, ...), else -1 with err naming the first other term,
 * saying what pane ("drills") has no use for it and what it can filter by. */
int filter_limit(const struct filter *f, unsigned allowed, const char *pane, char *err, size_t errlen);
/* Whether row passes f, with the meaning the SQL fragment has: a word is
 * in one of row->text (ASCII case folded, as SQLite's lower()), inst: is
 * in the name or id, status: is one of (ASCII case folded, as COLLATE
 * NOCASE); -term negates. A term of another kind never holds: refuse those
 * with filter_limit first. An empty f keeps every row. */
int filter_match_row(const struct filter *f, const struct filter_row *row);
/* Bind f's values into st (prepared with f->sql in it). SQLITE_OK or an error. */
int filter_bind(const struct filter *f, sqlite3_stmt *st);

#endif
