/* client/proto.c - the soctop.v1 decoder and encoders (docs/PROTOCOL.md).
 *
 * The decoder is the gatekeeper between the backends and the cache: a
 * message it calls PROTO_OK has every field its type requires, of the right
 * JSON type and inside its enumeration, so nothing downstream checks again.
 * Validation is a walk of json_object_get() lookups that allocates nothing;
 * only a failure formats text (a reason naming the field's path). */
#include "proto.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(json_int_t) == sizeof(int64_t), "seq and rev need 64-bit JSON integers");

/* An enumeration as the wire spells it; `what` completes `"x" is not ...`. */
struct penum {
	const char *what;
	const char *const *names;
	int n;
};

#define PENUM(var, what, ...)                                                  \
	static const char *const var##_names[] = {__VA_ARGS__};               \
	static const struct penum var = {what, var##_names,                   \
					 (int)(sizeof var##_names / sizeof var##_names[0])}

/* These three follow enum proto_stream, proto_sev and proto_tlp. */
PENUM(streams_enum, "a stream", "alerts", "advisories", "tickets", "vendors", "drills");
PENUM(sev_enum, "a severity", "info", "low", "medium", "high", "critical");
PENUM(tlp_enum, "a TLP", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED");

PENUM(op_enum, "an op", "upsert", "delete");
PENUM(alert_category, "an alert category", "ddos", "phishing", "malware", "intrusion", "exploit",
      "recon", "policy", "other");
PENUM(alert_status, "an alert status", "new", "acknowledged", "escalated", "closed");
PENUM(resolution_enum, "a resolution", "true_positive", "false_positive", "duplicate", "benign");
PENUM(indicator_type, "an indicator type", "ipv4", "ipv6", "domain", "url", "sha256", "cve");
PENUM(advisory_kind, "an advisory kind", "phishing_site", "phishing_app", "vulnerability",
      "threat_report", "weekly_report", "monthly_report");
PENUM(ticket_status, "a ticket status", "new", "triage", "in_progress", "waiting_vendor",
      "resolved", "closed");
PENUM(draw_state, "a draw state", "requested", "approved", "consumed", "cancelled");
PENUM(drill_kind, "a drill kind", "ddos", "red_blue", "tabletop");
PENUM(drill_phase, "a drill phase", "planned", "approved", "preparing", "running", "debrief",
      "closed");
PENUM(participant_status, "a participant status", "pending", "under_attack", "degraded",
      "mitigated", "recovered", "withdrawn");
PENUM(probe_point, "a probe point", "domestic", "foreign", "cloud");

/* Indexed by enum proto_type. */
static const char *const type_names[] = {
	"", "hello", "event", "snapshot_begin", "snapshot_end", "resumed", "heartbeat", "result", "error",
};

enum { REQ = 0, OPT = 1 };   /* OPT: the key may be absent or null */
#define J_NUMBER JSON_REAL /* for get(): an integer or a real */
#define J_BOOL JSON_TRUE   /* for get(): true or false */
#define QUOTE_LEN 72

/* ---- reasons ---------------------------------------------------------- */

struct vseg {
	const char *name;
	long idx; /* array element, or -1 */
};

/* Where the walk is, so a failure can name the field's full path. */
struct vctx {
	char *err;
	size_t errlen;
	const char *what; /* message type or stream: a reason's first word */
	const char *id;   /* a valid entity id, or NULL */
	const char *buf;  /* the message text, for locating raw members */
	size_t buflen;
	struct vseg seg[8];
	int depth;
};

static void vpush(struct vctx *c, const char *name, long idx)
{
	if (c->depth < (int)(sizeof c->seg / sizeof c->seg[0])) {
		c->seg[c->depth].name = name;
		c->seg[c->depth].idx = idx;
	}
	c->depth++;
}

static void vpop(struct vctx *c)
{
	c->depth--;
}

__attribute__((format(printf, 4, 0))) static void vappendf(char *b, size_t n, size_t *off, const char *fmt,
							 va_list ap)
{
	int r;

	if (*off + 1 >= n)
		return;
	r = vsnprintf(b + *off, n - *off, fmt, ap);
	if (r < 0)
		return;
	*off += (size_t)r;
	if (*off >= n)
		*off = n - 1;
}

__attribute__((format(printf, 4, 5))) static void appendf(char *b, size_t n, size_t *off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappendf(b, n, off, fmt, ap);
	va_end(ap);
}

static size_t utf8_seq_len(unsigned char lead)
{
	if (lead >= 0xf0)
		return 4;
	if (lead >= 0xe0)
		return 3;
	if (lead >= 0xc0)
		return 2;
	return 1;
}

/* Truncation must not leave half a UTF-8 character at the end. */
static void trim_utf8(char *s)
{
	size_t len = strlen(s), i;

	if (len == 0)
		return;
	i = len - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	if (len - i < utf8_seq_len((unsigned char)s[i]))
		s[i] = '\0';
}

/* Writes "what [id]: path.field: reason" into c->err; returns -1 so that a
 * check can `return fail(...)`. */
__attribute__((format(printf, 3, 4))) static int fail(struct vctx *c, const char *field, const char *fmt, ...)
{
	int nseg = c->depth < 8 ? c->depth : 8;
	size_t off = 0;
	va_list ap;

	if (!c->err || c->errlen == 0)
		return -1;
	c->err[0] = '\0';
	appendf(c->err, c->errlen, &off, "%s", c->what);
	if (c->id)
		appendf(c->err, c->errlen, &off, " %s", c->id);
	appendf(c->err, c->errlen, &off, ": ");
	for (int i = 0; i < nseg; i++) {
		appendf(c->err, c->errlen, &off, "%s%s", i ? "." : "", c->seg[i].name);
		if (c->seg[i].idx >= 0)
			appendf(c->err, c->errlen, &off, "[%ld]", c->seg[i].idx);
	}
	if (field)
		appendf(c->err, c->errlen, &off, "%s%s", nseg ? "." : "", field);
	if (nseg || field)
		appendf(c->err, c->errlen, &off, ": ");
	va_start(ap, fmt);
	vappendf(c->err, c->errlen, &off, fmt, ap);
	va_end(ap);
	trim_utf8(c->err);
	return -1;
}

/* s as a short, one-line, double-quoted excerpt for a reason: control
 * characters escaped, long values cut at a character boundary. */
static const char *quote(char *q, size_t n, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, lim = n - 5; /* room for `..."` and the NUL */

	q[o++] = '"';
	while (*p) {
		char e[8];
		size_t el, k;

		if (*p < 0x20 || *p == 0x7f) {
			el = (size_t)snprintf(e, sizeof e, "\\x%02x", *p);
			k = 1;
		} else if (*p == '"' || *p == '\\') {
			e[0] = '\\';
			e[1] = (char)*p;
			el = 2;
			k = 1;
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			el = (size_t)snprintf(e, sizeof e, "\\u%04x", p[1]);
			k = 2;
		} else {
			el = utf8_seq_len(*p);
			for (k = 1; k < el && p[k]; k++)
				;
			el = k;
			memcpy(e, p, el);
		}
		if (o + el > lim) {
			memcpy(q + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(q + o, e, el);
		o += el;
		p += k;
	}
	q[o++] = '"';
	q[o] = '\0';
	return q;
}

static const char *jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

static const char *want_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case J_NUMBER:
		return "a number";
	case J_BOOL:
		return "a boolean";
	default:
		return "null";
	}
}

/* ---- field checks: 1 present and valid, 0 optional and absent or null,
 * -1 invalid (reason written) ------------------------------------------- */

static int get(struct vctx *c, json_t *obj, const char *key, int opt, json_type want, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	int ok;

	*out = NULL;
	if (!v || (opt && json_is_null(v)))
		return opt ? 0 : fail(c, key, "missing");
	switch (want) {
	case J_NUMBER:
		ok = json_is_number(v);
		break;
	case J_BOOL:
		ok = json_is_boolean(v);
		break;
	default:
		ok = json_typeof(v) == want;
		break;
	}
	if (!ok)
		return fail(c, key, "expected %s, got %s", want_name(want), jtype(v));
	*out = v;
	return 1;
}

static int get_str(struct vctx *c, json_t *obj, const char *key, int opt, const char **out)
{
	json_t *v;
	int rc = get(c, obj, key, opt, JSON_STRING, &v);

	if (out)
		*out = rc > 0 ? json_string_value(v) : NULL;
	return rc;
}

static int get_int(struct vctx *c, json_t *obj, const char *key, int opt, int64_t min, int64_t max,
		   int64_t *out)
{
	json_t *v;
	int64_t i;
	int rc = get(c, obj, key, opt, JSON_INTEGER, &v);

	if (rc <= 0)
		return rc;
	i = json_integer_value(v);
	if (i < min || i > max) {
		if (max == INT64_MAX)
			return fail(c, key, "%lld is below %lld", (long long)i, (long long)min);
		return fail(c, key, "%lld is not in %lld..%lld", (long long)i, (long long)min, (long long)max);
	}
	if (out)
		*out = i;
	return 1;
}

/* A quantity: any JSON number >= 0. */
static int get_qty(struct vctx *c, json_t *obj, const char *key, int opt)
{
	json_t *v;
	int rc = get(c, obj, key, opt, J_NUMBER, &v);

	if (rc <= 0)
		return rc;
	if (json_number_value(v) < 0)
		return fail(c, key, "%g is below 0", json_number_value(v));
	return 1;
}

static int get_bool(struct vctx *c, json_t *obj, const char *key, int opt, int *out)
{
	json_t *v;
	int rc = get(c, obj, key, opt, J_BOOL, &v);

	if (rc > 0 && out)
		*out = json_is_true(v);
	return rc;
}

static int get_time(struct vctx *c, json_t *obj, const char *key, int opt, int64_t *ms, const char **s)
{
	char q[QUOTE_LEN];
	const char *t;
	int rc = get_str(c, obj, key, opt, &t);

	if (s)
		*s = t;
	if (rc <= 0)
		return rc;
	if (proto_time_parse(t, ms) < 0)
		return fail(c, key, "%s is not an RFC 3339 UTC time", quote(q, sizeof q, t));
	return 1;
}

static int penum_find(const struct penum *e, const char *s)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->names[i], s) == 0)
			return i;
	return -1;
}

