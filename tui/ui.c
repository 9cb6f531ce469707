/* tui/ui.c - see ui.h. */
#include "tui/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <term.h>
#include <time.h>
#include <unistd.h>

#include "client/log.h"
#include "tui/draw.h"
#include "tui/text.h"
#include "views/fmt.h"
#include "views/view.h"

enum { TIMER_FRAME, TIMER_CLOCK };

struct ui {
	struct ws *ws;
	struct cache *cache;
	struct ui_opts o;
	SCREEN *scr;
	int sigfd;
	sigset_t oldmask;
	int quit;
	int status; /* exit status */
	int dirty;
	int full; /* clear and repaint everything */
	int frame_timer_armed;
	int64_t last_frame_ms;
	int min_frame_ms;
	/* redraw accounting, reported in the log at exit */
	uint64_t frames;
	int64_t window_start_ms;
	int window_frames;
	int max_fps;

	struct view_env env;
	struct view alerts;
	struct view *focus;
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

static void capture_restore(void)
{
	const char *caps[] = {"sgr0", "cnorm", "rmcup"};
	restore_len = 0;
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		char *s = tigetstr(caps[i]);
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

	if (ui->o.offline || ws_count(ui->ws) == 0) {
		x += draw_label(y, x, w - x, st | A_BOLD, ui->o.offline ? " OFFLINE (cache only) " : " no backends configured ");
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
		snprintf(part, sizeof part, " %s %s %s", bi.name, mark, ws_state_name(bi.state));
		x += draw_label(y, x, w - x, draw_mono_or(role, st), part);
		snprintf(part, sizeof part, " %s │", age);
		if (draw_ascii())
			snprintf(part, sizeof part, " %s |", age);
		x += draw_label(y, x, w - x, st, part);
	}
	/* Right side: cache file and clock. */
	char clock[16];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	int cw = (int)strlen(clock) + 2;
	int room = w - x - cw;
	if (room > 12) {
		snprintf(buf, sizeof buf, " cache %s", ui->o.cache_path ? ui->o.cache_path : "");
		int pw = text_width(buf);
		if (pw > room) {
			/* Keep the file name end of the path: that is the telling part. */
			const char *p = ui->o.cache_path ? ui->o.cache_path : "";
			size_t len = strlen(p);
			size_t keep = (size_t)(room > 10 ? room - 9 : 1);
			snprintf(buf, sizeof buf, " cache ~%s", len > keep ? p + len - keep : p);
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
	const struct feed *worst = NULL;
	const char *name = NULL;
	uint64_t invalid = 0, gaps = 0;
	for (int i = 0; i < ws_count(ui->ws); i++) {
		struct ws_backend_info bi;
		ws_backend_get(ui->ws, i, &bi);
		invalid += bi.feed->st.invalid;
		gaps += bi.feed->st.gaps;
		if (bi.detail && bi.detail[0] && (bi.state != WS_LIVE || now - bi.feed->problem_ms < 60000)) {
			if (!worst || bi.feed->problem_ms > worst->problem_ms) {
				worst = bi.feed;
				name = bi.name;
				snprintf(buf, sizeof buf, "%s", bi.detail);
			}
		}
	}
	draw_fill(y, 0, w, draw_attr(ROLE_NORMAL));
	char counters[96];
	snprintf(counters, sizeof counters, "invalid %llu  gaps %llu ", (unsigned long long)invalid,
		 (unsigned long long)gaps);
	int cw = (int)strlen(counters);
	if (worst && name) {
		char line[700];
		fmt_age(now - worst->problem_ms, age, sizeof age);
		snprintf(line, sizeof line, " %s: %s (%s ago)", name, buf, age);
		draw_text(y, 0, w - cw > 0 ? w - cw : w, draw_attr(ROLE_WARN), line);
	}
	if (w > cw + 20)
		draw_text(y, w - cw, cw, draw_attr(invalid || gaps ? ROLE_WARN : ROLE_DIM), counters);
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
	if (h < 5 || w < 20) {
		erase();
		draw_text(0, 0, w, draw_attr(ROLE_WARN), "soctop: terminal too small");
	} else {
		attr_t hattr = draw_attr(ROLE_TITLE);
		draw_fill(0, 0, w, hattr);
		draw_text(0, 0, w, hattr | A_BOLD, " soctop  F-SOC / F-CERT");
		const char *help = "q quit  r reconnect  ^L redraw ";
		int hw = (int)strlen(help);
		if (w > hw + 26)
			draw_text(0, w - hw, hw, hattr, help);
		struct rect r = {1, 0, h - 3, w};
		ui->alerts.cls->draw(&ui->alerts, &r, ui->focus == &ui->alerts);
		draw_messages(ui, h - 2, w);
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

static void clock_timer(void *arg)
{
	struct ui *ui = arg;
	mark_dirty(ui);
	int64_t now = ws_now_ms();
	ws_timer(ui->ws, TIMER_CLOCK, 1000 - now % 1000 + 5, clock_timer, ui);
}

static void handle_resize(struct ui *ui)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui->full = 1;
	mark_dirty(ui);
}

static void handle_key(struct ui *ui, wint_t ch, int is_key)
{
	if (is_key && ch == KEY_RESIZE) {
		handle_resize(ui);
		return;
	}
	if (!is_key && (ch == 'q' || ch == 'Q')) {
		ui->quit = 1;
		return;
	}
	if (!is_key && ch == 12) { /* Ctrl-L */
		ui->full = 1;
		mark_dirty(ui);
		return;
	}
	if (!is_key && ch == 'r') {
		ws_reconnect(ui->ws);
		mark_dirty(ui);
		return;
	}
	int key = (int)ch;
	if (ui->focus && ui->focus->cls->key(ui->focus, key))
		mark_dirty(ui);
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
	if (!got) {
		/* Readable but nothing to read: the terminal is gone (EOF/EIO). */
		int avail = 0;
		if (ioctl(STDIN_FILENO, FIONREAD, &avail) < 0 || avail == 0) {
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
	ui->sigfd = -1;
	ui->min_frame_ms = 1000 / (o->refresh_hz > 0 ? o->refresh_hz : 20);
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
	capture_restore();
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
	draw_init(pick_ascii(o->ascii));

	ui->env.db = cache_db(cache);
	ui->env.now_ms = ws_now_ms();
	ui->alerts.cls = &view_alerts;
	ui->alerts.env = &ui->env;
	if (ui->alerts.cls->init(&ui->alerts) < 0) {
		snprintf(err, errlen, "alerts view: %s", sqlite3_errmsg(cache_db(cache)));
		ui_close(ui);
		return -1;
	}
	ui->focus = &ui->alerts;

	int in = dup(STDIN_FILENO);
	if (in < 0 || ws_watch_fd(ws, in, on_input, ui) < 0 || ui->sigfd < 0 ||
	    ws_watch_fd(ws, ui->sigfd, on_signal, ui) < 0) {
		snprintf(err, errlen, "cannot watch the terminal and signals: %s", strerror(errno));
		ui_close(ui);
		return -1;
	}
	ui->sigfd = -1; /* lws owns and closes it now */
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
		if (ws_take_changes(ui->ws))
			mark_dirty(ui);
		maybe_draw(ui);
	}
	log_info("frames drawn %llu in %.1f s, at most %d in one second (cap %d)", (unsigned long long)ui->frames,
		 (double)(mono_ms() - started) / 1000.0, ui->max_fps, 1000 / ui->min_frame_ms);
	return ui->status;
}

void ui_close(struct ui *ui)
{
	if (!ui)
		return;
	if (ui->alerts.cls && ui->alerts.cls->fini)
		ui->alerts.cls->fini(&ui->alerts);
	if (ui->scr) {
		curs_set(1);
		endwin();
		delscreen(ui->scr);
		ui->scr = NULL;
	}
	restore_len = 0;
	if (ui->sigfd >= 0)
		close(ui->sigfd);
	sigprocmask(SIG_SETMASK, &ui->oldmask, NULL);
	free(ui);
}
