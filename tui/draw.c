/* tui/draw.c - see draw.h. */
#include "tui/draw.h"

#include <stdlib.h>
#include <string.h>

#include "tui/text.h"

static attr_t role_attr[ROLE_COUNT];
static enum draw_colors mode = DRAW_MONO;
static int ascii_mode;

/* A role in one theme: 256-colour fg/bg, 8-colour fg/bg (in 16 colours
 * the fg gets its bright variant when bright is set), attributes always
 * added, and the attributes used instead when there is no colour at all.
 * -1 is the terminal's default colour. Severity and TLP are also always
 * written out as words (CRIT, AMBER+S), so no theme depends on colour. */
struct role_spec {
	short fg256, bg256, fg8, bg8;
	int bright;
	attr_t extra;
	attr_t mono;
};

/* Dark background. TLP 2.0 colours on black (FIRST): xterm-256 196, 214, 82, 231. */
static const struct role_spec theme_default[ROLE_COUNT] = {
	[ROLE_NORMAL] = {-1, -1, -1, -1, 0, A_NORMAL, A_NORMAL},
	[ROLE_DIM] = {245, -1, -1, -1, 0, A_NORMAL, A_DIM},
	[ROLE_HEADER] = {250, 236, COLOR_WHITE, COLOR_BLUE, 1, A_BOLD, A_UNDERLINE},
	[ROLE_TITLE] = {252, 238, COLOR_WHITE, COLOR_BLUE, 0, A_NORMAL, A_REVERSE},
	[ROLE_TITLE_FOCUS] = {16, 117, COLOR_BLACK, COLOR_CYAN, 0, A_BOLD, A_REVERSE | A_BOLD},
	[ROLE_SELECTED] = {231, 24, COLOR_BLACK, COLOR_WHITE, 0, A_NORMAL, A_REVERSE},
	[ROLE_STATUS] = {252, 236, COLOR_WHITE, COLOR_BLUE, 0, A_NORMAL, A_REVERSE},
	[ROLE_OK] = {82, -1, COLOR_GREEN, -1, 1, A_NORMAL, A_NORMAL},
	[ROLE_WARN] = {214, -1, COLOR_YELLOW, -1, 1, A_BOLD, A_BOLD},
	[ROLE_ERROR] = {196, -1, COLOR_RED, -1, 1, A_BOLD, A_BOLD | A_UNDERLINE},
	[ROLE_SEV_INFO] = {245, -1, -1, -1, 0, A_NORMAL, A_DIM},
	[ROLE_SEV_LOW] = {81, -1, COLOR_CYAN, -1, 1, A_NORMAL, A_NORMAL},
	[ROLE_SEV_MEDIUM] = {220, -1, COLOR_YELLOW, -1, 1, A_NORMAL, A_NORMAL},
	[ROLE_SEV_HIGH] = {208, -1, COLOR_RED, -1, 1, A_BOLD, A_BOLD},
	[ROLE_SEV_CRITICAL] = {231, 160, COLOR_WHITE, COLOR_RED, 1, A_BOLD, A_BOLD | A_REVERSE},
	[ROLE_TLP_CLEAR] = {231, 16, COLOR_WHITE, COLOR_BLACK, 1, A_NORMAL, A_NORMAL},
	[ROLE_TLP_GREEN] = {82, 16, COLOR_GREEN, COLOR_BLACK, 1, A_NORMAL, A_NORMAL},
	[ROLE_TLP_AMBER] = {214, 16, COLOR_YELLOW, COLOR_BLACK, 1, A_NORMAL, A_BOLD},
	[ROLE_TLP_AMBER_STRICT] = {214, 16, COLOR_YELLOW, COLOR_BLACK, 1, A_BOLD, A_BOLD | A_UNDERLINE},
	[ROLE_TLP_RED] = {196, 16, COLOR_RED, COLOR_BLACK, 1, A_BOLD, A_BOLD | A_REVERSE},
};

/* Light background: darker foregrounds (yellow on white cannot be read),
 * light bars; the TLP labels keep FIRST's black background. */
