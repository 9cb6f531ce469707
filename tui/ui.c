/* tui/ui.c - see ui.h. */
#include "tui/ui.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <term.h>
/* term.h's capability macros would rename our own "lines" and "columns" */
#undef lines
#undef columns
#include <time.h>
#include <unistd.h>

#include "client/log.h"
#include "tui/actions.h"
#include "tui/command.h"
#include "tui/draw.h"
#include "tui/i18n.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/prompt.h"
#include "tui/text.h"
#include "views/common.h"
#include "views/details.h"
#include "views/results.h"
#include "client/export.h"
#include "views/filter.h"
#include "views/fmt.h"
#include "views/rows.h"
#include "views/view.h"

enum { TIMER_FRAME, TIMER_CLOCK };

/* --low-bandwidth: at most one frame a second over a slow link. */
#define UI_LOW_BANDWIDTH_FRAME_MS 1000
/* A critical alert newer than this (by its own time) rings the bell. */
#define UI_BELL_RECENT_MS (15 * 60 * 1000)

/* The panes, in focus order. */
#define UI_NPANES 5
static const struct view_class *const pane_classes[UI_NPANES] = {
	&view_alerts, &view_tickets, &view_vendors, &view_drills, &view_advisories,
};
static const char *const pane_names[UI_NPANES] = {"alerts", "tickets", "vendors", "drills", "advisories"};

struct ui {
	struct ws *ws;
	struct cache *cache;
	struct ui_opts o;
	SCREEN *scr;
	int sigfd;
	int sigfd_by_lws;
	sigset_t oldmask;
	int quit;
	int status; /* exit status */
	int dirty;
	int full; /* clear and repaint everything */
	int frame_timer_armed;
	int empty_reads; /* input wake-ups in a row that gave no key */
	sqlite3_stmt *q_latest_action; /* the message line's newest action */
	sqlite3_stmt *q_crit;          /* the newest recent critical alert, for the bell */
	int64_t crit_seen;             /* its rx (arrival) when last looked at */
	int bell_pending;
	int64_t bell_ms;               /* the last ring */
	uint64_t bells;
	int64_t last_frame_ms;
	int min_frame_ms;
	/* redraw accounting, reported in the log at exit */
	uint64_t frames;
	int64_t window_start_ms;
	int window_frames;
	int max_fps;

	struct view_env env;
	struct pane {
		struct view v;
		int placed; /* drawn in the current frame */
		struct rect r;
	} panes[UI_NPANES];
	struct view wall;  /* the wall mode's one view */
	struct results *results;          /* a :search's hits, when shown */
	int64_t since_ms, until_ms;       /* :since / :until, 0 = open */
	struct view_backend backends[16]; /* env.backends, refreshed each frame */
	sqlite3_stmt *q_last_update;     /* the newest cursor write */
	int64_t last_full_ms;            /* the wall's last full repaint */
	int focus; /* index into panes */
	int zoom;
	struct layout layout, layout_wide;
	char layout_spec[200], layout_wide_spec[200]; /* as given, for :layout */
	struct details *details;

	/* every key goes through the keymap to a command (tui/command.h) */
	struct keymap *km;
	struct prompt_history cmd_hist;
	struct help *help; /* the "?" screen, when open */

	/* the modal prompt: an action's steps, quitting with actions unsent,
	 * or the ":" command line */
	enum { MODE_NORMAL, MODE_ACTION, MODE_QUIT, MODE_COMMAND, MODE_FILTER } mode;
	struct prompt_history filter_hist;
	int filter_pane; /* the pane the "/" prompt filters */
	struct prompt prompt;
	const struct act_spec *act;
	int act_step;
	struct view_sel act_sel;
	json_t *act_args;
	char flash[400];
	int64_t flash_ms;
	int flash_for_ms; /* how long it shows */
};

/* The "?" screen: lines generated from the keymap for one view. */
#define HELP_MAX_LINES 300
struct help {
	char title[400];
	char lines[HELP_MAX_LINES][200];
	unsigned char heading[HELP_MAX_LINES];
	int n, top, page;
};

/* The backend states client/ws.c names (ws_state_name), marked here for
 * translation: the status bar shows them through _(). */
static const char *const state_words[] __attribute__((unused)) = {
	N_("disabled"), N_("connecting"), N_("live"), N_("stale"), N_("offline"), N_("auth refused"),
};

