/* tui/prompt.c - see prompt.h. */
#include "tui/prompt.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

static void reset(struct prompt *p, enum prompt_kind kind, const char *label)
{
	memset(p, 0, sizeof *p);
	p->kind = kind;
	snprintf(p->label, sizeof p->label, "%s", label);
}

void prompt_confirm(struct prompt *p, const char *label)
{
	reset(p, PROMPT_CONFIRM, label);
}

void prompt_choice(struct prompt *p, const char *label, const char *choices)
{
	reset(p, PROMPT_CHOICE, label);
	const char *s = choices;
	while (*s && p->nchoices < PROMPT_MAX_CHOICES) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n >= sizeof p->choices[0])
			n = sizeof p->choices[0] - 1;
		memcpy(p->choices[p->nchoices], s, n);
		p->choices[p->nchoices][n] = '\0';
		p->nchoices++;
		if (!e)
			break;
		s = e + 1;
	}
}

void prompt_text(struct prompt *p, const char *label, int optional, int numeric)
{
	reset(p, PROMPT_TEXT, label);
	p->optional = optional;
	p->numeric = numeric;
}

void prompt_set_text(struct prompt *p, const char *s)
{
	mbstate_t ps;
	memset(&ps, 0, sizeof ps);
	p->len = 0;
	size_t left = strlen(s);
	while (left > 0 && p->len < PROMPT_TEXT_MAX) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, left, &ps);
		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&ps, 0, sizeof ps);
			s++;
			left--;
			continue;
		}
		if (k == 0)
			break;
		if (wc >= 32 && !(wc >= 0x7f && wc < 0xa0) && iswprint((wint_t)wc))
			p->text[p->len++] = wc;
		s += k;
		left -= k;
	}
	p->text[p->len] = L'\0';
}

void prompt_line(struct prompt *p, const char *label, struct prompt_history *hist, prompt_complete_fn *complete,
                 const char *initial)
{
	reset(p, PROMPT_TEXT, label);
	p->optional = 1;
	p->bare = 1;
	p->hist = hist;
	p->hist_pos = hist ? hist->n : 0;
	p->complete = complete;
	if (initial)
		prompt_set_text(p, initial);
}

void prompt_history_add(struct prompt_history *h, const char *line)
{
	if (!h || !line[0] || (h->n > 0 && strcmp(h->items[h->n - 1], line) == 0))
		return;
	if (h->n == PROMPT_HISTORY_MAX) {
		memmove(h->items[0], h->items[1], sizeof h->items[0] * (PROMPT_HISTORY_MAX - 1));
		h->n--;
	}
	snprintf(h->items[h->n++], sizeof h->items[0], "%s", line);
}

/* Up (dir -1) and Down (+1) through the history; past the newest entry
 * is an empty line. */
static void history_move(struct prompt *p, int dir)
{
	struct prompt_history *h = p->hist;
	if (!h || h->n == 0)
		return;
	int pos = p->hist_pos + dir;
	if (pos < 0 || pos > h->n)
		return;
	p->hist_pos = pos;
	prompt_set_text(p, pos == h->n ? "" : h->items[pos]);
}

static void complete(struct prompt *p)
{
	char line[PROMPT_LINE_MAX], out[PROMPT_LINE_MAX];
	if (!p->complete)
		return;
	prompt_value(p, line, sizeof line);
	int n = p->complete(line, out, sizeof out, p->hint, sizeof p->hint);
	if (n >= 1)
		prompt_set_text(p, out);
	if (n <= 1)
		p->hint[0] = '\0';
}

