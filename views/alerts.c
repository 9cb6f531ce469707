/* views/alerts.c - the alerts pane: newest first, read from the cache.
 *
 * Paging is by key (time, id), never by OFFSET, so a million cached alerts
 * page as fast as a hundred. While the selection is on the newest row the
 * pane follows new alerts; once the operator moves away it holds still and
 * counts "N new" above instead of jumping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/proto.h"
#include "views/fmt.h"
#include "views/view.h"

#define ALERTS_MAX_ROWS 512
#define ALERTS_ID_MAX 257

struct alert_row {
	int64_t time;
	char id[ALERTS_ID_MAX];
	char backend[64];
	int sev, tlp, corr;
	char status[16];
	char kind[24];
	char inst[96];
	char source[32];
	char title[512];
};

struct alerts {
	int following; /* top is the newest alert */
	int64_t top_time;
	char top_id[ALERTS_ID_MAX];
	int sel;
	int nrows;
	struct alert_row rows[ALERTS_MAX_ROWS];
	int64_t total;
	int64_t total_at_ms;
	sqlite3_stmt *q_newest, *q_from, *q_above, *q_oldest, *q_count_new, *q_total;
};

#define ROW_COLS                                                                                           \
	"time, id, severity, tlp, status, kind, coalesce(inst_name, inst_id, ''), coalesce(source, ''), title, " \
	"corr, backend"

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	snprintf(dst, n, "%s", s ? (const char *)s : "");
}

static void read_row(sqlite3_stmt *st, struct alert_row *r)
{
	r->time = sqlite3_column_int64(st, 0);
	copy_col(r->id, sizeof r->id, st, 1);
	r->sev = sqlite3_column_int(st, 2);
	r->tlp = sqlite3_column_int(st, 3);
	copy_col(r->status, sizeof r->status, st, 4);
	copy_col(r->kind, sizeof r->kind, st, 5);
	copy_col(r->inst, sizeof r->inst, st, 6);
	copy_col(r->source, sizeof r->source, st, 7);
	copy_col(r->title, sizeof r->title, st, 8);
	r->corr = sqlite3_column_int(st, 9);
	copy_col(r->backend, sizeof r->backend, st, 10);
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK ? 0 : -1;
}

static int alerts_init(struct view *v)
{
	struct alerts *a = calloc(1, sizeof *a);
	if (!a)
		return -1;
	v->priv = a;
	a->following = 1;
	sqlite3 *db = v->env->db;
	if (prep(db, "SELECT " ROW_COLS " FROM alerts ORDER BY time DESC, id DESC LIMIT ?1", &a->q_newest) ||
	    prep(db, "SELECT " ROW_COLS " FROM alerts WHERE (time, id) <= (?1, ?2) ORDER BY time DESC, id DESC LIMIT ?3",
		 &a->q_from) ||
	    prep(db, "SELECT time, id FROM alerts WHERE (time, id) > (?1, ?2) ORDER BY time ASC, id ASC LIMIT ?3",
		 &a->q_above) ||
	    prep(db, "SELECT time, id FROM alerts ORDER BY time ASC, id ASC LIMIT ?1", &a->q_oldest) ||
	    prep(db, "SELECT count(*) FROM alerts WHERE (time, id) > (?1, ?2)", &a->q_count_new) ||
	    prep(db, "SELECT count(*) FROM alerts", &a->q_total))
		return -1;
	return 0;
}

static void alerts_fini(struct view *v)
{
	struct alerts *a = v->priv;
	if (!a)
		return;
	sqlite3_finalize(a->q_newest);
	sqlite3_finalize(a->q_from);
	sqlite3_finalize(a->q_above);
	sqlite3_finalize(a->q_oldest);
	sqlite3_finalize(a->q_count_new);
	sqlite3_finalize(a->q_total);
	free(a);
	v->priv = NULL;
}

static void load_page(struct alerts *a, int want)
{
	sqlite3_stmt *st;
	if (want > ALERTS_MAX_ROWS)
		want = ALERTS_MAX_ROWS;
	if (a->following) {
		st = a->q_newest;
		sqlite3_bind_int(st, 1, want);
	} else {
		st = a->q_from;
		sqlite3_bind_int64(st, 1, a->top_time);
		sqlite3_bind_text(st, 2, a->top_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, want);
	}
	a->nrows = 0;
	while (a->nrows < want && sqlite3_step(st) == SQLITE_ROW)
		read_row(st, &a->rows[a->nrows++]);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!a->following && a->nrows == 0) {
		/* The anchor and everything below it is gone (purged): follow. */
		a->following = 1;
		load_page(a, want);
	}
}

