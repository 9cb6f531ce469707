/* views/wall.c - the war-room wall: one screen nobody touches for days.
 *
 * Big block-digit counters (open critical and high alerts, open tickets by
 * severity, drill participants under attack, hours left per vendor) and a
 * large clock, each a tile with its label centred under its digits and a
 * rule between tiles (a double one after the clock), so that from across
 * a room two counters never read as one number. Scaled from 80x24 to a 4K
 * terminal: smaller digits, then short labels, then fewer tiles (the rest
 * on one text line), never overlapping. Below them a list (newest open
 * critical alerts, or, rotating, the open critical and high tickets).
 * Items above the room's TLP ceiling are never drawn: the list's last line
 * counts them. A backend that is not live gets a banner saying since when,
 * and the counters fed by it say STALE in words.
 *
 * Counters are numbers, not items: they count every open item whatever its
 * TLP. Everything is read from the cache, at most once a second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/proto.h"
#include "tui/text.h"
#include "views/common.h"
#include "views/fmt.h"
#include "views/view.h"

#define WALL_MAX_BACKENDS 16
#define WALL_MAX_VENDORS 6
#define WALL_MAX_ROWS 64
#define WALL_MAX_BOXES 16
#define WALL_REFRESH_MS 1000

enum { WALL_PAGE_ALERTS, WALL_PAGE_TICKETS, WALL_NPAGES };

/* A number as it came from one or more backends. */
struct wall_count {
	int64_t n;
	char from[WALL_MAX_BACKENDS]; /* from[i]: backend i contributed */
};

struct wall_row {
	int64_t time;
	int tlp, sev;
	char inst[96];
	char title[300];
};

struct wall {
	struct view_stamp st_alerts, st_tickets, st_drills, st_vendors;
	sqlite3_stmt *q_alerts, *q_tickets, *q_attack, *q_running, *q_vendors, *q_crit, *q_crit_held, *q_tix,
		*q_tix_held, *q_cursor;
	int64_t loaded_ms;
	int loaded_page, loaded_ceiling;
	int stale_data; /* the cache changed since the last load */
	/* backend names seen in the counts, by index (the from[] bits) */
	char names[WALL_MAX_BACKENDS][64];
	int nnames;
	struct wall_count alerts[5], tickets[5], attack;
	int drill_running;
	struct {
		char name[96];
		double left;
		double low; /* low-water mark, 0 when none */
		int known;
		int b; /* backend index */
	} vendors[WALL_MAX_VENDORS];
	int nvendors;
	struct wall_row rows[WALL_MAX_ROWS];
	int nrows;
	int64_t withheld;
	int page;
};

/* ---- reading ---- */

static int wall_backend_index(struct wall *w, const char *name)
{
	if (!name)
		name = "";
	for (int i = 0; i < w->nnames; i++)
		if (strcmp(w->names[i], name) == 0)
			return i;
	if (w->nnames >= WALL_MAX_BACKENDS)
		return WALL_MAX_BACKENDS - 1; /* lumped: still marked */
	snprintf(w->names[w->nnames], sizeof w->names[0], "%s", name);
	return w->nnames++;
}

/* Rows of (backend, severity, count) into per-severity counts. */
static void wall_read_by_sev(struct wall *w, sqlite3_stmt *st, struct wall_count *out)
{
	memset(out, 0, 5 * sizeof *out);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int sev = sqlite3_column_int(st, 1);
		if (sev < 0 || sev > 4)
			continue;
		int b = wall_backend_index(w, (const char *)sqlite3_column_text(st, 0));
		out[sev].n += sqlite3_column_int64(st, 2);
		out[sev].from[b] = 1;
	}
	sqlite3_reset(st);
}

static void wall_read_rows(struct wall *w, sqlite3_stmt *list, sqlite3_stmt *held, int ceiling, int max)
{
	w->nrows = 0;
	sqlite3_bind_int(list, 1, ceiling);
	sqlite3_bind_int(list, 2, max < WALL_MAX_ROWS ? max : WALL_MAX_ROWS);
	while (w->nrows < WALL_MAX_ROWS && sqlite3_step(list) == SQLITE_ROW) {
		struct wall_row *r = &w->rows[w->nrows++];
		r->time = sqlite3_column_int64(list, 0);
		r->tlp = sqlite3_column_int(list, 1);
		view_copy_col(r->inst, sizeof r->inst, list, 2);
		view_copy_col(r->title, sizeof r->title, list, 3);
		r->sev = sqlite3_column_int(list, 4);
	}
	sqlite3_reset(list);
	sqlite3_bind_int(held, 1, ceiling);
	w->withheld = sqlite3_step(held) == SQLITE_ROW ? sqlite3_column_int64(held, 0) : 0;
	sqlite3_reset(held);
}

