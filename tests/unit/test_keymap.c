/* tests/unit/test_keymap.c - keymap files, the command registry, the ":"
 * line's completion and history, and the help generated from a keymap. The
 * keymaps are checked against soctop's real commands (ui_register_commands;
 * none is run here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/command.h"
#include "tui/keymap.h"
#include "tui/prompt.h"
#include "tui/ui.h"

static int setup(void **state)
{
	cmd_clear();
	if (ui_register_commands(NULL) < 0)
		return -1;
	struct keymap *km = malloc(sizeof *km);
	if (!km)
		return -1;
	keymap_init(km);
	*state = km;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	cmd_clear();
	return 0;
}

static const char *lookup(const struct keymap *km, enum cmd_ctx ctx, enum cmd_ctx item, int key)
{
	enum cmd_ctx chain[4];
	int n = keymap_chain(ctx, item, chain, 4);
	return keymap_lookup(km, chain, n, key);
}

/* Every preset loads without a single bad line, and keeps today's keys. */
static void test_presets_load_clean(void **state)
{
	struct keymap *km = *state;
	const char *names[] = {"default", "vi", "emacs"};
	for (int i = 0; i < 3; i++) {
		keymap_init(km);
		const char *text = keymap_preset(names[i]);
		assert_non_null(text);
		int bad = keymap_load_text(km, names[i], text);
		if (bad)
			fprintf(stderr, "%s: %s\n", names[i], km->errors[0]);
		assert_int_equal(bad, 0);
		assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'q'), "quit");
		assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, '\t'), "focus-next");
		assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, KEYMAP_FN | KEY_BTAB), "focus-prev");
		assert_string_equal(lookup(km, CTX_TICKETS, CTX_TICKETS, 'j'), "down");
		assert_string_equal(lookup(km, CTX_TICKETS, CTX_TICKETS, 's'), "sort");
		assert_string_equal(lookup(km, CTX_TICKETS, CTX_TICKETS, 'a'), "ticket.ack");
		assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'a'), "alert.ack");
		assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, keymap_code('\n', 0)), "open");
		assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, keymap_code(KEY_ENTER, 1)), "open");
		assert_null(lookup(km, CTX_ALERTS, CTX_ALERTS, 's')); /* sort is the tickets' own */
		assert_string_equal(lookup(km, CTX_DETAILS, CTX_ALERTS, 'q'), "back");
		assert_string_equal(lookup(km, CTX_DETAILS, CTX_ALERTS, 'c'), "alert.close");
		/* details reach into the item's pane for item commands only */
		assert_null(lookup(km, CTX_DETAILS, CTX_TICKETS, 's'));
		assert_string_equal(lookup(km, CTX_DETAILS, CTX_TICKETS, 'n'), "ticket.note");
		assert_string_equal(lookup(km, CTX_HELP, CTX_HELP, '?'), "back");
	}
	keymap_init(km);
	keymap_load_text(km, "vi", keymap_preset("vi"));
	assert_string_equal(lookup(km, CTX_VENDORS, CTX_VENDORS, 'l'), "focus-next");
	assert_string_equal(lookup(km, CTX_VENDORS, CTX_VENDORS, 6 /* C-f */), "page-down");
	keymap_init(km);
	keymap_load_text(km, "emacs", keymap_preset("emacs"));
	assert_string_equal(lookup(km, CTX_VENDORS, CTX_VENDORS, 14 /* C-n */), "down");
	assert_null(keymap_preset("nano"));
}

/* A user keymap over the default: rebind, unbind, several keys to one
 * command, arguments. */
