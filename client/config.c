/* client/config.c - read soctop's INI configuration with inih.
 *
 * inih is driven through ini_parse_stream() with our own line reader: the
 * reader counts physical lines (Debian's inih has no INI_HANDLER_LINENO),
 * sees each [section] header first so a section with no keys is still
 * checked and missing keys are reported at their header, strips leading
 * whitespace (inih would otherwise glue an indented line onto the previous
 * value) and refuses lines longer than inih's fixed buffer instead of letting
 * it split them. Everything the file says is validated before it is kept. */
#include "client/config.h"
#include "client/proto.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "client/proto.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"

#define TOKEN_FILE_MAX 4096

enum section { SEC_NONE, SEC_CACHE, SEC_LOG, SEC_UI, SEC_BACKEND };

/* Keys of [cache], [log] and [ui], and of each [backend NAME]. */
enum {
	G_CACHE_PATH,
	G_LOG_FILE,
	G_LOG_LEVEL,
	G_UI_HZ,
	G_UI_ASCII,
	G_UI_LAYOUT,
	G_UI_LAYOUT_WIDE,
	G_CACHE_STORE_RED,
	G_CACHE_RETAIN,
	G_CACHE_EXPORT_CEIL,
	G_UI_MODE,
	G_UI_WALL_TLP,
	G_UI_WALL_ROTATE,
	G_UI_KEYMAP,
	G_UI_KEYS,
	G_UI_THEME,
	G_UI_COLORS,
	G_UI_MOUSE,
	G_UI_LOW_BW,
	G_UI_BELL,
	G_UI_BELL_INTERVAL,
	G_UI_TZ,
	G_UI_LANG,
	G_NKEYS
};
enum { B_URL, B_TOKEN_FILE, B_TOKEN_ENV, B_CA_FILE, B_STREAMS, B_ENABLED, B_INSECURE, B_NKEYS };

static const struct {
	const char *name;
	enum proto_stream stream;
} stream_names[] = {
	{ "alerts", PROTO_ALERTS },   { "advisories", PROTO_ADVISORIES }, { "tickets", PROTO_TICKETS },
	{ "vendors", PROTO_VENDORS }, { "drills", PROTO_DRILLS },
};

struct parse {
	struct config *cfg;
	FILE *fp;
	int line;     /* the physical line the reader handed to inih last */
	int err;      /* msg holds the first error */
	int err_line; /* 0: about the whole file */
	char msg[768];
	enum section sec;
	char secname[96];            /* for messages, printable */
	struct backend_conf *be;     /* the current [backend NAME] */
	int gline[G_NKEYS];          /* line where each global key was set */
	struct {
		int line;            /* of the [backend NAME] header */
		int kline[B_NKEYS];
	} bmeta[CONFIG_MAX_BACKENDS];
};

/* Copy s for an error message: printable ASCII only, bounded. */
static void show(const char *s, char *buf, size_t sz)
{
	size_t i = 0;
	for (; *s && i + 1 < sz; s++)
		buf[i++] = (*s >= 0x20 && *s < 0x7F) ? *s : '?';
	if (*s && sz > 4) {
		memcpy(buf + sz - 4, "...", 3);
		i = sz - 1;
	}
	buf[i] = '\0';
}

__attribute__((format(printf, 3, 4))) static void perr(struct parse *st, int line, const char *fmt, ...)
{
	if (st->err)
		return;
	st->err = 1;
	st->err_line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof st->msg, fmt, ap);
	va_end(ap);
}

/* An error about key in the current section, on the current line. */
__attribute__((format(printf, 3, 4))) static void kerr(struct parse *st, const char *key, const char *fmt, ...)
{
	if (st->err)
		return;
	char k[48];
	show(key, k, sizeof k);
	int n = snprintf(st->msg, sizeof st->msg, "[%s] %s: ", st->secname, k);
	if (n < 0 || (size_t)n >= sizeof st->msg)
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->msg + n, sizeof st->msg - (size_t)n, fmt, ap);
	va_end(ap);
	st->err = 1;
	st->err_line = st->line;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* $HOME, else the password database; 0 or -1 when there is no home. */
