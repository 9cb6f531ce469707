/* client/ws.c - websocket connections and the shared event loop; see ws.h.
 * libwebsockets facts this relies on are in ../shared/lws-notes.md. */
#include "client/ws.h"

#include <errno.h>
#include <stdarg.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/log.h"
#include "tui/text.h"

#define WS_HELLO_TIMEOUT_MS 10000 /* upgraded but silent: give up on it */
#define WS_RETRY_CAP_MS 30000
#define WS_RETRY_RESET_MS 30000
#define WS_TX_MAX 256 /* queued outbound messages per connection */

struct txmsg {
	struct txmsg *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE bytes of headroom, then the text */
};

struct backend {
	struct ws *ws;
	const struct backend_conf *conf;
	struct lws_vhost *vh;
	struct lws *wsi;
	struct feed feed;
	enum ws_state state;
	int ever_live; /* has been live in this run: a drop is "stale" */
	int established; /* the websocket of b->wsi is up (not just connecting) */
	int64_t live_since_ms; /* when this connection went live; 0 when not */
	char auth[4200]; /* "Bearer <token>"; never logged */
	char urlbuf[1024];
	const char *host;
	const char *path;
	char pathbuf[1024];
	int port;
	int tls;

	lws_sorted_usec_list_t sul_retry;
	int retry_pending;
	unsigned retries;
	int64_t retry_at_ms;
	int64_t connected_ms;
	int64_t last_msg_ms;

	unsigned char *rx;
	size_t rx_len, rx_cap;
	int rx_drop; /* the current message is binary or too large */
	int rx_close_code;

	struct txmsg *tx_head, *tx_tail;
	int tx_count;
	int64_t outbox_after; /* outbox ids already sent on this connection */

	char detail[256];
	int64_t detail_ms;

	/* The first certificate problem OpenSSL found on this connection, for
	 * a message that says what to fix (lws reports only "SSL err 1"). */
	int tls_err;
	char tls_why[320];
};

struct fdwatch {
	int (*cb)(void *arg);
	void *arg;
};

struct timer {
	lws_sorted_usec_list_t sul;
	void (*cb)(void *arg);
	void *arg;
};

struct ws {
	struct lws_context *ctx;
	struct lws_vhost *vh_main; /* for adopted fds */
	struct cache *cache;
	struct backend *b;
	int n;
	int changes;
	int destroying; /* ws_destroy() runs: closing callbacks must not re-arm */
	lws_sorted_usec_list_t sul_tick;
	lws_sorted_usec_list_t sul_index;
	int index_failed; /* logged once */
	lws_sorted_usec_list_t sul_batch;
	int batch_timer_armed;
	struct timer timers[WS_MAX_TIMERS];
	struct fdwatch watches[8];
	int nwatches;
};

static const lws_retry_bo_t lws_policy = {
	/* Only the validity (ping) part is used by lws; reconnects are ours. */
	.secs_since_valid_ping = 20,
	.secs_since_valid_hangup = 45,
};

int64_t ws_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *ws_state_name(enum ws_state s)
{
	switch (s) {
	case WS_DISABLED: return "disabled";
	case WS_CONNECTING: return "connecting";
	case WS_LIVE: return "live";
	case WS_STALE: return "stale";
	case WS_OFFLINE: return "offline";
	case WS_AUTH_REFUSED: return "auth refused";
	}
	return "?";
}