static enum prompt_result text_key(struct prompt *p, unsigned ch, int is_key)
{
	if (is_key && (ch == KEY_UP || ch == KEY_DOWN)) {
		history_move(p, ch == KEY_UP ? -1 : 1);
		return PROMPT_CONTINUE;
	}
	if (!is_key && ch == '\t') {
		complete(p);
		return PROMPT_CONTINUE;
	}
	if (is_key && (ch == KEY_BACKSPACE || ch == KEY_LEFT)) {
		if (p->len > 0)
			p->text[--p->len] = L'\0';
		return PROMPT_CONTINUE;
	}
	if (is_key)
		return ch == KEY_ENTER ? (p->len || p->optional ? PROMPT_DONE : PROMPT_CONTINUE) : PROMPT_CONTINUE;
	if (ch == '\r' || ch == '\n')
		return p->len || p->optional ? PROMPT_DONE : PROMPT_CONTINUE;
	if (ch == 127 || ch == 8) {
		if (p->len > 0)
			p->text[--p->len] = L'\0';
		return PROMPT_CONTINUE;
	}
	if (ch == 21) { /* Ctrl-U */
		p->len = 0;
		p->text[0] = L'\0';
		return PROMPT_CONTINUE;
	}
	/* Printable characters only: no controls into a note that others read. */
	if (ch < 32 || (ch >= 0x7f && ch < 0xa0) || !iswprint((wint_t)ch) || p->len >= PROMPT_TEXT_MAX)
		return PROMPT_CONTINUE;
	if (p->numeric && !((ch >= '0' && ch <= '9') || (ch == '.' && !wcschr(p->text, L'.'))))
		return PROMPT_CONTINUE;
	p->text[p->len++] = (wchar_t)ch;
	p->text[p->len] = L'\0';
	return PROMPT_CONTINUE;
}

enum prompt_result prompt_key(struct prompt *p, unsigned ch, int is_key)
{
	if (!is_key && ch == 27)
		return PROMPT_CANCEL;
	switch (p->kind) {
	case PROMPT_CONFIRM:
		if (is_key)
			return PROMPT_CONTINUE;
		if (ch == 'y' || ch == 'Y') {
			p->yes = 1;
			return PROMPT_DONE;
		}
		/* Anything else is no: the safe answer for an outbound action. */
		return PROMPT_CANCEL;
	case PROMPT_CHOICE:
		if ((is_key && (ch == KEY_RIGHT || ch == KEY_DOWN)) || (!is_key && (ch == '\t' || ch == 'l' || ch == 'j'))) {
			p->choice = (p->choice + 1) % (p->nchoices ? p->nchoices : 1);
			return PROMPT_CONTINUE;
		}
		if ((is_key && (ch == KEY_LEFT || ch == KEY_UP)) || (!is_key && (ch == 'h' || ch == 'k'))) {
			p->choice = (p->choice + p->nchoices - 1) % (p->nchoices ? p->nchoices : 1);
			return PROMPT_CONTINUE;
		}
		if (!is_key && ch >= '1' && ch <= '9' && (int)(ch - '1') < p->nchoices) {
			p->choice = (int)(ch - '1');
			return PROMPT_DONE;
		}
		if ((!is_key && (ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER))
			return p->nchoices ? PROMPT_DONE : PROMPT_CANCEL;
		return PROMPT_CONTINUE;
	case PROMPT_TEXT:
		return text_key(p, ch, is_key);
	}
	return PROMPT_CANCEL;
}

void prompt_value(const struct prompt *p, char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = '\0';
	if (p->kind == PROMPT_CHOICE) {
		if (p->nchoices)
			snprintf(out, n, "%s", p->choices[p->choice]);
		return;
	}
	mbstate_t ps;
	memset(&ps, 0, sizeof ps);
	size_t used = 0;
	char mb[MB_LEN_MAX];
	for (int i = 0; i < p->len; i++) {
		size_t k = wcrtomb(mb, p->text[i], &ps);
		if (k == (size_t)-1 || used + k + 1 > n)
			break;
		memcpy(out + used, mb, k);
		used += k;
	}
	out[used] = '\0';
}

void prompt_render(const struct prompt *p, char *out, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	switch (p->kind) {
	case PROMPT_CONFIRM:
		snprintf(out, n, "[y/N]");
		break;
	case PROMPT_CHOICE:
		for (int i = 0; i < p->nchoices && used + 1 < n; i++) {
			int k = snprintf(out + used, n - used, i == p->choice ? "[%d %s] " : " %d %s  ", i + 1,
					 p->choices[i]);
			if (k < 0 || (size_t)k >= n - used)
				break;
			used += (size_t)k;
		}
		break;
	case PROMPT_TEXT:
		prompt_value(p, out, n > 2 ? n - 2 : n);
		used = strlen(out);
		if (used + 2 <= n) {
			out[used] = '_';
			out[used + 1] = '\0';
		}
		break;
	}
}
