/* views/filter.c - see filter.h. The SQL text is built only from constant
 * pieces and placeholder numbers; every typed value becomes a parameter. */
#include "views/filter.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client/proto.h"
#include "tui/text.h"

#define LIST_MAX 8

/* Everything a word is looked for in: one string per row. */
#define TEXT_COLUMNS                                                                                                   \
	"lower(coalesce(title, '') || ' ' || id || ' ' || coalesce(inst_name, '') || ' ' || coalesce(inst_id, '') || " \
	"' ' || coalesce(kind, '') || ' ' || coalesce(status, '') || ' ' || coalesce(source, ''))"

enum field {
	F_SEV = FILTER_SEV,
	F_TLP = FILTER_TLP,
	F_STATUS = FILTER_STATUS,
	F_CAT = FILTER_CAT,
	F_INST = FILTER_INST,
	F_SINCE = FILTER_SINCE,
	F_UNTIL = FILTER_UNTIL,
	F_N = FILTER_KINDS
};

static const struct {
	const char *name;
	enum field f;
} field_names[] = {
	{"sev", F_SEV},	      {"severity", F_SEV},    {"tlp", F_TLP},	       {"status", F_STATUS},
	{"cat", F_CAT},	      {"category", F_CAT},    {"kind", F_CAT},	       {"inst", F_INST},
	{"institution", F_INST}, {"since", F_SINCE},   {"after", F_SINCE},      {"until", F_UNTIL},
	{"before", F_UNTIL},
};

enum op {
	OP_IS = FILTER_OP_IS,
	OP_EQ = FILTER_OP_EQ,
	OP_NE = FILTER_OP_NE,
	OP_GE = FILTER_OP_GE,
	OP_GT = FILTER_OP_GT,
	OP_LE = FILTER_OP_LE,
	OP_LT = FILTER_OP_LT
};

struct build {
	struct filter *f;
	size_t used;
	int overflow;
	char *err;
	size_t errlen;
	int kind, op; /* of the term being parsed */
};

static void append(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct build *b, const char *fmt, ...)
{
	va_list ap;
	if (b->overflow)
		return;
	va_start(ap, fmt);
	int k = vsnprintf(b->f->sql + b->used, sizeof b->f->sql - b->used, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof b->f->sql - b->used) {
		b->overflow = 1;
		return;
	}
	b->used += (size_t)k;
}

/* A new parameter: its placeholder number, or -1 when there are too many. */
static int param_text(struct build *b, const char *s, size_t n)
{
	struct filter *f = b->f;
	if (f->np >= FILTER_MAX_PARAMS)
		return -1;
	struct filter_param *p = &f->p[f->np];
	p->is_text = 1;
	if (n > FILTER_TEXT_MAX)
		n = FILTER_TEXT_MAX;
	memcpy(p->s, s, n);
	p->s[n] = '\0';
	return FILTER_PARAM_BASE + f->np++;
}

static int param_int(struct build *b, int64_t v)
{
	struct filter *f = b->f;
	if (f->np >= FILTER_MAX_PARAMS)
		return -1;
	f->p[f->np].is_text = 0;
	f->p[f->np].i = v;
	return FILTER_PARAM_BASE + f->np++;
}

