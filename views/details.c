/* views/details.c - see details.h. */
#include "views/details.h"
#include "tui/i18n.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cache.h"
#include "views/fmt.h"

#define DETAILS_MAX_LINES 600
#define DETAILS_LINE 512
#define DETAILS_MAX_LINKS 100 /* linked items looked up per build */

struct dline {
	char text[DETAILS_LINE];
	int role;
	int link; /* 1: Enter jumps to link */
	struct view_sel target;
};

struct details {
	struct view_env *env;
	struct view_sel sel;
	struct dline *lines;
	int n;
	int top;
	int cursor; /* selected line (links are what it is for) */
	int found;
};

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

int details_open(struct details **out, struct view_env *env, const struct view_sel *sel)
{
	struct details *d = calloc(1, sizeof *d);
	if (!d)
		return -1;
	d->lines = calloc(DETAILS_MAX_LINES, sizeof *d->lines);
	if (!d->lines) {
		free(d);
		return -1;
	}
	d->env = env;
	d->sel = *sel;
	*out = d;
	return 0;
}

void details_close(struct details *d)
{
	if (!d)
		return;
	free(d->lines);
	free(d);
}

const struct view_sel *details_item(const struct details *d)
{
	return &d->sel;
}

static struct dline *add(struct details *d, int role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static struct dline *add(struct details *d, int role, const char *fmt, ...)
{
	if (d->n >= DETAILS_MAX_LINES)
		return NULL;
	struct dline *l = &d->lines[d->n++];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof l->text, fmt, ap);
	va_end(ap);
	l->role = role;
	l->link = 0;
	return l;
}