static void test_user_rebind_unbind(void **state)
{
	struct keymap *km = *state;
	keymap_load_text(km, "default", keymap_preset("default"));
	const char *user = "# mine\n"
	                   "bind x quit\n"
	                   "unbind q\n"
	                   "bind F2 focus tickets\n"
	                   "[panes]\n"
	                   "bind n down\n"
	                   "bind C-k down\n"
	                   "unbind j\n"
	                   "[tickets]\n"
	                   "bind s sort-reverse\n";
	assert_int_equal(keymap_load_text(km, "user.keys", user), 0);
	/* C-j is Enter on a terminal: said so, not silently rebinding Enter */
	assert_int_equal(keymap_load_text(km, "cj.keys", "[panes]\nbind C-j down\n"), 1);
	assert_non_null(strstr(km->errors[0], "cj.keys:2: C-j is the same key as Enter"));
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'x'), "quit");
	assert_null(lookup(km, CTX_ALERTS, CTX_ALERTS, 'q'));
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'Q'), "quit");
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, KEYMAP_FN | KEY_F(2)), "focus tickets");
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'n'), "down");
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 11), "down");
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, '\r'), "open");
	assert_null(lookup(km, CTX_ALERTS, CTX_ALERTS, 'j'));
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, KEYMAP_FN | KEY_DOWN), "down");
	/* the tickets pane's own n still wins there */
	assert_string_equal(lookup(km, CTX_TICKETS, CTX_TICKETS, 'n'), "ticket.note");
	assert_string_equal(lookup(km, CTX_TICKETS, CTX_TICKETS, 's'), "sort-reverse");
	/* details keep their own j */
	assert_string_equal(lookup(km, CTX_DETAILS, CTX_ALERTS, 'j'), "down");
}

/* The example user keymap in README.md ("Keys") loads as it is, without a
 * bad line, and does what its comments say: the README is what operators
 * copy. (Run from the top of the tree, as make unit does.) */
static void test_readme_example(void **state)
{
	struct keymap *km = *state;
	FILE *fp = fopen("README.md", "r");
	assert_non_null(fp);
	char line[512], text[4096] = "";
	int in = 0, found = 0;
	while (fgets(line, sizeof line, fp)) {
		if (!in && strncmp(line, "# ~/.config/soctop/keys", 23) == 0)
			in = found = 1;
		else if (in && strncmp(line, "```", 3) == 0)
			break;
		if (in && strlen(text) + strlen(line) < sizeof text)
			strcat(text, line);
	}
	fclose(fp);
	assert_true(found);
	keymap_load_text(km, "default", keymap_preset("default"));
	int bad = keymap_load_text(km, "README", text);
	if (bad)
		fprintf(stderr, "README example: %s\n", km->errors[0]);
	assert_int_equal(bad, 0);
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'x'), "quit");
	assert_null(lookup(km, CTX_ALERTS, CTX_ALERTS, 'q'));
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, KEYMAP_FN | KEY_F(2)), "focus tickets");
	assert_string_equal(lookup(km, CTX_VENDORS, CTX_VENDORS, 'n'), "down");
}