static int home_dir(char *buf, size_t sz)
{
	const char *h = getenv("HOME");
	if (h && *h) {
		int n = snprintf(buf, sz, "%s", h);
		return n < 0 || (size_t)n >= sz ? -1 : 0;
	}
	struct passwd pw, *res = NULL;
	char tmp[4096];
	if (getpwuid_r(getuid(), &pw, tmp, sizeof tmp, &res) != 0 || !res || !res->pw_dir || !*res->pw_dir)
		return -1;
	int n = snprintf(buf, sz, "%s", res->pw_dir);
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

/* $XDG_<var>/soctop/<file>, or ~/<fallback>/soctop/<file>. XDG variables
 * that are empty or relative are ignored, as the XDG spec asks. */
static int xdg_path(const char *var, const char *fallback, const char *file, char *dst, size_t sz)
{
	const char *x = getenv(var);
	int n;
	if (x && x[0] == '/') {
		n = snprintf(dst, sz, "%s/soctop/%s", x, file);
	} else {
		char home[PATH_MAX];
		if (home_dir(home, sizeof home) < 0) {
			dst[0] = '\0';
			return -1;
		}
		n = snprintf(dst, sz, "%s/%s/soctop/%s", home, fallback, file);
	}
	if (n < 0 || (size_t)n >= sz) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	/* Without a home directory the paths stay empty: the caller reports it. */
	(void)xdg_path("XDG_STATE_HOME", ".local/state", "cache.db", cfg->cache_path, sizeof cfg->cache_path);
	(void)xdg_path("XDG_STATE_HOME", ".local/state", "soctop.log", cfg->log_file, sizeof cfg->log_file);
	cfg->log_level = 2;
	cfg->refresh_hz = 20;
	snprintf(cfg->layout, sizeof cfg->layout, "%s", LAYOUT_DEFAULT);
	snprintf(cfg->layout_wide, sizeof cfg->layout_wide, "%s", LAYOUT_DEFAULT_WIDE);
	cfg->ascii = -1;
	snprintf(cfg->keymap, sizeof cfg->keymap, "default");
	cfg->theme = 0;
	cfg->colors = -1;
	cfg->mouse = 1;
	cfg->alert_bell = 1;
	cfg->alert_bell_interval = 30;
	snprintf(cfg->language, sizeof cfg->language, "auto");
	cfg->nbackends = 0;
	cfg->store_red = 0;
	cfg->retain_days = 90;
	cfg->export_ceiling = PROTO_TLP_AMBER;
	cfg->wall = 0;
	cfg->wall_tlp_ceiling = PROTO_TLP_GREEN;
	cfg->wall_rotate_s = 0;
}

/* ---- values ----------------------------------------------------------- */

static int set_str(struct parse *st, const char *key, char *dst, size_t sz, const char *v)
{
	size_t n = strlen(v);
	if (n >= sz) {
		kerr(st, key, "value is too long (at most %zu characters)", sz - 1);
		return -1;
	}
	memcpy(dst, v, n + 1);
	return 0;
}

/* "~" and "~/..." expand to the home directory; the result must be absolute. */
static int set_path(struct parse *st, const char *key, char *dst, size_t sz, const char *v)
{
	if (!*v) {
		kerr(st, key, "is empty: give a path");
		return -1;
	}
	if (v[0] == '~') {
		if (v[1] != '\0' && v[1] != '/') {
			kerr(st, key, "~user is not supported: write the full path or ~/...");
			return -1;
		}
		char home[PATH_MAX];
		if (home_dir(home, sizeof home) < 0) {
			kerr(st, key, "cannot expand ~: HOME is not set");
			return -1;
		}
		int n = snprintf(dst, sz, "%s%s", home, v + 1);
		if (n < 0 || (size_t)n >= sz) {
			dst[0] = '\0';
			kerr(st, key, "path is too long after expanding ~ (at most %zu characters)", sz - 1);
			return -1;
		}
		return 0;
	}
	if (v[0] != '/') {
		kerr(st, key, "must be an absolute path or start with ~/");
		return -1;
	}
	return set_str(st, key, dst, sz, v);
}

/* A TLP name, exactly (proto_tlp_parse reads unknown names as RED, which
 * is right for data and wrong for a setting). -1 when not a TLP. */
static int config_tlp_exact(const char *v)
{
	static const char *names[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
	const char *p = strncasecmp(v, "TLP:", 4) == 0 ? v + 4 : v;
	for (int i = 0; i < 5; i++)
		if (strcasecmp(p, names[i]) == 0)
			return i;
	return strcasecmp(p, "WHITE") == 0 ? PROTO_TLP_CLEAR : -1;
}

static int parse_bool(const char *v)
{
	static const char *yes[] = { "yes", "true", "1" }, *no[] = { "no", "false", "0" };
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* A whole decimal number in [lo, hi], or -1. */
static long parse_int(const char *v, long lo, long hi)
{
	if (!isdigit((unsigned char)v[0]) || strlen(v) > 9)
		return -1;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return -1;
	return n;
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-';
}

/* NULL when u is an acceptable ws:// or wss:// URL, else what is wrong. */
static const char *url_problem(const char *u)
{
	const char *rest;
	if (strncmp(u, "wss://", 6) == 0)
		rest = u + 6;
	else if (strncmp(u, "ws://", 5) == 0)
		rest = u + 5;
	else
		return "must start with ws:// or wss://";
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F)
			return "must not contain spaces or non-ASCII characters (write international host names in punycode)";

	size_t alen = strcspn(rest, "/?#");
	if (memchr(rest, '@', alen))
		return "must not contain user:password@: use token_file or token_env";
	const char *host = rest, *port = NULL;
	size_t hlen;
	if (rest[0] == '[') { /* [IPv6] */
		const char *close = memchr(rest, ']', alen);
		if (!close)
			return "has an IPv6 address without its closing ]";
		host = rest + 1;
		hlen = (size_t)(close - host);
		for (size_t i = 0; i < hlen; i++)
			if (!isxdigit((unsigned char)host[i]) && host[i] != ':' && host[i] != '.')
				return "has a bad IPv6 address";
		if (close + 1 < rest + alen) {
			if (close[1] != ':')
				return "has garbage after the IPv6 address";
			port = close + 2;
		}
	} else {
		const char *colon = memchr(rest, ':', alen);
		hlen = colon ? (size_t)(colon - rest) : alen;
		for (size_t i = 0; i < hlen; i++)
			if (!is_name_char((unsigned char)host[i]))
				return "has a bad host name";
		if (colon)
			port = colon + 1;
	}
	if (hlen == 0)
		return "has no host";
	if (port) {
		size_t plen = (size_t)(rest + alen - port);
		char pbuf[8];
		if (plen == 0 || plen > 5)
			return "has a bad port (1-65535)";
		memcpy(pbuf, port, plen);
		pbuf[plen] = '\0';
		if (parse_int(pbuf, 1, 65535) < 0)
			return "has a bad port (1-65535)";
	}
	return NULL;
}

static int parse_streams(struct parse *st, const char *key, const char *v, unsigned *mask)
{
	unsigned m = 0;
	const char *p = v;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, ",");
		size_t t = n;
		while (t > 0 && (p[t - 1] == ' ' || p[t - 1] == '\t'))
			t--;
		size_t i;
		for (i = 0; i < sizeof stream_names / sizeof *stream_names; i++)
			if (strlen(stream_names[i].name) == t && strncmp(p, stream_names[i].name, t) == 0)
				break;
		if (i == sizeof stream_names / sizeof *stream_names) {
			char name[40];
			char tmp[40];
			size_t c = t < sizeof tmp - 1 ? t : sizeof tmp - 1;
			memcpy(tmp, p, c);
			tmp[c] = '\0';
			show(tmp, name, sizeof name);
			kerr(st, key, "unknown stream \"%s\" (known: alerts, advisories, tickets, vendors, drills)", name);
			return -1;
		}
		m |= 1u << stream_names[i].stream;
		if (p[n] != ',')
			break;
		p += n + 1;
	}
	*mask = m;
	return 0;
}

