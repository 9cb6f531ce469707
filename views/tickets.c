/* views/tickets.c - the F-CERT tickets pane: what is due, who has it, which
 * vendor hours it burns.
 *
 * Tickets are few (hundreds, at most ~100,000), so a page is LIMIT/OFFSET in
 * the chosen order (due is a column of the cache, so it sorts by index), so
 * the page is read again only when the cache changed (or the page moved),
 * never on a frame where nothing happened. Countdowns are computed at draw
 * time from the frame's clock. Only the visible rows' JSON is parsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/proto.h"
#include "tui/i18n.h"
#include "tui/text.h"
#include "views/common.h"
#include "views/fmt.h"
#include "views/rows.h"
#include "views/view.h"

#define TICKETS_MAX_ROWS 512
#define TICKETS_ID_MAX   (PROTO_MAX_ID + 1)

struct ticket_row {
	char backend[64];
	char id[TICKETS_ID_MAX];
	int sev, tlp;
	char status[24];
	char inst[96];
	char title[256];
	char assignee[64];
	char vendor[96]; /* the vendor's name when cached, else its id */
	double hours;
	int have_hours, have_due;
	int64_t due, opened, updated;
	/* the countdown, from each frame's clock */
	char due_text[32];
	int overdue, soon;
};

struct tickets {
	int sort, reverse;
	struct view_list at; /* positions in the sorted table */
	int64_t total;
	int nrows;
	struct ticket_row rows[TICKETS_MAX_ROWS];
	/* what the loaded page was read for */
	int loaded, l_sort, l_reverse, l_want;
	int64_t l_top;
	struct view_stamp st;
	char sel_backend[64], sel_id[TICKETS_ID_MAX];
	sqlite3_stmt *q_page[ROWS_SORT_COUNT][2], *q_vendor;
	sqlite3_stmt *q_count; /* the rows the filter keeps */
	int64_t ftotal;
	int64_t now_ms; /* the frame being drawn, for the cells */
};

#define ROW_COLS                                                                                                       \
	"backend, id, severity, tlp, coalesce(status, ''), coalesce(inst_name, inst_id, ''), coalesce(title, ''), "    \
	"coalesce(assignee, ''), time, updated, data"

/* The page statements of every sort, and the count, for filter f (NULL:
 * all rows). 0, or -1 with none of them left. */
static int prepare_pages(sqlite3 *db, const struct filter *f, sqlite3_stmt *page[ROWS_SORT_COUNT][2],
                         sqlite3_stmt **count)
{
	char sql[2048];
	memset(page, 0, sizeof(sqlite3_stmt *) * ROWS_SORT_COUNT * 2);
	int bad = view_prepare_filtered(db, "SELECT count(*) FROM tickets WHERE %s", f, count);
	for (int s = 0; s < ROWS_SORT_COUNT && !bad; s++)
		for (int r = 0; r < 2 && !bad; r++) {
			/* Each tier of the cache (the file, the TLP:RED memory:
			 * client/cache.h) sorts its own first rows, then the two;
			 * sorting through the tickets view would sort all rows of
			 * both in full (three times the cost at 100,000 tickets). */
			const char *o = rows_ticket_order(s, r);
			int n = snprintf(sql, sizeof sql,
			                 "SELECT " ROW_COLS " FROM (SELECT * FROM (SELECT * FROM main.tickets WHERE %%s "
			                 "ORDER BY %s LIMIT ?1 + ?2) UNION ALL SELECT * FROM (SELECT * FROM red.tickets "
			                 "WHERE %%s ORDER BY %s LIMIT ?1 + ?2)) ORDER BY %s LIMIT ?1 OFFSET ?2",
			                 o, o, o);
			bad = n < 0 || (size_t)n >= sizeof sql || view_prepare_filtered(db, sql, f, &page[s][r]);
		}
	if (!bad)
		return 0;
	for (int s = 0; s < ROWS_SORT_COUNT; s++)
		for (int r = 0; r < 2; r++)
			sqlite3_finalize(page[s][r]);
	sqlite3_finalize(*count);
	*count = NULL;
	return -1;
}

static int tickets_init(struct view *v)
{
	struct tickets *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	v->priv = t;
	sqlite3 *db = v->env->db;
	if (prepare_pages(db, NULL, t->q_page, &t->q_count) ||
	    view_stamp_init(&t->st, db, "tickets") ||
	    view_prepare(db, "SELECT title FROM vendors WHERE id = ?1 ORDER BY backend = ?2 DESC LIMIT 1",
	                 &t->q_vendor))
		return -1;
	return 0;
}

