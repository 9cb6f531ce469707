/* client/cache.h - the local SQLite cache: the single source of truth.
 *
 * The network writes into it (events, snapshots, cursors); the views read
 * from it through cache_db(). Writes are batched: every write opens a
 * transaction if none is open, and cache_flush() commits it, once per turn
 * of the event loop, so a cursor always commits with the data it covers.
 *
 * Schema (version CACHE_SCHEMA_VERSION, PRAGMA user_version; migrations
 * run at open). Every entity table - alerts, advisories, tickets, vendors,
 * drills - has the same columns:
 *   backend TEXT, id TEXT, epoch TEXT, rev INTEGER,
 *   time INTEGER (Unix ms), updated INTEGER (Unix ms),
 *   severity INTEGER (-1 none, 0 info .. 4 critical),
 *   tlp INTEGER (-1 none, 0 CLEAR .. 4 RED),
 *   status TEXT, kind TEXT, inst_id TEXT, inst_name TEXT, title TEXT,
 *   assignee TEXT, ticket_id TEXT, source TEXT, corr INTEGER,
 *   data TEXT (the entity's JSON as received), rx INTEGER (arrival order),
 *   due INTEGER (ticket response deadline, Unix ms; NULL otherwise; v2),
 *   PRIMARY KEY (backend, id)
 * with an index on (time, id) and on (rx), and on tickets (due, id). Text is stored as received:
 * whoever draws it sanitises it.
 * TLP:RED rows live in an in-memory database attached as "red" with the same
 * tables (unless [cache] store_red allows them on disk). Readers use the
 * unqualified names, which are TEMP views over both tiers; for each table
 * t a TEMP view t_stamp(rx, n) gives its newest arrival and row count, and
 * t_rx(rx) the arrival alone, cheaply (aggregates over the union views would
 * scan every row; t_stamp counts even when only rx is read).
 *   alerts_fts, advisories_fts, tickets_fts (v3): FTS5 (title, body), rowid =
 *     the entity row's rowid (client/search.h): deletes leave by trigger,
 *     new and changed rows are indexed by cache_index_step; fts_state(tbl,
 *     rx) says how far each index has got; meta(key, value): red_on_disk = 1
 *     while the file may hold TLP:RED rows;
 *     and the partial index alerts_open (backend, severity, tlp) WHERE severity >= 3
 *     AND status IS NOT 'closed' for the wall's counters
 *   cursors(backend PRIMARY KEY, epoch, seq, updated)
 *   snapshot_stage(backend, stream, id, rev, data) - a snapshot in progress
 *   outbox(id INTEGER PRIMARY KEY, backend, action_id UNIQUE, op, target,
 *          args, state 'queued'|'sent'|'done'|'refused', created, sent,
 *          result_code, result_message)
 */
#ifndef SOCTOP_CACHE_H
#define SOCTOP_CACHE_H

#include <stdint.h>
#include <sqlite3.h>
#include "proto.h"

#define CACHE_SCHEMA_VERSION 3

struct cache;

/* Open (creating if needed) the cache at path. The parent directory is
 * created 0700; the file is made 0600. A file or directory that others can
 * read is refused with a message saying what to chmod. WAL mode, busy
 * timeout, foreign keys; migrations to CACHE_SCHEMA_VERSION. A database
 * newer than this build is refused. Returns 0, or -1 with err filled. */
int cache_open(const char *path, struct cache **out, char *err, size_t errlen);
/* How to open. Zeroed is the default. */
struct cache_opts {
	/* TLP:RED rows are kept in an in-memory tier (the views read both
	 * through TEMP views named like the tables) and never reach the file;
	 * RED rows a former configuration left there move to memory at open.
	 * The memory tier keeps the newest 5,000 RED alerts and as many
	 * advisories (state streams: all).
	 * With red_on_disk they are stored like any other row. */
	int red_on_disk;
	/* Open as a follower when another process holds the writer's lock
	 * (a lock file beside the cache, path + ".lock", 0600): then never
	 * write (no stage clearing, no RED move, no checkpointer). Otherwise
	 * the lock is taken and held until cache_close. */
	int follow_if_locked;
};
/* 1 when opened as a follower, with the writer's pid (0 unknown). */
int cache_is_follower(const struct cache *c, int *writer_pid);
int cache_open_with(const char *path, const struct cache_opts *opts, struct cache **out, char *err,
		    size_t errlen);
/* A file found damaged at open (not a SQLite header, truncated, SQLite
 * reporting corruption, or marked by a run that met corruption: see
 * "<path>.damaged") is renamed to <path>.corrupt-<UTC stamp> (with its
 * WAL) and a fresh cache is created; cache_notice() then says so (NULL
 * otherwise), with when in *when_ms. A disk-full or corrupt write while
 * running fails the batch like any other error, with a message that says
 * what to do (cache_errmsg). */
const char *cache_notice(const struct cache *c, int64_t *when_ms);
void cache_close(struct cache *c); /* flushes first */

