/* views/details.h - one item in full: every field, the notes timeline,
 * indicators, the linked alerts or ticket, and the operator actions taken on
 * it with their outcome. Rebuilt from the cache at every draw, so it is live. */
#ifndef SOCTOP_DETAILS_H
#define SOCTOP_DETAILS_H

#include "views/view.h"

struct details;

/* Open on sel. 0 or -1 (out of memory). */
int details_open(struct details **out, struct view_env *env, const struct view_sel *sel);
void details_close(struct details *d);
const struct view_sel *details_item(const struct details *d);
void details_draw(struct details *d, const struct rect *r);
/* 1 when used. Enter on a linked item fills jump and returns 2. */
int details_key(struct details *d, int key, struct view_sel *jump);

/* The lines the pane shows, for tests: builds them and returns how many;
 * line i is copied to out (n bytes). */
int details_lines(struct details *d, int i, char *out, size_t n);

#endif
