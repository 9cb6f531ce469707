/* views/common.h - the small pieces every pane would otherwise repeat:
 * reading a text column, preparing the statements a pane keeps, noticing
 * that a table changed, moving a selection over a list paged by offset, and
 * drawing the title bar, column headings, cells and empty lines. */
#ifndef SOCTOP_VIEWS_COMMON_H
#define SOCTOP_VIEWS_COMMON_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "views/fmt.h"
#include "views/view.h"

/* Column col of the current row as text into dst ("" for NULL), cut to n. */
void view_copy_col(char *dst, size_t n, sqlite3_stmt *st, int col);
/* Prepare a statement the pane keeps for its lifetime. 0 or -1. */
int view_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st);

/* Whether a table changed since the last look: its newest arrival (max(rx),
 * by index: cheap) every frame, its row count (which also catches deletes)
 * when rx moved or every 2 s. count is the table's row count at the last
 * look. */
struct view_stamp {
	int64_t rx, count, count_at;
	int valid;
	sqlite3_stmt *q_rx, *q_count;
};
/* Prepare the stamp's statements over table. 0 or -1. */
int view_stamp_init(struct view_stamp *s, sqlite3 *db, const char *table);
void view_stamp_fini(struct view_stamp *s);
/* 1 when the table changed (or at the first look), else 0. */
int view_stamp_changed(struct view_stamp *s, int64_t now);

/* A selection over a list of rows shown a page at a time by offset. */
struct view_list {
	int64_t top, sel;
};
/* Keep sel inside the n rows and the page of rows lines around it. */
void view_list_clamp(struct view_list *l, int64_t n, int rows);
/* Up/down/j/k, PgUp/PgDn/space, Home/g and End/G over n rows, page rows
 * at a time; clamps. 1 when the key was used. */
int view_list_key(struct view_list *l, int key, int page, int64_t n);

/* tmpl with each "%s" replaced by the next of vals (SQL built from
 * constant pieces only: never from typed values). 0, or -1 when it does not
 * fit in n or the count differs. */
int view_sql_subst(char *out, size_t n, const char *tmpl, const char *const *vals, int nvals);
/* Prepare a statement the pane keeps, with each %s in sql (two at most:
 * one per tier of the cache) replaced by f's WHERE fragment ("1" for NULL)
 * and f's values bound. 0 or -1. */
int view_prepare_filtered(sqlite3 *db, const char *sql, const struct filter *f, sqlite3_stmt **st);
/* The message for a filter v's set_filter refused: "filter: " and its
 * reason (v->filter_why, else the cache's error). */
void view_filter_refusal(const struct view *v, char *msg, size_t n);
/* "  /EXPR" for a title bar while v is filtered, else "". */
const char *view_filter_label(const struct view *v, char *buf, size_t n);

/* The title bar's attribute. */
attr_t view_title_attr(int focused);
/* The title bar on r's first line with label; returns the cells it took. */
int view_draw_title(const struct rect *r, int focused, const char *label);
/* text at the right end of the title bar, when it fits beside used cells. */
void view_draw_badge(const struct rect *r, int used, attr_t at, const char *text);
/* Column headings on line y from x over w cells, in order (NULL: 0..n-1);
 * dropped columns (width 0) are skipped. */
void view_draw_headings(int y, int x, int w, const struct fmt_col *cols, const int *order, int n);
/* A line of a table with no row on it; msg (when not NULL) says why. */
void view_draw_blank(int y, const struct rect *r, const char *msg);

/* A pane's text for column col of its row i: returns the text (in buf, or
 * any string that outlives the call) and may change *at, which starts as
 * the row's base attribute. w is the column's width. */
typedef const char *view_cell_fn(void *ctx, int64_t i, int col, int w, int selected, attr_t *at, char *buf, size_t n);
/* Row i's cells on line y from x, in order (NULL: 0..n-1), one space
 * apart; dropped columns are skipped. A NULL text is drawn as "-". */
void view_draw_cells(int y, int x, const struct fmt_col *cols, const int *order, int n, view_cell_fn *cell, void *ctx,
                     int64_t i, int selected, attr_t base);

/* A table of one line a row: the pane's rows first, first + 1, ... of n,
 * row sel selected (when focused). */
struct view_table {
	const struct fmt_col *cols; /* laid out by fmt_columns */
	int ncols;
	view_cell_fn *cell;
	void *ctx;
	int64_t first, n, sel;
	const char *empty; /* on the first line when n is 0 */
};
/* The headings on line y, the rows on the lines lines below it; the lines
 * without a row are cleared. */
void view_draw_table(const struct rect *r, int y, int lines, int focused, const struct view_table *t);
/* A cell's attribute for a rows_level: warnings and errors stand out (in
 * reverse on the selected row), ok is green unless selected. */
attr_t view_level_attr(int level, attr_t base, int selected);

/* Fill the selection's stream, backend and id (sub is left as it is). */
void view_sel_set(struct view_sel *out, enum proto_stream stream, const char *backend, const char *id);

#endif
