/* tui/keymap.c - see keymap.h. Keymap files are hostile input: lines are
 * bounded, control characters and bad UTF-8 refused, every error reported
 * with its line, and a bad line never stops the rest. */
#include "tui/keymap.h"
#include "tui/i18n.h"
#include "tui/text.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The built-in presets: keymaps/NAME.keys, embedded by the Makefile. */
struct keymap_preset_data {
	const char *name;
	const unsigned char *text;
	size_t len;
};
extern const struct keymap_preset_data keymap_preset_table[];
extern const int keymap_npresets;

#define INCLUDE_DEPTH_MAX 4

static const struct {
	const char *name;
	int key;
} key_names[] = {
    {"Space", ' '},
    {"Tab", '\t'},
    {"S-Tab", KEYMAP_FN | KEY_BTAB},
    {"Enter", '\r'},
    {"Esc", 27},
    {"Backspace", 127},
    {"Up", KEYMAP_FN | KEY_UP},
    {"Down", KEYMAP_FN | KEY_DOWN},
    {"Left", KEYMAP_FN | KEY_LEFT},
    {"Right", KEYMAP_FN | KEY_RIGHT},
    {"PgUp", KEYMAP_FN | KEY_PPAGE},
    {"PgDn", KEYMAP_FN | KEY_NPAGE},
    {"Home", KEYMAP_FN | KEY_HOME},
    {"End", KEYMAP_FN | KEY_END},
    {"Insert", KEYMAP_FN | KEY_IC},
    {"Delete", KEYMAP_FN | KEY_DC},
    /* aliases: accepted, never shown */
    {"Escape", 27},
    {"Return", '\r'},
    {"BTab", KEYMAP_FN | KEY_BTAB},
    {"PageUp", KEYMAP_FN | KEY_PPAGE},
    {"PageDown", KEYMAP_FN | KEY_NPAGE},
};

int keymap_code(unsigned ch, int is_key)
{
	if (is_key) {
		if (ch == KEY_ENTER)
			return '\r';
		if (ch == KEY_BACKSPACE)
			return 127;
		return KEYMAP_FN | (int)(ch & 0xffff);
	}
	if (ch == '\n')
		return '\r';
	if (ch == 8)
		return 127;
	return (int)(ch & 0x1fffff);
}

const char *keymap_key_name(int key, char *buf, size_t n)
{
	if (n == 0)
		return buf;
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].key == key) {
			snprintf(buf, n, "%s", key_names[i].name);
			return buf;
		}
	if (key & KEYMAP_FN) {
		int k = key & ~KEYMAP_FN;
		if (k >= KEY_F(1) && k <= KEY_F(12))
			snprintf(buf, n, "F%d", k - KEY_F0);
		else
			snprintf(buf, n, "key%d", k);
	} else if (key >= 1 && key <= 26) {
		snprintf(buf, n, "C-%c", 'a' + key - 1);
	} else if (key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0)) {
		snprintf(buf, n, "0x%02x", key);
	} else {
		/* one character as UTF-8 */
		char u[5] = {0};
		unsigned c = (unsigned)key;
		if (c < 0x80) {
			u[0] = (char)c;
		} else if (c < 0x800) {
			u[0] = (char)(0xc0 | (c >> 6));
			u[1] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			u[0] = (char)(0xe0 | (c >> 12));
			u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[2] = (char)(0x80 | (c & 0x3f));
		} else {
			u[0] = (char)(0xf0 | (c >> 18));
			u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[3] = (char)(0x80 | (c & 0x3f));
		}
		snprintf(buf, n, "%s", u);
	}
	return buf;
}

/* One UTF-8 character filling all of s: its code point, or -1. */
static int one_utf8_char(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c;
	int len;
	if (u[0] < 0x80) {
		c = u[0];
		len = 1;
	} else if ((u[0] & 0xe0) == 0xc0) {
		c = u[0] & 0x1f;
		len = 2;
	} else if ((u[0] & 0xf0) == 0xe0) {
		c = u[0] & 0x0f;
		len = 3;
	} else if ((u[0] & 0xf8) == 0xf0) {
		c = u[0] & 0x07;
		len = 4;
	} else {
		return -1;
	}
	for (int i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (u[len] != '\0')
		return -1;
	static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) || c < 0x21 || c == 0x7f ||
	    (c >= 0x80 && c < 0xa0))
		return -1;
	return (int)c;
}