sqlite3 *cache_db(struct cache *c);
const char *cache_path(const struct cache *c);
const char *cache_errmsg(const struct cache *c); /* last error, one line */

/* The open write transaction: its age in ms (-1 when none is open) and
 * the rows written in it, so the caller can batch commits by time and size. */
int64_t cache_batch_age_ms(struct cache *c);
int cache_batch_writes(const struct cache *c);
/* Commit the open write transaction, if any. 0 or -1. */
int cache_flush(struct cache *c);
/* Roll back the open write transaction, if any (nothing half-applied). */
void cache_rollback(struct cache *c);

struct cache_cursor {
	char epoch[PROTO_MAX_EPOCH + 1];
	int64_t seq;
	int valid; /* 0: no cursor yet */
};
int cache_cursor_get(struct cache *c, const char *backend, struct cache_cursor *cur);
/* Staged in the open transaction with the data it covers. */
int cache_cursor_set(struct cache *c, const char *backend, const char *epoch, int64_t seq);
int cache_cursor_clear(struct cache *c, const char *backend);

/* Upsert one entity from a live or replayed event. The row is replaced when
 * it does not exist, when its stored epoch differs from epoch, or when
 * e->rev is greater than the stored rev. Returns 1 applied, 0 ignored
 * (same or older rev), -1 error. */
int cache_upsert(struct cache *c, const char *backend, const char *epoch, const struct proto_entity *e);
/* Delete, with the same rev rule. 1 deleted, 0 ignored, -1 error. */
int cache_delete(struct cache *c, const char *backend, const char *epoch,
		 enum proto_stream stream, const char *id, int64_t rev);

/* A snapshot: begin clears any stage left for the backend; stage keeps one
 * entity aside; commit applies the whole stage in the open transaction
 * (replacing whatever the rev when the stored epoch differs), drops every
 * tickets/vendors/drills row of the backend that the snapshot did not name,
 * sets the cursor to (epoch, seq) and empties the stage. abort just empties
 * the stage. Nothing of a snapshot is visible before its commit. */
int cache_snapshot_begin(struct cache *c, const char *backend);
int cache_snapshot_stage(struct cache *c, const char *backend, const struct proto_entity *e);
int cache_snapshot_commit(struct cache *c, const char *backend, const char *epoch, int64_t seq);
void cache_snapshot_abort(struct cache *c, const char *backend);

/* Number of rows in an entity table (all backends). -1 on error. */
int64_t cache_count(struct cache *c, enum proto_stream stream);
const char *cache_table(enum proto_stream stream); /* "alerts", ... */

/* The file's search index follows the tables in steps, off the ingest path:
 * index up to max_rows rows stored or changed since the last step (in the
 * open write batch; a failure rolls back only the step). Returns the rows
 * indexed (0: caught up), or -1 with the message set. A follower indexes
 * nothing. The memory tier is indexed at once. */
int cache_index_step(struct cache *c, int max_rows);
/* Rows of the file not yet in the search index (-1 on error). */
int64_t cache_index_behind(struct cache *c);

/* Retention: delete what is older than cutoff_ms (Unix ms) from both
 * tiers, in one transaction: alerts and advisories by their time, closed or
 * resolved tickets and closed drills by their last update, answered
 * outbox entries by their creation. The search index follows. *deleted
 * gets the row count. 0 or -1. */
int cache_purge(struct cache *c, int64_t cutoff_ms, int64_t *deleted);
/* Give free pages back: VACUUM, then truncate the WAL. Fails (-1, message
 * saying so) while another soctop has the cache open. */
int cache_vacuum(struct cache *c);

/* The outbox: operator actions waiting to be sent, in order. */
struct cache_action {
	int64_t id; /* queue order */
	char backend[64];
	char action_id[64];
	char op[64];
	char target[PROTO_MAX_ID + 1];
	char *args; /* JSON text, malloc'd; free with cache_action_clear() */
	char state[16];
};
/* Queue an action (state 'queued'); a second add with the same action_id
 * is ignored and returns 0, a new one returns 1, error -1. */
int cache_outbox_add(struct cache *c, const char *backend, const char *action_id,
		     const char *op, const char *target, const char *args_json);
/* The oldest queued or sent-but-unanswered action of backend with id >
 * after_id. 1 found, 0 none, -1 error. */
int cache_outbox_next(struct cache *c, const char *backend, int64_t after_id, struct cache_action *out);
int cache_outbox_mark_sent(struct cache *c, const char *action_id);
/* Record backend's result for one of its own actions: ok -> 'done', else
 * 'refused' with the reason. A result naming another backend's action
 * changes nothing. */
int cache_outbox_result(struct cache *c, const char *backend, const char *action_id, int ok, const char *code,
			const char *message);
int64_t cache_outbox_pending(struct cache *c, const char *backend); /* queued + sent; backend NULL = all */
void cache_action_clear(struct cache_action *a);

#endif