static void wall_load(struct wall *w, const struct view_env *env)
{
	wall_read_by_sev(w, w->q_alerts, w->alerts);
	wall_read_by_sev(w, w->q_tickets, w->tickets);
	memset(&w->attack, 0, sizeof w->attack);
	while (sqlite3_step(w->q_attack) == SQLITE_ROW) {
		int b = wall_backend_index(w, (const char *)sqlite3_column_text(w->q_attack, 0));
		w->attack.n += sqlite3_column_int64(w->q_attack, 1);
		w->attack.from[b] = 1;
	}
	sqlite3_reset(w->q_attack);
	w->drill_running = sqlite3_step(w->q_running) == SQLITE_ROW && sqlite3_column_int64(w->q_running, 0) > 0;
	sqlite3_reset(w->q_running);
	w->nvendors = 0;
	while (w->nvendors < WALL_MAX_VENDORS && sqlite3_step(w->q_vendors) == SQLITE_ROW) {
		int i = w->nvendors++;
		w->vendors[i].b = wall_backend_index(w, (const char *)sqlite3_column_text(w->q_vendors, 0));
		view_copy_col(w->vendors[i].name, sizeof w->vendors[i].name, w->q_vendors, 1);
		w->vendors[i].known = sqlite3_column_type(w->q_vendors, 2) != SQLITE_NULL;
		w->vendors[i].left = sqlite3_column_double(w->q_vendors, 2);
		w->vendors[i].low = sqlite3_column_double(w->q_vendors, 3); /* NULL reads 0: no mark */
	}
	sqlite3_reset(w->q_vendors);
	int ceiling = env->tlp_ceiling;
	if (w->page == WALL_PAGE_TICKETS)
		wall_read_rows(w, w->q_tix, w->q_tix_held, ceiling, WALL_MAX_ROWS);
	else
		wall_read_rows(w, w->q_crit, w->q_crit_held, ceiling, WALL_MAX_ROWS);
}

#define OPEN_ALERT "severity >= 3 AND status IS NOT 'closed'" /* = the alerts_open index */
#define OPEN_TICKET "status NOT IN ('resolved', 'closed')"
/* A TLP the room may see: known and at most the ceiling (?1). */
#define SHOWN_TLP "tlp BETWEEN 0 AND ?1"

