/* views/alerts.c - the alerts pane: newest first, read from the cache.
 *
 * Paging is by key (time, id), never by OFFSET (views/pager.c), so a
 * million cached alerts page as fast as a hundred. While the selection is on
 * the newest row the pane follows new alerts; once the operator moves away
 * it holds still and counts "N new" above instead of jumping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/proto.h"
#include "tui/i18n.h"
#include "views/common.h"
#include "views/fmt.h"
#include "views/pager.h"
#include "views/view.h"

/* An alert's columns beside its id (which the pager keeps). */
struct alert_row {
	int64_t time;
	char backend[64];
	int sev, tlp, corr;
	char status[16];
	char kind[24];
	char inst[96];
	char source[32];
	char title[512];
};

struct alerts {
	struct pager pg;
	struct alert_row rows[PAGER_MAX_ROWS];
	int64_t total;
	int64_t total_at_ms;
	sqlite3_stmt *q_total;
	int64_t now_ms; /* the frame being drawn, for the cells */
};

#define ROW_COLS                                                                                                       \
	"severity, tlp, status, kind, coalesce(inst_name, inst_id, ''), coalesce(source, ''), title, corr, backend"

static void read_row(void *ctx, sqlite3_stmt *st, int i)
{
	struct alert_row *r = &((struct alerts *)ctx)->rows[i];
	r->time = sqlite3_column_int64(st, 0);
	r->sev = sqlite3_column_int(st, 2);
	r->tlp = sqlite3_column_int(st, 3);
	view_copy_col(r->status, sizeof r->status, st, 4);
	view_copy_col(r->kind, sizeof r->kind, st, 5);
	view_copy_col(r->inst, sizeof r->inst, st, 6);
	view_copy_col(r->source, sizeof r->source, st, 7);
	view_copy_col(r->title, sizeof r->title, st, 8);
	r->corr = sqlite3_column_int(st, 9);
	view_copy_col(r->backend, sizeof r->backend, st, 10);
}

static int alerts_init(struct view *v)
{
	struct alerts *a = calloc(1, sizeof *a);
	if (!a)
		return -1;
	v->priv = a;
	sqlite3 *db = v->env->db;
	if (pager_init(&a->pg, db, "alerts", ROW_COLS, read_row, a) ||
	    view_prepare(db, "SELECT n FROM alerts_stamp", &a->q_total))
		return -1;
	return 0;
}

static void alerts_fini(struct view *v)
{
	struct alerts *a = v->priv;
	if (!a)
		return;
	pager_fini(&a->pg);
	sqlite3_finalize(a->q_total);
	free(a);
	v->priv = NULL;
}

static int alerts_set_filter(struct view *v, const struct filter *f)
{
	struct alerts *a = v->priv;
	sqlite3_stmt *qt;
	if (view_prepare_filtered(v->env->db, "SELECT count(*) FROM alerts WHERE %s", f, &qt))
		return -1;
	if (pager_set_filter(&a->pg, f) < 0) {
		sqlite3_finalize(qt);
		return -1;
	}
	sqlite3_finalize(a->q_total);
	a->q_total = qt;
	a->total_at_ms = 0;
	return 0;
}

static int alerts_click(struct view *v, int line)
{
	struct alerts *a = v->priv;
	return pager_click(&a->pg, line);
}

static int alerts_key(struct view *v, int key)
{
	struct alerts *a = v->priv;
	return pager_key(&a->pg, key, v->page > 0 ? v->page : 1);
}

enum { C_TIME, C_SEV, C_TLP, C_STATUS, C_INST, C_KIND, C_SOURCE, C_CORR, C_TITLE, C_N };