static void set_detail(struct backend *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_detail(struct backend *b, const char *fmt, ...)
{
	char raw[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	text_sanitize(raw, b->detail, sizeof b->detail);
	b->detail_ms = ws_now_ms();
	b->ws->changes = 1;
}

static void set_state(struct backend *b, enum ws_state s)
{
	if (b->state != s) {
		log_info("%s: %s -> %s", b->conf->name, ws_state_name(b->state), ws_state_name(s));
		b->state = s;
		b->ws->changes = 1;
	}
}

static void tx_clear(struct backend *b)
{
	while (b->tx_head) {
		struct txmsg *m = b->tx_head;
		b->tx_head = m->next;
		free(m);
	}
	b->tx_tail = NULL;
	b->tx_count = 0;
}

/* The feed's send callback: queue, and ask lws for a writeable turn. */
static int backend_send(void *ctx, const char *text)
{
	struct backend *b = ctx;
	size_t len = strlen(text);
	if (!b->wsi || b->tx_count >= WS_TX_MAX)
		return -1;
	struct txmsg *m = malloc(sizeof *m + LWS_PRE + len);
	if (!m)
		return -1;
	m->next = NULL;
	m->len = len;
	memcpy(m->buf + LWS_PRE, text, len);
	if (b->tx_tail)
		b->tx_tail->next = m;
	else
		b->tx_head = m;
	b->tx_tail = m;
	b->tx_count++;
	lws_callback_on_writable(b->wsi);
	return 0;
}

static void connect_backend(struct backend *b);

static void retry_cb(lws_sorted_usec_list_t *sul)
{
	struct backend *b = lws_container_of(sul, struct backend, sul_retry);
	b->retry_pending = 0;
	b->retry_at_ms = 0;
	connect_backend(b);
}

/* Capped exponential back-off with jitter: the first retry within 1 s. */
static void schedule_retry(struct backend *b)
{
	if (b->retry_pending || b->state == WS_AUTH_REFUSED)
		return;
	unsigned shift = b->retries < 6 ? b->retries : 6;
	int64_t base = 500LL << shift; /* 0.5 s, 1 s, 2 s ... 32 s */
	if (base > WS_RETRY_CAP_MS)
		base = WS_RETRY_CAP_MS;
	uint32_t r = 0;
	lws_get_random(b->ws->ctx, &r, sizeof r);
	int64_t delay = base / 2 + (int64_t)(r % (uint32_t)(base / 2 + 1)); /* 50%..100% */
	b->retries++;
	b->retry_pending = 1;
	b->retry_at_ms = ws_now_ms() + delay;
	if (b->state != WS_STALE)
		set_state(b, b->ever_live ? WS_STALE : WS_OFFLINE);
	lws_sul_schedule(b->ws->ctx, 0, &b->sul_retry, retry_cb, delay * LWS_USEC_PER_SEC / 1000);
}

static void connection_gone(struct backend *b, struct lws *wsi, const char *why)
{
	if (b->wsi && b->wsi != wsi)
		return; /* a late callback of an older connection */
	b->wsi = NULL;
	b->established = 0;
	b->live_since_ms = 0;
	if (b->feed.phase == FEED_SNAPSHOT)
		cache_snapshot_abort(b->ws->cache, b->conf->name);
	/* Nothing is live until the next hello: no action may go out before
	 * the next subscribe. */
	feed_disconnected(&b->feed);
	if (b->ws->destroying)
		return;
	/* What this connection delivered is committed now, not at the batch timer. */
	ws_flush(b->ws);
	tx_clear(b);
	b->rx_len = 0;
	b->rx_drop = 0;
	if (why && why[0])
		set_detail(b, "%s", why);
	schedule_retry(b);
}

static void connect_backend(struct backend *b)
{
	struct lws_client_connect_info i;
	memset(&i, 0, sizeof i);
	i.context = b->ws->ctx;
	i.vhost = b->vh;
	i.address = b->host;
	i.port = b->port;
	i.path = b->path;
	i.host = b->host;
	i.origin = b->host;
	i.ssl_connection = b->tls ? LCCSCF_USE_SSL : 0;
	/* tls_insecure_skip_verify is applied in on_cert_verify(), where each
	 * overruled failure is logged; no LCCSCF_ALLOW_* flag is set. */
	b->tls_err = 0;
	b->tls_why[0] = '\0';
	i.protocol = PROTO_SUBPROTOCOL;
	i.local_protocol_name = PROTO_SUBPROTOCOL;
	i.pwsi = &b->wsi;
	i.opaque_user_data = b;
	i.retry_and_idle_policy = &lws_policy;
	b->established = 0;
	if (b->state != WS_STALE)
		set_state(b, WS_CONNECTING);
	log_info("%s: connecting to %s", b->conf->name, b->conf->url);
	if (!lws_client_connect_via_info(&i)) {
		/* No error callback follows a NULL: retry ourselves. */
		b->wsi = NULL;
		set_detail(b, "cannot start a connection to %s", b->conf->url);
		schedule_retry(b);
	}
}

static void drain_outbox(struct backend *b)
{
	struct cache_action a;
	while (b->tx_count < WS_TX_MAX / 2 &&
	       cache_outbox_next(b->ws->cache, b->conf->name, b->outbox_after, &a) == 1) {
		json_t *args = a.args ? json_loads(a.args, 0, NULL) : NULL;
		char *text = proto_encode_action(a.action_id, a.op, a.target, args);
		json_decref(args);
		b->outbox_after = a.id;
		if (text && backend_send(b, text) == 0)
			cache_outbox_mark_sent(b->ws->cache, a.action_id);
		free(text);
		cache_action_clear(&a);
	}
}

/* The names a certificate is for: its DNS and IP subjectAltNames, else its
 * common name. For telling the operator which host name would match. */
static void cert_names(X509 *cert, char *out, size_t outlen)
{
	size_t used = 0;
	out[0] = '\0';
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; names && i < sk_GENERAL_NAME_num(names) && used + 2 < outlen; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		char one[64] = "";
		if (g->type == GEN_DNS) {
			const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
			int n = ASN1_STRING_length(g->d.dNSName);
			snprintf(one, sizeof one, "%.*s", n < 60 ? n : 60, (const char *)d);
		} else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == 4) {
			const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
			snprintf(one, sizeof one, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		} else if (g->type == GEN_IPADD) {
			snprintf(one, sizeof one, "(an IPv6 address)");
		}
		if (one[0]) {
			int w = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", one);
			used = w < 0 ? used : (size_t)w + used >= outlen ? outlen - 1 : used + (size_t)w;
		}
	}
	GENERAL_NAMES_free(names);
	if (!out[0]) {
		char cn[128] = "";
		X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
		snprintf(out, outlen, "%s", cn[0] ? cn : "no names");
	}
}

/* OpenSSL's verdict on one certificate of the server's chain. The first
 * failure is kept, in words an operator can act on. With
 * tls_insecure_skip_verify every failure is overruled (and logged). */
static void on_cert_verify(struct backend *b, X509_STORE_CTX *x, int preverify_ok)
{
	if (preverify_ok || !x)
		return;
	int err = X509_STORE_CTX_get_error(x);
	if (err == X509_V_OK)
		return;
	if (b->conf->tls_insecure) {
		log_warn("%s: INSECURE: accepting a certificate that fails verification (%s) because "
			 "tls_insecure_skip_verify = yes",
			 b->conf->name, X509_verify_cert_error_string(err));
		X509_STORE_CTX_set_error(x, X509_V_OK);
		return;
	}
	if (b->tls_err)
		return;
	b->tls_err = err;
	X509 *cert = X509_STORE_CTX_get_current_cert(x);
	char names[160] = "?", issuer[160] = "?";
	if (cert) {
		cert_names(cert, names, sizeof names);
		X509_NAME_oneline(X509_get_issuer_name(cert), issuer, sizeof issuer);
	}
	const char *ca = b->conf->ca_file[0] ? b->conf->ca_file : "the system's CA store";
	switch (err) {
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		snprintf(b->tls_why, sizeof b->tls_why,
			 "TLS: certificate is for %s, not %s; use one of those names in url, or get a certificate for %s",
			 names, b->host, b->host);
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_CERT_UNTRUSTED:
		snprintf(b->tls_why, sizeof b->tls_why,
			 "TLS: certificate issued by %s is not signed by a CA in ca_file (%.120s); set ca_file to the CA "
			 "that issued it",
			 issuer, ca);
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(b->tls_why, sizeof b->tls_why,
			 "TLS: certificate %s (%s); check this machine's clock, or have the backend's certificate renewed",
			 err == X509_V_ERR_CERT_HAS_EXPIRED ? "has expired" : "is not valid yet", names);
		break;
	default:
		snprintf(b->tls_why, sizeof b->tls_why, "TLS: certificate refused: %s (issued by %s, for %s)",
			 X509_verify_cert_error_string(err), issuer, names);
		break;
	}
}

/* HTTP status of a refused upgrade, from lws or from its error text. */
static int refused_status(struct lws *wsi, const char *text)
{
	int st = wsi ? (int)lws_http_client_http_response(wsi) : 0;
	if (st == 401 || st == 403)
		return st;
	/* lws's own words for a 401 when it does not keep the status; no
	 * looser match, or a TLS error text could lock a backend out. */
	if (text && strstr(text, "ws upgrade unauthorized"))
		return 401;
	return st;
}

static void deliver(struct backend *b, const char *msg, size_t len, int64_t now);

/* What lws's terse error text means for the operator, or NULL to show it
 * as it is. */
static const char *connect_error_words(const struct backend *b, int status, const char *text)
{
	static char buf[256];
	if (status == 400) {
		snprintf(buf, sizeof buf, "HTTP 400: the backend refused the upgrade: is url's path a soctop.v1 "
					  "backend (subprotocol %s)?", PROTO_SUBPROTOCOL);
		return buf;
	}
	/* lws 4.1: "HS: PROTOCOL malformed" when the reply names a subprotocol we did not offer */
	if (strcasestr(text, "protocol") && (strstr(text, "malformed") || strstr(text, "mismatch"))) {
		snprintf(buf, sizeof buf, "wrong subprotocol: the server did not answer %s; url is not a soctop.v1 "
					  "backend (or an incompatible version)", PROTO_SUBPROTOCOL);
		return buf;
	}
	if (b->tls && strstr(text, "SSL")) {
		snprintf(buf, sizeof buf, "TLS handshake failed (%s): does the backend serve wss:// on port %d?",
			 text, b->port);
		return buf;
	}
	if (status > 0 && status != 101) {
		snprintf(buf, sizeof buf, "HTTP %d: the backend refused the websocket upgrade; check url", status);
		return buf;
	}
	return NULL;
}

static void on_receive(struct backend *b, struct lws *wsi, const void *in, size_t len)
{
	/* The common case, a whole text message in one piece: no copy. */
	if (lws_is_first_fragment(wsi) && lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi) &&
	    !lws_frame_is_binary(wsi) && len <= PROTO_MAX_MSG) {
		b->rx_len = 0;
		b->rx_drop = 0;
		int64_t now = ws_now_ms();
		b->last_msg_ms = now;
		deliver(b, in, len, now);
		return;
	}
	if (lws_is_first_fragment(wsi)) {
		b->rx_len = 0;
		b->rx_drop = 0;
		if (lws_frame_is_binary(wsi)) {
			b->rx_drop = 1;
			b->rx_close_code = LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE;
		}
	}
	if (!b->rx_drop) {
		if (b->rx_len + len > PROTO_MAX_MSG) {
			b->rx_drop = 1;
			b->rx_close_code = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
		} else {
			if (b->rx_len + len > b->rx_cap) {
				size_t cap = b->rx_cap ? b->rx_cap : 8192;
				while (cap < b->rx_len + len)
					cap *= 2;
				unsigned char *nb = realloc(b->rx, cap);
				if (!nb) {
					b->rx_drop = 1;
					b->rx_close_code = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
					return;
				}
				b->rx = nb;
				b->rx_cap = cap;
			}
			memcpy(b->rx + b->rx_len, in, len);
			b->rx_len += len;
		}
	}
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return;
	int64_t now = ws_now_ms();
	b->last_msg_ms = now;
	if (b->rx_drop) {
		b->feed.st.invalid++;
		feed_problem(&b->feed, now, "%s message dropped; closing with %d to resync",
			     b->rx_close_code == LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE ? "binary" : "over 1 MiB",
			     b->rx_close_code);
		b->ws->changes = 1;
		return; /* the caller closes */
	}
	deliver(b, (const char *)b->rx, b->rx_len, now);
	b->rx_len = 0;
	if (b->rx_cap > 65536) { /* do not keep a 1 MiB buffer for small messages */
		free(b->rx);
		b->rx = NULL;
		b->rx_cap = 0;
	}
}