static int fail(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct build *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err, b->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void filter_clear(struct filter *f)
{
	f->text[0] = '\0';
	snprintf(f->sql, sizeof f->sql, "1");
	f->np = 0;
	f->nt = 0;
}

int filter_active(const struct filter *f)
{
	return f->text[0] != '\0';
}

static int level_of(const char *v, int is_tlp)
{
	static const char *const sev[] = {"info", "low", "medium", "high", "critical"};
	static const char *const tlp[] = {"clear", "green", "amber", "amber+strict", "red"};
	const char *const *names = is_tlp ? tlp : sev;
	for (int i = 0; i < 5; i++)
		if (strcasecmp(v, names[i]) == 0)
			return i;
	if (!is_tlp && (strcasecmp(v, "med") == 0))
		return PROTO_SEV_MEDIUM;
	if (!is_tlp && (strcasecmp(v, "crit") == 0))
		return PROTO_SEV_CRITICAL;
	if (is_tlp && strcasecmp(v, "white") == 0)
		return PROTO_TLP_CLEAR;
	if (is_tlp && (strcasecmp(v, "amber-strict") == 0 || strcasecmp(v, "amber_strict") == 0))
		return PROTO_TLP_AMBER_STRICT;
	if (!is_tlp && v[0] >= '0' && v[0] <= '4' && !v[1])
		return v[0] - '0';
	return -1;
}

static const char *op_sql(enum op op)
{
	switch (op) {
	case OP_IS:
	case OP_EQ:
		return "=";
	case OP_NE:
		return "!=";
	case OP_GE:
		return ">=";
	case OP_GT:
		return ">";
	case OP_LE:
		return "<=";
	case OP_LT:
		return "<";
	}
	return "=";
}

/* Split v at commas into items (at most LIST_MAX, none empty). */
static int split_list(struct build *b, const char *term, char *v, char **items)
{
	int n = 0;
	for (char *s = v;;) {
		char *c = strchr(s, ',');
		if (c)
			*c = '\0';
		if (!*s)
			return fail(b, "%s: an empty value in the list", term);
		if (n == LIST_MAX)
			return fail(b, "%s: at most %d values", term, LIST_MAX);
		items[n++] = s;
		if (!c)
			break;
		s = c + 1;
	}
	return n;
}

/* sev and tlp: levels compared as numbers (-1, none, never matches). */
static int term_level(struct build *b, const char *term, enum field fld, enum op op, char *v)
{
	int is_tlp = fld == F_TLP;
	const char *col = is_tlp ? "tlp" : "severity";
	const char *known = is_tlp ? "clear, green, amber, amber+strict, red" : "info, low, medium, high, critical";
	char *items[LIST_MAX];
	int n = split_list(b, term, v, items);
	if (n < 0)
		return -1;
	int lv[LIST_MAX];
	for (int i = 0; i < n; i++) {
		lv[i] = level_of(items[i], is_tlp);
		if (lv[i] < 0)
			return fail(b, "%s: '%.40s' is not a %s (%s)", term, items[i], is_tlp ? "TLP" : "severity",
				    known);
	}
	/* "sev:high" is at or above; "tlp:amber" is exactly */
	if (op == OP_IS)
		op = is_tlp ? OP_EQ : OP_GE;
	if (n > 1 && op != OP_EQ && op != OP_NE)
		return fail(b, "%s: a list of values goes with : = or !=", term);
	if (op == OP_EQ || op == OP_NE) {
		if (op == OP_EQ)
			append(b, "%s IN (", col);
		else /* never the rows with no level at all */
			append(b, "%s >= 0 AND %s NOT IN (", col, col);
		for (int i = 0; i < n; i++) {
			int k = param_int(b, lv[i]);
			if (k < 0)
				return fail(b, "%s: too many values in the filter", term);
			append(b, "%s?%d", i ? ", " : "", k);
		}
		append(b, ")");
		return 0;
	}
	int k = param_int(b, lv[0]);
	if (k < 0)
		return fail(b, "%s: too many values in the filter", term);
	append(b, "%s >= 0 AND %s %s ?%d", col, col, op_sql(op), k);
	return 0;
}

static int term_list(struct build *b, const char *term, const char *col, enum op op, char *v)
{
	if (op != OP_IS && op != OP_EQ && op != OP_NE)
		return fail(b, "%s: only : = and != compare %s", term, col);
	char *items[LIST_MAX];
	int n = split_list(b, term, v, items);
	if (n < 0)
		return -1;
	append(b, "coalesce(%s, '') COLLATE NOCASE %s (", col, op == OP_NE ? "NOT IN" : "IN");
	for (int i = 0; i < n; i++) {
		int k = param_text(b, items[i], strlen(items[i]));
		if (k < 0)
			return fail(b, "%s: too many values in the filter", term);
		append(b, "%s?%d", i ? ", " : "", k);
	}
	append(b, ")");
	return 0;
}

static int term_inst(struct build *b, const char *term, enum op op, const char *v)
{
	if (op != OP_IS && op != OP_EQ && op != OP_NE)
		return fail(b, "%s: only : = and != compare institutions", term);
	int k = param_text(b, v, strlen(v));
	if (k < 0)
		return fail(b, "%s: too many values in the filter", term);
	append(b,
	       "%s(instr(lower(coalesce(inst_name, '')), lower(?%d)) > 0 OR "
	       "instr(lower(coalesce(inst_id, '')), lower(?%d)) > 0)",
	       op == OP_NE ? "NOT " : "", k, k);
	return 0;
}

/* A local time from "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]" (also with a
 * space); *date_only says which. 0 or -1. */
static int parse_local(const char *v, int64_t *ms, int *date_only, int add_day)
{
	int y, mo, d, h = 0, mi = 0, s = 0, used = 0;
	if (sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
		return -1;
	*date_only = v[10] == '\0';
	if (!*date_only) {
		int used2 = 0;
		if ((v[10] != 'T' && v[10] != ' ') ||
		    (sscanf(v + 11, "%2d:%2d%n", &h, &mi, &used2) != 2 || used2 != 5))
			return -1;
		if (v[16] == ':') {
			int used3 = 0;
			if (sscanf(v + 17, "%2d%n", &s, &used3) != 1 || used3 != 2 || v[19])
				return -1;
		} else if (v[16]) {
			return -1;
		}
	}
	if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || h < 0 ||
	    mi < 0 || s < 0)
		return -1;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1) /* 2026-02-31 */
		return -1;
	if (add_day && *date_only) {
		tm.tm_mday += 1;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1)
			return -1;
	}
	*ms = (int64_t)t * 1000;
	return 0;
}