/* Captured at start for the fatal-signal handler, which may only write(). */
static char restore_seq[256];
static size_t restore_len;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fatal_signal(int sig)
{
	if (restore_len) {
		ssize_t w = write(STDOUT_FILENO, restore_seq, restore_len);
		(void)w;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* What turns the terminal's mouse reporting off, as ncurses turned it on:
 * XM (the xterm extension ncurses itself uses) with 0, else the plain
 * xterm sequence when the terminal has mouse keys at all; NULL: none. */
static const char *mouse_off_seq(void)
{
	char *xm = tigetstr("XM");
	if (xm && xm != (char *)-1)
		return tiparm(xm, 0);
	char *km = tigetstr("kmous");
	return km && km != (char *)-1 && km[0] ? "\033[?1000l" : NULL;
}

static void capture_restore(int mouse)
{
	const char *caps[] = {"sgr0", "cnorm", "mouse", "rmcup"};
	restore_len = 0;
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		const char *s = strcmp(caps[i], "mouse") != 0 ? tigetstr(caps[i]) : mouse ? mouse_off_seq() : NULL;
		if (!s || s == (char *)-1)
			continue;
		size_t n = strlen(s);
		if (restore_len + n < sizeof restore_seq) {
			memcpy(restore_seq + restore_len, s, n);
			restore_len += n;
		}
	}
	if (restore_len + 1 < sizeof restore_seq)
		restore_seq[restore_len++] = '\n';
}

static void mark_dirty(struct ui *ui)
{
	ui->dirty = 1;
}

/* A state colour on the status bar's background. */
static attr_t draw_mono_or(enum draw_role role, attr_t st)
{
	if (draw_colors() == DRAW_MONO)
		return st | (role == ROLE_OK ? 0 : A_BOLD);
	return draw_attr(role) | A_REVERSE;
}

static void draw_status(struct ui *ui, int y, int w)
{
	char buf[512], age[32], part[160];
	attr_t st = draw_attr(ROLE_STATUS);
	draw_fill(y, 0, w, st);
	int x = 0;
	int64_t now = ws_now_ms();

	/* Reachable: live, or trying (a first connection, a reconnect). */
	int live = 0;
	for (int i = 0; i < ws_count(ui->ws); i++) {
		struct ws_backend_info bi;
		ws_backend_get(ui->ws, i, &bi);
		live |= bi.state == WS_LIVE || bi.state == WS_CONNECTING;
	}
	if (ui->o.follower) {
		snprintf(part, sizeof part, _(" READ-ONLY: soctop pid %d writes this cache "), ui->o.writer_pid);
		x += draw_label(y, x, w - x, st | A_BOLD, part);
	}
	if (ui->o.offline || ws_count(ui->ws) == 0 || !live) {
		/* Every backend unreachable: say so, with the time of the last
		 * update the cache holds. */
		char when[40] = "never";
		int64_t last = 0;
		for (int i = 0; i < ws_count(ui->ws); i++) {
			struct ws_backend_info bi;
			ws_backend_get(ui->ws, i, &bi);
			if (bi.last_msg_ms > last)
				last = bi.last_msg_ms;
		}
		if (!last && ui->q_last_update) {
			if (sqlite3_step(ui->q_last_update) == SQLITE_ROW)
				last = sqlite3_column_int64(ui->q_last_update, 0);
			sqlite3_reset(ui->q_last_update);
		}
		if (last > 0)
			fmt_time_short(last, now, when, sizeof when);
		if (ui->o.follower)
			snprintf(part, sizeof part, _(" last update %s "), when);
		else if (ui->o.offline)
			snprintf(part, sizeof part, _(" OFFLINE (cache only), last update %s "), when);
		else if (ws_count(ui->ws) == 0)
			snprintf(part, sizeof part, "%s", _(" no backends configured "));
		else
			snprintf(part, sizeof part, _(" OFFLINE, last update %s "), when);
		x += draw_label(y, x, w - x, st | A_BOLD, part);
	}
	for (int i = 0; i < ws_count(ui->ws) && x < w; i++) {
		struct ws_backend_info bi;
		ws_backend_get(ui->ws, i, &bi);
		enum draw_role role = bi.state == WS_LIVE ? ROLE_OK
				      : bi.state == WS_CONNECTING ? ROLE_WARN
				      : bi.state == WS_DISABLED ? ROLE_DIM
								: ROLE_ERROR;
		const char *mark = bi.state == WS_LIVE ? (draw_ascii() ? "+" : "●") : (draw_ascii() ? "!" : "○");
		if (bi.last_msg_ms)
			fmt_age(now - bi.last_msg_ms, age, sizeof age);
		else
			snprintf(age, sizeof age, "-");
		snprintf(part, sizeof part, " %s %s %s", bi.name, mark, _(ws_state_name(bi.state)));
		x += draw_label(y, x, w - x, draw_mono_or(role, st), part);
		snprintf(part, sizeof part, " %s │", age);
		if (draw_ascii())
			snprintf(part, sizeof part, " %s |", age);
		x += draw_label(y, x, w - x, st, part);
	}
	/* Right side: cache file and clock. */
	char clock[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	/* by the minute on a slow link; the zone named when one is configured */
	strftime(clock, sizeof clock,
		 ui->o.low_bandwidth ? (ui->o.show_zone ? "%H:%M %Z" : "%H:%M")
				     : (ui->o.show_zone ? "%H:%M:%S %Z" : "%H:%M:%S"),
		 &tm);
	int cw = (int)strlen(clock) + 2;
	int room = w - x - cw;
	if (room > 12) {
		snprintf(buf, sizeof buf, _(" cache %s"), ui->o.cache_path ? ui->o.cache_path : "");
		int pw = text_width(buf);
		if (pw > room) {
			/* Keep the file name end of the path: that is the telling part. */
			const char *p = ui->o.cache_path ? ui->o.cache_path : "";
			size_t len = strlen(p);
			size_t keep = (size_t)(room > 10 ? room - 9 : 1);
			snprintf(buf, sizeof buf, _(" cache ~%s"), len > keep ? p + len - keep : p);
		}
		draw_text(y, x, room, st, buf);
	}
	if (w - cw >= 0)
		draw_text(y, w - cw, cw, st | A_BOLD, clock);
}

/* The message line: the newest problem any backend reported, and counters. */
static void draw_messages(struct ui *ui, int y, int w)
{
	char buf[512], age[32];
	int64_t now = ws_now_ms();
	int64_t worst_ms = -1;
	const char *name = NULL;
	uint64_t invalid = 0, gaps = 0;
	for (int i = 0; i < ws_count(ui->ws); i++) {
		struct ws_backend_info bi;
		ws_backend_get(ui->ws, i, &bi);
		invalid += bi.feed->st.invalid;
		gaps += bi.feed->st.gaps;
		if (bi.detail && bi.detail[0] && (bi.state != WS_LIVE || now - bi.detail_ms < 60000)) {
			if (bi.detail_ms > worst_ms) {
				worst_ms = bi.detail_ms;
				name = bi.name;
				snprintf(buf, sizeof buf, "%s", bi.detail);
			}
		}
	}
	/* A damaged cache moved aside at start: said for ten minutes unless
	 * something newer needs the line. */
	int64_t nms = 0;
	const char *notice = cache_notice(ui->cache, &nms);
	if (notice && now - nms < 600000 && nms > worst_ms) {
		worst_ms = nms;
		name = "cache";
		snprintf(buf, sizeof buf, "%s", notice);
	}
	draw_fill(y, 0, w, draw_attr(ROLE_NORMAL));
	char counters[96];
	snprintf(counters, sizeof counters, _("invalid %llu  gaps %llu "), (unsigned long long)invalid,
		 (unsigned long long)gaps);
	int cw = (int)strlen(counters);
	if (name) {
		char line[700];
		fmt_age(now - worst_ms, age, sizeof age);
		snprintf(line, sizeof line, " %s: %s (%s ago)", name, buf, age);
		draw_text(y, 0, w - cw > 0 ? w - cw : w, draw_attr(ROLE_WARN), line);
	}
	if (w > cw + 20)
		draw_text(y, w - cw, cw, draw_attr(invalid || gaps ? ROLE_WARN : ROLE_DIM), counters);
}

static void set_flash(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_flash(struct ui *ui, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->flash, sizeof ui->flash, fmt, ap);
	va_end(ap);
	ui->flash_ms = ws_now_ms();
	ui->flash_for_ms = 5000;
	mark_dirty(ui);
}

/* The newest operator action of the last minute, with its outcome. */
static int latest_action(struct ui *ui, char *out, size_t n, enum draw_role *role)
{
	sqlite3_stmt *st = ui->q_latest_action;
	int found = 0;
	if (!st)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW && ui->env.now_ms - sqlite3_column_int64(st, 5) < 60000) {
		const char *state = (const char *)sqlite3_column_text(st, 2);
		char age[32];
		fmt_age(ui->env.now_ms - sqlite3_column_int64(st, 5), age, sizeof age);
		state = state ? state : "";
		if (strcmp(state, "done") == 0) {
			*role = ROLE_OK;
			snprintf(out, n, _(" %s %s: done"), sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
		} else if (strcmp(state, "refused") == 0) {
			*role = ROLE_ERROR;
			snprintf(out, n, _(" %s %s: REFUSED %s: %s"), sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
				 sqlite3_column_text(st, 3), sqlite3_column_text(st, 4));
		} else {
			*role = ROLE_WARN;
			snprintf(out, n, _(" %s %s: pending (%s, %s)"), sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
				 strcmp(state, "sent") == 0 ? _("sent, awaiting the result") : _("queued until the backend is live"),
				 age);
		}
		found = 1;
	}
	sqlite3_reset(st);
	return found;
}

static void draw_prompt(struct ui *ui, int y, int w)
{
	char value[1600], line[2700];
	const struct prompt *p = &ui->prompt;
	attr_t at = draw_attr(ROLE_TITLE_FOCUS);
	draw_fill(y, 0, w, at);
	prompt_render(p, value, sizeof value);
	if (p->kind == PROMPT_TEXT) {
		/* Typing: keep the end of a long input in view. */
		snprintf(line, sizeof line, p->bare ? " %s%s" : " %s: %s", p->label, value);
		if (p->hint[0]) { /* completion candidates, right of the input, when they fit */
			char with[2700 + 300];
			snprintf(with, sizeof with, "%s   [%s]", line, p->hint);
			if (strlen(with) < sizeof line && text_width(with) <= w - 1)
				memcpy(line, with, strlen(with) + 1);
		}
		const char *shown = line;
		while (text_width(shown) > w - 1 && *shown) {
			shown++;
			while ((*shown & 0xc0) == 0x80)
				shown++;
		}
		draw_label(y, 0, w, at, shown);
		return;
	}
	/* Choices and confirmations: the question reads from the left, the
	 * answer part stays whole at the right edge. */
	snprintf(line, sizeof line, p->kind == PROMPT_CHOICE ? " %s:" : " %s", p->label);
	if (p->kind == PROMPT_CHOICE && text_width(line) + 1 + text_width(value) > w && p->nchoices) {
		snprintf(value, sizeof value, "%s %d/%d %s %s (arrows, 1-%d, Enter)", draw_ascii() ? "<" : "‹",
			 p->choice + 1, p->nchoices, p->choices[p->choice], draw_ascii() ? ">" : "›", p->nchoices);
		if (text_width(line) + text_width(value) + 2 > w) /* the hint goes first */
			snprintf(value, sizeof value, "%s %d/%d %s %s", draw_ascii() ? "<" : "‹", p->choice + 1,
				 p->nchoices, p->choices[p->choice], draw_ascii() ? ">" : "›");
	}
	if (text_width(line) + 1 + text_width(value) <= w) { /* it all fits: one line as written */
		char whole[2700 + 1600];
		snprintf(whole, sizeof whole, "%s %s", line, value);
		draw_label(y, 0, w, at, whole);
		return;
	}
	int vw = text_width(value) + 1;
	if (vw > w - 12)
		vw = w - 12 > 0 ? w - 12 : 0;
	draw_label(y, 0, w - vw - 1, at, line);
	draw_label(y, w - vw, vw, at | A_BOLD, value);
}

static void help_draw(struct help *h, const struct rect *r)
{
	view_draw_title(r, 1, h->title);
	int rows = r->h - 1;
	h->page = rows > 0 ? rows : 1;
	if (h->top > h->n - rows)
		h->top = h->n - rows;
	if (h->top < 0)
		h->top = 0;
	for (int k = 0; k < rows; k++) {
		int i = h->top + k;
		int y = r->y + 1 + k;
		if (i >= h->n) {
			draw_fill(y, r->x, r->w, draw_attr(ROLE_NORMAL));
			continue;
		}
		draw_text(y, r->x, r->w, h->heading[i] ? draw_attr(ROLE_HEADER) | A_BOLD : draw_attr(ROLE_NORMAL),
			  h->lines[i]);
	}
}

static struct pane *focused(struct ui *ui)
{
	return &ui->panes[ui->focus];
}

static void draw_panes(struct ui *ui, struct rect area)
{
	for (int i = 0; i < UI_NPANES; i++)
		ui->panes[i].placed = 0;
	if (ui->help) {
		help_draw(ui->help, &area);
		return;
	}
	if (ui->details) {
		details_draw(ui->details, &area);
		return;
	}
	if (ui->results) {
		results_draw(ui->results, &area);
		return;
	}
	if (ui->zoom) {
		struct pane *p = focused(ui);
		p->placed = 1;
		p->r = area;
		p->v.cls->draw(&p->v, &area, 1);
		return;
	}
	struct layout_place place[LAYOUT_MAX_PANES];
	const struct layout *l = area.w >= LAYOUT_WIDE_COLS ? &ui->layout_wide : &ui->layout;
	int n = layout_compute(l, area, place, LAYOUT_MAX_PANES);
	for (int k = 0; k < n; k++) {
		for (int i = 0; i < UI_NPANES; i++) {
			if (strcmp(place[k].pane, pane_names[i]) != 0 || ui->panes[i].placed)
				continue;
			struct pane *p = &ui->panes[i];
			p->placed = 1;
			p->r = place[k].r;
			p->v.cls->draw(&p->v, &p->r, i == ui->focus);
			/* the one-cell gap to the right of a pane that does not reach the edge */
			if (p->r.x + p->r.w < area.x + area.w)
				for (int y = p->r.y; y < p->r.y + p->r.h; y++)
					draw_label(y, p->r.x + p->r.w, 1, draw_attr(ROLE_DIM), draw_ascii() ? "|" : "│");
			break;
		}
	}
	/* Focus must be on something visible. */
	if (!ui->panes[ui->focus].placed)
		for (int i = 0; i < UI_NPANES; i++)
			if (ui->panes[i].placed) {
				ui->focus = i;
				break;
			}
}

/* The view keys go to: help, details, or the focused pane. */
static enum cmd_ctx current_ctx(struct ui *ui)
{
	if (ui->help)
		return CTX_HELP;
	if (ui->details)
		return CTX_DETAILS;
	return (enum cmd_ctx)(CTX_ALERTS + ui->focus);
}

static enum cmd_ctx stream_ctx(enum proto_stream s)
{
	switch (s) {
	case PROTO_ALERTS:
		return CTX_ALERTS;
	case PROTO_TICKETS:
		return CTX_TICKETS;
	case PROTO_VENDORS:
		return CTX_VENDORS;
	case PROTO_DRILLS:
		return CTX_DRILLS;
	case PROTO_ADVISORIES:
	case PROTO_NSTREAMS:
		break;
	}
	return CTX_ADVISORIES;
}

static int current_chain(struct ui *ui, enum cmd_ctx *chain, int max)
{
	enum cmd_ctx ctx = current_ctx(ui);
	enum cmd_ctx item = ui->details	  ? stream_ctx(details_item(ui->details)->stream)
			    : ui->results ? stream_ctx(results_stream(ui->results))
					  : ctx;
	return keymap_chain(ctx, item, chain, max);
}

/* The header's reminder, from the keymap: "? help  : command  q quit". */
static void header_hint(struct ui *ui, char *out, size_t n, int maxw)
{
	static const struct {
		const char *cmd, *label;
	} hints[] = {{"help", N_("help")}, {"command", N_("command")}, {"focus-next", N_("pane")}, {"zoom", N_("zoom")},
		     {"open", N_("details")}, {"back", N_("back")},	   {"quit", N_("quit")}};
	enum cmd_ctx chain[4];
	int nc = current_chain(ui, chain, 4);
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		char keys[64];
		keymap_keys_for(ui->km, chain, nc, hints[i].cmd, keys, sizeof keys);
		if (!keys[0])
			continue;
		keys[strcspn(keys, ",")] = '\0'; /* the first key is enough here */
		int k = snprintf(out + used, n - used, "%s%s %s", used ? "  " : "", keys, _(hints[i].label));
		if (k < 0 || (size_t)k >= n - used || text_width(out) + 1 > maxw) {
			out[used] = '\0';
			break;
		}
		used += (size_t)k;
	}
	if (used + 1 < n) {
		out[used++] = ' ';
		out[used] = '\0';
	}
}

static void draw_frame(struct ui *ui)
{
	int h, w;
	getmaxyx(stdscr, h, w);
	ui->env.now_ms = ws_now_ms();
	if (ui->full) {
		clearok(curscr, TRUE);
		ui->full = 0;
	}
	erase();
	ui->env.nbackends = 0;
	for (int i = 0; i < ws_count(ui->ws) && i < (int)(sizeof ui->backends / sizeof ui->backends[0]); i++) {
		struct ws_backend_info bi;
		ws_backend_get(ui->ws, i, &bi);
		ui->backends[i] = (struct view_backend){.name = bi.name, .state = ws_state_name(bi.state),
							.live = bi.state == WS_LIVE, .last_ms = bi.last_msg_ms};
		ui->env.nbackends = i + 1;
	}
	if (h < 6 || w < 30) {
		draw_text(0, 0, w, draw_attr(ROLE_WARN), "soctop: terminal too small (30x6 at least)");
	} else if (ui->o.wall) {
		struct rect area = {0, 0, h - 1, w};
		if (ui->help)
			help_draw(ui->help, &area);
		else
			ui->wall.cls->draw(&ui->wall, &area, 0);
		draw_status(ui, h - 1, w);
	} else {
		attr_t hattr = draw_attr(ROLE_TITLE);
		draw_fill(0, 0, w, hattr);
		draw_label(0, 0, w, hattr | A_BOLD, " soctop  F-SOC / F-CERT");
		char help[200];
		header_hint(ui, help, sizeof help, w - 26);
		int hw = text_width(help);
		if (w > hw + 26)
			draw_label(0, w - hw, hw, hattr, help);
		struct rect area = {1, 0, h - 3, w};
		draw_panes(ui, area);
		char buf[400];
		enum draw_role role = ROLE_NORMAL;
		if (ui->mode != MODE_NORMAL) {
			draw_prompt(ui, h - 2, w);
		} else if (ui->flash[0] && ui->env.now_ms - ui->flash_ms < ui->flash_for_ms) {
			draw_fill(h - 2, 0, w, draw_attr(ROLE_NORMAL));
			draw_label(h - 2, 0, w, draw_attr(ROLE_WARN), ui->flash);
		} else if (latest_action(ui, buf, sizeof buf, &role)) {
			draw_fill(h - 2, 0, w, draw_attr(ROLE_NORMAL));
			draw_label(h - 2, 0, w, draw_attr(role), buf);
		} else {
			draw_messages(ui, h - 2, w);
		}
		draw_status(ui, h - 1, w);
	}
	refresh();
	ui->frames++;
	int64_t now = mono_ms();
	if (now - ui->window_start_ms >= 1000) {
		ui->window_start_ms = now;
		ui->window_frames = 0;
	}
	if (++ui->window_frames > ui->max_fps)
		ui->max_fps = ui->window_frames;
	ui->last_frame_ms = now;
	ui->dirty = 0;
}

static void frame_timer(void *arg)
{
	struct ui *ui = arg;
	ui->frame_timer_armed = 0;
}

/* Redraws are coalesced: at most refresh_hz frames a second. */
static void maybe_draw(struct ui *ui)
{
	if (!ui->dirty || ui->quit)
		return;
	int64_t since = mono_ms() - ui->last_frame_ms;
	if (since >= ui->min_frame_ms) {
		draw_frame(ui);
	} else if (!ui->frame_timer_armed) {
		ui->frame_timer_armed = 1;
		ws_timer(ui->ws, TIMER_FRAME, ui->min_frame_ms - since, frame_timer, ui);
	}
}

static void check_bell(struct ui *ui);
/* The wall repaints everything this often: whatever else wrote to the
 * terminal (a wall(1) message, a kernel console line) heals. */
#define UI_WALL_REPAINT_MS (3 * 60 * 1000)
#define UI_WALL_FRAME_MS 500

static void clock_timer(void *arg)
{
	struct ui *ui = arg;
	mark_dirty(ui);
	if (ui->bell_pending)
		check_bell(ui);
	if (ui->o.wall && mono_ms() - ui->last_full_ms >= UI_WALL_REPAINT_MS) {
		ui->full = 1;
		ui->last_full_ms = mono_ms();
	}
	int64_t now = ws_now_ms();
	int64_t period = ui->o.low_bandwidth ? 60000 : 1000;
	ws_timer(ui->ws, TIMER_CLOCK, period - now % period + 5, clock_timer, ui);
}

/* A new critical alert rings the bell (or flashes the screen), at most once
 * every alert_bell_interval seconds; alerts arriving in between ring once
 * when the interval is over. "New" is a critical alert still in status new,
 * written since the last look, whose own time is recent (not a backfill). */
static void check_bell(struct ui *ui)
{
	sqlite3_stmt *q = ui->q_crit;
	if (!ui->o.alert_bell || !q)
		return;
	int64_t now = ws_now_ms();
	sqlite3_bind_int64(q, 1, now - UI_BELL_RECENT_MS);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int64(q, 0) > ui->crit_seen) {
		ui->crit_seen = sqlite3_column_int64(q, 0);
		ui->bell_pending = 1;
		log_info("new critical alert %s", sqlite3_column_text(q, 1));
	}
	sqlite3_reset(q);
	if (ui->bell_pending && (ui->bell_ms == 0 || now - ui->bell_ms >= (int64_t)ui->o.alert_bell_interval * 1000)) {
		if (ui->o.alert_bell == 2)
			flash();
		else
			beep();
		ui->bell_pending = 0;
		ui->bell_ms = now;
		ui->bells++;
		log_info("alert %s rung for a new critical alert", ui->o.alert_bell == 2 ? "flash" : "bell");
	}
}