/* Bad lines: each reported as FILE:LINE, the good ones around them load. */
static void test_bad_lines(void **state)
{
	struct keymap *km = *state;
	const char *text = "bind a quit\n"       /* 1 ok */
	                   "bind\n"              /* 2 no key */
	                   "bind Ctrl-x quit\n"  /* 3 unknown key */
	                   "bind b frobnicate\n" /* 4 unknown command */
	                   "frob b quit\n"       /* 5 unknown verb */
	                   "[nowhere]\n"         /* 6 unknown section */
	                   "bind c quit\n"       /* 7 skipped: inside it */
	                   "[tickets]\n"         /* 8 */
	                   "bind d alert.ack\n"  /* 9 not for tickets */
	                   "bind e zoom now\n"   /* 10 no arguments */
	                   "bind f\x01 quit\n"   /* 11 control character */
	                   "bind \xff quit\n"    /* 12 not UTF-8 */
	                   "include nano\n"      /* 13 no such preset */
	                   "bind 請 sort\n"      /* 14 ok: a Chinese key */
	                   "bind w sort";        /* 15 ok, no final newline */
	int bad = keymap_load_text(km, "my.keys", text);
	assert_int_equal(bad, 10);
	assert_int_equal(km->nerrors, 10);
	assert_non_null(strstr(km->errors[0], "my.keys:2:"));
	assert_non_null(strstr(km->errors[1], "my.keys:3: unknown key 'Ctrl-x'"));
	assert_non_null(strstr(km->errors[2], "my.keys:4:"));
	assert_non_null(strstr(km->errors[2], "frobnicate"));
	assert_non_null(strstr(km->errors[3], "my.keys:5:"));
	assert_non_null(strstr(km->errors[4], "my.keys:6: unknown section [nowhere]"));
	assert_non_null(strstr(km->errors[5], "my.keys:9:"));
	assert_non_null(strstr(km->errors[5], "does not apply in [tickets]"));
	assert_non_null(strstr(km->errors[6], "my.keys:10:"));
	assert_non_null(strstr(km->errors[7], "my.keys:11: control character"));
	assert_non_null(strstr(km->errors[7 + 0], "11"));
	/* the good lines are in */
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'a'), "quit");
	assert_null(lookup(km, CTX_ALERTS, CTX_ALERTS, 'c'));
	assert_string_equal(lookup(km, CTX_TICKETS, CTX_TICKETS, keymap_key_parse("請")), "sort");
	assert_string_equal(lookup(km, CTX_TICKETS, CTX_TICKETS, 'w'), "sort");
	/* only the first errors are kept, all are counted */
	keymap_init(km);
	char many[2000] = "";
	for (int i = 0; i < 20; i++)
		strcat(many, "bind Nope quit\n");
	assert_int_equal(keymap_load_text(km, "many", many), 20);
	assert_int_equal(km->nerrors, 20);
	assert_non_null(strstr(km->errors[KEYMAP_MAX_ERRORS - 1], "many:8:"));
}

static void test_long_and_hostile(void **state)
{
	struct keymap *km = *state;
	char *big = malloc(KEYMAP_LINE_MAX + 100);
	assert_non_null(big);
	memset(big, 'x', KEYMAP_LINE_MAX + 50);
	memcpy(big, "bind a quit ", 12);
	big[KEYMAP_LINE_MAX + 50] = '\0';
	strcat(big, "\nbind b quit\r\n");
	assert_int_equal(keymap_load_text(km, "big", big), 1);
	assert_non_null(strstr(km->errors[0], "big:1: line longer"));
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'b'), "quit"); /* CRLF line fine */
	free(big);
	/* include loops stop */
	keymap_init(km);
	assert_int_equal(keymap_load_text(km, "inc", "include default\ninclude default\n"), 0);
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'q'), "quit");
	/* a file that is missing, or not a file */
	keymap_init(km);
	assert_int_equal(keymap_load_file(km, "/nonexistent/soctop/keys"), -1);
	assert_non_null(strstr(km->errors[0], "/nonexistent/soctop/keys: cannot read"));
	keymap_init(km);
	assert_int_equal(keymap_load_file(km, "/"), -1);
	assert_int_equal(km->nerrors, 1);
	/* a real file, with a bad line */
	char path[] = "/tmp/soctop-keymap-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "bind x quit\nbind y nothing\n";
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	keymap_init(km);
	assert_int_equal(keymap_load_file(km, path), 1);
	char want[100];
	snprintf(want, sizeof want, "%s:2:", path);
	assert_non_null(strstr(km->errors[0], want));
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'x'), "quit");
	unlink(path);
}

/* Bytes that only look like UTF-8 are refused like any other bad UTF-8:
 * overlong forms, surrogates, code points past U+10FFFF, cut sequences. */