/* ---- sections and keys ------------------------------------------------ */

static void section_begin(struct parse *st, const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	char raw[128];
	size_t c = n < sizeof raw - 1 ? n : sizeof raw - 1;
	memcpy(raw, s, c);
	raw[c] = '\0';
	show(raw, st->secname, sizeof st->secname);
	st->be = NULL;

	if (strcmp(raw, "cache") == 0) {
		st->sec = SEC_CACHE;
		return;
	}
	if (strcmp(raw, "log") == 0) {
		st->sec = SEC_LOG;
		return;
	}
	if (strcmp(raw, "ui") == 0) {
		st->sec = SEC_UI;
		return;
	}
	if (strncmp(raw, "backend", 7) != 0 || (raw[7] != '\0' && raw[7] != ' ' && raw[7] != '\t')) {
		perr(st, st->line, "[%s]: unknown section (sections are [cache], [log], [ui] and [backend NAME])",
		     st->secname);
		return;
	}
	const char *name = raw + 7;
	while (*name == ' ' || *name == '\t')
		name++;
	size_t len = strlen(name);
	int ok = len >= 1 && len <= CONFIG_NAME_MAX && n < sizeof raw - 1;
	for (size_t i = 0; ok && i < len; i++)
		ok = is_name_char((unsigned char)name[i]);
	if (!ok) {
		perr(st, st->line, "[%s]: bad backend name: use 1 to %d letters, digits, '_', '.' or '-', as in [backend fsoc]",
		     st->secname, CONFIG_NAME_MAX);
		return;
	}
	struct config *cfg = st->cfg;
	for (int i = 0; i < cfg->nbackends; i++) {
		if (strcmp(cfg->backends[i].name, name) == 0) {
			perr(st, st->line, "[%s]: duplicate backend (first defined on line %d)", st->secname,
			     st->bmeta[i].line);
			return;
		}
	}
	if (cfg->nbackends >= CONFIG_MAX_BACKENDS) {
		perr(st, st->line, "[%s]: too many backends (at most %d)", st->secname, CONFIG_MAX_BACKENDS);
		return;
	}
	int i = cfg->nbackends++;
	struct backend_conf *b = &cfg->backends[i];
	memset(b, 0, sizeof *b);
	memcpy(b->name, name, len + 1);
	b->enabled = 1;
	memset(&st->bmeta[i], 0, sizeof st->bmeta[i]);
	st->bmeta[i].line = st->line;
	st->sec = SEC_BACKEND;
	st->be = b;
}

