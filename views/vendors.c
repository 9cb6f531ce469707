/* views/vendors.c - vendor-support hours: one row per contract with a gauge
 * of used / reserved / remaining hours, the low-water warning, the burn rate
 * of the last 30 days, the day the pool runs dry at that rate and the draws
 * still waiting for approval.
 *
 * Contracts are few: a page is LIMIT/OFFSET by name, read again only when
 * the cache changed, the page moved, or a minute passed (the 30-day window
 * moves with the clock). Only the visible contracts' JSON is parsed. When
 * every contract fits twice over, each takes two lines (name and dates
 * above, a wide gauge below); otherwise one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/proto.h"
#include "tui/i18n.h"
#include "views/common.h"
#include "views/fmt.h"
#include "views/rows.h"
#include "views/view.h"

#define VENDORS_MAX_ROWS  256
#define VENDORS_RELOAD_MS 60000

struct vendor_row {
	char backend[64];
	char id[PROTO_MAX_ID + 1];
	char name[192];
	int valid; /* the four numbers were read */
	double total, used, reserved, low;
	int have_start, have_end;
	int64_t start, end;
	struct rows_burn burn;
};

struct vendors {
	struct view_list at;
	int64_t total, nlow;
	int nrows;
	struct vendor_row rows[VENDORS_MAX_ROWS];
	int loaded, l_want;
	int64_t l_top, l_at;
	struct view_stamp st;
	sqlite3_stmt *q_page, *q_low;
	sqlite3_stmt *q_count; /* the rows the filter keeps */
	int two;        /* this frame: two lines a contract */
	int64_t now_ms; /* the frame being drawn, for the cells */
};

static int vendors_init(struct view *v)
{
	struct vendors *a = calloc(1, sizeof *a);
	if (!a)
		return -1;
	v->priv = a;
	sqlite3 *db = v->env->db;
	/* json_valid() first: json_extract() on a damaged row would fail the
	 * whole count. A CASE, not AND: SQLite may reorder the terms of an
	 * AND it pushes into the arms of the vendors view (client/cache.h). */
	if (view_prepare_filtered(db,
	         "SELECT backend, id, coalesce(title, ''), data FROM vendors WHERE %s "
	         "ORDER BY title, id, backend LIMIT ?1 OFFSET ?2",
	         NULL, &a->q_page) ||
	    view_prepare_filtered(db, "SELECT count(*) FROM vendors WHERE %s", NULL, &a->q_count) ||
	    view_prepare(db,
	         "SELECT count(*) FROM vendors WHERE CASE WHEN json_valid(data) THEN "
	         "json_extract(data,'$.hours_total') - json_extract(data,'$.hours_used') - "
	         "json_extract(data,'$.hours_reserved') < json_extract(data,'$.low_water') ELSE 0 END",
	         &a->q_low) ||
	    view_stamp_init(&a->st, db, "vendors"))
		return -1;
	return 0;
}

static void vendors_fini(struct view *v)
{
	struct vendors *a = v->priv;
	if (!a)
		return;
	sqlite3_finalize(a->q_page);
	sqlite3_finalize(a->q_low);
	sqlite3_finalize(a->q_count);
	view_stamp_fini(&a->st);
	free(a);
	v->priv = NULL;
}

static int get_num(json_t *o, const char *key, double *out)
{
	json_t *x = json_object_get(o, key);
	if (!json_is_number(x) || !isfinite(json_number_value(x)))
		return 0;
	*out = json_number_value(x);
	return 1;
}

static int get_time(json_t *o, const char *key, int64_t *out)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && proto_time_parse(s, out) == 0;
}