static int64_t count_new(struct alerts *a)
{
	if (a->following)
		return 0;
	sqlite3_stmt *st = a->q_count_new;
	sqlite3_bind_int64(st, 1, a->top_time);
	sqlite3_bind_text(st, 2, a->top_id, -1, SQLITE_STATIC);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

static void anchor(struct alerts *a, int64_t time, const char *id)
{
	a->following = 0;
	a->top_time = time;
	snprintf(a->top_id, sizeof a->top_id, "%s", id);
}

/* Leaving the newest row freezes the page where it is. */
static void freeze(struct alerts *a)
{
	if (a->following && a->nrows > 0)
		anchor(a, a->rows[0].time, a->rows[0].id);
}

/* Move the top up by k rows; follow again when nothing is above. */
static void scroll_up(struct alerts *a, int k)
{
	if (a->following || k <= 0)
		return;
	sqlite3_stmt *st = a->q_above;
	sqlite3_bind_int64(st, 1, a->top_time);
	sqlite3_bind_text(st, 2, a->top_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, k);
	int got = 0;
	int64_t t = 0;
	char id[ALERTS_ID_MAX] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_int64(st, 0);
		copy_col(id, sizeof id, st, 1);
		got++;
	}
	sqlite3_reset(st);
	if (got)
		anchor(a, t, id);
}

static void scroll_to_end(struct alerts *a, int page)
{
	sqlite3_stmt *st = a->q_oldest;
	sqlite3_bind_int(st, 1, page > 0 ? page : 1);
	int64_t t = 0;
	char id[ALERTS_ID_MAX] = "";
	int got = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_int64(st, 0);
		copy_col(id, sizeof id, st, 1);
		got++;
	}
	sqlite3_reset(st);
	if (got) {
		anchor(a, t, id);
		a->sel = got - 1;
	}
}

static int alerts_key(struct view *v, int key)
{
	struct alerts *a = v->priv;
	int page = v->page > 0 ? v->page : 1;
	switch (key) {
	case KEY_DOWN:
	case 'j':
		freeze(a);
		if (a->sel < a->nrows - 1)
			a->sel++;
		else if (a->nrows == page && a->nrows > 1)
			anchor(a, a->rows[1].time, a->rows[1].id);
		return 1;
	case KEY_UP:
	case 'k':
		if (a->sel > 0)
			a->sel--;
		else
			scroll_up(a, 1);
		return 1;
	case KEY_NPAGE:
	case ' ':
		freeze(a);
		if (a->nrows == page && a->nrows > 1)
			anchor(a, a->rows[a->nrows - 1].time, a->rows[a->nrows - 1].id);
		else
			a->sel = a->nrows > 0 ? a->nrows - 1 : 0;
		return 1;
	case KEY_PPAGE:
		if (a->following)
			a->sel = 0;
		else
			scroll_up(a, page - 1 > 0 ? page - 1 : 1);
		return 1;
	case KEY_HOME:
	case 'g':
		a->following = 1;
		a->sel = 0;
		return 1;
	case KEY_END:
	case 'G':
		scroll_to_end(a, page);
		return 1;
	}
	return 0;
}

enum { C_TIME, C_SEV, C_TLP, C_STATUS, C_INST, C_KIND, C_SOURCE, C_CORR, C_TITLE, C_N };

