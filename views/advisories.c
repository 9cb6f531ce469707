/* views/advisories.c - the advisories pane: phishing sites and apps,
 * vulnerabilities (with CVE, CVSS and whether it is exploited in the wild)
 * and threat / weekly / monthly reports, newest first.
 *
 * Paging is by key (time, id) as in the alerts pane, so the history can grow
 * without slowing it, and the page follows new advisories until the
 * operator moves away. The page is read again only when the cache changed or
 * the page moved; only the visible rows' JSON is parsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/proto.h"
#include "views/fmt.h"
#include "views/rows.h"
#include "views/view.h"

#define ADV_MAX_ROWS 512
#define ADV_ID_MAX   (PROTO_MAX_ID + 1)

struct adv_row {
	int64_t time;
	char id[ADV_ID_MAX];
	char backend[64];
	int sev, tlp;
	char kind[24];
	char title[512];
	char cve[48];
	double cvss;
	int have_cvss;
	int exploited;
};

/* What the table looked like when the page was read. */
struct stamp {
	int64_t rx, count, count_at;
	int valid;
};

struct advisories {
	int following;
	int64_t top_time;
	char top_id[ADV_ID_MAX];
	int sel;
	int nrows;
	struct adv_row rows[ADV_MAX_ROWS];
	int64_t total, fresh;
	int dirty, l_want;
	struct stamp st;
	sqlite3_stmt *q_newest, *q_from, *q_above, *q_oldest, *q_count_new, *q_total, *q_rx;
};

#define ROW_COLS "time, id, severity, tlp, coalesce(kind, ''), coalesce(title, ''), backend, data"

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	snprintf(dst, n, "%s", s ? (const char *)s : "");
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK ? 0 : -1;
}

/* Whether the table changed since the last look: its newest arrival (rx,
 * by index: cheap) every frame, its row count (which also catches deletes)
 * when rx moved or every 2 s. */
static int stamp_changed(struct stamp *s, sqlite3_stmt *q_rx, sqlite3_stmt *q_count, int64_t now)
{
	int64_t rx = sqlite3_step(q_rx) == SQLITE_ROW ? sqlite3_column_int64(q_rx, 0) : 0;
	sqlite3_reset(q_rx);
	int changed = !s->valid || rx != s->rx;
	if (changed || now - s->count_at >= 2000 || now < s->count_at) {
		int64_t n = sqlite3_step(q_count) == SQLITE_ROW ? sqlite3_column_int64(q_count, 0) : 0;
		sqlite3_reset(q_count);
		changed |= n != s->count;
		s->count = n;
		s->count_at = now;
	}
	s->rx = rx;
	s->valid = 1;
	return changed;
}

static void read_row(sqlite3_stmt *st, struct adv_row *r)
{
	*r = (struct adv_row){0};
	r->time = sqlite3_column_int64(st, 0);
	copy_col(r->id, sizeof r->id, st, 1);
	r->sev = sqlite3_column_int(st, 2);
	r->tlp = sqlite3_column_int(st, 3);
	copy_col(r->kind, sizeof r->kind, st, 4);
	copy_col(r->title, sizeof r->title, st, 5);
	copy_col(r->backend, sizeof r->backend, st, 6);
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
	a->following = 1;
	a->dirty = 1;
	sqlite3 *db = v->env->db;
	if (prep(db, "SELECT " ROW_COLS " FROM advisories ORDER BY time DESC, id DESC LIMIT ?1", &a->q_newest) ||
	    prep(db,
	         "SELECT " ROW_COLS " FROM advisories WHERE (time, id) <= (?1, ?2) "
	         "ORDER BY time DESC, id DESC LIMIT ?3",
	         &a->q_from) ||
	    prep(db, "SELECT time, id FROM advisories WHERE (time, id) > (?1, ?2) ORDER BY time ASC, id ASC LIMIT ?3",
	         &a->q_above) ||
	    prep(db, "SELECT time, id FROM advisories ORDER BY time ASC, id ASC LIMIT ?1", &a->q_oldest) ||
	    prep(db, "SELECT count(*) FROM advisories WHERE (time, id) > (?1, ?2)", &a->q_count_new) ||
	    prep(db, "SELECT count(*) FROM advisories", &a->q_total) ||
	    prep(db, "SELECT coalesce(max(rx), 0) FROM advisories", &a->q_rx))
		return -1;
	return 0;
}

static void adv_fini(struct view *v)
{
	struct advisories *a = v->priv;
	if (!a)
		return;
	sqlite3_finalize(a->q_newest);
	sqlite3_finalize(a->q_from);
	sqlite3_finalize(a->q_above);
	sqlite3_finalize(a->q_oldest);
	sqlite3_finalize(a->q_count_new);
	sqlite3_finalize(a->q_total);
	sqlite3_finalize(a->q_rx);
	free(a);
	v->priv = NULL;
}

static void load_page(struct advisories *a, int want)
{
	sqlite3_stmt *st;
	if (want > ADV_MAX_ROWS)
		want = ADV_MAX_ROWS;
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

static int64_t count_new(struct advisories *a)
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

static void anchor(struct advisories *a, int64_t time, const char *id)
{
	a->following = 0;
	a->top_time = time;
	snprintf(a->top_id, sizeof a->top_id, "%s", id);
}

static void freeze(struct advisories *a)
{
	if (a->following && a->nrows > 0)
		anchor(a, a->rows[0].time, a->rows[0].id);
}

static void scroll_up(struct advisories *a, int k)
{
	if (a->following || k <= 0)
		return;
	sqlite3_stmt *st = a->q_above;
	sqlite3_bind_int64(st, 1, a->top_time);
	sqlite3_bind_text(st, 2, a->top_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, k);
	int got = 0;
	int64_t t = 0;
	char id[ADV_ID_MAX] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_int64(st, 0);
		copy_col(id, sizeof id, st, 1);
		got++;
	}
	sqlite3_reset(st);
	if (got)
		anchor(a, t, id);
}