static void read_row(sqlite3_stmt *st, struct vendor_row *r, int64_t now)
{
	*r = (struct vendor_row){0};
	view_copy_col(r->backend, sizeof r->backend, st, 0);
	view_copy_col(r->id, sizeof r->id, st, 1);
	view_copy_col(r->name, sizeof r->name, st, 2);
	const char *text = (const char *)sqlite3_column_text(st, 3);
	json_t *d = text ? json_loadb(text, (size_t)sqlite3_column_bytes(st, 3), 0, NULL) : NULL;
	if (!json_is_object(d)) {
		json_decref(d);
		return;
	}
	r->valid = get_num(d, "hours_total", &r->total) & get_num(d, "hours_used", &r->used) &
	           get_num(d, "hours_reserved", &r->reserved);
	if (!get_num(d, "low_water", &r->low))
		r->low = 0;
	json_t *p = json_object_get(d, "period");
	r->have_start = get_time(p, "start", &r->start);
	r->have_end = get_time(p, "end", &r->end);
	rows_vendor_burn(json_object_get(d, "draws"), now, &r->burn);
	json_decref(d);
}

static void refresh_count(struct view *v)
{
	struct vendors *a = v->priv;
	if (!view_stamp_changed(&a->st, v->env->now_ms) && a->loaded)
		return;
	a->loaded = 0; /* the page is read again too */
	a->total = a->st.count;
	if (filter_active(&v->filter)) {
		a->total = sqlite3_step(a->q_count) == SQLITE_ROW ? sqlite3_column_int64(a->q_count, 0) : 0;
		sqlite3_reset(a->q_count);
	}
	a->nlow = sqlite3_step(a->q_low) == SQLITE_ROW ? sqlite3_column_int64(a->q_low, 0) : 0;
	sqlite3_reset(a->q_low);
}

static int vendors_set_filter(struct view *v, const struct filter *f)
{
	struct vendors *a = v->priv;
	sqlite3_stmt *page, *count;
	if (view_prepare_filtered(v->env->db,
	                          "SELECT backend, id, coalesce(title, ''), data FROM vendors WHERE %s "
	                          "ORDER BY title, id, backend LIMIT ?1 OFFSET ?2",
	                          f, &page))
		return -1;
	if (view_prepare_filtered(v->env->db, "SELECT count(*) FROM vendors WHERE %s", f, &count)) {
		sqlite3_finalize(page);
		return -1;
	}
	sqlite3_finalize(a->q_page);
	sqlite3_finalize(a->q_count);
	a->q_page = page;
	a->q_count = count;
	a->loaded = 0;
	a->at.sel = a->at.top = 0;
	return 0;
}

static void refresh_page(struct view *v, int want)
{
	struct vendors *a = v->priv;
	int64_t now = v->env->now_ms;
	view_list_clamp(&a->at, a->total, want);
	if (a->loaded && a->l_want == want && a->l_top == a->at.top && now - a->l_at < VENDORS_RELOAD_MS &&
	    now >= a->l_at)
		return;
	sqlite3_bind_int(a->q_page, 1, want);
	sqlite3_bind_int64(a->q_page, 2, a->at.top);
	a->nrows = 0;
	while (a->nrows < want && sqlite3_step(a->q_page) == SQLITE_ROW)
		read_row(a->q_page, &a->rows[a->nrows++], now);
	sqlite3_reset(a->q_page);
	a->loaded = 1;
	a->l_want = want;
	a->l_top = a->at.top;
	a->l_at = now;
}

static int vendors_key(struct view *v, int key)
{
	struct vendors *a = v->priv;
	return view_list_key(&a->at, key, v->page > 0 ? v->page : 1, a->total);
}

/* The columns of one line (or of the first line in two-line mode) and of
 * the second line. */
enum { C_NAME, C_FLAG, C_LEFT, C_GAUGE, C_HOURS, C_BURN, C_DRY, C_PENDING, C_PERIOD, C_N };