static int get_enum(struct vctx *c, json_t *obj, const char *key, int opt, const struct penum *e, int *idx,
		    const char **s)
{
	char q[QUOTE_LEN];
	const char *v;
	int i, rc = get_str(c, obj, key, opt, &v);

	if (s)
		*s = v;
	if (rc <= 0)
		return rc;
	i = penum_find(e, v);
	if (i < 0)
		return fail(c, key, "%s is not %s", quote(q, sizeof q, v), e->what);
	if (idx)
		*idx = i;
	return 1;
}

static int get_tlp(struct vctx *c, json_t *obj, int *tlp)
{
	const char *s;

	if (get_str(c, obj, "tlp", REQ, &s) < 0)
		return -1;
	*tlp = proto_tlp_parse(s); /* an unknown label reads as RED */
	return 1;
}

static int get_inst(struct vctx *c, json_t *obj, const char *key, const char **id, const char **name)
{
	json_t *o;
	int rc;

	if (get(c, obj, key, REQ, JSON_OBJECT, &o) < 0)
		return -1;
	vpush(c, key, -1);
	rc = get_str(c, o, "id", REQ, id) < 0 || get_str(c, o, "name", REQ, name) < 0 ? -1 : 1;
	vpop(c);
	return rc;
}

/* Ids become cache keys and appear in reports: 1..PROTO_MAX_ID bytes, no
 * control characters (C0, DEL, C1). */
