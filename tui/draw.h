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

/* In order: a config's "colors" caps the mode at one of these. */
enum draw_colors { DRAW_MONO, DRAW_8, DRAW_16, DRAW_256 };
enum draw_theme { DRAW_THEME_DEFAULT, DRAW_THEME_LIGHT, DRAW_THEME_HIGH_CONTRAST, DRAW_THEME_COUNT };

/* "default", "light", "high-contrast": the theme, or -1. */
int draw_theme_parse(const char *name);
/* "auto" -1; "256", "16", "8", "mono" (or "none"): the cap; else -2. */
int draw_colors_parse(const char *name);
const char *draw_colors_name(enum draw_colors c);

/* After initscr: pick the colour mode (the terminal's, capped by colors
 * when it is not -1; none under NO_COLOR), the theme and the charset. */
void draw_init(int ascii, int theme, int colors);
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
