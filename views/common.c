/* views/common.c - the helpers every pane shares; see common.h. */
#include "views/common.h"

#include <stdio.h>
#include <string.h>

#include "views/rows.h"

void view_copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	snprintf(dst, n, "%s", s ? (const char *)s : "");
}

int view_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK ? 0 : -1;
}

int view_sql_subst(char *out, size_t n, const char *tmpl, const char *const *vals, int nvals)
{
	size_t used = 0;
	int k = 0;
	for (const char *t = tmpl; *t; t++) {
		const char *piece = NULL;
		size_t len = 1;
		if (t[0] == '%' && t[1] == 's') {
			if (k >= nvals)
				return -1;
			piece = vals[k++];
			len = strlen(piece);
			t++;
		} else {
			piece = t;
		}
		if (used + len + 1 > n)
			return -1;
		memcpy(out + used, piece, len);
		used += len;
	}
	out[used] = '\0';
	return k == nvals ? 0 : -1;
}

int view_prepare_filtered(sqlite3 *db, const char *sql, const struct filter *f, sqlite3_stmt **st)
{
	enum { MAX_WHERE = 2 }; /* one per tier of the cache at most */
	char buf[MAX_WHERE * FILTER_SQL_MAX + 2048];
	const char *where = f && filter_active(f) ? f->sql : "1";
	const char *vals[MAX_WHERE] = {where, where};
	int nv = 0;
	for (const char *t = strstr(sql, "%s"); t; t = strstr(t + 2, "%s"))
		nv++;
	*st = NULL;
	if (nv > MAX_WHERE || view_sql_subst(buf, sizeof buf, sql, vals, nv) < 0 || view_prepare(db, buf, st))
		return -1;
	if (f && filter_active(f) && filter_bind(f, *st) != SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

void view_filter_refusal(const struct view *v, char *msg, size_t n)
{
	if (v->filter_why[0])
		snprintf(msg, n, "filter: %s", v->filter_why);
	else
		snprintf(msg, n, "filter: cannot apply it: %s", sqlite3_errmsg(v->env->db));
}

const char *view_filter_label(const struct view *v, char *buf, size_t n)
{
	if (!filter_active(&v->filter))
		return "";
	snprintf(buf, n, "  /%s", v->filter.text);
	return buf;
}

int view_stamp_init(struct view_stamp *s, sqlite3 *db, const char *table)
{
	char sql[160];
	*s = (struct view_stamp){0};
	/* table_rx and table_stamp: see client/cache.h */
	snprintf(sql, sizeof sql, "SELECT rx FROM %s_rx", table);
	if (view_prepare(db, sql, &s->q_rx))
		return -1;
	snprintf(sql, sizeof sql, "SELECT n FROM %s_stamp", table);
	return view_prepare(db, sql, &s->q_count);
}

void view_stamp_fini(struct view_stamp *s)
{
	sqlite3_finalize(s->q_rx);
	sqlite3_finalize(s->q_count);
	s->q_rx = s->q_count = NULL;
}

static int64_t step_int64(sqlite3_stmt *st)
{
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

int view_stamp_changed(struct view_stamp *s, int64_t now)
{
	int64_t rx = step_int64(s->q_rx);
	int changed = !s->valid || rx != s->rx;
	if (changed || now - s->count_at >= 2000 || now < s->count_at) {
		int64_t n = step_int64(s->q_count);
		changed |= n != s->count;
		s->count = n;
		s->count_at = now;
	}
	s->rx = rx;
	s->valid = 1;
	return changed;
}

void view_list_clamp(struct view_list *l, int64_t n, int rows)
{
	if (l->sel >= n)
		l->sel = n - 1;
	if (l->sel < 0)
		l->sel = 0;
	if (rows < 1)
		rows = 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	if (l->top > n - rows)
		l->top = n - rows;
	if (l->top < 0)
		l->top = 0;
}

int view_list_key(struct view_list *l, int key, int page, int64_t n)
{
	switch (key) {
	case KEY_DOWN:
	case 'j':
		l->sel++;
		break;
	case KEY_UP:
	case 'k':
		l->sel--;
		break;
	case KEY_NPAGE:
	case ' ':
		l->sel += page;
		l->top += page;
		break;
	case KEY_PPAGE:
		l->sel -= page;
		l->top -= page;
		break;
	case KEY_HOME:
	case 'g':
		l->sel = l->top = 0;
		break;
	case KEY_END:
	case 'G':
		l->sel = l->top = n;
		break;
	default:
		return 0;
	}
	view_list_clamp(l, n, page);
	return 1;
}

attr_t view_title_attr(int focused)
{
	return draw_attr(focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
}

int view_draw_title(const struct rect *r, int focused, const char *label)
{
	attr_t tattr = view_title_attr(focused);
	draw_fill(r->y, r->x, r->w, tattr);
	return draw_label(r->y, r->x, r->w, tattr, label);
}

void view_draw_badge(const struct rect *r, int used, attr_t at, const char *text)
{
	int w = (int)strlen(text);
	if (used + w < r->w)
		draw_text(r->y, r->x + r->w - w, w, at, text);
}

void view_draw_headings(int y, int x, int w, const struct fmt_col *cols, const int *order, int n)
{
	attr_t hattr = draw_attr(ROLE_HEADER);
	draw_fill(y, x, w, hattr);
	for (int k = 0; k < n; k++) {
		int c = order ? order[k] : k;
		if (!cols[c].w)
			continue;
		draw_text(y, x, cols[c].w, hattr, cols[c].name);
		x += cols[c].w + 1;
	}
}

void view_draw_blank(int y, const struct rect *r, const char *msg)
{
	draw_fill(y, r->x, r->w, draw_attr(ROLE_NORMAL));
	if (msg)
		draw_text(y, r->x + 1, r->w - 1, draw_attr(ROLE_DIM), msg);
}

void view_draw_cells(int y, int x, const struct fmt_col *cols, const int *order, int n, view_cell_fn *cell, void *ctx,
                     int64_t i, int selected, attr_t base)
{
	char buf[2048];
	for (int k = 0; k < n; k++) {
		int c = order ? order[k] : k, w = cols[c].w;
		if (!w)
			continue;
		attr_t at = base;
		buf[0] = '\0';
		const char *s = cell(ctx, i, c, w, selected, &at, buf, sizeof buf);
		draw_text(y, x, w, at, s ? s : "-");
		x += w + 1;
	}
}

void view_draw_table(const struct rect *r, int y, int lines, int focused, const struct view_table *t)
{
	view_draw_headings(y, r->x, r->w, t->cols, NULL, t->ncols);
	for (int line = 0; line < lines; line++) {
		int ly = y + 1 + line;
		int64_t i = t->first + line;
		if (i >= t->n) {
			view_draw_blank(ly, r, line == 0 && t->n == 0 ? t->empty : NULL);
			continue;
		}
		int selected = focused && i == t->sel;
		attr_t base = draw_attr(selected ? ROLE_SELECTED : ROLE_NORMAL);
		draw_fill(ly, r->x, r->w, base);
		view_draw_cells(ly, r->x, t->cols, NULL, t->ncols, t->cell, t->ctx, i, selected, base);
	}
}

attr_t view_level_attr(int level, attr_t base, int selected)
{
	switch (level) {
	case ROWS_WARN:
		return draw_attr(ROLE_WARN) | (selected ? A_REVERSE : 0);
	case ROWS_ERROR:
		return draw_attr(ROLE_ERROR) | (selected ? A_REVERSE : 0);
	case ROWS_OK:
		return selected ? base : draw_attr(ROLE_OK);
	}
	return base;
}

void view_sel_set(struct view_sel *out, enum proto_stream stream, const char *backend, const char *id)
{
	out->stream = stream;
	snprintf(out->backend, sizeof out->backend, "%s", backend);
	snprintf(out->id, sizeof out->id, "%s", id);
}
