/* WebSocket server for both backends on one lws context. */
#include "sim/server.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sim/actions.h"
#include "sim/state.h"

#define SUBPROTOCOL "soctop.v1"
#define QUEUE_LIMIT ((size_t)64 << 20)  /* close a slower client with 1008 beyond this */
#define REPLAY_LIMIT ((size_t)32 << 20) /* a longer replay is answered by a snapshot */
#define MAX_IN_MSG ((size_t)1 << 20)
#define CHUNK ((size_t)65536)
#define BATCH ((size_t)65536) /* bytes of frames per raw write */

struct conn {
	struct lws *wsi;
	struct sim *sim;
	struct backend *b;
	char op[32];
	int subscribed, raw_sent, doomed;
	struct msg **q;
	size_t qcap, qhead, qcount, qbytes;
	size_t off;   /* bytes of the front message already sent */
	int frag_step; /* MSG_FRAG3 progress */
	struct sbuf rx;
	struct conn *prev, *next;
};

static unsigned char scratch[LWS_PRE + CHUNK];

/* --- upgrade checks ------------------------------------------------------ */

/* Decide what an upgrade request gets: 0 to accept (backend and operator
 * filled in), else the HTTP status to answer with. */
static int classify(struct sim *s, struct lws *wsi, struct backend **bk, const char **op)
{
	char uri[256] = "", auth[512] = "", proto[512] = "";
	if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) < 0)
		return 404;
	char *q = strchr(uri, '?');
	if (q)
		*q = '\0';
	struct backend *b = NULL;
	for (int i = 0; i < BK_COUNT; i++)
		if (!strcmp(uri, s->b[i].path))
			b = &s->b[i];
	if (!b)
		return 404;

	/* Authenticate before saying anything about the protocol. */
	if (lws_hdr_copy(wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) <= 0)
		return 401;
	char *t = auth;
	while (*t == ' ')
		t++;
	if (strncasecmp(t, "Bearer ", 7))
		return 401;
	t += 7;
	while (*t == ' ')
		t++;
	size_t tl = strlen(t);
	while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
		t[--tl] = '\0';
	if (!tl)
		return 401;
	if (!strcmp(t, s->o.token)) {
		*op = "duty.chen";
	} else if (s->o.token_fsoc_only && !strcmp(t, s->o.token_fsoc_only)) {
		if (b->kind != BK_FSOC)
			return 403;
		*op = "duty.lin";
	} else {
		return 401;
	}

	int offered = 0;
	if (lws_hdr_copy(wsi, proto, sizeof proto, WSI_TOKEN_PROTOCOL) > 0) {
		char *save = NULL;
		for (char *p = strtok_r(proto, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			while (*p == ' ' || *p == '\t')
				p++;
			size_t n = strlen(p);
			while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				p[--n] = '\0';
			if (!strcmp(p, SUBPROTOCOL))
				offered = 1;
		}
	}
	if (!offered)
		return 400;
	*bk = b;
	return 0;
}

static const char *status_text(int code)
{
	switch (code) {
	case 400: return "<p>subprotocol soctop.v1 required</p>";
	case 401: return "<p>missing or unknown bearer token</p>";
	case 403: return "<p>this token may not use this backend</p>";
	case 404: return "<p>no such backend</p>";
	default: return "<p>websocket upgrade required</p>";
	}
}

static int cb_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		   size_t len)
{
	struct sim *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
		struct backend *b = NULL;
		const char *op = NULL;
		int code = classify(s, wsi, &b, &op);
		if (!code)
			return 0;
		lwsl_notice("refusing upgrade with HTTP %d\n", code);
		if (lws_return_http_status(wsi, (unsigned)code, status_text(code)))
			return -1;
		return 1; /* answered: lws completes the transaction */
	}
	case LWS_CALLBACK_HTTP: {
		char uri[256] = "";
		lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
		int code = 404;
		for (int i = 0; i < BK_COUNT; i++)
			if (!strcmp(uri, s->b[i].path))
				code = 426;
		if (lws_return_http_status(wsi, (unsigned)code, status_text(code)))
			return -1;
		if (lws_http_transaction_completed(wsi))
			return -1;
		return 0;
	}
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* --- queues -------------------------------------------------------------- */

