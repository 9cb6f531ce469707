/* views/advisories.c - the advisories pane: phishing sites and apps,
 * vulnerabilities (with CVE, CVSS and whether it is exploited in the wild)
 * and threat / weekly / monthly reports, newest first.
 *
 * Paging is by key (time, id) as in the alerts pane (views/pager.c), so the
 * history can grow without slowing it, and the page follows new advisories
 * until the operator moves away. The page is read again only when the cache
 * changed or the page moved; only the visible rows' JSON is parsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/proto.h"
#include "tui/i18n.h"
#include "views/common.h"
#include "views/fmt.h"
#include "views/pager.h"
#include "views/rows.h"
#include "views/view.h"

/* An advisory's columns beside its id (which the pager keeps). */
struct adv_row {
	int64_t time;
	char backend[64];
	int sev, tlp;
	char kind[24];
	char title[512];
	char cve[48];
	double cvss;
	int have_cvss;
	int exploited;
};

struct advisories {
	struct pager pg;
	struct adv_row rows[PAGER_MAX_ROWS];
	int64_t total, fresh;
	int dirty, l_want;
	struct view_stamp st;
	sqlite3_stmt *q_count; /* the rows the filter keeps */
	int64_t now_ms; /* the frame being drawn, for the cells */
};

#define ROW_COLS "severity, tlp, coalesce(kind, ''), coalesce(title, ''), backend, data"

static void read_row(void *ctx, sqlite3_stmt *st, int i)
{
	struct adv_row *r = &((struct advisories *)ctx)->rows[i];
	*r = (struct adv_row){0};
	r->time = sqlite3_column_int64(st, 0);
	r->sev = sqlite3_column_int(st, 2);
	r->tlp = sqlite3_column_int(st, 3);
	view_copy_col(r->kind, sizeof r->kind, st, 4);
	view_copy_col(r->title, sizeof r->title, st, 5);
	view_copy_col(r->backend, sizeof r->backend, st, 6);
	const char *text = (const char *)sqlite3_column_text(st, 7);
	json_t *d = text ? json_loadb(text, (size_t)sqlite3_column_bytes(st, 7), 0, NULL) : NULL;
	if (json_is_object(d)) {
		const char *cve = json_string_value(json_object_get(d, "cve"));
		if (cve)
			snprintf(r->cve, sizeof r->cve, "%s", cve);
		json_t *cvss = json_object_get(d, "cvss");
		if (json_is_number(cvss)) {
			r->cvss = json_number_value(cvss);
			r->have_cvss = 1;
		}
		r->exploited = json_is_true(json_object_get(d, "exploited"));
	}
	json_decref(d);
}

static int adv_init(struct view *v)
{
	struct advisories *a = calloc(1, sizeof *a);
	if (!a)
		return -1;
	v->priv = a;
	a->dirty = 1;
	sqlite3 *db = v->env->db;
	if (pager_init(&a->pg, db, "advisories", ROW_COLS, read_row, a) || view_stamp_init(&a->st, db, "advisories") ||
	    view_prepare_filtered(db, "SELECT count(*) FROM advisories WHERE %s", NULL, &a->q_count))
		return -1;
	return 0;
}

static void adv_fini(struct view *v)
{
	struct advisories *a = v->priv;
	if (!a)
		return;
	pager_fini(&a->pg);
	view_stamp_fini(&a->st);
	sqlite3_finalize(a->q_count);
	free(a);
	v->priv = NULL;
}

static int adv_set_filter(struct view *v, const struct filter *f)
{
	struct advisories *a = v->priv;
	sqlite3_stmt *qc;
	if (view_prepare_filtered(v->env->db, "SELECT count(*) FROM advisories WHERE %s", f, &qc))
		return -1;
	if (pager_set_filter(&a->pg, f) < 0) {
		sqlite3_finalize(qc);
		return -1;
	}
	sqlite3_finalize(a->q_count);
	a->q_count = qc;
	a->dirty = 1;
	return 0;
}

static int adv_click(struct view *v, int line)
{
	struct advisories *a = v->priv;
	if (!pager_click(&a->pg, line))
		return 0;
	a->dirty = 1;
	return 1;
}

static int adv_key(struct view *v, int key)
{
	struct advisories *a = v->priv;
	if (!pager_key(&a->pg, key, v->page > 0 ? v->page : 1))
		return 0;
	a->dirty = 1;
	return 1;
}