static void alerts_draw(struct view *v, const struct rect *r, int focused)
{
	struct alerts *a = v->priv;
	char buf[160];
	int rows = r->h - 2; /* title bar and column headings */
	if (rows < 0)
		rows = 0;
	v->page = rows;
	load_page(a, rows);
	if (a->sel >= a->nrows)
		a->sel = a->nrows > 0 ? a->nrows - 1 : 0;
	if (a->following && a->sel > 0 && a->nrows > 0)
		anchor(a, a->rows[0].time, a->rows[0].id);

	/* count(*) walks an index of up to millions of rows: every 5 s when
	 * large, every frame while small or plainly out of date. */
	if (a->total < 20000 || a->total < a->nrows || v->env->now_ms - a->total_at_ms > 5000 ||
	    a->total_at_ms == 0) {
		if (sqlite3_step(a->q_total) == SQLITE_ROW)
			a->total = sqlite3_column_int64(a->q_total, 0);
		sqlite3_reset(a->q_total);
		a->total_at_ms = v->env->now_ms;
	}
	int64_t fresh = count_new(a);

	/* Title bar. */
	attr_t tattr = draw_attr(focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
	snprintf(buf, sizeof buf, " Alerts  %lld cached", (long long)a->total);
	draw_fill(r->y, r->x, r->w, tattr);
	int used = draw_label(r->y, r->x, r->w, tattr, buf);
	if (fresh > 0) {
		snprintf(buf, sizeof buf, " %lld new %s (Home) ", (long long)fresh, draw_ascii() ? "^" : "↑");
		int w = (int)strlen(buf);
		if (used + w < r->w)
			draw_text(r->y, r->x + r->w - w, w, draw_attr(ROLE_WARN) | A_REVERSE, buf);
	} else if (!a->following) {
		const char *held = " held ";
		if (used + 6 < r->w)
			draw_text(r->y, r->x + r->w - 6, 6, tattr, held);
	}
	if (r->h < 2)
		return;

	struct fmt_col cols[C_N] = {
		[C_TIME] = {"TIME", 8, 11, 100, 0},
		[C_SEV] = {"SEV", 4, 4, 90, 0},
		[C_TLP] = {"TLP", 7, 7, 80, 0},
		[C_STATUS] = {"STATUS", 6, 8, 20, 0},
		[C_INST] = {"INSTITUTION", 10, 20, 60, 0},
		[C_KIND] = {"CATEGORY", 8, 9, 40, 0},
		[C_SOURCE] = {"SOURCE", 8, 16, 10, 0},
		[C_CORR] = {"CORR", 4, 4, 50, 0},
		[C_TITLE] = {"TITLE", 24, 0, 70, 0},
	};
	fmt_columns(cols, C_N, r->w);

	/* Headings. */
	attr_t hattr = draw_attr(ROLE_HEADER);
	draw_fill(r->y + 1, r->x, r->w, hattr);
	int x = r->x;
	for (int c = 0; c < C_N; c++) {
		if (!cols[c].w)
			continue;
		draw_text(r->y + 1, x, cols[c].w, hattr, cols[c].name);
		x += cols[c].w + 1;
	}

	for (int i = 0; i < rows; i++) {
		int y = r->y + 2 + i;
		if (i >= a->nrows) {
			draw_fill(y, r->x, r->w, draw_attr(ROLE_NORMAL));
			if (i == 0 && a->nrows == 0)
				draw_text(y, r->x + 1, r->w - 1, draw_attr(ROLE_DIM),
					  "No alerts in the cache yet: waiting for the F-SOC backend.");
			continue;
		}
		const struct alert_row *row = &a->rows[i];
		int selected = focused && i == a->sel;
		attr_t base = draw_attr(selected ? ROLE_SELECTED : ROLE_NORMAL);
		draw_fill(y, r->x, r->w, base);
		x = r->x;
		for (int c = 0; c < C_N; c++) {
			int w = cols[c].w;
			if (!w)
				continue;
			attr_t at = base;
			const char *s = buf;
			switch (c) {
			case C_TIME:
				fmt_time_short(row->time, v->env->now_ms, buf, sizeof buf);
				break;
			case C_SEV:
				s = fmt_sev_short(row->sev);
				if (!selected)
					at = draw_attr(draw_sev_role(row->sev));
				break;
			case C_TLP:
				s = fmt_tlp_short(row->tlp);
				at = draw_attr(draw_tlp_role(row->tlp));
				break;
			case C_STATUS:
				s = row->status;
				break;
			case C_INST:
				s = row->inst;
				break;
			case C_KIND:
				s = row->kind;
				break;
			case C_SOURCE:
				s = row->source;
				break;
			case C_CORR:
				if (row->corr > 1)
					snprintf(buf, sizeof buf, "x%d", row->corr);
				else
					buf[0] = '\0';
				if (row->corr >= 3 && !selected)
					at = draw_attr(ROLE_WARN);
				break;
			case C_TITLE:
				s = row->title;
				break;
			}
			draw_text(y, x, w, at, s);
			x += w + 1;
		}
	}
}

static int alerts_selected(struct view *v, struct view_sel *out)
{
	struct alerts *a = v->priv;
	if (a->sel < 0 || a->sel >= a->nrows)
		return 0;
	out->stream = PROTO_ALERTS;
	snprintf(out->backend, sizeof out->backend, "%s", a->rows[a->sel].backend);
	snprintf(out->id, sizeof out->id, "%s", a->rows[a->sel].id);
	return 1;
}

const struct view_class view_alerts = {
	.name = "alerts",
	.title = "Alerts",
	.init = alerts_init,
	.fini = alerts_fini,
	.draw = alerts_draw,
	.key = alerts_key,
	.selected = alerts_selected,
};
