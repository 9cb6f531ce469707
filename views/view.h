/* views/view.h - the one interface every pane implements.
 *
 * A view turns cached rows into pane content. It reads the cache through
 * env->db (never the network) and draws only through tui/draw.h. Adding a
 * pane is adding a file with a struct view_class, not editing a switch. */
#ifndef SOCTOP_VIEW_H
#define SOCTOP_VIEW_H

#include <sqlite3.h>
#include <stdint.h>

#include "client/proto.h"
#include "tui/draw.h"
#include "views/filter.h"

/* A backend as the views may know it: for the wall's staleness banner. */
struct view_backend {
	const char *name;
	const char *state; /* "live", "stale", "offline", ... */
	int live;          /* messages flowing */
	int64_t last_ms;   /* its last message this run; 0 = none */
};

struct view_env {
	sqlite3 *db;
	int64_t now_ms; /* the time of this frame */
	/* Filled by the UI each frame (none in unit tests unless set). */
	const struct view_backend *backends;
	int nbackends;
	int tlp_ceiling; /* the wall: highest TLP drawn (enum proto_tlp) */
	int rotate_s;    /* the wall: seconds per layout, 0 = no rotation */
};

struct view;

/* What the selected row is: enough to look it up in the cache. */
struct view_sel {
	enum proto_stream stream;
	char backend[64];
	char id[PROTO_MAX_ID + 1];
	char sub[64]; /* drills: the selected participant's institution id, else "" */
};

struct view_class {
	const char *name;  /* "alerts" */
	const char *title; /* shown in the pane's title bar */
	int (*init)(struct view *v);  /* 0 or -1 */
	void (*fini)(struct view *v);
	/* Draw inside r (the title bar is r's first line). */
	void (*draw)(struct view *v, const struct rect *r, int focused);
	/* A command, one of VIEW_CMD_* below; 1 when the view used it. */
	int (*key)(struct view *v, int key);
	/* The selected row; 1 when there is one, 0 when the pane is empty. */
	int (*selected)(struct view *v, struct view_sel *out);
	/* Show only the rows f keeps (views/filter.h; an empty f: all). 0, or
	 * -1 with the pane unchanged and v->filter_why saying why ("": the
	 * cache's error; see view_filter_refusal). NULL: the pane cannot be
	 * filtered. The caller keeps v->filter equal to the filter in force. */
	int (*set_filter)(struct view *v, const struct filter *f);
	/* A mouse click on the line-th row under the headings (0 = the
	 * first): select it. 1 when a row was selected. NULL: no rows to click. */
	int (*click)(struct view *v, int line);
};

/* What key() receives. The keymap (tui/keymap.h) turns the operator's
 * keys into commands, and tui/ui.c hands a view these codes: movement as
 * the ncurses key it used to be, the panes' own commands as the letter they
 * had. A view never sees a raw key, so rebinding and unbinding work. */
#define VIEW_CMD_DOWN KEY_DOWN
#define VIEW_CMD_UP KEY_UP
#define VIEW_CMD_PAGE_DOWN KEY_NPAGE
#define VIEW_CMD_PAGE_UP KEY_PPAGE
#define VIEW_CMD_TOP KEY_HOME
#define VIEW_CMD_BOTTOM KEY_END
#define VIEW_CMD_SORT 's'         /* tickets: the next sort order */
#define VIEW_CMD_SORT_REVERSE 'S' /* tickets: reverse it */
#define VIEW_CMD_PREV_ITEM '['    /* drills: the previous drill */
#define VIEW_CMD_NEXT_ITEM ']'    /* drills: the next drill */
#define VIEW_CMD_SORT_BY(n) (0x100000 + (n)) /* tickets: sort order n (enum rows_sort) */

struct view {
	const struct view_class *cls;
	struct view_env *env;
	void *priv;
	int page; /* rows last drawn: what PgUp/PgDn move by */
	struct filter filter; /* in force; shown in the title bar */
	char filter_why[200]; /* why set_filter refused the last filter, or "" */
};

extern const struct view_class view_alerts;
extern const struct view_class view_tickets;
extern const struct view_class view_vendors;
extern const struct view_class view_drills;
extern const struct view_class view_advisories;
extern const struct view_class view_wall;

#endif