static void handle_resize(struct ui *ui)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui->full = 1;
	mark_dirty(ui);
}

static void action_next(struct ui *ui);

static void action_end(struct ui *ui)
{
	json_decref(ui->act_args);
	ui->act_args = NULL;
	ui->act = NULL;
	ui->mode = MODE_NORMAL;
}

/* The vendor ids in the cache, for ticket.request_vendor. */
static void vendor_choices(struct ui *ui, char *out, size_t n)
{
	sqlite3_stmt *st;
	size_t used = 0;
	out[0] = '\0';
	/* The ticket's own backend's contracts; ids that cannot be offered
	 * whole in a choice are left out rather than cut. */
	if (sqlite3_prepare_v2(ui->env.db,
			       "SELECT id FROM vendors WHERE backend = ?1 AND instr(id, ',') = 0 AND length(id) < 60 "
			       "ORDER BY id LIMIT 12",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, ui->act_sel.backend, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		int k = snprintf(out + used, n - used, "%s%s", used ? "," : "", id ? id : "");
		if (k < 0 || (size_t)k >= n - used)
			break;
		used += (size_t)k;
	}
	sqlite3_finalize(st);
}

static void action_start(struct ui *ui, const struct act_spec *spec, const struct view_sel *sel)
{
	ui->act = spec;
	ui->act_sel = *sel;
	ui->act_step = 0;
	ui->act_args = json_object();
	if (!ui->act_args) {
		set_flash(ui, " out of memory");
		return;
	}
	if (strcmp(spec->op, "drill.checkin") == 0) {
		if (!sel->sub[0]) {
			set_flash(ui, "%s", _(" select a participant first (arrows in the drills pane)"));
			action_end(ui);
			return;
		}
		json_object_set_new(ui->act_args, "institution_id", json_string(sel->sub));
	}
	ui->mode = MODE_ACTION;
	action_next(ui);
}

/* Ask the next step, or, after the last, confirm. */
static void action_next(struct ui *ui)
{
	char label[1024];
	if (ui->act_step < ui->act->nsteps) {
		const struct act_step *st = &ui->act->steps[ui->act_step];
		snprintf(label, sizeof label, "%s %s: %s", ui->act->op, ui->act_sel.id, _(st->label));
		if (st->kind == ACT_CHOICE) {
			char dyn[800];
			if (!st->choices)
				vendor_choices(ui, dyn, sizeof dyn);
			prompt_choice(&ui->prompt, label, st->choices ? st->choices : dyn);
			if (ui->prompt.nchoices == 0) {
				set_flash(ui, _(" %s: nothing to choose from in the cache"), ui->act->op);
				action_end(ui);
			}
		} else {
			prompt_text(&ui->prompt, label, st->optional, st->kind == ACT_NUMBER);
		}
		return;
	}
	char *args = json_dumps(ui->act_args, JSON_COMPACT);
	snprintf(label, sizeof label, _("Send %s %s %s to %s?"), ui->act->op, ui->act_sel.id, args ? args : "{}",
		 ui->act_sel.backend);
	free(args);
	prompt_confirm(&ui->prompt, label);
}

static void action_answer(struct ui *ui)
{
	char value[1600], err[300], id[64];
	if (ui->act_step < ui->act->nsteps) {
		const struct act_step *st = &ui->act->steps[ui->act_step];
		prompt_value(&ui->prompt, value, sizeof value);
		if (actions_set_arg(ui->act_args, st, value) < 0) {
			set_flash(ui, _(" %s: \"%s\" is not a valid %s"), ui->act->op, value, st->arg);
			return; /* ask the same step again */
		}
		ui->act_step++;
		action_next(ui);
		return;
	}
	char *args = json_dumps(ui->act_args, JSON_COMPACT);
	if (!args || ws_action(ui->ws, ui->act_sel.backend, ui->act->op, ui->act_sel.id, args, id, sizeof id, err,
			       sizeof err) < 0)
		set_flash(ui, _(" %s not queued: %s"), ui->act->op, args ? err : "out of memory");
	else
		log_info("action %s %s %s queued as %s", ui->act->op, ui->act_sel.id, args, id);
	free(args);
	action_end(ui);
	mark_dirty(ui);
}

static void run_command(struct ui *ui, const char *line);
static int apply_filter(struct ui *ui, int i, const char *expr, char *msg, size_t n);

static void prompt_input(struct ui *ui, wint_t ch, int is_key)
{
	enum prompt_result r = prompt_key(&ui->prompt, (unsigned)ch, is_key);
	mark_dirty(ui);
	if (r == PROMPT_CONTINUE)
		return;
	if (ui->mode == MODE_FILTER) {
		char line[PROMPT_LINE_MAX], msg[300];
		ui->mode = MODE_NORMAL;
		if (r != PROMPT_DONE)
			return;
		prompt_value(&ui->prompt, line, sizeof line);
		prompt_history_add(&ui->filter_hist, line);
		if (apply_filter(ui, ui->filter_pane, line, msg, sizeof msg) < 0)
			set_flash(ui, " %s", msg);
		return;
	}
	if (ui->mode == MODE_COMMAND) {
		char line[PROMPT_LINE_MAX];
		ui->mode = MODE_NORMAL;
		if (r != PROMPT_DONE)
			return;
		prompt_value(&ui->prompt, line, sizeof line);
		prompt_history_add(&ui->cmd_hist, line);
		if (line[strspn(line, " ")])
			run_command(ui, line);
		return;
	}
	if (ui->mode == MODE_QUIT) {
		ui->mode = MODE_NORMAL;
		if (r == PROMPT_DONE)
			ui->quit = 1;
		return;
	}
	if (r == PROMPT_CANCEL) {
		set_flash(ui, _(" %s cancelled: nothing sent"), ui->act ? ui->act->op : "action");
		action_end(ui);
		return;
	}
	action_answer(ui);
}

static void ask_quit(struct ui *ui)
{
	int64_t pending = cache_outbox_pending(ui->cache, NULL);
	if (pending <= 0) {
		ui->quit = 1;
		return;
	}
	char label[200];
	snprintf(label, sizeof label,
		 _("%lld action(s) not yet answered stay queued in the cache and go out next time. Quit now?"),
		 (long long)pending);
	prompt_confirm(&ui->prompt, label);
	ui->mode = MODE_QUIT;
	mark_dirty(ui);
}

static void focus_move(struct ui *ui, int dir)
{
	for (int k = 1; k <= UI_NPANES; k++) {
		int i = (ui->focus + dir * k + UI_NPANES * 2) % UI_NPANES;
		if (ui->panes[i].placed || ui->zoom) {
			ui->focus = i;
			return;
		}
	}
}

static void open_details(struct ui *ui, const struct view_sel *sel)
{
	struct details *d;
	if (details_open(&d, &ui->env, sel) < 0) {
		set_flash(ui, " out of memory");
		return;
	}
	details_close(ui->details);
	ui->details = d;
}

static void help_close(struct ui *ui)
{
	free(ui->help);
	ui->help = NULL;
}

static void help_emit(const char *line, int is_heading, void *arg)
{
	struct help *h = arg;
	if (h->n >= HELP_MAX_LINES)
		return;
	snprintf(h->lines[h->n], sizeof h->lines[0], "%s%s", is_heading ? " " : "", line);
	h->heading[h->n++] = (unsigned char)is_heading;
}

/* "?": the keys of the view in front, generated from the active keymap. */
static int help_open(struct ui *ui, char *msg, size_t n)
{
	enum cmd_ctx chain[4];
	enum cmd_ctx ctx = current_ctx(ui);
	if (ctx == CTX_HELP)
		return 0;
	int nc = current_chain(ui, chain, 4);
	struct help *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(msg, n, "out of memory");
		return -1;
	}
	const char *where = ui->o.wall ? _("the wall") : ctx == CTX_DETAILS ? _("the details screen")
									     : _(pane_classes[ui->focus]->title);
	snprintf(h->title, sizeof h->title, _(" Help: keys of %s  (keymap: %s) "), where, ui->km->sources);
	if (ui->o.wall) {
		help_emit(_("Wall mode: read-only. Operator actions do not exist here: no key, command or"), 1, h);
		help_emit(_("click reaches them. Only quit, redraw and help (q, Ctrl-L, ? by default) work."), 1, h);
	}
	if (ui->o.follower)
		help_emit(_("Read-only: another soctop writes this cache; actions are refused here."), 1, h);
	if (!ui->o.wall) /* the wall's three keys are all said above */
		keymap_help(ui->km, chain, nc, help_emit, h);
	help_close(ui);
	ui->help = h;
	return 0;
}