static void queue_clear(struct conn *c)
{
	for (size_t i = 0; i < c->qcount; i++)
		msg_unref(c->q[(c->qhead + i) % c->qcap]);
	c->qcount = c->qhead = c->qbytes = 0;
	c->off = 0;
	c->frag_step = 0;
}

static void conn_doom(struct conn *c)
{
	if (c->doomed)
		return;
	lwsl_warn("closing a %s client whose queue exceeded %zu bytes\n", c->b->name, QUEUE_LIMIT);
	/* Keep a message that is half sent; drop the rest. */
	c->doomed = 1;
	lws_callback_on_writable(c->wsi);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, 5);
}

/* Queue m (taking over one reference). */
static void conn_push(struct conn *c, struct msg *m)
{
	if (c->doomed) {
		msg_unref(m);
		return;
	}
	if (c->qcount == c->qcap) {
		size_t ncap = c->qcap ? c->qcap * 2 : 64;
		struct msg **nq = xmalloc(ncap * sizeof *nq);
		for (size_t i = 0; i < c->qcount; i++)
			nq[i] = c->q[(c->qhead + i) % c->qcap];
		free(c->q);
		c->q = nq;
		c->qcap = ncap;
		c->qhead = 0;
	}
	c->q[(c->qhead + c->qcount) % c->qcap] = m;
	c->qcount++;
	c->qbytes += m->len;
	if (c->qcount == 1)
		lws_callback_on_writable(c->wsi);
	if (c->qbytes > QUEUE_LIMIT)
		conn_doom(c);
}

static void conn_push_sbuf(struct conn *c, const struct sbuf *sb)
{
	conn_push(c, msg_from_sbuf(sb));
}

static void conn_pop(struct conn *c)
{
	struct msg *m = c->q[c->qhead];
	c->qbytes -= m->len;
	msg_unref(m);
	c->qhead = (c->qhead + 1) % c->qcap;
	c->qcount--;
	c->off = 0;
	c->frag_step = 0;
}

static void on_event(struct backend *b, struct msg *m, void *user)
{
	struct sim *s = user;
	for (struct conn *c = s->conns[b->kind]; c; c = c->next)
		if (c->subscribed)
			conn_push(c, msg_ref(m));
}

void server_heartbeat(struct sim *s)
{
	char now[21];
	util_now_str(now);
	for (int i = 0; i < BK_COUNT; i++) {
		struct msg *m = NULL;
		for (struct conn *c = s->conns[i]; c; c = c->next) {
			if (!c->subscribed)
				continue;
			if (!m) {
				struct sbuf sb;
				sbuf_init(&sb);
				sbuf_addf(&sb, "{\"type\":\"heartbeat\",\"seq\":%llu,\"time\":\"%s\"}",
					  (unsigned long long)s->b[i].seq, now);
				m = msg_from_sbuf(&sb);
				sbuf_free(&sb);
			}
			conn_push(c, msg_ref(m));
		}
		msg_unref(m);
	}
}

/* --- sending ------------------------------------------------------------- */

static int write_piece(struct conn *c, const char *p, size_t n, int flags)
{
	memcpy(scratch + LWS_PRE, p, n);
	int w = lws_write(c->wsi, scratch + LWS_PRE, n, (enum lws_write_protocol)flags);
	return w < (int)n ? -1 : 0;
}

/* Split points for a 3-fragment message, the first inside a UTF-8 character
 * when there is one. */
static void frag_points(const char *p, size_t len, size_t *a, size_t *b)
{
	size_t s1 = len / 3;
	for (size_t i = 0; i + 1 < len; i++)
		if (((unsigned char)p[i] & 0xc0) == 0xc0) {
			s1 = i + 1;
			break;
		}
	*a = s1;
	*b = s1 + (len - s1) / 2;
}

