/* bench/frame.c - how fast the dashboard comes up and redraws.
 *   first frame: from opening a cache of N alerts and M tickets (plus the
 *                simulator-like vendors, drills and advisories) to the first
 *                full frame of all five panes at 200x60 written out;
 *   redraw:      CPU time of one full redraw of the dashboard at 200x60
 *                (every pane re-queried and redrawn; ncurses sends only the
 *                cells that changed), averaged over 200 frames.
 *   filtered:    the same redraw with the alerts pane filtered ("/" of
 *                views/filter.c): a common term (sev:critical), and a term
 *                no row matches (the worst case: the whole table is read
 *                to fill the page), plus the time to apply each.
 * Baseline beside them: the same cache's plain "SELECT ... LIMIT 60" of the
 * newest alerts, the least any first frame must do.
 * Usage: frame [ALERTS] [TICKETS] (default 1000000 100000). The cache is
 * built once in /tmp and reused by later runs of the same size. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client/cache.h"
#include "client/log.h"
#include "tui/draw.h"
#include "tui/layout.h"
#include "views/filter.h"
#include "views/view.h"

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int put(struct cache *c, const char *json)
{
	struct proto_msg m;
	char err[256];
	int rc = proto_decode(json, strlen(json), &m, err, sizeof err);
	if (rc == PROTO_OK)
		rc = cache_upsert(c, "b", "e", &m.ent) < 0 ? -1 : 0;
	else
		fprintf(stderr, "frame: %s\n", err);
	proto_msg_free(&m);
	return rc;
}

static int build(const char *path, long na, long nt)
{
	struct cache *c;
	char err[256], buf[2048];
	if (cache_open(path, &c, err, sizeof err) < 0) {
		fprintf(stderr, "frame: %s\n", err);
		return -1;
	}
	static const char *insts[] = {"示範商業銀行", "北辰商業銀行", "安和證券", "福興銀行"};
	static const char *sev[] = {"info", "low", "medium", "high", "critical"};
	static const char *st[] = {"new", "triage", "in_progress", "waiting_vendor", "resolved", "closed"};
	for (long i = 0; i < na; i++) {
		snprintf(buf, sizeof buf,
			 "{\"type\":\"event\",\"seq\":%ld,\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"AL-%08ld\",\"rev\":1,"
			 "\"data\":{\"id\":\"AL-%08ld\",\"time\":\"2026-%02ld-%02ldT%02ld:%02ld:%02ldZ\",\"institution\":{\"id\":"
			 "\"B%03ld\",\"name\":\"%s\"},\"source\":\"waf\",\"category\":\"ddos\",\"severity\":\"%s\",\"title\":"
			 "\"UDP reflection flood toward online banking %ld\",\"indicators\":[],\"tlp\":\"AMBER\","
			 "\"status\":\"new\",\"correlation\":{\"key\":\"k\",\"institutions\":%ld}}}",
			 i + 1, i, i, i % 11 + 1, i % 28 + 1, i / 3600 % 24, i / 60 % 60, i % 60, i % 16, insts[i % 4],
			 sev[i % 5], i, i % 9);
		if (put(c, buf) < 0)
			return -1;
		if (i % 5000 == 4999)
			cache_flush(c);
	}
	for (long i = 0; i < nt; i++) {
		snprintf(buf, sizeof buf,
			 "{\"type\":\"event\",\"seq\":1,\"stream\":\"tickets\",\"op\":\"upsert\",\"id\":\"FCERT-%07ld\",\"rev\":1,"
			 "\"data\":{\"id\":\"FCERT-%07ld\",\"opened\":\"2026-11-%02ldT08:00:00Z\",\"updated\":\"2026-11-25T0%ld:00:"
			 "00Z\",\"institution\":{\"id\":\"B%03ld\",\"name\":\"%s\"},\"title\":\"Ticket %ld\",\"severity\":\"%s\","
			 "\"tlp\":\"GREEN\",\"status\":\"%s\",\"assignee\":\"duty.chen\",\"due\":\"2026-11-%02ldT%02ld:00:00Z\","
			 "\"hours_used\":%ld,\"alert_ids\":[\"AL-%08ld\"],\"notes\":[{\"time\":\"2026-11-25T08:00:00Z\","
			 "\"author\":\"duty.chen\",\"text\":\"已聯繫\"}]}}",
			 i, i, i % 24 + 1, i % 10, i % 16, insts[i % 4], i, sev[i % 5], st[i % 6], i % 27 + 1, i % 24,
			 i % 40, i);
		if (put(c, buf) < 0)
			return -1;
		if (i % 5000 == 4999)
			cache_flush(c);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(buf, sizeof buf,
			 "{\"type\":\"event\",\"seq\":1,\"stream\":\"vendors\",\"op\":\"upsert\",\"id\":\"V%d\",\"rev\":1,"
			 "\"data\":{\"id\":\"V%d\",\"name\":\"%s\",\"period\":{\"start\":\"2026-01-01T00:00:00Z\",\"end\":"
			 "\"2026-12-31T00:00:00Z\"},\"hours_total\":200,\"hours_used\":%d,\"hours_reserved\":10,\"low_water\":"
			 "20,\"draws\":[{\"time\":\"2026-11-20T00:00:00Z\",\"ticket_id\":\"FCERT-0000001\",\"institution_id\":"
			 "\"B001\",\"hours\":8,\"state\":\"consumed\"}]}}",
			 i, i, (const char *[]){"中華資安國際 CHT Security", "安碁資訊 Acer Cyber Security", "趨勢科技 Trend Micro",
					       "奧義智慧 CyCraft"}[i],
			 40 * i + 20);
		if (put(c, buf) < 0)
			return -1;
	}
	cache_close(c);
	return 0;
}

int main(int argc, char **argv)
{
	long na = argc > 1 ? atol(argv[1]) : 1000000, nt = argc > 2 ? atol(argv[2]) : 100000;
	char path[256];
	struct stat sb;
	setlocale(LC_ALL, "C.UTF-8");
	log_set_quiet(1);
	snprintf(path, sizeof path, "/tmp/soctop-bench-frame-%ld-%ld/cache.db", na, nt);
	if (stat(path, &sb) < 0) {
		fprintf(stderr, "frame: building a cache of %ld alerts and %ld tickets (once)...\n", na, nt);
		double t0 = wall();
		if (build(path, na, nt) < 0)
			return 1;
		fprintf(stderr, "frame: built in %.1f s\n", wall() - t0);
	}
	/* Cold-ish: drop the OS cache is not possible unprivileged in general;
	 * report that the figure is with the file in the page cache. */
	setenv("TERM", "xterm-256color", 1);
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm(NULL, out, in);
	if (!scr)
		return 1;
	resizeterm(60, 200);

	double t0 = wall(), c0 = cpu();
	struct cache *c;
	char err[256];
	if (cache_open(path, &c, err, sizeof err) < 0) {
		fprintf(stderr, "frame: %s\n", err);
		return 1;
	}
	draw_init(0, DRAW_THEME_DEFAULT, -1);
	struct view_env env = {.db = cache_db(c), .now_ms = (int64_t)time(NULL) * 1000};
	const struct view_class *cls[] = {&view_alerts, &view_tickets, &view_vendors, &view_drills, &view_advisories};
	const char *names[] = {"alerts", "tickets", "vendors", "drills", "advisories"};
	struct view v[5];
	memset(v, 0, sizeof v);
	struct layout l;
	struct layout_place place[LAYOUT_MAX_PANES];
	layout_parse(LAYOUT_DEFAULT_WIDE, names, 5, &l, err, sizeof err);
	int np = layout_compute(&l, (struct rect){1, 0, 57, 200}, place, LAYOUT_MAX_PANES);
	for (int i = 0; i < 5; i++) {
		v[i].cls = cls[i];
		v[i].env = &env;
		if (cls[i]->init(&v[i]) < 0)
			return 1;
	}
	for (int k = 0; k < np; k++)
		for (int i = 0; i < 5; i++)
			if (strcmp(place[k].pane, names[i]) == 0)
				cls[i]->draw(&v[i], &place[k].r, i == 0);
	doupdate();
	double first_wall = wall() - t0, first_cpu = cpu() - c0;

	int frames = 200;
	c0 = cpu();
	for (int f = 0; f < frames; f++) {
		env.now_ms += 50; /* frames at the default cap of 20 a second */
		erase();
		for (int k = 0; k < np; k++)
			for (int i = 0; i < 5; i++)
				if (strcmp(place[k].pane, names[i]) == 0)
					cls[i]->draw(&v[i], &place[k].r, i == 0);
		doupdate();
	}
	double per = (cpu() - c0) / frames;

	/* Filtered: apply, then redraw the dashboard as above. */
	const char *exprs[2] = {"sev:critical", "inst:no-such-institution"};
	double f_apply[2], f_per[2], f_first[2];
	int f_frames[2] = {frames, 50};
	for (int e = 0; e < 2; e++) {
		struct filter fl;
		if (filter_parse(exprs[e], env.now_ms, &fl, err, sizeof err) < 0)
			return 1;
		c0 = cpu();
		if (cls[0]->set_filter(&v[0], &fl) < 0)
			return 1;
		v[0].filter = fl;
		f_apply[e] = cpu() - c0;
		c0 = cpu();
		for (int f = 0; f <= f_frames[e]; f++) {
			if (f == 1) { /* the first frame reads and counts; the next ones are the steady state */
				f_first[e] = cpu() - c0;
				c0 = cpu();
			}
			env.now_ms += 50;
			erase();
			for (int k = 0; k < np; k++)
				for (int i = 0; i < 5; i++)
					if (strcmp(place[k].pane, names[i]) == 0)
						cls[i]->draw(&v[i], &place[k].r, i == 0);
			doupdate();
		}
		f_per[e] = (cpu() - c0) / f_frames[e];
	}

	/* Baseline: the newest 60 alerts by a plain query. */
	sqlite3_stmt *st;
	c0 = cpu();
	for (int f = 0; f < frames; f++) {
		sqlite3_prepare_v2(cache_db(c), "SELECT time, id, title, data FROM alerts ORDER BY time DESC LIMIT 60", -1,
				   &st, NULL);
		while (sqlite3_step(st) == SQLITE_ROW)
			;
		sqlite3_finalize(st);
	}
	double base = (cpu() - c0) / frames;

	/* A range query: one day in the middle of the cached year, newest 60
	 * first, as a time filter would ask it (the (time, id) index). */
	int64_t lo = 0;
	proto_time_parse("2026-06-15T00:00:00Z", &lo);
	int64_t hi = lo + 24 * 3600 * 1000LL;
	long in_range = 0;
	sqlite3_prepare_v2(cache_db(c), "SELECT count(*) FROM alerts WHERE time >= ?1 AND time < ?2", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	if (sqlite3_step(st) == SQLITE_ROW)
		in_range = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_prepare_v2(cache_db(c),
			   "SELECT time, id, title, data FROM alerts WHERE time >= ?1 AND time < ?2 ORDER BY time DESC, id DESC "
			   "LIMIT 60",
			   -1, &st, NULL);
	double w0 = wall();
	c0 = cpu();
	for (int f = 0; f < frames; f++) {
		sqlite3_bind_int64(st, 1, lo);
		sqlite3_bind_int64(st, 2, hi);
		while (sqlite3_step(st) == SQLITE_ROW)
			;
		sqlite3_reset(st);
	}
	double range = (cpu() - c0) / frames, range_wall = (wall() - w0) / frames;
	sqlite3_finalize(st);

	printf("dashboard with %ld alerts and %ld tickets cached, 200x60 (cache file in the page cache):\n", na, nt);
	printf("  first full frame (open cache, five panes, write): %7.1f ms wall, %.1f ms CPU\n", first_wall * 1e3,
	       first_cpu * 1e3);
	printf("  one full redraw of the dashboard              : %7.3f ms CPU (mean of %d)\n", per * 1e3, frames);
	for (int e = 0; e < 2; e++)
		printf("  the same, alerts filtered by %-24s: %7.3f ms CPU (mean of %d; applying it %.1f ms, "
		       "the first frame %.1f ms)\n",
		       exprs[e], f_per[e] * 1e3, f_frames[e], f_apply[e] * 1e3, f_first[e] * 1e3);
	printf("  baseline: plain query of the newest 60 alerts  : %7.3f ms CPU\n", base * 1e3);
	printf("  range query, one day (%ld alerts), newest 60   : %7.3f ms CPU, %.3f ms wall\n", in_range, range * 1e3,
	       range_wall * 1e3);
	for (int i = 0; i < 5; i++)
		cls[i]->fini(&v[i]);
	cache_close(c);
	endwin();
	delscreen(scr);
	return 0;
}
