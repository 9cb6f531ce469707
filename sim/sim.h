/* The simulator as a whole: options, the two backends and what drives them. */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdint.h>

#include <libwebsockets.h>

#include "sim/backend.h"
#include "sim/util.h"

#define SIM_SERVER_NAME "soctop-sim/0.1"

struct sim_opts {
	int port;
	const char *bind;
	const char *port_file;
	char *token;
	const char *token_fsoc_only;
	uint64_t seed;
	double rate;
	uint64_t max_events;
	int heartbeat_s;
	size_t history, window;
	const char *state_path;
	const char *replay_path;
	const char *raw_path;
	int log_level;
	const char *tls_cert, *tls_key; /* both set: listen with TLS (wss://) */
	const char *reply_subprotocol;  /* test hook: answer upgrades with this subprotocol */
	int drop_connections;           /* test hook: close every connection once upgraded */
};

/* One line of --raw. */
struct raw_line {
	enum msg_kind kind;
	int big; /* #big N: build N bytes */
	size_t big_len;
	char *text;
};

struct conn;
struct scenario;
struct replay;

struct sim {
	struct sim_opts o;
	struct backend b[BK_COUNT];
	struct sim_state *state;
	struct lws_context *ctx;
	struct lws_vhost *vhost;
	struct conn *conns[BK_COUNT];
	struct raw_line *raw;
	size_t nraw;
	struct scenario *scn;
	struct replay *replay;
	struct rng rng;
	unsigned next_ticket; /* 0 until the tickets were scanned */
	/* generation pacing */
	lws_usec_t gen_start;
	uint64_t gen_done;
	uint64_t generated_total;
	int gen_finished;
	lws_sorted_usec_list_t sul_gen, sul_hb;
	volatile int stop;
};

/* Flush pending --state lines (called before anything is sent). */
void sim_flush_state(struct sim *s);

#endif
