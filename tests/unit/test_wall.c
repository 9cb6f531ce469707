/* tests/unit/test_wall.c - the wall view (views/wall.c) drawn into an
 * off-screen ncurses terminal over a cache seeded here: what it withholds
 * under the room's TLP ceiling and how it counts that, the counters, the
 * staleness banner and STALE marks, and that it fits 80x24 to 300x90. */
#include <ftw.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>

#include "client/cache.h"
#include "tui/draw.h"
#include "views/view.h"
#include "tests/unit/rmtree.h"

struct fixture {
	char dir[64], path[128];
	struct cache *c;
};

static int64_t now_ms(void)
{
	return (int64_t)time(NULL) * 1000;
}

static void put(struct cache *c, const char *backend, enum proto_stream s, const char *id, int sev, int tlp,
		const char *status, const char *title, json_t *data)
{
	struct proto_entity e;
	memset(&e, 0, sizeof e);
	e.stream = s;
	e.id = id;
	e.rev = 1;
	e.time_ms = now_ms() - 60000;
	e.updated_ms = e.time_ms;
	e.title = title;
	e.status = status;
	e.inst_name = "示範商業銀行";
	e.severity = sev;
	e.tlp = tlp;
	e.data = data ? data : json_pack("{s:s}", "id", id);
	assert_int_equal(cache_upsert(c, backend, "E1", &e), 1);
	json_decref(e.data);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test_wall.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/cache.db", f->dir);
	char err[256];
	if (cache_open(f->path, &f->c, err, sizeof err) < 0)
		return -1;
	struct cache *c = f->c;
	put(c, "fsoc", PROTO_ALERTS, "AL-G", 4, PROTO_TLP_GREEN, "new", "green critical shown", NULL);
	put(c, "fsoc", PROTO_ALERTS, "AL-C", 4, PROTO_TLP_CLEAR, "acknowledged", "clear critical shown", NULL);
	put(c, "fsoc", PROTO_ALERTS, "AL-A", 4, PROTO_TLP_AMBER, "new", "amber critical secret", NULL);
	put(c, "fsoc", PROTO_ALERTS, "AL-S", 4, PROTO_TLP_AMBER_STRICT, "new", "strict critical secret", NULL);
	put(c, "fsoc", PROTO_ALERTS, "AL-R", 4, PROTO_TLP_RED, "new", "red critical secret", NULL);
	put(c, "fsoc", PROTO_ALERTS, "AL-X", 4, PROTO_TLP_RED, "closed", "closed red not counted", NULL);
	put(c, "fsoc", PROTO_ALERTS, "AL-H1", 3, PROTO_TLP_GREEN, "new", "high one", NULL);
	put(c, "fsoc", PROTO_ALERTS, "AL-H2", 3, PROTO_TLP_AMBER, "new", "high two", NULL);
	put(c, "fcert", PROTO_TICKETS, "T-1", 4, PROTO_TLP_GREEN, "triage", "ticket crit", NULL);
	put(c, "fcert", PROTO_TICKETS, "T-2", 2, PROTO_TLP_GREEN, "in_progress", "ticket med", NULL);
	put(c, "fcert", PROTO_TICKETS, "T-3", 4, PROTO_TLP_GREEN, "closed", "ticket closed", NULL);
	put(c, "fcert", PROTO_VENDORS, "V-1", -1, -1, NULL, "趨勢科技 Trend Micro",
	    json_pack("{s:s, s:i, s:i, s:i, s:i}", "id", "V-1", "hours_total", 100, "hours_used", 30, "hours_reserved",
	              12, "low_water", 60)); /* 58 left: LOW */
	put(c, "fcert", PROTO_DRILLS, "DR-1", -1, -1, "running", "drill",
	    json_pack("{s:s, s:[{s:s}, {s:s}, {s:s}]}", "id", "DR-1", "participants", "status", "under_attack", "status",
		      "mitigated", "status", "under_attack"));
	assert_int_equal(cache_flush(c), 0);
	setenv("TERM", "xterm-256color", 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	cache_close(f->c);
	rmtree(f->dir);
	free(f);
	return 0;
}

static char shot[300 * 100 * 4];
/* The screen cell by cell: ASCII as is, anything else '?', so that columns
 * line up whatever the width of a character. */
#define WALL_COLS_MAX 302
static char cells[100][WALL_COLS_MAX];
static int cells_h, cells_w;

static void screen_cells(int h, int w)
{
	cells_h = h;
	cells_w = w;
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1] = {0};
			attr_t at;
			short pair;
			char ch = '?';
			if (mvin_wch(y, x, &cc) == OK && getcchar(&cc, wc, &at, &pair, NULL) != ERR && wc[0] >= 32 &&
			    wc[0] < 127)
				ch = (char)wc[0];
			cells[y][x] = ch;
		}
		cells[y][w] = '\0';
	}
}

