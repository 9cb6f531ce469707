/* tui/actions.h - the operator actions of docs/PROTOCOL.md as a table: which
 * operation on which kind of item, and what it asks for. Each is a command
 * of tui/command.h named after its op ("alert.ack", flagged CMD_OUTBOUND);
 * the keymap binds keys to them. The UI walks the steps with tui/prompt.h,
 * confirms, and queues the result in the outbox (ws_action). A read-only
 * mode drops them all with cmd_set_readonly(). */
#ifndef SOCTOP_ACTIONS_H
#define SOCTOP_ACTIONS_H

#include <jansson.h>
#include "client/proto.h"

enum act_step_kind { ACT_CHOICE, ACT_TEXT, ACT_NUMBER };

struct act_step {
	const char *arg;      /* the args key it fills */
	enum act_step_kind kind;
	const char *label;
	const char *choices;  /* ACT_CHOICE: comma-separated; NULL = the cached vendor ids */
	int optional;         /* empty input leaves the key out */
};

#define ACT_MAX_STEPS 3

struct act_spec {
	const char *op;
	enum proto_stream stream;
	const char *what;    /* for help and prompts: "acknowledge" */
	struct act_step steps[ACT_MAX_STEPS];
	int nsteps;
};

/* The action of op ("alert.ack"), or NULL. */
const struct act_spec *actions_find_op(const char *op);
/* All actions, for help: sets *n. */
const struct act_spec *actions_all(int *n);
/* Put one step's answer into args (strings; ACT_NUMBER as a JSON number).
 * Empty optional answers are left out. 0, or -1 when value is not valid. */
int actions_set_arg(json_t *args, const struct act_step *step, const char *value);

#endif
