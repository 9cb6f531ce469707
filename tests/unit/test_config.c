/* tests/unit/test_config.c - config_defaults/load/read_token against real
 * files in a scratch directory, with HOME and the XDG variables pointed at
 * it. Every error case checks the exact "FILE:LINE:" of the message. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkdtemp, setenv, nftw */
#endif
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/config.h"
#include "tui/draw.h"
#include "client/proto.h"
#include "tests/unit/rmtree.h"

static const char *saved_names[] = { "HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "SOCTOP_TOKEN", "SOCTOP_TEST_TOK" };
#define NSAVED (sizeof saved_names / sizeof *saved_names)

struct fx {
	char dir[64];
	char *saved[NSAVED];
	struct config cfg;
	char err[1024];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/soctop-test-config-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	for (size_t i = 0; i < NSAVED; i++) {
		const char *v = getenv(saved_names[i]);
		fx->saved[i] = v ? strdup(v) : NULL;
		unsetenv(saved_names[i]);
	}
	setenv("HOME", fx->dir, 1);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	for (size_t i = 0; i < NSAVED; i++) {
		if (fx->saved[i])
			setenv(saved_names[i], fx->saved[i], 1);
		else
			unsetenv(saved_names[i]);
		free(fx->saved[i]);
	}
	int rc = rmtree(fx->dir);
	free(fx);
	return rc == 0 ? 0 : -1;
}

/* Write dir/rel (creating parent directories) and return its path. */
static const char *put(struct fx *fx, const char *rel, const char *content, mode_t mode)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", fx->dir, rel);
	for (char *p = path + strlen(fx->dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(content, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static int load(struct fx *fx, const char *content)
{
	const char *path = put(fx, "c.ini", content, 0600);
	return config_load(path, &fx->cfg, fx->err, sizeof fx->err);
}

/* content must fail at line with a message containing what. */
static void expect_error(struct fx *fx, const char *content, int line, const char *what)
{
	char prefix[128];
	int rc = load(fx, content);
	if (line > 0)
		snprintf(prefix, sizeof prefix, "%s/c.ini:%d: ", fx->dir, line);
	else
		snprintf(prefix, sizeof prefix, "%s/c.ini: ", fx->dir);
	if (rc != -1 || strncmp(fx->err, prefix, strlen(prefix)) != 0 || !strstr(fx->err, what))
		fail_msg("for:\n%s\ngot rc %d, \"%s\"\nwant \"%s...%s\"", content, rc, fx->err, prefix, what);
}

/* ---- defaults --------------------------------------------------------- */

static void test_defaults_xdg_set(void **state)
{
	struct fx *fx = *state;
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	config_defaults(&fx->cfg);
	assert_string_equal(fx->cfg.cache_path, "/srv/state/soctop/cache.db");
	assert_string_equal(fx->cfg.log_file, "/srv/state/soctop/soctop.log");
	assert_int_equal(fx->cfg.log_level, 2);
	assert_int_equal(fx->cfg.refresh_hz, 20);
	assert_int_equal(fx->cfg.ascii, -1);
	assert_int_equal(fx->cfg.nbackends, 0);
	assert_string_equal(fx->cfg.path, "");
}

static void test_defaults_xdg_unset(void **state)
{
	struct fx *fx = *state;
	char want[256];
	snprintf(want, sizeof want, "%s/.local/state/soctop/cache.db", fx->dir);

	config_defaults(&fx->cfg);
	assert_string_equal(fx->cfg.cache_path, want);
	snprintf(want, sizeof want, "%s/.local/state/soctop/soctop.log", fx->dir);
	assert_string_equal(fx->cfg.log_file, want);

	setenv("XDG_STATE_HOME", "", 1); /* empty: ignored */
	config_defaults(&fx->cfg);
	assert_string_equal(fx->cfg.log_file, want);
	setenv("XDG_STATE_HOME", "relative/state", 1); /* relative: ignored (XDG spec) */
	config_defaults(&fx->cfg);
	assert_string_equal(fx->cfg.log_file, want);
}

/* ---- a valid file ----------------------------------------------------- */

static void test_full_file(void **state)
{
	struct fx *fx = *state;
	char want[256];
	int rc = load(fx, "; every key\n"
	                  "[cache]\n"
	                  "path = ~/cache/soctop.db\n"
	                  "[log]\n"
	                  "file = /var/tmp/soctop.log\n"
	                  "level = debug\n"
	                  "[ui]\n"
	                  "refresh_hz = 5\n"
	                  "ascii = yes\n"
	                  "\n"
	                  "[backend fsoc]\n"
	                  "url = wss://soc.example.cn:8443/v1\n"
	                  "token_file = ~/.config/soctop/fsoc.token\n"
	                  "ca_file = /etc/ssl/isac.pem\n"
	                  "tls_insecure_skip_verify = yes\n"
	                  "streams = alerts, tickets,drills\n"
	                  "enabled = no\n"
	                  "[backend cert-2.b_x]\n"
	                  "url = ws://[::1]:8765/fcert\n"
	                  "token_env = SOCTOP_TOKEN ; inline comment\n");
	if (rc != 0)
		fail_msg("rc %d: %s", rc, fx->err);
	struct config *c = &fx->cfg;
	snprintf(want, sizeof want, "%s/c.ini", fx->dir);
	assert_string_equal(c->path, want);
	snprintf(want, sizeof want, "%s/cache/soctop.db", fx->dir);
	assert_string_equal(c->cache_path, want);
	assert_string_equal(c->log_file, "/var/tmp/soctop.log");
	assert_int_equal(c->log_level, 3);
	assert_int_equal(c->refresh_hz, 5);
	assert_int_equal(c->ascii, 1);
	assert_int_equal(c->nbackends, 2);

	const struct backend_conf *b = &c->backends[0];
	assert_string_equal(b->name, "fsoc");
	assert_string_equal(b->url, "wss://soc.example.cn:8443/v1");
	snprintf(want, sizeof want, "%s/.config/soctop/fsoc.token", fx->dir);
	assert_string_equal(b->token_file, want);
	assert_string_equal(b->token_env, "");
	assert_string_equal(b->ca_file, "/etc/ssl/isac.pem");
	assert_int_equal(b->streams, (1u << PROTO_ALERTS) | (1u << PROTO_TICKETS) | (1u << PROTO_DRILLS));
	assert_int_equal(b->enabled, 0);
	assert_int_equal(b->tls_insecure, 1);

	b = &c->backends[1];
	assert_int_equal(b->tls_insecure, 0); /* verification is on unless switched off by name */
	assert_string_equal(b->name, "cert-2.b_x");
	assert_string_equal(b->url, "ws://[::1]:8765/fcert");
	assert_string_equal(b->token_file, "");
	assert_string_equal(b->token_env, "SOCTOP_TOKEN");
	assert_int_equal(b->streams, 0);
	assert_int_equal(b->enabled, 1);
}

/* BOM, CRLF, indentation, comments; indented lines are keys, not
 * continuations of the line above (inih's multi-line mode). */
static void test_lenient_layout(void **state)
{
	struct fx *fx = *state;
	int rc = load(fx, "\xEF\xBB\xBF# written on Windows\r\n"
	                  "[ui]\r\n"
	                  "  refresh_hz = 7\r\n"
	                  "  ascii = NO\r\n"
	                  "\t# indented comment\r\n"
	                  "[ log ]\r\n"
	                  "level=warn\r\n"
	                  "[backend  a]\r\n"
	                  "    url = ws://h\r\n"
	                  "    token_env = T\r\n"
	                  "    enabled = TRUE\r\n");
	if (rc != 0)
		fail_msg("rc %d: %s", rc, fx->err);
	assert_int_equal(fx->cfg.refresh_hz, 7);
	assert_int_equal(fx->cfg.ascii, 0);
	assert_int_equal(fx->cfg.log_level, 1);
	assert_int_equal(fx->cfg.nbackends, 1);
	assert_string_equal(fx->cfg.backends[0].name, "a");
	assert_string_equal(fx->cfg.backends[0].token_env, "T");
	assert_int_equal(fx->cfg.backends[0].enabled, 1);
}

static void test_value_forms(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *level;
		int want;
	} levels[] = { { "error", 0 }, { "warn", 1 }, { "info", 2 }, { "debug", 3 }, { "0", 0 }, { "3", 3 } };
	char buf[128];
	for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
		snprintf(buf, sizeof buf, "[log]\nlevel = %s\n", levels[i].level);
		assert_int_equal(load(fx, buf), 0);
		assert_int_equal(fx->cfg.log_level, levels[i].want);
	}
	assert_int_equal(load(fx, "[ui]\nrefresh_hz = 1\nascii = auto\n"), 0);
	assert_int_equal(fx->cfg.refresh_hz, 1);
	assert_int_equal(fx->cfg.ascii, -1);
	assert_int_equal(load(fx, "[ui]\nrefresh_hz = 60\n"), 0);
	assert_int_equal(fx->cfg.refresh_hz, 60);
	assert_int_equal(load(fx, "[backend a]\nurl=ws://h\ntoken_env=T\nstreams = vendors , advisories\n"), 0);
	assert_int_equal(fx->cfg.backends[0].streams, (1u << PROTO_VENDORS) | (1u << PROTO_ADVISORIES));
	/* an empty file is a valid file */
	assert_int_equal(load(fx, ""), 0);
	assert_int_equal(fx->cfg.nbackends, 0);
}

/* ---- errors ----------------------------------------------------------- */

static void test_err_unknown(void **state)
{
	struct fx *fx = *state;
	expect_error(fx, "[ui]\nrefresh_hz = 5\ncolour = yes\n", 3, "[ui] colour: unknown key");
	expect_error(fx, "[ui]\n\n[colours]\n", 3, "[colours]: unknown section");
	expect_error(fx, "[cache]\npath = /x\n[backends]\nurl = ws://h\n", 3, "[backends]: unknown section");
	expect_error(fx, "[backend a]\nurl = ws://h\ntoken_env = T\nuser = me\n", 4, "[backend a] user: unknown key");
	expect_error(fx, "# top\nrefresh_hz = 5\n", 2, "refresh_hz: not inside a section");
	expect_error(fx, "[log]\nlevel = info\npath = /x\n", 3, "[log] path: unknown key");
}

static void test_err_url(void **state)
{
	struct fx *fx = *state;
	expect_error(fx, "[backend a]\nurl = http://h/\ntoken_env = T\n", 2, "[backend a] url: must start with ws:// or wss://");
	expect_error(fx, "[backend a]\nurl = ws:///path\ntoken_env = T\n", 2, "[backend a] url: has no host");
	expect_error(fx, "[backend a]\nurl = wss://\n", 2, "url: has no host");
	expect_error(fx, "[backend a]\nurl = ws://h:99999/\n", 2, "url: has a bad port");
	expect_error(fx, "[backend a]\nurl = ws://h:/\n", 2, "url: has a bad port");
	expect_error(fx, "[backend a]\nurl = ws://u:pw@h/\n", 2, "url: must not contain user:password@");
	expect_error(fx, "[backend a]\nurl = ws://h h/\n", 2, "url: must not contain spaces");
	expect_error(fx, "[backend a]\nurl = \"ws://h/\"\n", 2, "url: values are written without quotes");
	expect_error(fx, "[backend a]\nurl =\n", 2, "url: must start with ws://");
}

static void test_err_required(void **state)
{
	struct fx *fx = *state;
	/* missing keys are reported at their section's header */
	expect_error(fx, "[backend a]\ntoken_env = T\n", 1, "[backend a] url: missing");
	expect_error(fx, "[ui]\nascii = no\n\n[backend a]\nurl = ws://h\ntoken_env = T\n[backend b]\ntoken_file = /t\n", 7,
	             "[backend b] url: missing");
	expect_error(fx, "[ui]\n[backend a]\nurl = ws://h\n", 2, "[backend a] token_file: missing: give token_file = PATH or token_env");
	expect_error(fx, "[backend a]\nurl = ws://h\ntoken_file = /t\ntoken_env = T\n", 4,
	             "[backend a] token_env: token_file is already set on line 3");
	expect_error(fx, "[backend a]\ntoken_env = T\ntoken_file = /t\nurl = ws://h\n", 3,
	             "[backend a] token_file: token_env is already set on line 2");
	expect_error(fx, "[backend a]\nurl = ws://h\ntoken_env = T\nca_file = /ca.pem\n", 4,
	             "[backend a] ca_file: only used with wss://");
	expect_error(fx, "[backend a]\nurl = ws://h\ntoken_env = T\ntls_insecure_skip_verify = yes\n", 4,
	             "[backend a] tls_insecure_skip_verify: only used with wss://");
	expect_error(fx, "[backend a]\nurl = wss://h\ntoken_env = T\ntls_insecure_skip_verify = maybe\n", 4,
	             "[backend a] tls_insecure_skip_verify: must be yes or no");
	/* no shorter or friendlier spelling turns verification off */
	expect_error(fx, "[backend a]\nurl = wss://h\ntoken_env = T\nverify = no\n", 4, "[backend a] verify: unknown key");
}

static void test_keymap_keys(void **state)
{
	struct fx *fx = *state;
	int rc = load(fx, "[ui]\nkeymap = vi\nkeys = /etc/soctop/keys\n");
	if (rc != 0)
		fail_msg("rc %d: %s", rc, fx->err);
	assert_string_equal(fx->cfg.keymap, "vi");
	assert_string_equal(fx->cfg.keys_file, "/etc/soctop/keys");
	rc = load(fx, "[ui]\nkeymap = /etc/soctop/my.keys\n");
	assert_int_equal(rc, 0);
	assert_string_equal(fx->cfg.keymap, "/etc/soctop/my.keys");
	expect_error(fx, "[ui]\nkeymap = nano\n", 2, "[ui] keymap: must be a preset (default, emacs, vi) or the path");
	expect_error(fx, "[ui]\nkeys = relative/keys\n", 2, "[ui] keys: must be an absolute path");
}

static void test_ui_terminal_keys(void **state)
{
	struct fx *fx = *state;
	int rc = load(fx, "[ui]\ntheme = high-contrast\ncolors = 16\nmouse = no\nlow_bandwidth = yes\n"
	                  "alert_bell = flash\nalert_bell_interval = 5\ntimezone = Asia/Taipei\nlanguage = zh_TW\n");
	if (rc != 0)
		fail_msg("rc %d: %s", rc, fx->err);
	assert_int_equal(fx->cfg.theme, DRAW_THEME_HIGH_CONTRAST);
	assert_int_equal(fx->cfg.colors, DRAW_16);
	assert_int_equal(fx->cfg.mouse, 0);
	assert_int_equal(fx->cfg.low_bandwidth, 1);
	assert_int_equal(fx->cfg.alert_bell, 2);
	assert_int_equal(fx->cfg.alert_bell_interval, 5);
	assert_string_equal(fx->cfg.timezone, "Asia/Taipei");
	assert_string_equal(fx->cfg.language, "zh_TW");
	/* the defaults */
	rc = load(fx, "[ui]\n");
	assert_int_equal(rc, 0);
	assert_int_equal(fx->cfg.theme, DRAW_THEME_DEFAULT);
	assert_int_equal(fx->cfg.colors, -1);
	assert_int_equal(fx->cfg.mouse, 1);
	assert_int_equal(fx->cfg.alert_bell, 1);
	assert_int_equal(fx->cfg.alert_bell_interval, 30);
	assert_string_equal(fx->cfg.timezone, "");
	assert_string_equal(fx->cfg.language, "auto");
	expect_error(fx, "[ui]\ntheme = neon\n", 2, "[ui] theme: must be default, light or high-contrast");
	expect_error(fx, "[ui]\ncolors = 88\n", 2, "[ui] colors: must be auto, 256, 16, 8 or mono");
	expect_error(fx, "[ui]\nmouse = sometimes\n", 2, "[ui] mouse: must be yes or no");
	expect_error(fx, "[ui]\nalert_bell = siren\n", 2, "[ui] alert_bell: must be off, bell or flash");
	expect_error(fx, "[ui]\nalert_bell_interval = 0\n", 2, "[ui] alert_bell_interval: must be");
	expect_error(fx, "[ui]\ntimezone = ../../etc/passwd\n", 2, "[ui] timezone: must be local or a zone name");
	expect_error(fx, "[ui]\ntimezone = Mars/Olympus\n", 2, "[ui] timezone: must be local or a zone name");
	expect_error(fx, "[ui]\nlanguage = fr\n", 2, "[ui] language: must be auto, en or zh_TW");
}

static void test_err_inline_token(void **state)
{
	struct fx *fx = *state;
	expect_error(fx, "[backend a]\nurl = ws://h\ntoken = s3cr3t-value\n", 3, "[backend a] token: tokens are not accepted");
	assert_non_null(strstr(fx->err, "token_file"));
	assert_non_null(strstr(fx->err, "token_env"));
	assert_null(strstr(fx->err, "s3cr3t"));
}

static void test_err_values(void **state)
{
	struct fx *fx = *state;
	const char *bad_hz[] = { "0", "61", "fast", "20x", "-1", "+5", "", "99999999999999999999" };
	char buf[128];
	for (size_t i = 0; i < sizeof bad_hz / sizeof *bad_hz; i++) {
		snprintf(buf, sizeof buf, "[ui]\nascii = auto\nrefresh_hz = %s\n", bad_hz[i]);
		expect_error(fx, buf, 3, "[ui] refresh_hz: must be a whole number from 1 to 60");
	}
	expect_error(fx, "[ui]\nascii = maybe\n", 2, "[ui] ascii: must be auto, yes or no");
	expect_error(fx, "[log]\nlevel = loud\n", 2, "[log] level: must be error, warn, info or debug");
	expect_error(fx, "[log]\nlevel = 4\n", 2, "[log] level: must be");
	expect_error(fx, "[log]\nfile = soctop.log\n", 2, "[log] file: must be an absolute path");
	expect_error(fx, "[cache]\npath = ~root/x.db\n", 2, "[cache] path: ~user is not supported");
	expect_error(fx, "[cache]\npath =\n", 2, "[cache] path: is empty");
	expect_error(fx, "[backend a]\nurl = ws://h\ntoken_env = T\nenabled = perhaps\n", 4, "[backend a] enabled: must be yes or no");
	expect_error(fx, "[backend a]\nurl = ws://h\nstreams = alerts, alert\n", 3,
	             "[backend a] streams: unknown stream \"alert\"");
	expect_error(fx, "[backend a]\nurl = ws://h\nstreams = alerts,,tickets\n", 3, "streams: unknown stream \"\"");
	expect_error(fx, "[backend a]\nurl = ws://h\ntoken_env = 1X\n", 3, "[backend a] token_env: must be an environment variable name");
	expect_error(fx, "[ui]\nrefresh_hz = 5\nrefresh_hz = 6\n", 3, "[ui] refresh_hz: given twice (first on line 2)");
	expect_error(fx, "[ui]\nrefresh_hz = 5\n[ui]\nrefresh_hz = 6\n", 4, "given twice (first on line 2)");
	expect_error(fx, "[backend a]\nurl = ws://h\nurl = ws://g\n", 3, "[backend a] url: given twice");

	/* a value longer than its buffer */
	char longenv[151], buf2[256];
	memset(longenv, 'A', 150);
	longenv[150] = '\0';
	snprintf(buf2, sizeof buf2, "[backend a]\nurl = ws://h\ntoken_env = %s\n", longenv);
	expect_error(fx, buf2, 3, "[backend a] token_env: value is too long (at most 127 characters)");

	/* a line inih could not hold is refused, not split in two */
	char longline[400];
	snprintf(longline, sizeof longline, "[backend a]\nurl = ws://h/%0250d\ntoken_env = T\n", 0);
	expect_error(fx, longline, 2, "line is too long");
	/* ... but a long comment is fine */
	snprintf(longline, sizeof longline, "# %0300d\n[ui]\nrefresh_hz = 9\n", 0);
	assert_int_equal(load(fx, longline), 0);
	assert_int_equal(fx->cfg.refresh_hz, 9);
}

static void test_err_backend_names(void **state)
{
	struct fx *fx = *state;
	expect_error(fx, "[backend a]\nurl = ws://h\ntoken_env = T\n\n[backend a]\nurl = ws://g\n", 5,
	             "[backend a]: duplicate backend (first defined on line 1)");
	expect_error(fx, "[backend a/b]\nurl = ws://h\n", 1, "[backend a/b]: bad backend name");
	expect_error(fx, "[ui]\n[backend]\nurl = ws://h\n", 2, "[backend]: bad backend name");
	expect_error(fx, "[backend two words]\n", 1, "bad backend name");
	expect_error(fx, "[backend 中文]\n", 1, "bad backend name");
	char buf[256];
	snprintf(buf, sizeof buf, "[backend %064d]\n", 0); /* 64 characters */
	expect_error(fx, buf, 1, "bad backend name");
	snprintf(buf, sizeof buf, "[backend %063d]\nurl = ws://h\ntoken_env = T\n", 0); /* 63: fine */
	assert_int_equal(load(fx, buf), 0);

	char many[4096] = "";
	size_t n = 0;
	for (int i = 0; i <= CONFIG_MAX_BACKENDS; i++)
		n += (size_t)snprintf(many + n, sizeof many - n, "[backend b%d]\nurl = ws://h\ntoken_env = T\n", i);
	expect_error(fx, many, 3 * CONFIG_MAX_BACKENDS + 1, "[backend b16]: too many backends (at most 16)");
}

static void test_err_syntax(void **state)
{
	struct fx *fx = *state;
	expect_error(fx, "[ui]\nrefresh_hz = 5\nthis line has no equals sign\n", 3, "syntax error");
	expect_error(fx, "[ui\nrefresh_hz = 5\n", 1, "syntax error");
	/* the first problem wins, whichever part of the parser found it */
	expect_error(fx, "[ui]\nbogus\ncolour = red\n", 2, "syntax error");
	expect_error(fx, "[ui]\ncolour = red\nbogus\n", 2, "[ui] colour: unknown key");
	/* exact format */
	load(fx, "[ui]\n\n\nnope\n");
	char want[256];
	snprintf(want, sizeof want, "%s/c.ini:4: syntax error", fx->dir);
	assert_memory_equal(fx->err, want, strlen(want));
}

/* ---- search order ----------------------------------------------------- */

static void test_search_order(void **state)
{
	struct fx *fx = *state;
	char xdg[128], want[256];

	/* nothing anywhere: defaults */
	assert_int_equal(config_load(NULL, &fx->cfg, fx->err, sizeof fx->err), 1);
	assert_string_equal(fx->cfg.path, "");
	assert_int_equal(fx->cfg.refresh_hz, 20);

	/* ~/.config */
	put(fx, ".config/soctop/config.ini", "[ui]\nrefresh_hz = 2\n", 0600);
	assert_int_equal(config_load(NULL, &fx->cfg, fx->err, sizeof fx->err), 0);
	assert_int_equal(fx->cfg.refresh_hz, 2);
	snprintf(want, sizeof want, "%s/.config/soctop/config.ini", fx->dir);
	assert_string_equal(fx->cfg.path, want);

	/* XDG_CONFIG_HOME without a file there: on to ~/.config */
	snprintf(xdg, sizeof xdg, "%s/xdg", fx->dir);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	assert_int_equal(config_load(NULL, &fx->cfg, fx->err, sizeof fx->err), 0);
	assert_int_equal(fx->cfg.refresh_hz, 2);

	/* XDG_CONFIG_HOME beats HOME */
	put(fx, "xdg/soctop/config.ini", "[ui]\nrefresh_hz = 3\n", 0600);
	assert_int_equal(config_load(NULL, &fx->cfg, fx->err, sizeof fx->err), 0);
	assert_int_equal(fx->cfg.refresh_hz, 3);
	snprintf(want, sizeof want, "%s/soctop/config.ini", xdg);
	assert_string_equal(fx->cfg.path, want);

	/* empty XDG_CONFIG_HOME is skipped */
	setenv("XDG_CONFIG_HOME", "", 1);
	assert_int_equal(config_load(NULL, &fx->cfg, fx->err, sizeof fx->err), 0);
	assert_int_equal(fx->cfg.refresh_hz, 2);
	setenv("XDG_CONFIG_HOME", xdg, 1);

	/* --config beats both */
	const char *explicit = put(fx, "other.ini", "[ui]\nrefresh_hz = 4\n", 0600);
	assert_int_equal(config_load(explicit, &fx->cfg, fx->err, sizeof fx->err), 0);
	assert_int_equal(fx->cfg.refresh_hz, 4);

	/* an explicit path that does not exist is an error */
	snprintf(want, sizeof want, "%s/missing.ini", fx->dir);
	assert_int_equal(config_load(want, &fx->cfg, fx->err, sizeof fx->err), -1);
	char msg[512];
	snprintf(msg, sizeof msg, "%s: cannot read: %s", want, strerror(ENOENT));
	assert_string_equal(fx->err, msg);
	assert_int_equal(config_load(fx->dir, &fx->cfg, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "cannot read"));

	/* a file that is there but unreadable is an error, not skipped */
	if (geteuid() != 0) {
		snprintf(want, sizeof want, "%s/soctop/config.ini", xdg);
		assert_int_equal(chmod(want, 0), 0);
		assert_int_equal(config_load(NULL, &fx->cfg, fx->err, sizeof fx->err), -1);
		assert_non_null(strstr(fx->err, "cannot read: Permission denied"));
		assert_int_equal(chmod(want, 0600), 0);
	}

	/* a bad file found by the search is reported with its path */
	put(fx, "xdg/soctop/config.ini", "[ui]\nrefresh_hz = 99\n", 0600);
	assert_int_equal(config_load(NULL, &fx->cfg, fx->err, sizeof fx->err), -1);
	snprintf(msg, sizeof msg, "%s/soctop/config.ini:2: [ui] refresh_hz:", xdg);
	assert_memory_equal(fx->err, msg, strlen(msg));
}

/* ---- tokens ----------------------------------------------------------- */

static void token_backend(struct fx *fx, struct backend_conf *b, const char *content, mode_t mode)
{
	memset(b, 0, sizeof *b);
	snprintf(b->name, sizeof b->name, "fsoc");
	const char *p = put(fx, "tok", content, mode);
	snprintf(b->token_file, sizeof b->token_file, "%s", p);
}

static void test_token_file(void **state)
{
	struct fx *fx = *state;
	struct backend_conf b;
	char tok[256], want[2 * PATH_MAX + 128];

	token_backend(fx, &b, "  s3cr3t-Tok_en \n\n", 0600);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), 0);
	assert_string_equal(tok, "s3cr3t-Tok_en");

	token_backend(fx, &b, "s3cr3t\n", 0644);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	snprintf(want, sizeof want, "token file %s is readable by others (mode 0644): run chmod 600 %s", b.token_file, b.token_file);
	assert_non_null(strstr(fx->err, want));
	assert_null(strstr(fx->err, "s3cr3t"));
	assert_string_equal(tok, "");

	token_backend(fx, &b, "s3cr3t\n", 0640);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "(mode 0640): run chmod 600"));
	token_backend(fx, &b, "s3cr3t\n", 0602);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "writable by others (mode 0602)"));

	token_backend(fx, &b, " \n\t\n", 0600);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "is empty"));

	token_backend(fx, &b, "s3cr3t\nX-Injected: 1\n", 0600);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "more than one line"));
	assert_null(strstr(fx->err, "s3cr3t"));
	assert_null(strstr(fx->err, "Injected"));

	static char big[5000];
	memset(big, 'a', sizeof big - 1);
	token_backend(fx, &b, big, 0600);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "larger than 4 KiB"));

	token_backend(fx, &b, "0123456789", 0600);
	assert_int_equal(config_read_token(&b, tok, 8, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "longer than 7 bytes"));
	assert_null(strstr(fx->err, "0123"));

	snprintf(b.token_file, sizeof b.token_file, "%s", fx->dir); /* a directory */
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "not a regular file"));

	snprintf(b.token_file, sizeof b.token_file, "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(b.token_file, 0600), 0);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "not a regular file"));

	snprintf(b.token_file, sizeof b.token_file, "%s/none", fx->dir);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "cannot read: No such file"));
}