/* Returns 0 when key was set before on this section (error filed). */
static int first_time(struct parse *st, const char *key, int *line)
{
	if (*line) {
		kerr(st, key, "given twice (first on line %d)", *line);
		return 0;
	}
	*line = st->line;
	return 1;
}

/* A tz database name: letters, digits and "/_+-", no "..", and a zone file
 * when the database is installed (UTC always). */
static int tz_name_valid(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 60 || v[0] == '/' || strstr(v, ".."))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("/_+-", v[i]))
			return 0;
	if (strcmp(v, "UTC") == 0)
		return 1;
	char path[128];
	struct stat sb;
	if (stat("/usr/share/zoneinfo", &sb) != 0)
		return 1; /* no database to check against: TZ will say */
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", v);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void key_global(struct parse *st, const char *key, const char *v)
{
	struct config *cfg = st->cfg;
	int id = -1;

	if (st->sec == SEC_CACHE && strcmp(key, "path") == 0)
		id = G_CACHE_PATH;
	else if (st->sec == SEC_LOG && strcmp(key, "file") == 0)
		id = G_LOG_FILE;
	else if (st->sec == SEC_LOG && strcmp(key, "level") == 0)
		id = G_LOG_LEVEL;
	else if (st->sec == SEC_UI && strcmp(key, "refresh_hz") == 0)
		id = G_UI_HZ;
	else if (st->sec == SEC_UI && strcmp(key, "ascii") == 0)
		id = G_UI_ASCII;
	else if (st->sec == SEC_UI && strcmp(key, "layout") == 0)
		id = G_UI_LAYOUT;
	else if (st->sec == SEC_UI && strcmp(key, "layout_wide") == 0)
		id = G_UI_LAYOUT_WIDE;
	else if (st->sec == SEC_CACHE && strcmp(key, "store_red") == 0)
		id = G_CACHE_STORE_RED;
	else if (st->sec == SEC_CACHE && strcmp(key, "retain_days") == 0)
		id = G_CACHE_RETAIN;
	else if (st->sec == SEC_CACHE && strcmp(key, "export_ceiling") == 0)
		id = G_CACHE_EXPORT_CEIL;
	else if (st->sec == SEC_UI && strcmp(key, "mode") == 0)
		id = G_UI_MODE;
	else if (st->sec == SEC_UI && strcmp(key, "wall_tlp_ceiling") == 0)
		id = G_UI_WALL_TLP;
	else if (st->sec == SEC_UI && strcmp(key, "wall_rotate") == 0)
		id = G_UI_WALL_ROTATE;
	else if (st->sec == SEC_UI && strcmp(key, "keymap") == 0)
		id = G_UI_KEYMAP;
	else if (st->sec == SEC_UI && strcmp(key, "keys") == 0)
		id = G_UI_KEYS;
	else if (st->sec == SEC_UI) {
		static const struct {
			const char *name;
			int id;
		} more[] = { { "theme", G_UI_THEME },	  { "colors", G_UI_COLORS },
			     { "mouse", G_UI_MOUSE },	  { "low_bandwidth", G_UI_LOW_BW },
			     { "alert_bell", G_UI_BELL }, { "alert_bell_interval", G_UI_BELL_INTERVAL },
			     { "timezone", G_UI_TZ },	  { "language", G_UI_LANG } };
		for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
			if (strcmp(key, more[i].name) == 0)
				id = more[i].id;
	}
	if (id < 0) {
		static const char *known[] = { [SEC_CACHE] = "path, store_red, retain_days, export_ceiling",
					       [SEC_LOG] = "file, level",
					       [SEC_UI] = "refresh_hz, ascii, layout, layout_wide, keymap, keys, theme, colors, "
							  "mouse, low_bandwidth, alert_bell, alert_bell_interval, timezone, "
							  "language, mode, wall_tlp_ceiling, wall_rotate" };
		kerr(st, key, "unknown key (known here: %s)", known[st->sec]);
		return;
	}
	if (!first_time(st, key, &st->gline[id]))
		return;

	switch (id) {
	case G_CACHE_PATH:
		set_path(st, key, cfg->cache_path, sizeof cfg->cache_path, v);
		break;
	case G_LOG_FILE:
		set_path(st, key, cfg->log_file, sizeof cfg->log_file, v);
		break;
	case G_LOG_LEVEL: {
		static const char *levels[] = { "error", "warn", "info", "debug" };
		long n = parse_int(v, 0, 3);
		for (int i = 0; n < 0 && i < 4; i++)
			if (strcasecmp(v, levels[i]) == 0)
				n = i;
		if (n < 0)
			kerr(st, key, "must be error, warn, info or debug (or 0-3)");
		else
			cfg->log_level = (int)n;
		break;
	}
	case G_UI_HZ: {
		long n = parse_int(v, 1, 60);
		if (n < 0)
			kerr(st, key, "must be a whole number from 1 to 60");
		else
			cfg->refresh_hz = (int)n;
		break;
	}
	case G_UI_ASCII: {
		int b = strcasecmp(v, "auto") == 0 ? -1 : parse_bool(v);
		if (b == -1 && strcasecmp(v, "auto") != 0)
			kerr(st, key, "must be auto, yes or no");
		else
			cfg->ascii = b;
		break;
	}
	case G_UI_LAYOUT:
	case G_UI_LAYOUT_WIDE: {
		static const char *panes[] = { "alerts", "tickets", "vendors", "drills", "advisories" };
		struct layout l;
		char why[200];
		char *dst = id == G_UI_LAYOUT ? cfg->layout : cfg->layout_wide;
		if (layout_parse(v, panes, 5, &l, why, sizeof why) < 0)
			kerr(st, key, "%s", why);
		else
			snprintf(dst, sizeof cfg->layout, "%s", v);
		break;
	}
	case G_CACHE_STORE_RED: {
		int b = parse_bool(v);
		if (b < 0)
			kerr(st, key, "must be yes or no");
		else
			cfg->store_red = b;
		break;
	}
	case G_CACHE_RETAIN: {
		long n = parse_int(v, 1, 36500);
		if (n < 0)
			kerr(st, key, "must be a whole number of days from 1 to 36500");
		else
			cfg->retain_days = (int)n;
		break;
	}
	case G_CACHE_EXPORT_CEIL:
	case G_UI_WALL_TLP: {
		int t = config_tlp_exact(v);
		if (t < 0 || (id == G_CACHE_EXPORT_CEIL && t == PROTO_TLP_RED))
			kerr(st, key, "must be CLEAR, GREEN, AMBER or AMBER+STRICT%s",
			     id == G_UI_WALL_TLP ? " (or RED)" : " (TLP:RED is never exported)");
		else if (id == G_CACHE_EXPORT_CEIL)
			cfg->export_ceiling = t;
		else
			cfg->wall_tlp_ceiling = t;
		break;
	}
	case G_UI_MODE:
		if (strcasecmp(v, "wall") == 0)
			cfg->wall = 1;
		else if (strcasecmp(v, "normal") == 0)
			cfg->wall = 0;
		else
			kerr(st, key, "must be normal or wall");
		break;
	case G_UI_WALL_ROTATE: {
		long n = parse_int(v, 0, 86400);
		if (n < 0 || (n > 0 && n < 5))
			kerr(st, key, "must be 0 (no rotation) or a number of seconds from 5 to 86400");
		else
			cfg->wall_rotate_s = (int)n;
		break;
	}
	case G_UI_KEYMAP:
		/* a preset by name, or a keymap file (its lines are checked when
		 * soctop starts: a bad line is reported and skipped, not fatal) */
		if (keymap_preset(v))
			snprintf(cfg->keymap, sizeof cfg->keymap, "%s", v);
		else if (v[0] == '/' || v[0] == '~')
			set_path(st, key, cfg->keymap, sizeof cfg->keymap, v);
		else
			kerr(st, key, "must be a preset (%s) or the path of a keymap file", keymap_preset_names());
		break;
	case G_UI_KEYS:
		set_path(st, key, cfg->keys_file, sizeof cfg->keys_file, v);
		break;
	case G_UI_THEME: {
		int t = draw_theme_parse(v);
		if (t < 0)
			kerr(st, key, "must be default, light or high-contrast");
		else
			cfg->theme = t;
		break;
	}
	case G_UI_COLORS: {
		int c = draw_colors_parse(v);
		if (c < -1)
			kerr(st, key, "must be auto, 256, 16, 8 or mono");
		else
			cfg->colors = c;
		break;
	}
	case G_UI_MOUSE:
	case G_UI_LOW_BW: {
		int b = parse_bool(v);
		if (b < 0)
			kerr(st, key, "must be yes or no");
		else if (id == G_UI_MOUSE)
			cfg->mouse = b;
		else
			cfg->low_bandwidth = b;
		break;
	}
	case G_UI_BELL: {
		static const char *bells[] = { "off", "bell", "flash" };
		int b = -1;
		for (int i = 0; i < 3; i++)
			if (strcasecmp(v, bells[i]) == 0)
				b = i;
		if (b < 0)
			kerr(st, key, "must be off, bell or flash");
		else
			cfg->alert_bell = b;
		break;
	}
	case G_UI_BELL_INTERVAL: {
		long n = parse_int(v, 1, 3600);
		if (n < 0)
			kerr(st, key, "must be a whole number of seconds from 1 to 3600");
		else
			cfg->alert_bell_interval = (int)n;
		break;
	}
	case G_UI_TZ:
		if (strcmp(v, "local") == 0)
			cfg->timezone[0] = '\0';
		else if (!tz_name_valid(v))
			kerr(st, key, "must be local or a zone name such as Asia/Taipei or UTC (from the tz database)");
		else
			snprintf(cfg->timezone, sizeof cfg->timezone, "%s", v);
		break;
	case G_UI_LANG:
		if (strcmp(v, "auto") != 0 && strcmp(v, "en") != 0 && strcmp(v, "zh_TW") != 0)
			kerr(st, key, "must be auto, en or zh_TW");
		else
			snprintf(cfg->language, sizeof cfg->language, "%s", v);
		break;
	default:
		break;
	}
}