static void cell_text(const struct vendor_row *row, int c, int w, int two, int64_t now, char *buf, size_t n, int *level)
{
	char a[64], b[64];
	double left = row->total - row->used - row->reserved;
	*level = ROWS_NORMAL;
	buf[0] = '\0';
	if (c == C_NAME) {
		snprintf(buf, n, "%s", row->name[0] ? row->name : row->id);
		return;
	}
	if (c == C_PERIOD) {
		if (row->have_start)
			fmt_date(row->start, a, sizeof a);
		if (row->have_end)
			fmt_date(row->end, b, sizeof b);
		snprintf(buf, n, "%s%s%s", row->have_start ? a : "?", draw_ascii() ? ".." : "\u2013",
		         row->have_end ? b : "?");
		return;
	}
	if (!row->valid) {
		snprintf(buf, n, "-");
		return;
	}
	if (c == C_PENDING) {
		if (row->burn.pending > 0) {
			rows_hours(row->burn.pending_hours, a, sizeof a);
			snprintf(buf, n, "%d req %sh", row->burn.pending, a);
		} else
			snprintf(buf, n, "-");
		return;
	}
	if (c == C_BURN) {
		double r = row->burn.per_day;
		if (r <= 0)
			snprintf(buf, n, "%s0h/d", two ? "burn " : "");
		else if (r < 0.1)
			snprintf(buf, n, "%s<0.1h/d", two ? "burn " : "");
		else
			snprintf(buf, n, "%s%.1fh/d", two ? "burn " : "", r);
		return;
	}
	switch (c) {
	case C_FLAG:
		*level = rows_vendor_low(row->total, row->used, row->reserved, row->low);
		snprintf(buf, n, "%s", *level != ROWS_NORMAL ? "LOW" : "");
		break;
	case C_LEFT:
		rows_hours(left, a, sizeof a);
		snprintf(buf, n, "%sh", a);
		break;
	case C_GAUGE:
		rows_vendor_gauge(row->total, row->used, row->reserved, w, draw_ascii(), buf, n);
		break;
	case C_HOURS: {
		char t[64];
		rows_hours(row->used, a, sizeof a);
		rows_hours(row->reserved, b, sizeof b);
		rows_hours(row->total, t, sizeof t);
		if (two)
			snprintf(buf, n, "%s used + %s res / %sh", a, b, t);
		else
			snprintf(buf, n, "%s+%s/%sh", a, b, t);
		break;
	}
	case C_DRY: {
		char d[48];
		*level = rows_dry_date(left, row->burn.per_day, now, row->end, row->have_end, draw_ascii(), d, sizeof d)
		             ? ROWS_WARN
		             : ROWS_NORMAL;
		snprintf(buf, n, "%s%s", two ? "dry " : "", d);
		break;
	}
	}
}

static const char *cell(void *ctx, int64_t i, int c, int w, int selected, attr_t *at, char *buf, size_t n)
{
	const struct vendors *a = ctx;
	int level;
	cell_text(&a->rows[i], c, w, a->two, a->now_ms, buf, n, &level);
	*at = view_level_attr(level, *at, selected);
	return buf;
}