static void test_token_env(void **state)
{
	struct fx *fx = *state;
	struct backend_conf b;
	char tok[64];

	memset(&b, 0, sizeof b);
	snprintf(b.name, sizeof b.name, "fcert");
	snprintf(b.token_env, sizeof b.token_env, "SOCTOP_TEST_TOK");

	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "SOCTOP_TEST_TOK is not set"));

	setenv("SOCTOP_TEST_TOK", "", 1);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "SOCTOP_TEST_TOK is empty"));

	setenv("SOCTOP_TEST_TOK", "env-s3cr3t\n", 1);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), 0);
	assert_string_equal(tok, "env-s3cr3t");

	setenv("SOCTOP_TEST_TOK", "a\rb", 1);
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
	assert_null(strstr(fx->err, "a\rb"));

	b.token_env[0] = '\0';
	assert_int_equal(config_read_token(&b, tok, sizeof tok, fx->err, sizeof fx->err), -1);
}

/* A backend loaded from a file reads its token end to end. */
static void test_token_via_config(void **state)
{
	struct fx *fx = *state;
	char tok[64];
	put(fx, ".config/soctop/fsoc.token", "from-file\n", 0600);
	assert_int_equal(load(fx, "[backend fsoc]\nurl = wss://h\ntoken_file = ~/.config/soctop/fsoc.token\n"), 0);
	assert_int_equal(config_read_token(&fx->cfg.backends[0], tok, sizeof tok, fx->err, sizeof fx->err), 0);
	assert_string_equal(tok, "from-file");
}