int keymap_key_parse(const char *name)
{
	if (!name || !name[0])
		return -1;
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strcmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	if (name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z' && !name[3])
		return keymap_code((unsigned)(name[2] - 'a' + 1), 0);
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		char *end;
		long f = strtol(name + 1, &end, 10);
		if (!*end && f >= 1 && f <= 12)
			return KEYMAP_FN | KEY_F((int)f);
	}
	return one_utf8_char(name);
}

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof *km);
}

const char *keymap_user_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int k = -1;
	if (xdg && xdg[0] == '/')
		k = snprintf(buf, n, "%s/soctop/keys", xdg);
	else if (home && home[0])
		k = snprintf(buf, n, "%s/.config/soctop/keys", home);
	if (k < 0 || (size_t)k >= n)
		buf[0] = '\0';
	return buf;
}

const char *keymap_preset_names(void)
{
	static char names[200];
	size_t used = 0;
	names[0] = '\0';
	for (int i = 0; i < keymap_npresets; i++) {
		int k = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", keymap_preset_table[i].name);
		if (k < 0 || (size_t)k >= sizeof names - used)
			break;
		used += (size_t)k;
	}
	return names;
}

const char *keymap_preset(const char *name)
{
	for (int i = 0; name && i < keymap_npresets; i++)
		if (strcmp(keymap_preset_table[i].name, name) == 0)
			return (const char *)keymap_preset_table[i].text;
	return NULL;
}