static void vendors_draw(struct view *v, const struct rect *r, int focused)
{
	struct vendors *a = v->priv;
	char buf[160 + FILTER_TEXT_MAX];
	int64_t now = v->env->now_ms;
	int lines = r->h - 2;
	if (lines < 0)
		lines = 0;
	refresh_count(v);
	int two = lines >= 6 && r->w >= 50 && (lines >= 2 * a->total || lines >= 40);
	int rows = two ? lines / 2 : lines;
	if (rows > VENDORS_MAX_ROWS)
		rows = VENDORS_MAX_ROWS;
	v->page = rows;
	refresh_page(v, rows);

	char fl[FILTER_TEXT_MAX + 8];
	snprintf(buf, sizeof buf, a->total == 1 ? _(" Vendor hours  %lld contract%s") : _(" Vendor hours  %lld contracts%s"),
	         (long long)a->total, view_filter_label(v, fl, sizeof fl));
	int used = view_draw_title(r, focused, buf);
	if (a->nlow > 0) {
		snprintf(buf, sizeof buf, " %lld LOW ", (long long)a->nlow);
		view_draw_badge(r, used, draw_attr(ROLE_WARN) | A_REVERSE, buf);
	}
	if (r->h < 2)
		return;

	struct fmt_col cols[C_N] = {
	    [C_NAME] = {_("VENDOR"), 16, 30, 100, 0},
	    [C_FLAG] = {"", 3, 3, 95, 0},
	    [C_LEFT] = {_("LEFT"), 6, 9, 90, 0},
	    [C_GAUGE] = {_("USED/RESERVED/LEFT"), 10, 0, 80, 0},
	    [C_HOURS] = {"USED+RES/TOTAL", 12, 16, 50, 0},
	    [C_BURN] = {_("BURN"), 7, 8, 55, 0},
	    [C_DRY] = {_("DRY BY"), 11, 11, 60, 0},
	    [C_PENDING] = {_("PENDING"), 8, 13, 40, 0},
	    [C_PERIOD] = {_("PERIOD"), 21, 22, 30, 0},
	};
	/* One line: every column in order. Two lines: name, flag, left, period, pending above; gauge, hours, burn, dry below. */
	static const int top2[] = {C_NAME, C_FLAG, C_LEFT, C_PERIOD, C_PENDING};
	static const int bottom2[] = {C_GAUGE, C_HOURS, C_BURN, C_DRY};
	struct fmt_col l1[C_N], l2[C_N];
	if (!two) {
		fmt_columns(cols, C_N, r->w);
	} else {
		/* Each line lays out its own columns; the others are absent. */
		memcpy(l1, cols, sizeof cols);
		memcpy(l2, cols, sizeof cols);
		/* The gauge takes the second line's rest; the other columns
		 * get what their longest text needs. */
		l1[C_NAME].max = 40;
		l1[C_PENDING].max = 0;
		l2[C_HOURS].min = l2[C_HOURS].max = 26;
		l2[C_BURN].min = l2[C_BURN].max = 12;
		l2[C_DRY].min = l2[C_DRY].max = 15;
		/* fmt_columns keeps a column by min > 0: zero the others. */
		for (int c = 0; c < C_N; c++) {
			int in1 = 0, in2 = 0;
			for (size_t k = 0; k < sizeof top2 / sizeof top2[0]; k++)
				in1 |= top2[k] == c;
			for (size_t k = 0; k < sizeof bottom2 / sizeof bottom2[0]; k++)
				in2 |= bottom2[k] == c;
			if (!in1)
				l1[c] = (struct fmt_col){"", 0, 0, -1000, 0};
			if (!in2)
				l2[c] = (struct fmt_col){"", 0, 0, -1000, 0};
		}
		fmt_columns(l1, C_N, r->w);
		fmt_columns(l2, C_N, r->w - 2);
	}

	int ntop2 = (int)(sizeof top2 / sizeof top2[0]), nbottom2 = (int)(sizeof bottom2 / sizeof bottom2[0]);
	if (two)
		view_draw_headings(r->y + 1, r->x, r->w, l1, top2, ntop2);
	else
		view_draw_headings(r->y + 1, r->x, r->w, cols, NULL, C_N);

	a->two = two;
	a->now_ms = now;

	for (int line = 0; line < lines; line++) {
		int y = r->y + 2 + line;
		int i = two ? line / 2 : line;
		if (i >= a->nrows || i >= rows) {
			view_draw_blank(y, r,
			                line == 0 && a->nrows == 0
			                    ? _("No vendor contracts in the cache yet: waiting for the F-CERT backend.")
			                    : NULL);
			continue;
		}
		int selected = focused && a->at.top + i == a->at.sel;
		attr_t base = draw_attr(selected ? ROLE_SELECTED : ROLE_NORMAL);
		draw_fill(y, r->x, r->w, base);
		if (!two)
			view_draw_cells(y, r->x, cols, NULL, C_N, cell, a, i, selected, base);
		else if (line % 2 == 0)
			view_draw_cells(y, r->x, l1, top2, ntop2, cell, a, i, selected, base);
		else
			view_draw_cells(y, r->x + 2, l2, bottom2, nbottom2, cell, a, i, selected, base);
	}
}

static int vendors_selected(struct view *v, struct view_sel *out)
{
	struct vendors *a = v->priv;
	int64_t i = a->at.sel - a->at.top;
	if (i < 0 || i >= a->nrows)
		return 0;
	view_sel_set(out, PROTO_VENDORS, a->rows[i].backend, a->rows[i].id);
	return 1;
}

const struct view_class view_vendors = {
    .name = "vendors",
    .title = N_("Vendor hours"),
    .init = vendors_init,
    .fini = vendors_fini,
    .draw = vendors_draw,
    .key = vendors_key,
    .set_filter = vendors_set_filter,
    .selected = vendors_selected,
};
