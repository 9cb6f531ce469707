/* tui/command.h - the command registry: every action soctop can take from
 * the keyboard, by name. A keymap (tui/keymap.h) binds keys to commands,
 * the ":" prompt runs them by name with arguments, and "?" help lists them
 * with their keys. There is one registry per process.
 *
 * Adding a command from another module:
 *
 *     static int cmd_export(const struct cmd_call *c, void *arg)
 *     {
 *             if (!c->args[0]) {
 *                     snprintf(c->msg, c->msglen, "export: give a file name");
 *                     return -1;
 *             }
 *             ... write the file ...
 *             snprintf(c->msg, c->msglen, "exported %d rows to %s", n, c->args);
 *             return 0;
 *     }
 *     cmd_register("export", "FILE", "write the focused pane's rows to FILE", cmd_export, NULL);
 *
 * cmd_register() makes a command usable everywhere (CMD_ANYWHERE); use
 * cmd_register_spec() for a narrower context or flags. A command flagged
 * CMD_OUTBOUND sends something to a backend; cmd_set_readonly(1) makes all
 * of those absent at once: not runnable, not completed, not in help, and
 * their keys fall through as if unbound (a read-only wall display).
 *
 * Register commands before ui_open(), which registers soctop's own and then
 * loads the keymaps: a keymap line naming an unknown command is an error.
 * cmd_set_readonly() may be called before or after. Names are 1-31
 * characters from [a-z0-9._-]. */
#ifndef SOCTOP_COMMAND_H
#define SOCTOP_COMMAND_H

#include <stddef.h>

#include <sqlite3.h>

#include "views/view.h"

/* The contexts a binding lives in and a command applies to: a keymap's
 * [section]s. The panes are in the UI's focus order. */
enum cmd_ctx {
	CTX_GLOBAL,
	CTX_PANES, /* any of the five list panes */
	CTX_ALERTS,
	CTX_TICKETS,
	CTX_VENDORS,
	CTX_DRILLS,
	CTX_ADVISORIES,
	CTX_DETAILS, /* the details screen of one item */
	CTX_HELP,    /* the help screen */
	CTX_COUNT
};
#define CTX_BIT(c)   (1u << (c))
#define CMD_ANYWHERE ((1u << CTX_COUNT) - 1)
#define CMD_LIST_PANES                                                                                                 \
	(CTX_BIT(CTX_PANES) | CTX_BIT(CTX_ALERTS) | CTX_BIT(CTX_TICKETS) | CTX_BIT(CTX_VENDORS) |                      \
	 CTX_BIT(CTX_DRILLS) | CTX_BIT(CTX_ADVISORIES))

/* A context's section name ("alerts"), or NULL. */
const char *cmd_ctx_name(enum cmd_ctx c);
/* The context named name, or -1. */
int cmd_ctx_find(const char *name);

enum {
	CMD_OUTBOUND = 1, /* sends an operator action to a backend */
	CMD_ITEM = 2,     /* acts on the selected item: also offered on its details screen */
};

#define CMD_NAME_MAX 31
#define CMD_MAX      128

/* What a running command sees. msg (msglen bytes, always room for a
 * sentence) is shown on the message line when the command sets it. */
struct cmd_call {
	const char *name;
	const char *args; /* after the name, spaces trimmed; "" when none */
	char *msg;
	size_t msglen;
	enum cmd_ctx ctx;            /* where it was invoked: the focused pane, details or help */
	const char *pane;            /* the focused pane's name ("alerts"), also under details/help */
	const struct filter *filter; /* the focused pane's filter in force (views/filter.h; maybe empty) */
	const struct view_sel *sel;  /* the selected item, or NULL */
	sqlite3 *db;                /* the cache (read it; write through client/cache.h) */
	void *ui;                   /* struct ui, for tui/ui.c's own commands */
};

/* 0 done; -1 failed, msg says why. */
typedef int cmd_fn(const struct cmd_call *call, void *arg);

struct cmd_spec {
	const char *name;
	const char *args_hint; /* "FILE", "[EXPR]"; NULL or "" for none */
	const char *help;      /* one line, for "?" and completion */
	unsigned where;        /* CTX_BIT()s where it applies; 0 = anywhere */
	unsigned flags;        /* CMD_OUTBOUND, CMD_ITEM */
	cmd_fn *fn;
	void *arg;
};

/* Register (the strings are copied). A name registered again replaces the
 * earlier command. 0, or -1 when the name is not valid or the table full. */
int cmd_register_spec(const struct cmd_spec *spec);
int cmd_register(const char *name, const char *args_hint, const char *help, cmd_fn *fn, void *arg);
/* Forget every command (tests, and ui_close). Read-only mode is reset. */
void cmd_clear(void);

/* Read-only: CMD_OUTBOUND commands are absent while on. */
void cmd_set_readonly(int on);
int cmd_readonly(void);

struct cmd_info {
	const char *name, *args_hint, *help;
	unsigned where, flags;
};
/* The command named name (exactly), or -1 when there is none (or it is
 * absent in read-only mode). Fills *info when info is not NULL. */
int cmd_find(const char *name, struct cmd_info *info);
/* Whether name is registered at all, even when read-only hides it. */
int cmd_known(const char *name);
/* The i-th visible command, in registration order: 0 or -1 past the end. */
int cmd_get(int i, struct cmd_info *info);

/* Run a command line "NAME ARGS". The line is untrusted: bounded, control
 * characters refused. call->name/args are filled here; the rest comes from
 * the caller. 0 done, -1 with call->msg filled (unknown command, not here,
 * or the command's own failure). */
int cmd_run(const char *line, struct cmd_call *call);

/* Complete the command name at the start of line (the arguments are left
 * alone). out gets the completed line: the one match and a space, or the
 * longest common prefix of several. hint gets the matches, space separated
 * (cut to hintlen). Returns the number of matches. */
int cmd_complete(const char *line, char *out, size_t outlen, char *hint, size_t hintlen);

#endif
