/* views/results.c - see results.h. */
#include "views/results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/common.h"
#include "views/fmt.h"

struct results {
	struct view_env *env;
	enum proto_stream stream;
	char text[SEARCH_TEXT_MAX + 1];
	struct search_range range;
	struct search_hit hits[RESULTS_MAX];
	int n;
	struct view_list at;
	int page;
};

int results_open(struct results **out, struct view_env *env, enum proto_stream stream, const char *text,
		 const struct search_range *range, char *err, size_t errlen)
{
	*out = NULL;
	struct results *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->env = env;
	r->stream = stream;
	snprintf(r->text, sizeof r->text, "%s", text ? text : "");
	if (range)
		r->range = *range;
	r->n = search_run(env->db, stream, r->text, &r->range, r->hits, RESULTS_MAX, err, errlen);
	if (r->n < 0) {
		free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void results_close(struct results *r)
{
	free(r);
}

enum proto_stream results_stream(const struct results *r)
{
	return r->stream;
}

const char *results_text(const struct results *r)
{
	return r->text;
}

const struct search_range *results_range(const struct results *r)
{
	return &r->range;
}

int results_count(const struct results *r)
{
	return r->n;
}

int results_selected(const struct results *r, struct view_sel *out)
{
	if (r->n == 0)
		return 0;
	memset(out, 0, sizeof *out);
	const struct search_hit *h = &r->hits[r->at.sel];
	view_sel_set(out, h->stream, h->backend, h->id);
	return 1;
}

int results_key(struct results *r, int key)
{
	return view_list_key(&r->at, key, r->page > 0 ? r->page : 1, r->n);
}

static struct fmt_col cols[] = {
	{"TIME", 11, 11, 5, 0}, {"SEV", 4, 4, 4, 0}, {"TLP", 7, 7, 6, 0}, {"ID", 10, 18, 2, 0}, {"TITLE", 10, 0, 9, 0},
};
#define NCOLS ((int)(sizeof cols / sizeof cols[0]))

static const char *results_cell(void *ctx, int64_t i, int col, int w, int selected, attr_t *at, char *buf, size_t n)
{
	(void)w;
	struct results *r = ctx;
	const struct search_hit *h = &r->hits[i];
	switch (col) {
	case 0:
		fmt_time_short(h->time_ms, r->env->now_ms, buf, n);
		return buf;
	case 1:
		if (!selected)
			*at = draw_attr(draw_sev_role(h->severity));
		return fmt_sev_short(h->severity);
	case 2:
		if (!selected)
			*at = draw_attr(draw_tlp_role(h->tlp));
		return fmt_tlp_short(h->tlp);
	case 3:
		return h->id;
	default:
		return h->title;
	}
}

void results_draw(struct results *r, const struct rect *area)
{
	char label[SEARCH_TEXT_MAX + 200], when[2][40] = {"", ""};
	if (r->range.since_ms)
		fmt_time_short(r->range.since_ms, r->env->now_ms, when[0], sizeof when[0]);
	if (r->range.until_ms)
		fmt_time_short(r->range.until_ms, r->env->now_ms, when[1], sizeof when[1]);
	snprintf(label, sizeof label, " Search %s: \"%s\"  %d hit%s, best first%s%s%s%s", proto_stream_name(r->stream),
		 r->text, r->n, r->n == 1 ? "" : "s", when[0][0] ? "  since " : "", when[0], when[1][0] ? "  until " : "",
		 when[1]);
	view_draw_title(area, 1, label);
	int lines = area->h - 2;
	r->page = lines > 0 ? lines : 1;
	view_list_clamp(&r->at, r->n, r->page);
	fmt_columns(cols, NCOLS, area->w);
	struct view_table t = {
		.cols = cols,
		.ncols = NCOLS,
		.cell = results_cell,
		.ctx = r,
		.first = r->at.top,
		.n = r->n,
		.sel = r->at.sel,
		.empty = "no match (words are whole: end one with * for a word's start)",
	};
	view_draw_table(area, area->y + 1, lines, 1, &t);
}