static void add_error(struct keymap *km, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add_error(struct keymap *km, const char *file, int line, const char *fmt, ...)
{
	char what[240];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	size_t flen = strlen(file);
	if (flen > 60) /* the end of a long path is the telling part */
		file += flen - 60;
	if (km->nerrors < KEYMAP_MAX_ERRORS) {
		if (line > 0)
			snprintf(km->errors[km->nerrors], sizeof km->errors[0], "%s:%d: %s", file, line, what);
		else
			snprintf(km->errors[km->nerrors], sizeof km->errors[0], "%s: %s", file, what);
	}
	km->nerrors++;
}

static struct keymap_binding *find_binding(struct keymap *km, int ctx, int key)
{
	for (int i = 0; i < km->n; i++)
		if (km->b[i].ctx == ctx && km->b[i].key == key)
			return &km->b[i];
	return NULL;
}

static void unbind(struct keymap *km, int ctx, int key)
{
	struct keymap_binding *b = find_binding(km, ctx, key);
	if (!b)
		return;
	size_t i = (size_t)(b - km->b);
	memmove(&km->b[i], &km->b[i + 1], (size_t)(km->n - (int)i - 1) * sizeof km->b[0]);
	km->n--;
}

/* Whether a command with where applies in section ctx. */
static int applies_in(unsigned where, int ctx)
{
	if (where & CTX_BIT(ctx))
		return 1;
	/* [panes] holds what every list pane shares */
	return ctx >= CTX_ALERTS && ctx <= CTX_ADVISORIES && (where & CTX_BIT(CTX_PANES));
}

/* Split off the next word of *s (spaces); NULL at the end. */
static char *next_word(char **s)
{
	char *p = *s;
	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	char *w = p;
	while (*p && *p != ' ')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return w;
}

static int load_text(struct keymap *km, const char *name, const char *text, size_t len, int depth);

static void parse_line(struct keymap *km, const char *name, int lineno, char *line, int *ctx, int depth)
{
	char *s = line;
	char *end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		*--end = '\0';
	while (*s == ' ')
		s++;
	if (!*s || *s == '#')
		return;
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (!close || close[1]) {
			add_error(km, name, lineno, "a section is written [NAME]");
			*ctx = -1;
			return;
		}
		*close = '\0';
		int c = cmd_ctx_find(s + 1);
		if (c < 0) {
			add_error(km, name, lineno,
			          "unknown section [%.40s] (sections: global, panes, alerts, tickets, vendors, drills, "
			          "advisories, details, help)",
			          s + 1);
			*ctx = -1; /* its lines are skipped, not bound somewhere else */
			return;
		}
		*ctx = c;
		return;
	}
	char *verb = next_word(&s);
	if (strcmp(verb, "include") == 0) {
		char *what = next_word(&s);
		const char *text = what ? keymap_preset(what) : NULL;
		if (!what || next_word(&s)) {
			add_error(km, name, lineno, "include takes one preset name (%s)", keymap_preset_names());
		} else if (!text) {
			add_error(km, name, lineno, "include %.40s: no such preset (%s)", what, keymap_preset_names());
		} else if (depth >= INCLUDE_DEPTH_MAX) {
			add_error(km, name, lineno, "include %.40s: includes nested too deep", what);
		} else {
			char inc[64];
			snprintf(inc, sizeof inc, "%.40s.keys", what);
			load_text(km, inc, text, strlen(text), depth + 1);
			/* after an include the including file goes on where it was */
		}
		return;
	}
	int is_bind = strcmp(verb, "bind") == 0;
	if (!is_bind && strcmp(verb, "unbind") != 0) {
		add_error(km, name, lineno,
		          "'%.40s': a line is bind KEY COMMAND, unbind KEY, include PRESET or [SECTION]", verb);
		return;
	}
	if (*ctx < 0)
		return; /* inside an unknown section: reported at its header */
	char *keyname = next_word(&s);
	if (!keyname) {
		add_error(km, name, lineno, "%s: which key?", verb);
		return;
	}
	int key = keymap_key_parse(keyname);
	if (key < 0) {
		add_error(
		    km, name, lineno,
		    "unknown key '%.40s' (one character, or Space Tab S-Tab Enter Esc Backspace Up Down Left Right "
		    "PgUp PgDn Home End Insert Delete F1-F12 C-a-C-z)",
		    keyname);
		return;
	}
	if (keyname[0] == 'C' && keyname[1] == '-' && strchr("hijm", keyname[2])) {
		char alias[32];
		add_error(km, name, lineno, "%s is the same key as %s on a terminal: write %s", keyname,
		          keymap_key_name(key, alias, sizeof alias), alias);
		return;
	}
	if (!is_bind) {
		if (next_word(&s))
			add_error(km, name, lineno, "unbind takes one key");
		else
			unbind(km, *ctx, key);
		return;
	}
	char *cmdname = next_word(&s);
	if (!cmdname) {
		add_error(km, name, lineno, "bind %.40s: which command?", keyname);
		return;
	}
	while (*s == ' ')
		s++;
	if (!cmd_known(cmdname)) {
		add_error(km, name, lineno, "bind %.40s: unknown command '%.40s'", keyname, cmdname);
		return;
	}
	struct cmd_info info;
	int absent = cmd_find(cmdname, &info) < 0; /* read-only hides it: keep the binding, it stays inert */
	if (!absent && !applies_in(info.where, *ctx)) {
		add_error(km, name, lineno, "bind %.40s: %s does not apply in [%s]", keyname, cmdname,
		          cmd_ctx_name((enum cmd_ctx) * ctx));
		return;
	}
	if (!absent && *s && !info.args_hint[0]) {
		add_error(km, name, lineno, "bind %.40s: %s takes no arguments", keyname, cmdname);
		return;
	}
	char full[KEYMAP_LINE_MAX];
	snprintf(full, sizeof full, "%s%s%s", cmdname, *s ? " " : "", s);
	if (strlen(full) > KEYMAP_CMD_MAX) {
		add_error(km, name, lineno, "bind %.40s: the command is longer than %d bytes", keyname, KEYMAP_CMD_MAX);
		return;
	}
	struct keymap_binding *b = find_binding(km, *ctx, key);
	if (!b) {
		if (km->n >= KEYMAP_MAX_BINDINGS) {
			add_error(km, name, lineno, "more than %d bindings", KEYMAP_MAX_BINDINGS);
			return;
		}
		b = &km->b[km->n++];
		b->ctx = (unsigned char)*ctx;
		b->key = key;
	}
	snprintf(b->cmd, sizeof b->cmd, "%s", full);
}

/* Printable UTF-8 without control characters (tabs become spaces). */
static const char *check_line(char *line)
{
	const unsigned char *u = (const unsigned char *)line;
	for (size_t i = 0; u[i];) {
		if (u[i] == '\t') {
			line[i++] = ' ';
			continue;
		}
		if (u[i] < 0x20 || u[i] == 0x7f)
			return "control character in the line";
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		int len = text_utf8_len(u + i);
		if (!len)
			return "not UTF-8";
		i += (size_t)len;
	}
	return NULL;
}

static int load_text(struct keymap *km, const char *name, const char *text, size_t len, int depth)
{
	int before = km->nerrors;
	int ctx = CTX_GLOBAL;
	int lineno = 0;
	size_t pos = 0;
	char line[KEYMAP_LINE_MAX + 1];
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a UTF-8 byte order mark (Windows editors): not part of line 1 */
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t raw = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t n = raw;
		lineno++;
		if (n > 0 && text[pos + n - 1] == '\r')
			n--; /* CRLF files */
		if (n > KEYMAP_LINE_MAX) {
			add_error(km, name, lineno, "line longer than %d bytes", KEYMAP_LINE_MAX);
		} else if (memchr(text + pos, '\0', n)) {
			add_error(km, name, lineno, "NUL byte in the line");
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			const char *bad = check_line(line);
			if (bad)
				add_error(km, name, lineno, "%s", bad);
			else
				parse_line(km, name, lineno, line, &ctx, depth);
		}
		if (!nl)
			break;
		pos += raw + 1;
	}
	return km->nerrors - before;
}