static void test_strict_utf8(void **state)
{
	struct keymap *km = *state;
	const char *bad[] = {"bind x filter \xc0\xaf\n",     "bind x filter a\xc0\x9b\n",
	                     "bind x filter \xed\xa0\x80\n", "bind x filter \xf4\x90\x80\x80\n",
	                     "bind x filter \xe0\x80\xaf\n", "bind x filter \xe4\xb8\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		keymap_init(km);
		assert_int_equal(keymap_load_text(km, "u.keys", bad[i]), 1);
		assert_non_null(strstr(km->errors[0], "u.keys:1: not UTF-8"));
	}
	keymap_init(km);
	assert_int_equal(keymap_load_text(km, "u.keys", "[panes]\nbind x filter inst:\xe5\x8f\xb0 \xf0\x9f\x98\x80\n"),
	                 0);
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'x'), "filter inst:\xe5\x8f\xb0 \xf0\x9f\x98\x80");
}

/* A file saved with a UTF-8 byte order mark (Windows editors) loads: the
 * mark is not part of its first line. */
static void test_bom(void **state)
{
	struct keymap *km = *state;
	assert_int_equal(keymap_load_text(km, "bom.keys", "\xef\xbb\xbf# mine\nbind x quit\n"), 0);
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'x'), "quit");
	keymap_init(km);
	assert_int_equal(keymap_load_text(km, "bom.keys",
	                                  "\xef\xbb\xbf"
	                                  "bind y quit\n"),
	                 0);
	assert_string_equal(lookup(km, CTX_ALERTS, CTX_ALERTS, 'y'), "quit");
}

/* A keymap path that is a FIFO (or any special file) is refused at once:
 * opening it must not wait for a writer, or soctop would hang at start.
 * The alarm turns a hang into a failure. */
static void test_fifo_refused(void **state)
{
	struct keymap *km = *state;
	char dir[] = "/tmp/soctop-keymap-fifo-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/keys", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(5);
	int rc = keymap_load_file(km, path);
	alarm(0);
	unlink(path);
	rmdir(dir);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(km->errors[0], "not a regular file"));
}

static void test_key_names(void **state)
{
	(void)state;
	char buf[32];
	const char *names[] = {"a",         "?",  "Space", "Tab", "S-Tab", "Enter", "Esc",
	                       "Backspace", "Up", "PgDn",  "F5",  "C-l",   "請"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int k = keymap_key_parse(names[i]);
		assert_true(k >= 0);
		assert_string_equal(keymap_key_name(k, buf, sizeof buf), names[i]);
	}
	assert_int_equal(keymap_key_parse("Escape"), 27);
	assert_int_equal(keymap_key_parse(""), -1);
	assert_int_equal(keymap_key_parse("ab"), -1);
	assert_int_equal(keymap_key_parse("F13"), -1);
	assert_int_equal(keymap_key_parse("C-"), -1);
	assert_int_equal(keymap_key_parse(" "), -1);
	assert_int_equal(keymap_code(8, 0), keymap_code(KEY_BACKSPACE, 1));
	assert_int_equal(keymap_code('\n', 0), keymap_code('\r', 0));
}

struct help_out {
	char text[16384];
	int headings;
};

static void collect(const char *line, int is_heading, void *arg)
{
	struct help_out *h = arg;
	size_t used = strlen(h->text);
	snprintf(h->text + used, sizeof h->text - used, "%s\n", line);
	h->headings += is_heading;
}

/* Help is generated from the keymap: what is bound shows, with its keys;
 * what is shadowed or unbound does not. */
