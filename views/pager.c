/* views/pager.c - keyset paging newest first; see pager.h. */
#include "views/pager.h"
#include "tui/i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "views/common.h"

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The five statements over table, with the filter's WHERE fragment ANDed
 * in (and its values bound). scan: read the table in storage order and
 * sort the matches ("NOT INDEXED"), for a filter few rows match, where
 * walking the time index would fetch every row at random. 0 or -1 (then
 * none is left prepared). */
static int prepare_all(sqlite3 *db, const char *table, const char *cols, const struct filter *f, int scan,
                       sqlite3_stmt *out[5])
{
	char sql[FILTER_SQL_MAX + 1024], from[64];
	const char *w = f ? f->sql : "1";
	const char *forms[5] = {
	    "SELECT time, id, %s FROM %s WHERE %s ORDER BY time DESC, id DESC LIMIT ?1",
	    "SELECT time, id, %s FROM %s WHERE (time, id) <= (?1, ?2) AND %s ORDER BY time DESC, id DESC LIMIT ?3",
	    "SELECT time, id FROM %s WHERE (time, id) > (?1, ?2) AND %s ORDER BY time ASC, id ASC LIMIT ?3",
	    "SELECT time, id FROM %s WHERE %s ORDER BY time ASC, id ASC LIMIT ?1",
	    "SELECT count(*) FROM %s WHERE (time, id) > (?1, ?2) AND %s",
	};
	snprintf(from, sizeof from, scan ? "%s NOT INDEXED" : "%s", table);
	memset(out, 0, 5 * sizeof out[0]);
	for (int i = 0; i < 5; i++) {
		const char *three[3] = {cols, from, w}, *two[2] = {from, w};
		int n = i < 2 ? view_sql_subst(sql, sizeof sql, forms[i], three, 3)
		              : view_sql_subst(sql, sizeof sql, forms[i], two, 2);
		if (n < 0 || view_prepare(db, sql, &out[i]) ||
		    (f && filter_bind(f, out[i]) != SQLITE_OK)) {
			for (int k = 0; k <= i; k++) {
				sqlite3_finalize(out[k]);
				out[k] = NULL;
			}
			return -1;
		}
	}
	return 0;
}

int pager_init(struct pager *p, sqlite3 *db, const char *table, const char *cols, pager_read_fn *read, void *ctx)
{
	sqlite3_stmt *st[5];
	char sql[160];
	p->following = 1;
	p->read = read;
	p->ctx = ctx;
	p->db = db;
	p->moved = 1;
	snprintf(p->table, sizeof p->table, "%s", table);
	snprintf(p->cols, sizeof p->cols, "%s", cols);
	if (prepare_all(db, table, cols, NULL, 0, st) < 0)
		return -1;
	/* the table is a view over both cache tiers: max(rx) through it would
	 * scan every row; t_rx reads each tier's rx index (client/cache.c) */
	snprintf(sql, sizeof sql, "SELECT rx FROM %s_rx", table);
	if (view_prepare(db, sql, &p->q_rx)) {
		for (int i = 0; i < 5; i++)
			sqlite3_finalize(st[i]);
		return -1;
	}
	p->q_newest = st[0];
	p->q_from = st[1];
	p->q_above = st[2];
	p->q_oldest = st[3];
	p->q_count_new = st[4];
	return 0;
}

static void drop_pages(struct pager *p)
{
	sqlite3_finalize(p->q_newest);
	sqlite3_finalize(p->q_from);
	sqlite3_finalize(p->q_above);
	sqlite3_finalize(p->q_oldest);
	sqlite3_finalize(p->q_count_new);
	p->q_newest = p->q_from = p->q_above = p->q_oldest = p->q_count_new = NULL;
}

/* The probe's progress handler: stop once past the deadline. */
static int over_budget(void *arg)
{
	return mono_ms() > *(int64_t *)arg;
}

/* Whether the first page of st (index order) comes within the budget: a
 * filter most rows fail makes the index walk read the whole table. */