static void screen_text(int h, int w)
{
	wchar_t wb[512];
	char mb[2048];
	shot[0] = '\0';
	for (int y = 0; y < h; y++) {
		int got = mvinnwstr(y, 0, wb, w < 511 ? w : 511);
		if (got == ERR)
			continue;
		wb[got] = L'\0';
		size_t l = wcstombs(mb, wb, sizeof mb - 2);
		assert_true(l != (size_t)-1);
		mb[l] = '\n';
		mb[l + 1] = '\0';
		strncat(shot, mb, sizeof shot - strlen(shot) - 1);
	}
}

#define HAS(word)                                                                                                      \
	do {                                                                                                           \
		if (!strstr(shot, (word)))                                                                             \
			fail_msg("%s:%d: \"%s\" not on the screen:\n%s", __FILE__, __LINE__, (word), shot);            \
	} while (0)
#define LACKS(word)                                                                                                    \
	do {                                                                                                           \
		if (strstr(shot, (word)))                                                                              \
			fail_msg("%s:%d: \"%s\" on the screen:\n%s", __FILE__, __LINE__, (word), shot);                \
	} while (0)

static void draw_wall(struct fixture *f, struct view_env *env, int h, int w, int ascii)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm(NULL, out, in);
	assert_non_null(scr);
	set_term(scr);
	draw_init(ascii, DRAW_THEME_DEFAULT, -1);
	assert_int_equal(resizeterm(h, w), OK);
	env->db = cache_db(f->c);
	env->now_ms = now_ms();
	struct view v = {.cls = &view_wall, .env = env};
	assert_int_equal(v.cls->init(&v), 0);
	struct rect r = {0, 0, h, w};
	erase();
	v.cls->draw(&v, &r, 0);
	screen_text(h, w);
	screen_cells(h, w);
	struct view_sel sel;
	assert_int_equal(v.cls->selected(&v, &sel), 0); /* nothing to act on */
	assert_int_equal(v.cls->key(&v, 'a'), 0);
	v.cls->fini(&v);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

static void test_ceiling_withholds(void **state)
{
	struct fixture *f = *state;
	struct view_env env = {.tlp_ceiling = PROTO_TLP_GREEN};
	draw_wall(f, &env, 40, 160, 0);
	HAS("WALL  read-only");
	HAS("room ceiling TLP:GREEN");
	HAS("green critical shown");
	HAS("clear critical shown");
	LACKS("secret");
	LACKS("closed red");
	HAS("3 items above TLP:GREEN withheld"); /* AMBER, AMBER+STRICT, RED; not the closed one */
	HAS("趨勢科技 Trend Micro LOW");         /* the vendor's name labels its hours; under its low water */
	LACKS("h left");
	HAS("under attack (drill)");
	HAS("CRITICAL alerts open");
	HAS("█");
	/* the room may see AMBER: one less withheld, never RED */
	struct view_env amber = {.tlp_ceiling = PROTO_TLP_AMBER};
	draw_wall(f, &amber, 40, 160, 0);
	HAS("amber critical secret");
	LACKS("red critical secret");
	HAS("2 items above TLP:AMBER withheld");
	struct view_env red = {.tlp_ceiling = PROTO_TLP_RED};
	draw_wall(f, &red, 40, 160, 0);
	HAS("red critical secret");
	HAS("0 items above TLP:RED withheld");
}

static void test_stale_banner(void **state)
{
	struct fixture *f = *state;
	struct view_backend b[2] = {{.name = "fsoc", .state = "stale", .live = 0, .last_ms = now_ms() - 125000},
				    {.name = "fcert", .state = "live", .live = 1, .last_ms = now_ms()}};
	struct view_env env = {.tlp_ceiling = PROTO_TLP_GREEN, .backends = b, .nbackends = 2};
	draw_wall(f, &env, 40, 160, 0);
	HAS("STALE fsoc: no update since");
	HAS("(2m ago); its numbers are marked STALE");
	HAS("CRITICAL alerts open STALE");
	HAS("HIGH alerts open STALE");
	LACKS("CRITICAL tickets open STALE"); /* fcert's */
	LACKS("fcert: no update");
	b[0].live = 1;
	b[0].state = "live";
	b[1] = (struct view_backend){.name = "fcert", .state = "offline", .live = 0, .last_ms = 0};
	draw_wall(f, &env, 40, 160, 0);
	LACKS("fsoc: no update");
	HAS("OFFLINE fcert: no update"); /* since the cursor write, or "yet" */
	HAS("CRITICAL tickets open STALE");
	HAS("趨勢科技 Trend Micro STALE"); /* STALE, not LOW: old numbers */
	LACKS("Trend Micro LOW");
	LACKS("CRITICAL alerts open STALE");
}

