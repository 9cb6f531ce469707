/* Operator actions (alert.*, ticket.*, drill.*): validate, apply as events on
 * the owning backend, remember the result by action_id. */
#ifndef SIM_ACTIONS_H
#define SIM_ACTIONS_H

#include <jansson.h>

#include "sim/sim.h"

/* Handle one action message received on backend b from operator. On success
 * the result message is left in out and 0 is returned; -1 means the message
 * had no usable action_id and out holds an error message instead. */
int actions_handle(struct sim *s, struct backend *b, const char *op_name, json_t *msg,
		   struct sbuf *out);

#endif