static void scroll_to_end(struct advisories *a, int page)
{
	sqlite3_stmt *st = a->q_oldest;
	sqlite3_bind_int(st, 1, page > 0 ? page : 1);
	int64_t t = 0;
	char id[ADV_ID_MAX] = "";
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

static int adv_key(struct view *v, int key)
{
	struct advisories *a = v->priv;
	int page = v->page > 0 ? v->page : 1;
	switch (key) {
	case KEY_DOWN:
	case 'j':
		freeze(a);
		if (a->sel < a->nrows - 1)
			a->sel++;
		else if (a->nrows == page && a->nrows > 1)
			anchor(a, a->rows[1].time, a->rows[1].id);
		break;
	case KEY_UP:
	case 'k':
		if (a->sel > 0)
			a->sel--;
		else
			scroll_up(a, 1);
		break;
	case KEY_NPAGE:
	case ' ':
		freeze(a);
		if (a->nrows == page && a->nrows > 1)
			anchor(a, a->rows[a->nrows - 1].time, a->rows[a->nrows - 1].id);
		else
			a->sel = a->nrows > 0 ? a->nrows - 1 : 0;
		break;
	case KEY_PPAGE:
		if (a->following)
			a->sel = 0;
		else
			scroll_up(a, page - 1 > 0 ? page - 1 : 1);
		break;
	case KEY_HOME:
	case 'g':
		a->following = 1;
		a->sel = 0;
		break;
	case KEY_END:
	case 'G':
		scroll_to_end(a, page);
		break;
	default:
		return 0;
	}
	a->dirty = 1;
	return 1;
}

enum { C_TIME, C_KIND, C_SEV, C_TLP, C_EXPL, C_CVE, C_TITLE, C_N };

static void adv_draw(struct view *v, const struct rect *r, int focused)
{
	struct advisories *a = v->priv;
	char buf[160];
	int rows = r->h - 2;
	if (rows < 0)
		rows = 0;
	if (rows > ADV_MAX_ROWS)
		rows = ADV_MAX_ROWS;
	v->page = rows;

	int changed = stamp_changed(&a->st, a->q_rx, a->q_total, v->env->now_ms);
	if (changed || a->dirty || a->l_want != rows) {
		load_page(a, rows);
		if (a->sel >= a->nrows)
			a->sel = a->nrows > 0 ? a->nrows - 1 : 0;
		if (a->following && a->sel > 0 && a->nrows > 0)
			anchor(a, a->rows[0].time, a->rows[0].id);
		a->total = a->st.count;
		a->fresh = count_new(a);
		a->l_want = rows;
		a->dirty = 0;
	}

	attr_t tattr = draw_attr(focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
	snprintf(buf, sizeof buf, " Advisories  %lld cached", (long long)a->total);
	draw_fill(r->y, r->x, r->w, tattr);
	int used = draw_label(r->y, r->x, r->w, tattr, buf);
	if (a->fresh > 0) {
		snprintf(buf, sizeof buf, " %lld new %s (Home) ", (long long)a->fresh, draw_ascii() ? "^" : "\u2191");
		int w = (int)strlen(buf);
		if (used + w < r->w)
			draw_text(r->y, r->x + r->w - w, w, draw_attr(ROLE_WARN) | A_REVERSE, buf);
	} else if (!a->following) {
		if (used + 6 < r->w)
			draw_text(r->y, r->x + r->w - 6, 6, tattr, " held ");
	}
	if (r->h < 2)
		return;

	struct fmt_col cols[C_N] = {
	    [C_TIME] = {"TIME", 8, 11, 100, 0},    [C_KIND] = {"KIND", 6, 10, 60, 0},
	    [C_SEV] = {"SEV", 4, 4, 90, 0},        [C_TLP] = {"TLP", 7, 7, 85, 0},
	    [C_CVE] = {"CVE CVSS", 14, 19, 50, 0}, [C_EXPL] = {"EXPL", 4, 9, 80, 0},
	    [C_TITLE] = {"TITLE", 10, 0, 70, 0},
	};
	fmt_columns(cols, C_N, r->w);

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
				          "No advisories in the cache yet: waiting for the F-SOC backend.");
			continue;
		}
		const struct adv_row *row = &a->rows[i];
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
			case C_KIND:
				s = rows_advisory_kind(row->kind);
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
			case C_CVE:
				rows_cve_text(row->cve, row->have_cvss, row->cvss, buf, sizeof buf);
				if ((int)strlen(buf) > w && row->cve[0]) /* the id matters more than the score */
					rows_cve_text(row->cve, 0, 0, buf, sizeof buf);
				break;
			case C_EXPL:
				s = row->exploited ? (w >= 9 ? "EXPLOITED" : "EXPL") : "";
				if (row->exploited)
					at = draw_attr(ROLE_ERROR) | (selected ? A_REVERSE : 0);
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

static int adv_selected(struct view *v, struct view_sel *out)
{
	struct advisories *a = v->priv;
	if (a->sel < 0 || a->sel >= a->nrows)
		return 0;
	out->stream = PROTO_ADVISORIES;
	snprintf(out->backend, sizeof out->backend, "%s", a->rows[a->sel].backend);
	snprintf(out->id, sizeof out->id, "%s", a->rows[a->sel].id);
	return 1;
}

const struct view_class view_advisories = {
    .name = "advisories",
    .title = "Advisories",
    .init = adv_init,
    .fini = adv_fini,
    .draw = adv_draw,
    .key = adv_key,
    .selected = adv_selected,
};
