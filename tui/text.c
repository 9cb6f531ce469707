/* tui/text.c - untrusted text made safe and measured in display cells.
 *
 * One small state machine (struct scan) walks a string, decodes UTF-8
 * strictly by hand (the C locale is never asked to decode), swallows escape
 * sequences and drops controls and invisible format characters, and hands
 * out the visible code points with their widths. text_sanitize, text_width,
 * text_fit and text_asciify are all loops over it: what is measured is
 * exactly what is drawn. No allocation; the hot path for ASCII never calls
 * wcwidth. */
#include "tui/text.h"

#include <stdint.h>
#include <string.h>
#include <wchar.h>

#define REPLACEMENT 0xFFFDu
/* ncursesw keeps at most CCHARW_MAX - 1 (4) combining marks per cell; more
 * are only a way to smear glyphs over neighbouring rows ("zalgo"). */
#define MAX_COMBINING 4

struct scan {
	const unsigned char *p;
	int in_space; /* inside a run of TAB/CR/LF already shown as one space */
	int have_base; /* a visible character was handed out: marks may follow */
	int ncomb;     /* combining marks attached to the current base */
};

/* Strict UTF-8: overlongs, surrogates, values above U+10FFFF, stray
 * continuation bytes and truncated sequences give U+FFFD for one byte, so
 * every invalid byte becomes one replacement character. Never reads past a
 * NUL: each continuation test fails on it before the next byte is read. */