static int check_id(struct vctx *c, const char *key, json_t *v)
{
	const unsigned char *p = (const unsigned char *)json_string_value(v);
	size_t n = json_string_length(v);
	char q[QUOTE_LEN];

	if (n == 0)
		return fail(c, key, "is empty");
	if (n > PROTO_MAX_ID)
		return fail(c, key, "%zu bytes, longer than %d", n, PROTO_MAX_ID);
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f))
			return fail(c, key, "%s contains a control character",
				    quote(q, sizeof q, (const char *)p));
	return 1;
}

static int id_valid(json_t *v)
{
	struct vctx quiet = {0};

	return json_is_string(v) && check_id(&quiet, "id", v) > 0;
}

static int get_epoch(struct vctx *c, json_t *obj, const char **epoch)
{
	json_t *v;
	size_t n;

	if (get(c, obj, "epoch", REQ, JSON_STRING, &v) < 0)
		return -1;
	n = json_string_length(v);
	if (n == 0)
		return fail(c, "epoch", "is empty");
	if (n > PROTO_MAX_EPOCH)
		return fail(c, "epoch", "%zu bytes, longer than %d", n, PROTO_MAX_EPOCH);
	*epoch = json_string_value(v);
	return 1;
}

typedef int (*elem_fn)(struct vctx *c, json_t *o);

/* An array (required unless opt) whose elements are objects fn accepts. */
static int check_array(struct vctx *c, json_t *obj, const char *key, int opt, elem_fn fn)
{
	json_t *a, *o;
	size_t i;
	int rc = get(c, obj, key, opt, JSON_ARRAY, &a);

	if (rc <= 0)
		return rc;
	json_array_foreach(a, i, o)
	{
		vpush(c, key, (long)i);
		if (!json_is_object(o))
			rc = fail(c, NULL, "expected an object, got %s", jtype(o));
		else
			rc = fn(c, o);
		vpop(c);
		if (rc < 0)
			return -1;
	}
	return 1;
}

static int check_str_array(struct vctx *c, json_t *obj, const char *key)
{
	json_t *a, *v;
	size_t i;

	if (get(c, obj, key, REQ, JSON_ARRAY, &a) < 0)
		return -1;
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v)) {
			vpush(c, key, (long)i);
			fail(c, NULL, "expected a string, got %s", jtype(v));
			vpop(c);
			return -1;
		}
	}
	return 1;
}

/* ---- entities ------------------------------------------------------- */

static int check_note(struct vctx *c, json_t *o)
{
	if (get_time(c, o, "time", REQ, NULL, NULL) < 0 || get_str(c, o, "author", REQ, NULL) < 0 ||
	    get_str(c, o, "text", REQ, NULL) < 0)
		return -1;
	return 1;
}

static int check_indicator(struct vctx *c, json_t *o)
{
	if (get_enum(c, o, "type", REQ, &indicator_type, NULL, NULL) < 0 ||
	    get_str(c, o, "value", REQ, NULL) < 0)
		return -1;
	return 1;
}

/* src and dst; only src has a country (in dst it is an unknown field). */
static int check_endpoint(struct vctx *c, json_t *obj, const char *key, int country)
{
	json_t *o;
	int rc = get(c, obj, key, OPT, JSON_OBJECT, &o);

	if (rc <= 0)
		return rc;
	vpush(c, key, -1);
	if (get_str(c, o, "ip", REQ, NULL) < 0 || get_int(c, o, "port", OPT, 0, 65535, NULL) < 0 ||
	    (country && get_str(c, o, "country", OPT, NULL) < 0))
		rc = -1;
	vpop(c);
	return rc;
}

