/* tests/unit/test_text.c - text_sanitize/width/fit/asciify on hostile input. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tui/text.h"

#define ELL "\xE2\x80\xA6" /* U+2026 */
#define FFFD "\xEF\xBF\xBD"

static int setup_locale(void **state)
{
	(void)state;
	/* C.UTF-8 ships with Debian's libc and knows East Asian widths. */
	return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static void expect_clean(const char *in, const char *want)
{
	char out[512];
	size_t n = text_sanitize(in, out, sizeof out);
	if (strcmp(out, want) != 0)
		fail_msg("sanitize: got \"%s\", want \"%s\"", out, want);
	assert_int_equal(n, strlen(want));
}

static int is_valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
		if (n == 0)
			return 0;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			return 1;
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return 1;
	}
	return 0;
}

/* ---- text_sanitize ---------------------------------------------------- */

static void test_sanitize_plain(void **state)
{
	(void)state;
	expect_clean("", "");
	expect_clean("hello, world", "hello, world");
	expect_clean("上海浦东发展银行", "上海浦东发展银行");
	expect_clean("alert 🚨 ok", "alert 🚨 ok");
	expect_clean("café", "café");
	expect_clean("e\xCC\x81", "e\xCC\x81"); /* combining acute kept after a base */
	expect_clean("\xCC\x81" "a", "a");      /* a mark with no base would hit the border */
	/* at most 4 marks per base (ncursesw keeps no more): no zalgo smear */
	expect_clean("a\xCC\x81\xCC\x82\xCC\x83\xCC\x84\xCC\x85\xCC\x86" "b",
	             "a\xCC\x81\xCC\x82\xCC\x83\xCC\x84" "b");
}

static void test_sanitize_csi(void **state)
{
	(void)state;
	expect_clean("\x1b[31mred\x1b[0m", "red");
	expect_clean("\x1b[1;38;5;196mbold\x1b[m", "bold");
	expect_clean("a\x1b[2J\x1b[H\x1b[10;20Hb", "ab");    /* clear, home, cursor move */
	expect_clean("a\x1b[?1049h\x1b[?25lb", "ab");        /* private modes */
	expect_clean("x\x1b[3Ay\x1b[2Kz", "xyz");            /* cursor up, erase line */
	expect_clean("\x1b[31", "");                         /* unterminated */
	expect_clean("a\x1b(Bb\x1b" "7c\x1b=d", "abcd");      /* ESC ( B, ESC 7, ESC = */
	expect_clean("end\x1b", "end");
}

static void test_sanitize_osc(void **state)
{
	(void)state;
	expect_clean("a\x1b]0;pwned title\x07z", "az");
	expect_clean("a\x1b]2;title\x1b\\z", "az");
	/* OSC 52: write "rm -rf ~" into the clipboard */
	expect_clean("x\x1b]52;c;cm0gLXJmIH4=\x07y", "xy");
	expect_clean("x\x1b]52;c;cm0gLXJmIH4=\x1b\\y", "xy");
	expect_clean("x\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\y", "xlinky"); /* hyperlink */
	expect_clean("x\x1b]52;c;cm0gLXJmIH4=", "x");  /* unterminated: to the end */
	expect_clean("x\x1b]0;t\xC2\x9Cy", "xy");      /* 8-bit ST */
}

static void test_sanitize_strings(void **state)
{
	(void)state;
	expect_clean("a\x1bPq#0;2;0;0;0#0!10~\x1b\\b", "ab"); /* DCS sixel */
	expect_clean("a\x1b_Gf=100;AAAA\x1b\\b", "ab");        /* APC kitty graphics */
	expect_clean("a\x1bXsos\x1b\\b", "ab");
	expect_clean("a\x1b^pm\x1b\\b", "ab");
	expect_clean("a\x1bPunterminated", "a");
	expect_clean("a\x1bPbel\x07still\x1b\\b", "ab"); /* BEL does not end a DCS */
}

static void test_sanitize_c1(void **state)
{
	(void)state;
	expect_clean("a\xC2\x9B" "31mred\xC2\x9B" "0mb", "aredb");         /* 8-bit CSI */
	expect_clean("a\xC2\x9D" "0;title\x07z", "az");                    /* 8-bit OSC */
	expect_clean("a\xC2\x9D" "52;c;AAAA\xC2\x9Cz", "az");              /* 8-bit OSC, 8-bit ST */
	expect_clean("a\xC2\x90q data\xC2\x9Cz", "az");                    /* 8-bit DCS */
	expect_clean("a\xC2\x9F" "apc\xC2\x9Cz", "az");                    /* 8-bit APC */
	expect_clean("a\xC2\x85" "b\xC2\x8D" "c\xC2\x80" "d\xC2\x9C" "e", "abcde"); /* NEL, RI, ... */
	/* raw 0x9B is not UTF-8: it becomes U+FFFD, never a CSI */
	expect_clean("a\x9b" "31mb", "a" FFFD "31mb");
}