static void test_help_generated(void **state)
{
	struct keymap *km = *state;
	keymap_load_text(km, "default", keymap_preset("default"));
	keymap_load_text(km, "user", "bind x quit\nunbind Q\n[tickets]\nunbind S\n");
	enum cmd_ctx chain[4];
	int n = keymap_chain(CTX_TICKETS, CTX_TICKETS, chain, 4);
	struct help_out *h = calloc(1, sizeof *h);
	assert_non_null(h);
	int lines = keymap_help(km, chain, n, collect, h);
	assert_true(lines > 10);
	assert_non_null(strstr(h->text, "Tickets pane:"));
	assert_non_null(strstr(h->text, "Every list pane:"));
	assert_non_null(strstr(h->text, "Everywhere:"));
	assert_non_null(strstr(h->text, "  q, x ")); /* several keys, one line */
	assert_null(strstr(h->text, "Q, "));
	assert_non_null(strstr(h->text, "  s              sort"));
	assert_non_null(strstr(h->text, "ticket.note"));
	assert_null(strstr(h->text, "alert.ack")); /* another pane's */
	assert_non_null(strstr(h->text, "Down, j"));
	/* unbound here: listed as a command to type */
	assert_non_null(strstr(h->text, ":sort-reverse"));
	assert_non_null(strstr(h->text, ":focus PANE"));
	/* the keys hint agrees */
	char keys[64];
	assert_string_equal(keymap_keys_for(km, chain, n, "quit", keys, sizeof keys), "q, x");

	/* details of an alert: its actions and details' own keys; never the
	 * tickets' sort */
	memset(h, 0, sizeof *h);
	n = keymap_chain(CTX_DETAILS, CTX_ALERTS, chain, 4);
	keymap_help(km, chain, n, collect, h);
	assert_non_null(strstr(h->text, "Details screen:"));
	assert_non_null(strstr(h->text, "alert.escalate"));
	assert_null(strstr(h->text, "  s  "));
	/* nor another stream's actions, which cannot act on an alert */
	assert_null(strstr(h->text, "ticket."));
	assert_null(strstr(h->text, "drill.checkin"));
	memset(h, 0, sizeof *h);
	keymap_help(km, chain, keymap_chain(CTX_DETAILS, CTX_TICKETS, chain, 4), collect, h);
	assert_non_null(strstr(h->text, "ticket.note"));
	assert_null(strstr(h->text, "alert."));
	n = keymap_chain(CTX_DETAILS, CTX_ALERTS, chain, 4);
	/* q is back on details, so quit shows only x there */
	assert_string_equal(keymap_keys_for(km, chain, n, "quit", keys, sizeof keys), "x");

	/* read-only: the operator actions vanish from help and lookup */
	cmd_set_readonly(1);
	memset(h, 0, sizeof *h);
	n = keymap_chain(CTX_TICKETS, CTX_TICKETS, chain, 4);
	keymap_help(km, chain, n, collect, h);
	assert_null(strstr(h->text, "ticket."));
	assert_null(keymap_lookup(km, chain, n, 'a'));
	assert_string_equal(keymap_lookup(km, chain, n, 's'), "sort");
	cmd_set_readonly(0);
	free(h);
}

static int called;
static char called_args[100];
static int fake(const struct cmd_call *c, void *arg)
{
	(void)arg;
	called++;
	snprintf(called_args, sizeof called_args, "%s", c->args);
	if (strcmp(c->args, "bad") == 0) {
		snprintf(c->msg, c->msglen, "bad argument");
		return -1;
	}
	return 0;
}