enum { C_TIME, C_KIND, C_SEV, C_TLP, C_EXPL, C_CVE, C_TITLE, C_N };

static const char *cell(void *ctx, int64_t i, int c, int w, int selected, attr_t *at, char *buf, size_t n)
{
	const struct advisories *a = ctx;
	const struct adv_row *row = &a->rows[i];
	switch (c) {
	case C_TIME:
		fmt_time_short(row->time, a->now_ms, buf, n);
		return buf;
	case C_KIND:
		return rows_advisory_kind(row->kind);
	case C_SEV:
		if (!selected)
			*at = draw_attr(draw_sev_role(row->sev));
		return fmt_sev_short(row->sev);
	case C_TLP:
		*at = draw_attr(draw_tlp_role(row->tlp));
		return fmt_tlp_short(row->tlp);
	case C_CVE:
		rows_cve_text(row->cve, row->have_cvss, row->cvss, buf, n);
		if ((int)strlen(buf) > w && row->cve[0]) /* the id matters more than the score */
			rows_cve_text(row->cve, 0, 0, buf, n);
		return buf;
	case C_EXPL:
		if (row->exploited)
			*at = draw_attr(ROLE_ERROR) | (selected ? A_REVERSE : 0);
		return row->exploited ? (w >= 9 ? "EXPLOITED" : "EXPL") : "";
	case C_TITLE:
		return row->title;
	}
	return buf;
}

static void adv_draw(struct view *v, const struct rect *r, int focused)
{
	struct advisories *a = v->priv;
	struct pager *pg = &a->pg;
	char buf[160 + FILTER_TEXT_MAX];
	int rows = r->h - 2;
	if (rows < 0)
		rows = 0;
	if (rows > PAGER_MAX_ROWS)
		rows = PAGER_MAX_ROWS;
	v->page = rows;

	int changed = view_stamp_changed(&a->st, v->env->now_ms);
	if (changed || a->dirty || a->l_want != rows) {
		pager_load(pg, rows);
		a->total = a->st.count;
		if (filter_active(&v->filter)) {
			a->total = sqlite3_step(a->q_count) == SQLITE_ROW ? sqlite3_column_int64(a->q_count, 0) : 0;
			sqlite3_reset(a->q_count);
		}
		a->fresh = pager_count_new(pg);
		a->l_want = rows;
		a->dirty = 0;
	}

	char fl[FILTER_TEXT_MAX + 8];
	snprintf(buf, sizeof buf, filter_active(&v->filter) ? _(" Advisories  %lld matching%s") : _(" Advisories  %lld cached%s"),
	         (long long)a->total, view_filter_label(v, fl, sizeof fl));
	int used = view_draw_title(r, focused, buf);
	pager_draw_badge(pg, r, used, view_title_attr(focused), a->fresh);
	if (r->h < 2)
		return;

	struct fmt_col cols[C_N] = {
	    [C_TIME] = {_("TIME"), 8, 11, 100, 0},    [C_KIND] = {_("KIND"), 6, 10, 60, 0},
	    [C_SEV] = {_("SEV"), 4, 4, 90, 0},        [C_TLP] = {_("TLP"), 7, 7, 85, 0},
	    [C_CVE] = {_("CVE CVSS"), 14, 19, 50, 0}, [C_EXPL] = {_("EXPL"), 4, 9, 80, 0},
	    [C_TITLE] = {_("TITLE"), 10, 0, 70, 0},
	};
	fmt_columns(cols, C_N, r->w);
	a->now_ms = v->env->now_ms;
	view_draw_table(r, r->y + 1, rows, focused,
	                &(struct view_table){cols, C_N, cell, a, 0, pg->nrows, pg->sel,
	                                     _("No advisories in the cache yet: waiting for the F-SOC backend.")});
}

static int adv_selected(struct view *v, struct view_sel *out)
{
	struct advisories *a = v->priv;
	int i = a->pg.sel;
	if (i < 0 || i >= a->pg.nrows)
		return 0;
	view_sel_set(out, PROTO_ADVISORIES, a->rows[i].backend, a->pg.keys[i].id);
	return 1;
}

const struct view_class view_advisories = {
    .name = "advisories",
    .title = N_("Advisories"),
    .init = adv_init,
    .fini = adv_fini,
    .draw = adv_draw,
    .key = adv_key,
    .click = adv_click,
    .set_filter = adv_set_filter,
    .selected = adv_selected,
};