static void help_move(struct help *h, int key)
{
	int page = h->page > 0 ? h->page : 1;
	switch (key) {
	case KEY_DOWN:
		h->top++;
		break;
	case KEY_UP:
		h->top--;
		break;
	case KEY_NPAGE:
		h->top += page;
		break;
	case KEY_PPAGE:
		h->top -= page;
		break;
	case KEY_HOME:
		h->top = 0;
		break;
	case KEY_END:
		h->top = h->n;
		break;
	}
	if (h->top > h->n - page)
		h->top = h->n - page;
	if (h->top < 0)
		h->top = 0;
}

/* ---- the commands: every key runs one of these through the keymap ---- */

static int c_quit(const struct cmd_call *c, void *arg)
{
	(void)c;
	ask_quit(arg);
	return 0;
}

static int c_reconnect(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	ws_reconnect(ui->ws);
	snprintf(c->msg, c->msglen, "%s", _("reconnecting every backend that is not connected"));
	return 0;
}

static int c_redraw(const struct cmd_call *c, void *arg)
{
	(void)c;
	((struct ui *)arg)->full = 1;
	return 0;
}

static int c_help(const struct cmd_call *c, void *arg)
{
	return help_open(arg, c->msg, c->msglen);
}

static void command_open(struct ui *ui, const char *initial);