static void tickets_fini(struct view *v)
{
	struct tickets *t = v->priv;
	if (!t)
		return;
	for (int s = 0; s < ROWS_SORT_COUNT; s++)
		for (int r = 0; r < 2; r++)
			sqlite3_finalize(t->q_page[s][r]);
	view_stamp_fini(&t->st);
	sqlite3_finalize(t->q_vendor);
	sqlite3_finalize(t->q_count);
	free(t);
	v->priv = NULL;
}

/* The fields only the JSON has; anything missing or mistyped stays "-". */
static void read_data(struct tickets *t, sqlite3_stmt *st, int col, struct ticket_row *r)
{
	const char *text = (const char *)sqlite3_column_text(st, col);
	int len = sqlite3_column_bytes(st, col);
	json_t *d = text ? json_loadb(text, (size_t)len, 0, NULL) : NULL;
	if (!json_is_object(d)) {
		json_decref(d);
		return;
	}
	const char *due = json_string_value(json_object_get(d, "due"));
	if (due && proto_time_parse(due, &r->due) == 0)
		r->have_due = 1;
	json_t *h = json_object_get(d, "hours_used");
	if (json_is_number(h)) {
		r->hours = json_number_value(h);
		r->have_hours = 1;
	}
	const char *vid = json_string_value(json_object_get(d, "vendor_id"));
	if (vid && vid[0]) {
		snprintf(r->vendor, sizeof r->vendor, "%s", vid);
		sqlite3_bind_text(t->q_vendor, 1, vid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(t->q_vendor, 2, r->backend, -1, SQLITE_STATIC);
		if (sqlite3_step(t->q_vendor) == SQLITE_ROW && sqlite3_column_text(t->q_vendor, 0))
			view_copy_col(r->vendor, sizeof r->vendor, t->q_vendor, 0);
		sqlite3_reset(t->q_vendor);
		sqlite3_clear_bindings(t->q_vendor);
	}
	json_decref(d);
}

static void read_row(struct tickets *t, sqlite3_stmt *st, struct ticket_row *r)
{
	*r = (struct ticket_row){.sev = -1, .tlp = -1};
	view_copy_col(r->backend, sizeof r->backend, st, 0);
	view_copy_col(r->id, sizeof r->id, st, 1);
	r->sev = sqlite3_column_int(st, 2);
	r->tlp = sqlite3_column_int(st, 3);
	view_copy_col(r->status, sizeof r->status, st, 4);
	view_copy_col(r->inst, sizeof r->inst, st, 5);
	view_copy_col(r->title, sizeof r->title, st, 6);
	view_copy_col(r->assignee, sizeof r->assignee, st, 7);
	r->opened = sqlite3_column_int64(st, 8);
	r->updated = sqlite3_column_int64(st, 9);
	read_data(t, st, 10, r);
}

static void load_page(struct tickets *t, int want)
{
	sqlite3_stmt *st = t->q_page[t->sort][t->reverse ? 1 : 0];
	sqlite3_bind_int(st, 1, want);
	sqlite3_bind_int64(st, 2, t->at.top);
	t->nrows = 0;
	while (t->nrows < want && sqlite3_step(st) == SQLITE_ROW)
		read_row(t, st, &t->rows[t->nrows++]);
	sqlite3_reset(st); /* bindings stay: the filter's values are bound once */
	t->loaded = 1;
	t->l_sort = t->sort;
	t->l_reverse = t->reverse;
	t->l_want = want;
	t->l_top = t->at.top;
}

static void tickets_refresh(struct view *v, int want)
{
	struct tickets *t = v->priv;
	int changed = view_stamp_changed(&t->st, v->env->now_ms) || !t->loaded;
	if (changed && filter_active(&v->filter)) {
		t->ftotal = sqlite3_step(t->q_count) == SQLITE_ROW ? sqlite3_column_int64(t->q_count, 0) : 0;
		sqlite3_reset(t->q_count);
	}
	t->total = filter_active(&v->filter) ? t->ftotal : t->st.count;
	view_list_clamp(&t->at, t->total, want);
	if (changed || t->l_sort != t->sort || t->l_reverse != t->reverse || t->l_want != want || t->l_top != t->at.top)
		load_page(t, want);
	if (changed && t->sel_id[0]) {
		/* The data moved under the selection: stay on the same ticket
		 * while it is on this page. */
		for (int i = 0; i < t->nrows; i++)
			if (!strcmp(t->rows[i].id, t->sel_id) && !strcmp(t->rows[i].backend, t->sel_backend)) {
				t->at.sel = t->at.top + i;
				break;
			}
	}
	if (t->at.sel - t->at.top >= 0 && t->at.sel - t->at.top < t->nrows) {
		const struct ticket_row *r = &t->rows[t->at.sel - t->at.top];
		snprintf(t->sel_id, sizeof t->sel_id, "%s", r->id);
		snprintf(t->sel_backend, sizeof t->sel_backend, "%s", r->backend);
	}
}

static int tickets_set_filter(struct view *v, const struct filter *f)
{
	struct tickets *t = v->priv;
	sqlite3_stmt *page[ROWS_SORT_COUNT][2], *count;
	if (prepare_pages(v->env->db, f, page, &count) < 0)
		return -1;
	for (int s = 0; s < ROWS_SORT_COUNT; s++)
		for (int r = 0; r < 2; r++) {
			sqlite3_finalize(t->q_page[s][r]);
			t->q_page[s][r] = page[s][r];
		}
	sqlite3_finalize(t->q_count);
	t->q_count = count;
	t->loaded = 0;
	t->at.sel = t->at.top = 0;
	t->sel_id[0] = '\0';
	return 0;
}

static int tickets_click(struct view *v, int line)
{
	struct tickets *t = v->priv;
	if (line < 0 || line >= t->nrows)
		return 0;
	t->at.sel = t->at.top + line;
	t->sel_id[0] = '\0';
	return 1;
}

static int tickets_key(struct view *v, int key)
{
	struct tickets *t = v->priv;
	int page = v->page > 0 ? v->page : 1;
	if (key >= VIEW_CMD_SORT_BY(0) && key < VIEW_CMD_SORT_BY(ROWS_SORT_COUNT)) {
		t->sort = key - VIEW_CMD_SORT_BY(0);
		t->reverse = 0;
		t->at.sel = t->at.top = 0;
		t->sel_id[0] = '\0';
		return 1;
	}
	switch (key) {
	case 's':
		t->sort = (t->sort + 1) % ROWS_SORT_COUNT;
		t->reverse = 0;
		t->at.sel = t->at.top = 0;
		break;
	case 'S':
		t->reverse = !t->reverse;
		t->at.sel = t->at.top = 0;
		break;
	default:
		if (!view_list_key(&t->at, key, page, t->total))
			return 0;
	}
	t->sel_id[0] = '\0';
	return 1;
}

/* An id cut from the left ("…2026-0142"): ids share their prefix. */
static void fit_tail(const char *s, int w, char *out, size_t n)
{
	char clean[TICKETS_ID_MAX * 3];
	text_sanitize(s, clean, sizeof clean);
	const char *p = clean;
	if (w < 2 || text_width(p) <= w) {
		snprintf(out, n, "%s", clean);
		return;
	}
	while (*p && text_width(p) > w - 1) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
	}
	snprintf(out, n, "%s%s", draw_ascii() ? "~" : "\u2026", p);
}