static void test_sizes_and_ascii(void **state)
{
	struct fixture *f = *state;
	static const int sizes[][2] = {{24, 80}, {30, 100}, {60, 200}, {90, 300}};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct view_env env = {.tlp_ceiling = PROTO_TLP_GREEN};
		draw_wall(f, &env, sizes[i][0], sizes[i][1], 0);
		HAS("WALL  read-only");
		HAS("3 items above TLP:GREEN withheld");
		HAS("green critical shown");
		LACKS("secret");
	}
	struct view_env env = {.tlp_ceiling = PROTO_TLP_GREEN};
	draw_wall(f, &env, 24, 80, 1);
	HAS("###");
	LACKS("█");
	HAS("3 items above TLP:GREEN withheld");
}

/* From across a room: every tile of block digits is apart from the next
 * (a rule with blank columns each side; a double one, "||" in ASCII,
 * after the clock), its label is on the line under its own digits and centred
 * under them, and every tile has both. */
static void check_tiles(void)
{
	int blocks = 0;
	for (int y = 0; y < cells_h; y++) {
		if (!strchr(cells[y], '#'))
			continue;
		int a = y, b = y;
		while (b + 1 < cells_h && strchr(cells[b + 1], '#'))
			b++;
		y = b + 1; /* the label line */
		if (y >= cells_h)
			fail_msg("digits on the last line: no room for a label:\n%s", shot);
		if ((b - a + 1) % 5)
			fail_msg("a block of digits %d lines high (not 5 per scale):\n%s", b - a + 1, shot);
		/* the rules: same column, digits and label lines, blank each side */
		int edge[WALL_COLS_MAX], nedge = 0;
		edge[nedge++] = -1;
		for (int x = 0; x < cells_w; x++) {
			if (cells[a][x] != '|')
				continue;
			int dbl = x + 1 < cells_w && cells[a][x + 1] == '|'; /* "||" */
			if (dbl && (blocks > 0 || nedge > 1))
				fail_msg("a double rule not after the clock (line %d col %d):\n%s", a, x, shot);
			if (blocks == 0 && nedge == 1 && !dbl)
				fail_msg("the clock is not set apart by a double rule:\n%s", shot);
			int xr = x + dbl; /* the rule's last column */
			for (int k = a; k <= y; k++) {
				if (cells[k][x] != '|' || cells[k][xr] != '|')
					fail_msg("the rule at col %d breaks on line %d:\n%s", x, k, shot);
				if (x == 0 || xr + 1 >= cells_w || cells[k][x - 1] != ' ' || cells[k][xr + 1] != ' ')
					fail_msg("nothing blank beside the rule at col %d line %d:\n%s", x, k, shot);
			}
			edge[nedge++] = x;
			x = xr;
		}
		edge[nedge++] = cells_w;
		if (blocks == 0 && nedge < 3)
			fail_msg("the clock shares its tile:\n%s", shot);
		for (int t = 0; t + 1 < nedge; t++) {
			int lo = cells_w, hi = -1, llo = cells_w, lhi = -1;
			int x0 = edge[t] + 1 + (t == 1 && blocks == 0); /* past "||" */
			for (int x = x0; x < edge[t + 1]; x++) {
				for (int k = a; k <= b; k++)
					if (cells[k][x] == '#') {
						lo = x < lo ? x : lo;
						hi = x > hi ? x : hi;
					}
				if (cells[y][x] != ' ') {
					llo = x < llo ? x : llo;
					lhi = x > lhi ? x : lhi;
				}
			}
			if (hi < 0 || lhi < 0)
				fail_msg("a tile without digits or label (line %d, cols %d-%d):\n%s", a, edge[t],
				         edge[t + 1], shot);
			int off = (lo + hi) - (llo + lhi); /* twice the distance between centres */
			if (off < -3 || off > 3)
				fail_msg("a label off the centre of its digits (line %d, cols %d-%d):\n%s", y, edge[t],
				         edge[t + 1], shot);
		}
		blocks++;
	}
	if (!blocks)
		fail_msg("no tile of block digits:\n%s", shot);
}

static void test_tiles_apart(void **state)
{
	struct fixture *f = *state;
	static const int sizes[][2] = {{24, 80}, {40, 120}, {60, 200}, {90, 300}};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct view_env env = {.tlp_ceiling = PROTO_TLP_GREEN};
		draw_wall(f, &env, sizes[i][0], sizes[i][1], 1);
		check_tiles();
		HAS("3 items above TLP:GREEN withheld");
	}
	/* a stale counter keeps its word even in a narrow tile */
	struct view_backend b[1] = {{.name = "fsoc", .state = "stale", .live = 0, .last_ms = now_ms() - 5000}};
	struct view_env env = {.tlp_ceiling = PROTO_TLP_GREEN, .backends = b, .nbackends = 1};
	draw_wall(f, &env, 24, 80, 1);
	check_tiles();
	HAS("alerts STALE");
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ceiling_withholds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale_banner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sizes_and_ascii, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tiles_apart, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