static void scalar_text(json_t *v, char *out, size_t n)
{
	if (json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, n, "%g", json_real_value(v));
	else if (json_is_true(v))
		snprintf(out, n, "yes");
	else if (json_is_false(v))
		snprintf(out, n, "no");
	else if (json_is_null(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "…");
}

/* A time field shown in local time as well. */
static void value_text(json_t *v, char *out, size_t n)
{
	int64_t ms;
	char when[40];
	scalar_text(v, out, n);
	if (json_is_string(v) && proto_time_parse(json_string_value(v), &ms) == 0) {
		fmt_time_full(ms, when, sizeof when);
		snprintf(out, n, "%s", when);
	}
}

/* An object on one line: "k=v k=v". */
static void object_line(json_t *o, char *out, size_t n)
{
	const char *k;
	json_t *v;
	size_t used = 0;
	out[0] = '\0';
	json_object_foreach(o, k, v)
	{
		char val[256];
		if (json_is_object(v) || json_is_array(v)) {
			if (json_is_object(v) && json_object_get(v, "name"))
				scalar_text(json_object_get(v, "name"), val, sizeof val);
			else
				snprintf(val, sizeof val, "(%zu)", json_is_array(v) ? json_array_size(v) : json_object_size(v));
		} else {
			value_text(v, val, sizeof val);
		}
		int w = snprintf(out + used, n - used, "%s%s=%s", used ? "  " : "", k, val);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

static void add_field(struct details *d, const char *prefix, const char *k, json_t *v, int depth)
{
	char val[400];
	if (json_is_object(v)) {
		if (depth < 2) {
			char p[128];
			snprintf(p, sizeof p, "%s%s.", prefix, k);
			const char *kk;
			json_t *vv;
			json_object_foreach(v, kk, vv) add_field(d, p, kk, vv, depth + 1);
		} else {
			object_line(v, val, sizeof val);
			add(d, ROLE_NORMAL, "%s%-14s %s", prefix, k, val);
		}
		return;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		if (json_array_size(v) == 0) {
			add(d, ROLE_DIM, _("%s%-14s (none)"), prefix, k);
			return;
		}
		int all_scalar = 1;
		json_array_foreach(v, i, e) if (json_is_object(e) || json_is_array(e)) all_scalar = 0;
		if (all_scalar) {
			char joined[400] = "";
			size_t used = 0;
			json_array_foreach(v, i, e)
			{
				scalar_text(e, val, sizeof val);
				int w = snprintf(joined + used, sizeof joined - used, "%s%s", i ? ", " : "", val);
				if (w < 0 || (size_t)w >= sizeof joined - used)
					break;
				used += (size_t)w;
			}
			add(d, ROLE_NORMAL, "%s%-14s %s", prefix, k, joined);
			return;
		}
		add(d, ROLE_HEADER, "%s%s (%zu)", prefix, k, json_array_size(v));
		json_array_foreach(v, i, e)
		{
			if (json_is_object(e))
				object_line(e, val, sizeof val);
			else
				scalar_text(e, val, sizeof val);
			add(d, ROLE_NORMAL, "  - %s", val);
		}
		return;
	}
	value_text(v, val, sizeof val);
	char key[160];
	snprintf(key, sizeof key, "%s%s", prefix, k);
	int role = ROLE_NORMAL;
	if (strcmp(k, "severity") == 0)
		role = draw_sev_role(proto_sev_parse(json_string_value(v) ? json_string_value(v) : ""));
	else if (strcmp(k, "tlp") == 0)
		role = draw_tlp_role(proto_tlp_parse(json_string_value(v) ? json_string_value(v) : "RED"));
	add(d, role, "%-18s %s", key, val);
}

static void add_link(struct details *d, enum proto_stream stream, const char *backend, const char *id)
{
	if (d->n >= DETAILS_MAX_LINES)
		return; /* the pane is full: no more lookups */
	sqlite3_stmt *st;
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT title, status, backend FROM %s WHERE id = ?1 ORDER BY backend = ?2 DESC LIMIT 1",
		 cache_table(stream));
	const char *title = "(not in the cache yet)", *status = "";
	char tbuf[300] = "", sbuf[32] = "", bbuf[64];
	snprintf(bbuf, sizeof bbuf, "%s", backend);
	if (sqlite3_prepare_v2(d->env->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, backend, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(tbuf, sizeof tbuf, "%s", col(st, 0));
			snprintf(sbuf, sizeof sbuf, "%s", col(st, 1));
			snprintf(bbuf, sizeof bbuf, "%s", col(st, 2));
			title = tbuf;
			status = sbuf;
		}
		sqlite3_finalize(st);
	}
	struct dline *l = add(d, ROLE_NORMAL, "  → %s %s  %s%s%s%s", stream == PROTO_TICKETS ? "ticket" : "alert", id,
			      title, status[0] ? "  [" : "", status, status[0] ? "]" : "");
	if (l) {
		l->link = 1;
		l->target.stream = stream;
		snprintf(l->target.backend, sizeof l->target.backend, "%s", bbuf);
		snprintf(l->target.id, sizeof l->target.id, "%s", id);
	}
}

static void build(struct details *d)
{
	sqlite3_stmt *st;
	char sql[160];
	d->n = 0;
	d->found = 0;
	snprintf(sql, sizeof sql, "SELECT data, epoch, rev FROM %s WHERE backend = ?1 AND id = ?2",
		 cache_table(d->sel.stream));
	if (sqlite3_prepare_v2(d->env->db, sql, -1, &st, NULL) != SQLITE_OK) {
		add(d, ROLE_ERROR, _("cannot read the cache: %s"), sqlite3_errmsg(d->env->db));
		return;
	}
	sqlite3_bind_text(st, 1, d->sel.backend, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->sel.id, -1, SQLITE_STATIC);
	json_t *data = NULL;
	long long rev = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		data = text ? json_loads(text, 0, NULL) : NULL;
		rev = sqlite3_column_int64(st, 2);
		d->found = 1;
	}
	sqlite3_finalize(st);
	if (!d->found) {
		add(d, ROLE_WARN, _("%s %s is no longer in the cache (deleted, or purged)."),
		    proto_stream_name(d->sel.stream), d->sel.id);
		return;
	}
	if (!json_is_object(data)) {
		add(d, ROLE_ERROR, "%s %s: the cached entity is not readable JSON", proto_stream_name(d->sel.stream),
		    d->sel.id);
		json_decref(data);
		return;
	}
	add(d, ROLE_HEADER, _("%s %s   from %s, revision %lld"), proto_stream_name(d->sel.stream), d->sel.id,
	    d->sel.backend, rev);
	const char *k;
	json_t *v;
	/* Scalars and small objects first, then the long lists. */
	json_object_foreach(data, k, v)
	{
		if (strcmp(k, "id") == 0 || strcmp(k, "notes") == 0 || strcmp(k, "indicators") == 0 ||
		    strcmp(k, "alert_ids") == 0 || json_is_array(v))
			continue;
		add_field(d, "", k, v, 0);
	}
	json_t *ind = json_object_get(data, "indicators");
	if (json_is_array(ind) && json_array_size(ind)) {
		size_t i;
		json_t *e;
		add(d, ROLE_NORMAL, "%s", "");
		add(d, ROLE_HEADER, _("Indicators (%zu)"), json_array_size(ind));
		json_array_foreach(ind, i, e)
		{
			char t[32], val[300];
			scalar_text(json_object_get(e, "type"), t, sizeof t);
			scalar_text(json_object_get(e, "value"), val, sizeof val);
			add(d, ROLE_NORMAL, "  %-7s %s", t, val);
		}
	}
	json_object_foreach(data, k, v)
	{
		if (json_is_array(v) && strcmp(k, "notes") != 0 && strcmp(k, "indicators") != 0 &&
		    strcmp(k, "alert_ids") != 0) {
			add(d, ROLE_NORMAL, "%s", "");
			add_field(d, "", k, v, 0);
		}
	}
	/* Links: an alert's ticket; a ticket's alerts (named by it, or naming it). */
	if (d->sel.stream == PROTO_ALERTS) {
		json_t *t = json_object_get(data, "ticket_id");
		if (json_is_string(t)) {
			add(d, ROLE_NORMAL, "%s", "");
			add(d, ROLE_HEADER, "%s", _("Ticket"));
			add_link(d, PROTO_TICKETS, "", json_string_value(t));
		}
	} else if (d->sel.stream == PROTO_TICKETS) {
		json_t *ids = json_object_get(data, "alert_ids");
		size_t i;
		json_t *e;
		add(d, ROLE_NORMAL, "%s", "");
		add(d, ROLE_HEADER, _("Alerts (%zu)"), json_is_array(ids) ? json_array_size(ids) : (size_t)0);
		json_array_foreach(ids, i, e)
		{
			if (i >= DETAILS_MAX_LINKS) {
				add(d, ROLE_DIM, _("  … %zu more"), json_array_size(ids) - i);
				break;
			}
			if (json_is_string(e))
				add_link(d, PROTO_ALERTS, "", json_string_value(e));
		}
		if (sqlite3_prepare_v2(d->env->db, "SELECT id FROM alerts WHERE ticket_id = ?1 ORDER BY time DESC LIMIT 50",
				       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, d->sel.id, -1, SQLITE_STATIC);
			while (sqlite3_step(st) == SQLITE_ROW) {
				const char *id = (const char *)sqlite3_column_text(st, 0);
				int dup = 0;
				json_array_foreach(ids, i, e)
				{
					if (i >= DETAILS_MAX_LINKS)
						break;
					if (json_is_string(e) && id && strcmp(json_string_value(e), id) == 0)
						dup = 1;
				}
				if (id && !dup)
					add_link(d, PROTO_ALERTS, "", id);
			}
			sqlite3_finalize(st);
		}
	}
	/* The notes timeline, oldest first. */
	json_t *notes = json_object_get(data, "notes");
	if (json_is_array(notes)) {
		size_t i;
		json_t *e;
		add(d, ROLE_NORMAL, "%s", "");
		add(d, ROLE_HEADER, _("Notes (%zu)"), json_array_size(notes));
		json_array_foreach(notes, i, e)
		{
			char when[40] = "-", who[80], text[400];
			int64_t ms;
			json_t *t = json_object_get(e, "time");
			if (json_is_string(t) && proto_time_parse(json_string_value(t), &ms) == 0)
				fmt_time_full(ms, when, sizeof when);
			scalar_text(json_object_get(e, "author"), who, sizeof who);
			scalar_text(json_object_get(e, "text"), text, sizeof text);
			add(d, ROLE_DIM, "  %s  %s", when, who);
			add(d, ROLE_NORMAL, "      %s", text);
		}
	}
	json_decref(data);
	/* What operators did to it, and what the backend said. */
	if (sqlite3_prepare_v2(d->env->db,
			       "SELECT op, state, coalesce(result_code, ''), coalesce(result_message, ''), created, args "
			       "FROM outbox WHERE target = ?1 ORDER BY id DESC LIMIT 20",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, d->sel.id, -1, SQLITE_STATIC);
		int first = 1;
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (first) {
				add(d, ROLE_NORMAL, "%s", "");
				add(d, ROLE_HEADER, "%s", _("Your actions"));
				first = 0;
			}
			const char *state = (const char *)sqlite3_column_text(st, 1);
			int role = !state ? ROLE_NORMAL
				   : strcmp(state, "done") == 0    ? ROLE_OK
				   : strcmp(state, "refused") == 0 ? ROLE_ERROR
								   : ROLE_WARN;
			char when[40];
			fmt_time_full(sqlite3_column_int64(st, 4), when, sizeof when);
			add(d, role, "  %s  %s %s  %s %s %s", when, col(st, 0),
			    col(st, 5),
			    state && strcmp(state, "sent") == 0 ? "pending" : state ? state : "",
			    col(st, 2), col(st, 3));
		}
		sqlite3_finalize(st);
	}
}