static const struct role_spec theme_light[ROLE_COUNT] = {
	[ROLE_NORMAL] = {-1, -1, -1, -1, 0, A_NORMAL, A_NORMAL},
	[ROLE_DIM] = {242, -1, -1, -1, 0, A_NORMAL, A_DIM},
	[ROLE_HEADER] = {236, 252, COLOR_BLACK, COLOR_WHITE, 0, A_BOLD, A_UNDERLINE},
	[ROLE_TITLE] = {236, 250, COLOR_BLACK, COLOR_WHITE, 0, A_NORMAL, A_REVERSE},
	[ROLE_TITLE_FOCUS] = {231, 25, COLOR_WHITE, COLOR_BLUE, 1, A_BOLD, A_REVERSE | A_BOLD},
	[ROLE_SELECTED] = {16, 153, COLOR_BLACK, COLOR_CYAN, 0, A_NORMAL, A_REVERSE},
	[ROLE_STATUS] = {236, 250, COLOR_BLACK, COLOR_WHITE, 0, A_NORMAL, A_REVERSE},
	[ROLE_OK] = {28, -1, COLOR_GREEN, -1, 0, A_NORMAL, A_NORMAL},
	[ROLE_WARN] = {130, -1, COLOR_MAGENTA, -1, 0, A_BOLD, A_BOLD},
	[ROLE_ERROR] = {160, -1, COLOR_RED, -1, 0, A_BOLD, A_BOLD | A_UNDERLINE},
	[ROLE_SEV_INFO] = {242, -1, -1, -1, 0, A_NORMAL, A_DIM},
	[ROLE_SEV_LOW] = {25, -1, COLOR_BLUE, -1, 0, A_NORMAL, A_NORMAL},
	[ROLE_SEV_MEDIUM] = {136, -1, COLOR_MAGENTA, -1, 0, A_NORMAL, A_NORMAL},
	[ROLE_SEV_HIGH] = {166, -1, COLOR_RED, -1, 0, A_BOLD, A_BOLD},
	[ROLE_SEV_CRITICAL] = {231, 160, COLOR_WHITE, COLOR_RED, 1, A_BOLD, A_BOLD | A_REVERSE},
	[ROLE_TLP_CLEAR] = {231, 16, COLOR_WHITE, COLOR_BLACK, 1, A_NORMAL, A_NORMAL},
	[ROLE_TLP_GREEN] = {82, 16, COLOR_GREEN, COLOR_BLACK, 1, A_NORMAL, A_NORMAL},
	[ROLE_TLP_AMBER] = {214, 16, COLOR_YELLOW, COLOR_BLACK, 1, A_NORMAL, A_BOLD},
	[ROLE_TLP_AMBER_STRICT] = {214, 16, COLOR_YELLOW, COLOR_BLACK, 1, A_BOLD, A_BOLD | A_UNDERLINE},
	[ROLE_TLP_RED] = {196, 16, COLOR_RED, COLOR_BLACK, 1, A_BOLD, A_BOLD | A_REVERSE},
};

