/* views/drills.c - a DDoS (or red/blue, tabletop) drill as it runs: one
 * header with the drill's name, phase, clock, attack and totals, then one
 * row per participating institution with its status, the three monitoring
 * points and how long after the start it detected, reported and mitigated.
 *
 * Drills are few: the pane shows one at a time (a running one first, else
 * the newest; '[' and ']' switch). The shown drill's JSON is parsed once
 * per revision and kept, so a frame only walks what is visible.
 *
 * The "/" filter narrows the shown drill's participants: they live inside
 * the drill's JSON, not in a table, so the parsed terms are tested in C on
 * the decoded document (filter_match_row, the SQL's semantics) once per
 * revision or filter, and the rows drawn are the indexes that passed. Only
 * words, inst: and status: mean something for a participant; the other
 * fields are refused with a message. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/proto.h"
#include "tui/i18n.h"
#include "views/common.h"
#include "views/fmt.h"
#include "views/rows.h"
#include "views/view.h"

#define DRILLS_MAX 64

struct drill_ref {
	char backend[64];
	char id[PROTO_MAX_ID + 1];
	char epoch[PROTO_MAX_EPOCH + 1];
	int64_t rev;
};

struct drills {
	int n;
	int64_t total;
	struct drill_ref list[DRILLS_MAX];
	int cur;
	int pinned; /* the operator chose list[cur] with [ or ] */
	struct drill_ref pin;
	/* the shown drill */
	struct drill_ref shown;
	json_t *doc; /* owned; NULL when none or unreadable */
	char name[192], kind[24], phase[24];
	int64_t start, end;
	int have_end;
	struct view_list at; /* participants (the ones shown: see row_index) */
	int loaded;
	/* the filter in force, and the participants of the shown drill it keeps */
	struct filter f;
	int *match; /* indexes into "participants", ascending */
	int nmatch, match_cap;
	int match_failed; /* out of memory: nothing shown, and said so */
	struct view_stamp st;
	sqlite3_stmt *q_list, *q_one;
};

static int drills_init(struct view *v)
{
	struct drills *d = calloc(1, sizeof *d);
	if (!d)
		return -1;
	v->priv = d;
	sqlite3 *db = v->env->db;
	if (view_prepare(db,
	         "SELECT backend, id, epoch, rev FROM drills "
	         "ORDER BY (status = 'running') DESC, time DESC, id ASC, backend ASC LIMIT ?1",
	         &d->q_list) ||
	    view_prepare(db,
	         "SELECT coalesce(title, ''), coalesce(kind, ''), coalesce(status, ''), time, data "
	         "FROM drills WHERE backend = ?1 AND id = ?2",
	         &d->q_one) ||
	    view_stamp_init(&d->st, db, "drills"))
		return -1;
	return 0;
}

static void drills_fini(struct view *v)
{
	struct drills *d = v->priv;
	if (!d)
		return;
	sqlite3_finalize(d->q_list);
	sqlite3_finalize(d->q_one);
	view_stamp_fini(&d->st);
	json_decref(d->doc);
	free(d->match);
	free(d);
	v->priv = NULL;
}

static int same_ref(const struct drill_ref *a, const struct drill_ref *b)
{
	return !strcmp(a->backend, b->backend) && !strcmp(a->id, b->id);
}

static void match_participants(struct drills *d);