static void key_backend(struct parse *st, const char *key, const char *v)
{
	struct backend_conf *b = st->be;
	int *kl = st->bmeta[b - st->cfg->backends].kline;
	static const char *names[B_NKEYS] = { "url",     "token_file", "token_env",
					       "ca_file", "streams",    "enabled",
					       "tls_insecure_skip_verify" };
	int id = -1;

	if (strcmp(key, "token") == 0) {
		/* Never echo the value: it is a secret. */
		kerr(st, key, "tokens are not accepted in the config file: put it in a file readable only by you "
		              "(token_file = ~/.config/soctop/NAME.token, chmod 600) or in an environment "
		              "variable (token_env = NAME)");
		return;
	}
	for (int i = 0; i < B_NKEYS; i++)
		if (strcmp(key, names[i]) == 0)
			id = i;
	if (id < 0) {
		kerr(st, key, "unknown key (known here: url, token_file, token_env, ca_file, streams, enabled, "
			      "tls_insecure_skip_verify)");
		return;
	}
	if (!first_time(st, key, &kl[id]))
		return;

	switch (id) {
	case B_URL: {
		const char *why = url_problem(v);
		if (why)
			kerr(st, key, "%s", why);
		else
			set_str(st, key, b->url, sizeof b->url, v);
		break;
	}
	case B_TOKEN_FILE:
	case B_TOKEN_ENV: {
		int other = id == B_TOKEN_FILE ? B_TOKEN_ENV : B_TOKEN_FILE;
		if (kl[other]) {
			kerr(st, key, "%s is already set on line %d: give token_file or token_env, not both", names[other],
			     kl[other]);
			break;
		}
		if (id == B_TOKEN_FILE) {
			set_path(st, key, b->token_file, sizeof b->token_file, v);
			break;
		}
		int ok = (isalpha((unsigned char)v[0]) || v[0] == '_');
		for (const char *p = v; ok && *p; p++)
			ok = isalnum((unsigned char)*p) || *p == '_';
		if (!ok)
			kerr(st, key, "must be an environment variable name (letters, digits, '_'), as in SOCTOP_TOKEN");
		else
			set_str(st, key, b->token_env, sizeof b->token_env, v);
		break;
	}
	case B_CA_FILE:
		set_path(st, key, b->ca_file, sizeof b->ca_file, v);
		break;
	case B_STREAMS:
		parse_streams(st, key, v, &b->streams);
		break;
	case B_ENABLED: {
		int e = parse_bool(v);
		if (e < 0)
			kerr(st, key, "must be yes or no");
		else
			b->enabled = e;
		break;
	}
	case B_INSECURE: {
		/* The only way to turn verification off; the name says what it costs. */
		int e = parse_bool(v);
		if (e < 0)
			kerr(st, key, "must be yes or no");
		else
			b->tls_insecure = e;
		break;
	}
	default:
		break;
	}
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *st = user;
	(void)section; /* the reader tracked it, with its line */
	if (st->err)
		return 0;
	if (!name)
		return 1; /* inih built with INI_CALL_HANDLER_ON_NEW_SECTION */
	if (!value) {
		perr(st, st->line, "syntax error: expected key = value"); /* INI_ALLOW_NO_VALUE builds */
		return 0;
	}
	if (st->sec == SEC_NONE) {
		char k[48];
		show(name, k, sizeof k);
		perr(st, st->line, "%s: not inside a section: put it under [cache], [log], [ui] or [backend NAME]", k);
		return 0;
	}
	for (const char *p = value; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7F) {
			kerr(st, name, "contains control characters");
			return 0;
		}
	}
	size_t vlen = strlen(value);
	if (vlen >= 2 && ((value[0] == '"' && value[vlen - 1] == '"') || (value[0] == '\'' && value[vlen - 1] == '\''))) {
		kerr(st, name, "values are written without quotes: remove them");
		return 0;
	}
	if (st->sec == SEC_BACKEND)
		key_backend(st, name, value);
	else
		key_global(st, name, value);
	return st->err ? 0 : 1;
}