static int c_command(const struct cmd_call *c, void *arg)
{
	(void)c;
	command_open(arg, NULL);
	return 0;
}

static int c_focus_next(const struct cmd_call *c, void *arg)
{
	focus_move(arg, strcmp(c->name, "focus-prev") == 0 ? -1 : 1);
	return 0;
}

static int c_focus(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	for (int i = 0; i < UI_NPANES; i++)
		if (strcmp(c->args, pane_names[i]) == 0) {
			if (!ui->panes[i].placed && !ui->zoom) {
				/* hidden by the layout: zoomed, or the focus would not stay there */
				snprintf(c->msg, c->msglen, "focus: the %s pane is not in the layout: zoomed",
					 pane_names[i]);
				ui->zoom = 1;
			}
			ui->focus = i;
			help_close(ui);
			details_close(ui->details);
			ui->details = NULL;
			results_close(ui->results);
			ui->results = NULL;
			return 0;
		}
	snprintf(c->msg, c->msglen, "focus: give a pane: alerts, tickets, vendors, drills or advisories");
	return -1;
}

static int c_zoom(const struct cmd_call *c, void *arg)
{
	(void)c;
	struct ui *ui = arg;
	ui->zoom = !ui->zoom;
	return 0;
}

static int c_layout(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	int wide = COLS >= LAYOUT_WIDE_COLS;
	struct layout *l = wide ? &ui->layout_wide : &ui->layout;
	if (!c->args[0]) {
		snprintf(c->msg, c->msglen, "layout%s: %s", wide ? "_wide" : "", wide ? ui->layout_wide_spec : ui->layout_spec);
		return 0;
	}
	struct layout nl;
	char why[200];
	if (layout_parse(c->args, pane_names, UI_NPANES, &nl, why, sizeof why) < 0) {
		snprintf(c->msg, c->msglen, "layout: %s", why);
		return -1;
	}
	*l = nl;
	snprintf(wide ? ui->layout_wide_spec : ui->layout_spec, sizeof ui->layout_spec, "%s", c->args);
	ui->zoom = 0;
	return 0;
}

/* Filter pane i with expr ("" clears). 0, or -1 with msg saying why (the
 * pane keeps its filter). */
static int apply_filter(struct ui *ui, int i, const char *expr, char *msg, size_t n)
{
	struct view *v = &ui->panes[i].v;
	struct filter *f = malloc(sizeof *f);
	char err[300];
	if (!f) {
		snprintf(msg, n, "out of memory");
		return -1;
	}
	int rc = -1;
	if (!v->cls->set_filter)
		snprintf(msg, n, "filter: the %s pane cannot be filtered", pane_names[i]);
	else if (filter_parse(expr, ws_now_ms(), f, err, sizeof err) < 0)
		snprintf(msg, n, "filter: %s", err);
	else if (v->cls->set_filter(v, f) < 0)
		view_filter_refusal(v, msg, n);
	else {
		v->filter = *f;
		rc = 0;
	}
	free(f);
	return rc;
}

static void filter_open(struct ui *ui, const char *initial)
{
	prompt_line(&ui->prompt, "/", &ui->filter_hist, filter_complete, initial);
	ui->filter_pane = ui->focus;
	ui->mode = MODE_FILTER;
}

static int c_filter(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	if (!ui->panes[ui->focus].v.cls->set_filter) {
		snprintf(c->msg, c->msglen, "filter: the %s pane cannot be filtered", pane_names[ui->focus]);
		return -1;
	}
	if (!c->args[0]) {
		filter_open(ui, ui->panes[ui->focus].v.filter.text);
		return 0;
	}
	return apply_filter(ui, ui->focus, c->args, c->msg, c->msglen);
}

static int c_filter_clear(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	return apply_filter(ui, ui->focus, "", c->msg, c->msglen);
}

static int c_back(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	if (ui->help)
		help_close(ui);
	else if (ui->details) {
		details_close(ui->details);
		ui->details = NULL;
	} else if (ui->results) {
		results_close(ui->results);
		ui->results = NULL;
	} else if (filter_active(&ui->panes[ui->focus].v.filter))
		return apply_filter(ui, ui->focus, "", c->msg, c->msglen);
	else
		ui->zoom = 0;
	return 0;
}

static int c_open(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	if (ui->details) {
		struct view_sel jump;
		if (details_key(ui->details, KEY_ENTER, &jump) == 2)
			open_details(ui, &jump);
		return 0;
	}
	if (c->sel)
		open_details(ui, c->sel);
	return 0;
}

/* Movement and the panes' own commands, as the codes view.h names. */
static const struct {
	const char *name;
	int code;
} view_cmds[] = {
	{"down", VIEW_CMD_DOWN},	  {"up", VIEW_CMD_UP},		       {"page-down", VIEW_CMD_PAGE_DOWN},
	{"page-up", VIEW_CMD_PAGE_UP},	  {"top", VIEW_CMD_TOP},	       {"bottom", VIEW_CMD_BOTTOM},
	{"sort", VIEW_CMD_SORT},	  {"sort-reverse", VIEW_CMD_SORT_REVERSE}, {"drill-prev", VIEW_CMD_PREV_ITEM},
	{"drill-next", VIEW_CMD_NEXT_ITEM},
};

static int c_view(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	int code = 0;
	for (size_t i = 0; i < sizeof view_cmds / sizeof view_cmds[0]; i++)
		if (strcmp(view_cmds[i].name, c->name) == 0)
			code = view_cmds[i].code;
	if (code == VIEW_CMD_SORT && c->args[0]) { /* :sort COLUMN */
		int found = -1;
		char names[160] = "";
		for (int k = 0; k < ROWS_SORT_COUNT; k++) {
			if (strcmp(c->args, rows_ticket_sort_name(k)) == 0)
				found = k;
			size_t used = strlen(names);
			snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", rows_ticket_sort_name(k));
		}
		if (found < 0) {
			snprintf(c->msg, c->msglen, "sort: by %s", names);
			return -1;
		}
		code = VIEW_CMD_SORT_BY(found);
	}
	if (ui->help) {
		help_move(ui->help, code);
	} else if (ui->details) {
		struct view_sel jump;
		details_key(ui->details, code, &jump);
	} else if (ui->results) {
		results_key(ui->results, code);
	} else {
		struct pane *p = focused(ui);
		p->v.cls->key(&p->v, code);
	}
	return 0;
}