static int check_alert(struct vctx *c, json_t *d, struct proto_entity *e)
{
	json_t *o;
	int64_t n;
	int rc;

	if (get_time(c, d, "time", REQ, &e->time_ms, NULL) < 0 ||
	    get_inst(c, d, "institution", &e->inst_id, &e->inst_name) < 0 ||
	    get_str(c, d, "source", REQ, &e->source) < 0 ||
	    get_enum(c, d, "category", REQ, &alert_category, NULL, &e->kind) < 0 ||
	    get_enum(c, d, "severity", REQ, &sev_enum, &e->severity, NULL) < 0 ||
	    get_str(c, d, "title", REQ, &e->title) < 0 || get_str(c, d, "summary", OPT, NULL) < 0 ||
	    check_endpoint(c, d, "src", 1) < 0 || check_endpoint(c, d, "dst", 0) < 0 ||
	    check_array(c, d, "indicators", REQ, check_indicator) < 0 || get_tlp(c, d, &e->tlp) < 0 ||
	    get_enum(c, d, "status", REQ, &alert_status, NULL, &e->status) < 0 ||
	    get_str(c, d, "assignee", OPT, &e->assignee) < 0 ||
	    get_enum(c, d, "resolution", OPT, &resolution_enum, NULL, NULL) < 0 ||
	    get_str(c, d, "ticket_id", OPT, &e->ticket_id) < 0 || check_array(c, d, "notes", OPT, check_note) < 0)
		return -1;
	rc = get(c, d, "correlation", OPT, JSON_OBJECT, &o);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		vpush(c, "correlation", -1);
		rc = get_str(c, o, "key", REQ, NULL) < 0 || get_int(c, o, "institutions", REQ, 0, INT64_MAX, &n) < 0
			     ? -1
			     : 1;
		vpop(c);
		if (rc < 0)
			return -1;
		e->corr = n > INT_MAX ? INT_MAX : (int)n;
	}
	e->updated_ms = e->time_ms;
	return 1;
}

static int check_advisory(struct vctx *c, json_t *d, struct proto_entity *e)
{
	json_t *cvss;

	if (get_time(c, d, "time", REQ, &e->time_ms, NULL) < 0 ||
	    get_enum(c, d, "kind", REQ, &advisory_kind, NULL, &e->kind) < 0 ||
	    get_str(c, d, "title", REQ, &e->title) < 0 || get_str(c, d, "summary", OPT, NULL) < 0 ||
	    get_tlp(c, d, &e->tlp) < 0 || get_enum(c, d, "severity", REQ, &sev_enum, &e->severity, NULL) < 0 ||
	    get_str(c, d, "cve", OPT, NULL) < 0 || get(c, d, "cvss", OPT, J_NUMBER, &cvss) < 0 ||
	    get_bool(c, d, "exploited", OPT, NULL) < 0 || get_str(c, d, "url", OPT, NULL) < 0 ||
	    check_array(c, d, "indicators", REQ, check_indicator) < 0)
		return -1;
	e->updated_ms = e->time_ms;
	return 1;
}

static int check_ticket(struct vctx *c, json_t *d, struct proto_entity *e)
{
	if (get_time(c, d, "opened", REQ, &e->time_ms, NULL) < 0 ||
	    get_time(c, d, "updated", REQ, &e->updated_ms, NULL) < 0 ||
	    get_inst(c, d, "institution", &e->inst_id, &e->inst_name) < 0 ||
	    get_str(c, d, "title", REQ, &e->title) < 0 ||
	    get_enum(c, d, "severity", REQ, &sev_enum, &e->severity, NULL) < 0 || get_tlp(c, d, &e->tlp) < 0 ||
	    get_enum(c, d, "status", REQ, &ticket_status, NULL, &e->status) < 0 ||
	    get_str(c, d, "assignee", OPT, &e->assignee) < 0 ||
	    (e->has_due = get_time(c, d, "due", OPT, &e->due_ms, NULL)) < 0 ||
	    get_str(c, d, "vendor_id", OPT, NULL) < 0 || get_qty(c, d, "hours_used", REQ) < 0 ||
	    check_str_array(c, d, "alert_ids") < 0 || check_array(c, d, "notes", REQ, check_note) < 0)
		return -1;
	return 1;
}

static int check_draw(struct vctx *c, json_t *o)
{
	if (get_time(c, o, "time", REQ, NULL, NULL) < 0 || get_str(c, o, "ticket_id", REQ, NULL) < 0 ||
	    get_str(c, o, "institution_id", REQ, NULL) < 0 || get_qty(c, o, "hours", REQ) < 0 ||
	    get_enum(c, o, "state", REQ, &draw_state, NULL, NULL) < 0)
		return -1;
	return 1;
}

static int check_vendor(struct vctx *c, json_t *d, struct proto_entity *e)
{
	json_t *o;
	int rc;

	if (get_str(c, d, "name", REQ, &e->title) < 0 || get(c, d, "period", REQ, JSON_OBJECT, &o) < 0)
		return -1;
	vpush(c, "period", -1);
	rc = get_time(c, o, "start", REQ, &e->time_ms, NULL) < 0 || get_time(c, o, "end", REQ, NULL, NULL) < 0
		     ? -1
		     : 1;
	vpop(c);
	if (rc < 0 || get_qty(c, d, "hours_total", REQ) < 0 || get_qty(c, d, "hours_used", REQ) < 0 ||
	    get_qty(c, d, "hours_reserved", REQ) < 0 || get_qty(c, d, "low_water", REQ) < 0 ||
	    check_array(c, d, "draws", REQ, check_draw) < 0)
		return -1;
	e->updated_ms = e->time_ms;
	return 1;
}

