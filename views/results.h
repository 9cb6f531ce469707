/* views/results.h - the hits of a full-text search (client/search.h) over
 * one stream, best first: time, severity, TLP, institution-free title. The
 * selection is an item like a pane's (details, actions). Read once when
 * opened: a search is a question asked at one moment. */
#ifndef SOCTOP_RESULTS_H
#define SOCTOP_RESULTS_H

#include "client/search.h"
#include "views/view.h"

#define RESULTS_MAX 200

struct results;

/* Search stream for text within range. 0, or -1 with err filled (a bad
 * query, a stream without an index, out of memory). */
int results_open(struct results **out, struct view_env *env, enum proto_stream stream, const char *text,
		 const struct search_range *range, char *err, size_t errlen);
void results_close(struct results *r);
void results_draw(struct results *r, const struct rect *area);
/* Movement codes of view.h; 1 when used. */
int results_key(struct results *r, int key);
/* The selected hit as an item; 1, or 0 when there is none. */
int results_selected(const struct results *r, struct view_sel *out);
/* What was searched, for :export. */
enum proto_stream results_stream(const struct results *r);
const char *results_text(const struct results *r);
const struct search_range *results_range(const struct results *r);
int results_count(const struct results *r);

#endif
