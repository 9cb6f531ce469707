/* The WebSocket side: upgrade checks (401/403/400/404), per-connection
 * queues, hello/subscribe/snapshot/replay/heartbeat and action dispatch. */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include "sim/sim.h"

/* Create the lws context and listening vhost; returns the bound port or -1. */
int server_start(struct sim *s);
/* Queue a heartbeat on every subscribed connection. */
void server_heartbeat(struct sim *s);
void server_stop(struct sim *s);

#endif