static uint32_t utf8_decode(const unsigned char *p, size_t *n)
{
	unsigned c = p[0];

	*n = 1;
	if (c < 0x80)
		return c;
	if (c < 0xC2 || c > 0xF4)
		return REPLACEMENT;
	if (c < 0xE0) {
		if ((p[1] & 0xC0) != 0x80)
			return REPLACEMENT;
		*n = 2;
		return ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
	}
	unsigned lo = 0x80, hi = 0xBF;
	if (c == 0xE0)
		lo = 0xA0; /* overlong */
	else if (c == 0xED)
		hi = 0x9F; /* surrogates */
	else if (c == 0xF0)
		lo = 0x90; /* overlong */
	else if (c == 0xF4)
		hi = 0x8F; /* above U+10FFFF */
	if (p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
		return REPLACEMENT;
	if (c < 0xF0) {
		*n = 3;
		return ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
	}
	if ((p[3] & 0xC0) != 0x80)
		return REPLACEMENT;
	*n = 4;
	return ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
	       (p[3] & 0x3Fu);
}

static size_t utf8_encode(uint32_t cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	b[0] = (char)(0xF0 | (cp >> 18));
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	b[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Format characters that draw nothing but reorder, join or hide text. */
static int is_invisible(uint32_t cp)
{
	return cp == 0x00AD                        /* soft hyphen: width varies by terminal */
	       || cp == 0x061C                     /* arabic letter mark */
	       || cp == 0x180E                     /* mongolian vowel separator */
	       || (cp >= 0x200B && cp <= 0x200F)   /* zero-width space/joiners, LRM, RLM */
	       || (cp >= 0x202A && cp <= 0x202E)   /* bidi embeddings and overrides */
	       || (cp >= 0x2060 && cp <= 0x206F)   /* word joiner, invisible ops, isolates */
	       || cp == 0xFEFF                     /* BOM / zero-width no-break space */
	       || (cp >= 0xFFF9 && cp <= 0xFFFB)   /* interlinear annotations */
	       || (cp >= 0xE0000 && cp <= 0xE007F); /* tag characters (hidden ASCII) */
}

/* CSI: after ESC [ or U+009B. Parameters and intermediates are swallowed up
 * to a final byte; CAN/SUB abort it; ESC or a non-ASCII byte ends a malformed
 * sequence and is read again as ordinary input. */
static const unsigned char *skip_csi(const unsigned char *p)
{
	for (;; p++) {
		unsigned c = *p;
		if (c == 0)
			return p;
		if (c >= 0x40 && c <= 0x7E)
			return p + 1;
		if (c == 0x18 || c == 0x1A)
			return p + 1;
		if (c == 0x1B || c >= 0x80)
			return p;
	}
}

/* OSC, DCS, SOS, PM, APC: a string up to ST (ESC \ or U+009C), or BEL for
 * OSC. CAN/SUB abort it; any other ESC ends it and starts a new sequence;
 * without a terminator it runs to the end of the string. */
static const unsigned char *skip_string(const unsigned char *p, int osc)
{
	for (;; p++) {
		unsigned c = *p;
		if (c == 0)
			return p;
		if (c == 0x07 && osc)
			return p + 1;
		if (c == 0x18 || c == 0x1A)
			return p + 1;
		if (c == 0x1B)
			return p[1] == '\\' ? p + 2 : p;
		if (c == 0xC2 && p[1] == 0x9C)
			return p + 2;
	}
}

/* After ESC. */
static const unsigned char *skip_esc(const unsigned char *p)
{
	switch (*p) {
	case '[':
		return skip_csi(p + 1);
	case ']':
		return skip_string(p + 1, 1);
	case 'P':
	case 'X':
	case '^':
	case '_':
		return skip_string(p + 1, 0);
	default:
		break;
	}
	/* nF/Fp/Fe/Fs: ESC, intermediates 0x20-0x2F, one final 0x30-0x7E
	 * (ESC ( B is three bytes, ESC 7 two). Anything else: only ESC goes. */
	const unsigned char *q = p;
	while (*q >= 0x20 && *q <= 0x2F)
		q++;
	if (*q >= 0x30 && *q <= 0x7E)
		return q + 1;
	return q;
}

static void scan_init(struct scan *sc, const char *s)
{
	sc->p = (const unsigned char *)(s ? s : "");
	sc->in_space = 0;
	sc->have_base = 0;
	sc->ncomb = 0;
}

static int cp_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1; /* printable but unknown to this locale: assume one cell */
	return w > 2 ? 2 : w;
}

/* The next visible code point and its width in *w; 0 at the end. */
static uint32_t scan_next(struct scan *sc, int *w)
{
	for (;;) {
		const unsigned char *p = sc->p;
		unsigned c = *p;

		if (c >= 0x20 && c < 0x7F) { /* fast path: printable ASCII */
			sc->p = p + 1;
			sc->in_space = 0;
			sc->have_base = 1;
			sc->ncomb = 0;
			*w = 1;
			return c;
		}
		if (c == 0)
			return 0;

		size_t n;
		uint32_t cp = utf8_decode(p, &n);
		sc->p = p + n;

		if (cp == 0x1B) {
			sc->p = skip_esc(sc->p);
			continue;
		}
		if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
			if (sc->in_space)
				continue;
			sc->in_space = 1;
			sc->have_base = 1;
			sc->ncomb = 0;
			*w = 1;
			return ' ';
		}
		if (cp < 0x20 || cp == 0x7F)
			continue;
		if (cp >= 0x80 && cp <= 0x9F) {
			if (cp == 0x9B)
				sc->p = skip_csi(sc->p);
			else if (cp == 0x9D)
				sc->p = skip_string(sc->p, 1);
			else if (cp == 0x90 || cp == 0x98 || cp == 0x9E || cp == 0x9F)
				sc->p = skip_string(sc->p, 0);
			continue;
		}
		if (is_invisible(cp))
			continue;

		int cw = cp_width(cp);
		if (cw == 0) {
			/* A mark with nothing before it would land on whatever
			 * the caller drew to the left (a border, a column). */
			if (!sc->have_base || sc->ncomb >= MAX_COMBINING)
				continue;
			sc->ncomb++;
		} else {
			sc->have_base = 1;
			sc->ncomb = 0;
		}
		sc->in_space = 0;
		*w = cw;
		return cp;
	}
}

/* The bytes that show cp: UTF-8, or in ascii mode the character itself when
 * it is ASCII and one '?' per cell otherwise (nothing for a mark). */
static size_t render(uint32_t cp, int w, int ascii, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (!ascii)
		return utf8_encode(cp, b);
	for (int i = 0; i < w; i++)
		b[i] = '?';
	return (size_t)w;
}

static size_t copy_out(const char *s, int ascii, char *out, size_t outsz)
{
	if (!out || outsz == 0)
		return 0;
	struct scan sc;
	size_t len = 0;
	uint32_t cp;
	int w;
	char b[4];

	scan_init(&sc, s);
	while ((cp = scan_next(&sc, &w)) != 0) {
		size_t n = render(cp, w, ascii, b);
		if (len + n >= outsz)
			break;
		memcpy(out + len, b, n);
		len += n;
	}
	out[len] = '\0';
	return len;
}

size_t text_sanitize(const char *in, char *out, size_t outsz)
{
	return copy_out(in, 0, out, outsz);
}

size_t text_asciify(const char *s, char *out, size_t outsz)
{
	return copy_out(s, 1, out, outsz);
}

int text_width(const char *s)
{
	struct scan sc;
	int total = 0, w;

	scan_init(&sc, s);
	while (scan_next(&sc, &w) != 0)
		total += w;
	return total;
}

int text_fit(const char *s, int cells, int pad, int ascii, char *out, size_t outsz)
{
	if (!out || outsz == 0)
		return 0;
	out[0] = '\0';
	if (cells <= 0)
		return 0;

	const char *ell = ascii ? "~" : "\xE2\x80\xA6"; /* U+2026, one cell */
	size_t ell_len = strlen(ell);
	/* The last place the ellipsis could still go: at most cells - 1
	 * cells used and room left for its bytes and the NUL. */
	size_t len = 0, mark_len = 0;
	int used = 0, mark_used = 0, cut = 0;
	struct scan sc;
	uint32_t cp;
	int w;
	char b[4];

	scan_init(&sc, s);
	while ((cp = scan_next(&sc, &w)) != 0) {
		size_t n = render(cp, w, ascii, b);
		if (used + w > cells || len + n >= outsz) {
			cut = 1;
			break;
		}
		memcpy(out + len, b, n);
		len += n;
		used += w;
		if (used < cells && len + ell_len < outsz) {
			mark_len = len;
			mark_used = used;
		}
	}
	if (cut) {
		len = mark_len;
		used = mark_used;
		if (len + ell_len < outsz) {
			memcpy(out + len, ell, ell_len);
			len += ell_len;
			used++;
		}
	}
	if (pad) {
		while (used < cells && len + 1 < outsz) {
			out[len++] = ' ';
			used++;
		}
	}
	out[len] = '\0';
	return used;
}

/* See text.h. Bytes that only look like UTF-8 are bad UTF-8 too. */
int text_utf8_len(const unsigned char *u)
{
	int len = u[0] >= 0xc2 && u[0] <= 0xdf ? 2 : (u[0] & 0xf0) == 0xe0 ? 3 : u[0] >= 0xf0 && u[0] <= 0xf4 ? 4 : 0;
	for (int k = 1; k < len; k++)
		if ((u[k] & 0xc0) != 0x80)
			return 0;
	if ((u[0] == 0xe0 && u[1] < 0xa0) || (u[0] == 0xf0 && u[1] < 0x90) || /* overlong */
	    (u[0] == 0xed && u[1] >= 0xa0) ||                                 /* surrogates */
	    (u[0] == 0xf4 && u[1] >= 0x90))                                   /* past U+10FFFF */
		return 0;
	return len;
}
