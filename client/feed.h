/* client/feed.h - one backend's feed: the protocol state machine.
 *
 * The websocket layer hands every reassembled text message to feed_handle();
 * the feed validates it (proto_decode), applies it to the cache by the
 * epoch/seq/rev rules of docs/PROTOCOL.md, and asks the websocket layer to
 * send what the protocol requires (subscribe, re-subscribe, actions) through
 * the send callback. No sockets and no drawing here, so the whole of the
 * protocol logic is unit-testable with a cache and a fake send function. */
#ifndef SOCTOP_FEED_H
#define SOCTOP_FEED_H

#include <stdint.h>
#include "client/cache.h"
#include "client/proto.h"

enum feed_phase {
	FEED_WAIT_HELLO,  /* connected, nothing received yet */
	FEED_WAIT_ANSWER, /* subscribe sent, no snapshot/replay answer yet */
	FEED_SNAPSHOT,    /* between snapshot_begin and snapshot_end */
	FEED_LIVE         /* resumed or snapshot done: live events */
};

struct feed_stats {
	uint64_t msgs;       /* messages received */
	uint64_t bytes;      /* their bytes (payload as received) */
	uint64_t applied;    /* events that changed the cache */
	uint64_t stale_rev;  /* upserts ignored: rev not newer */
	uint64_t dup_seq;    /* events ignored: seq already applied */
	uint64_t invalid;    /* invalid messages (counted, skipped) */
	uint64_t gaps;       /* seq gaps and heartbeats ahead: re-subscribed */
	uint64_t snapshots;  /* snapshots applied */
	uint64_t resumes;    /* replays completed */
	uint64_t unknown;    /* unknown message types ignored */
	uint64_t errors;     /* error messages from the backend */
	uint64_t results;    /* action results */
};

/* Returns 0 when queued for sending, -1 when it could not be. */
typedef int (*feed_send_fn)(void *ctx, const char *text);

struct feed {
	char backend[64];
	struct cache *cache;
	feed_send_fn send;
	void *send_ctx;

	/* Last applied position: what the cache holds (or will at the next flush). */
	char epoch[PROTO_MAX_EPOCH + 1];
	int64_t seq;
	int have_cursor;
	int cursor_dirty; /* in-memory cursor ahead of the cache's */

	/* This connection. */
	enum feed_phase phase;
	char server_epoch[PROTO_MAX_EPOCH + 1];
	char server[64];
	char operator_name[64];
	unsigned streams;
	int heartbeat_s;
	int resub_pending; /* a subscribe is unanswered */
	int short_replays; /* replays/heartbeats ahead in a row without catching up */
	char snap_epoch[PROTO_MAX_EPOCH + 1];
	int64_t snap_seq;
	int64_t last_msg_ms; /* last message of any kind (for staleness) */

	struct feed_stats st;
	char problem[256]; /* last problem, sanitised, one line */
	int64_t problem_ms;
	int changed; /* the cache changed since the caller last cleared it */
};

enum feed_verdict { FEED_CONTINUE = 0, FEED_CLOSE = -1 };

/* Load the cursor from the cache. 0 or -1. */
int feed_init(struct feed *f, const char *backend, struct cache *cache, feed_send_fn send, void *ctx);
/* A new connection is up: wait for hello. */
void feed_connected(struct feed *f, int64_t now_ms);
/* The connection is gone: nothing is live until the next hello. */
void feed_disconnected(struct feed *f);
/* One reassembled text message. FEED_CLOSE asks the caller to drop the
 * connection (it reconnects with back-off and resumes from the cursor). */
int feed_handle(struct feed *f, const char *buf, size_t len, int64_t now_ms);
/* Record a transport-level problem (binary message, oversize, ...). */
void feed_problem(struct feed *f, int64_t now_ms, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Write the in-memory cursor into the open transaction; call before
 * cache_flush() once per loop turn. 0 or -1. */
int feed_sync_cursor(struct feed *f);
/* After a rollback: forget what was not committed. */
int feed_reload_cursor(struct feed *f);
/* True when the link has been silent for three heartbeat periods. */
int feed_is_stale(const struct feed *f, int64_t now_ms);

#endif
