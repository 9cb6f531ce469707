/* client/config.h - soctop's configuration: an INI file read with inih.
 *
 * Search order: --config FILE, $XDG_CONFIG_HOME/soctop/config.ini,
 * ~/.config/soctop/config.ini; with none found, built-in defaults (no
 * backends). Every key is documented in config.example.ini. A bad file is
 * reported as "FILE:LINE: [section] key: what is wrong". */
#ifndef SOCTOP_CONFIG_H
#define SOCTOP_CONFIG_H

#include <limits.h>
#include <stddef.h>

#define CONFIG_MAX_BACKENDS 16
#define CONFIG_NAME_MAX 63

struct backend_conf {
	char name[CONFIG_NAME_MAX + 1]; /* from the section name [backend NAME] */
	char url[1024];                 /* ws:// or wss:// */
	char token_file[PATH_MAX];      /* one of token_file / token_env */
	char token_env[128];
	char ca_file[PATH_MAX];         /* wss: CA bundle; empty = system CAs */
	unsigned streams;               /* informational: bitmask of streams expected; 0 = any */
	int enabled;
	int tls_insecure;               /* tls_insecure_skip_verify = yes: no certificate checks (loudly logged) */
};

struct config {
	char path[PATH_MAX]; /* the file read; empty when defaults */
	struct backend_conf backends[CONFIG_MAX_BACKENDS];
	int nbackends;
	char cache_path[PATH_MAX]; /* [cache] path; default $XDG_STATE_HOME/soctop/cache.db */
	char log_file[PATH_MAX];   /* [log] file; default $XDG_STATE_HOME/soctop/soctop.log */
	int log_level;             /* [log] level: 0 error, 1 warn, 2 info, 3 debug; default 2 */
	int refresh_hz;            /* [ui] refresh_hz, 1..60, default 20: redraw cap */
	int ascii;                 /* [ui] ascii = auto|yes|no: -1 auto (default), 0, 1 */
	char layout[200];          /* [ui] layout: panes below 160 columns (tui/layout.h) */
	char layout_wide[200];     /* [ui] layout_wide: from 160 columns */
	int store_red;             /* [cache] store_red = yes: TLP:RED rows on disk too; default no */
	int retain_days;           /* [cache] retain_days, 1..36500, default 90: --purge drops older */
	int export_ceiling;        /* [cache] export_ceiling: highest TLP exported, default AMBER; never RED */
	int wall;                  /* [ui] mode = wall (or --wall) */
	int wall_tlp_ceiling;      /* [ui] wall_tlp_ceiling: highest TLP drawn on the wall, default GREEN */
	int wall_rotate_s;         /* [ui] wall_rotate: seconds per wall layout, 0 = no rotation (default) */
	char keymap[PATH_MAX];     /* [ui] keymap: a preset (default, vi, emacs) or a file; default "default" */
	char keys_file[PATH_MAX];  /* [ui] keys: the user keymap; "" = $XDG_CONFIG_HOME/soctop/keys */
	int theme;                 /* [ui] theme: enum draw_theme; default, light, high-contrast */
	int colors;                /* [ui] colors: -1 auto, else the enum draw_colors cap */
	int mouse;                 /* [ui] mouse: yes (default) or no */
	int low_bandwidth;         /* [ui] low_bandwidth: no (default); also --low-bandwidth */
	int alert_bell;            /* [ui] alert_bell: 0 off, 1 bell (default), 2 flash; on a new critical alert */
	int alert_bell_interval;   /* [ui] alert_bell_interval: seconds between two, default 30 */
	char timezone[64];         /* [ui] timezone: "" local (default), or a tz name ("Asia/Taipei") */
	char language[8];          /* [ui] language: auto (the locale, default), en, zh_TW */
};

/* Fill cfg with defaults (paths resolved from XDG variables and HOME). */
void config_defaults(struct config *cfg);

/* Load: path is --config's value or NULL to search. Returns 0 loaded,
 * 1 nothing found (defaults kept), -1 error with err filled (the caller
 * exits 2). An explicit path that does not exist is an error. */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);

/* Read a backend's token from its token_file (refused when the file is
 * readable or writable by group or others, or not a regular file) or its
 * token_env. Trailing whitespace is trimmed; an empty token is an error.
 * Returns 0 or -1 with err filled. The token is never logged. */
int config_read_token(const struct backend_conf *b, char *tok, size_t toksz, char *err, size_t errlen);

#endif