static void load_shown(struct drills *d)
{
	const struct drill_ref *want = &d->list[d->cur];
	if (d->shown.id[0] && same_ref(&d->shown, want) && d->shown.rev == want->rev &&
	    !strcmp(d->shown.epoch, want->epoch))
		return;
	if (!same_ref(&d->shown, want))
		d->at = (struct view_list){0, 0};
	d->shown = *want;
	json_decref(d->doc);
	d->doc = NULL;
	d->name[0] = d->kind[0] = d->phase[0] = '\0';
	d->start = d->end = 0;
	d->have_end = 0;
	sqlite3_stmt *st = d->q_one;
	sqlite3_bind_text(st, 1, want->backend, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, want->id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		view_copy_col(d->name, sizeof d->name, st, 0);
		view_copy_col(d->kind, sizeof d->kind, st, 1);
		view_copy_col(d->phase, sizeof d->phase, st, 2);
		d->start = sqlite3_column_int64(st, 3);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		json_t *doc = text ? json_loadb(text, (size_t)sqlite3_column_bytes(st, 4), 0, NULL) : NULL;
		if (json_is_object(doc)) {
			d->doc = doc;
			const char *end = json_string_value(json_object_get(doc, "end"));
			d->have_end = end && proto_time_parse(end, &d->end) == 0;
		} else
			json_decref(doc);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	match_participants(d);
}

static void drills_refresh(struct view *v)
{
	struct drills *d = v->priv;
	if (!view_stamp_changed(&d->st, v->env->now_ms) && d->loaded)
		return;
	d->loaded = 1;
	d->total = d->st.count;
	sqlite3_bind_int(d->q_list, 1, DRILLS_MAX);
	d->n = 0;
	while (d->n < DRILLS_MAX && sqlite3_step(d->q_list) == SQLITE_ROW) {
		struct drill_ref *r = &d->list[d->n++];
		view_copy_col(r->backend, sizeof r->backend, d->q_list, 0);
		view_copy_col(r->id, sizeof r->id, d->q_list, 1);
		view_copy_col(r->epoch, sizeof r->epoch, d->q_list, 2);
		r->rev = sqlite3_column_int64(d->q_list, 3);
	}
	sqlite3_reset(d->q_list);
	d->cur = 0;
	if (d->pinned) {
		int found = 0;
		for (int i = 0; i < d->n && !found; i++)
			if (same_ref(&d->list[i], &d->pin)) {
				d->cur = i;
				found = 1;
			}
		d->pinned = found; /* gone: back to the running or newest one */
	}
	if (d->n == 0) {
		json_decref(d->doc);
		d->doc = NULL;
		d->shown = (struct drill_ref){0};
		match_participants(d);
		return;
	}
	load_shown(d);
}

static int nparts(const struct drills *d)
{
	json_t *p = json_object_get(d->doc, "participants");
	size_t n = json_is_array(p) ? json_array_size(p) : 0;
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* The participants shown: all, or the ones the filter keeps. */
static int nshown(const struct drills *d)
{
	return filter_active(&d->f) ? d->nmatch : nparts(d);
}

/* The index in "participants" of the i-th row shown, or -1. */
static int row_index(const struct drills *d, int64_t i)
{
	if (i < 0 || i >= nshown(d))
		return -1;
	return filter_active(&d->f) ? d->match[i] : (int)i;
}

/* What the filter sees of participant p: the fields the rows show. */
static void participant_row(const json_t *p, struct filter_row *row)
{
	json_t *inst = json_object_get(p, "institution");
	*row = (struct filter_row){{NULL}, NULL, NULL, NULL};
	row->inst_name = json_string_value(json_object_get(inst, "name"));
	row->inst_id = json_string_value(json_object_get(inst, "id"));
	row->status = json_string_value(json_object_get(p, "status"));
	row->text[0] = row->inst_name;
	row->text[1] = row->inst_id;
	row->text[2] = json_string_value(json_object_get(p, "target"));
	row->text[3] = row->status;
}

/* The shown drill's participants that d->f keeps, into d->match. */
static void match_participants(struct drills *d)
{
	d->nmatch = 0;
	d->match_failed = 0;
	if (!filter_active(&d->f))
		return;
	int n = nparts(d);
	if (n > d->match_cap) {
		int *m = realloc(d->match, (size_t)n * sizeof *m);
		if (!m) {
			d->match_failed = 1;
			return;
		}
		d->match = m;
		d->match_cap = n;
	}
	json_t *parts = json_object_get(d->doc, "participants");
	struct filter_row row;
	for (int i = 0; i < n; i++) {
		participant_row(json_array_get(parts, (size_t)i), &row);
		if (filter_match_row(&d->f, &row))
			d->match[d->nmatch++] = i;
	}
}

/* A drill participant's status, as the protocol lists them. */
static int known_status(const char *s)
{
	static const char *const known[] = {"pending",   "under_attack", "degraded",
	                                    "mitigated", "recovered",    "withdrawn"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcasecmp(s, known[i]))
			return 1;
	return 0;
}

static int drills_set_filter(struct view *v, const struct filter *f)
{
	struct drills *d = v->priv;
	v->filter_why[0] = '\0';
	if (filter_limit(f, 1u << FILTER_INST | 1u << FILTER_STATUS, "drills", v->filter_why, sizeof v->filter_why) < 0)
		return -1;
	for (int i = 0; i < f->nt; i++) {
		const struct filter_term *t = &f->t[i];
		for (int k = 0; t->kind == FILTER_STATUS && k < t->np; k++)
			if (!known_status(f->p[t->p0 + k].s)) {
				snprintf(v->filter_why, sizeof v->filter_why,
				         "%.*s: '%.40s' is not a participant status (pending, under_attack, degraded, "
				         "mitigated, recovered, withdrawn)",
				         t->len > 40 ? 40 : t->len, f->text + t->at, f->p[t->p0 + k].s);
				return -1;
			}
	}
	d->f = *f;
	d->at = (struct view_list){0, 0};
	match_participants(d);
	return 0;
}

static void switch_drill(struct drills *d, int step)
{
	if (d->n == 0)
		return;
	d->cur = (d->cur + step + d->n) % d->n;
	d->pinned = 1;
	d->pin = d->list[d->cur];
	load_shown(d);
}

static int drills_key(struct view *v, int key)
{
	struct drills *d = v->priv;
	int page = v->page > 0 ? v->page : 1;
	switch (key) {
	case '[':
		switch_drill(d, -1);
		break;
	case ']':
		switch_drill(d, 1);
		break;
	default:
		return view_list_key(&d->at, key, page, nshown(d));
	}
	view_list_clamp(&d->at, nshown(d), page);
	return 1;
}

static const char *kind_word(const char *k)
{
	if (!strcmp(k, "ddos"))
		return "DDoS";
	if (!strcmp(k, "red_blue"))
		return "red/blue";
	return k[0] ? k : "-";
}

/* Draw s from x, stopping at xend; returns the next x (one space after). */
static int seg(int y, int x, int xend, attr_t at, const char *s)
{
	if (x >= xend)
		return x;
	x += draw_label(y, x, xend - x, at, s);
	return x + 1 < xend ? x + 1 : xend;
}

static void draw_header(struct drills *d, int y, int x0, int w, int lines, int64_t now)
{
	char buf[160], span[32];
	int xend = x0 + w, x = x0;
	attr_t norm = draw_attr(ROLE_NORMAL), bold = norm | A_BOLD;
	draw_fill(y, x0, w, norm);
	if (lines > 1)
		draw_fill(y + 1, x0, w, norm);
	x = seg(y, x, xend, bold, d->name[0] ? d->name : d->shown.id);
	x = seg(y, x, xend, norm, kind_word(d->kind));
	int running = !strcmp(d->phase, "running");
	snprintf(buf, sizeof buf, "%s", d->phase[0] ? d->phase : "-");
	if (running)
		snprintf(buf, sizeof buf, "RUNNING");
	x = seg(y, x, xend, running ? draw_attr(ROLE_WARN) : norm, buf);
	if (d->have_end && (!running || d->end <= now) && d->end >= d->start) {
		rows_span(rows_diff_ms(d->end, d->start), span, sizeof span);
		snprintf(buf, sizeof buf, "lasted %s", span);
	} else if (d->start > now) {
		rows_span(rows_diff_ms(d->start, now), span, sizeof span);
		snprintf(buf, sizeof buf, "starts in %s", span);
	} else {
		rows_span(rows_diff_ms(now, d->start), span, sizeof span);
		snprintf(buf, sizeof buf, "elapsed %s", span);
	}
	x = seg(y, x, xend, norm, buf);

	if (lines > 1) {
		y++;
		x = x0;
	}
	json_t *atk = json_object_get(d->doc, "attack");
	const char *vector = json_string_value(json_object_get(atk, "vector"));
	json_t *gbps = json_object_get(atk, "gbps");
	char num[32] = "?";
	if (json_is_number(gbps))
		rows_hours(json_number_value(gbps), num, sizeof num);
	if (vector)
		snprintf(buf, sizeof buf, "attack %.60s %s Gbps", vector, num);
	else
		snprintf(buf, sizeof buf, "attack -");
	x = seg(y, x, xend, norm, buf);

	int count[4] = {0}, total = 0; /* under attack, degraded, mitigated, recovered */
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(d->doc, "participants"), i, p)
	{
		const char *s = json_string_value(json_object_get(p, "status"));
		total++;
		if (!s)
			continue;
		count[0] += !strcmp(s, "under_attack");
		count[1] += !strcmp(s, "degraded");
		count[2] += !strcmp(s, "mitigated");
		count[3] += !strcmp(s, "recovered");
	}
	snprintf(buf, sizeof buf, "under attack %d", count[0]);
	x = seg(y, x, xend, count[0] ? draw_attr(ROLE_ERROR) : norm, buf);
	if (count[1]) {
		snprintf(buf, sizeof buf, "degraded %d", count[1]);
		x = seg(y, x, xend, draw_attr(ROLE_WARN), buf);
	}
	snprintf(buf, sizeof buf, "mitigated %d", count[2]);
	x = seg(y, x, xend, norm, buf);
	snprintf(buf, sizeof buf, "recovered %d of %d", count[3], total);
	seg(y, x, xend, norm, buf);
}

enum { C_INST, C_TARGET, C_STATUS, C_PROBES, C_DETECT, C_REPORT, C_MITIGATE, C_N };

static const char *cell(void *ctx, int64_t i, int c, int w, int selected, attr_t *at, char *buf, size_t n)
{
	const struct drills *d = ctx;
	int k = row_index(d, i);
	const json_t *p = k < 0 ? NULL : json_array_get(json_object_get(d->doc, "participants"), (size_t)k);
	int level = ROWS_NORMAL;
	const char *s = buf;
	json_t *inst = json_object_get(p, "institution");
	switch (c) {
	case C_INST:
		s = json_string_value(json_object_get(inst, "name"));
		if (!s)
			s = json_string_value(json_object_get(inst, "id"));
		break;
	case C_TARGET:
		s = json_string_value(json_object_get(p, "target"));
		break;
	case C_STATUS:
		s = rows_participant_status(json_string_value(json_object_get(p, "status")), &level);
		break;
	case C_PROBES:
		if (rows_probe_text(json_object_get(p, "probes"), w >= 26, buf, n) > 0)
			level = ROWS_ERROR;
		break;
	case C_DETECT:
	case C_REPORT:
	case C_MITIGATE: {
		static const char *keys[] = {"detected_at", "reported_at", "mitigated_at"};
		const char *ts = json_string_value(json_object_get(p, keys[c - C_DETECT]));
		int64_t at_ms = 0;
		int have = ts && proto_time_parse(ts, &at_ms) == 0;
		rows_step_offset(d->start, at_ms, have, buf, n);
		break;
	}
	}
	*at = view_level_attr(level, *at, selected);
	return s;
}

static void drills_draw(struct view *v, const struct rect *r, int focused)
{
	struct drills *d = v->priv;
	char buf[256 + FILTER_TEXT_MAX], fl[FILTER_TEXT_MAX + 8];
	int64_t now = v->env->now_ms;
	drills_refresh(v);

	if (d->n > 0 && filter_active(&v->filter))
		snprintf(buf, sizeof buf, _(" Drills  %d/%lld  %d of %d matching%s  [ ] switch"), d->cur + 1,
		         (long long)d->total, nshown(d), nparts(d), view_filter_label(v, fl, sizeof fl));
	else if (d->n > 0)
		snprintf(buf, sizeof buf, _(" Drills  %d/%lld  [ ] switch"), d->cur + 1, (long long)d->total);
	else
		snprintf(buf, sizeof buf, "%s", _(" Drills  0"));
	view_draw_title(r, focused, buf);
	if (r->h < 2)
		return;
	if (d->n == 0 || !d->doc) {
		const char *why = d->n == 0
		                      ? _("No drills in the cache yet: waiting for the F-CERT backend.")
		                      : "This drill's data cannot be read (damaged in the cache): '[' or ']' for another.";
		for (int y = r->y + 1; y < r->y + r->h; y++)
			view_draw_blank(y, r, y == r->y + 1 ? why : NULL);
		v->page = 0;
		return;
	}
	int hdr = r->h >= 8 ? 2 : 1;
	draw_header(d, r->y + 1, r->x, r->w, hdr, now);
	int y0 = r->y + 1 + hdr; /* column headings */
	int rows = r->y + r->h - y0 - 1;
	if (rows < 0)
		rows = 0;
	v->page = rows;
	int n = nshown(d);
	view_list_clamp(&d->at, n, rows);
	if (y0 >= r->y + r->h)
		return;

	struct fmt_col cols[C_N] = {
	    [C_INST] = {_("INSTITUTION"), 8, 0, 100, 0}, [C_TARGET] = {_("TARGET"), 8, 28, 40, 0},
	    [C_STATUS] = {_("STATUS"), 12, 12, 90, 0},   [C_PROBES] = {_("PROBES D/F/C"), 16, 28, 80, 0},
	    [C_DETECT] = {_("DETECT"), 7, 8, 60, 0},     [C_REPORT] = {_("REPORT"), 7, 8, 55, 0},
	    [C_MITIGATE] = {_("MITIGATE"), 8, 8, 58, 0},
	};
	fmt_columns(cols, C_N, r->w);
	const char *empty = d->match_failed ? "Out of memory: the participants cannot be filtered."
	                    : filter_active(&d->f) && nparts(d)
	                        ? _("No participant matches the filter (Esc clears it).")
	                        : _("No participants in this drill.");
	view_draw_table(r, y0, rows, focused, &(struct view_table){cols, C_N, cell, d, d->at.top, n, d->at.sel, empty});
}

static int drills_selected(struct view *v, struct view_sel *out)
{
	struct drills *d = v->priv;
	if (d->n == 0 || !d->shown.id[0])
		return 0;
	view_sel_set(out, PROTO_DRILLS, d->shown.backend, d->shown.id);
	/* the selected participant, for a check-in */
	out->sub[0] = '\0';
	int k = row_index(d, d->at.sel);
	json_t *parts = d->doc ? json_object_get(d->doc, "participants") : NULL;
	json_t *inst = k < 0 ? NULL : json_object_get(json_array_get(parts, (size_t)k), "institution");
	json_t *iid = json_object_get(inst, "id");
	if (json_is_string(iid))
		snprintf(out->sub, sizeof out->sub, "%s", json_string_value(iid));
	return 1;
}

const struct view_class view_drills = {
    .name = "drills",
    .title = N_("Drills"),
    .init = drills_init,
    .fini = drills_fini,
    .draw = drills_draw,
    .key = drills_key,
    .selected = drills_selected,
    .set_filter = drills_set_filter,
};