enum { C_MARK, C_ID, C_SEV, C_TLP, C_DUE, C_STATUS, C_INST, C_TITLE, C_ASSIGNEE, C_VENDOR, C_HOURS, C_UPD, C_N };

static const char *cell(void *ctx, int64_t i, int c, int w, int selected, attr_t *at, char *buf, size_t n)
{
	const struct tickets *t = ctx;
	const struct ticket_row *row = &t->rows[i];
	switch (c) {
	case C_MARK:
		if (row->overdue)
			*at = draw_attr(ROLE_ERROR) | (selected ? A_REVERSE : 0);
		return row->overdue ? "!" : "";
	case C_ID:
		fit_tail(row->id, w, buf, n);
		return buf;
	case C_SEV:
		if (!selected)
			*at = draw_attr(draw_sev_role(row->sev));
		return fmt_sev_short(row->sev);
	case C_TLP:
		*at = draw_attr(draw_tlp_role(row->tlp));
		return fmt_tlp_short(row->tlp);
	case C_DUE:
		if (row->overdue)
			*at = draw_attr(ROLE_ERROR) | (selected ? A_REVERSE : 0);
		else if (row->soon && !selected)
			*at = draw_attr(ROLE_WARN);
		return row->due_text;
	case C_STATUS:
		return rows_ticket_status(row->status);
	case C_INST:
		return row->inst;
	case C_TITLE:
		return row->title;
	case C_ASSIGNEE:
		return row->assignee[0] ? row->assignee : "-";
	case C_VENDOR:
		return row->vendor[0] ? row->vendor : "-";
	case C_HOURS:
		if (!row->have_hours)
			return "-";
		rows_hours(row->hours, buf, n - 1);
		strcat(buf, "h");
		return buf;
	case C_UPD:
		fmt_time_short(row->updated, t->now_ms, buf, n);
		return buf;
	}
	return buf;
}

