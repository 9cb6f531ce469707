/* Helpers shared by the simulator modules. */
#include "sim/util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "soctop-sim: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "soctop-sim: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

void sbuf_init(struct sbuf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void sbuf_free(struct sbuf *b)
{
	free(b->p);
	sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static void sbuf_reserve(struct sbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	sbuf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		sbuf_add(b, tmp, (size_t)n);
		return;
	}
	sbuf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf_add_json_str(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	const unsigned char *run = u;

	sbuf_add(b, "\"", 1);
	for (; *u; u++) {
		if (*u >= 0x20 && *u != '"' && *u != '\\')
			continue;
		sbuf_add(b, (const char *)run, (size_t)(u - run));
		run = u + 1;
		char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
		switch (*u) {
		case '"': esc[1] = '"'; sbuf_add(b, esc, 2); break;
		case '\\': esc[1] = '\\'; sbuf_add(b, esc, 2); break;
		case '\n': esc[1] = 'n'; sbuf_add(b, esc, 2); break;
		case '\r': esc[1] = 'r'; sbuf_add(b, esc, 2); break;
		case '\t': esc[1] = 't'; sbuf_add(b, esc, 2); break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[*u >> 4];
			esc[5] = hex[*u & 15];
			sbuf_add(b, esc, 6);
		}
	}
	sbuf_add(b, (const char *)run, (size_t)(u - run));
	sbuf_add(b, "\"", 1);
}

struct msg *msg_new(const char *payload, size_t len, enum msg_kind kind)
{
	struct msg *m = xmalloc(sizeof *m + LWS_PRE + len + 1);
	m->refs = 1;
	m->kind = (unsigned char)kind;
	m->len = len;
	memcpy(m->buf + LWS_PRE, payload, len);
	m->buf[LWS_PRE + len] = '\0';
	return m;
}

struct msg *msg_from_sbuf(const struct sbuf *b)
{
	return msg_new(b->p ? b->p : "", b->len, MSG_TEXT);
}

void msg_unref(struct msg *m)
{
	if (m && --m->refs == 0)
		free(m);
}

void util_fmt_time(time_t t, char out[21])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void util_now_str(char out[21])
{
	util_fmt_time(time(NULL), out);
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

int util_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		return -1;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, raw, nbytes) : -1;
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)nbytes) {
		/* Fall back to time and pid: epochs only need to differ between runs. */
		uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		struct rng r = {x};
		for (size_t i = 0; i < nbytes; i++)
			raw[i] = (unsigned char)rng_next(&r);
	}
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return 0;
}