static int batchable(const struct msg *m)
{
	return m->kind != MSG_FRAG3 && m->len <= CHUNK;
}

/* lws allows one lws_write per WRITEABLE, and one WebSocket message per
 * write costs a poll round trip each: at high rates that caps the feed far
 * below what a client can take. So when several small whole messages are
 * queued, frame them here (server frames are unmasked: opcode, length,
 * payload) and hand the frames to lws as one raw write. Only whole frames
 * go out this way, so lws's own control frames still fall between them. */
static int conn_send_batch(struct conn *c)
{
	static unsigned char batch[LWS_PRE + BATCH];
	size_t n = 0, count = 0;
	while (c->qcount && !c->off && batchable(c->q[c->qhead])) {
		struct msg *m = c->q[c->qhead];
		size_t hl = m->len < 126 ? 2 : 4;
		if (n + hl + m->len > BATCH)
			break;
		unsigned char *h = batch + LWS_PRE + n;
		h[0] = (unsigned char)(0x80 | (m->kind == MSG_BINARY ? 0x2 : 0x1));
		if (hl == 2) {
			h[1] = (unsigned char)m->len;
		} else {
			h[1] = 126;
			h[2] = (unsigned char)(m->len >> 8);
			h[3] = (unsigned char)(m->len & 0xff);
		}
		memcpy(h + hl, msg_payload(m), m->len);
		n += hl + m->len;
		count++;
		conn_pop(c);
	}
	if (!count)
		return 0;
	int w = lws_write(c->wsi, batch + LWS_PRE, n, LWS_WRITE_RAW);
	return w < (int)n ? -1 : 0;
}

static int conn_send_front(struct conn *c)
{
	struct msg *m = c->q[c->qhead];
	char *p = msg_payload(m);
	int base = m->kind == MSG_BINARY ? LWS_WRITE_BINARY : LWS_WRITE_TEXT;

	if (m->kind == MSG_FRAG3) {
		size_t a, b;
		frag_points(p, m->len, &a, &b);
		size_t from = c->frag_step == 0 ? 0 : c->frag_step == 1 ? a : b;
		size_t to = c->frag_step == 0 ? a : c->frag_step == 1 ? b : m->len;
		int flags = (c->frag_step == 0 ? LWS_WRITE_TEXT : LWS_WRITE_CONTINUATION) |
			    (c->frag_step < 2 ? LWS_WRITE_NO_FIN : 0);
		if (write_piece(c, p + from, to - from, flags))
			return -1;
		if (++c->frag_step == 3)
			conn_pop(c);
		return 0;
	}
	if (m->len <= CHUNK && c->off == 0 && c->qcount > 1 && batchable(c->q[(c->qhead + 1) % c->qcap]))
		return conn_send_batch(c);
	if (m->len <= CHUNK && c->off == 0) {
		int w = lws_write(c->wsi, (unsigned char *)p, m->len, (enum lws_write_protocol)base);
		if (w < (int)m->len)
			return -1;
		conn_pop(c);
		return 0;
	}
	/* Large message: send it as fragments of CHUNK bytes. */
	size_t n = m->len - c->off > CHUNK ? CHUNK : m->len - c->off;
	int last = c->off + n == m->len;
	int flags = (c->off == 0 ? base : LWS_WRITE_CONTINUATION) | (last ? 0 : LWS_WRITE_NO_FIN);
	if (write_piece(c, p + c->off, n, flags))
		return -1;
	c->off += n;
	if (last)
		conn_pop(c);
	return 0;
}

/* --- subscribe ----------------------------------------------------------- */

static void send_error(struct conn *c, const char *code, const char *message)
{
	struct sbuf sb;
	sbuf_init(&sb);
	sbuf_addf(&sb, "{\"type\":\"error\",\"code\":\"%s\",\"message\":", code);
	sbuf_add_json_str(&sb, message);
	sbuf_adds(&sb, "}");
	conn_push_sbuf(c, &sb);
	sbuf_free(&sb);
}

