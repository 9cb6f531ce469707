/* JSON Lines persistence for --state. */
#include "sim/state.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/backend.h"
#include "sim/util.h"

#define COMPACT_MIN_BYTES (16u << 20)

struct sim_state {
	char *path;
	int fd;
	struct sbuf pending;
	size_t appended, compact_size;
	struct backend *bs[BK_COUNT];
	int nb;
	int write_failed;
};

static struct backend *pick(struct sim_state *s, const char *name)
{
	for (int i = 0; i < s->nb; i++)
		if (name && !strcmp(s->bs[i]->name, name))
			return s->bs[i];
	return NULL;
}

static void hist_reset(struct backend *b, uint64_t seq)
{
	/* A meta line starts a backend afresh: forget what was loaded before. */
	for (size_t i = 0; i < b->hist_count; i++)
		msg_unref(b->hist[(b->hist_head + i) % b->hist_cap]);
	b->hist_count = 0;
	b->hist_head = 0;
	b->seq = seq;
}

/* Apply one parsed line; returns 0 if understood. */
static int load_line(struct sim_state *s, json_t *j)
{
	const char *type = json_string_value(json_object_get(j, "type"));
	struct backend *b = pick(s, json_string_value(json_object_get(j, "b")));
	if (!type || !b)
		return -1;
	if (!strcmp(type, "meta")) {
		const char *epoch = json_string_value(json_object_get(j, "epoch"));
		json_t *seq = json_object_get(j, "seq");
		if (!epoch || !json_is_integer(seq) || strlen(epoch) >= sizeof b->epoch)
			return -1;
		snprintf(b->epoch, sizeof b->epoch, "%s", epoch);
		hist_reset(b, (uint64_t)json_integer_value(seq));
		return 0;
	}
	if (!strcmp(type, "action")) {
		const char *aid = json_string_value(json_object_get(j, "action_id"));
		json_t *res = json_object_get(j, "result");
		if (!aid || !json_is_object(res))
			return -1;
		char *txt = json_dumps(res, JSON_COMPACT);
		if (!txt)
			return -1;
		backend_load_action(b, aid, txt);
		free(txt);
		return 0;
	}
	const char *sname = json_string_value(json_object_get(j, "stream"));
	const char *id = json_string_value(json_object_get(j, "id"));
	json_t *rev = json_object_get(j, "rev");
	json_t *data = json_object_get(j, "data");
	int stream = sname ? stream_parse(sname) : -1;
	if (stream < 0 || !backend_has_stream(b, stream) || !id || !json_is_integer(rev))
		return -1;
	char *txt = json_is_object(data) ? json_dumps(data, JSON_COMPACT) : NULL;
	int rc = 0;
	if (!strcmp(type, "event")) {
		const char *op = json_string_value(json_object_get(j, "op"));
		json_t *seq = json_object_get(j, "seq");
		if (!op || !json_is_integer(seq) || (strcmp(op, "delete") && !txt))
			rc = -1;
		else
			backend_load_event(b, (uint64_t)json_integer_value(seq), stream, op, id,
					   (uint64_t)json_integer_value(rev), txt, txt ? strlen(txt) : 0);
	} else if (!strcmp(type, "entity") && txt) {
		backend_load_entity(b, stream, id, (uint64_t)json_integer_value(rev), txt, strlen(txt));
	} else {
		rc = -1;
	}
	free(txt);
	return rc;
}