static void add_source(struct keymap *km, const char *name)
{
	size_t used = strlen(km->sources);
	snprintf(km->sources + used, sizeof km->sources - used, "%s%s", used ? " + " : "", name);
}

int keymap_load_text(struct keymap *km, const char *name, const char *text)
{
	add_source(km, name);
	return load_text(km, name, text, strlen(text), 0);
}

int keymap_load_file(struct keymap *km, const char *path)
{
	/* O_NONBLOCK: a FIFO must not make soctop wait at start for a writer;
	 * it is refused below like any file that is not a regular one. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		add_error(km, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		add_error(km, path, 0, "not a regular file");
		close(fd);
		return -1;
	}
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		add_error(km, path, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (st.st_size > KEYMAP_FILE_MAX) {
		add_error(km, path, 0, "larger than %d bytes", KEYMAP_FILE_MAX);
		fclose(fp);
		return -1;
	}
	char *buf = malloc(KEYMAP_FILE_MAX + 1);
	if (!buf) {
		add_error(km, path, 0, "out of memory");
		fclose(fp);
		return -1;
	}
	size_t n = fread(buf, 1, KEYMAP_FILE_MAX + 1, fp);
	int rerr = ferror(fp);
	fclose(fp);
	if (rerr || n > KEYMAP_FILE_MAX) {
		add_error(km, path, 0, rerr ? "read error" : "larger than the limit");
		free(buf);
		return -1;
	}
	add_source(km, path);
	int bad = load_text(km, path, buf, n, 0);
	free(buf);
	return bad;
}

int keymap_chain(enum cmd_ctx ctx, enum cmd_ctx item_ctx, enum cmd_ctx *chain, int max)
{
	int n = 0;
	enum cmd_ctx tmp[4];
	if (ctx == CTX_DETAILS) {
		tmp[n++] = CTX_DETAILS;
		if (item_ctx >= CTX_ALERTS && item_ctx <= CTX_ADVISORIES)
			tmp[n++] = item_ctx;
	} else if (ctx == CTX_HELP) {
		tmp[n++] = CTX_HELP;
	} else if (ctx >= CTX_ALERTS && ctx <= CTX_ADVISORIES) {
		tmp[n++] = ctx;
		tmp[n++] = CTX_PANES;
	}
	tmp[n++] = CTX_GLOBAL;
	if (n > max)
		n = max;
	memcpy(chain, tmp, (size_t)n * sizeof *chain);
	return n;
}

/* The command name of a bound line, into buf. */
static const char *cmd_word(const char *line, char *buf, size_t n)
{
	size_t k = strcspn(line, " ");
	if (k >= n)
		k = n - 1;
	memcpy(buf, line, k);
	buf[k] = '\0';
	return buf;
}

/* Whether binding b counts at chain position pos. */
static int usable(const struct keymap_binding *b, const enum cmd_ctx *chain, int pos)
{
	char name[CMD_NAME_MAX + 2];
	struct cmd_info info;
	if (cmd_find(cmd_word(b->cmd, name, sizeof name), &info) < 0)
		return 0;
	/* a details chain reaches into the item's pane for item commands only */
	if (chain[0] == CTX_DETAILS && pos > 0 && chain[pos] != CTX_GLOBAL && !(info.flags & CMD_ITEM))
		return 0;
	return 1;
}

static const struct keymap_binding *lookup_binding(const struct keymap *km, const enum cmd_ctx *chain, int nchain,
                                                   int key)
{
	for (int p = 0; p < nchain; p++)
		for (int i = 0; i < km->n; i++)
			if (km->b[i].ctx == chain[p] && km->b[i].key == key && usable(&km->b[i], chain, p))
				return &km->b[i];
	return NULL;
}

const char *keymap_lookup(const struct keymap *km, const enum cmd_ctx *chain, int nchain, int key)
{
	const struct keymap_binding *b = lookup_binding(km, chain, nchain, key);
	return b ? b->cmd : NULL;
}

static const char *heading(enum cmd_ctx c)
{
	switch (c) {
	case CTX_GLOBAL:
		return _("Everywhere");
	case CTX_PANES:
		return _("Every list pane");
	case CTX_ALERTS:
		return _("Alerts pane");
	case CTX_TICKETS:
		return _("Tickets pane");
	case CTX_VENDORS:
		return _("Vendor hours pane");
	case CTX_DRILLS:
		return _("Drills pane");
	case CTX_ADVISORIES:
		return _("Advisories pane");
	case CTX_DETAILS:
		return _("Details screen");
	case CTX_HELP:
		return _("Help screen");
	case CTX_COUNT:
		break;
	}
	return "";
}

/* The reachable keys of ctx (chain position p) bound to exactly cmd. */
static void keys_of(const struct keymap *km, const enum cmd_ctx *chain, int nchain, int p, const char *cmd, char *buf,
                    size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < km->n; i++) {
		const struct keymap_binding *b = &km->b[i];
		if (b->ctx != chain[p] || strcmp(b->cmd, cmd) != 0 || lookup_binding(km, chain, nchain, b->key) != b)
			continue;
		char kn[32];
		keymap_key_name(b->key, kn, sizeof kn);
		int k = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", kn);
		if (k < 0 || (size_t)k >= n - used)
			break;
		used += (size_t)k;
	}
}

