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

#define PROMPT_HISTORY_MAX 50
#define PROMPT_LINE_MAX (PROMPT_TEXT_MAX * 4 + 1) /* bytes of UTF-8 */

enum prompt_kind { PROMPT_CONFIRM, PROMPT_CHOICE, PROMPT_TEXT };

/* Lines entered before, oldest first: Up and Down walk them. */
struct prompt_history {
	char items[PROMPT_HISTORY_MAX][PROMPT_LINE_MAX];
	int n;
};

/* Tab in a text prompt: the line completed into out, candidates into hint;
 * returns how many candidates there were. */
typedef int prompt_complete_fn(const char *line, char *out, size_t outlen, char *hint, size_t hintlen);
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
	int bare;    /* text: the label is shown as it is (":", "/"), without ": " */
	struct prompt_history *hist; /* text: NULL for none */
	int hist_pos;                /* hist->n while on the new line */
	prompt_complete_fn *complete; /* text: Tab; NULL for none */
	char hint[256];               /* the last completion's candidates */
	/* confirm */
	int yes;
};

void prompt_confirm(struct prompt *p, const char *label);
/* choices: comma-separated. */
void prompt_choice(struct prompt *p, const char *label, const char *choices);
void prompt_text(struct prompt *p, const char *label, int optional, int numeric);

/* A command-line style text prompt: label shown bare, with history (may
 * be NULL) and completion (may be NULL); text starts as initial. */
void prompt_line(struct prompt *p, const char *label, struct prompt_history *hist, prompt_complete_fn *complete,
                 const char *initial);
/* Remember line (UTF-8) as the newest entry; empty lines and a repeat of
 * the newest are not kept, the oldest goes when full. */
void prompt_history_add(struct prompt_history *h, const char *line);
/* Replace the text with UTF-8 s (invalid bytes and controls dropped). */
void prompt_set_text(struct prompt *p, const char *s);

/* One key: ch is a character, or an ncurses KEY_* code when is_key. */
enum prompt_result prompt_key(struct prompt *p, unsigned ch, int is_key);

/* The text typed, as UTF-8 (out always terminated). */
void prompt_value(const struct prompt *p, char *out, size_t n);
/* What to show after the label: the text, or the choices with the current
 * one marked, or "[y/N]". */
void prompt_render(const struct prompt *p, char *out, size_t n);

#endif