/* One whole text message to the feed, and what follows from its verdict. */
static void deliver(struct backend *b, const char *msg, size_t len, int64_t now)
{
	enum feed_phase before = b->feed.phase;
	int verdict = feed_handle(&b->feed, msg, len, now);
	if (b->feed.changed) {
		b->feed.changed = 0;
		b->ws->changes = 1;
	}
	if (verdict == FEED_CLOSE) {
		b->rx_drop = 1;
		b->rx_close_code = LWS_CLOSE_STATUS_PROTOCOL_ERR;
		return;
	}
	if (b->feed.phase == FEED_LIVE && before != FEED_LIVE) {
		ws_flush(b->ws); /* a snapshot or replay complete: commit it at once */
		b->ever_live = 1;
		b->live_since_ms = now;
		set_state(b, WS_LIVE);
		b->detail[0] = '\0';
		drain_outbox(b);
	} else if (b->feed.phase == FEED_LIVE && b->state == WS_STALE) {
		set_state(b, WS_LIVE);
	}
}

static int callback_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	(void)user;
	struct backend *b = lws_get_opaque_user_data(wsi);

	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		if (!b)
			return 0;
		unsigned char **p = (unsigned char **)in, *end = (*p) + len;
		if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, (const unsigned char *)b->auth,
						 (int)strlen(b->auth), p, end))
			return -1;
		return 0;
	}
	case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
		/* user is OpenSSL's X509_STORE_CTX, len its preverify_ok. */
		if (b)
			on_cert_verify(b, user, (int)len);
		return 0;
	case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH:
		/* lws accepts a reply without the header; the protocol does not. */
		if (b && lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) <= 0) {
			set_detail(b, "server did not select subprotocol %s", PROTO_SUBPROTOCOL);
			return -1;
		}
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if (!b)
			return 0;
		b->wsi = wsi;
		b->established = 1;
		tx_clear(b); /* nothing queued for an earlier connection goes out here */
		{
			/* Room for the backend to keep sending while a batch is
			 * applied; at 50,000 alerts/s that is 35 MB/s. */
			int sz = 4 * 1024 * 1024;
			setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
		}
		b->connected_ms = ws_now_ms();
		b->last_msg_ms = b->connected_ms;
		b->outbox_after = 0;
		feed_connected(&b->feed, b->connected_ms);
		log_info("%s: connected", b->conf->name);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (!b)
			return 0;
		on_receive(b, wsi, in, len);
		if (b->rx_drop && lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			lws_close_reason(wsi, (enum lws_close_status)b->rx_close_code, NULL, 0);
			return -1;
		}
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE: {
		if (!b || !b->tx_head)
			return 0;
		struct txmsg *m = b->tx_head;
		int n = lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
		if (n < (int)m->len) {
			set_detail(b, "write failed");
			return -1;
		}
		b->tx_head = m->next;
		if (!b->tx_head)
			b->tx_tail = NULL;
		b->tx_count--;
		free(m);
		if (b->tx_head)
			lws_callback_on_writable(wsi);
		else if (b->feed.phase == FEED_LIVE)
			drain_outbox(b);
		return 0;
	}
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
		if (!b)
			return 0;
		const char *text = in ? (const char *)in : "connection failed";
		int st = refused_status(wsi, text);
		if (b->wsi && b->wsi != wsi)
			return 0;
		if (st == 401 || st == 403) {
			b->wsi = NULL;
			tx_clear(b);
			set_state(b, WS_AUTH_REFUSED);
			set_detail(b, "HTTP %d: %s; check the token, then press the reconnect key", st,
				   st == 401 ? "token missing or unknown" : "token may not use this backend");
			log_error("%s: auth refused (HTTP %d); not retrying until asked", b->conf->name, st);
			return 0;
		}
		if (b->tls_err) {
			set_detail(b, "%s", b->tls_why);
			log_error("%s: %s", b->conf->name, b->tls_why);
			connection_gone(b, wsi, NULL);
			return 0;
		}
		const char *why = connect_error_words(b, st, text);
		if (why)
			set_detail(b, "%s", why);
		log_warn("%s: connection error: %s%s%s", b->conf->name, text, why ? ": " : "", why ? why : "");
		connection_gone(b, wsi, why ? NULL : text);
		return 0;
	}
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (b) {
			log_info("%s: connection closed", b->conf->name);
			connection_gone(b, wsi, b->detail[0] ? NULL : "connection closed");
		}
		return 0;
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		/* The only callback when the upgrade is never answered. */
		if (b && b->wsi == wsi)
			connection_gone(b, wsi, "no answer to the websocket upgrade");
		return 0;
	default:
		return 0;
	}
}