static int check_probe(struct vctx *c, json_t *o)
{
	if (get_enum(c, o, "point", REQ, &probe_point, NULL, NULL) < 0 || get_bool(c, o, "ok", REQ, NULL) < 0 ||
	    get_qty(c, o, "latency_ms", OPT) < 0 || get_time(c, o, "checked", REQ, NULL, NULL) < 0)
		return -1;
	return 1;
}

static int check_participant(struct vctx *c, json_t *o)
{
	if (get_inst(c, o, "institution", NULL, NULL) < 0 || get_str(c, o, "target", REQ, NULL) < 0 ||
	    get_enum(c, o, "status", REQ, &participant_status, NULL, NULL) < 0 ||
	    check_array(c, o, "probes", REQ, check_probe) < 0 ||
	    get_time(c, o, "detected_at", OPT, NULL, NULL) < 0 ||
	    get_time(c, o, "reported_at", OPT, NULL, NULL) < 0 ||
	    get_time(c, o, "mitigated_at", OPT, NULL, NULL) < 0)
		return -1;
	return 1;
}

static int check_drill(struct vctx *c, json_t *d, struct proto_entity *e)
{
	json_t *o;
	int rc;

	if (get_str(c, d, "name", REQ, &e->title) < 0 ||
	    get_enum(c, d, "kind", REQ, &drill_kind, NULL, &e->kind) < 0 ||
	    get_enum(c, d, "phase", REQ, &drill_phase, NULL, &e->status) < 0 ||
	    get_time(c, d, "start", REQ, &e->time_ms, NULL) < 0 || get_time(c, d, "end", OPT, NULL, NULL) < 0)
		return -1;
	rc = get(c, d, "attack", OPT, JSON_OBJECT, &o);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		vpush(c, "attack", -1);
		rc = get_str(c, o, "vector", REQ, NULL) < 0 || get_qty(c, o, "gbps", REQ) < 0 ? -1 : 1;
		vpop(c);
		if (rc < 0)
			return -1;
	}
	if (check_array(c, d, "participants", REQ, check_participant) < 0)
		return -1;
	e->updated_ms = e->time_ms;
	return 1;
}

static void ent_clear(struct proto_entity *e, enum proto_stream s)
{
	*e = (struct proto_entity){.stream = s, .severity = -1, .tlp = -1};
}

/* Keep only what identifies an entity that turned out invalid. */
static void ent_keep_identity(struct proto_entity *e)
{
	struct proto_entity k = *e;

	ent_clear(e, k.stream);
	e->id = k.id;
	e->rev = k.rev;
}

/* d is the entity object; want_id is the event's id that data.id must
 * repeat, or NULL when d stands alone (then data.id is the id). */
static int check_entity(struct vctx *c, enum proto_stream s, json_t *d, const char *want_id,
			struct proto_entity *e)
{
	char q[QUOTE_LEN];
	json_t *v;

	if (get(c, d, "id", REQ, JSON_STRING, &v) < 0)
		return -1;
	if (want_id) {
		if (strcmp(json_string_value(v), want_id) != 0)
			return fail(c, "id", "%s is not the event's id", quote(q, sizeof q, json_string_value(v)));
	} else {
		if (check_id(c, "id", v) < 0)
			return -1;
		e->id = json_string_value(v);
	}
	e->data = d;
	switch (s) {
	case PROTO_ALERTS:
		return check_alert(c, d, e);
	case PROTO_ADVISORIES:
		return check_advisory(c, d, e);
	case PROTO_TICKETS:
		return check_ticket(c, d, e);
	case PROTO_VENDORS:
		return check_vendor(c, d, e);
	case PROTO_DRILLS:
		return check_drill(c, d, e);
	case PROTO_NSTREAMS:
		break;
	}
	return fail(c, NULL, "stream %d is not a stream", (int)s);
}

int proto_entity_decode(enum proto_stream stream, json_t *obj, int64_t rev, struct proto_entity *ent, char *err,
			size_t errlen)
{
	struct vctx c = {.err = err, .errlen = errlen, .what = "entity"};
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!ent)
		return fail(&c, NULL, "no entity to fill");
	if ((unsigned)stream >= PROTO_NSTREAMS) {
		ent_clear(ent, PROTO_NSTREAMS);
		return fail(&c, NULL, "stream %d is not a stream", (int)stream);
	}
	ent_clear(ent, stream);
	ent->rev = rev;
	c.what = streams_enum.names[stream];
	if (!obj || !json_is_object(obj))
		return fail(&c, NULL, "expected an object, got %s", obj ? jtype(obj) : "nothing");
	if (id_valid(json_object_get(obj, "id")))
		c.id = json_string_value(json_object_get(obj, "id"));
	if (rev < 0)
		rc = fail(&c, "rev", "%lld is below 0", (long long)rev);
	else
		rc = check_entity(&c, stream, obj, NULL, ent);
	if (rc < 0) {
		ent->id = c.id;
		ent_keep_identity(ent);
		ent->data = obj;
		return PROTO_INVALID;
	}
	return PROTO_OK;
}

/* ---- messages ------------------------------------------------------- */