static int wall_init(struct view *v)
{
	struct wall *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	v->priv = w;
	sqlite3 *db = v->env->db;
	w->loaded_page = -1;
	if (view_stamp_init(&w->st_alerts, db, "alerts") || view_stamp_init(&w->st_tickets, db, "tickets") ||
	    view_stamp_init(&w->st_drills, db, "drills") || view_stamp_init(&w->st_vendors, db, "vendors") ||
	    /* Per tier, not through the alerts view: grouped over the view,
	     * every open alert would go through a sort (memory and time);
	     * each tier groups in the order of its alerts_open index. */
	    view_prepare(db,
	                 "SELECT backend, severity, count(*) FROM main.alerts WHERE " OPEN_ALERT
	                 " GROUP BY backend, severity UNION ALL SELECT backend, severity, count(*) FROM red.alerts "
	                 "WHERE " OPEN_ALERT " GROUP BY backend, severity",
	                 &w->q_alerts) ||
	    view_prepare(
	        db, "SELECT backend, severity, count(*) FROM tickets WHERE " OPEN_TICKET " GROUP BY backend, severity",
	        &w->q_tickets) ||
	    /* CASE, not AND: see views/vendors.c */
	    view_prepare(
	        db,
	        "SELECT d.backend, count(*) FROM drills d, json_each(CASE WHEN json_valid(d.data) "
	        "THEN d.data ELSE '{}' END, '$.participants') p WHERE d.status = 'running' "
	        "AND p.type = 'object' AND json_extract(p.value, '$.status') = 'under_attack' GROUP BY d.backend",
	        &w->q_attack) ||
	    view_prepare(db, "SELECT count(*) FROM drills WHERE status = 'running'", &w->q_running) ||
	    view_prepare(
	        db,
	        "SELECT backend, coalesce(title, id), CASE WHEN json_valid(data) THEN CASE WHEN "
	        "json_type(data, '$.hours_total') IN ('integer', 'real') AND "
	        "json_type(data, '$.hours_used') IN ('integer', 'real') AND "
	        "json_type(data, '$.hours_reserved') IN ('integer', 'real') THEN "
	        "json_extract(data, '$.hours_total') - json_extract(data, '$.hours_used') - "
	        "json_extract(data, '$.hours_reserved') END END, CASE WHEN json_valid(data) AND "
	        "json_type(data, '$.low_water') IN ('integer', 'real') THEN json_extract(data, '$.low_water') END "
	        "FROM vendors ORDER BY title, id, backend LIMIT 6",
	        &w->q_vendors) ||
	    view_prepare(
	        db,
	        "SELECT time, tlp, coalesce(inst_name, inst_id, ''), coalesce(title, ''), severity FROM alerts "
	        "WHERE severity = 4 AND status IS NOT 'closed' AND " SHOWN_TLP " ORDER BY time DESC, id DESC "
	        "LIMIT ?2",
	        &w->q_crit) ||
	    view_prepare(db,
	                 "SELECT count(*) FROM alerts WHERE " OPEN_ALERT " AND severity = 4 AND NOT (" SHOWN_TLP ")",
	                 &w->q_crit_held) ||
	    view_prepare(db,
	                 "SELECT coalesce(due, time), tlp, coalesce(inst_name, inst_id, ''), coalesce(title, ''), "
	                 "severity FROM tickets WHERE " OPEN_TICKET " AND severity >= 3 AND " SHOWN_TLP
	                 " ORDER BY due IS NULL, due, id LIMIT ?2",
	                 &w->q_tix) ||
	    view_prepare(db,
	                 "SELECT count(*) FROM tickets WHERE " OPEN_TICKET " AND severity >= 3 AND NOT (" SHOWN_TLP ")",
	                 &w->q_tix_held) ||
	    view_prepare(db, "SELECT updated FROM cursors WHERE backend = ?1", &w->q_cursor))
		return -1;
	return 0;
}

static void wall_fini(struct view *v)
{
	struct wall *w = v->priv;
	if (!w)
		return;
	view_stamp_fini(&w->st_alerts);
	view_stamp_fini(&w->st_tickets);
	view_stamp_fini(&w->st_drills);
	view_stamp_fini(&w->st_vendors);
	sqlite3_stmt *all[] = {w->q_alerts, w->q_tickets, w->q_attack,    w->q_running, w->q_vendors, w->q_crit,
			       w->q_crit_held, w->q_tix,   w->q_tix_held, w->q_cursor};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		sqlite3_finalize(all[i]);
	free(w);
	v->priv = NULL;
}

/* ---- big digits ---- */

/* 3x5 glyphs (':' is 1 wide); '#' cells are drawn as blocks. */
static const char *wall_glyph(char ch, int *gw)
{
	static const char *const digits[10] = {
		"###"
		"# #"
		"# #"
		"# #"
		"###",
		" # "
		"## "
		" # "
		" # "
		"###",
		"###"
		"  #"
		"###"
		"#  "
		"###",
		"###"
		"  #"
		"###"
		"  #"
		"###",
		"# #"
		"# #"
		"###"
		"  #"
		"  #",
		"###"
		"#  "
		"###"
		"  #"
		"###",
		"###"
		"#  "
		"###"
		"# #"
		"###",
		"###"
		"  #"
		"  #"
		"  #"
		"  #",
		"###"
		"# #"
		"###"
		"# #"
		"###",
		"###"
		"# #"
		"###"
		"  #"
		"###",
	};
	*gw = 3;
	if (ch >= '0' && ch <= '9')
		return digits[ch - '0'];
	switch (ch) {
	case ':':
		*gw = 1;
		return " # # ";
	case '-':
		return "      ###      ";
	case '.':
		*gw = 1;
		return "    #";
	case 'h':
		return "#  "
		       "#  "
		       "###"
		       "# #"
		       "# #";
	case 'k':
		return "#  # ## ### # #";
	default:
		return "               ";
	}
}

