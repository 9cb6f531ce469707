/* tui/layout.h - where the panes go.
 *
 * A layout is written as rows separated by '/', each row a list of panes
 * separated by ',', with optional weights: "alerts*3 / tickets:2, vendors /
 * drills, advisories" gives the first row three shares of the height, and
 * tickets two shares of its row's width. Pure arithmetic, no ncurses. */
#ifndef SOCTOP_LAYOUT_H
#define SOCTOP_LAYOUT_H

#include <stddef.h>

#include "tui/draw.h"

#define LAYOUT_MAX_ROWS 6
#define LAYOUT_MAX_COLS 4
#define LAYOUT_MAX_PANES (LAYOUT_MAX_ROWS * LAYOUT_MAX_COLS)
#define LAYOUT_WEIGHT_MAX 20

/* The default layouts: below and from LAYOUT_WIDE_COLS columns. */
#define LAYOUT_DEFAULT "alerts*2 / tickets:3, vendors:2 / drills:3, advisories:2"
#define LAYOUT_DEFAULT_WIDE "alerts*3:3, vendors:2 / tickets*2:3, drills:2 / advisories"
#define LAYOUT_WIDE_COLS 160

struct layout_cell {
	char pane[16];
	int weight;
};

struct layout_row {
	struct layout_cell cells[LAYOUT_MAX_COLS];
	int ncells;
	int weight;
};

struct layout {
	struct layout_row rows[LAYOUT_MAX_ROWS];
	int nrows;
};

/* Parse spec; every pane name must be one of names[0..nnames). 0, or -1
 * with err saying what and where. */
int layout_parse(const char *spec, const char *const *names, int nnames, struct layout *out, char *err,
		 size_t errlen);

/* Place the panes in area. Columns in a row are separated by one cell.
 * Writes up to max placements (pane name index into the layout's cells in
 * row order) and returns how many; panes with weight 0 or no room get none. */
struct layout_place {
	const char *pane;
	struct rect r;
};
int layout_compute(const struct layout *l, struct rect area, struct layout_place *out, int max);

#endif