/* inih's line reader: one physical line per call, see the top comment. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *st = stream;
	size_t len = 0, cap = num > 1 ? (size_t)num - 1 : 0;
	int c, any = 0, longline = 0;

	if (st->err)
		return NULL; /* stop at our first error */
	while ((c = getc(st->fp)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (c == '\0') {
			perr(st, st->line + 1, "contains a NUL byte: is this a text file?");
			return NULL;
		}
		if (len < cap)
			str[len++] = (char)c;
		else
			longline = 1;
	}
	if (ferror(st->fp)) {
		perr(st, st->line + 1, "read error: %s", strerror(errno));
		return NULL;
	}
	if (!any)
		return NULL;
	st->line++;
	str[len] = '\0';

	char *s = str;
	if (st->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	if (longline && *s != ';' && *s != '#') {
		perr(st, st->line, "line is too long (at most %zu characters)", cap);
		return NULL;
	}
	if (s != str)
		memmove(str, s, strlen(s) + 1);
	if (str[0] == '[') {
		char *close = strchr(str, ']');
		if (close)
			section_begin(st, str + 1, (size_t)(close - str - 1));
	}
	return str;
}

/* Required keys and combinations, once the whole file is read. */
static void check_backends(struct parse *st)
{
	struct config *cfg = st->cfg;
	for (int i = 0; i < cfg->nbackends && !st->err; i++) {
		struct backend_conf *b = &cfg->backends[i];
		int line = st->bmeta[i].line;
		if (!b->url[0])
			perr(st, line, "[backend %s] url: missing: every backend needs url = ws://HOST:PORT/PATH or wss://...",
			     b->name);
		else if (!b->token_file[0] && !b->token_env[0])
			perr(st, line, "[backend %s] token_file: missing: give token_file = PATH or token_env = VARIABLE",
			     b->name);
		else if (b->ca_file[0] && strncmp(b->url, "wss://", 6) != 0)
			perr(st, st->bmeta[i].kline[B_CA_FILE],
			     "[backend %s] ca_file: only used with wss:// URLs, but url is ws:// (unencrypted)", b->name);
		else if (b->tls_insecure && strncmp(b->url, "wss://", 6) != 0)
			perr(st, st->bmeta[i].kline[B_INSECURE],
			     "[backend %s] tls_insecure_skip_verify: only used with wss:// URLs, but url is ws://", b->name);
	}
}

static int parse_file(FILE *fp, const char *file, struct config *cfg, char *err, size_t errlen)
{
	struct parse pst;
	struct parse *st = &pst;
	memset(st, 0, sizeof *st);
	st->cfg = cfg;
	st->fp = fp;
	int r = ini_parse_stream(reader, st, handler, st);
	if (r == 0 && !st->err)
		check_backends(st);

	int rc = -1;
	if (r > 0 && (!st->err || r < st->err_line))
		set_err(err, errlen, "%s:%d: syntax error: expected [section], key = value or a ; comment", file, r);
	else if (r < 0)
		set_err(err, errlen, "%s: out of memory", file);
	else if (st->err && st->err_line > 0)
		set_err(err, errlen, "%s:%d: %s", file, st->err_line, st->msg);
	else if (st->err)
		set_err(err, errlen, "%s: %s", file, st->msg);
	else
		rc = 0;
	return rc;
}

/* fopen for reading that refuses directories; NULL with errno set. */
static FILE *open_config(const char *path)
{
	FILE *fp = fopen(path, "re");
	if (!fp)
		return NULL;
	struct stat sb;
	if (fstat(fileno(fp), &sb) != 0 || S_ISDIR(sb.st_mode)) {
		int e = S_ISDIR(sb.st_mode) ? EISDIR : errno;
		fclose(fp);
		errno = e;
		return NULL;
	}
	return fp;
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	char found[PATH_MAX];
	FILE *fp = NULL;

	config_defaults(cfg);
	if (err && errlen)
		err[0] = '\0';

	if (path) {
		fp = open_config(path);
		if (!fp) {
			set_err(err, errlen, "%s: cannot read: %s", path, strerror(errno));
			return -1;
		}
		if (strlen(path) >= sizeof found) {
			fclose(fp);
			set_err(err, errlen, "%s: path too long", path);
			return -1;
		}
		snprintf(found, sizeof found, "%s", path);
	} else {
		/* $XDG_CONFIG_HOME first, then ~/.config; a file that exists
		 * but cannot be read is an error, not a reason to move on. */
		const char *x = getenv("XDG_CONFIG_HOME");
		for (int i = 0; i < 2 && !fp; i++) {
			int n;
			if (i == 0) {
				if (!x || x[0] != '/')
					continue;
				n = snprintf(found, sizeof found, "%s/soctop/config.ini", x);
			} else {
				char home[PATH_MAX];
				if (home_dir(home, sizeof home) < 0)
					continue;
				n = snprintf(found, sizeof found, "%s/.config/soctop/config.ini", home);
			}
			if (n < 0 || (size_t)n >= sizeof found)
				continue;
			fp = open_config(found);
			if (!fp && errno != ENOENT && errno != ENOTDIR) {
				set_err(err, errlen, "%s: cannot read: %s", found, strerror(errno));
				return -1;
			}
		}
		if (!fp)
			return 1;
	}

	int rc = parse_file(fp, found, cfg, err, errlen);
	if (fclose(fp) != 0 && rc == 0) {
		set_err(err, errlen, "%s: cannot read: %s", found, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		memcpy(cfg->path, found, strlen(found) + 1);
	return rc;
}

/* ---- tokens ----------------------------------------------------------- */

/* Trim, check and copy a token; the message never contains it. */
static int token_finish(const char *what, const char *buf, size_t n, char *tok, size_t toksz, char *err,
                        size_t errlen)
{
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*buf)) {
		buf++;
		n--;
	}
	if (n == 0) {
		set_err(err, errlen, "%s is empty", what);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x20 || c == 0x7F) {
			/* it goes into a header: no CR/LF smuggling */
			set_err(err, errlen, "%s holds control characters or more than one line", what);
			return -1;
		}
	}
	if (n >= toksz) {
		set_err(err, errlen, "%s holds a token longer than %zu bytes", what, toksz - 1);
		return -1;
	}
	memcpy(tok, buf, n);
	tok[n] = '\0';
	return 0;
}