static int decode_hello(struct vctx *c, json_t *root, struct proto_msg *m)
{
	int64_t n;
	json_t *a, *v;
	size_t i;

	if (get_int(c, root, "protocol", REQ, INT64_MIN, INT64_MAX, &n) < 0)
		return -1;
	if (n != PROTO_VERSION)
		return fail(c, "protocol", "%lld is not supported (this client speaks %d)", (long long)n,
			    PROTO_VERSION);
	m->protocol = PROTO_VERSION;
	if (get_epoch(c, root, &m->epoch) < 0 || get(c, root, "streams", REQ, JSON_ARRAY, &a) < 0)
		return -1;
	json_array_foreach(a, i, v)
	{
		int s;

		if (!json_is_string(v)) {
			vpush(c, "streams", (long)i);
			return fail(c, NULL, "expected a string, got %s", jtype(v));
		}
		s = penum_find(&streams_enum, json_string_value(v));
		if (s >= 0)
			m->streams |= 1u << s;
	}
	if (!m->streams)
		return fail(c, "streams", "names no stream this client knows");
	if (get_int(c, root, "heartbeat_s", REQ, 1, 3600, &n) < 0)
		return -1;
	m->heartbeat_s = (int)n;
	if (get_str(c, root, "backend", OPT, &m->backend) < 0 || get_str(c, root, "server", OPT, &m->server) < 0 ||
	    get_str(c, root, "operator", OPT, &m->operator_name) < 0 ||
	    get_time(c, root, "time", OPT, NULL, &m->time) < 0)
		return -1;
	return 1;
}

static size_t skip_string(const char *b, size_t i, size_t len)
{
	/* b[i] is the opening quote; returns the index after the closing one. */
	for (i++; i < len && b[i] != '"'; i++)
		if (b[i] == '\\')
			i++;
	return i + 1;
}

/* The raw text of the top-level member `key` of a JSON object text that
 * jansson has already accepted (so it is well formed and has no duplicate
 * keys). A key written with escapes is not found: the caller falls back. */