static void test_commands(void **state)
{
	(void)state;
	char msg[200];
	struct cmd_call call = {.msg = msg, .msglen = sizeof msg, .ctx = CTX_ALERTS};
	assert_int_equal(cmd_register("export", "FILE", "write rows", fake, NULL), 0);
	assert_int_equal(cmd_register("Bad Name", NULL, "x", fake, NULL), -1);
	assert_int_equal(cmd_register("", NULL, "x", fake, NULL), -1);
	called = 0;
	assert_int_equal(cmd_run(":export  /tmp/x.csv  ", &call), 0);
	assert_int_equal(called, 1);
	assert_string_equal(called_args, "/tmp/x.csv");
	assert_int_equal(cmd_run("export bad", &call), -1);
	assert_string_equal(msg, "bad argument");
	assert_int_equal(cmd_run("nosuch", &call), -1);
	assert_non_null(strstr(msg, "unknown command 'nosuch'"));
	assert_int_equal(cmd_run("export\x1b[2J", &call), -1);
	assert_non_null(strstr(msg, "control"));
	assert_int_equal(cmd_run("   ", &call), -1);
	/* a no-argument command refuses arguments; a pane-only one elsewhere */
	assert_int_equal(cmd_run("zoom please", &call), -1);
	assert_non_null(strstr(msg, "no arguments"));
	assert_int_equal(cmd_run("sort", &call), -1);
	assert_non_null(strstr(msg, "not available"));
	/* read-only hides outbound commands */
	struct cmd_spec s = {"send-it", NULL, "send", 0, CMD_OUTBOUND, fake, NULL};
	assert_int_equal(cmd_register_spec(&s), 0);
	assert_true(cmd_find("send-it", NULL) >= 0);
	cmd_set_readonly(1);
	assert_int_equal(cmd_find("send-it", NULL), -1);
	assert_int_equal(cmd_find("alert.ack", NULL), -1);
	assert_true(cmd_known("alert.ack"));
	assert_int_equal(cmd_run("send-it", &call), -1);
	cmd_set_readonly(0);
}

static void test_completion_and_history(void **state)
{
	(void)state;
	char out[200], hint[200];
	assert_int_equal(cmd_complete("zo", out, sizeof out, hint, sizeof hint), 1);
	assert_string_equal(out, "zoom ");
	assert_true(cmd_complete("focus", out, sizeof out, hint, sizeof hint) >= 3);
	assert_string_equal(out, "focus");
	assert_non_null(strstr(hint, "focus-next"));
	assert_int_equal(cmd_complete("qqq", out, sizeof out, hint, sizeof hint), 0);
	assert_string_equal(out, "qqq");
	assert_int_equal(cmd_complete("layout al", out, sizeof out, hint, sizeof hint), 0);
	cmd_set_readonly(1);
	assert_int_equal(cmd_complete("alert.", out, sizeof out, hint, sizeof hint), 0);
	cmd_set_readonly(0);
	assert_int_equal(cmd_complete("alert.", out, sizeof out, hint, sizeof hint), 3);

	/* the prompt: Tab completes, Up/Down walk the history */
	static struct prompt_history hist;
	static struct prompt p;
	memset(&hist, 0, sizeof hist);
	prompt_history_add(&hist, "zoom");
	prompt_history_add(&hist, "layout alerts");
	prompt_history_add(&hist, "layout alerts"); /* repeat: kept once */
	prompt_history_add(&hist, "");
	assert_int_equal(hist.n, 2);
	prompt_line(&p, ":", &hist, cmd_complete, NULL);
	char v[PROMPT_LINE_MAX];
	prompt_key(&p, 'z', 0);
	prompt_key(&p, 'o', 0);
	prompt_key(&p, '\t', 0);
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "zoom ");
	prompt_key(&p, KEY_UP, 1);
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "layout alerts");
	prompt_key(&p, KEY_UP, 1);
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "zoom");
	prompt_key(&p, KEY_UP, 1); /* the oldest stays */
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "zoom");
	prompt_key(&p, KEY_DOWN, 1);
	prompt_key(&p, KEY_DOWN, 1);
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "");
	assert_int_equal(prompt_key(&p, '\r', 0), PROMPT_DONE);
	for (int i = 0; i < PROMPT_HISTORY_MAX + 5; i++) {
		char line[20];
		snprintf(line, sizeof line, "cmd%d", i);
		prompt_history_add(&hist, line);
	}
	assert_int_equal(hist.n, PROMPT_HISTORY_MAX);
	assert_string_equal(hist.items[PROMPT_HISTORY_MAX - 1], "cmd54");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_presets_load_clean, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user_rebind_unbind, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readme_example, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_and_hostile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_strict_utf8, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bom, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fifo_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_help_generated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_completion_and_history, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