static int term_time(struct build *b, const char *term, enum field fld, enum op op, const char *v, int64_t now_ms)
{
	if (op != OP_IS && op != OP_EQ)
		return fail(b, "%s: write %s:WHEN (since:2h, until:2026-12-01)", term, fld == F_SINCE ? "since" : "until");
	int64_t at;
	char *end;
	long long n = strtoll(v, &end, 10);
	int date_only = 0;
	if (v[0] >= '0' && v[0] <= '9' && end != v && end[0] && !end[1] && strchr("smhdw", end[0]) && n >= 0 &&
	    n <= 100000) {
		static const int64_t unit[] = {['s' - 'a'] = 1000, ['m' - 'a'] = 60000, ['h' - 'a'] = 3600000,
					       ['d' - 'a'] = 86400000, ['w' - 'a'] = 7 * 86400000LL};
		at = now_ms - n * unit[end[0] - 'a'];
	} else if (proto_time_parse(v, &at) == 0) {
		/* RFC 3339, UTC */
	} else if (parse_local(v, &at, &date_only, fld == F_UNTIL) < 0) {
		return fail(b,
			    "%s: '%.40s' is not a time: give an age (30m, 2h, 3d, 1w) or a date (2026-12-01, "
			    "2026-12-01T08:00)",
			    term, v);
	}
	int k = param_int(b, at);
	if (k < 0)
		return fail(b, "%s: too many values in the filter", term);
	append(b, "time %s ?%d", fld == F_SINCE ? ">=" : "<", k);
	return 0;
}

static int term_word(struct build *b, const char *w, size_t n)
{
	int k = param_text(b, w, n);
	if (k < 0)
		return fail(b, "too many terms in the filter");
	append(b, "instr(" TEXT_COLUMNS ", lower(?%d)) > 0", k);
	return 0;
}

/* One field term "name OP value" (value already unquoted). */
static int term_field(struct build *b, const char *term, const char *name, enum op op, char *v, int64_t now_ms)
{
	int f = -1;
	for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
		if (strcasecmp(field_names[i].name, name) == 0)
			f = (int)field_names[i].f;
	if (f < 0)
		return fail(b,
			    "unknown field '%.30s' (fields: sev, tlp, status, cat, inst, since, until; put text "
			    "with : = < > ! in quotes)",
			    name);
	if (!v[0])
		return fail(b, "%s: give a value after the '%s'", term, op == OP_IS ? ":" : op_sql(op));
	b->kind = f;
	b->op = op;
	switch ((enum field)f) {
	case F_SEV:
	case F_TLP:
		return term_level(b, term, (enum field)f, op, v);
	case F_STATUS:
		return term_list(b, term, "status", op, v);
	case F_CAT:
		return term_list(b, term, "kind", op, v);
	case F_INST:
		return term_inst(b, term, op, v);
	case F_SINCE:
	case F_UNTIL:
		return term_time(b, term, (enum field)f, op, v, now_ms);
	case F_N:
		break;
	}
	return -1;
}

