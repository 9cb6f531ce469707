/* tui/command.c - see command.h. */
#include "tui/command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD_ARGS_HINT_MAX 47
#define CMD_HELP_MAX      119
#define CMD_LINE_MAX      1024

struct cmd {
	char name[CMD_NAME_MAX + 1];
	char args_hint[CMD_ARGS_HINT_MAX + 1];
	char help[CMD_HELP_MAX + 1];
	unsigned where, flags;
	cmd_fn *fn;
	void *arg;
};

static struct cmd table[CMD_MAX];
static int ncmds;
static int readonly;

static const char *const ctx_names[CTX_COUNT] = {
    [CTX_GLOBAL] = "global",         [CTX_PANES] = "panes",     [CTX_ALERTS] = "alerts",
    [CTX_TICKETS] = "tickets",       [CTX_VENDORS] = "vendors", [CTX_DRILLS] = "drills",
    [CTX_ADVISORIES] = "advisories", [CTX_DETAILS] = "details", [CTX_HELP] = "help",
};

const char *cmd_ctx_name(enum cmd_ctx c)
{
	return (unsigned)c < CTX_COUNT ? ctx_names[c] : NULL;
}

int cmd_ctx_find(const char *name)
{
	for (int i = 0; i < CTX_COUNT; i++)
		if (strcmp(ctx_names[i], name) == 0)
			return i;
	return -1;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > CMD_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static struct cmd *lookup(const char *name)
{
	for (int i = 0; i < ncmds; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

static int visible(const struct cmd *c)
{
	return !(readonly && (c->flags & CMD_OUTBOUND));
}

int cmd_register_spec(const struct cmd_spec *spec)
{
	if (!spec || !spec->name || !valid_name(spec->name) || !spec->fn)
		return -1;
	struct cmd *c = lookup(spec->name);
	if (!c) {
		if (ncmds >= CMD_MAX)
			return -1;
		c = &table[ncmds++];
	}
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", spec->name);
	snprintf(c->args_hint, sizeof c->args_hint, "%s", spec->args_hint ? spec->args_hint : "");
	snprintf(c->help, sizeof c->help, "%s", spec->help ? spec->help : "");
	c->where = spec->where ? spec->where : CMD_ANYWHERE;
	c->flags = spec->flags;
	c->fn = spec->fn;
	c->arg = spec->arg;
	return 0;
}

int cmd_register(const char *name, const char *args_hint, const char *help, cmd_fn *fn, void *arg)
{
	struct cmd_spec s = {name, args_hint, help, CMD_ANYWHERE, 0, fn, arg};
	return cmd_register_spec(&s);
}

void cmd_clear(void)
{
	memset(table, 0, sizeof table);
	ncmds = 0;
	readonly = 0;
}

void cmd_set_readonly(int on)
{
	readonly = on ? 1 : 0;
}

int cmd_readonly(void)
{
	return readonly;
}

static void fill_info(const struct cmd *c, struct cmd_info *info)
{
	if (!info)
		return;
	info->name = c->name;
	info->args_hint = c->args_hint;
	info->help = c->help;
	info->where = c->where;
	info->flags = c->flags;
}

int cmd_find(const char *name, struct cmd_info *info)
{
	const struct cmd *c = name ? lookup(name) : NULL;
	if (!c || !visible(c))
		return -1;
	fill_info(c, info);
	return (int)(c - table);
}

int cmd_known(const char *name)
{
	return name && lookup(name) != NULL;
}

int cmd_get(int i, struct cmd_info *info)
{
	int k = 0;
	for (int j = 0; j < ncmds; j++) {
		if (!visible(&table[j]))
			continue;
		if (k++ == i) {
			fill_info(&table[j], info);
			return 0;
		}
	}
	return -1;
}

static int applies(const struct cmd *c, enum cmd_ctx ctx)
{
	if (c->where & CTX_BIT(ctx))
		return 1;
	return ctx >= CTX_ALERTS && ctx <= CTX_ADVISORIES && (c->where & CTX_BIT(CTX_PANES));
}

int cmd_run(const char *line, struct cmd_call *call)
{
	char buf[CMD_LINE_MAX];
	if (call->msglen)
		call->msg[0] = '\0';
	size_t n = strlen(line);
	if (n >= sizeof buf) {
		snprintf(call->msg, call->msglen, "command too long (at most %d bytes)", CMD_LINE_MAX - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (ch < 0x20 || ch == 0x7f) {
			snprintf(call->msg, call->msglen, "control characters are not allowed in a command");
			return -1;
		}
	}
	memcpy(buf, line, n + 1);
	char *s = buf;
	while (*s == ' ')
		s++;
	if (*s == ':') /* ":quit" typed at the ":" prompt */
		s++;
	char *name = s;
	while (*s && *s != ' ')
		s++;
	if (*s)
		*s++ = '\0';
	while (*s == ' ')
		s++;
	char *end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		*--end = '\0';
	if (!name[0]) {
		snprintf(call->msg, call->msglen, "no command given");
		return -1;
	}
	const struct cmd *c = lookup(name);
	if (!c || !visible(c)) {
		/* a name from the terminal: keep it short and printable */
		snprintf(call->msg, call->msglen, "unknown command '%.40s' (Tab completes, ? lists the keys)", name);
		return -1;
	}
	if (!applies(c, call->ctx)) {
		snprintf(call->msg, call->msglen, "%s: not available in the %s view", c->name, cmd_ctx_name(call->ctx));
		return -1;
	}
	call->name = c->name;
	call->args = s;
	if (!c->args_hint[0] && *s) {
		snprintf(call->msg, call->msglen, "%s takes no arguments", c->name);
		return -1;
	}
	return c->fn(call, c->arg);
}

int cmd_complete(const char *line, char *out, size_t outlen, char *hint, size_t hintlen)
{
	const char *s = line;
	while (*s == ' ')
		s++;
	if (*s == ':')
		s++;
	size_t plen = strlen(s);
	if (outlen)
		snprintf(out, outlen, "%s", line);
	if (hintlen)
		hint[0] = '\0';
	if (strchr(s, ' ')) /* past the name: arguments are the command's business */
		return 0;
	int matches = 0;
	size_t common = 0, hused = 0;
	const struct cmd *first = NULL;
	for (int i = 0; i < ncmds; i++) {
		const struct cmd *c = &table[i];
		if (!visible(c) || strncmp(c->name, s, plen) != 0)
			continue;
		if (!first) {
			first = c;
			common = strlen(c->name);
		} else {
			size_t k = 0;
			while (k < common && first->name[k] == c->name[k])
				k++;
			common = k;
		}
		matches++;
		if (hintlen && hused + strlen(c->name) + 2 < hintlen) {
			int k = snprintf(hint + hused, hintlen - hused, "%s%s", hused ? " " : "", c->name);
			if (k > 0)
				hused += (size_t)k;
		}
	}
	if (matches == 1)
		snprintf(out, outlen, "%s ", first->name);
	else if (matches > 1)
		snprintf(out, outlen, "%.*s", (int)common, first->name);
	return matches;
}
