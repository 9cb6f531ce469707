/* fuzz/fuzz_text.c - libFuzzer harness for the string sanitiser, the last
 * gate before the terminal. For any input: the output of text_sanitize()
 * and text_fit() is valid UTF-8 with no C0/DEL, no C1 (U+0080-U+009F), no
 * bidi override or isolate, no zero-width character and no ESC; it fits
 * its buffer; text_fit() never uses more cells than asked. */
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t next_cp(const unsigned char *p, size_t *n)
{
	unsigned c = p[0];
	int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (!len || (len == 2 && c < 0xC2))
		__builtin_trap(); /* not a UTF-8 lead byte */
	uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			__builtin_trap(); /* truncated sequence */
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*n = (size_t)len;
	return cp;
}

static void check_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n;
		uint32_t cp = next_cp(p, &n);
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			__builtin_trap();
		p += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		setlocale(LC_ALL, "C.UTF-8"); /* wcwidth() as in the real program */
		init = 1;
	}
	if (size < 2)
		return 0;
	/* first byte: the width for text_fit; second: the output buffer size */
	int cells = data[0] % 64;
	size_t outsz = 1 + data[1] % 128;
	char *in = malloc(size - 1);
	char *out = malloc(outsz);
	char *big = malloc(4 * size + 8);
	if (!in || !out || !big)
		abort();
	memcpy(in, data + 2, size - 2);
	in[size - 2] = '\0';

	size_t n = text_sanitize(in, big, 4 * size + 8);
	if (n >= 4 * size + 8 || strlen(big) != n)
		__builtin_trap();
	check_clean(big);
	if (text_width(big) < 0)
		__builtin_trap();

	n = text_sanitize(in, out, outsz);
	if (n >= outsz)
		__builtin_trap();
	check_clean(out);

	for (int ascii = 0; ascii < 2; ascii++) {
		for (int pad = 0; pad < 2; pad++) {
			int used = text_fit(in, cells, pad, ascii, out, outsz);
			if (used < 0 || used > cells || strlen(out) >= outsz)
				__builtin_trap();
			check_clean(out);
			if (text_width(out) > cells)
				__builtin_trap();
		}
	}
	free(in);
	free(out);
	free(big);
	return 0;
}
