/* views/pager.h - a page of a table kept newest first, ordered by
 * (time DESC, id DESC), paged by key and never by OFFSET, so a million
 * cached rows page as fast as a hundred.
 *
 * While the selection is on the newest row the page follows new rows; once
 * the operator moves away it holds still (anchored on its top row's key)
 * and the pane can count the rows that arrived above it ("N new"). Home
 * follows again. The pane supplies the table, its own columns and a reader
 * for them; the pager keeps each loaded row's (time, id). */
#ifndef SOCTOP_VIEWS_PAGER_H
#define SOCTOP_VIEWS_PAGER_H

#include <sqlite3.h>
#include <stdint.h>

#include "client/proto.h"
#include "views/filter.h"
#include "views/view.h"

#define PAGER_MAX_ROWS 512

struct pager_key {
	int64_t time;
	char id[PROTO_MAX_ID + 1];
};

/* Reads the pane's columns (from index 2: 0 and 1 are time and id) of the
 * current row of st into the pane's row i. */
typedef void pager_read_fn(void *ctx, sqlite3_stmt *st, int i);

struct pager {
	int following;        /* the page's top is the newest row */
	struct pager_key top; /* the anchor while not following */
	int sel;              /* the selected row of the page */
	int nrows;
	struct pager_key keys[PAGER_MAX_ROWS]; /* of the loaded rows */
	pager_read_fn *read;
	void *ctx;
	sqlite3_stmt *q_newest, *q_from, *q_above, *q_oldest, *q_count_new;
	sqlite3 *db;
	char table[32], cols[512]; /* to prepare them again for a filter */
	/* A filter few rows match is read by a table scan (see
	 * pager_set_filter), and then the page is kept between frames. */
	int scan;
	int moved;       /* the page must be read again */
	int l_want;      /* of the last read */
	int64_t l_ms, l_cost_ms, l_rx;
	sqlite3_stmt *q_rx; /* the table's newest arrival */
};

/* How long the first filtered page may take by the time index before the
 * pager reads by table scan instead; and how often a scan-read page is
 * read again as new rows arrive (at least, at most). */
#define PAGER_PROBE_MS 30
#define PAGER_SCAN_MIN_MS 1000
#define PAGER_SCAN_MAX_MS 10000

/* Start following over table; cols are the pane's columns after time and
 * id ("severity, tlp, ..."). 0 or -1 (pager_fini is still to be called). */
int pager_init(struct pager *p, sqlite3 *db, const char *table, const char *cols, pager_read_fn *read, void *ctx);
void pager_fini(struct pager *p);
/* Page only the rows f keeps (NULL or an empty filter: all), from the
 * newest. The first page is tried by the time index with a deadline of
 * PAGER_PROBE_MS; when that is not enough (few rows match) the pager reads
 * by table scan and sort instead, and keeps its page until the operator
 * moves or new rows arrive. 0, or -1 with the pager unchanged. */
int pager_set_filter(struct pager *p, const struct filter *f);
/* The same with the plan chosen: -1 as above, 0 the time index, 1 the
 * table scan (tests check both give the same pages). */
int pager_set_filter_plan(struct pager *p, const struct filter *f, int plan);
/* Read the page of up to want rows (at most PAGER_MAX_ROWS) and keep the
 * selection on it; follows again when the anchor and all below it is gone. */
void pager_load(struct pager *p, int want);
/* Rows newer than the page's top while held; 0 while following. */
int64_t pager_count_new(struct pager *p);
/* A key over a page of page rows; 1 when used. */
int pager_key(struct pager *p, int key, int page);
/* A click on the line-th row of the page: select it (holding the page
 * still as moving does). 1 when there is such a row. */
int pager_click(struct pager *p, int line);
/* The title bar's right end: "N new ↑ (Home)" when fresh rows wait above
 * the held page, " held " when held with none. */
void pager_draw_badge(const struct pager *p, const struct rect *r, int used, attr_t tattr, int64_t fresh);

#endif
