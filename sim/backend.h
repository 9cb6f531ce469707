/* One simulated backend (F-SOC or F-CERT): its epoch, its numbered log of
 * changes, the current entities, the replay history and the remembered
 * action results. Every change goes through backend_upsert/backend_delete,
 * which number it, log it, persist it and hand it to the server. */
#ifndef SIM_BACKEND_H
#define SIM_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "sim/util.h"

enum sim_stream {
	ST_ALERTS = 0,
	ST_ADVISORIES,
	ST_TICKETS,
	ST_VENDORS,
	ST_DRILLS,
	ST_COUNT
};

enum sim_backend_kind { BK_FSOC = 0, BK_FCERT = 1, BK_COUNT };

const char *stream_name(int stream);
/* -1 if unknown. */
int stream_parse(const char *name);
/* Streams are history streams (bounded window) or state streams (all kept). */
int stream_is_history(int stream);

struct entity {
	char *id;
	int stream;
	uint64_t rev;
	char *data; /* compact JSON object text, data.id == id */
	size_t data_len;
	struct entity *hnext;       /* hash chain */
	struct entity *prev, *next; /* per-stream list, least recently changed first */
};

struct entity_list {
	struct entity *head, *tail;
	size_t count;
};

struct action_rec {
	char *action_id;
	char *result; /* the result message (JSON text) sent for it */
	struct action_rec *hnext;
};

struct sim_state;

struct backend {
	int kind;
	const char *name; /* "fsoc" / "fcert" */
	const char *path; /* "/fsoc" / "/fcert" */
	int streams[3];
	int nstreams;
	char epoch[40];
	uint64_t seq;

	struct entity **buckets;
	size_t nbuckets, nentities;
	struct entity_list lists[ST_COUNT];
	size_t window;

	/* replay history: ring of event messages, oldest at hist_head */
	struct msg **hist;
	size_t hist_cap, hist_count, hist_head;

	/* remembered action results, bounded ring plus hash */
	struct action_rec **act_ring;
	size_t act_cap, act_count, act_head;
	struct action_rec **act_buckets;
	size_t act_nbuckets;

	struct sim_state *state; /* NULL without --state */
	/* Called with every new event message, after it was logged. */
	void (*on_event)(struct backend *b, struct msg *m, void *user);
	void *on_event_user;
};

void backend_init(struct backend *b, int kind, size_t history, size_t window);
void backend_free(struct backend *b);
/* Returns 1 if stream belongs to this backend. */
int backend_has_stream(const struct backend *b, int stream);

struct entity *backend_find(struct backend *b, int stream, const char *id);
/* Find by id in any stream of the backend. */
struct entity *backend_find_any(struct backend *b, const char *id);

/* Record a change as the next event of the log; data is the whole entity as
 * compact JSON text (its "id" must equal id). Returns the new rev. */
uint64_t backend_upsert(struct backend *b, int stream, const char *id, const char *data, size_t len);
uint64_t backend_delete(struct backend *b, int stream, const char *id);

/* Oldest seq still in history (seq+1 when history is empty). */
uint64_t backend_hist_oldest(const struct backend *b);
/* The history message for seq, or NULL if gone. */
struct msg *backend_hist_get(const struct backend *b, uint64_t seq);

/* Snapshot message for one entity (event without seq). Caller owns it. */
struct msg *backend_snapshot_msg(const struct entity *e);

const char *backend_action_lookup(struct backend *b, const char *action_id);
void backend_action_remember(struct backend *b, const char *action_id, const char *result);

/* Used by the state loader: apply a logged event without emitting it again. */
void backend_load_event(struct backend *b, uint64_t seq, int stream, const char *op, const char *id,
			uint64_t rev, const char *data, size_t len);
void backend_load_entity(struct backend *b, int stream, const char *id, uint64_t rev,
			 const char *data, size_t len);
void backend_load_action(struct backend *b, const char *action_id, const char *result);

#endif