/* ---- the shipped example ---------------------------------------------- */

static void test_example_loads(void **state)
{
	struct fx *fx = *state;
	/* __FILE__ is tests/unit/test_config.c relative to the build's
	 * directory, or absolute: the example sits two levels up. */
	const char *f = __FILE__, *suffix = "tests/unit/test_config.c";
	size_t fl = strlen(f), sl = strlen(suffix);
	char path[512];
	if (getenv("SOCTOP_SRCDIR"))
		snprintf(path, sizeof path, "%s/config.example.ini", getenv("SOCTOP_SRCDIR"));
	else if (fl >= sl && strcmp(f + fl - sl, suffix) == 0)
		snprintf(path, sizeof path, "%.*sconfig.example.ini", (int)(fl - sl), f);
	else
		snprintf(path, sizeof path, "config.example.ini");

	int rc = config_load(path, &fx->cfg, fx->err, sizeof fx->err);
	if (rc != 0)
		fail_msg("%s: rc %d: %s", path, rc, fx->err);
	struct config *c = &fx->cfg;
	assert_int_equal(c->nbackends, 2);
	assert_string_equal(c->backends[0].name, "fsoc");
	assert_string_equal(c->backends[0].url, "ws://127.0.0.1:8765/fsoc");
	assert_string_equal(c->backends[0].token_env, "SOCTOP_TOKEN");
	assert_string_equal(c->backends[1].name, "fcert");
	assert_string_equal(c->backends[1].url, "ws://127.0.0.1:8765/fcert");
	assert_string_equal(c->backends[1].token_env, "SOCTOP_TOKEN");
	/* everything else is commented out at its default */
	struct config d;
	config_defaults(&d);
	assert_string_equal(c->cache_path, d.cache_path);
	assert_string_equal(c->log_file, d.log_file);
	assert_int_equal(c->log_level, d.log_level);
	assert_int_equal(c->refresh_hz, d.refresh_hz);
	assert_int_equal(c->ascii, d.ascii);

	/* and each commented default, uncommented, is accepted as written */
	FILE *in = fopen(path, "r");
	assert_non_null(in);
	char line[256], out[16384] = "";
	size_t n = 0;
	while (fgets(line, sizeof line, in)) {
		const char *l = line;
		/* "# key = value" and "# [section]" lines lose their "# "; prose stays */
		if (strncmp(l, "# [", 3) == 0 || (strncmp(l, "# ", 2) == 0 && l[2] >= 'a' && l[2] <= 'z' && strstr(l, " = ")))
			l += 2;
		n += (size_t)snprintf(out + n, sizeof out - n, "%s", l);
		assert_true(n < sizeof out);
	}
	fclose(in);
	rc = load(fx, out);
	if (rc != 0)
		fail_msg("uncommented example: rc %d: %s", rc, fx->err);
	assert_int_equal(fx->cfg.nbackends, 3);
	assert_string_equal(fx->cfg.backends[2].url, "wss://feeds.isac.example.cn:443/soctop");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_defaults_xdg_set), T(test_defaults_xdg_unset), T(test_full_file),     T(test_lenient_layout),
		T(test_value_forms),      T(test_err_unknown),        T(test_err_url),       T(test_err_required),
		T(test_keymap_keys), T(test_ui_terminal_keys), T(test_err_inline_token), T(test_err_values),         T(test_err_backend_names), T(test_err_syntax),
		T(test_search_order),     T(test_token_file),         T(test_token_env),     T(test_token_via_config),
		T(test_example_loads),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