static const char *cell(void *ctx, int64_t i, int c, int w, int selected, attr_t *at, char *buf, size_t n)
{
	const struct alerts *a = ctx;
	const struct alert_row *row = &a->rows[i];
	(void)w;
	switch (c) {
	case C_TIME:
		fmt_time_short(row->time, a->now_ms, buf, n);
		return buf;
	case C_SEV:
		if (!selected)
			*at = draw_attr(draw_sev_role(row->sev));
		return fmt_sev_short(row->sev);
	case C_TLP:
		*at = draw_attr(draw_tlp_role(row->tlp));
		return fmt_tlp_short(row->tlp);
	case C_STATUS:
		return row->status;
	case C_INST:
		return row->inst;
	case C_KIND:
		return row->kind;
	case C_SOURCE:
		return row->source;
	case C_CORR:
		if (row->corr > 1)
			snprintf(buf, n, "x%d", row->corr);
		if (row->corr >= 3 && !selected)
			*at = draw_attr(ROLE_WARN);
		return buf;
	case C_TITLE:
		return row->title;
	}
	return buf;
}

static void alerts_draw(struct view *v, const struct rect *r, int focused)
{
	struct alerts *a = v->priv;
	struct pager *pg = &a->pg;
	char buf[160 + FILTER_TEXT_MAX];
	int rows = r->h - 2; /* title bar and column headings */
	if (rows < 0)
		rows = 0;
	v->page = rows;
	pager_load(pg, rows);

	/* count(*) walks an index of up to millions of rows: every 5 s when
	 * large, every frame while small or plainly out of date. */
	int filtered = filter_active(&v->filter); /* a filtered count reads the table: every 5 s at most */
	if ((!filtered && a->total < 20000) || a->total < pg->nrows || v->env->now_ms - a->total_at_ms > 5000 ||
	    a->total_at_ms == 0) {
		if (sqlite3_step(a->q_total) == SQLITE_ROW)
			a->total = sqlite3_column_int64(a->q_total, 0);
		sqlite3_reset(a->q_total);
		a->total_at_ms = v->env->now_ms;
	}

	char fl[FILTER_TEXT_MAX + 8];
	if (filter_active(&v->filter))
		snprintf(buf, sizeof buf, _(" Alerts  %lld matching%s"), (long long)a->total,
		         view_filter_label(v, fl, sizeof fl));
	else
		snprintf(buf, sizeof buf, _(" Alerts  %lld cached"), (long long)a->total);
	int used = view_draw_title(r, focused, buf);
	pager_draw_badge(pg, r, used, view_title_attr(focused), pager_count_new(pg));
	if (r->h < 2)
		return;

	struct fmt_col cols[C_N] = {
	    [C_TIME] = {_("TIME"), 8, 11, 100, 0},
	    [C_SEV] = {_("SEV"), 4, 4, 90, 0},
	    [C_TLP] = {_("TLP"), 7, 7, 80, 0},
	    [C_STATUS] = {_("STATUS"), 6, 8, 20, 0},
	    [C_INST] = {_("INSTITUTION"), 10, 20, 60, 0},
	    [C_KIND] = {_("CATEGORY"), 8, 9, 40, 0},
	    [C_SOURCE] = {_("SOURCE"), 8, 16, 10, 0},
	    [C_CORR] = {_("CORR"), 4, 4, 50, 0},
	    [C_TITLE] = {_("TITLE"), 24, 0, 70, 0},
	};
	fmt_columns(cols, C_N, r->w);
	a->now_ms = v->env->now_ms;
	view_draw_table(r, r->y + 1, rows, focused,
	                &(struct view_table){cols, C_N, cell, a, 0, pg->nrows, pg->sel,
	                                     _("No alerts in the cache yet: waiting for the F-SOC backend.")});
}

static int alerts_selected(struct view *v, struct view_sel *out)
{
	struct alerts *a = v->priv;
	int i = a->pg.sel;
	if (i < 0 || i >= a->pg.nrows)
		return 0;
	view_sel_set(out, PROTO_ALERTS, a->rows[i].backend, a->pg.keys[i].id);
	return 1;
}

const struct view_class view_alerts = {
    .name = "alerts",
    .title = N_("Alerts"),
    .init = alerts_init,
    .fini = alerts_fini,
    .draw = alerts_draw,
    .key = alerts_key,
    .click = alerts_click,
    .selected = alerts_selected,
    .set_filter = alerts_set_filter,
};
