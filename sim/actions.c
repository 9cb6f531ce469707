/* Operator actions, applied honestly on the backend that owns the target. */
#include "sim/actions.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/model.h"

struct verdict {
	const char *code; /* NULL: accepted */
	char message[200];
};

__attribute__((format(printf, 3, 4))) static int refuse(struct verdict *v, const char *code,
						     const char *fmt, ...)
{
	va_list ap;
	v->code = code;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof v->message, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static const char *str_arg(json_t *args, const char *key)
{
	const char *v = json_string_value(json_object_get(args, key));
	return v && *v ? v : NULL;
}

/* An optional string argument: absent/null is fine, anything else must be a string. */
static int opt_str(json_t *args, const char *key, const char **out)
{
	json_t *v = json_object_get(args, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

static int status_is(json_t *obj, const char *status)
{
	const char *st = json_string_value(json_object_get(obj, "status"));
	return st && !strcmp(st, status);
}

/* --- F-SOC ---------------------------------------------------------------- */

static int do_alert(struct sim *s, const char *op, const char *target, json_t *args,
		    const char *who, struct verdict *v)
{
	struct backend *fsoc = &s->b[BK_FSOC];
	int known = !strcmp(op, "alert.ack") || !strcmp(op, "alert.close") ||
		    !strcmp(op, "alert.escalate");
	if (!known)
		return refuse(v, "unknown_op", "unknown operation '%.100s'", op);
	const char *note = NULL, *ticket_id = NULL, *resolution = NULL;
	if (!strcmp(op, "alert.close")) {
		static const char *const res[] = {"true_positive", "false_positive", "duplicate",
						  "benign"};
		resolution = str_arg(args, "resolution");
		int ok = 0;
		for (size_t i = 0; resolution && i < 4; i++)
			ok |= !strcmp(resolution, res[i]);
		if (!ok)
			return refuse(v, "bad_request",
				      "alert.close needs resolution true_positive, false_positive, "
				      "duplicate or benign");
		if (opt_str(args, "note", &note))
			return refuse(v, "bad_request", "note must be a string");
	}
	if (!strcmp(op, "alert.escalate") && opt_str(args, "ticket_id", &ticket_id))
		return refuse(v, "bad_request", "ticket_id must be a string");
	if (ticket_id && !*ticket_id)
		ticket_id = NULL;

	json_t *a = model_get(fsoc, ST_ALERTS, target);
	if (!a)
		return refuse(v, "not_found", "no alert '%.100s'", target);
	int rc = 0;
	if (!strcmp(op, "alert.ack")) {
		if (!status_is(a, "new")) {
			rc = refuse(v, "conflict", "alert is %.40s, not new",
				    nz(json_string_value(json_object_get(a, "status"))));
		} else {
			json_object_set_new(a, "status", json_string("acknowledged"));
			model_put(fsoc, ST_ALERTS, a);
		}
	} else if (!strcmp(op, "alert.close")) {
		if (status_is(a, "closed")) {
			rc = refuse(v, "conflict", "alert already closed");
		} else {
			json_object_set_new(a, "status", json_string("closed"));
			json_object_set_new(a, "resolution", json_string(resolution));
			if (note && *note)
				model_add_note(a, who, note);
			model_put(fsoc, ST_ALERTS, a);
		}
	} else {
		const char *cur = json_string_value(json_object_get(a, "ticket_id"));
		if (status_is(a, "closed")) {
			rc = refuse(v, "conflict", "alert is closed");
		} else if (status_is(a, "escalated") && (!ticket_id || (cur && !strcmp(cur, ticket_id)))) {
			rc = refuse(v, "conflict", "alert already escalated to %.60s", cur ? cur : "F-CERT");
		} else if (ticket_id) {
			struct backend *fcert = &s->b[BK_FCERT];
			json_t *t = model_get(fcert, ST_TICKETS, ticket_id);
			if (!t) {
				rc = refuse(v, "not_found", "no ticket '%.100s'", ticket_id);
			} else {
				json_t *ids = json_object_get(t, "alert_ids");
				int linked = 0;
				size_t i;
				json_t *x;
				json_array_foreach(ids, i, x) linked |= !strcmp(json_string_value(x) ? json_string_value(x) : "", target);
				if (!linked && json_is_array(ids)) {
					json_array_append_new(ids, json_string(target));
					json_object_set_new(t, "updated", model_now());
					model_put(fcert, ST_TICKETS, t);
				}
				json_decref(t);
				json_object_set_new(a, "status", json_string("escalated"));
				json_object_set_new(a, "ticket_id", json_string(ticket_id));
				model_put(fsoc, ST_ALERTS, a);
			}
		} else {
			/* F-CERT opens the ticket first; then the alert points at it. */
			char tid[32];
			char text[200];
			snprintf(text, sizeof text, "Escalated from F-SOC alert %.100s", target);
			model_open_ticket(s, a, who, text, time(NULL), tid);
			json_object_set_new(a, "status", json_string("escalated"));
			json_object_set_new(a, "ticket_id", json_string(tid));
			model_put(fsoc, ST_ALERTS, a);
		}
	}
	json_decref(a);
	return rc;
}

/* --- F-CERT --------------------------------------------------------------- */

static int do_ticket(struct sim *s, const char *op, const char *target, json_t *args,
		     const char *who, struct verdict *v)
{
	static const char *const statuses[] = {"new", "triage", "in_progress", "waiting_vendor",
					       "resolved", "closed"};
	struct backend *fcert = &s->b[BK_FCERT];
	const char *note = NULL;
	char text[300];

	/* Arguments first: a malformed request is bad whatever the target. */
	const char *assignee = NULL, *status = NULL, *ntext = NULL, *vendor_id = NULL;
	double hours = 0;
	if (!strcmp(op, "ticket.ack")) {
	} else if (!strcmp(op, "ticket.assign")) {
		if (!(assignee = str_arg(args, "assignee")))
			return refuse(v, "bad_request", "ticket.assign needs an assignee");
	} else if (!strcmp(op, "ticket.status")) {
		status = str_arg(args, "status");
		int ok = 0;
		for (size_t i = 0; status && i < 6; i++)
			ok |= !strcmp(status, statuses[i]);
		if (!ok)
			return refuse(v, "bad_request", "ticket.status needs a valid status");
		if (opt_str(args, "note", &note))
			return refuse(v, "bad_request", "note must be a string");
	} else if (!strcmp(op, "ticket.note")) {
		if (!(ntext = str_arg(args, "text")))
			return refuse(v, "bad_request", "ticket.note needs a non-empty text");
	} else if (!strcmp(op, "ticket.request_vendor")) {
		json_t *h = json_object_get(args, "hours");
		vendor_id = str_arg(args, "vendor_id");
		if (!vendor_id)
			return refuse(v, "bad_request", "ticket.request_vendor needs a vendor_id");
		if (!json_is_number(h) || !(json_number_value(h) > 0) || !isfinite(json_number_value(h)))
			return refuse(v, "bad_request", "hours must be a number greater than 0");
		hours = json_number_value(h);
		if (opt_str(args, "note", &note))
			return refuse(v, "bad_request", "note must be a string");
	} else {
		return refuse(v, "unknown_op", "unknown operation '%.100s'", op);
	}

	json_t *t = model_get(fcert, ST_TICKETS, target);
	if (!t)
		return refuse(v, "not_found", "no ticket '%.100s'", target);
	const char *cur = json_string_value(json_object_get(t, "status"));
	int rc = 0;
	if (!strcmp(op, "ticket.ack")) {
		if (!status_is(t, "new"))
			rc = refuse(v, "conflict", "ticket is %.40s, not new", nz(cur));
		else
			json_object_set_new(t, "status", json_string("triage"));
	} else if (!strcmp(op, "ticket.assign")) {
		const char *now_as = json_string_value(json_object_get(t, "assignee"));
		if (!model_is_officer(assignee)) {
			rc = refuse(v, "unknown_assignee", "'%.60s' is not a duty officer", assignee);
		} else if (now_as && !strcmp(now_as, assignee)) {
			rc = refuse(v, "conflict", "ticket is already assigned to %.60s", assignee);
		} else {
			json_object_set_new(t, "assignee", json_string(assignee));
			snprintf(text, sizeof text, "assigned to %s", assignee);
			model_add_note(t, who, text);
		}
	} else if (!strcmp(op, "ticket.status")) {
		if (cur && !strcmp(cur, status)) {
			rc = refuse(v, "conflict", "ticket is already %.40s", status);
		} else {
			json_object_set_new(t, "status", json_string(status));
			if (note && *note)
				model_add_note(t, who, note);
		}
	} else if (!strcmp(op, "ticket.note")) {
		model_add_note(t, who, ntext);
	} else {
		json_t *vd = model_get(fcert, ST_VENDORS, vendor_id);
		if (!vd) {
			rc = refuse(v, "not_found", "no vendor '%.100s'", vendor_id);
		} else if (status_is(t, "closed")) {
			rc = refuse(v, "conflict", "ticket is closed");
		} else {
			double remain = json_number_value(json_object_get(vd, "hours_total")) -
					json_number_value(json_object_get(vd, "hours_used")) -
					json_number_value(json_object_get(vd, "hours_reserved"));
			if (hours > remain + 1e-9) {
				char r[40];
				snprintf(r, sizeof r, "%g", remain);
				rc = refuse(v, "insufficient_hours", "only %s hours remain", r);
			} else {
				double res = json_number_value(json_object_get(vd, "hours_reserved"));
				json_object_set_new(vd, "hours_reserved", json_real(res + hours));
				json_t *draws = json_object_get(vd, "draws");
				if (!json_is_array(draws)) {
					draws = json_array();
					json_object_set_new(vd, "draws", draws);
				}
				json_t *inst = json_object_get(t, "institution");
				json_array_append_new(
					draws, json_pack("{s:o,s:s,s:O,s:f,s:s}", "time", model_now(),
							 "ticket_id", target, "institution_id",
							 json_object_get(inst, "id") ? json_object_get(inst, "id") : json_null(),
							 "hours", hours, "state", "requested"));
				model_put(fcert, ST_VENDORS, vd);
				json_object_set_new(t, "vendor_id", json_string(vendor_id));
				snprintf(text, sizeof text, "requested %g vendor hours from %s", hours,
					 vendor_id);
				model_add_note(t, who, note && *note ? note : text);
			}
			json_decref(vd);
		}
	}
	if (!rc) {
		json_object_set_new(t, "updated", model_now());
		model_put(fcert, ST_TICKETS, t);
	}
	json_decref(t);
	return rc;
}

static int do_drill(struct sim *s, const char *op, const char *target, json_t *args,
		    struct verdict *v)
{
	if (strcmp(op, "drill.checkin"))
		return refuse(v, "unknown_op", "unknown operation '%.100s'", op);
	const char *inst = str_arg(args, "institution_id");
	const char *step = str_arg(args, "step");
	const char *field = NULL;
	if (step && !strcmp(step, "detected"))
		field = "detected_at";
	else if (step && !strcmp(step, "reported"))
		field = "reported_at";
	else if (step && !strcmp(step, "mitigated"))
		field = "mitigated_at";
	if (!inst || !field)
		return refuse(v, "bad_request",
			      "drill.checkin needs institution_id and step detected, reported or "
			      "mitigated");
	struct backend *fcert = &s->b[BK_FCERT];
	json_t *d = model_get(fcert, ST_DRILLS, target);
	if (!d)
		return refuse(v, "not_found", "no drill '%.100s'", target);
	json_t *p = NULL, *x;
	size_t i;
	json_array_foreach(json_object_get(d, "participants"), i, x)
	{
		const char *id = json_string_value(json_object_get(json_object_get(x, "institution"), "id"));
		if (id && !strcmp(id, inst))
			p = x;
	}
	int rc = 0;
	if (!p)
		rc = refuse(v, "not_found", "institution %.40s is not in this drill", inst);
	else if (json_is_string(json_object_get(p, field)))
		rc = refuse(v, "conflict", "%.40s already checked in", field);
	else {
		json_object_set_new(p, field, model_now());
		model_put(fcert, ST_DRILLS, d);
	}
	json_decref(d);
	return rc;
}

int actions_handle(struct sim *s, struct backend *b, const char *who, json_t *msg,
		   struct sbuf *out)
{
	const char *aid = json_string_value(json_object_get(msg, "action_id"));
	sbuf_reset(out);
	if (!aid || !*aid) {
		sbuf_adds(out, "{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"action "
			       "needs a non-empty string action_id\"}");
		return -1;
	}
	const char *prev = backend_action_lookup(b, aid);
	if (prev) {
		sbuf_adds(out, prev); /* the same answer, nothing applied again */
		return 0;
	}
	struct verdict v = {NULL, ""};
	const char *op = json_string_value(json_object_get(msg, "op"));
	const char *target = json_string_value(json_object_get(msg, "target"));
	json_t *args = json_object_get(msg, "args");
	json_t *empty = json_object();
	if (!args || json_is_null(args))
		args = empty;
	if (!op || !*op)
		refuse(&v, "bad_request", "action needs an op");
	else if (!json_is_object(args))
		refuse(&v, "bad_request", "args must be an object");
	else if (!target || !*target)
		refuse(&v, "bad_request", "action needs a target");
	else if (!strncmp(op, "alert.", 6) && b->kind == BK_FSOC)
		do_alert(s, op, target, args, who, &v);
	else if (!strncmp(op, "ticket.", 7) && b->kind == BK_FCERT)
		do_ticket(s, op, target, args, who, &v);
	else if (!strncmp(op, "drill.", 6) && b->kind == BK_FCERT)
		do_drill(s, op, target, args, &v);
	else
		refuse(&v, "unknown_op", "operation '%.100s' is not served by this backend", op);
	json_decref(empty);

	sbuf_adds(out, "{\"type\":\"result\",\"action_id\":");
	sbuf_add_json_str(out, aid);
	if (!v.code) {
		sbuf_adds(out, ",\"ok\":true}");
	} else {
		sbuf_addf(out, ",\"ok\":false,\"error\":{\"code\":\"%s\",\"message\":", v.code);
		sbuf_add_json_str(out, v.message);
		sbuf_adds(out, "}}");
	}
	backend_action_remember(b, aid, out->p);
	sim_flush_state(s);
	return 0;
}
