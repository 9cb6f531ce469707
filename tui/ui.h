/* tui/ui.h - the terminal: ncurses setup and restore, signals, input, the
 * frame (panes, message line, status bar) and the main loop that drives it.
 * The loop is the websocket layer's poll loop (client/ws.h): the terminal,
 * signals and redraw timers are watched there, so nothing polls. */
#ifndef SOCTOP_UI_H
#define SOCTOP_UI_H

#include "client/cache.h"
#include "client/ws.h"

struct ui_opts {
	int refresh_hz;          /* redraw cap, frames per second */
	int ascii;               /* -1 auto, 0 Unicode, 1 ASCII */
	int offline;             /* no network: cache only */
	const char *cache_path;  /* shown in the status bar */
	const char *layout;      /* tui/layout.h spec; NULL = default */
	const char *layout_wide;
	/* The wall (views/wall.c): read-only, no actions exist; items above
	 * tlp_ceiling are never drawn; layouts rotate every rotate_s (0 off). */
	int wall;
	int tlp_ceiling;
	int rotate_s;
	/* Another soctop (this pid, 0 unknown) writes the cache: read only,
	 * the views follow the file, actions are refused. */
	int follower;
	int writer_pid;
	int export_ceiling; /* :export writes nothing above this TLP (never RED) */
	const char *keymap;      /* preset name or keymap file; NULL = "default" */
	const char *keys_file;   /* the user keymap; NULL = $XDG_CONFIG_HOME/soctop/keys if it exists */
	int theme;               /* enum draw_theme */
	int colors;              /* -1 auto, else the enum draw_colors cap */
	int mouse;               /* click and wheel */
	int low_bandwidth;       /* at most 1 frame a second, the clock by the minute */
	int alert_bell;          /* new critical alert: 0 off, 1 bell, 2 flash */
	int alert_bell_interval; /* seconds, at least, between two */
	int show_zone;           /* a time zone was configured: the clock names it */
};

struct ui;

/* Take over the terminal. 0, or -1 with err filled (terminal untouched). */
int ui_open(struct ui **out, struct ws *ws, struct cache *cache, const struct ui_opts *o, char *err, size_t errlen);
/* Run until quit. Returns the exit status (0 quit, 1 terminal lost). */
int ui_run(struct ui *ui);
/* Register soctop's own commands (tui/command.h) for ui: ui_open does it;
 * tests call it with NULL to check keymaps against the real commands
 * (which must then not be run). 0 or -1. */
int ui_register_commands(struct ui *ui);
/* Restore the terminal exactly and free. Safe to call twice. */
void ui_close(struct ui *ui);

#endif