static int token_from_file(const struct backend_conf *b, char *tok, size_t toksz, char *err, size_t errlen)
{
	const char *f = b->token_file;
	char what[PATH_MAX + 128];
	int fd = open(f, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		set_err(err, errlen, "backend %s: token file %s: cannot read: %s", b->name, f, strerror(errno));
		return -1;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		set_err(err, errlen, "backend %s: token file %s: cannot read: %s", b->name, f, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		set_err(err, errlen, "backend %s: token file %s is not a regular file", b->name, f);
		close(fd);
		return -1;
	}
	if (sb.st_mode & 077) {
		set_err(err, errlen, "backend %s: token file %s is %s by others (mode %04o): run chmod 600 %s", b->name, f,
		        (sb.st_mode & 044) ? "readable" : "writable", (unsigned)(sb.st_mode & 07777), f);
		close(fd);
		return -1;
	}
	if (sb.st_size > TOKEN_FILE_MAX) {
		set_err(err, errlen, "backend %s: token file %s is larger than 4 KiB: it should hold only the token",
		        b->name, f);
		close(fd);
		return -1;
	}

	char buf[TOKEN_FILE_MAX + 1];
	size_t n = 0;
	while (n < sizeof buf) {
		ssize_t r = read(fd, buf + n, sizeof buf - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_err(err, errlen, "backend %s: token file %s: cannot read: %s", b->name, f, strerror(errno));
			close(fd);
			explicit_bzero(buf, sizeof buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	int rc;
	if (n > TOKEN_FILE_MAX) {
		set_err(err, errlen, "backend %s: token file %s is larger than 4 KiB: it should hold only the token",
		        b->name, f);
		rc = -1;
	} else {
		snprintf(what, sizeof what, "backend %s: token file %s", b->name, f);
		rc = token_finish(what, buf, n, tok, toksz, err, errlen);
	}
	explicit_bzero(buf, sizeof buf);
	return rc;
}

int config_read_token(const struct backend_conf *b, char *tok, size_t toksz, char *err, size_t errlen)
{
	if (!tok || toksz == 0 || !b) {
		set_err(err, errlen, "config_read_token: no backend or no room for the token");
		return -1;
	}
	tok[0] = '\0';
	int rc;
	if (b->token_file[0]) {
		rc = token_from_file(b, tok, toksz, err, errlen);
	} else if (b->token_env[0]) {
		const char *v = getenv(b->token_env);
		char what[256];
		snprintf(what, sizeof what, "backend %s: environment variable %s", b->name, b->token_env);
		if (!v) {
			set_err(err, errlen, "%s is not set: export it before starting soctop", what);
			return -1;
		}
		rc = token_finish(what, v, strlen(v), tok, toksz, err, errlen);
	} else {
		set_err(err, errlen, "backend %s: no token_file or token_env configured", b->name);
		return -1;
	}
	if (rc != 0)
		explicit_bzero(tok, toksz);
	return rc;
}
