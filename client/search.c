/* client/search.c - full-text search over the cache; see search.h. */
#include "client/search.h"

#include <stdio.h>
#include <string.h>

#include "client/cache.h"

int search_stream_ok(enum proto_stream stream)
{
	return stream == PROTO_ALERTS || stream == PROTO_ADVISORIES || stream == PROTO_TICKETS;
}

/* Append s (n bytes) to out at *len; -1 when it does not fit. */
static int put(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > cap)
		return -1;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

/* One term as an FTS5 string (quotes doubled): a whole word, or a word's
 * start when it ends in '*' or holds non-ASCII text (Chinese is not cut
 * into words: "勒索" must find "勒索信"). Whole words are what keep a
 * search fast: FTS5 merges every word a prefix stands for. */
static int put_term(char *out, size_t cap, size_t *len, const char *t, size_t n, int *terms)
{
	int prefix = 0;
	while (n > 0 && t[n - 1] == '*') {
		prefix = 1;
		n--;
	}
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n && !prefix; i++)
		prefix = (unsigned char)t[i] >= 0x80;
	if ((*terms > 0 && put(out, cap, len, " AND ", 5) < 0) || put(out, cap, len, "\"", 1) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)t[i];
		if (ch < 0x20 || ch == 0x7f)
			ch = ' ';
		if (put(out, cap, len, (const char *)&ch, 1) < 0 || (ch == '"' && put(out, cap, len, "\"", 1) < 0))
			return -1;
	}
	(*terms)++;
	return put(out, cap, len, prefix ? "\"*" : "\"", prefix ? 2 : 1);
}

int search_compile(const char *text, char *out, size_t n, char *err, size_t errlen)
{
	size_t len = 0;
	int terms = 0;
	if (n == 0)
		return -1;
	out[0] = '\0';
	if (!text || strlen(text) > SEARCH_TEXT_MAX) {
		snprintf(err, errlen, "search text is longer than %d bytes", SEARCH_TEXT_MAX);
		return -1;
	}
	const char *p = text;
	while (*p) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		const char *start, *end;
		if (*p == '"') {
			start = ++p;
			end = strchr(p, '"');
			if (!end) {
				snprintf(err, errlen, "a phrase in the search text has no closing quote");
				return -1;
			}
			p = end + 1;
		} else {
			start = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '"')
				p++;
			end = p;
		}
		if (end > start && terms >= SEARCH_TERMS_MAX) {
			snprintf(err, errlen, "more than %d words to search for", SEARCH_TERMS_MAX);
			return -1;
		}
		if (put_term(out, n, &len, start, (size_t)(end - start), &terms) < 0) {
			snprintf(err, errlen, "search text too long");
			return -1;
		}
	}
	if (terms == 0) {
		snprintf(err, errlen, "nothing to search for");
		return -1;
	}
	return 0;
}

