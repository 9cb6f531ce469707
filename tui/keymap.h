/* tui/keymap.h - key bindings read from keymap files, and the help made
 * from them.
 *
 * A keymap file is lines of:
 *
 *     # a comment
 *     [alerts]                  the context the following lines bind in:
 *                               global, panes, alerts, tickets, vendors,
 *                               drills, advisories, details, help
 *     bind KEY COMMAND [ARGS]   KEY runs ":COMMAND ARGS" (tui/command.h)
 *     unbind KEY                KEY does nothing in this context any more
 *     include PRESET            the built-in keymap PRESET (default, vi, emacs)
 *
 * Lines before any [section] are in [global]. Binding a key again replaces
 * its command; several keys may run one command. KEY is one character ("a",
 * "?", "/") or a name: Space Tab S-Tab Enter Esc Backspace Up Down Left
 * Right PgUp PgDn Home End Insert Delete F1..F12, C-a..C-z (Ctrl). A bad
 * line is reported as "FILE:LINE: what is wrong" and skipped; the rest of
 * the file still loads.
 *
 * Looking a key up walks a chain of contexts: in a list pane its own
 * section, then [panes], then [global]; on a details screen [details], then
 * the item's pane section (its CMD_ITEM commands only), then [global]. The
 * help screen is generated from the same chain, so it always shows the keys
 * that really work. */
#ifndef SOCTOP_KEYMAP_H
#define SOCTOP_KEYMAP_H

#include <stddef.h>

#include "tui/command.h"

/* A key as keymap_code() gives it: a character, or KEYMAP_FN | an ncurses
 * KEY_* code. */
#define KEYMAP_FN 0x40000000

#define KEYMAP_MAX_BINDINGS 512
#define KEYMAP_CMD_MAX      200 /* bytes of a bound command line */
#define KEYMAP_MAX_ERRORS   8
#define KEYMAP_FILE_MAX     (64 * 1024)
#define KEYMAP_LINE_MAX     512

struct keymap_binding {
	unsigned char ctx; /* enum cmd_ctx */
	int key;
	char cmd[KEYMAP_CMD_MAX + 1]; /* "sort", "focus tickets" */
};

struct keymap {
	struct keymap_binding b[KEYMAP_MAX_BINDINGS];
	int n;
	/* the first problems found, "FILE:LINE: ..." */
	char errors[KEYMAP_MAX_ERRORS][320];
	int nerrors;       /* all of them, also past KEYMAP_MAX_ERRORS */
	char sources[300]; /* what was loaded, for the help title: "vi + ~/.config/soctop/keys" */
};

/* One key from ncurses (ch, and whether it is a KEY_* code) as a keymap
 * key: Enter, Backspace and Shift-Tab normalised. */
int keymap_code(unsigned ch, int is_key);
/* The name of a key ("j", "Down", "C-l", "Space"), into buf. */
const char *keymap_key_name(int key, char *buf, size_t n);
/* The key named name, or -1. */
int keymap_key_parse(const char *name);

void keymap_init(struct keymap *km);
/* A built-in preset by name ("default", "vi", "emacs"): its text, or NULL. */
const char *keymap_preset(const char *name);
/* Where the user keymap is when no config key says: $XDG_CONFIG_HOME/soctop/keys
 * (an absolute XDG_CONFIG_HOME), else ~/.config/soctop/keys; "" without a
 * home. Into buf, which it returns. */
const char *keymap_user_path(char *buf, size_t n);
/* The preset names, comma separated, for messages. */
const char *keymap_preset_names(void);

/* Add the bindings of text (a keymap file's content); name is used in the
 * messages. Bad lines are recorded in km->errors and skipped. Returns the
 * number of bad lines. Commands must be registered already. */
int keymap_load_text(struct keymap *km, const char *name, const char *text);
/* The same from a file (at most KEYMAP_FILE_MAX bytes). -1 when it cannot
 * be read (recorded as an error too). */
int keymap_load_file(struct keymap *km, const char *path);

/* The context chain for a list pane (CTX_ALERTS..), or for details of an
 * item of pane item_ctx (ctx CTX_DETAILS), or help. Fills chain (up to 4)
 * and returns its length. */
int keymap_chain(enum cmd_ctx ctx, enum cmd_ctx item_ctx, enum cmd_ctx *chain, int max);

/* The command line bound to key along the chain, or NULL. Bindings to
 * commands that are absent (read-only mode) are passed over, and in the
 * item's pane section of a details chain only CMD_ITEM commands count. */
const char *keymap_lookup(const struct keymap *km, const enum cmd_ctx *chain, int nchain, int key);

/* Help for the chain: one line per bound command that the chain really
 * reaches, "KEYS  COMMAND  HELP", grouped under a heading per context
 * ("  Alerts pane:"). Calls emit(line, is_heading, arg) per line. Returns
 * the number of lines. */
typedef void keymap_help_fn(const char *line, int is_heading, void *arg);
int keymap_help(const struct keymap *km, const enum cmd_ctx *chain, int nchain, keymap_help_fn *emit, void *arg);

/* The keys bound to command (exactly, without arguments) in chain, as
 * "a, Enter" into buf; "" when none. For hints like "? help". */
const char *keymap_keys_for(const struct keymap *km, const enum cmd_ctx *chain, int nchain, const char *command,
                            char *buf, size_t n);

#endif