static void test_sanitize_c0(void **state)
{
	(void)state;
	expect_clean("a\tb", "a b");
	expect_clean("line1\nline2", "line1 line2");
	expect_clean("line1\r\nline2", "line1 line2"); /* a run is one space */
	expect_clean("a\x01\x02\x07\x08\x0b\x0c\x0e\x1f\x7f" "b", "ab");
	expect_clean("a\x08\x08\x08xyz", "axyz"); /* backspaces cannot overwrite */
	expect_clean("a\xE2\x80\xA8" "b", "a b"); /* U+2028 line separator */
}

static void test_sanitize_bidi_zero_width(void **state)
{
	(void)state;
	expect_clean("invoice_\xE2\x80\xAE" "fdp.exe", "invoice_fdp.exe"); /* RLO */
	expect_clean("a\xE2\x80\xAA" "b\xE2\x80\xAB" "c\xE2\x80\xAC" "d\xE2\x80\xAD" "e", "abcde");
	expect_clean("a\xE2\x81\xA6" "b\xE2\x81\xA7" "c\xE2\x81\xA8" "d\xE2\x81\xA9" "e", "abcde");
	expect_clean("a\xE2\x80\x8E" "b\xE2\x80\x8F" "c\xD8\x9C" "d", "abcd"); /* LRM RLM ALM */
	expect_clean("p\xE2\x80\x8B" "a\xE2\x80\x8Cy\xE2\x80\x8Dp\xE2\x81\xA0" "a\xEF\xBB\xBFl", "paypal");
	expect_clean("a\xF3\xA0\x81\x81" "b", "ab"); /* tag character */
}

static void test_sanitize_invalid_utf8(void **state)
{
	(void)state;
	expect_clean("a\x80" "b", "a" FFFD "b");                 /* lone continuation */
	expect_clean("a\xC0\x80" "b", "a" FFFD FFFD "b");        /* overlong NUL */
	expect_clean("\xE0\x80\xAF", FFFD FFFD FFFD);            /* overlong '/' */
	expect_clean("a\xED\xA0\x80" "b", "a" FFFD FFFD FFFD "b"); /* surrogate */
	expect_clean("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD);   /* above U+10FFFF */
	expect_clean("\xF5\xFF", FFFD FFFD);
	expect_clean("ab\xE4\xB8", "ab" FFFD FFFD);              /* truncated at end */
	expect_clean("\xE4\xB8" "a", FFFD FFFD "a");             /* truncated before ASCII */
	expect_clean("\xF0\x9F\x9A\xA8", "🚨");                  /* valid 4-byte */
	expect_clean("\xF4\x8F\xBF\xBD", "\xF4\x8F\xBF\xBD");    /* U+10FFFD, the last one */
}

static void test_sanitize_small_outsz(void **state)
{
	(void)state;
	char out[16];
	const char *s = "a中文b";

	for (size_t sz = 1; sz <= 9; sz++) {
		memset(out, 'X', sizeof out);
		size_t n = text_sanitize(s, out, sz);
		assert_true(n < sz);
		assert_int_equal(strlen(out), n);
		assert_true(is_valid_utf8(out));
	}
	assert_int_equal(text_sanitize(s, out, 1), 0);
	assert_int_equal(text_sanitize(s, out, 4), 1);  /* "a", 中 needs 3 more + NUL */
	assert_int_equal(text_sanitize(s, out, 5), 4);  /* "a中" */
	assert_string_equal(out, "a中");
	assert_int_equal(text_sanitize(s, out, 0), 0);  /* nothing written */
	assert_int_equal(text_sanitize(NULL, out, sizeof out), 0);
	assert_string_equal(out, "");
}

/* Every byte pattern yields valid UTF-8 without controls. */
static void test_sanitize_fuzz(void **state)
{
	(void)state;
	char in[64], out[256];
	uint32_t x = 12345;
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 63);
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			unsigned char c = (unsigned char)(x >> 16);
			/* bias towards the interesting bytes */
			static const unsigned char hot[] = { 0x1b, '[', ']', 'P', '\\', 0x07, 0xC2, 0x9B, 0x9C, 0xE2, 0x80, 0xAE, 0xED, 0xF4 };
			if ((x >> 8) % 3 == 0)
				c = hot[(x >> 3) % sizeof hot];
			in[i] = (char)(c ? c : 'a');
		}
		in[len] = '\0';
		size_t n = text_sanitize(in, out, (size_t)(round % 40) + 1);
		assert_int_equal(strlen(out), n);
		assert_true(is_valid_utf8(out));
		assert_false(has_control(out));
		assert_false(strchr(out, 0x1b));
		char fit[256];
		int cells = round % 12;
		int used = text_fit(in, cells, 1, round & 1, fit, sizeof fit);
		assert_int_equal(used, cells);
		assert_int_equal(text_width(fit), cells);
		assert_true(is_valid_utf8(fit));
	}
}

