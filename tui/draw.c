/* tui/draw.c - see draw.h. */
#include "tui/draw.h"

#include <stdlib.h>
#include <string.h>

#include "tui/text.h"

static attr_t role_attr[ROLE_COUNT];
static enum draw_colors mode = DRAW_MONO;
static int ascii_mode;

/* TLP 2.0 colours on black (FIRST): xterm-256 196, 214, 82, 231. */
struct role_spec {
	short fg256, bg256, fg8, bg8;
	attr_t extra;    /* always added */
	attr_t mono;     /* used instead of colour when there is none */
};

static const struct role_spec specs[ROLE_COUNT] = {
	[ROLE_NORMAL] = {-1, -1, -1, -1, A_NORMAL, A_NORMAL},
	[ROLE_DIM] = {245, -1, -1, -1, A_NORMAL, A_DIM},
	[ROLE_HEADER] = {250, 236, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_UNDERLINE},
	[ROLE_TITLE] = {252, 238, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE},
	[ROLE_TITLE_FOCUS] = {16, 117, COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
	[ROLE_SELECTED] = {231, 24, COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE},
	[ROLE_STATUS] = {252, 236, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE},
	[ROLE_OK] = {82, -1, COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
	[ROLE_WARN] = {214, -1, COLOR_YELLOW, -1, A_BOLD, A_BOLD},
	[ROLE_ERROR] = {196, -1, COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE},
	[ROLE_SEV_INFO] = {245, -1, -1, -1, A_NORMAL, A_DIM},
	[ROLE_SEV_LOW] = {81, -1, COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
	[ROLE_SEV_MEDIUM] = {220, -1, COLOR_YELLOW, -1, A_NORMAL, A_NORMAL},
	[ROLE_SEV_HIGH] = {208, -1, COLOR_RED, -1, A_BOLD, A_BOLD},
	[ROLE_SEV_CRITICAL] = {231, 160, COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE},
	[ROLE_TLP_CLEAR] = {231, 16, COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_NORMAL},
	[ROLE_TLP_GREEN] = {82, 16, COLOR_GREEN, COLOR_BLACK, A_NORMAL, A_NORMAL},
	[ROLE_TLP_AMBER] = {214, 16, COLOR_YELLOW, COLOR_BLACK, A_NORMAL, A_BOLD},
	[ROLE_TLP_AMBER_STRICT] = {214, 16, COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_BOLD | A_UNDERLINE},
	[ROLE_TLP_RED] = {196, 16, COLOR_RED, COLOR_BLACK, A_BOLD, A_BOLD | A_REVERSE},
};

void draw_init(int ascii)
{
	ascii_mode = ascii;
	const char *nc = getenv("NO_COLOR");
	mode = DRAW_MONO;
	if (!(nc && nc[0]) && has_colors() && start_color() == OK) {
		use_default_colors();
		mode = COLORS >= 256 ? DRAW_256 : COLORS >= 8 ? DRAW_8 : DRAW_MONO;
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct role_spec *s = &specs[r];
		if (mode == DRAW_MONO) {
			role_attr[r] = s->mono;
			continue;
		}
		short fg = mode == DRAW_256 ? s->fg256 : s->fg8;
		short bg = mode == DRAW_256 ? s->bg256 : s->bg8;
		if (fg == -1 && bg == -1) {
			role_attr[r] = s->extra | (mode == DRAW_8 && r == ROLE_DIM ? A_DIM : 0);
			continue;
		}
		init_pair((short)(r + 1), fg, bg);
		role_attr[r] = COLOR_PAIR(r + 1) | s->extra;
	}
}

enum draw_colors draw_colors(void)
{
	return mode;
}

int draw_ascii(void)
{
	return ascii_mode;
}

attr_t draw_attr(enum draw_role role)
{
	return role >= 0 && role < ROLE_COUNT ? role_attr[role] : A_NORMAL;
}

int draw_sev_role(int sev)
{
	return sev >= 0 && sev <= 4 ? ROLE_SEV_INFO + sev : ROLE_DIM;
}

int draw_tlp_role(int tlp)
{
	return tlp >= 0 && tlp <= 4 ? ROLE_TLP_CLEAR + tlp : ROLE_DIM;
}

static int put(int y, int x, int w, attr_t attr, const char *s, int pad)
{
	char buf[2048];
	if (w <= 0)
		return 0;
	if (w > 500)
		w = 500; /* 4 bytes a cell fits buf */
	int used = text_fit(s ? s : "", w, pad, ascii_mode, buf, sizeof buf);
	attr_t old_attr;
	short old_pair;
	attr_get(&old_attr, &old_pair, NULL);
	attrset(attr);
	mvaddstr(y, x, buf);
	attr_set(old_attr, old_pair, NULL);
	return used;
}

int draw_text(int y, int x, int w, attr_t attr, const char *s)
{
	return put(y, x, w, attr, s, 1);
}

int draw_label(int y, int x, int w, attr_t attr, const char *s)
{
	return put(y, x, w, attr, s, 0);
}

void draw_fill(int y, int x, int w, attr_t attr)
{
	draw_text(y, x, w, attr, "");
}
