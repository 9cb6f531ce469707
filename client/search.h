/* client/search.h - full-text search over the cache: alerts, advisories and
 * tickets with their notes, indicators and summaries (the FTS5 tables of
 * client/cache.h, both the file's and the memory tier's), ranked by bm25,
 * optionally within a time range.
 *
 * Query text: words separated by spaces; a row matches when it has every
 * word, whole and in any case ("vpn" finds "VPN"); a word ending in '*'
 * matches word starts ("cred*"), and so does any word with Chinese in it,
 * which is not cut into words ("勒索" finds "勒索信"); double quotes group
 * words into a phrase. Nothing in the text is FTS5 syntax: operators and
 * column filters are quoted.
 * Dots, dashes, underscores and @ belong to words (an address, a domain, a
 * CVE is one word). Results are ranked by bm25 among the newest
 * SEARCH_RANK_WINDOW matches of each table (all of them when fewer). */
#ifndef SOCTOP_SEARCH_H
#define SOCTOP_SEARCH_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "client/proto.h"

#define SEARCH_TEXT_MAX 256  /* bytes of query text accepted */
#define SEARCH_TERMS_MAX 16  /* words or phrases */
#define SEARCH_TITLE_MAX 200 /* bytes of title kept in a hit */
/* Ranked among at most this many newest matches (by arrival) of a table;
 * a word in nearly every row costs no more than this many. */
#define SEARCH_RANK_WINDOW 2000

/* Whether stream has a search index (alerts, advisories, tickets). */
int search_stream_ok(enum proto_stream stream);

/* Turn query text into an FTS5 MATCH expression in out. 0, or -1 with err
 * filled (empty, too long, too many words, unbalanced quote). */
int search_compile(const char *text, char *out, size_t n, char *err, size_t errlen);

struct search_hit {
	enum proto_stream stream;
	char backend[64];
	char id[PROTO_MAX_ID + 1];
	int64_t time_ms;
	int tlp, severity;
	char title[SEARCH_TITLE_MAX]; /* as stored: sanitise before drawing */
	double rank;                  /* bm25: lower is better */
};

/* The time range [since_ms, until_ms): 0 leaves that end open. */
struct search_range {
	int64_t since_ms, until_ms;
};

/* The best max hits for text in stream within range, best first. Returns
 * the number of hits (0..max), or -1 with err filled. */
int search_run(sqlite3 *db, enum proto_stream stream, const char *text, const struct search_range *range,
	       struct search_hit *hits, int max, char *err, size_t errlen);

/* The SQL condition "(backend, id) IN (rows of stream matching ?N)" for
 * other queries (export) to filter by a search, with ?param bound to the
 * compiled expression. Written into out; -1 when it does not fit. */
int search_in_clause(enum proto_stream stream, int param, char *out, size_t n);

#endif