int keymap_help(const struct keymap *km, const enum cmd_ctx *chain, int nchain, keymap_help_fn *emit, void *arg)
{
	int lines = 0;
	for (int p = 0; p < nchain; p++) {
		int headed = 0;
		for (int i = 0; i < km->n; i++) {
			const struct keymap_binding *b = &km->b[i];
			if (b->ctx != chain[p] || lookup_binding(km, chain, nchain, b->key) != b)
				continue;
			/* one line per command: at its first reachable binding */
			int seen = 0;
			for (int j = 0; j < i && !seen; j++)
				seen = km->b[j].ctx == chain[p] && strcmp(km->b[j].cmd, b->cmd) == 0 &&
				       lookup_binding(km, chain, nchain, km->b[j].key) == &km->b[j];
			if (seen)
				continue;
			if (!headed) {
				char h[80];
				snprintf(h, sizeof h, "%s:", heading(chain[p]));
				emit(h, 1, arg);
				lines++;
				headed = 1;
			}
			char keys[120], name[CMD_NAME_MAX + 2], line[480];
			struct cmd_info info;
			keys_of(km, chain, nchain, p, b->cmd, keys, sizeof keys);
			cmd_find(cmd_word(b->cmd, name, sizeof name), &info);
			snprintf(line, sizeof line, "  %-14s %-20s %s%s", keys, b->cmd, _(info.help),
			         (info.flags & CMD_OUTBOUND) ? _(" (sent to the backend)") : "");
			emit(line, 0, arg);
			lines++;
		}
	}
	/* The commands of this view that no key reaches: ":NAME" runs them. */
	int headed = 0;
	struct cmd_info info;
	for (int i = 0; cmd_get(i, &info) == 0; i++) {
		char keys[8];
		if (!applies_in(info.where, chain[0]) ||
		    keymap_keys_for(km, chain, nchain, info.name, keys, sizeof keys)[0])
			continue;
		/* on details, only the actions that can act on this item */
		if (chain[0] == CTX_DETAILS && (info.flags & CMD_ITEM) &&
		    !(nchain > 1 && chain[1] != CTX_GLOBAL && applies_in(info.where, chain[1])))
			continue;
		if (!headed) {
			emit(_("Commands without a key (type : and the name):"), 1, arg);
			lines++;
			headed = 1;
		}
		char line[480], name[80];
		snprintf(name, sizeof name, ":%s%s%s", info.name, info.args_hint[0] ? " " : "", info.args_hint);
		snprintf(line, sizeof line, "  %-35s %s%s", name, _(info.help),
		         (info.flags & CMD_OUTBOUND) ? _(" (sent to the backend)") : "");
		emit(line, 0, arg);
		lines++;
	}
	return lines;
}

const char *keymap_keys_for(const struct keymap *km, const enum cmd_ctx *chain, int nchain, const char *command,
                            char *buf, size_t n)
{
	size_t used = 0;
	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (int p = 0; p < nchain; p++) {
		for (int i = 0; i < km->n; i++) {
			const struct keymap_binding *b = &km->b[i];
			if (b->ctx != chain[p] || strcmp(b->cmd, command) != 0 ||
			    lookup_binding(km, chain, nchain, b->key) != b)
				continue;
			char kn[32];
			keymap_key_name(b->key, kn, sizeof kn);
			int k = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", kn);
			if (k < 0 || (size_t)k >= n - used)
				return buf;
			used += (size_t)k;
		}
	}
	return buf;
}