static int load_file(struct sim_state *s)
{
	FILE *f = fopen(s->path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lines = 0, bad = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		int complete = line[n - 1] == '\n';
		json_error_t err;
		json_t *j = json_loadb(line, (size_t)n, 0, &err);
		if (!j) {
			if (!complete)
				break; /* torn last line from a kill: drop it */
			bad++;
			continue;
		}
		if (load_line(s, j))
			bad++;
		json_decref(j);
		lines++;
	}
	free(line);
	fclose(f);
	if (bad)
		fprintf(stderr, "soctop-sim: %s: ignored %ld unreadable lines\n", s->path, bad);
	fprintf(stderr, "soctop-sim: %s: loaded %ld lines\n", s->path, lines);
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void add_event_line(struct sbuf *sb, const char *backend, const char *event, size_t len)
{
	/* An event message is {"type":"event",...}: prefix the backend name. */
	sbuf_addf(sb, "{\"b\":\"%s\",", backend);
	sbuf_add(sb, event + 1, len - 1);
	sbuf_add(sb, "\n", 1);
}

static int compact(struct sim_state *s)
{
	size_t plen = strlen(s->path);
	char *tmp = xmalloc(plen + 5);
	memcpy(tmp, s->path, plen);
	memcpy(tmp + plen, ".tmp", 5);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "soctop-sim: cannot write %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	struct sbuf sb;
	sbuf_init(&sb);
	size_t total = 0;
	int rc = 0;
#define FLUSH_IF_BIG()                                                                            \
	do {                                                                                      \
		if (sb.len > (1u << 20)) {                                                        \
			rc |= write_all(fd, sb.p, sb.len);                                        \
			total += sb.len;                                                          \
			sbuf_reset(&sb);                                                          \
		}                                                                                 \
	} while (0)
	for (int i = 0; i < s->nb; i++) {
		struct backend *b = s->bs[i];
		sbuf_addf(&sb, "{\"type\":\"meta\",\"b\":\"%s\",\"epoch\":", b->name);
		sbuf_add_json_str(&sb, b->epoch);
		sbuf_addf(&sb, ",\"seq\":%llu}\n", (unsigned long long)(b->seq - b->hist_count));
		for (size_t k = 0; k < b->hist_count; k++) {
			struct msg *m = b->hist[(b->hist_head + k) % b->hist_cap];
			add_event_line(&sb, b->name, msg_payload(m), m->len);
			FLUSH_IF_BIG();
		}
		for (int st = 0; st < b->nstreams; st++) {
			for (struct entity *e = b->lists[b->streams[st]].head; e; e = e->next) {
				sbuf_addf(&sb, "{\"b\":\"%s\",\"type\":\"entity\",\"stream\":\"%s\",\"id\":",
					  b->name, stream_name(e->stream));
				sbuf_add_json_str(&sb, e->id);
				sbuf_addf(&sb, ",\"rev\":%llu,\"data\":", (unsigned long long)e->rev);
				sbuf_add(&sb, e->data, e->data_len);
				sbuf_adds(&sb, "}\n");
				FLUSH_IF_BIG();
			}
		}
		for (size_t k = 0; k < b->act_count; k++) {
			struct action_rec *r = b->act_ring[(b->act_head + k) % b->act_cap];
			sbuf_addf(&sb, "{\"b\":\"%s\",\"type\":\"action\",\"action_id\":", b->name);
			sbuf_add_json_str(&sb, r->action_id);
			sbuf_adds(&sb, ",\"result\":");
			sbuf_adds(&sb, r->result);
			sbuf_adds(&sb, "}\n");
			FLUSH_IF_BIG();
		}
	}
#undef FLUSH_IF_BIG
	if (sb.len)
		rc |= write_all(fd, sb.p, sb.len);
	total += sb.len;
	sbuf_free(&sb);
	if (rc || fsync(fd) || close(fd)) {
		fprintf(stderr, "soctop-sim: cannot write %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, s->path)) {
		fprintf(stderr, "soctop-sim: cannot rename %s to %s: %s\n", tmp, s->path,
			strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	int nfd = open(s->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (nfd < 0) {
		fprintf(stderr, "soctop-sim: cannot reopen %s: %s\n", s->path, strerror(errno));
		return -1;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = nfd;
	s->appended = 0;
	s->compact_size = total;
	return 0;
}

struct sim_state *state_open(const char *path, struct backend *bs[], int nb)
{
	struct sim_state *s = xmalloc(sizeof *s);
	memset(s, 0, sizeof *s);
	s->path = xstrdup(path);
	s->fd = -1;
	sbuf_init(&s->pending);
	s->nb = nb;
	for (int i = 0; i < nb; i++)
		s->bs[i] = bs[i];
	if (load_file(s)) {
		fprintf(stderr, "soctop-sim: cannot read --state %s: %s\n", path, strerror(errno));
		state_close(s);
		return NULL;
	}
	if (compact(s)) {
		state_close(s);
		return NULL;
	}
	for (int i = 0; i < nb; i++)
		bs[i]->state = s;
	return s;
}

void state_append_event(struct sim_state *s, const char *backend, const char *event, size_t len)
{
	add_event_line(&s->pending, backend, event, len);
}

void state_append_action(struct sim_state *s, const char *backend, const char *action_id,
			 const char *result)
{
	sbuf_addf(&s->pending, "{\"b\":\"%s\",\"type\":\"action\",\"action_id\":", backend);
	sbuf_add_json_str(&s->pending, action_id);
	sbuf_adds(&s->pending, ",\"result\":");
	sbuf_adds(&s->pending, result);
	sbuf_adds(&s->pending, "}\n");
}

void state_flush(struct sim_state *s)
{
	if (!s || !s->pending.len)
		return;
	if (write_all(s->fd, s->pending.p, s->pending.len)) {
		if (!s->write_failed)
			fprintf(stderr, "soctop-sim: cannot append to %s: %s\n", s->path,
				strerror(errno));
		s->write_failed = 1;
	}
	s->appended += s->pending.len;
	sbuf_reset(&s->pending);
	if (s->pending.cap > (8u << 20)) {
		sbuf_free(&s->pending);
	}
}

void state_maybe_compact(struct sim_state *s)
{
	if (!s)
		return;
	size_t limit = s->compact_size > COMPACT_MIN_BYTES ? s->compact_size : COMPACT_MIN_BYTES;
	if (s->appended < limit)
		return;
	state_flush(s);
	compact(s);
}

void state_close(struct sim_state *s)
{
	if (!s)
		return;
	state_flush(s);
	if (s->fd >= 0) {
		fsync(s->fd);
		close(s->fd);
	}
	for (int i = 0; i < s->nb; i++)
		if (s->bs[i]->state == s)
			s->bs[i]->state = NULL;
	sbuf_free(&s->pending);
	free(s->path);
	free(s);
}