static int index_plan_fast(sqlite3 *db, sqlite3_stmt *st, int want)
{
	int64_t deadline = mono_ms() + PAGER_PROBE_MS;
	int rc, n = 0;
	sqlite3_progress_handler(db, 1000, over_budget, &deadline);
	sqlite3_bind_int(st, 1, want);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++n < want)
		;
	sqlite3_progress_handler(db, 0, NULL, NULL);
	sqlite3_reset(st);
	return rc != SQLITE_INTERRUPT;
}

int pager_set_filter(struct pager *p, const struct filter *f)
{
	return pager_set_filter_plan(p, f, -1);
}

int pager_set_filter_plan(struct pager *p, const struct filter *f, int plan)
{
	sqlite3_stmt *st[5];
	int active = f && filter_active(f);
	int scan = 0;
	if (prepare_all(p->db, p->table, p->cols, active ? f : NULL, 0, st) < 0)
		return -1;
	if (active && (plan == 1 || (plan < 0 && !index_plan_fast(p->db, st[0], PAGER_MAX_ROWS / 8)))) {
		sqlite3_stmt *sc[5];
		if (prepare_all(p->db, p->table, p->cols, f, 1, sc) == 0) {
			for (int i = 0; i < 5; i++) {
				sqlite3_finalize(st[i]);
				st[i] = sc[i];
			}
			scan = 1;
		}
	}
	drop_pages(p);
	p->q_newest = st[0];
	p->q_from = st[1];
	p->q_above = st[2];
	p->q_oldest = st[3];
	p->q_count_new = st[4];
	p->scan = scan;
	/* a new set of rows: start again from the newest */
	p->following = 1;
	p->sel = 0;
	p->nrows = 0;
	p->moved = 1;
	return 0;
}

void pager_fini(struct pager *p)
{
	drop_pages(p);
	sqlite3_finalize(p->q_rx);
	p->q_rx = NULL;
}

static void read_key(sqlite3_stmt *st, struct pager_key *k)
{
	k->time = sqlite3_column_int64(st, 0);
	view_copy_col(k->id, sizeof k->id, st, 1);
}

static void bind_top(struct pager *p, sqlite3_stmt *st)
{
	sqlite3_bind_int64(st, 1, p->top.time);
	sqlite3_bind_text(st, 2, p->top.id, -1, SQLITE_STATIC);
}

static void anchor(struct pager *p, const struct pager_key *k)
{
	p->following = 0;
	p->top = *k;
	p->moved = 1;
}

static void read_page(struct pager *p, int want)
{
	sqlite3_stmt *st;
	if (p->following) {
		st = p->q_newest;
		sqlite3_bind_int(st, 1, want);
	} else {
		st = p->q_from;
		bind_top(p, st);
		sqlite3_bind_int(st, 3, want);
	}
	p->nrows = 0;
	while (p->nrows < want && sqlite3_step(st) == SQLITE_ROW) {
		read_key(st, &p->keys[p->nrows]);
		p->read(p->ctx, st, p->nrows++);
	}
	sqlite3_reset(st); /* bindings stay: the filter's values are bound once */
	if (!p->following && p->nrows == 0) {
		/* The anchor and everything below it is gone (purged): follow. */
		p->following = 1;
		read_page(p, want);
	}
}

/* Whether the page must be read again. Normally always (a page is cheap);
 * on the scan plan only when the operator moved, the page size changed, or
 * new rows arrived (and then at most every PAGER_SCAN_MIN_MS or five times
 * what a read costs), and every PAGER_SCAN_MAX_MS whatever happens. */
static int must_read(struct pager *p, int want)
{
	if (!p->scan || p->moved || want != p->l_want)
		return 1;
	int64_t now = mono_ms(), rx = p->l_rx;
	if (p->q_rx && sqlite3_step(p->q_rx) == SQLITE_ROW)
		rx = sqlite3_column_int64(p->q_rx, 0);
	if (p->q_rx)
		sqlite3_reset(p->q_rx);
	int64_t gap = 5 * p->l_cost_ms > PAGER_SCAN_MIN_MS ? 5 * p->l_cost_ms : PAGER_SCAN_MIN_MS;
	return now - p->l_ms >= PAGER_SCAN_MAX_MS || (rx != p->l_rx && now - p->l_ms >= gap);
}