static void push_marker(struct conn *c, const char *type)
{
	struct sbuf sb;
	sbuf_init(&sb);
	sbuf_addf(&sb, "{\"type\":\"%s\",\"epoch\":", type);
	sbuf_add_json_str(&sb, c->b->epoch);
	sbuf_addf(&sb, ",\"seq\":%llu}", (unsigned long long)c->b->seq);
	conn_push_sbuf(c, &sb);
	sbuf_free(&sb);
}

static void send_snapshot(struct conn *c)
{
	struct backend *b = c->b;
	push_marker(c, "snapshot_begin");
	for (int i = 0; i < b->nstreams; i++)
		for (struct entity *e = b->lists[b->streams[i]].head; e; e = e->next)
			conn_push(c, backend_snapshot_msg(e));
	push_marker(c, "snapshot_end");
}

static void send_raw(struct conn *c)
{
	struct sim *s = c->sim;
	for (size_t i = 0; i < s->nraw; i++) {
		struct raw_line *r = &s->raw[i];
		struct sbuf sb;
		sbuf_init(&sb);
		if (r->big) {
			static const char head[] = "{\"type\":\"padding\"}";
			if (r->big_len >= sizeof head - 1)
				sbuf_add(&sb, head, sizeof head - 1);
			while (sb.len < r->big_len) {
				char sp[4096];
				size_t n = r->big_len - sb.len > sizeof sp ? sizeof sp : r->big_len - sb.len;
				memset(sp, ' ', n);
				sbuf_add(&sb, sp, n);
			}
		} else {
			for (const char *p = r->text; *p;) {
				const char *hit = strstr(p, "$EPOCH");
				if (!hit) {
					sbuf_adds(&sb, p);
					break;
				}
				sbuf_add(&sb, p, (size_t)(hit - p));
				sbuf_adds(&sb, c->b->epoch);
				p = hit + 6;
			}
		}
		conn_push(c, msg_new(sb.p ? sb.p : "", sb.len, r->kind));
		sbuf_free(&sb);
	}
}