static int raw_member(const char *b, size_t len, const char *key, const char **out, size_t *outlen)
{
	size_t klen = strlen(key), i = 0;
	int depth = 0;
	while (i < len) {
		char ch = b[i];
		if (ch == '"') {
			size_t start = i + 1;
			i = skip_string(b, i, len);
			if (depth != 1 || i - start - 1 != klen || memcmp(b + start, key, klen) != 0)
				continue;
			size_t j = i;
			while (j < len && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r'))
				j++;
			if (j >= len || b[j] != ':')
				continue; /* a value that happens to equal the key */
			j++;
			while (j < len && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r'))
				j++;
			if (j >= len || (b[j] != '{' && b[j] != '['))
				return -1;
			size_t v = j;
			int d = 0;
			while (j < len) {
				if (b[j] == '"') {
					j = skip_string(b, j, len);
					continue;
				}
				if (b[j] == '{' || b[j] == '[')
					d++;
				else if ((b[j] == '}' || b[j] == ']') && --d == 0) {
					*out = b + v;
					*outlen = j + 1 - v;
					return 0;
				}
				j++;
			}
			return -1;
		}
		if (ch == '{' || ch == '[')
			depth++;
		else if (ch == '}' || ch == ']')
			depth--;
		i++;
	}
	return -1;
}

static int decode_event(struct vctx *c, json_t *root, struct proto_msg *m)
{
	char q[QUOTE_LEN];
	json_t *v, *d;
	const char *s;
	int op, si;

	/* What an invalid event still tells the caller: its id and stream. */
	v = json_object_get(root, "id");
	if (id_valid(v))
		m->ent.id = c->id = json_string_value(v);
	v = json_object_get(root, "stream");
	si = json_is_string(v) ? penum_find(&streams_enum, json_string_value(v)) : -1;
	if (si >= 0)
		m->ent.stream = (enum proto_stream)si;

	if (get_int(c, root, "seq", OPT, 1, INT64_MAX, NULL) < 0 || get_str(c, root, "stream", REQ, &s) < 0)
		return -1;
	if (m->ent.stream == PROTO_NSTREAMS)
		return fail(c, "stream", "%s is not a stream", quote(q, sizeof q, s));
	if (get_enum(c, root, "op", REQ, &op_enum, &op, NULL) < 0 ||
	    get(c, root, "id", REQ, JSON_STRING, &v) < 0 || check_id(c, "id", v) < 0 ||
	    get_int(c, root, "rev", REQ, 0, INT64_MAX, &m->ent.rev) < 0)
		return -1;
	m->op_delete = op == 1;
	if (m->op_delete)
		return 1; /* data, if any, is ignored */
	if (get(c, root, "data", REQ, JSON_OBJECT, &d) < 0)
		return -1;
	vpush(c, "data", -1);
	si = check_entity(c, m->ent.stream, d, m->ent.id, &m->ent);
	vpop(c);
	if (si > 0 && c->buf && raw_member(c->buf, c->buflen, "data", &m->ent.data_raw, &m->ent.data_raw_len) < 0) {
		m->ent.data_raw = NULL;
		m->ent.data_raw_len = 0;
	}
	return si;
}

/* snapshot_begin, snapshot_end, resumed */
static int decode_cursor(struct vctx *c, json_t *root, struct proto_msg *m)
{
	if (get_epoch(c, root, &m->epoch) < 0 || get_int(c, root, "seq", REQ, 0, INT64_MAX, NULL) < 0)
		return -1;
	return 1;
}

static int decode_heartbeat(struct vctx *c, json_t *root, struct proto_msg *m)
{
	if (get_int(c, root, "seq", REQ, 0, INT64_MAX, NULL) < 0 ||
	    get_time(c, root, "time", OPT, NULL, &m->time) < 0)
		return -1;
	return 1;
}

static int decode_result(struct vctx *c, json_t *root, struct proto_msg *m)
{
	json_t *o;
	int rc;

	if (get_str(c, root, "action_id", REQ, &m->action_id) < 0 || get_bool(c, root, "ok", REQ, &m->ok) < 0)
		return -1;
	if (m->ok)
		return 1;
	if (get(c, root, "error", REQ, JSON_OBJECT, &o) < 0)
		return -1;
	vpush(c, "error", -1);
	rc = get_str(c, o, "code", REQ, &m->code) < 0 || get_str(c, o, "message", OPT, &m->message) < 0 ? -1 : 1;
	vpop(c);
	if (!m->message)
		m->message = "";
	return rc;
}

static int decode_error(struct vctx *c, json_t *root, struct proto_msg *m)
{
	if (get_str(c, root, "code", REQ, &m->code) < 0 || get_str(c, root, "message", OPT, &m->message) < 0)
		return -1;
	if (!m->message)
		m->message = "";
	return 1;
}


/* ---- a bump arena for parsed messages --------------------------------
 * jansson allocates every value separately, and malloc/free were a fifth of
 * the ingest path. A message's tree lives exactly from proto_decode() to
 * proto_msg_free(), so while json_loadb() runs, jansson allocates from one
 * arena that is rewound when no parsed tree is alive any more. Frees of
 * arena memory are no-ops; everything else goes to malloc/free as usual,
 * so JSON made elsewhere (encoders, views) is untouched. One thread only. */
#define ARENA_SIZE (512u * 1024u)

static struct {
	unsigned char *base;
	size_t used;
	int active;   /* json_loadb is running */
	int live;     /* parsed trees not yet freed */
	int installed;
} arena;

static void *arena_malloc(size_t n)
{
	if (arena.active && arena.base) {
		size_t need = (n + 15) & ~(size_t)15;
		if (need <= ARENA_SIZE - arena.used) {
			void *p = arena.base + arena.used;
			arena.used += need;
			return p;
		}
	}
	return malloc(n);
}

static void arena_free(void *p)
{
	if (arena.base && (unsigned char *)p >= arena.base && (unsigned char *)p < arena.base + ARENA_SIZE)
		return;
	free(p);
}

static json_t *arena_loadb(const char *buf, size_t len, json_error_t *je)
{
	if (!arena.installed) {
		arena.base = malloc(ARENA_SIZE);
		json_set_alloc_funcs(arena_malloc, arena_free);
		arena.installed = 1;
	}
	if (arena.live == 0)
		arena.used = 0;
	arena.active = 1;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, je);
	arena.active = 0;
	if (root)
		arena.live++;
	return root;
}

static void arena_release(json_t *root)
{
	if (!root)
		return;
	json_decref(root);
	if (arena.live > 0)
		arena.live--;
}

static void msg_clear(struct proto_msg *m)
{
	*m = (struct proto_msg){.type = PROTO_MSG_UNKNOWN};
	ent_clear(&m->ent, PROTO_NSTREAMS);
}

int proto_decode(const char *buf, size_t len, struct proto_msg *msg, char *err, size_t errlen)
{
	struct vctx c = {.err = err, .errlen = errlen, .what = "message", .buf = buf, .buflen = len};
	json_error_t je;
	json_t *root, *v;
	const char *type;
	int t, rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!msg)
		return fail(&c, NULL, "nowhere to decode into");
	msg_clear(msg);
	if (!buf)
		return fail(&c, NULL, "no message");
	if (len > PROTO_MAX_MSG)
		return fail(&c, NULL, "%zu bytes, larger than the limit of %u", len, PROTO_MAX_MSG);
	/* Duplicate keys are how a message smuggles a second value past one
	 * reader to another: refuse them at every depth. */
	root = arena_loadb(buf, len, &je);
	if (!root) {
		/* je.text may quote the offending bytes: keep it printable ASCII */
		for (char *p = je.text; *p; p++)
			if (*p < 0x20 || *p > 0x7e)
				*p = '?';
		return fail(&c, NULL, "not valid JSON: %s (at byte %d)", je.text, je.position);
	}
	msg->root = root;
	if (!json_is_object(root))
		return fail(&c, NULL, "expected a JSON object, got %s", jtype(root));
	if (get_str(&c, root, "type", REQ, &type) < 0)
		return PROTO_INVALID;
	for (t = 1; t < (int)(sizeof type_names / sizeof type_names[0]); t++)
		if (strcmp(type, type_names[t]) == 0)
			break;
	if (t == (int)(sizeof type_names / sizeof type_names[0]))
		return PROTO_OK; /* PROTO_MSG_UNKNOWN: ignored, forward compatible */
	msg->type = (enum proto_type)t;
	c.what = type_names[t];

	/* seq first, so that even an invalid message reports it */
	v = json_object_get(root, "seq");
	if (json_is_integer(v) && json_integer_value(v) >= (t == PROTO_MSG_EVENT ? 1 : 0)) {
		msg->seq = json_integer_value(v);
		msg->has_seq = 1;
	}

	switch (msg->type) {
	case PROTO_MSG_HELLO:
		rc = decode_hello(&c, root, msg);
		break;
	case PROTO_MSG_EVENT:
		rc = decode_event(&c, root, msg);
		break;
	case PROTO_MSG_SNAPSHOT_BEGIN:
	case PROTO_MSG_SNAPSHOT_END:
	case PROTO_MSG_RESUMED:
		rc = decode_cursor(&c, root, msg);
		break;
	case PROTO_MSG_HEARTBEAT:
		rc = decode_heartbeat(&c, root, msg);
		break;
	case PROTO_MSG_RESULT:
		rc = decode_result(&c, root, msg);
		break;
	case PROTO_MSG_ERROR:
		rc = decode_error(&c, root, msg);
		break;
	case PROTO_MSG_UNKNOWN:
		break;
	}
	if (rc < 0) {
		/* Nothing but the identity survives, so nothing can be half-applied. */
		struct proto_msg k = *msg;

		msg_clear(msg);
		msg->type = k.type;
		msg->root = k.root;
		msg->seq = k.seq;
		msg->has_seq = k.has_seq;
		msg->ent.stream = k.ent.stream;
		msg->ent.id = k.ent.id;
		return PROTO_INVALID;
	}
	return PROTO_OK;
}