int search_in_clause(enum proto_stream stream, int param, char *out, size_t n)
{
	const char *t = cache_table(stream);
	if (!search_stream_ok(stream) || !t)
		return -1;
	int w = snprintf(out, n,
			 "(backend, id) IN (SELECT e.backend, e.id FROM main.%s_fts AS f JOIN main.%s e "
			 "ON e.rowid = f.rowid WHERE f.%s_fts MATCH ?%d "
			 "UNION ALL SELECT e.backend, e.id FROM red.%s_fts AS f JOIN red.%s e "
			 "ON e.rowid = f.rowid WHERE f.%s_fts MATCH ?%d)",
			 t, t, t, param, t, t, t, param);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int search_run(sqlite3 *db, enum proto_stream stream, const char *text, const struct search_range *range,
	       struct search_hit *hits, int max, char *err, size_t errlen)
{
	char expr[SEARCH_TEXT_MAX * 2 + SEARCH_TERMS_MAX * 8 + 16];
	if (!search_stream_ok(stream)) {
		snprintf(err, errlen, "%s cannot be searched (alerts, advisories and tickets can)",
			 cache_table(stream) ? cache_table(stream) : "this pane");
		return -1;
	}
	if (search_compile(text, expr, sizeof expr, err, errlen) < 0)
		return -1;
	const char *t = cache_table(stream);
	char sql[2600];
	int w;
	/* Per tier: the newest SEARCH_RANK_WINDOW matches (by arrival: rowid),
	 * in the range, ranked by bm25; its best max rows looked up; then the
	 * best max of both tiers. The window bounds the cost of a broad word
	 * (bm25 reads every match's size); a selective one ranks every match. */
	char tier[2][1200];
	int ranged = range && (range->since_ms || range->until_ms);
	for (int k = 0; k < 2; k++) {
		const char *db_name = k ? "red" : "main";
		if (!ranged) /* no lookup per match for the time */
			w = snprintf(tier[k], sizeof tier[k],
				     "SELECT e.backend, e.id, e.time, e.tlp, e.severity, coalesce(e.title, ''), b.r "
				     "FROM (SELECT rowid, r FROM (SELECT rowid, rank AS r FROM %s.%s_fts WHERE %s_fts "
				     "MATCH ?1 AND ?2 <= ?3 ORDER BY rowid DESC LIMIT %d) ORDER BY r LIMIT ?4) AS b "
				     "JOIN %s.%s AS e ON e.rowid = b.rowid",
				     db_name, t, t, SEARCH_RANK_WINDOW, db_name, t);
		else
			w = snprintf(tier[k], sizeof tier[k],
			     "SELECT e.backend, e.id, e.time, e.tlp, e.severity, coalesce(e.title, ''), b.r "
			     "FROM (SELECT rowid, r FROM (SELECT f.rowid, f.rank AS r FROM %s.%s_fts AS f "
			     "JOIN %s.%s AS x ON x.rowid = f.rowid WHERE f.%s_fts MATCH ?1 "
			     "AND x.time >= ?2 AND x.time < ?3 ORDER BY f.rowid DESC LIMIT %d) ORDER BY r LIMIT ?4) AS b "
			     "JOIN %s.%s AS e ON e.rowid = b.rowid",
			     db_name, t, db_name, t, t, SEARCH_RANK_WINDOW, db_name, t);
		if (w < 0 || (size_t)w >= sizeof tier[k]) {
			snprintf(err, errlen, "search: query too long");
			return -1;
		}
	}
	w = snprintf(sql, sizeof sql, "SELECT * FROM (%s UNION ALL %s) ORDER BY 7 LIMIT ?4", tier[0], tier[1]);
	if (w < 0 || (size_t)w >= sizeof sql) {
		snprintf(err, errlen, "search: query too long");
		return -1;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "search: %s", sqlite3_errmsg(db));
		return -1;
	}
	int64_t since = range && range->since_ms ? range->since_ms : INT64_MIN;
	int64_t until = range && range->until_ms ? range->until_ms : INT64_MAX;
	int rc = sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_int64(st, 2, since);
	rc |= sqlite3_bind_int64(st, 3, until);
	rc |= sqlite3_bind_int(st, 4, max);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "search: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	int n = 0;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct search_hit *h = &hits[n++];
		memset(h, 0, sizeof *h);
		h->stream = stream;
		const char *s = (const char *)sqlite3_column_text(st, 0);
		snprintf(h->backend, sizeof h->backend, "%s", s ? s : "");
		s = (const char *)sqlite3_column_text(st, 1);
		snprintf(h->id, sizeof h->id, "%s", s ? s : "");
		h->time_ms = sqlite3_column_int64(st, 2);
		h->tlp = sqlite3_column_int(st, 3);
		h->severity = sqlite3_column_int(st, 4);
		s = (const char *)sqlite3_column_text(st, 5);
		snprintf(h->title, sizeof h->title, "%s", s ? s : "");
		h->rank = sqlite3_column_double(st, 6);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "search: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return n;
}