static void handle_subscribe(struct conn *c, json_t *j)
{
	struct backend *b = c->b;
	json_t *streams = json_object_get(j, "streams");
	if (!json_is_array(streams)) {
		send_error(c, "bad_request", "subscribe needs a 'streams' array");
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(streams, i, v) {
		const char *name = json_string_value(v);
		int st = name ? stream_parse(name) : -1;
		if (st < 0 || !backend_has_stream(b, st)) {
			char msg[160];
			snprintf(msg, sizeof msg, "unknown stream '%.100s'", name ? name : "(not a string)");
			send_error(c, "bad_request", msg);
			return;
		}
	}
	json_t *epoch = json_object_get(j, "epoch");
	json_t *since = json_object_get(j, "since");
	if ((epoch && !json_is_null(epoch) && !json_is_string(epoch)) ||
	    (since && !json_is_null(since) &&
	     (!json_is_integer(since) || json_integer_value(since) < 0))) {
		send_error(c, "bad_request", "'epoch' must be a string and 'since' an integer >= 0");
		return;
	}
	int replay = 0;
	uint64_t from = 0;
	if (json_is_string(epoch) && json_is_integer(since) &&
	    !strcmp(json_string_value(epoch), b->epoch)) {
		from = (uint64_t)json_integer_value(since);
		if (from <= b->seq && from + 1 >= backend_hist_oldest(b)) {
			size_t bytes = 0;
			for (uint64_t k = from + 1; k <= b->seq && bytes <= REPLAY_LIMIT; k++)
				bytes += backend_hist_get(b, k)->len;
			replay = bytes <= REPLAY_LIMIT;
		}
	}
	if (replay) {
		for (uint64_t k = from + 1; k <= b->seq; k++)
			conn_push(c, msg_ref(backend_hist_get(b, k)));
		push_marker(c, "resumed");
	} else {
		send_snapshot(c);
	}
	c->subscribed = 1;
	if (b->kind == BK_FSOC && c->sim->nraw && !c->raw_sent) {
		c->raw_sent = 1;
		send_raw(c);
	}
}

/* --- the websocket protocol ---------------------------------------------- */

static void handle_message(struct conn *c)
{
	json_error_t err;
	json_t *j = json_loadb(c->rx.p ? c->rx.p : "", c->rx.len, 0, &err);
	if (!json_is_object(j)) {
		char msg[200];
		snprintf(msg, sizeof msg, "message is not a JSON object: %s", j ? "" : err.text);
		send_error(c, "bad_request", msg);
		json_decref(j);
		return;
	}
	const char *type = json_string_value(json_object_get(j, "type"));
	if (!type) {
		send_error(c, "bad_request", "message has no 'type'");
	} else if (!strcmp(type, "subscribe")) {
		handle_subscribe(c, j);
	} else if (!strcmp(type, "action")) {
		struct sbuf out;
		sbuf_init(&out);
		actions_handle(c->sim, c->b, c->op, j, &out);
		/* The events it caused are already queued; the answer follows them. */
		conn_push_sbuf(c, &out);
		sbuf_free(&out);
	}
	/* Unknown types are ignored (forward compatible). */
	json_decref(j);
}

static void send_hello(struct conn *c)
{
	struct backend *b = c->b;
	char now[21];
	util_now_str(now);
	struct sbuf sb;
	sbuf_init(&sb);
	sbuf_addf(&sb, "{\"type\":\"hello\",\"protocol\":1,\"backend\":\"%s\",\"server\":\"%s\",\"epoch\":",
		  b->name, SIM_SERVER_NAME);
	sbuf_add_json_str(&sb, b->epoch);
	sbuf_adds(&sb, ",\"streams\":[");
	for (int i = 0; i < b->nstreams; i++)
		sbuf_addf(&sb, "%s\"%s\"", i ? "," : "", stream_name(b->streams[i]));
	sbuf_addf(&sb, "],\"heartbeat_s\":%d,\"operator\":\"%s\",\"time\":\"%s\"}",
		  c->sim->o.heartbeat_s, c->op, now);
	conn_push_sbuf(c, &sb);
	sbuf_free(&sb);
}

/* The vhost's own copy of the soctop.v1 entry (lws copies the table). Only
 * --reply-subprotocol writes to it. */
static struct lws_protocols *vhost_protocol(struct sim *s)
{
	static struct lws_protocols dummy;
	const struct lws_protocols *p = lws_vhost_name_to_protocol(s->vhost, SUBPROTOCOL);
	if (!p && s->o.reply_subprotocol)
		p = lws_vhost_name_to_protocol(s->vhost, s->o.reply_subprotocol);
	return p ? (struct lws_protocols *)(uintptr_t)p : &dummy;
}

static int cb_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct conn *c = user;
	struct sim *s = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* --reply-subprotocol: lws matched soctop.v1 and writes the
		 * handshake reply next, naming protocols[1]; the name goes back
		 * once that reply is out (ESTABLISHED, or CLOSED if it fails). */
		if (s->o.reply_subprotocol)
			vhost_protocol(s)->name = s->o.reply_subprotocol;
		return 0;
	case LWS_CALLBACK_ESTABLISHED: {
		struct backend *b = NULL;
		const char *op = NULL;
		vhost_protocol(s)->name = SUBPROTOCOL;
		if (s->o.drop_connections) {
			lwsl_notice("--drop-connections: closing an upgraded connection\n");
			return -1;
		}
		memset(c, 0, sizeof *c);
		/* Checked at CONFIRM_UPGRADE already; this only recovers the answer. */
		if (classify(s, wsi, &b, &op))
			return -1;
		c->wsi = wsi;
		c->sim = s;
		c->b = b;
		snprintf(c->op, sizeof c->op, "%s", op);
		{
			/* A large send buffer keeps data flowing while the client
			 * is busy applying what it read (the default is 16 KiB). */
			int sz = 4 * 1024 * 1024;
			setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
		}
		sbuf_init(&c->rx);
		c->next = s->conns[b->kind];
		if (c->next)
			c->next->prev = c;
		s->conns[b->kind] = c;
		send_hello(c);
		return 0;
	}
	case LWS_CALLBACK_CLOSED:
		vhost_protocol(s)->name = SUBPROTOCOL;
		if (!c || !c->wsi)
			return 0;
		if (c->prev)
			c->prev->next = c->next;
		else
			s->conns[c->b->kind] = c->next;
		if (c->next)
			c->next->prev = c->prev;
		queue_clear(c);
		free(c->q);
		sbuf_free(&c->rx);
		c->wsi = NULL;
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!c || !c->wsi)
			return 0;
		sim_flush_state(s); /* nothing leaves before it is on disk */
		if (c->doomed && !c->off && !c->frag_step) {
			static const char why[] = "send queue overflow; resume later";
			lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION,
					 (unsigned char *)why, sizeof why - 1);
			return -1;
		}
		if (!c->qcount)
			return 0;
		if (conn_send_front(c))
			return -1;
		if (c->qcount || c->doomed)
			lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		if (!c || !c->wsi)
			return 0;
		if (lws_frame_is_binary(wsi)) {
			static const char why[] = "binary messages are not part of soctop.v1";
			lws_close_reason(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE,
					 (unsigned char *)why, sizeof why - 1);
			return -1;
		}
		if (c->rx.len + len > MAX_IN_MSG) {
			static const char why[] = "message larger than 1 MiB";
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
					 (unsigned char *)why, sizeof why - 1);
			return -1;
		}
		sbuf_add(&c->rx, in, len);
		if (lws_is_final_fragment(wsi)) {
			handle_message(c);
			sbuf_reset(&c->rx);
			if (c->rx.cap > 65536)
				sbuf_free(&c->rx);
		}
		return 0;
	default:
		break;
	}
	return 0;
}