void pager_load(struct pager *p, int want)
{
	if (want > PAGER_MAX_ROWS)
		want = PAGER_MAX_ROWS;
	if (!must_read(p, want))
		return;
	int64_t t0 = mono_ms();
	if (p->q_rx && sqlite3_step(p->q_rx) == SQLITE_ROW)
		p->l_rx = sqlite3_column_int64(p->q_rx, 0);
	if (p->q_rx)
		sqlite3_reset(p->q_rx);
	read_page(p, want);
	p->moved = 0;
	p->l_want = want;
	p->l_ms = mono_ms();
	p->l_cost_ms = p->l_ms - t0;
	if (p->sel >= p->nrows)
		p->sel = p->nrows > 0 ? p->nrows - 1 : 0;
	if (p->following && p->sel > 0 && p->nrows > 0)
		anchor(p, &p->keys[0]);
}

int64_t pager_count_new(struct pager *p)
{
	if (p->following)
		return 0;
	sqlite3_stmt *st = p->q_count_new;
	bind_top(p, st);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

/* Leaving the newest row freezes the page where it is. */
static void freeze(struct pager *p)
{
	if (p->following && p->nrows > 0)
		anchor(p, &p->keys[0]);
}

/* The last of the (up to) k keys st gives; 0 when none. */
static int last_key(sqlite3_stmt *st, struct pager_key *k)
{
	int got = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		read_key(st, k);
		got++;
	}
	sqlite3_reset(st);
	return got;
}

/* Move the top up by k rows; follow again when nothing is above. */
static void scroll_up(struct pager *p, int k)
{
	if (p->following || k <= 0)
		return;
	struct pager_key key = {0, ""};
	sqlite3_stmt *st = p->q_above;
	bind_top(p, st);
	sqlite3_bind_int(st, 3, k);
	if (last_key(st, &key))
		anchor(p, &key);
}

static void scroll_to_end(struct pager *p, int page)
{
	struct pager_key key = {0, ""};
	sqlite3_bind_int(p->q_oldest, 1, page > 0 ? page : 1);
	int got = last_key(p->q_oldest, &key);
	if (got) {
		anchor(p, &key);
		p->sel = got - 1;
	}
}

int pager_click(struct pager *p, int line)
{
	if (line < 0 || line >= p->nrows)
		return 0;
	if (line > 0)
		freeze(p);
	p->sel = line;
	return 1;
}

int pager_key(struct pager *p, int key, int page)
{
	p->moved = 1; /* a key may change what the page shows: read it again */
	switch (key) {
	case KEY_DOWN:
	case 'j':
		freeze(p);
		if (p->sel < p->nrows - 1)
			p->sel++;
		else if (p->nrows == page && p->nrows > 1)
			anchor(p, &p->keys[1]);
		return 1;
	case KEY_UP:
	case 'k':
		if (p->sel > 0)
			p->sel--;
		else
			scroll_up(p, 1);
		return 1;
	case KEY_NPAGE:
	case ' ':
		freeze(p);
		if (p->nrows == page && p->nrows > 1)
			anchor(p, &p->keys[p->nrows - 1]);
		else
			p->sel = p->nrows > 0 ? p->nrows - 1 : 0;
		return 1;
	case KEY_PPAGE:
		if (p->following)
			p->sel = 0;
		else
			scroll_up(p, page - 1 > 0 ? page - 1 : 1);
		return 1;
	case KEY_HOME:
	case 'g':
		p->following = 1;
		p->sel = 0;
		return 1;
	case KEY_END:
	case 'G':
		scroll_to_end(p, page);
		return 1;
	}
	return 0;
}

void pager_draw_badge(const struct pager *p, const struct rect *r, int used, attr_t tattr, int64_t fresh)
{
	char buf[96];
	if (fresh > 0) {
		snprintf(buf, sizeof buf, _(" %lld new %s (Home) "), (long long)fresh, draw_ascii() ? "^" : "\u2191");
		view_draw_badge(r, used, draw_attr(ROLE_WARN) | A_REVERSE, buf);
	} else if (!p->following)
		view_draw_badge(r, used, tattr, _(" held "));
}