void proto_msg_free(struct proto_msg *msg)
{
	if (!msg)
		return;
	arena_release(msg->root);
	msg_clear(msg);
}

/* ---- names ---------------------------------------------------------- */

const char *proto_stream_name(enum proto_stream s)
{
	return (unsigned)s < PROTO_NSTREAMS ? streams_enum.names[s] : "-";
}

int proto_stream_parse(const char *name)
{
	return name ? penum_find(&streams_enum, name) : -1;
}

const char *proto_sev_name(int sev)
{
	return sev >= 0 && sev < sev_enum.n ? sev_enum.names[sev] : "-";
}

int proto_sev_parse(const char *name)
{
	return name ? penum_find(&sev_enum, name) : -1;
}

const char *proto_tlp_name(int tlp)
{
	return tlp >= 0 && tlp < tlp_enum.n ? tlp_enum.names[tlp] : "-";
}

int proto_tlp_parse(const char *name)
{
	int i;

	if (!name)
		return PROTO_TLP_RED;
	if (strcmp(name, "WHITE") == 0) /* TLP 1.0's name for CLEAR */
		return PROTO_TLP_CLEAR;
	i = penum_find(&tlp_enum, name);
	return i >= 0 ? i : PROTO_TLP_RED;
}

/* ---- times ---------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), so that no TZ setting can shift a time. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int proto_time_parse(const char *s, int64_t *ms)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec, frac = 0, nfrac = 0, dim;
	const char *p;

	/* Each test runs only when the ones before it passed, so no read
	 * goes past the terminating NUL. */
	if (!s || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || s[10] != 'T' || digits(s + 11, 2, &h) || s[13] != ':' ||
	    digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++nfrac > 9)
				return -1;
			if (nfrac <= 3)
				frac = frac * 10 + (*p - '0');
		}
		if (nfrac == 0)
			return -1;
		for (int k = nfrac; k < 3; k++)
			frac *= 10;
	}
	if (p[0] != 'Z' || p[1] != '\0')
		return -1;
	if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 60)
		return -1;
	dim = mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d < 1 || d > dim)
		return -1;
	if (ms)
		*ms = (((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec) * 1000 + frac;
	return 0;
}

void proto_time_format(int64_t ms, char *buf, size_t n)
{
	int64_t secs = ms / 1000, days, y;
	int m, d, rem;

	if (!buf || n == 0)
		return;
	if (ms % 1000 < 0)
		secs--;
	days = secs / 86400;
	rem = (int)(secs % 86400);
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d, rem / 3600, rem / 60 % 60,
		 rem % 60);
}

/* ---- encoders ------------------------------------------------------- */

/* Takes o; returns its compact text or NULL. */
static char *dump_and_free(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

char *proto_encode_subscribe(unsigned streams, const char *epoch, int64_t since)
{
	json_t *o = json_object(), *a = json_array();

	if (!o || !a)
		goto fail;
	for (int s = 0; s < PROTO_NSTREAMS; s++)
		if ((streams & (1u << s)) && json_array_append_new(a, json_string(streams_enum.names[s])) < 0)
			goto fail;
	if (json_object_set_new(o, "type", json_string("subscribe")) < 0)
		goto fail;
	if (json_object_set_new(o, "streams", a) < 0) {
		a = NULL; /* stolen even on failure */
		goto fail;
	}
	a = NULL;
	if (epoch && (json_object_set_new(o, "epoch", json_string(epoch)) < 0 ||
		      json_object_set_new(o, "since", json_integer(since)) < 0))
		goto fail;
	return dump_and_free(o);
fail:
	json_decref(a);
	json_decref(o);
	return NULL;
}

char *proto_encode_action(const char *action_id, const char *op, const char *target, json_t *args)
{
	json_t *o = json_object();

	if (!o || json_object_set_new(o, "type", json_string("action")) < 0 ||
	    json_object_set_new(o, "action_id", json_string(action_id)) < 0 ||
	    json_object_set_new(o, "op", json_string(op)) < 0 ||
	    json_object_set_new(o, "target", json_string(target)) < 0 ||
	    (args ? json_object_set(o, "args", args) : json_object_set_new(o, "args", json_object())) < 0) {
		json_decref(o);
		return NULL;
	}
	return dump_and_free(o);
}