static struct lws_protocols protocols[3] = {
	{.name = "http", .callback = cb_http, .per_session_data_size = 0, .rx_buffer_size = 0},
	{.name = SUBPROTOCOL,
	 .callback = cb_ws,
	 .per_session_data_size = sizeof(struct conn),
	 .rx_buffer_size = CHUNK},
	{.name = NULL, .callback = NULL, .per_session_data_size = 0, .rx_buffer_size = 0},
};

int server_start(struct sim *s)
{
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	if (s->o.tls_cert)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	if (!strchr(s->o.bind, ':'))
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	info.user = s;
	info.port = CONTEXT_PORT_NO_LISTEN;
	s->ctx = lws_create_context(&info);
	if (!s->ctx) {
		fprintf(stderr, "soctop-sim: cannot create the lws context\n");
		return -1;
	}
	info.port = s->o.port;
	info.iface = s->o.bind;
	info.protocols = protocols;
	info.vhost_name = "soctop-sim";
	if (s->o.tls_cert) {
		info.ssl_cert_filepath = s->o.tls_cert;
		info.ssl_private_key_filepath = s->o.tls_key;
	}
	s->vhost = lws_create_vhost(s->ctx, &info);
	if (!s->vhost && s->o.tls_cert) {
		fprintf(stderr, "soctop-sim: cannot listen with TLS on %s:%d (--tls-cert %s, --tls-key %s readable and matching?)\n",
			s->o.bind, s->o.port, s->o.tls_cert, s->o.tls_key);
		return -1;
	}
	if (!s->vhost) {
		fprintf(stderr, "soctop-sim: cannot listen on %s:%d (in use, or not a local address?)\n",
			s->o.bind, s->o.port);
		return -1;
	}
	for (int i = 0; i < BK_COUNT; i++) {
		s->b[i].on_event = on_event;
		s->b[i].on_event_user = s;
	}
	return lws_get_vhost_listen_port(s->vhost);
}

void server_stop(struct sim *s)
{
	if (s->ctx)
		lws_context_destroy(s->ctx);
	s->ctx = NULL;
}
