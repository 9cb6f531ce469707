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
};

/* Start following over table; cols are the pane's columns after time and
 * id ("severity, tlp, ..."). 0 or -1 (pager_fini is still to be called). */
int pager_init(struct pager *p, sqlite3 *db, const char *table, const char *cols, pager_read_fn *read, void *ctx);
void pager_fini(struct pager *p);
/* Page only the rows f keeps (NULL or an empty filter: all), from the
 * newest. 0, or -1 with the pager unchanged. */
int pager_set_filter(struct pager *p, const struct filter *f);
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
