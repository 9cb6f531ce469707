/* tui/text.h - untrusted text made safe and measured in display cells.
 *
 * Every string that came from a backend, the config or the cache passes
 * through here before it reaches the terminal: control characters and
 * terminal escape sequences are removed, invalid UTF-8 is replaced, and
 * widths are counted in terminal cells (wcwidth), never in bytes, so that
 * Chinese names align and truncate cleanly. No ncurses here: pure functions.
 * Callers must have called setlocale(LC_CTYPE, "") for wcwidth to know CJK. */
#ifndef SOCTOP_TEXT_H
#define SOCTOP_TEXT_H

#include <stddef.h>

/* Copy in to out (outsz bytes, always NUL-terminated, never splitting a
 * UTF-8 character) without: C0 controls and DEL (TAB, CR, LF become one
 * space), C1 controls (U+0080..U+009F), whole escape sequences (ESC [ ...
 * final, ESC ] ... BEL or ST, ESC P/X/^/_ ... ST, other ESC x pairs, and the
 * 8-bit CSI/OSC/DCS forms), bidirectional overrides and isolates
 * (U+202A..U+202E, U+2066..U+2069), and other zero-width format characters
 * that could hide text (U+200B..U+200F, U+FEFF). Invalid UTF-8 bytes become
 * U+FFFD. Returns the length written. */
size_t text_sanitize(const char *in, char *out, size_t outsz);

/* Display width in cells of a sanitised UTF-8 string (wide CJK = 2, combining = 0). */
int text_width(const char *s);

/* Write into out (outsz bytes) the longest prefix of sanitised s that fits in
 * `cells` display cells. When s is cut, the last cell shows an ellipsis
 * ("…", or "~" when ascii is set) and a wide character that would straddle
 * the edge is dropped. With pad set, spaces fill the result to exactly
 * `cells` cells. Returns the number of cells used. Sanitises s itself. */
int text_fit(const char *s, int cells, int pad, int ascii, char *out, size_t outsz);

/* Replace every non-ASCII character of sanitised s with '?' per cell it
 * would occupy (for terminals without a UTF-8 locale). */
size_t text_asciify(const char *s, char *out, size_t outsz);

/* The length of the well-formed UTF-8 sequence of a non-ASCII character at
 * u (2 to 4), or 0: no overlong forms, surrogates or code points past
 * U+10FFFF. For parsers that refuse bad UTF-8 rather than repair it. */
int text_utf8_len(const unsigned char *u);

#endif