/* Printable UTF-8 only. */
static int check_text(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; u[i];) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return -1;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		int len = text_utf8_len(u + i);
		if (!len)
			return -1;
		if (u[i] == 0xc2 && u[i + 1] < 0xa0) /* C1 controls */
			return -1;
		i += (size_t)len;
	}
	return 0;
}

int filter_parse(const char *expr, int64_t now_ms, struct filter *out, char *err, size_t errlen)
{
	struct build b = {out, 0, 0, err, errlen, FILTER_WORD, OP_IS};
	if (errlen)
		err[0] = '\0';
	filter_clear(out);
	size_t len = strlen(expr);
	if (len > FILTER_TEXT_MAX)
		return fail(&b, "the filter is longer than %d bytes", FILTER_TEXT_MAX);
	if (check_text(expr) < 0)
		return fail(&b, "the filter has control characters or is not UTF-8");
	char work[FILTER_TEXT_MAX + 1];
	memcpy(work, expr, len + 1);
	out->sql[0] = '\0';
	size_t lead = strspn(expr, " \t"); /* out->text starts after it */
	int terms = 0;
	char *s = work;
	int rc = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (++terms > FILTER_MAX_TERMS) {
			rc = fail(&b, "at most %d terms in a filter", FILTER_MAX_TERMS);
			break;
		}
		int neg = 0;
		const char *tstart = s, *tend = s;
		int p0 = out->np;
		b.kind = FILTER_WORD;
		b.op = OP_IS;
		if (*s == '-' && s[1] && s[1] != ' ') {
			neg = 1;
			s++;
		}
		append(&b, "%s%s(", terms > 1 ? " AND " : "", neg ? "NOT coalesce(" : "");
		char term[FILTER_TEXT_MAX + 1];
		if (*s == '"') { /* a phrase */
			char *close = strchr(s + 1, '"');
			if (!close) {
				rc = fail(&b, "unterminated quote: %.40s", s);
				break;
			}
			if (close == s + 1) {
				rc = fail(&b, "an empty \"\" searches for nothing");
				break;
			}
			rc = term_word(&b, s + 1, (size_t)(close - s - 1));
			s = close + 1;
			tend = s;
		} else {
			/* up to a space outside quotes */
			char *e = s;
			int inq = 0;
			while (*e && (inq || (*e != ' ' && *e != '\t'))) {
				if (*e == '"')
					inq = !inq;
				e++;
			}
			if (inq) {
				rc = fail(&b, "unterminated quote: %.40s", s);
				break;
			}
			size_t tl = (size_t)(e - s);
			tend = e;
			memcpy(term, s, tl);
			term[tl] = '\0';
			s = *e ? e + 1 : e;
			size_t at = strcspn(term, ":=<>!");
			if (term[at] == '\0') {
				rc = term_word(&b, term, tl);
			} else if (at == 0) {
				rc = fail(&b, "'%.40s': a field name goes before '%c' (sev:high, inst:NAME)", term,
					  term[0]);
			} else {
				char name[32];
				if (at >= sizeof name) {
					rc = fail(&b, "unknown field '%.30s...'", term);
					break;
				}
				memcpy(name, term, at);
				name[at] = '\0';
				char *o = term + at;
				enum op op;
				if (o[0] == ':') {
					op = OP_IS;
					o += 1;
				} else if (o[0] == '!' && o[1] == '=') {
					op = OP_NE;
					o += 2;
				} else if (o[0] == '>' && o[1] == '=') {
					op = OP_GE;
					o += 2;
				} else if (o[0] == '<' && o[1] == '=') {
					op = OP_LE;
					o += 2;
				} else if (o[0] == '>') {
					op = OP_GT;
					o += 1;
				} else if (o[0] == '<') {
					op = OP_LT;
					o += 1;
				} else if (o[0] == '=') {
					op = OP_EQ;
					o += 1;
				} else {
					rc = fail(&b, "'%.40s': unknown operator (use : = != >= > <= <)", term);
					break;
				}
				/* a quoted value: inst:"Bank of Taipei" */
				size_t vl = strlen(o);
				if (vl >= 2 && o[0] == '"' && o[vl - 1] == '"') {
					o[vl - 1] = '\0';
					o++;
				} else if (strchr(o, '"')) {
					rc = fail(&b, "'%.40s': quote the whole value", term);
					break;
				}
				rc = term_field(&b, term, name, op, o, now_ms);
			}
		}
		if (rc < 0)
			break;
		append(&b, neg ? "), 0)" : ")");
		struct filter_term *t = &out->t[out->nt++]; /* terms <= FILTER_MAX_TERMS */
		t->kind = (enum filter_kind)b.kind;
		t->op = (enum filter_op)b.op;
		t->neg = neg;
		t->p0 = p0;
		t->np = out->np - p0;
		t->at = (int)((size_t)(tstart - work) - lead);
		t->len = (int)(tend - tstart);
	}
	if (rc == 0 && b.overflow)
		rc = fail(&b, "the filter is too complex");
	if (rc < 0 || terms == 0) {
		filter_clear(out);
		return rc;
	}
	/* the whole fragment in parentheses, so it can be ANDed anywhere */
	char sql[FILTER_SQL_MAX];
	if ((size_t)snprintf(sql, sizeof sql, "(%s)", out->sql) >= sizeof sql) {
		filter_clear(out);
		return fail(&b, "the filter is too complex");
	}
	memcpy(out->sql, sql, sizeof sql);
	/* kept as typed, spaces trimmed, for the title bar */
	const char *t = expr;
	while (*t == ' ' || *t == '\t')
		t++;
	snprintf(out->text, sizeof out->text, "%s", t);
	size_t tl = strlen(out->text);
	while (tl > 0 && (out->text[tl - 1] == ' ' || out->text[tl - 1] == '\t'))
		out->text[--tl] = '\0';
	return 0;
}