/* An operator action of tui/actions.h on the selected item. */
static int c_action(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	const struct act_spec *spec = actions_find_op(c->name);
	if (!spec)
		return -1;
	if (!c->sel || c->sel->stream != spec->stream) {
		snprintf(c->msg, c->msglen, "%s: select %s first", spec->op, proto_stream_name(spec->stream));
		return -1;
	}
	if (ui->o.follower) {
		snprintf(c->msg, c->msglen, "%s: read-only here; soctop pid %d writes this cache, act there", spec->op,
			 ui->o.writer_pid);
		return -1;
	}
	action_start(ui, spec, c->sel);
	return 0;
}

/* ---- offline review: :search, :since, :until, :export ---- */

static const enum proto_stream pane_streams[UI_NPANES] = {PROTO_ALERTS, PROTO_TICKETS, PROTO_VENDORS, PROTO_DRILLS,
							  PROTO_ADVISORIES};

/* A time as the / filter reads it ("2h", "2026-12-01", RFC 3339), through
 * its parser, so both say the same. 0, or -1 with msg filled. */
static int parse_when(const char *what, const char *arg, int64_t now, int64_t *out, char *msg, size_t n)
{
	char expr[FILTER_TEXT_MAX + 16], err[200];
	static struct filter f; /* large; one command at a time */
	snprintf(expr, sizeof expr, "%s:%s", what, arg);
	if (strchr(arg, ' ') || filter_parse(expr, now, &f, err, sizeof err) < 0 || f.np != 1 || f.p[0].is_text) {
		snprintf(msg, n, "%s: \"%s\" is not a time (2h, 3d, 2026-12-01, 2026-12-01T08:00)", what, arg);
		return -1;
	}
	*out = f.p[0].i;
	return 0;
}

static void describe_range(struct ui *ui, char *out, size_t n)
{
	char a[40] = "the start", b[40] = "now";
	if (ui->since_ms)
		fmt_time_full(ui->since_ms, a, sizeof a);
	if (ui->until_ms)
		fmt_time_full(ui->until_ms, b, sizeof b);
	snprintf(out, n, "%s to %s", a, b);
}

static int c_since(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	int until = strcmp(c->name, "until") == 0;
	int64_t t = 0;
	if (c->args[0] && parse_when(c->name, c->args, ws_now_ms(), &t, c->msg, c->msglen) < 0)
		return -1;
	*(until ? &ui->until_ms : &ui->since_ms) = t;
	char r[100];
	describe_range(ui, r, sizeof r);
	snprintf(c->msg, c->msglen, "time range of :search and :export: %s (a pane: / since:2h until:1h)", r);
	return 0;
}

static int c_search(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	enum proto_stream s = ui->results ? results_stream(ui->results) : pane_streams[ui->focus];
	if (!c->args[0]) {
		snprintf(c->msg, c->msglen, "search: give words to look for");
		return -1;
	}
	if (!search_stream_ok(s)) {
		snprintf(c->msg, c->msglen, "search: focus alerts, tickets or advisories first (%s have no text index)",
			 proto_stream_name(s));
		return -1;
	}
	struct search_range range = {ui->since_ms, ui->until_ms};
	struct results *r;
	char err[300];
	if (results_open(&r, &ui->env, s, c->args, &range, err, sizeof err) < 0) {
		snprintf(c->msg, c->msglen, "search: %s", err);
		return -1;
	}
	results_close(ui->results);
	ui->results = r;
	details_close(ui->details);
	ui->details = NULL;
	help_close(ui);
	int64_t behind = cache_index_behind(ui->cache);
	if (behind > 0)
		snprintf(c->msg, c->msglen, "%d hits; the index is %lld rows behind (it catches up in the background)",
			 results_count(r), (long long)behind);
	else
		snprintf(c->msg, c->msglen, "%d hit%s, best first (Enter: details, Esc: back, :export FILE)",
			 results_count(r), results_count(r) == 1 ? "" : "s");
	return 0;
}

static int c_export(const struct cmd_call *c, void *arg)
{
	struct ui *ui = arg;
	if (!c->args[0]) {
		snprintf(c->msg, c->msglen, "export: give a new file name (.csv for CSV, else JSON Lines)");
		return -1;
	}
	struct export_filter f = {.stream = pane_streams[ui->focus], .range = {ui->since_ms, ui->until_ms}};
	if (ui->results) { /* the search on screen is the view */
		f.stream = results_stream(ui->results);
		f.range = *results_range(ui->results);
		f.search = results_text(ui->results);
	}
	struct export_result res;
	char err[400];
	if (export_run(ui->env.db, &f, ui->o.export_ceiling, c->args, &res, err, sizeof err) < 0) {
		snprintf(c->msg, c->msglen, "%s", err);
		return -1;
	}
	export_describe(&f, ui->o.export_ceiling, c->args, &res, c->msg, c->msglen);
	log_info("%s", c->msg);
	return 0;
}

int ui_register_commands(struct ui *ui)
{
	const unsigned list = CMD_LIST_PANES, moves = CMD_LIST_PANES | CTX_BIT(CTX_DETAILS) | CTX_BIT(CTX_HELP);
	const struct cmd_spec builtin[] = {
		{"quit", NULL, N_("quit soctop (asks first while actions wait to be sent)"), 0, 0, c_quit, ui},
		{"reconnect", NULL, N_("reconnect every backend that is not connected"), 0, 0, c_reconnect, ui},
		{"redraw", NULL, N_("repaint the whole screen"), 0, 0, c_redraw, ui},
		{"help", NULL, N_("list the keys of the view in front (this screen)"), 0, 0, c_help, ui},
		{"command", NULL, N_("open the : command line (Tab completes, Up/Down history)"), 0, 0, c_command, ui},
		{"focus-next", NULL, N_("focus the next pane"), 0, 0, c_focus_next, ui},
		{"focus-prev", NULL, N_("focus the previous pane"), 0, 0, c_focus_next, ui},
		{"focus", "PANE", N_("focus a pane: alerts, tickets, vendors, drills, advisories"), 0, 0, c_focus, ui},
		{"zoom", NULL, N_("zoom the focused pane to the whole screen, or back"), 0, 0, c_zoom, ui},
		{"layout", "[SPEC]", N_("show or set the pane layout for this width (config.example.ini)"), 0, 0, c_layout, ui},
		{"back", NULL, N_("close help or details, else clear the pane's filter, else unzoom"), 0, 0, c_back, ui},
		{"filter", "[EXPR]", N_("filter the focused pane (no EXPR: edit the filter; see README, Filter)"), list, 0,
		 c_filter, ui},
		{"filter-clear", NULL, N_("show all the rows of the focused pane again"), list, 0, c_filter_clear, ui},
		{"open", NULL, N_("details of the selected row; on details, follow the link"), list | CTX_BIT(CTX_DETAILS), 0,
		 c_open, ui},
		{"down", NULL, N_("select the next row"), moves, 0, c_view, ui},
		{"up", NULL, N_("select the previous row"), moves, 0, c_view, ui},
		{"page-down", NULL, N_("a page down"), moves, 0, c_view, ui},
		{"page-up", NULL, N_("a page up"), moves, 0, c_view, ui},
		{"top", NULL, N_("the first (newest) row; alerts follow new ones again"), moves, 0, c_view, ui},
		{"bottom", NULL, N_("the last row"), moves, 0, c_view, ui},
		{"sort", "[COLUMN]", N_("the next sort order, or by COLUMN: due, severity, updated, opened, status, institution"),
		 CTX_BIT(CTX_TICKETS), 0, c_view, ui},
		{"sort-reverse", NULL, N_("reverse the sort order"), CTX_BIT(CTX_TICKETS), 0, c_view, ui},
		{"drill-prev", NULL, N_("the previous drill"), CTX_BIT(CTX_DRILLS), 0, c_view, ui},
		{"drill-next", NULL, N_("the next drill"), CTX_BIT(CTX_DRILLS), 0, c_view, ui},
	};
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (cmd_register_spec(&builtin[i]) < 0)
			return -1;
	const struct cmd_spec review[] = {
		{"search", "WORDS", "full-text search of the focused pane's stream, best first (word* for a word's start)",
		 0, 0, c_search, ui},
		{"since", "[WHEN]", "start the time range of :search and :export (2h, 3d, 2026-12-01; none: open)", 0, 0,
		 c_since, ui},
		{"until", "[WHEN]", "end the time range of :search and :export (none: now)", 0, 0, c_since, ui},
		{"export", "FILE",
		 "write the search on screen, or the focused pane's rows in the range, to a new FILE (.csv or JSON "
		 "Lines); never TLP:RED",
		 0, 0, c_export, ui},
	};
	for (size_t i = 0; i < sizeof review / sizeof review[0]; i++)
		if (cmd_register_spec(&review[i]) < 0)
			return -1;
	int n;
	const struct act_spec *acts = actions_all(&n);
	for (int i = 0; i < n; i++) {
		struct cmd_spec s = {acts[i].op, NULL, acts[i].what,
				     CTX_BIT(stream_ctx(acts[i].stream)) | CTX_BIT(CTX_DETAILS), CMD_OUTBOUND | CMD_ITEM,
				     c_action, ui};
		if (cmd_register_spec(&s) < 0)
			return -1;
	}
	return 0;
}