static int callback_fd(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	(void)user;
	(void)in;
	(void)len;
	struct fdwatch *w = lws_get_opaque_user_data(wsi);
	if (reason == LWS_CALLBACK_RAW_RX_FILE && w)
		return w->cb(w->arg) < 0 ? -1 : 0;
	return 0;
}

static const struct lws_protocols protocols[] = {
	{PROTO_SUBPROTOCOL, callback_ws, 0, 65536, 0, NULL, 0},
	{"soctop-fd", callback_fd, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

static void lws_log_emit(int level, const char *line)
{
	size_t n = strlen(line);
	char buf[512];
	snprintf(buf, sizeof buf, "%.*s", (int)(n && line[n - 1] == '\n' ? n - 1 : n), line);
	log_msg(level == LLL_ERR ? LOG_ERROR : level == LLL_WARN ? LOG_WARN : LOG_DEBUG, "lws: %s", buf);
}

static void tick_cb(lws_sorted_usec_list_t *sul)
{
	struct ws *ws = lws_container_of(sul, struct ws, sul_tick);
	int64_t now = ws_now_ms();
	for (int i = 0; i < ws->n; i++) {
		struct backend *b = &ws->b[i];
		/* A connection still connecting or upgrading is lws's to time
		 * out (timeout_secs); only an established one can be silent. */
		if (!b->wsi || !b->established)
			continue;
		/* The back-off starts over only after a connection has held for a
		 * while (lws never resets it); a backend that drops every session
		 * right after it goes live still gets paced retries. */
		if (b->live_since_ms && now - b->live_since_ms > WS_RETRY_RESET_MS)
			b->retries = 0;
		if (b->feed.phase == FEED_WAIT_HELLO && now - b->connected_ms > WS_HELLO_TIMEOUT_MS) {
			set_detail(b, "no hello within %d s of the upgrade", WS_HELLO_TIMEOUT_MS / 1000);
			lws_set_timeout(b->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		} else if (feed_is_stale(&b->feed, now)) {
			set_detail(b, "no message for %lld s (3 heartbeats)", (long long)((now - b->last_msg_ms) / 1000));
			set_state(b, WS_STALE);
			lws_set_timeout(b->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		}
	}
	lws_sul_schedule(ws->ctx, 0, &ws->sul_tick, tick_cb, LWS_USEC_PER_SEC);
}

/* The search index follows the cache off the ingest path (client/cache.h):
 * every 100 ms up to 10 ms of indexing while messages are being applied (a
 * write batch is open), up to 50 ms when the loop is quiet. */
#define WS_INDEX_PERIOD_MS 100
#define WS_INDEX_BUSY_MS 10
#define WS_INDEX_QUIET_MS 50
#define WS_INDEX_CHUNK 200

static int64_t ws_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void index_cb(lws_sorted_usec_list_t *sul)
{
	struct ws *ws = lws_container_of(sul, struct ws, sul_index);
	int64_t t0 = ws_mono_ms();
	int64_t budget = cache_batch_age_ms(ws->cache) >= 0 ? WS_INDEX_BUSY_MS : WS_INDEX_QUIET_MS;
	int n;
	do {
		n = cache_index_step(ws->cache, WS_INDEX_CHUNK);
	} while (n == WS_INDEX_CHUNK && ws_mono_ms() - t0 < budget);
	if (n < 0 && !ws->index_failed) {
		ws->index_failed = 1;
		log_warn("search index: %s (search may miss new rows)", cache_errmsg(ws->cache));
	} else if (n >= 0) {
		ws->index_failed = 0;
	}
	lws_sul_schedule(ws->ctx, 0, &ws->sul_index, index_cb, WS_INDEX_PERIOD_MS * LWS_USEC_PER_SEC / 1000);
}

static int backend_setup(struct ws *ws, struct backend *b, const struct backend_conf *bc, char *err, size_t errlen)
{
	char tok[4096];
	const char *prot = NULL, *addr = NULL, *path = NULL;
	int port = 0;

	b->ws = ws;
	b->conf = bc;
	if (feed_init(&b->feed, bc->name, ws->cache, backend_send, b) < 0) {
		snprintf(err, errlen, "backend %s: reading its cursor: %s", bc->name, cache_errmsg(ws->cache));
		return -1;
	}
	if (!bc->enabled) {
		b->state = WS_DISABLED;
		return 0;
	}
	snprintf(b->urlbuf, sizeof b->urlbuf, "%s", bc->url);
	if (lws_parse_uri(b->urlbuf, &prot, &addr, &port, &path) || !addr[0]) {
		snprintf(err, errlen, "backend %s: cannot parse url %s", bc->name, bc->url);
		return -1;
	}
	if (strcmp(prot, "wss") == 0) {
		b->tls = 1;
	} else if (strcmp(prot, "ws") != 0) {
		snprintf(err, errlen, "backend %s: url %s is not ws:// or wss://", bc->name, bc->url);
		return -1;
	}
	if (!strchr(bc->url + strlen(prot) + 3, ':') || port == 0)
		port = b->tls ? 443 : 80;
	b->host = addr;
	b->port = port;
	snprintf(b->pathbuf, sizeof b->pathbuf, "/%s", path ? path : "");
	b->path = b->pathbuf;
	if (config_read_token(bc, tok, sizeof tok, err, errlen) < 0)
		return -1;
	snprintf(b->auth, sizeof b->auth, "Bearer %s", tok);
	memset(tok, 0, sizeof tok);

	struct lws_context_creation_info vi;
	memset(&vi, 0, sizeof vi);
	vi.port = CONTEXT_PORT_NO_LISTEN;
	vi.protocols = protocols;
	vi.vhost_name = bc->name;
	if (b->tls && bc->ca_file[0])
		vi.client_ssl_ca_filepath = bc->ca_file;
	vi.options = b->tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0;
	b->vh = lws_create_vhost(ws->ctx, &vi);
	if (b->vh && b->tls && bc->tls_insecure)
		log_error("%s: INSECURE: tls_insecure_skip_verify = yes: the server's certificate is NOT checked; "
			  "anyone on the path can read and forge this backend's traffic",
			  bc->name);
	if (!b->vh) {
		snprintf(err, errlen, "backend %s: cannot set up its connection (CA file %s?)", bc->name,
			 bc->ca_file[0] ? bc->ca_file : "(system)");
		return -1;
	}
	b->state = WS_OFFLINE;
	return 0;
}

int ws_create(struct ws **out, const struct config *cfg, struct cache *cache, char *err, size_t errlen)
{
	struct ws *ws = calloc(1, sizeof *ws);
	if (!ws) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ws->cache = cache;
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.fd_limit_per_thread = 64; /* the default is the fd ulimit: megabytes of tables */
	info.pt_serv_buf_size = 262144; /* the default 4096 caps intake near 35k messages/s */
	info.timeout_secs = 10;        /* connect and upgrade */
	info.connect_timeout_secs = 10;
	ws->ctx = lws_create_context(&info);
	if (!ws->ctx) {
		snprintf(err, errlen, "cannot create the libwebsockets context");
		free(ws);
		return -1;
	}
	struct lws_context_creation_info vi;
	memset(&vi, 0, sizeof vi);
	vi.port = CONTEXT_PORT_NO_LISTEN;
	vi.protocols = protocols;
	vi.vhost_name = "soctop-local";
	ws->vh_main = lws_create_vhost(ws->ctx, &vi);
	if (!ws->vh_main) {
		snprintf(err, errlen, "cannot create the local vhost");
		ws_destroy(ws);
		return -1;
	}
	ws->b = calloc(cfg->nbackends ? (size_t)cfg->nbackends : 1, sizeof *ws->b);
	if (!ws->b) {
		snprintf(err, errlen, "out of memory");
		ws_destroy(ws);
		return -1;
	}
	for (int i = 0; i < cfg->nbackends; i++) {
		ws->n = i + 1;
		if (backend_setup(ws, &ws->b[i], &cfg->backends[i], err, errlen) < 0) {
			ws_destroy(ws);
			return -1;
		}
	}
	lws_sul_schedule(ws->ctx, 0, &ws->sul_tick, tick_cb, LWS_USEC_PER_SEC);
	lws_sul_schedule(ws->ctx, 0, &ws->sul_index, index_cb, WS_INDEX_PERIOD_MS * LWS_USEC_PER_SEC / 1000);
	*out = ws;
	return 0;
}

void ws_start(struct ws *ws)
{
	for (int i = 0; i < ws->n; i++)
		if (ws->b[i].state != WS_DISABLED)
			connect_backend(&ws->b[i]);
}

void ws_reconnect(struct ws *ws)
{
	for (int i = 0; i < ws->n; i++) {
		struct backend *b = &ws->b[i];
		if (b->state == WS_DISABLED || b->wsi)
			continue;
		lws_sul_cancel(&b->sul_retry);
		b->retry_pending = 0;
		b->retries = 0;
		if (b->state == WS_AUTH_REFUSED)
			b->state = WS_OFFLINE;
		connect_backend(b);
	}
}

void ws_destroy(struct ws *ws)
{
	if (!ws)
		return;
	if (ws->cache)
		ws_flush(ws);
	ws->destroying = 1;
	for (int i = 0; i < ws->n; i++) {
		const struct feed *f = &ws->b[i].feed;
		log_info("stats %s: msgs=%llu applied=%llu stale_rev=%llu dup_seq=%llu invalid=%llu gaps=%llu "
			 "snapshots=%llu resumes=%llu unknown=%llu errors=%llu results=%llu epoch=%s seq=%lld bytes=%llu",
			 f->backend, (unsigned long long)f->st.msgs, (unsigned long long)f->st.applied,
			 (unsigned long long)f->st.stale_rev, (unsigned long long)f->st.dup_seq,
			 (unsigned long long)f->st.invalid, (unsigned long long)f->st.gaps,
			 (unsigned long long)f->st.snapshots, (unsigned long long)f->st.resumes,
			 (unsigned long long)f->st.unknown, (unsigned long long)f->st.errors,
			 (unsigned long long)f->st.results, f->have_cursor ? f->epoch : "-", (long long)f->seq,
			 (unsigned long long)f->st.bytes);
	}
	if (ws->ctx) {
		for (int i = 0; i < ws->n; i++)
			lws_sul_cancel(&ws->b[i].sul_retry);
		lws_sul_cancel(&ws->sul_tick);
		lws_sul_cancel(&ws->sul_index);
		lws_sul_cancel(&ws->sul_batch);
		for (int i = 0; i < WS_MAX_TIMERS; i++)
			lws_sul_cancel(&ws->timers[i].sul);
		lws_context_destroy(ws->ctx);
	}
	for (int i = 0; i < ws->n; i++) {
		tx_clear(&ws->b[i]);
		free(ws->b[i].rx);
		memset(ws->b[i].auth, 0, sizeof ws->b[i].auth);
	}
	free(ws->b);
	free(ws);
}

int ws_count(const struct ws *ws)
{
	return ws->n;
}

void ws_backend_get(const struct ws *ws, int i, struct ws_backend_info *out)
{
	const struct backend *b = &ws->b[i];
	out->name = b->conf->name;
	out->state = b->state;
	out->last_msg_ms = b->ever_live || b->wsi ? b->last_msg_ms : 0;
	out->retry_at_ms = b->retry_pending ? b->retry_at_ms : 0;
	/* The newer of the connection's own detail and the feed's problem. */
	if (b->detail[0] && (b->detail_ms >= b->feed.problem_ms || !b->feed.problem[0])) {
		out->detail = b->detail;
		out->detail_ms = b->detail_ms;
	} else {
		out->detail = b->feed.problem;
		out->detail_ms = b->feed.problem_ms;
	}
	out->feed = &b->feed;
}

int ws_watch_fd(struct ws *ws, int fd, int (*cb)(void *arg), void *arg)
{
	if (ws->nwatches >= (int)(sizeof ws->watches / sizeof ws->watches[0]))
		return -1;
	struct fdwatch *w = &ws->watches[ws->nwatches];
	w->cb = cb;
	w->arg = arg;
	lws_sock_file_fd_type u;
	u.filefd = (lws_filefd_type)(intptr_t)fd;
	struct lws *wsi = lws_adopt_descriptor_vhost(ws->vh_main, LWS_ADOPT_RAW_FILE_DESC, u, "soctop-fd", NULL);
	if (!wsi)
		return -1;
	lws_set_opaque_user_data(wsi, w);
	ws->nwatches++;
	return 0;
}

static void timer_cb(lws_sorted_usec_list_t *sul)
{
	struct timer *t = lws_container_of(sul, struct timer, sul);
	if (t->cb)
		t->cb(t->arg);
}

void ws_timer(struct ws *ws, int slot, int64_t ms, void (*cb)(void *arg), void *arg)
{
	if (slot < 0 || slot >= WS_MAX_TIMERS)
		return;
	struct timer *t = &ws->timers[slot];
	t->cb = cb;
	t->arg = arg;
	lws_sul_schedule(ws->ctx, 0, &t->sul, timer_cb, (lws_usec_t)(ms < 0 ? 0 : ms) * 1000);
}

int ws_flush(struct ws *ws)
{
	int rc = 0;
	for (int i = 0; i < ws->n; i++)
		if (feed_sync_cursor(&ws->b[i].feed) < 0)
			rc = -1;
	if (rc == 0 && cache_flush(ws->cache) < 0)
		rc = -1;
	if (rc < 0) {
		/* Nothing half-applied: drop the turn and let every feed
		 * re-subscribe from what the cache really holds. */
		log_error("cache commit failed: %s", cache_errmsg(ws->cache));
		cache_rollback(ws->cache);
		for (int i = 0; i < ws->n; i++) {
			struct backend *b = &ws->b[i];
			feed_reload_cursor(&b->feed);
			/* Until the connection is gone, nothing more of it applies
			 * (a snapshot's stage was rolled back with the rest). */
			feed_disconnected(&b->feed);
			feed_problem(&b->feed, ws_now_ms(), "cache commit failed: %s", cache_errmsg(ws->cache));
			if (b->wsi)
				lws_set_timeout(b->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		}
		ws->changes = 1;
	}
	return rc;
}

/* Batched commits: a turn of the loop under load carries ~100 messages,
 * and committing each turn rewrote the tail page of every b-tree hundreds
 * of times a second. Commit when the batch is WS_BATCH_MS old or
 * WS_BATCH_ROWS big; a timer makes sure a quiet feed commits too. */
#define WS_BATCH_MS 50
#define WS_BATCH_ROWS 2000

static void batch_timer(lws_sorted_usec_list_t *sul)
{
	struct ws *ws = lws_container_of(sul, struct ws, sul_batch);
	ws->batch_timer_armed = 0;
	ws_flush(ws);
}

int ws_loop_run_once(struct ws *ws)
{
	if (lws_service(ws->ctx, 0) < 0)
		return -1;
	int64_t age = cache_batch_age_ms(ws->cache);
	if (age < 0)
		return 0;
	if (age >= WS_BATCH_MS || cache_batch_writes(ws->cache) >= WS_BATCH_ROWS) {
		ws_flush(ws);
	} else if (!ws->batch_timer_armed) {
		ws->batch_timer_armed = 1;
		lws_sul_schedule(ws->ctx, 0, &ws->sul_batch, batch_timer, (WS_BATCH_MS - age) * LWS_USEC_PER_SEC / 1000);
	}
	return 0;
}

int ws_take_changes(struct ws *ws)
{
	int c = ws->changes;
	ws->changes = 0;
	return c;
}

static void make_uuid(struct ws *ws, char *out, size_t n)
{
	unsigned char r[16];
	lws_get_random(ws->ctx, r, sizeof r);
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, n, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
		 r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

int ws_action(struct ws *ws, const char *backend, const char *op, const char *target, const char *args_json,
	      char *action_id_out, size_t idlen, char *err, size_t errlen)
{
	struct backend *b = NULL;
	for (int i = 0; i < ws->n; i++)
		if (strcmp(ws->b[i].conf->name, backend) == 0)
			b = &ws->b[i];
	if (!b) {
		snprintf(err, errlen, "no backend named %s", backend);
		return -1;
	}
	char id[40];
	make_uuid(ws, id, sizeof id);
	if (cache_outbox_add(ws->cache, backend, id, op, target, args_json) < 0) {
		snprintf(err, errlen, "queueing the action failed: %s", cache_errmsg(ws->cache));
		return -1;
	}
	if (action_id_out)
		snprintf(action_id_out, idlen, "%s", id);
	if (b->wsi && b->established && b->feed.phase == FEED_LIVE)
		drain_outbox(b);
	ws->changes = 1;
	return 0;
}
