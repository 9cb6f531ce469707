/* tui/draw.h - putting safe text on the screen, and what colours mean.
 *
 * Every string drawn goes through draw_text(), which sanitises it and fits it
 * to a width in display cells, so no view can put raw backend bytes on the
 * terminal or misalign a Chinese name. Colours are roles, resolved once for
 * the terminal's capabilities (256, 8 colours, or none: bold/reverse). */
#ifndef SOCTOP_DRAW_H
#define SOCTOP_DRAW_H

#include <curses.h>

enum draw_role {
	ROLE_NORMAL,
	ROLE_DIM,
	ROLE_HEADER,       /* column headings */
	ROLE_TITLE,        /* pane title bar */
	ROLE_TITLE_FOCUS,  /* focused pane title bar */
	ROLE_SELECTED,     /* the selected row */
	ROLE_STATUS,       /* status bar */
	ROLE_OK,
	ROLE_WARN,
	ROLE_ERROR,
	ROLE_SEV_INFO,     /* + enum proto_sev */
	ROLE_SEV_LOW,
	ROLE_SEV_MEDIUM,
	ROLE_SEV_HIGH,
	ROLE_SEV_CRITICAL,
	ROLE_TLP_CLEAR,    /* + enum proto_tlp */
	ROLE_TLP_GREEN,
	ROLE_TLP_AMBER,
	ROLE_TLP_AMBER_STRICT,
	ROLE_TLP_RED,
	ROLE_COUNT
};

enum draw_colors { DRAW_MONO, DRAW_8, DRAW_256 };

/* After initscr: pick the colour mode (NO_COLOR honoured) and the charset. */
void draw_init(int ascii);
enum draw_colors draw_colors(void);
int draw_ascii(void);
attr_t draw_attr(enum draw_role role);
int draw_sev_role(int sev);
int draw_tlp_role(int tlp);

/* Sanitise s, fit it to w cells (ellipsis when cut), pad with spaces, and
 * draw it at (y, x) with attr. Returns the cells drawn. */
int draw_text(int y, int x, int w, attr_t attr, const char *s);
/* The same without padding: at most w cells. Returns the cells drawn. */
int draw_label(int y, int x, int w, attr_t attr, const char *s);
/* Fill w cells at (y, x) with spaces in attr. */
void draw_fill(int y, int x, int w, attr_t attr);

struct rect {
	int y, x, h, w;
};

#endif