int details_lines(struct details *d, int i, char *out, size_t n)
{
	build(d);
	if (i >= 0 && i < d->n)
		snprintf(out, n, "%s", d->lines[i].text);
	else if (n)
		out[0] = '\0';
	return d->n;
}

void details_draw(struct details *d, const struct rect *r)
{
	build(d);
	attr_t tattr = draw_attr(ROLE_TITLE_FOCUS);
	char title[400];
	snprintf(title, sizeof title, _(" Details: %s %s   from %s"),
		 proto_stream_name(d->sel.stream), d->sel.id, d->sel.backend);
	draw_fill(r->y, r->x, r->w, tattr);
	draw_label(r->y, r->x, r->w, tattr, title);
	int rows = r->h - 1;
	if (d->cursor >= d->n)
		d->cursor = d->n > 0 ? d->n - 1 : 0;
	if (d->cursor < d->top)
		d->top = d->cursor;
	if (rows > 0 && d->cursor >= d->top + rows)
		d->top = d->cursor - rows + 1;
	for (int i = 0; i < rows; i++) {
		int k = d->top + i;
		int y = r->y + 1 + i;
		if (k >= d->n) {
			draw_fill(y, r->x, r->w, draw_attr(ROLE_NORMAL));
			continue;
		}
		attr_t at = draw_attr(k == d->cursor ? ROLE_SELECTED : (enum draw_role)d->lines[k].role);
		draw_text(y, r->x, r->w, at, d->lines[k].text);
	}
}

int details_key(struct details *d, int key, struct view_sel *jump)
{
	switch (key) {
	case KEY_DOWN:
	case 'j':
		if (d->cursor < d->n - 1)
			d->cursor++;
		return 1;
	case KEY_UP:
	case 'k':
		if (d->cursor > 0)
			d->cursor--;
		return 1;
	case KEY_NPAGE:
	case ' ':
		d->cursor += 10;
		if (d->cursor >= d->n)
			d->cursor = d->n > 0 ? d->n - 1 : 0;
		return 1;
	case KEY_PPAGE:
		d->cursor = d->cursor > 10 ? d->cursor - 10 : 0;
		return 1;
	case KEY_HOME:
	case 'g':
		d->cursor = 0;
		return 1;
	case KEY_END:
	case 'G':
		d->cursor = d->n > 0 ? d->n - 1 : 0;
		return 1;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (d->cursor < d->n && d->lines[d->cursor].link) {
			*jump = d->lines[d->cursor].target;
			return 2;
		}
		/* Enter on a plain line: jump to the next link, if any. */
		for (int i = d->cursor + 1; i < d->n; i++)
			if (d->lines[i].link) {
				d->cursor = i;
				return 1;
			}
		return 1;
	}
	return 0;
}