/* The width of text in big glyphs at scale s (a blank column between). */
static int wall_big_width(const char *text, int s)
{
	int w = 0, gw;
	for (const char *p = text; *p; p++) {
		wall_glyph(*p, &gw);
		w += (gw + (p[1] ? 1 : 0)) * s;
	}
	return w;
}

static void wall_big_draw(int y, int x, int s, const char *text, attr_t at)
{
	const char *block = draw_ascii() ? "#" : "█";
	int gw;
	for (const char *p = text; *p; p++) {
		const char *g = wall_glyph(*p, &gw);
		for (int row = 0; row < 5; row++)
			for (int col = 0; col < gw; col++) {
				if (g[row * gw + col] != '#')
					continue;
				for (int dy = 0; dy < s; dy++)
					for (int dx = 0; dx < s; dx++)
						draw_label(y + row * s + dy, x + col * s + dx, 1, at, block);
			}
		x += (gw + 1) * s;
	}
}

/* ---- layout ---- */

/* A tile: big digits, and under them a label (long when the tile is wide
 * enough, else short) and, in words, what is wrong with the number. */
struct wall_box {
	char value[24];
	char label[96], shortl[96];
	const char *mark; /* "STALE", "LOW" or NULL */
	int stale;
	attr_t at;
	int w; /* width at the scale being tried */
};

#define WALL_LABEL_MAX 32 /* cells: a long label never widens a tile beyond this */
#define WALL_SHORT_MAX 14 /* cells: nor a short one beyond this (then it is cut) */

static void wall_number(int64_t n, char *out, size_t len)
{
	if (n < 0)
		snprintf(out, len, "-");
	else if (n >= 100000)
		snprintf(out, len, "%lldk", (long long)(n / 1000));
	else
		snprintf(out, len, "%lld", (long long)n);
}

/* Whether any backend behind a number is not live. */
static int wall_count_stale(const struct wall *w, const struct view_env *env, const char *from)
{
	for (int i = 0; i < w->nnames; i++) {
		if (!from[i])
			continue;
		for (int k = 0; k < env->nbackends; k++)
			if (strcmp(env->backends[k].name, w->names[i]) == 0 && !env->backends[k].live)
				return 1;
	}
	return 0;
}

static int wall_merge_stale(const struct wall *w, const struct view_env *env, const struct wall_count *c, int a,
			    int b)
{
	int stale = 0;
	for (int s = a; s <= b; s++)
		stale |= wall_count_stale(w, env, c[s].from);
	return stale;
}