/* ---- text_width ------------------------------------------------------- */

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width(NULL), 0);
	assert_int_equal(text_width("hello"), 5);
	assert_int_equal(text_width("中文"), 4);
	assert_int_equal(text_width("ICBC 中国工商银行"), 5 + 12);
	assert_int_equal(text_width("e\xCC\x81"), 1);       /* e + combining acute */
	assert_int_equal(text_width("a\xCC\x81\xCC\xA7" "b"), 2);
	assert_int_equal(text_width("🚨!"), 3);
	assert_int_equal(text_width("ｆｕｌｌ"), 8);          /* fullwidth forms */
	assert_int_equal(text_width("\x1b[31mred\x1b[0m"), 3); /* escapes measure 0 */
	assert_int_equal(text_width("a\xE2\x80\x8B" "b"), 2);  /* ZWSP dropped */
	assert_int_equal(text_width("\xCC\x81" "a"), 1);       /* leading mark dropped */
}

/* ---- text_fit --------------------------------------------------------- */

static void expect_fit(const char *s, int cells, int pad, int ascii, const char *want, int want_cells)
{
	char out[256];
	int used = text_fit(s, cells, pad, ascii, out, sizeof out);
	if (strcmp(out, want) != 0)
		fail_msg("fit(\"%s\", %d, pad=%d, ascii=%d): got \"%s\", want \"%s\"", s, cells, pad, ascii, out, want);
	assert_int_equal(used, want_cells);
	assert_int_equal(text_width(out), want_cells);
}

static void test_fit_exact(void **state)
{
	(void)state;
	expect_fit("hello", 5, 0, 0, "hello", 5);
	expect_fit("hello", 5, 1, 0, "hello", 5);
	expect_fit("中文", 4, 0, 0, "中文", 4);
	expect_fit("hi", 5, 0, 0, "hi", 2);
	expect_fit("e\xCC\x81", 1, 0, 0, "e\xCC\x81", 1); /* mark rides with its base */
}

static void test_fit_truncate(void **state)
{
	(void)state;
	expect_fit("hello world", 8, 0, 0, "hello w" ELL, 8);
	expect_fit("hello world", 8, 1, 0, "hello w" ELL, 8);
	expect_fit("中国工商银行", 7, 0, 0, "中国工" ELL, 7);
	expect_fit("abcdé\xCC\x81xyz", 6, 0, 0, "abcdé\xCC\x81" ELL, 6);
	/* a mark is cut with its base, not left behind */
	expect_fit("abcde\xCC\x81xyz", 5, 0, 0, "abcd" ELL, 5);
	expect_fit("\x1b[31mhello world\x1b[0m", 6, 0, 0, "hello" ELL, 6);
}

static void test_fit_wide_edge(void **state)
{
	(void)state;
	/* 中 would need cells 6-7 of 6: dropped; the ellipsis takes cell 6 */
	expect_fit("abcde中文", 6, 0, 0, "abcde" ELL, 6);
	/* 文 straddles: a wide char cannot fit into the one cell before the ellipsis */
	expect_fit("中文字", 4, 0, 0, "中" ELL, 3);
	expect_fit("中文字", 4, 1, 0, "中" ELL " ", 4);
	expect_fit("中文", 3, 1, 0, "中" ELL, 3);
	expect_fit("中文", 2, 1, 0, ELL " ", 2);
	/* fits exactly without ellipsis when the whole string is in */
	expect_fit("ab中", 4, 1, 0, "ab中", 4);
}

static void test_fit_pad(void **state)
{
	(void)state;
	expect_fit("ab", 5, 1, 0, "ab   ", 5);
	expect_fit("中", 5, 1, 0, "中   ", 5);
	expect_fit("", 3, 1, 0, "   ", 3);
	expect_fit(NULL, 3, 1, 0, "   ", 3);

	const char *samples[] = { "a", "中文", "a中b文c", "🚨🚨🚨", "e\xCC\x81\xCC\x81x", "\x1b]0;x\x07ok", "\xff\xfe", "国" };
	char out[128];
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		for (int cells = 1; cells <= 12; cells++) {
			for (int ascii = 0; ascii <= 1; ascii++) {
				int used = text_fit(samples[i], cells, 1, ascii, out, sizeof out);
				assert_int_equal(used, cells);
				assert_int_equal(text_width(out), cells);
			}
		}
	}
}