int filter_complete(const char *line, char *out, size_t outlen, char *hint, size_t hintlen)
{
	static const char *const fields[] = {"sev:", "tlp:", "status:", "cat:", "inst:", "since:", "until:"};
	static const char *const sevs[] = {"info", "low", "medium", "high", "critical"};
	static const char *const tlps[] = {"clear", "green", "amber", "amber+strict", "red"};
	const char *const *cands = fields;
	size_t ncands = sizeof fields / sizeof fields[0];
	if (outlen)
		snprintf(out, outlen, "%s", line);
	if (hintlen)
		hint[0] = '\0';
	const char *word = strrchr(line, ' ');
	word = word ? word + 1 : line;
	if (*word == '-')
		word++;
	const char *colon = strchr(word, ':');
	const char *stem = word; /* what the candidates must start with */
	if (colon) {
		size_t fl = (size_t)(colon - word);
		if ((fl == 3 && !strncasecmp(word, "sev", 3)) || (fl == 8 && !strncasecmp(word, "severity", 8)))
			cands = sevs;
		else if (fl == 3 && !strncasecmp(word, "tlp", 3))
			cands = tlps;
		else
			return 0; /* free values: nothing to offer */
		ncands = 5;
		stem = colon + 1;
		const char *comma = strrchr(stem, ',');
		if (comma)
			stem = comma + 1;
	}
	size_t sl = strlen(stem), hused = 0, common = 0;
	int n = 0;
	const char *first = NULL;
	for (size_t i = 0; i < ncands; i++) {
		if (strncasecmp(cands[i], stem, sl) != 0)
			continue;
		if (!first) {
			first = cands[i];
			common = strlen(first);
		} else {
			size_t k = 0;
			while (k < common && first[k] == cands[i][k])
				k++;
			common = k;
		}
		n++;
		int k = hintlen > hused ? snprintf(hint + hused, hintlen - hused, "%s%s", hused ? " " : "", cands[i]) : -1;
		if (k > 0 && (size_t)k < hintlen - hused)
			hused += (size_t)k;
	}
	if (n == 0)
		return 0;
	size_t keep = (size_t)(stem - line);
	int k = snprintf(out, outlen, "%.*s%.*s%s", (int)keep, line, (int)(n == 1 ? strlen(first) : common), first,
			 n == 1 && colon ? " " : "");
	if (k < 0 || (size_t)k >= outlen)
		snprintf(out, outlen, "%s", line);
	return n;
}

