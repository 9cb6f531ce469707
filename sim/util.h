/* Small helpers shared by the simulator: growable strings, refcounted
 * outgoing messages, time formatting, a seeded PRNG and JSON escaping. */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libwebsockets.h>

/* A growable byte string; always NUL-terminated when len > 0 or after init. */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal, quotes included. */
void sbuf_add_json_str(struct sbuf *b, const char *s);

enum msg_kind {
	MSG_TEXT = 0,
	MSG_BINARY,
	MSG_FRAG3, /* text sent as three fragments (test hook) */
};

/* One outgoing WebSocket message, shared by every queue that holds it.
 * The payload starts at buf + LWS_PRE so lws can prepend its header. */
struct msg {
	unsigned refs;
	unsigned char kind;
	size_t len;
	unsigned char buf[];
};

struct msg *msg_new(const char *payload, size_t len, enum msg_kind kind);
struct msg *msg_from_sbuf(const struct sbuf *b);
static inline char *msg_payload(struct msg *m) { return (char *)m->buf + LWS_PRE; }
static inline struct msg *msg_ref(struct msg *m)
{
	m->refs++;
	return m;
}
void msg_unref(struct msg *m);

/* "2026-11-25T08:00:00Z" for t; out must hold 21 bytes. */
void util_fmt_time(time_t t, char out[21]);
/* Current time as above. */
void util_now_str(char out[21]);

/* Deterministic PRNG (splitmix64) so that --seed reproduces a scenario. */
struct rng {
	uint64_t s;
};
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n). n must be > 0. */
unsigned rng_below(struct rng *r, unsigned n);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);

/* Fill out with 2*nbytes lowercase hex chars from /dev/urandom, NUL-terminated. */
int util_random_hex(char *out, size_t nbytes);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