/* Run a command line in the view in front; its message (or failure) goes
 * to the message line. */
static void run_command(struct ui *ui, const char *line)
{
	char msg[300];
	struct view_sel sel;
	int have_sel = 0;
	if (ui->details) {
		sel = *details_item(ui->details);
		have_sel = 1;
	} else if (ui->results) {
		have_sel = results_selected(ui->results, &sel);
	} else {
		struct pane *p = focused(ui);
		memset(&sel, 0, sizeof sel);
		have_sel = p->v.cls->selected && p->v.cls->selected(&p->v, &sel);
	}
	struct cmd_call call = {
		.msg = msg,
		.msglen = sizeof msg,
		.ctx = current_ctx(ui),
		.pane = pane_names[ui->focus],
		.filter = &ui->panes[ui->focus].v.filter,
		.sel = have_sel ? &sel : NULL,
		.db = ui->env.db,
		.ui = ui,
	};
	int rc = cmd_run(line, &call);
	if (msg[0])
		set_flash(ui, " %s", msg);
	else if (rc < 0)
		set_flash(ui, " %s: failed", line);
	mark_dirty(ui);
}

static int complete_command(const char *line, char *out, size_t outlen, char *hint, size_t hintlen)
{
	return cmd_complete(line, out, outlen, hint, hintlen);
}

static void command_open(struct ui *ui, const char *initial)
{
	prompt_line(&ui->prompt, ":", &ui->cmd_hist, complete_command, initial);
	ui->mode = MODE_COMMAND;
}

/* The pane drawn at (y, x), or -1. */
static int pane_at(struct ui *ui, int y, int x)
{
	for (int i = 0; i < UI_NPANES; i++) {
		const struct pane *p = &ui->panes[i];
		if (p->placed && y >= p->r.y && y < p->r.y + p->r.h && x >= p->r.x && x < p->r.x + p->r.w)
			return i;
	}
	return -1;
}

/* Click: focus the pane under the pointer and select the row clicked;
 * the wheel scrolls what is under it (help and details scroll as a
 * whole). Mouse reports come only when [ui] mouse is on. */
static void handle_mouse(struct ui *ui)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	mark_dirty(ui);
	int wheel = (ev.bstate & BUTTON4_PRESSED) ? -1 : (ev.bstate & BUTTON5_PRESSED) ? 1 : 0;
	int click = (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED)) != 0;
	if (ui->help || ui->details) {
		struct view_sel jump;
		for (int k = 0; wheel && k < 3; k++) {
			if (ui->help)
				help_move(ui->help, wheel < 0 ? KEY_UP : KEY_DOWN);
			else
				details_key(ui->details, wheel < 0 ? KEY_UP : KEY_DOWN, &jump);
		}
		return;
	}
	int i = pane_at(ui, ev.y, ev.x);
	if (i < 0 || (!wheel && !click))
		return;
	ui->focus = i;
	struct pane *p = &ui->panes[i];
	if (wheel) {
		for (int k = 0; k < 3; k++)
			p->v.cls->key(&p->v, wheel < 0 ? VIEW_CMD_UP : VIEW_CMD_DOWN);
		return;
	}
	int line = ev.y - p->r.y - 2; /* under the title bar and the headings */
	if (line >= 0 && p->v.cls->click)
		p->v.cls->click(&p->v, line);
}

/* The wall is read-only and nobody works at it: outbound commands are
 * absent (cmd_set_readonly), and of the rest only quitting, repainting and
 * help (with its scrolling) do anything. No prompt, no pane, no reconnect. */
static int wall_allows(const struct ui *ui, const char *line)
{
	static const char *const always[] = {"quit", "redraw", "help", "back"};
	static const char *const in_help[] = {"down", "up", "page-down", "page-up", "top", "bottom"};
	size_t n = strcspn(line, " ");
	for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
		if (strlen(always[i]) == n && strncmp(line, always[i], n) == 0)
			return 1;
	for (size_t i = 0; ui->help && i < sizeof in_help / sizeof in_help[0]; i++)
		if (strlen(in_help[i]) == n && strncmp(line, in_help[i], n) == 0)
			return 1;
	return 0;
}

static void handle_key(struct ui *ui, wint_t ch, int is_key)
{
	if (is_key && ch == KEY_RESIZE) {
		/* ncurses has resized already: calling resizeterm() again would
		 * queue another KEY_RESIZE, for ever. */
		ui->full = 1;
		mark_dirty(ui);
		return;
	}
	if (is_key && ch == KEY_MOUSE) {
		if (ui->mode == MODE_NORMAL)
			handle_mouse(ui);
		else
			(void)getmouse(&(MEVENT){0}); /* a prompt is open: the mouse waits */
		return;
	}
	if (ui->mode != MODE_NORMAL) {
		prompt_input(ui, ch, is_key);
		return;
	}
	mark_dirty(ui);
	enum cmd_ctx chain[4];
	int nc = current_chain(ui, chain, 4);
	const char *line = keymap_lookup(ui->km, chain, nc, keymap_code((unsigned)ch, is_key));
	if (line && (!ui->o.wall || wall_allows(ui, line)))
		run_command(ui, line);
}

static int on_input(void *arg)
{
	struct ui *ui = arg;
	wint_t ch;
	int got = 0, rc;
	while ((rc = get_wch(&ch)) != ERR) {
		got = 1;
		handle_key(ui, ch, rc == KEY_CODE_YES);
		if (ui->quit)
			break;
	}
	if (got) {
		ui->empty_reads = 0;
	} else {
		/* Readable but no key: either ncurses holds the first bytes of a
		 * character or sequence split across reads (CJK input over ssh),
		 * or the terminal is gone. Only a hangup or error says gone; a
		 * long run of empty wake-ups (end of file) says so too. */
		struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
		int hup = poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
		if (hup || ++ui->empty_reads > 50) {
			log_warn("terminal lost (end of input): exiting");
			ui->quit = 1;
			ui->status = 1;
			return -1;
		}
	}
	maybe_draw(ui);
	return 0;
}

static int on_signal(void *arg)
{
	struct ui *ui = arg;
	struct signalfd_siginfo si;
	while (read(ui->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGWINCH:
			handle_resize(ui);
			break;
		case SIGHUP:
			log_warn("SIGHUP: terminal lost, exiting");
			ui->quit = 1;
			ui->status = 1;
			break;
		default:
			log_info("signal %u: exiting", si.ssi_signo);
			ui->quit = 1;
			break;
		}
	}
	return 0;
}

static int pick_ascii(int setting)
{
	if (setting >= 0)
		return setting;
	const char *cs = nl_langinfo(CODESET);
	if (!cs || strcmp(cs, "UTF-8") != 0)
		return 1;
	const char *term = getenv("TERM");
	if (term && (strcmp(term, "linux") == 0 || strncmp(term, "vt1", 3) == 0 || strncmp(term, "vt2", 3) == 0))
		return 1;
	return 0;
}

/* The keymap: a preset or file, then the user's keymap over it. Bad lines
 * are logged and the first shown; they never stop soctop. */
static int load_keymaps(struct ui *ui, const struct ui_opts *o)
{
	struct keymap *km = calloc(1, sizeof *km);
	if (!km)
		return -1;
	keymap_init(km);
	ui->km = km;
	const char *base = o->keymap && o->keymap[0] ? o->keymap : "default";
	const char *text = keymap_preset(base);
	if (text) {
		char name[64];
		snprintf(name, sizeof name, "%.40s.keys", base);
		keymap_load_text(km, name, text);
	} else if (keymap_load_file(km, base) < 0 || km->n == 0) {
		/* never without keys: also when the file bound nothing (the wrong file) */
		keymap_load_text(km, "default.keys", keymap_preset("default"));
	}
	char path[PATH_MAX];
	const char *user = o->keys_file && o->keys_file[0] ? o->keys_file : NULL;
	if (!user && keymap_user_path(path, sizeof path)[0] && access(path, F_OK) == 0)
		user = path;
	if (user)
		keymap_load_file(km, user);
	for (int i = 0; i < km->nerrors && i < KEYMAP_MAX_ERRORS; i++)
		log_warn("keymap: %s", km->errors[i]);
	if (km->nerrors > KEYMAP_MAX_ERRORS)
		log_warn("keymap: %d more problems not listed", km->nerrors - KEYMAP_MAX_ERRORS);
	if (km->nerrors) {
		set_flash(ui, " keymap: %s%s", km->errors[0],
			  km->nerrors > 1 ? " (and more: see the log)" : " (the other lines loaded)");
		ui->flash_for_ms = 20000;
	}
	log_info("keymap: %s, %d bindings", km->sources, km->n);
	return 0;
}

