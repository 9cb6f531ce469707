/* tui/actions.h - the operator actions of docs/PROTOCOL.md as a table: which
 * key starts which operation on which kind of item, and what it asks for.
 * The UI walks the steps with tui/prompt.h, confirms, and queues the result
 * in the outbox (ws_action). Wall mode leaves this table out entirely. */
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
	int key;             /* the key in a pane of that stream */
	const char *what;    /* for help and prompts: "acknowledge" */
	struct act_step steps[ACT_MAX_STEPS];
	int nsteps;
};

/* The action bound to key for items of stream, or NULL. */
const struct act_spec *actions_find(enum proto_stream stream, int key);
/* All actions, for help: sets *n. */
const struct act_spec *actions_all(int *n);
/* Put one step's answer into args (strings; ACT_NUMBER as a JSON number).
 * Empty optional answers are left out. 0, or -1 when value is not valid. */
int actions_set_arg(json_t *args, const struct act_step *step, const char *value);

#endif