static void tickets_draw(struct view *v, const struct rect *r, int focused)
{
	struct tickets *t = v->priv;
	char buf[160 + FILTER_TEXT_MAX];
	int rows = r->h - 2;
	if (rows < 0)
		rows = 0;
	if (rows > TICKETS_MAX_ROWS)
		rows = TICKETS_MAX_ROWS;
	v->page = rows;
	tickets_refresh(v, rows);
	int64_t now = v->env->now_ms;

	int desc = rows_ticket_sort_desc(t->sort, t->reverse);
	const char *arrow = draw_ascii() ? (desc ? "v" : "^") : (desc ? "\u2193" : "\u2191");
	char fl[FILTER_TEXT_MAX + 8];
	snprintf(buf, sizeof buf, _(" Tickets  %lld  sort: %s %s%s"), (long long)t->total, rows_ticket_sort_name(t->sort),
	         arrow, view_filter_label(v, fl, sizeof fl));
	int used = view_draw_title(r, focused, buf);
	if (t->total > 0) {
		snprintf(buf, sizeof buf, " %lld/%lld ", (long long)(t->at.sel + 1), (long long)t->total);
		view_draw_badge(r, used, view_title_attr(focused), buf);
	}
	if (r->h < 2)
		return;

	struct fmt_col cols[C_N] = {
	    [C_MARK] = {"", 1, 1, 110, 0},
	    [C_ID] = {_("ID"), 10, 16, 95, 0},
	    [C_SEV] = {_("SEV"), 4, 4, 90, 0},
	    [C_TLP] = {_("TLP"), 7, 7, 45, 0},
	    [C_DUE] = {_("DUE"), 10, 11, 100, 0},
	    [C_STATUS] = {_("STATUS"), 8, 14, 60, 0},
	    [C_INST] = {_("INSTITUTION"), 10, 20, 55, 0},
	    [C_TITLE] = {_("TITLE"), 10, 0, 70, 0},
	    [C_ASSIGNEE] = {_("ASSIGNEE"), 9, 14, 35, 0},
	    [C_VENDOR] = {_("VENDOR"), 6, 22, 25, 0},
	    [C_HOURS] = {_("HOURS"), 5, 6, 20, 0},
	    [C_UPD] = {_("UPDATED"), 8, 11, 15, 0},
	};
	fmt_columns(cols, C_N, r->w);
	t->now_ms = now;
	for (int i = 0; i < t->nrows; i++) {
		struct ticket_row *row = &t->rows[i];
		row->overdue =
		    rows_due_text(row->due, row->have_due, now, row->status, row->due_text, sizeof row->due_text);
		row->soon = !row->overdue && row->have_due && !rows_ticket_done(row->status) &&
		            rows_diff_ms(row->due, now) < 3600000;
	}
	view_draw_table(r, r->y + 1, rows, focused,
	                &(struct view_table){cols, C_N, cell, t, 0, t->nrows, t->at.sel - t->at.top,
	                                     _("No tickets in the cache yet: waiting for the F-CERT backend.")});
}

static int tickets_selected(struct view *v, struct view_sel *out)
{
	struct tickets *t = v->priv;
	int64_t i = t->at.sel - t->at.top;
	if (i < 0 || i >= t->nrows)
		return 0;
	view_sel_set(out, PROTO_TICKETS, t->rows[i].backend, t->rows[i].id);
	return 1;
}

const struct view_class view_tickets = {
    .name = "tickets",
    .title = N_("Tickets"),
    .init = tickets_init,
    .fini = tickets_fini,
    .draw = tickets_draw,
    .key = tickets_key,
    .click = tickets_click,
    .set_filter = tickets_set_filter,
    .selected = tickets_selected,
};