static void test_fit_ascii(void **state)
{
	(void)state;
	expect_fit("中文", 4, 0, 1, "????", 4);
	expect_fit("中文abc", 6, 0, 1, "????a~", 6);
	expect_fit("café", 4, 0, 1, "caf?", 4);
	expect_fit("e\xCC\x81z", 2, 0, 1, "ez", 2); /* marks vanish */
	expect_fit("中文字", 4, 1, 1, "??~ ", 4);
	expect_fit("hello world", 6, 1, 1, "hello~", 6);

	char out[64];
	text_fit("交通银行 🚨 \xE2\x80\xAE evil \xff", 30, 1, 1, out, sizeof out);
	for (const char *p = out; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7F);
	assert_int_equal(strlen(out), 30);
}

static void test_fit_small_cells(void **state)
{
	(void)state;
	char out[32];
	expect_fit("hello", 0, 1, 0, "", 0);
	expect_fit("hello", -3, 1, 0, "", 0);
	expect_fit("hello", 1, 0, 0, ELL, 1);
	expect_fit("h", 1, 0, 0, "h", 1);
	expect_fit("中", 1, 0, 0, ELL, 1);
	expect_fit("中", 1, 1, 1, "~", 1);
	expect_fit("", 0, 1, 0, "", 0);

	memset(out, 'X', sizeof out);
	assert_int_equal(text_fit("hello", 5, 1, 0, out, 0), 0);
	assert_int_equal(out[0], 'X'); /* outsz 0: nothing written */
}

static void test_fit_small_outsz(void **state)
{
	(void)state;
	char out[32];
	for (size_t sz = 1; sz <= 12; sz++) {
		int used = text_fit("中文中文中文", 10, 1, 0, out, sz);
		assert_true(strlen(out) < sz);
		assert_true(is_valid_utf8(out));
		assert_int_equal(text_width(out), used);
		assert_true(used <= 10);
	}
	/* room for everything but the last character: cut with an ellipsis */
	int used = text_fit("abcdefgh", 20, 0, 0, out, 8);
	assert_string_equal(out, "abcd" ELL);
	assert_int_equal(used, 5);
}

/* ---- text_asciify ----------------------------------------------------- */

static void test_asciify(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(text_asciify("abc", out, sizeof out), 3);
	assert_string_equal(out, "abc");
	text_asciify("中国 bank", out, sizeof out);
	assert_string_equal(out, "???? bank");
	text_asciify("e\xCC\x81\xC3\xA9", out, sizeof out);
	assert_string_equal(out, "e?");
	text_asciify("\x1b[31m\xE4\xB8", out, sizeof out);
	assert_string_equal(out, "??");
	assert_int_equal(text_asciify("中文", out, 3), 2); /* whole '??' per char */
	assert_string_equal(out, "??");
}

/* ---- speed ------------------------------------------------------------ */

/* A 200x60 redraw: 60 rows of 8 columns of mixed text. Budget 2 ms in a
 * release build; checked here against a looser bound that survives
 * sanitizers and loaded CI machines. */
static void test_fit_speed(void **state)
{
	(void)state;
	static const char *cols[] = { "2024-05-01 12:00:03", "CRITICAL", "中国工商银行股份有限公司上海市分行", "Phishing campaign against online banking customers",
		                      "\x1b[31mTLP:AMBER\x1b[0m", "张三", "T-2024-000123", "ransomware 勒索软件 🚨" };
	static const int widths[] = { 19, 8, 30, 60, 10, 12, 14, 47 };
	char out[512];
	struct timespec a, b;
	long sink = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int frame = 0; frame < 10; frame++)
		for (int row = 0; row < 60; row++)
			for (int c = 0; c < 8; c++)
				sink += text_fit(cols[c], widths[c], 1, 0, out, sizeof out);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms = ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / 10.0;
	print_message("text_fit: %.3f ms per 200x60 frame\n", ms);
	assert_int_equal(sink, 10L * 60 * 200);
	assert_true(ms < 20.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_plain),
		cmocka_unit_test(test_sanitize_csi),
		cmocka_unit_test(test_sanitize_osc),
		cmocka_unit_test(test_sanitize_strings),
		cmocka_unit_test(test_sanitize_c1),
		cmocka_unit_test(test_sanitize_c0),
		cmocka_unit_test(test_sanitize_bidi_zero_width),
		cmocka_unit_test(test_sanitize_invalid_utf8),
		cmocka_unit_test(test_sanitize_small_outsz),
		cmocka_unit_test(test_sanitize_fuzz),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit_exact),
		cmocka_unit_test(test_fit_truncate),
		cmocka_unit_test(test_fit_wide_edge),
		cmocka_unit_test(test_fit_pad),
		cmocka_unit_test(test_fit_ascii),
		cmocka_unit_test(test_fit_small_cells),
		cmocka_unit_test(test_fit_small_outsz),
		cmocka_unit_test(test_asciify),
		cmocka_unit_test(test_fit_speed),
	};
	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
