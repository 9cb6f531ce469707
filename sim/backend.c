/* The log, entity store, history and action memory of one backend. */
#include "sim/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/state.h"

#define ACTION_MEMORY 10000

static const char *const stream_names[ST_COUNT] = {"alerts", "advisories", "tickets", "vendors",
						   "drills"};

const char *stream_name(int stream)
{
	return stream >= 0 && stream < ST_COUNT ? stream_names[stream] : "?";
}

int stream_parse(const char *name)
{
	for (int i = 0; i < ST_COUNT; i++)
		if (!strcmp(name, stream_names[i]))
			return i;
	return -1;
}

int stream_is_history(int stream)
{
	return stream == ST_ALERTS || stream == ST_ADVISORIES;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t hash_key(int stream, const char *id)
{
	return hash_str(0xcbf29ce484222325ULL ^ (uint64_t)stream, id);
}

void backend_init(struct backend *b, int kind, size_t history, size_t window)
{
	memset(b, 0, sizeof *b);
	b->kind = kind;
	if (kind == BK_FSOC) {
		b->name = "fsoc";
		b->path = "/fsoc";
		b->streams[0] = ST_ALERTS;
		b->streams[1] = ST_ADVISORIES;
		b->nstreams = 2;
	} else {
		b->name = "fcert";
		b->path = "/fcert";
		b->streams[0] = ST_TICKETS;
		b->streams[1] = ST_VENDORS;
		b->streams[2] = ST_DRILLS;
		b->nstreams = 3;
	}
	util_random_hex(b->epoch, 6);
	b->nbuckets = 1024;
	b->buckets = calloc(b->nbuckets, sizeof *b->buckets);
	b->window = window;
	b->hist_cap = history;
	b->hist = history ? calloc(history, sizeof *b->hist) : NULL;
	b->act_cap = ACTION_MEMORY;
	b->act_ring = calloc(b->act_cap, sizeof *b->act_ring);
	b->act_nbuckets = 4096;
	b->act_buckets = calloc(b->act_nbuckets, sizeof *b->act_buckets);
	if (!b->buckets || (history && !b->hist) || !b->act_ring || !b->act_buckets) {
		fprintf(stderr, "soctop-sim: out of memory for --history %zu\n", history);
		exit(1);
	}
}

static void entity_free(struct entity *e)
{
	free(e->id);
	free(e->data);
	free(e);
}

void backend_free(struct backend *b)
{
	for (size_t i = 0; i < b->nbuckets; i++) {
		struct entity *e = b->buckets[i];
		while (e) {
			struct entity *n = e->hnext;
			entity_free(e);
			e = n;
		}
	}
	free(b->buckets);
	for (size_t i = 0; i < b->hist_count; i++)
		msg_unref(b->hist[(b->hist_head + i) % b->hist_cap]);
	free(b->hist);
	for (size_t i = 0; i < b->act_count; i++) {
		struct action_rec *r = b->act_ring[(b->act_head + i) % b->act_cap];
		free(r->action_id);
		free(r->result);
		free(r);
	}
	free(b->act_ring);
	free(b->act_buckets);
	memset(b, 0, sizeof *b);
}

int backend_has_stream(const struct backend *b, int stream)
{
	for (int i = 0; i < b->nstreams; i++)
		if (b->streams[i] == stream)
			return 1;
	return 0;
}

struct entity *backend_find(struct backend *b, int stream, const char *id)
{
	struct entity *e = b->buckets[hash_key(stream, id) & (b->nbuckets - 1)];
	for (; e; e = e->hnext)
		if (e->stream == stream && !strcmp(e->id, id))
			return e;
	return NULL;
}

struct entity *backend_find_any(struct backend *b, const char *id)
{
	for (int i = 0; i < b->nstreams; i++) {
		struct entity *e = backend_find(b, b->streams[i], id);
		if (e)
			return e;
	}
	return NULL;
}

static void list_unlink(struct entity_list *l, struct entity *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = NULL;
	l->count--;
}

static void list_append(struct entity_list *l, struct entity *e)
{
	e->prev = l->tail;
	e->next = NULL;
	if (l->tail)
		l->tail->next = e;
	else
		l->head = e;
	l->tail = e;
	l->count++;
}

static void hash_grow(struct backend *b)
{
	size_t n = b->nbuckets * 2;
	struct entity **nb = calloc(n, sizeof *nb);
	if (!nb)
		return; /* keep the old table; chains just get longer */
	for (size_t i = 0; i < b->nbuckets; i++) {
		struct entity *e = b->buckets[i];
		while (e) {
			struct entity *next = e->hnext;
			size_t h = hash_key(e->stream, e->id) & (n - 1);
			e->hnext = nb[h];
			nb[h] = e;
			e = next;
		}
	}
	free(b->buckets);
	b->buckets = nb;
	b->nbuckets = n;
}

static void entity_remove(struct backend *b, struct entity *e)
{
	struct entity **pp = &b->buckets[hash_key(e->stream, e->id) & (b->nbuckets - 1)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	list_unlink(&b->lists[e->stream], e);
	b->nentities--;
	entity_free(e);
}

/* Set an entity's state; returns its new rev. */
static uint64_t entity_set(struct backend *b, int stream, const char *id, uint64_t rev,
			   const char *data, size_t len)
{
	struct entity *e = backend_find(b, stream, id);
	if (e) {
		list_unlink(&b->lists[stream], e);
		free(e->data);
	} else {
		e = xmalloc(sizeof *e);
		memset(e, 0, sizeof *e);
		e->id = xstrdup(id);
		e->stream = stream;
		if (b->nentities >= b->nbuckets)
			hash_grow(b);
		size_t h = hash_key(stream, id) & (b->nbuckets - 1);
		e->hnext = b->buckets[h];
		b->buckets[h] = e;
		b->nentities++;
	}
	e->rev = rev ? rev : e->rev + 1;
	e->data = xmalloc(len + 1);
	memcpy(e->data, data, len);
	e->data[len] = '\0';
	e->data_len = len;
	list_append(&b->lists[stream], e);
	uint64_t out = e->rev;
	if (stream_is_history(stream))
		while (b->lists[stream].count > b->window && b->lists[stream].head != e)
			entity_remove(b, b->lists[stream].head);
	return out;
}

static struct msg *build_event(uint64_t seq, int stream, const char *op, const char *id,
			       uint64_t rev, const char *data, size_t len)
{
	static struct sbuf sb;
	sbuf_reset(&sb);
	if (seq)
		sbuf_addf(&sb, "{\"type\":\"event\",\"seq\":%llu,\"stream\":\"%s\",\"op\":\"%s\",\"id\":",
			  (unsigned long long)seq, stream_name(stream), op);
	else
		sbuf_addf(&sb, "{\"type\":\"event\",\"stream\":\"%s\",\"op\":\"%s\",\"id\":",
			  stream_name(stream), op);
	sbuf_add_json_str(&sb, id);
	sbuf_addf(&sb, ",\"rev\":%llu", (unsigned long long)rev);
	if (data) {
		sbuf_adds(&sb, ",\"data\":");
		sbuf_add(&sb, data, len);
	}
	sbuf_add(&sb, "}", 1);
	return msg_from_sbuf(&sb);
}

static void hist_push(struct backend *b, struct msg *m)
{
	if (!b->hist_cap) {
		msg_unref(m);
		return;
	}
	if (b->hist_count == b->hist_cap) {
		msg_unref(b->hist[b->hist_head]);
		b->hist[b->hist_head] = m;
		b->hist_head = (b->hist_head + 1) % b->hist_cap;
	} else {
		b->hist[(b->hist_head + b->hist_count) % b->hist_cap] = m;
		b->hist_count++;
	}
}

static void hist_clear(struct backend *b)
{
	for (size_t i = 0; i < b->hist_count; i++)
		msg_unref(b->hist[(b->hist_head + i) % b->hist_cap]);
	b->hist_count = 0;
	b->hist_head = 0;
}

uint64_t backend_hist_oldest(const struct backend *b)
{
	return b->seq - b->hist_count + 1;
}

struct msg *backend_hist_get(const struct backend *b, uint64_t seq)
{
	uint64_t oldest = backend_hist_oldest(b);
	if (!b->hist_count || seq < oldest || seq > b->seq)
		return NULL;
	return b->hist[(b->hist_head + (size_t)(seq - oldest)) % b->hist_cap];
}

static void emit(struct backend *b, struct msg *m)
{
	if (b->state)
		state_append_event(b->state, b->name, msg_payload(m), m->len);
	hist_push(b, msg_ref(m));
	if (b->on_event)
		b->on_event(b, m, b->on_event_user);
	msg_unref(m);
}

uint64_t backend_upsert(struct backend *b, int stream, const char *id, const char *data, size_t len)
{
	uint64_t rev = entity_set(b, stream, id, 0, data, len);
	b->seq++;
	emit(b, build_event(b->seq, stream, "upsert", id, rev, data, len));
	return rev;
}

uint64_t backend_delete(struct backend *b, int stream, const char *id)
{
	struct entity *e = backend_find(b, stream, id);
	uint64_t rev = e ? e->rev + 1 : 1;
	char *own = xstrdup(id); /* id may be the entity's own */
	if (e)
		entity_remove(b, e);
	b->seq++;
	emit(b, build_event(b->seq, stream, "delete", own, rev, NULL, 0));
	free(own);
	return rev;
}

struct msg *backend_snapshot_msg(const struct entity *e)
{
	return build_event(0, e->stream, "upsert", e->id, e->rev, e->data, e->data_len);
}

void backend_load_event(struct backend *b, uint64_t seq, int stream, const char *op, const char *id,
			uint64_t rev, const char *data, size_t len)
{
	if (seq != b->seq + 1)
		hist_clear(b); /* keep the history contiguous */
	if (!strcmp(op, "delete")) {
		struct entity *e = backend_find(b, stream, id);
		if (e)
			entity_remove(b, e);
		data = NULL;
	} else {
		entity_set(b, stream, id, rev, data, len);
	}
	b->seq = seq;
	hist_push(b, build_event(seq, stream, op, id, rev, data, len));
}

void backend_load_entity(struct backend *b, int stream, const char *id, uint64_t rev,
			 const char *data, size_t len)
{
	entity_set(b, stream, id, rev, data, len);
}

static struct action_rec *action_find(struct backend *b, const char *action_id)
{
	struct action_rec *r =
		b->act_buckets[hash_str(0xcbf29ce484222325ULL, action_id) & (b->act_nbuckets - 1)];
	for (; r; r = r->hnext)
		if (!strcmp(r->action_id, action_id))
			return r;
	return NULL;
}

const char *backend_action_lookup(struct backend *b, const char *action_id)
{
	struct action_rec *r = action_find(b, action_id);
	return r ? r->result : NULL;
}

void backend_load_action(struct backend *b, const char *action_id, const char *result)
{
	struct action_rec *r = action_find(b, action_id);
	if (r) {
		free(r->result);
		r->result = xstrdup(result);
		return;
	}
	if (b->act_count == b->act_cap) {
		struct action_rec *old = b->act_ring[b->act_head];
		struct action_rec **pp = &b->act_buckets[hash_str(0xcbf29ce484222325ULL, old->action_id) &
							 (b->act_nbuckets - 1)];
		while (*pp && *pp != old)
			pp = &(*pp)->hnext;
		if (*pp)
			*pp = old->hnext;
		free(old->action_id);
		free(old->result);
		free(old);
		b->act_head = (b->act_head + 1) % b->act_cap;
		b->act_count--;
	}
	r = xmalloc(sizeof *r);
	r->action_id = xstrdup(action_id);
	r->result = xstrdup(result);
	size_t h = hash_str(0xcbf29ce484222325ULL, action_id) & (b->act_nbuckets - 1);
	r->hnext = b->act_buckets[h];
	b->act_buckets[h] = r;
	b->act_ring[(b->act_head + b->act_count) % b->act_cap] = r;
	b->act_count++;
}

void backend_action_remember(struct backend *b, const char *action_id, const char *result)
{
	backend_load_action(b, action_id, result);
	if (b->state)
		state_append_action(b->state, b->name, action_id, result);
}
