/* tui/actions.c - see actions.h. */
#include "tui/actions.h"
#include "tui/i18n.h"

#include <stdlib.h>
#include <string.h>

static const struct act_spec specs[] = {
	{"alert.ack", PROTO_ALERTS, N_("acknowledge"), {{0}}, 0},
	{"alert.close", PROTO_ALERTS, N_("close"),
	 {{"resolution", ACT_CHOICE, N_("Resolution"), "true_positive,false_positive,duplicate,benign", 0},
	  {"note", ACT_TEXT, N_("Note (optional)"), NULL, 1}},
	 2},
	{"alert.escalate", PROTO_ALERTS, N_("escalate to a ticket"),
	 {{"ticket_id", ACT_TEXT, N_("Existing ticket id (empty: F-CERT opens one)"), NULL, 1}},
	 1},
	{"ticket.ack", PROTO_TICKETS, N_("acknowledge"), {{0}}, 0},
	{"ticket.assign", PROTO_TICKETS, N_("assign"), {{"assignee", ACT_TEXT, N_("Assign to (duty officer)"), NULL, 0}},
	 1},
	{"ticket.status", PROTO_TICKETS, N_("change status"),
	 {{"status", ACT_CHOICE, N_("New status"), "new,triage,in_progress,waiting_vendor,resolved,closed", 0},
	  {"note", ACT_TEXT, N_("Note (optional)"), NULL, 1}},
	 2},
	{"ticket.note", PROTO_TICKETS, N_("add a note"), {{"text", ACT_TEXT, N_("Note"), NULL, 0}}, 1},
	{"ticket.request_vendor", PROTO_TICKETS, N_("request vendor hours"),
	 {{"vendor_id", ACT_CHOICE, N_("Vendor"), NULL, 0},
	  {"hours", ACT_NUMBER, N_("Hours"), NULL, 0},
	  {"note", ACT_TEXT, N_("Note (optional)"), NULL, 1}},
	 3},
	{"drill.checkin", PROTO_DRILLS, N_("check in a drill step"),
	 {{"step", ACT_CHOICE, N_("Step"), "detected,reported,mitigated", 0}},
	 1},
};

const struct act_spec *actions_find_op(const char *op)
{
	for (size_t i = 0; op && i < sizeof specs / sizeof specs[0]; i++)
		if (strcmp(specs[i].op, op) == 0)
			return &specs[i];
	return NULL;
}

const struct act_spec *actions_all(int *n)
{
	*n = (int)(sizeof specs / sizeof specs[0]);
	return specs;
}

int actions_set_arg(json_t *args, const struct act_step *step, const char *value)
{
	if (!value || !value[0])
		return step->optional ? 0 : -1;
	if (step->kind == ACT_NUMBER) {
		char *end;
		double v = strtod(value, &end);
		if (*end || !(v > 0) || v > 100000)
			return -1;
		return json_object_set_new(args, step->arg, v == (double)(long long)v ? json_integer((long long)v)
										   : json_real(v));
	}
	return json_object_set_new(args, step->arg, json_string(value));
}