/* What each kind filters on, for filter_limit's message. */
static const char *const kind_noun[FILTER_KINDS] = {
    [FILTER_WORD] = "text",    [FILTER_SEV] = "severity",     [FILTER_TLP] = "TLP",    [FILTER_STATUS] = "status",
    [FILTER_CAT] = "category", [FILTER_INST] = "institution", [FILTER_SINCE] = "time", [FILTER_UNTIL] = "time",
};
static const char *const kind_field[FILTER_KINDS] = {
    [FILTER_SEV] = "sev:",   [FILTER_TLP] = "tlp:",     [FILTER_STATUS] = "status:", [FILTER_CAT] = "cat:",
    [FILTER_INST] = "inst:", [FILTER_SINCE] = "since:", [FILTER_UNTIL] = "until:",
};

int filter_limit(const struct filter *f, unsigned allowed, const char *pane, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	for (int i = 0; i < f->nt; i++) {
		const struct filter_term *t = &f->t[i];
		if (t->kind == FILTER_WORD || (t->kind < FILTER_KINDS && (allowed & (1u << t->kind))))
			continue;
		/* what the pane can use instead, in the language's order */
		char can[96] = "words";
		size_t used = strlen(can);
		for (int k = 1; k < FILTER_KINDS; k++) {
			if (!(allowed & (1u << k)) || (k == FILTER_UNTIL && (allowed & (1u << FILTER_SINCE))))
				continue;
			int n = snprintf(can + used, sizeof can - used, ", %s", kind_field[k]);
			if (n < 0 || (size_t)n >= sizeof can - used)
				break;
			used += (size_t)n;
		}
		const char *noun = t->kind < FILTER_KINDS ? kind_noun[t->kind] : "field";
		snprintf(err, errlen, "%.*s: the %s pane has no %s to filter on (it takes %s)",
		         t->len > 40 ? 40 : t->len, f->text + t->at, pane, noun, can);
		return -1;
	}
	return 0;
}

/* ASCII case folding only, whatever the locale: SQLite's lower() and
 * NOCASE fold nothing else. */
static int fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int equal_fold(const char *a, const char *b)
{
	for (; *a && fold((unsigned char)*a) == fold((unsigned char)*b); a++, b++)
		;
	return *a == *b;
}

/* Whether needle is in hay, as instr(lower(hay), lower(needle)) > 0. */
static int contains_fold(const char *hay, const char *needle)
{
	if (!hay)
		hay = "";
	size_t nl = strlen(needle), hl = strlen(hay);
	for (size_t i = 0; i + nl <= hl; i++) {
		size_t k = 0;
		while (k < nl && fold((unsigned char)hay[i + k]) == fold((unsigned char)needle[k]))
			k++;
		if (k == nl)
			return 1;
	}
	return 0;
}

static int term_holds(const struct filter *f, const struct filter_term *t, const struct filter_row *row)
{
	const struct filter_param *p = &f->p[t->p0];
	switch (t->kind) {
	case FILTER_WORD:
		for (size_t i = 0; i < sizeof row->text / sizeof row->text[0]; i++)
			if (t->np == 1 && row->text[i] && contains_fold(row->text[i], p->s))
				return 1;
		return 0;
	case FILTER_INST: {
		int in = t->np == 1 && (contains_fold(row->inst_name, p->s) || contains_fold(row->inst_id, p->s));
		return t->op == FILTER_OP_NE ? !in : in;
	}
	case FILTER_STATUS: {
		const char *st = row->status ? row->status : "";
		int in = 0;
		for (int i = 0; i < t->np && !in; i++)
			in = p[i].is_text && equal_fold(st, p[i].s);
		return t->op == FILTER_OP_NE ? !in : in;
	}
	default:
		return 0;
	}
}

int filter_match_row(const struct filter *f, const struct filter_row *row)
{
	for (int i = 0; i < f->nt; i++) {
		const struct filter_term *t = &f->t[i];
		if (t->p0 < 0 || t->np < 0 || t->p0 + t->np > f->np)
			return 0;
		if (term_holds(f, t, row) == t->neg)
			return 0;
	}
	return 1;
}

int filter_bind(const struct filter *f, sqlite3_stmt *st)
{
	for (int i = 0; i < f->np; i++) {
		int rc = f->p[i].is_text
				 ? sqlite3_bind_text(st, FILTER_PARAM_BASE + i, f->p[i].s, -1, SQLITE_TRANSIENT)
				 : sqlite3_bind_int64(st, FILTER_PARAM_BASE + i, f->p[i].i);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}