/* High contrast: pure colours, bold text, no grey, no dim. */
static const struct role_spec theme_high_contrast[ROLE_COUNT] = {
	[ROLE_NORMAL] = {231, 16, COLOR_WHITE, COLOR_BLACK, 1, A_NORMAL, A_NORMAL},
	[ROLE_DIM] = {250, 16, COLOR_WHITE, COLOR_BLACK, 0, A_NORMAL, A_NORMAL},
	[ROLE_HEADER] = {231, 16, COLOR_WHITE, COLOR_BLACK, 1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
	[ROLE_TITLE] = {16, 231, COLOR_BLACK, COLOR_WHITE, 0, A_BOLD, A_REVERSE},
	[ROLE_TITLE_FOCUS] = {16, 226, COLOR_BLACK, COLOR_YELLOW, 0, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE},
	[ROLE_SELECTED] = {16, 51, COLOR_BLACK, COLOR_CYAN, 0, A_BOLD, A_REVERSE | A_BOLD},
	[ROLE_STATUS] = {16, 231, COLOR_BLACK, COLOR_WHITE, 0, A_BOLD, A_REVERSE},
	[ROLE_OK] = {46, 16, COLOR_GREEN, COLOR_BLACK, 1, A_BOLD, A_BOLD},
	[ROLE_WARN] = {226, 16, COLOR_YELLOW, COLOR_BLACK, 1, A_BOLD, A_BOLD},
	[ROLE_ERROR] = {196, 16, COLOR_RED, COLOR_BLACK, 1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
	[ROLE_SEV_INFO] = {231, 16, COLOR_WHITE, COLOR_BLACK, 1, A_NORMAL, A_NORMAL},
	[ROLE_SEV_LOW] = {51, 16, COLOR_CYAN, COLOR_BLACK, 1, A_BOLD, A_NORMAL},
	[ROLE_SEV_MEDIUM] = {226, 16, COLOR_YELLOW, COLOR_BLACK, 1, A_BOLD, A_BOLD},
	[ROLE_SEV_HIGH] = {196, 16, COLOR_RED, COLOR_BLACK, 1, A_BOLD, A_BOLD | A_UNDERLINE},
	[ROLE_SEV_CRITICAL] = {231, 196, COLOR_WHITE, COLOR_RED, 1, A_BOLD, A_BOLD | A_REVERSE},
	[ROLE_TLP_CLEAR] = {231, 16, COLOR_WHITE, COLOR_BLACK, 1, A_BOLD, A_NORMAL},
	[ROLE_TLP_GREEN] = {46, 16, COLOR_GREEN, COLOR_BLACK, 1, A_BOLD, A_NORMAL},
	[ROLE_TLP_AMBER] = {214, 16, COLOR_YELLOW, COLOR_BLACK, 1, A_BOLD, A_BOLD},
	[ROLE_TLP_AMBER_STRICT] = {214, 16, COLOR_YELLOW, COLOR_BLACK, 1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
	[ROLE_TLP_RED] = {196, 16, COLOR_RED, COLOR_BLACK, 1, A_BOLD, A_BOLD | A_REVERSE},
};

static const char *const theme_names[DRAW_THEME_COUNT] = {"default", "light", "high-contrast"};
static const char *const color_names[] = {"mono", "8", "16", "256"};

int draw_theme_parse(const char *name)
{
	for (int i = 0; i < DRAW_THEME_COUNT; i++)
		if (strcmp(theme_names[i], name) == 0)
			return i;
	return -1;
}

int draw_colors_parse(const char *name)
{
	if (strcmp(name, "auto") == 0)
		return -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(color_names[i], name) == 0)
			return i;
	if (strcmp(name, "none") == 0)
		return DRAW_MONO;
	return -2;
}

const char *draw_colors_name(enum draw_colors c)
{
	return (unsigned)c < 4 ? color_names[c] : "?";
}

void draw_init(int ascii, int theme, int colors)
{
	ascii_mode = ascii;
	const char *nc = getenv("NO_COLOR");
	const struct role_spec *specs = theme == DRAW_THEME_LIGHT	    ? theme_light
					: theme == DRAW_THEME_HIGH_CONTRAST ? theme_high_contrast
									    : theme_default;
	mode = DRAW_MONO;
	if (!(nc && nc[0]) && colors != DRAW_MONO && has_colors() && start_color() == OK) {
		use_default_colors();
		mode = COLORS >= 256 ? DRAW_256 : COLORS >= 16 ? DRAW_16 : COLORS >= 8 ? DRAW_8 : DRAW_MONO;
		if (colors >= 0 && (int)mode > colors) /* the config caps what the terminal offers */
			mode = (enum draw_colors)colors;
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct role_spec *s = &specs[r];
		if (mode == DRAW_MONO) {
			role_attr[r] = s->mono;
			continue;
		}
		short fg = mode == DRAW_256 ? s->fg256 : s->fg8;
		short bg = mode == DRAW_256 ? s->bg256 : s->bg8;
		if (mode == DRAW_16 && s->bright && fg >= 0 && fg < 8)
			fg = (short)(fg + 8);
		if (fg == -1 && bg == -1) {
			role_attr[r] = s->extra | (mode != DRAW_256 && r == ROLE_DIM ? A_DIM : 0);
			continue;
		}
		init_pair((short)(r + 1), fg, bg);
		role_attr[r] = COLOR_PAIR(r + 1) | s->extra;
	}
	if (theme == DRAW_THEME_HIGH_CONTRAST && mode != DRAW_MONO)
		bkgdset(' ' | role_attr[ROLE_NORMAL]); /* the whole screen on black */
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