int ui_open(struct ui **out, struct ws *ws, struct cache *cache, const struct ui_opts *o, char *err, size_t errlen)
{
	struct ui *ui = calloc(1, sizeof *ui);
	if (!ui) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ui->ws = ws;
	ui->cache = cache;
	ui->o = *o;
	/* Nobody works at the wall: no click may reach anything there. */
	if (o->wall)
		ui->o.mouse = 0;
	ui->sigfd = -1;
	ui->min_frame_ms = 1000 / (o->refresh_hz > 0 ? o->refresh_hz : 20);
	/* The wall reads the cache once a second: more frames show nothing new. */
	if (o->wall && ui->min_frame_ms < UI_WALL_FRAME_MS)
		ui->min_frame_ms = UI_WALL_FRAME_MS;
	if (o->low_bandwidth)
		ui->min_frame_ms = UI_LOW_BANDWIDTH_FRAME_MS;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "soctop needs a terminal on stdin and stdout");
		free(ui);
		return -1;
	}

	/* Signals arrive through a signalfd in the loop, not as interrupts. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, &ui->oldmask);
	ui->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);

	ui->scr = newterm(NULL, stdout, stdin);
	if (!ui->scr) {
		const char *term = getenv("TERM");
		snprintf(err, errlen, "cannot use terminal type '%s' (set TERM to one terminfo knows, e.g. xterm or vt100)",
			 term ? term : "(unset)");
		sigprocmask(SIG_SETMASK, &ui->oldmask, NULL);
		if (ui->sigfd >= 0)
			close(ui->sigfd);
		free(ui);
		return -1;
	}
	set_term(ui->scr);
	capture_restore(ui->o.mouse); /* a crash must turn mouse reporting off too */
	signal(SIGSEGV, fatal_signal);
	signal(SIGBUS, fatal_signal);
	signal(SIGFPE, fatal_signal);
	signal(SIGILL, fatal_signal);
	signal(SIGABRT, fatal_signal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	leaveok(stdscr, TRUE);
	draw_init(pick_ascii(o->ascii), o->theme, o->colors);
	if (ui->o.mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0); /* a press is a click: no waiting for the release */
	}

	ui->env.db = cache_db(cache);
	ui->env.now_ms = ws_now_ms();
	ui->env.backends = ui->backends;
	ui->env.tlp_ceiling = o->tlp_ceiling;
	ui->env.rotate_s = o->rotate_s;
	if (o->wall) {
		ui->wall.cls = &view_wall;
		ui->wall.env = &ui->env;
		if (view_wall.init(&ui->wall) < 0) {
			snprintf(err, errlen, "wall: %s", sqlite3_errmsg(cache_db(cache)));
			ui_close(ui);
			return -1;
		}
	}
	if (sqlite3_prepare_v3(ui->env.db, "SELECT max(updated) FROM cursors", -1, SQLITE_PREPARE_PERSISTENT,
			       &ui->q_last_update, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "reading the cursors: %s", sqlite3_errmsg(ui->env.db));
		ui_close(ui);
		return -1;
	}
	for (int i = 0; i < UI_NPANES; i++) {
		ui->panes[i].v.cls = pane_classes[i];
		ui->panes[i].v.env = &ui->env;
		if (pane_classes[i]->init(&ui->panes[i].v) < 0) {
			snprintf(err, errlen, "%s pane: %s", pane_names[i], sqlite3_errmsg(cache_db(cache)));
			ui_close(ui);
			return -1;
		}
	}
	ui->focus = 0;
	if (sqlite3_prepare_v3(ui->env.db,
			       "SELECT op, target, state, coalesce(result_code, ''), coalesce(result_message, ''), created "
			       "FROM outbox ORDER BY id DESC LIMIT 1",
			       -1, SQLITE_PREPARE_PERSISTENT, &ui->q_latest_action, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "reading the outbox: %s", sqlite3_errmsg(ui->env.db));
		ui_close(ui);
		return -1;
	}
	snprintf(ui->layout_spec, sizeof ui->layout_spec, "%s", o->layout ? o->layout : LAYOUT_DEFAULT);
	snprintf(ui->layout_wide_spec, sizeof ui->layout_wide_spec, "%s", o->layout_wide ? o->layout_wide : LAYOUT_DEFAULT_WIDE);
	/* other modules' commands, registered before, stay */
	if (ui_register_commands(ui) < 0 || load_keymaps(ui, o) < 0) {
		snprintf(err, errlen, "out of memory");
		ui_close(ui);
		return -1;
	}
	if (o->alert_bell) {
		sqlite3_stmt *st;
		/* alerts is a view over the file and the TLP:RED memory tier
		 * (client/cache.h): no rowid; rx numbers every write, and its
		 * stamp is the newest one. Those cached already do not ring. */
		if (sqlite3_prepare_v2(ui->env.db, "SELECT rx FROM alerts_rx", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			ui->crit_seen = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (sqlite3_prepare_v3(ui->env.db,
				       "SELECT rx, id FROM alerts WHERE severity = 4 AND status = 'new' AND time > ?1 "
				       "ORDER BY rx DESC LIMIT 1",
				       -1, SQLITE_PREPARE_PERSISTENT, &ui->q_crit, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "reading the alerts: %s", sqlite3_errmsg(ui->env.db));
			ui_close(ui);
			return -1;
		}
	}
	/* The wall: operator actions do not exist (no key, command or help line). */
	cmd_set_readonly(o->wall);
	if (layout_parse(o->layout ? o->layout : LAYOUT_DEFAULT, pane_names, UI_NPANES, &ui->layout, err, errlen) < 0 ||
	    layout_parse(o->layout_wide ? o->layout_wide : LAYOUT_DEFAULT_WIDE, pane_names, UI_NPANES, &ui->layout_wide,
			 err, errlen) < 0) {
		ui_close(ui);
		return -1;
	}

	int in = dup(STDIN_FILENO);
	if (in < 0 || ws_watch_fd(ws, in, on_input, ui) < 0 || ui->sigfd < 0 ||
	    ws_watch_fd(ws, ui->sigfd, on_signal, ui) < 0) {
		snprintf(err, errlen, "cannot watch the terminal and signals: %s", strerror(errno));
		ui_close(ui);
		return -1;
	}
	ui->sigfd_by_lws = 1; /* lws closes it now */
	*out = ui;
	return 0;
}

int ui_run(struct ui *ui)
{
	ui->full = 1;
	mark_dirty(ui);
	ui->window_start_ms = mono_ms();
	clock_timer(ui);
	int64_t started = mono_ms();
	maybe_draw(ui);
	while (!ui->quit) {
		if (ws_loop_run_once(ui->ws) < 0) {
			log_error("event loop failed");
			ui->status = 1;
			break;
		}
		if (ws_take_changes(ui->ws)) {
			mark_dirty(ui);
			check_bell(ui);
		}
		maybe_draw(ui);
	}
	log_info("frames drawn %llu in %.1f s, at most %d in one second (cap %d)", (unsigned long long)ui->frames,
		 (double)(mono_ms() - started) / 1000.0, ui->max_fps, 1000 / ui->min_frame_ms);
	if (ui->o.alert_bell)
		log_info("alert bells rung: %llu", (unsigned long long)ui->bells);
	return ui->status;
}

void ui_close(struct ui *ui)
{
	if (!ui)
		return;
	for (int i = 0; i < UI_NPANES; i++)
		if (ui->panes[i].v.cls && ui->panes[i].v.cls->fini)
			ui->panes[i].v.cls->fini(&ui->panes[i].v);
	if (ui->wall.cls && ui->wall.cls->fini)
		ui->wall.cls->fini(&ui->wall);
	details_close(ui->details);
	results_close(ui->results);
	help_close(ui);
	free(ui->km);
	cmd_clear();
	sqlite3_finalize(ui->q_latest_action);
	sqlite3_finalize(ui->q_crit);
	sqlite3_finalize(ui->q_last_update);
	json_decref(ui->act_args);
	if (ui->scr) {
		mousemask(0, NULL); /* the terminal's mouse reporting off again */
		curs_set(1);
		endwin();
		delscreen(ui->scr);
		ui->scr = NULL;
	}
	restore_len = 0;
	if (ui->sigfd >= 0 && !ui->sigfd_by_lws)
		close(ui->sigfd);
	sigprocmask(SIG_SETMASK, &ui->oldmask, NULL);
	free(ui);
}
