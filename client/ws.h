/* client/ws.h - the websocket connections, one per configured backend, and
 * the event loop they share with stdin, signals and timers.
 *
 * Built on libwebsockets' own poll loop: ws_loop_run_once() waits in poll()
 * until a socket, a watched fd or a timer needs service (no busy loop, no
 * threads). Each backend reconnects by itself with capped exponential
 * back-off and jitter, except after HTTP 401/403, which waits for
 * ws_reconnect(). Reassembled messages go to the backend's struct feed. */
#ifndef SOCTOP_WS_H
#define SOCTOP_WS_H

#include <stdint.h>
#include "client/config.h"
#include "client/feed.h"

enum ws_state {
	WS_DISABLED,     /* enabled = no in the config */
	WS_CONNECTING,   /* connecting or syncing (hello/snapshot/replay) */
	WS_LIVE,         /* subscribed, messages flowing */
	WS_STALE,        /* was live; silent for three heartbeats; reconnecting */
	WS_OFFLINE,      /* unreachable; retrying */
	WS_AUTH_REFUSED  /* HTTP 401/403: no retry until asked */
};

struct ws_backend_info {
	const char *name;
	enum ws_state state;
	int64_t last_msg_ms;   /* 0 = never this run */
	int64_t retry_at_ms;   /* next attempt when offline/stale, else 0 */
	const char *detail;    /* why (auth refused, error text), sanitised */
	int64_t detail_ms;     /* when detail was set */
	const struct feed *feed;
};

struct ws;

/* Create the loop and one connection slot per enabled backend (tokens are
 * read here). Backends are not connected until ws_start(). 0 or -1. */
int ws_create(struct ws **out, const struct config *cfg, struct cache *cache, char *err, size_t errlen);
void ws_destroy(struct ws *ws);
void ws_start(struct ws *ws);     /* connect every backend */
void ws_reconnect(struct ws *ws); /* retry now, auth-refused ones too */

int ws_count(const struct ws *ws);
void ws_backend_get(const struct ws *ws, int i, struct ws_backend_info *out);
const char *ws_state_name(enum ws_state s);

/* Watch fd for input: cb(arg) runs when it is readable; cb returns -1 to
 * stop watching (lws then closes fd: pass a dup()). 0 or -1. */
int ws_watch_fd(struct ws *ws, int fd, int (*cb)(void *arg), void *arg);
/* One-shot timer: cb(arg) in ms milliseconds; re-arming replaces. Up to
 * WS_MAX_TIMERS distinct slots. */
#define WS_MAX_TIMERS 8
void ws_timer(struct ws *ws, int slot, int64_t ms, void (*cb)(void *arg), void *arg);

/* Serve what is ready, waiting in poll() until something is. Then commit
 * the cache's open transaction with every feed's cursor once it is 50 ms
 * old or 2000 rows big (a timer commits a quiet one). -1 when the loop is
 * broken. */
int ws_loop_run_once(struct ws *ws);
/* Commit: each feed's cursor, then the cache transaction. */
int ws_flush(struct ws *ws);
/* Set when any backend changed the cache or its state; cleared by the call. */
int ws_take_changes(struct ws *ws);

/* Queue an operator action in the outbox and send it if the backend is live.
 * 0 queued, -1 error with err filled. */
int ws_action(struct ws *ws, const char *backend, const char *op, const char *target, const char *args_json,
	      char *action_id_out, size_t idlen, char *err, size_t errlen);

int64_t ws_now_ms(void); /* CLOCK_REALTIME in ms */

#endif
