/* client/feed.c - one backend's protocol state machine; see feed.h and the
 * "The feed: epoch and seq" section of docs/PROTOCOL.md. */
#include "client/feed.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/log.h"
#include "tui/text.h"

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void feed_problem(struct feed *f, int64_t now_ms, const char *fmt, ...)
{
	char raw[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* Problems quote backend text: sanitise before it reaches log or screen. */
	text_sanitize(raw, f->problem, sizeof f->problem);
	f->problem_ms = now_ms;
	f->changed = 1;
	log_warn("%s: %s", f->backend, f->problem);
}

int feed_init(struct feed *f, const char *backend, struct cache *cache, feed_send_fn send, void *ctx)
{
	memset(f, 0, sizeof *f);
	copy_str(f->backend, sizeof f->backend, backend);
	f->cache = cache;
	f->send = send;
	f->send_ctx = ctx;
	return feed_reload_cursor(f);
}

int feed_reload_cursor(struct feed *f)
{
	struct cache_cursor cur;
	f->cursor_dirty = 0;
	if (cache_cursor_get(f->cache, f->backend, &cur) < 0) {
		f->have_cursor = 0;
		return -1;
	}
	f->have_cursor = cur.valid;
	f->seq = cur.valid ? cur.seq : 0;
	copy_str(f->epoch, sizeof f->epoch, cur.valid ? cur.epoch : "");
	return 0;
}

void feed_connected(struct feed *f, int64_t now_ms)
{
	f->phase = FEED_WAIT_HELLO;
	f->resub_pending = 0;
	f->short_replays = 0;
	f->server_epoch[0] = '\0';
	f->heartbeat_s = 0;
	f->last_msg_ms = now_ms;
}

void feed_disconnected(struct feed *f)
{
	f->phase = FEED_WAIT_HELLO;
	f->resub_pending = 0;
}

static int send_subscribe(struct feed *f)
{
	char *text = proto_encode_subscribe(f->streams, f->have_cursor ? f->epoch : NULL, f->seq);
	if (!text)
		return -1;
	int rc = f->send(f->send_ctx, text);
	free(text);
	return rc;
}

/* A gap: ask again from the last applied seq, once until answered. */
static int resubscribe(struct feed *f, int64_t now_ms, const char *why, int64_t seen)
{
	if (f->resub_pending)
		return FEED_CONTINUE;
	f->st.gaps++;
	feed_problem(f, now_ms, "%s (seq %lld, last applied %lld): re-subscribing", why, (long long)seen,
		     (long long)f->seq);
	f->resub_pending = 1;
	return send_subscribe(f) < 0 ? FEED_CLOSE : FEED_CONTINUE;
}

static int on_hello(struct feed *f, const struct proto_msg *m, int64_t now_ms)
{
	if (f->phase != FEED_WAIT_HELLO) {
		f->st.invalid++;
		feed_problem(f, now_ms, "unexpected second hello");
		return FEED_CONTINUE;
	}
	copy_str(f->server_epoch, sizeof f->server_epoch, m->epoch);
	copy_str(f->server, sizeof f->server, m->server);
	copy_str(f->operator_name, sizeof f->operator_name, m->operator_name);
	f->streams = m->streams;
	f->heartbeat_s = m->heartbeat_s;
	f->phase = FEED_WAIT_ANSWER;
	f->resub_pending = 1; /* no second subscribe until this one is answered */
	log_info("%s: hello from %s, epoch %s, heartbeat %ds; subscribing %s", f->backend,
		 f->server[0] ? f->server : "?", f->server_epoch, f->heartbeat_s,
		 f->have_cursor ? "with cursor" : "without cursor");
	return send_subscribe(f) < 0 ? FEED_CLOSE : FEED_CONTINUE;
}

static int apply_live_event(struct feed *f, const struct proto_msg *m, int64_t now_ms)
{
	int rc;
	if (m->op_delete)
		rc = cache_delete(f->cache, f->backend, f->epoch, m->ent.stream, m->ent.id, m->ent.rev);
	else
		rc = cache_upsert(f->cache, f->backend, f->epoch, &m->ent);
	if (rc < 0) {
		feed_problem(f, now_ms, "cache write failed: %s", cache_errmsg(f->cache));
		return FEED_CLOSE;
	}
	if (rc > 0) {
		f->st.applied++;
		f->changed = 1;
	} else {
		f->st.stale_rev++;
	}
	f->seq = m->seq;
	f->cursor_dirty = 1;
	return FEED_CONTINUE;
}

static int on_event(struct feed *f, const struct proto_msg *m, int valid, const char *err, int64_t now_ms)
{
	if (f->phase == FEED_SNAPSHOT && !m->has_seq) {
		if (!valid) {
			f->st.invalid++;
			feed_problem(f, now_ms, "invalid snapshot event %s: %s", m->ent.id ? m->ent.id : "?", err);
			return FEED_CONTINUE;
		}
		if (m->op_delete) {
			f->st.invalid++;
			feed_problem(f, now_ms, "snapshot event %s is a delete", m->ent.id);
			return FEED_CONTINUE;
		}
		if (cache_snapshot_stage(f->cache, f->backend, &m->ent) < 0) {
			feed_problem(f, now_ms, "cache write failed: %s", cache_errmsg(f->cache));
			return FEED_CLOSE;
		}
		return FEED_CONTINUE;
	}
	if (!m->has_seq || f->phase != FEED_LIVE || !f->have_cursor) {
		/* Outside a snapshot an event must carry a seq, and before the
		 * subscription is answered there is nothing to number it against. */
		if (!m->has_seq || f->phase != FEED_WAIT_ANSWER || !f->have_cursor ||
		    strcmp(f->server_epoch, f->epoch) != 0) {
			f->st.invalid++;
			feed_problem(f, now_ms, "event %s out of place (phase %d)%s", m->ent.id ? m->ent.id : "?",
				     (int)f->phase, m->has_seq ? "" : ", no seq");
			return FEED_CONTINUE;
		}
		/* A replay: events with seq before `resumed` are applied normally. */
	}
	if (m->seq <= f->seq) {
		f->st.dup_seq++;
		return FEED_CONTINUE;
	}
	if (m->seq > f->seq + 1)
		return resubscribe(f, now_ms, "events missed", m->seq);
	if (!valid) {
		/* Counted and reported; its seq counts as applied so one bad
		 * event cannot wedge the feed. */
		f->st.invalid++;
		feed_problem(f, now_ms, "invalid event seq %lld %s: %s", (long long)m->seq,
			     m->ent.id ? m->ent.id : "", err);
		f->seq = m->seq;
		f->cursor_dirty = 1;
		return FEED_CONTINUE;
	}
	return apply_live_event(f, m, now_ms);
}

static int on_snapshot_begin(struct feed *f, const struct proto_msg *m, int64_t now_ms)
{
	if (f->phase == FEED_SNAPSHOT)
		cache_snapshot_abort(f->cache, f->backend);
	if (cache_snapshot_begin(f->cache, f->backend) < 0) {
		feed_problem(f, now_ms, "cache write failed: %s", cache_errmsg(f->cache));
		return FEED_CLOSE;
	}
	copy_str(f->snap_epoch, sizeof f->snap_epoch, m->epoch);
	f->snap_seq = m->seq;
	f->phase = FEED_SNAPSHOT;
	log_info("%s: snapshot of epoch %s at seq %lld", f->backend, f->snap_epoch, (long long)f->snap_seq);
	return FEED_CONTINUE;
}

static int on_snapshot_end(struct feed *f, const struct proto_msg *m, int64_t now_ms)
{
	if (f->phase != FEED_SNAPSHOT || strcmp(m->epoch, f->snap_epoch) != 0 || m->seq != f->snap_seq) {
		f->st.invalid++;
		feed_problem(f, now_ms, "snapshot_end (epoch %s, seq %lld) does not match its begin", m->epoch,
			     (long long)m->seq);
		if (f->phase == FEED_SNAPSHOT)
			cache_snapshot_abort(f->cache, f->backend);
		return FEED_CLOSE; /* start over with a fresh subscription */
	}
	if (cache_snapshot_commit(f->cache, f->backend, m->epoch, m->seq) < 0) {
		feed_problem(f, now_ms, "applying snapshot failed: %s", cache_errmsg(f->cache));
		return FEED_CLOSE;
	}
	copy_str(f->epoch, sizeof f->epoch, m->epoch);
	f->seq = m->seq;
	f->have_cursor = 1;
	f->cursor_dirty = 0; /* the commit wrote the cursor */
	f->phase = FEED_LIVE;
	f->resub_pending = 0;
	f->st.snapshots++;
	f->changed = 1;
	return FEED_CONTINUE;
}

static int on_resumed(struct feed *f, const struct proto_msg *m, int64_t now_ms)
{
	if (!f->resub_pending || f->phase == FEED_WAIT_HELLO || f->phase == FEED_SNAPSHOT) {
		f->st.invalid++;
		feed_problem(f, now_ms, "resumed without an unanswered subscribe (phase %d)", (int)f->phase);
		return FEED_CONTINUE;
	}
	if (!f->have_cursor || strcmp(m->epoch, f->epoch) != 0) {
		f->st.invalid++;
		feed_problem(f, now_ms, "resumed in epoch %s, but the cursor is in epoch %s", m->epoch,
			     f->have_cursor ? f->epoch : "(none)");
		return FEED_CLOSE;
	}
	f->phase = FEED_LIVE;
	f->resub_pending = 0;
	f->st.resumes++;
	if (m->seq > f->seq) {
		/* A backend that keeps replaying short would have us re-subscribe
		 * at network speed: after a few, drop the connection and let the
		 * back-off pace the retries. */
		if (++f->short_replays > 3) {
			f->short_replays = 0;
			feed_problem(f, now_ms, "replays keep ending short of seq %lld: reconnecting", (long long)m->seq);
			return FEED_CLOSE;
		}
		return resubscribe(f, now_ms, "replay ended short", m->seq);
	}
	f->short_replays = 0;
	return FEED_CONTINUE;
}

static int on_heartbeat(struct feed *f, const struct proto_msg *m, int64_t now_ms)
{
	if (f->phase != FEED_LIVE)
		return FEED_CONTINUE;
	if (m->seq > f->seq && !f->resub_pending) {
		if (++f->short_replays > 3) {
			f->short_replays = 0;
			feed_problem(f, now_ms, "heartbeats keep running ahead (seq %lld): reconnecting", (long long)m->seq);
			return FEED_CLOSE;
		}
		return resubscribe(f, now_ms, "heartbeat ahead of the last event", m->seq);
	}
	return FEED_CONTINUE;
}

static int on_result(struct feed *f, const struct proto_msg *m, int64_t now_ms)
{
	f->st.results++;
	if (cache_outbox_result(f->cache, f->backend, m->action_id, m->ok, m->code, m->message) < 0) {
		feed_problem(f, now_ms, "recording result of %s failed: %s", m->action_id, cache_errmsg(f->cache));
		return FEED_CLOSE;
	}
	if (!m->ok)
		feed_problem(f, now_ms, "action refused: %s: %s", m->code ? m->code : "?",
			     m->message ? m->message : "");
	f->changed = 1;
	return FEED_CONTINUE;
}

int feed_handle(struct feed *f, const char *buf, size_t len, int64_t now_ms)
{
	struct proto_msg m;
	char err[256] = "";
	int rc = proto_decode(buf, len, &m, err, sizeof err);
	int verdict = FEED_CONTINUE;

	f->st.msgs++;
	f->st.bytes += len;
	f->last_msg_ms = now_ms;
	if (rc != PROTO_OK && m.type != PROTO_MSG_EVENT) {
		f->st.invalid++;
		feed_problem(f, now_ms, "invalid message: %s", err);
		proto_msg_free(&m);
		return FEED_CONTINUE;
	}
	switch (m.type) {
	case PROTO_MSG_HELLO:
		verdict = on_hello(f, &m, now_ms);
		break;
	case PROTO_MSG_EVENT:
		verdict = on_event(f, &m, rc == PROTO_OK, err, now_ms);
		break;
	case PROTO_MSG_SNAPSHOT_BEGIN:
		verdict = on_snapshot_begin(f, &m, now_ms);
		break;
	case PROTO_MSG_SNAPSHOT_END:
		verdict = on_snapshot_end(f, &m, now_ms);
		break;
	case PROTO_MSG_RESUMED:
		verdict = on_resumed(f, &m, now_ms);
		break;
	case PROTO_MSG_HEARTBEAT:
		verdict = on_heartbeat(f, &m, now_ms);
		break;
	case PROTO_MSG_RESULT:
		verdict = on_result(f, &m, now_ms);
		break;
	case PROTO_MSG_ERROR:
		f->st.errors++;
		feed_problem(f, now_ms, "backend error %s: %s", m.code, m.message ? m.message : "");
		break;
	case PROTO_MSG_UNKNOWN:
		f->st.unknown++;
		break;
	}
	proto_msg_free(&m);
	return verdict;
}

int feed_sync_cursor(struct feed *f)
{
	if (!f->cursor_dirty)
		return 0;
	if (cache_cursor_set(f->cache, f->backend, f->epoch, f->seq) < 0)
		return -1;
	f->cursor_dirty = 0;
	return 0;
}

int feed_is_stale(const struct feed *f, int64_t now_ms)
{
	if (f->heartbeat_s <= 0)
		return 0;
	return now_ms - f->last_msg_ms > 3 * (int64_t)f->heartbeat_s * 1000;
}