static int wall_boxes(const struct wall *w, const struct view_env *env, struct wall_box *box)
{
	int n = 0;
	static const struct {
		int sev;
		const char *label, *shortl;
	} alert_boxes[] = {{4, "CRITICAL alerts open", "CRIT alerts"}, {3, "HIGH alerts open", "HIGH alerts"}};
	memset(box, 0, WALL_MAX_BOXES * sizeof *box);
	time_t t = (time_t)(env->now_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(box[n].value, sizeof box[n].value, "%H:%M", &tm);
	strftime(box[n].label, sizeof box[n].label, "%a %Y-%m-%d", &tm);
	strftime(box[n].shortl, sizeof box[n].shortl, "%a %m-%d", &tm);
	box[n++].at = draw_attr(ROLE_NORMAL) | A_BOLD;
	for (size_t i = 0; i < 2; i++) {
		const struct wall_count *c = &w->alerts[alert_boxes[i].sev];
		wall_number(c->n, box[n].value, sizeof box[n].value);
		snprintf(box[n].label, sizeof box[n].label, "%s", alert_boxes[i].label);
		snprintf(box[n].shortl, sizeof box[n].shortl, "%s", alert_boxes[i].shortl);
		box[n].stale = wall_count_stale(w, env, c->from);
		box[n++].at = draw_attr(alert_boxes[i].sev == 4 && c->n ? ROLE_ERROR : ROLE_SEV_HIGH);
	}
	wall_number(w->drill_running ? w->attack.n : -1, box[n].value, sizeof box[n].value);
	snprintf(box[n].label, sizeof box[n].label, "%s",
		 w->drill_running ? "under attack (drill)" : "under attack (no drill running)");
	snprintf(box[n].shortl, sizeof box[n].shortl, "%s", w->drill_running ? "under attack" : "no drill");
	box[n].stale = w->drill_running && wall_count_stale(w, env, w->attack.from);
	box[n++].at = draw_attr(w->attack.n ? ROLE_WARN : ROLE_NORMAL);
	static const char *const tix[] = {"info", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
	static const char *const tix_short[] = {"info", "LOW", "MED", "HIGH", "CRIT"};
	for (int sev = 4; sev >= 1; sev--) {
		int64_t v = w->tickets[sev].n + (sev == 1 ? w->tickets[0].n : 0);
		wall_number(v, box[n].value, sizeof box[n].value);
		snprintf(box[n].label, sizeof box[n].label, "%s tickets open", tix[sev]);
		snprintf(box[n].shortl, sizeof box[n].shortl, "%s tickets", tix_short[sev]);
		box[n].stale = sev == 1 ? wall_merge_stale(w, env, w->tickets, 0, 1)
					: wall_count_stale(w, env, w->tickets[sev].from);
		box[n++].at = draw_attr(draw_sev_role(sev));
	}
	for (int i = 0; i < w->nvendors && n < WALL_MAX_BOXES; i++) {
		double left = w->vendors[i].left;
		if (w->vendors[i].known && left > -1e5 && left < 1e5)
			/* a tenth of an hour is six minutes of a vendor's engineer */
			snprintf(box[n].value, sizeof box[n].value, left > -100 && left < 100 ? "%.1fh" : "%.0fh",
			         left);
		else
			snprintf(box[n].value, sizeof box[n].value, "-");
		/* hours left is in the digits ("91.5h"): the name is the label */
		snprintf(box[n].label, sizeof box[n].label, "%s", w->vendors[i].name);
		/* short: the same name, cut by display width to its tile */
		snprintf(box[n].shortl, sizeof box[n].shortl, "%s", w->vendors[i].name);
		char from[WALL_MAX_BACKENDS] = {0};
		from[w->vendors[i].b] = 1;
		box[n].stale = wall_count_stale(w, env, from);
		int low = w->vendors[i].known && w->vendors[i].low > 0 && left < w->vendors[i].low;
		box[n].mark = low ? "LOW" : NULL;
		box[n++].at = draw_attr(low ? ROLE_WARN : ROLE_NORMAL);
	}
	for (int i = 0; i < n; i++)
		if (box[i].stale) {
			box[i].mark = "STALE"; /* stale wins: a LOW from old numbers means little */
			box[i].at = draw_attr(ROLE_DIM);
		}
	return n;
}

/* The cells a label takes with its mark (" STALE"). */
static int wall_label_width(const char *label, const char *mark)
{
	return text_width(label) + (mark ? 1 + (int)strlen(mark) : 0);
}

/* A tile's narrowest width at scale s: its digits or its short label with
 * the mark, whichever is wider; never wider than maxw. */
static int wall_box_width(const struct wall_box *b, int s, int maxw)
{
	int lw = text_width(b->shortl);
	lw = (lw > WALL_SHORT_MAX ? WALL_SHORT_MAX : lw) + wall_label_width("", b->mark);
	int dw = wall_big_width(b->value, s);
	int bw = dw > lw ? dw : lw;
	return bw > maxw ? maxw : bw;
}

/* The blank cells each side of the rule between two tiles: wider with the
 * digits, so that from across the room tiles never read as one number
 * (inside a number, digits are s apart; tiles, with the rule, more). */
static int wall_gap(int s)
{
	return s / 2 + 1;
}

/* The cells from the end of tile i to the start of the next: blank, the
 * rule, blank. After the clock (tile 0) the rule is double: "║", or "||"
 * in ASCII. */
static int wall_sep(int i, int s)
{
	return 2 * wall_gap(s) + (i == 0 && draw_ascii() ? 2 : 1);
}

/* Greedy rows of at most cap tiles each (box[].w already set). */
static int wall_rows(const struct wall_box *box, int n, int s, int width, int cap, int *starts)
{
	int rows = 0, x = 0, in_row = 0;
	for (int i = 0; i < n; i++) {
		int sep = i ? wall_sep(i - 1, s) : 0;
		if (i == 0 || in_row >= cap || x + sep + box[i].w > width) {
			starts[rows++] = i;
			x = box[i].w;
			in_row = 1;
		} else {
			x += sep + box[i].w;
			in_row++;
		}
	}
	return rows;
}

/* Lay the first n boxes out in rows at scale s within width (setting
 * box[].w); returns the height taken, row starts in starts[]. */
static int wall_pack(struct wall_box *box, int n, int s, int width, int *rows_out, int *starts)
{
	for (int i = 0; i < n; i++)
		box[i].w = wall_box_width(&box[i], s, width);
	int rows = wall_rows(box, n, s, width, n, starts);
	/* as even as that many rows allow: no crowded row over a half-empty
	 * one (then both may have long labels). Capped, greedy never needs
	 * fewer rows; with no cap it needs exactly rows. */
	int cap = rows > 1 ? (n + rows - 1) / rows : n;
	while (cap < n && wall_rows(box, n, s, width, cap, starts) != rows)
		cap++;
	wall_rows(box, n, s, width, cap, starts);
	*rows_out = rows;
	/* digits, label, and a blank line between rows of tiles */
	return rows ? rows * (5 * s + 2) - 1 : 0;
}

/* The label of a tile w cells wide: long if the row has room for long
 * labels (one style per row), else short; cut by display width so that
 * the mark in words always shows. */
static void wall_draw_label(int y, int x, int w, const struct wall_box *b, int wide)
{
	char fit[200], line[240];
	const char *label = wide ? b->label : b->shortl;
	const char *mark = b->mark;
	int room = w - (mark ? 1 + (int)strlen(mark) : 0);
	if (room < 1) {
		room = w;
		mark = NULL; /* not even the word fits: the dim digits say it */
	}
	text_fit(label, room, 0, draw_ascii(), fit, sizeof fit);
	snprintf(line, sizeof line, "%s%s%s", fit, mark ? " " : "", mark ? mark : "");
	int lw = text_width(line);
	x += lw < w ? (w - lw) / 2 : 0; /* centred under its own digits */
	draw_label(y, x, w, draw_attr(ROLE_NORMAL) | A_BOLD, fit);
	if (mark)
		draw_label(y, x + text_width(fit) + 1, w - text_width(fit) - 1, draw_attr(ROLE_WARN) | A_REVERSE, mark);
}

/* One row of tiles: the row's spare width shared out between the gaps,
 * digits and label centred in each tile, a rule between tiles (a double
 * one after the clock). Never draws outside [r->x, r->x + r->w). */
static void wall_draw_row(const struct wall_box *box, int first, int end, int s, int y, const struct rect *r)
{
	int count = end - first, used = 0, want = 0, gap = wall_gap(s), seps = 0;
	for (int i = first; i + 1 < end; i++)
		seps += wall_sep(i, s);
	int base[WALL_MAX_BOXES];
	for (int i = first; i < end; i++) {
		int lw = wall_label_width(box[i].label, box[i].mark);
		lw = lw > WALL_LABEL_MAX ? WALL_LABEL_MAX : lw;
		used += box[i].w;
		want += lw > box[i].w ? lw : box[i].w;
	}
	/* long labels if the whole row can have them, else short ones */
	int wide = want + seps <= r->w;
	for (int i = first; i < end; i++) {
		int lw = wall_label_width(box[i].label, box[i].mark);
		lw = lw > WALL_LABEL_MAX ? WALL_LABEL_MAX : lw;
		base[i] = wide && lw > box[i].w ? lw : box[i].w;
	}
	int spare = r->w - (wide ? want : used) - seps;
	if (spare < 0)
		spare = 0;
	int x = r->x;
	for (int i = first; i < end; i++) {
		/* each tile gets an even share of the spare width */
		int tw = base[i] + spare / count + (i - first < spare % count ? 1 : 0);
		if (x + tw > r->x + r->w)
			tw = r->x + r->w - x;
		if (tw < 1)
			break;
		int dw = wall_big_width(box[i].value, s);
		if (dw <= tw)
			wall_big_draw(y, x + (tw - dw) / 2, s, box[i].value, box[i].at);
		wall_draw_label(y + 5 * s, x, tw, &box[i], wide);
		x += tw;
		int sep = wall_sep(i, s);
		if (i + 1 < end && x + sep <= r->x + r->w) {
			const char *rule = i == 0 ? (draw_ascii() ? "||" : "║") : (draw_ascii() ? "|" : "│");
			for (int dy = 0; dy <= 5 * s; dy++)
				draw_label(y + dy, x + gap, sep - 2 * gap, draw_attr(ROLE_DIM), rule);
		}
		x += sep;
	}
}

static void wall_draw_banner(struct wall *w, const struct view_env *env, int y, const struct rect *r,
			     const struct view_backend *b)
{
	char line[300], when[40], age[32];
	int64_t since = b->last_ms;
	if (!since) {
		/* Not heard this run: the cache knows when it last wrote for it. */
		sqlite3_bind_text(w->q_cursor, 1, b->name, -1, SQLITE_STATIC);
		if (sqlite3_step(w->q_cursor) == SQLITE_ROW)
			since = sqlite3_column_int64(w->q_cursor, 0);
		sqlite3_reset(w->q_cursor);
	}
	if (since > 0) {
		fmt_time_short(since, env->now_ms, when, sizeof when);
		fmt_age(env->now_ms - since, age, sizeof age);
		snprintf(line, sizeof line, " %s %s: no update since %s (%s ago); its numbers are marked STALE ",
			 b->state ? b->state : "not live", b->name, when, age);
	} else {
		snprintf(line, sizeof line, " %s %s: no update yet; its numbers are marked STALE ",
			 b->state ? b->state : "not live", b->name);
	}
	for (char *p = line + 1; *p && *p != ' '; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	draw_text(y, r->x, r->w, draw_attr(ROLE_ERROR) | A_REVERSE, line);
}

static void wall_draw_list(struct wall *w, const struct view_env *env, const struct rect *r, int y, int y_end)
{
	char head[160], buf[64];
	const char *ceil = proto_tlp_name(env->tlp_ceiling);
	if (y >= y_end)
		return;
	if (w->page == WALL_PAGE_TICKETS)
		snprintf(head, sizeof head, " Open CRITICAL and HIGH tickets, nearest deadline first (TLP:%s and below)",
			 ceil);
	else
		snprintf(head, sizeof head, " Newest open CRITICAL alerts (TLP:%s and below)", ceil);
	draw_text(y++, r->x, r->w, draw_attr(ROLE_HEADER), head);
	int last = y_end - 1; /* the withheld line */
	for (int i = 0; i < w->nrows && y < last; i++, y++) {
		const struct wall_row *row = &w->rows[i];
		int x = r->x;
		draw_fill(y, r->x, r->w, draw_attr(ROLE_NORMAL));
		if (w->page == WALL_PAGE_TICKETS) {
			char age[32];
			int overdue = row->time < env->now_ms;
			fmt_age(overdue ? env->now_ms - row->time : row->time - env->now_ms, age, sizeof age);
			snprintf(buf, sizeof buf, "%s %s", overdue ? "OVERDUE" : "due in", age);
			x += draw_text(y, x, 14, draw_attr(row->time < env->now_ms ? ROLE_ERROR : ROLE_NORMAL), buf);
			x += draw_text(y, x, 5, draw_attr(draw_sev_role(row->sev)), fmt_sev_short(row->sev));
		} else {
			fmt_time_short(row->time, env->now_ms, buf, sizeof buf);
			x += draw_text(y, x, 12, draw_attr(ROLE_NORMAL), buf);
		}
		x += draw_text(y, x, 8, draw_attr(draw_tlp_role(row->tlp)), fmt_tlp_short(row->tlp));
		x += 1;
		int iw = r->w / 5 > 24 ? 24 : r->w / 5;
		if (x + iw < r->x + r->w)
			x += draw_text(y, x, iw, draw_attr(ROLE_NORMAL), row->inst) + 1;
		if (x < r->x + r->w)
			draw_text(y, x, r->x + r->w - x, draw_attr(ROLE_NORMAL) | A_BOLD, row->title);
	}
	if (w->nrows == 0 && y < last)
		draw_text(y++, r->x, r->w, draw_attr(ROLE_DIM), " none");
	for (; y < last; y++)
		draw_fill(y, r->x, r->w, draw_attr(ROLE_NORMAL));
	snprintf(head, sizeof head, " %lld item%s above TLP:%s withheld", (long long)w->withheld,
		 w->withheld == 1 ? "" : "s", ceil);
	draw_text(last, r->x, r->w, draw_attr(w->withheld ? ROLE_WARN : ROLE_DIM), head);
}

static void wall_draw(struct view *v, const struct rect *r, int focused)
{
	(void)focused;
	struct wall *w = v->priv;
	const struct view_env *env = v->env;
	if (env->rotate_s > 0)
		w->page = (int)((env->now_ms / 1000 / env->rotate_s) % WALL_NPAGES);
	/* A change seen between two loads waits for the next one, not lost. */
	w->stale_data |= view_stamp_changed(&w->st_alerts, env->now_ms);
	w->stale_data |= view_stamp_changed(&w->st_tickets, env->now_ms);
	w->stale_data |= view_stamp_changed(&w->st_drills, env->now_ms);
	w->stale_data |= view_stamp_changed(&w->st_vendors, env->now_ms);
	if (w->loaded_page != w->page || w->loaded_ceiling != env->tlp_ceiling ||
	    (w->stale_data && env->now_ms - w->loaded_ms >= WALL_REFRESH_MS) || env->now_ms < w->loaded_ms ||
	    env->now_ms - w->loaded_ms >= 10 * WALL_REFRESH_MS) {
		w->stale_data = 0;
		wall_load(w, env);
		w->loaded_ms = env->now_ms;
		w->loaded_page = w->page;
		w->loaded_ceiling = env->tlp_ceiling;
	}
	int y = r->y, y_end = r->y + r->h;
	for (int i = y; i < y_end; i++)
		draw_fill(i, r->x, r->w, draw_attr(ROLE_NORMAL));
	char head[200];
	snprintf(head, sizeof head, " WALL  read-only: no actions in this mode   room ceiling TLP:%s%s",
		 proto_tlp_name(env->tlp_ceiling), env->rotate_s > 0 ? "   rotating" : "");
	draw_text(y++, r->x, r->w, view_title_attr(0), head);
	for (int k = 0; k < env->nbackends && y < y_end - 4; k++)
		if (!env->backends[k].live)
			wall_draw_banner(w, env, y++, r, &env->backends[k]);

	struct wall_box box[WALL_MAX_BOXES];
	int n = wall_boxes(w, env, box);
	int starts[WALL_MAX_BOXES], rows = 0;
	/* The list keeps at least a third of what is left (and 4 lines). */
	int avail = y_end - y;
	int list_min = avail / 3 > 4 ? avail / 3 : 4;
	int room = avail - list_min - 1;
	int s = 8, shown = n, h = 0;
	for (; s >= 1; s--) {
		h = wall_pack(box, n, s, r->w, &rows, starts);
		if (h <= room)
			break;
	}
	if (s < 1) {
		/* Even small, not all fit: the lowest priorities go to a text line. */
		s = 1;
		while (shown > 1 && (h = wall_pack(box, shown, 1, r->w, &rows, starts)) > room - 1)
			shown--;
	}
	if (h > room && shown == 1)
		rows = 0, shown = 0; /* too small for any: text only */
	for (int row = 0; row < rows; row++) {
		int first = starts[row], end = row + 1 < rows ? starts[row + 1] : shown;
		wall_draw_row(box, first, end, s, y, r);
		y += 5 * s + 2;
	}
	if (shown < n && y < y_end) {
		char line[600];
		size_t used = 0;
		line[0] = '\0';
		for (int i = shown; i < n && used < sizeof line - 1; i++) {
			int k =
			    snprintf(line + used, sizeof line - used, " %s %s%s%s %s", box[i].label, box[i].value,
			             box[i].mark ? " " : "", box[i].mark ? box[i].mark : "", draw_ascii() ? "|" : "│");
			if (k < 0)
				break;
			used += (size_t)k < sizeof line - used ? (size_t)k : sizeof line - used - 1;
		}
		draw_text(y++, r->x, r->w, draw_attr(ROLE_NORMAL) | A_BOLD, line);
	}
	wall_draw_list(w, env, r, y, y_end);
	v->page = 0;
}

static int wall_key(struct view *v, int key)
{
	(void)v;
	(void)key;
	return 0; /* nothing to select, nothing to act on */
}

static int wall_selected(struct view *v, struct view_sel *out)
{
	(void)v;
	(void)out;
	return 0;
}

const struct view_class view_wall = {
	.name = "wall",
	.title = "Wall",
	.init = wall_init,
	.fini = wall_fini,
	.draw = wall_draw,
	.key = wall_key,
	.selected = wall_selected,
};
