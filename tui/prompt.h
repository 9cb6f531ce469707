/* tui/prompt.h - the one-line modal prompt at the bottom of the screen:
 * a yes/no confirmation, a choice from a short list, or a line of text
 * (wide characters, so Chinese input works). No ncurses calls: keys come in,
 * a state comes out, and ui.c draws it. */
#ifndef SOCTOP_PROMPT_H
#define SOCTOP_PROMPT_H

#include <stddef.h>
#include <wchar.h>

#define PROMPT_MAX_CHOICES 12
#define PROMPT_TEXT_MAX 400 /* characters */

enum prompt_kind { PROMPT_CONFIRM, PROMPT_CHOICE, PROMPT_TEXT };
enum prompt_result { PROMPT_CONTINUE, PROMPT_DONE, PROMPT_CANCEL };

struct prompt {
	enum prompt_kind kind;
	char label[1024];
	int optional; /* text: empty is accepted */
	/* choice */
	char choices[PROMPT_MAX_CHOICES][64];
	int nchoices;
	int choice;
	/* text */
	wchar_t text[PROMPT_TEXT_MAX + 1];
	int len;
	int numeric; /* text: digits and one '.' only */
	/* confirm */
	int yes;
};

void prompt_confirm(struct prompt *p, const char *label);
/* choices: comma-separated. */
void prompt_choice(struct prompt *p, const char *label, const char *choices);
void prompt_text(struct prompt *p, const char *label, int optional, int numeric);

/* One key: ch is a character, or an ncurses KEY_* code when is_key. */
enum prompt_result prompt_key(struct prompt *p, unsigned ch, int is_key);

/* The text typed, as UTF-8 (out always terminated). */
void prompt_value(const struct prompt *p, char *out, size_t n);
/* What to show after the label: the text, or the choices with the current
 * one marked, or "[y/N]". */
void prompt_render(const struct prompt *p, char *out, size_t n);

#endif
