/* views/rows.c - see rows.h. */
#include "views/rows.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "client/proto.h"
#include "views/fmt.h"

#define DAY_MS 86400000LL
/* Times beyond +-30,000 years are nonsense from a backend; clamping them
 * keeps every subtraction below far from int64 overflow. */
#define MS_LIMIT 1000000000000000LL

static int64_t clamp_ms(int64_t ms)
{
	return ms > MS_LIMIT ? MS_LIMIT : ms < -MS_LIMIT ? -MS_LIMIT : ms;
}

static double clamp_qty(double h)
{
	return isfinite(h) && h > 0 ? h : 0;
}

int64_t rows_diff_ms(int64_t a, int64_t b)
{
	return clamp_ms(a) - clamp_ms(b);
}

void rows_span(int64_t ms, char *out, size_t n)
{
	long long m = (long long)(clamp_ms(ms) / 60000);
	if (m < 1)
		snprintf(out, n, "<1m");
	else if (m < 60)
		snprintf(out, n, "%lldm", m);
	else if (m < 24 * 60)
		snprintf(out, n, "%lldh%02lldm", m / 60, m % 60);
	else
		snprintf(out, n, "%lldd%02lldh", m / 1440, m % 1440 / 60);
}

int rows_ticket_done(const char *status)
{
	return status && (!strcmp(status, "resolved") || !strcmp(status, "closed"));
}

const char *rows_ticket_status(const char *status)
{
	if (!status || !status[0])
		return "-";
	if (!strcmp(status, "in_progress"))
		return "in progress";
	if (!strcmp(status, "waiting_vendor"))
		return "waiting vendor";
	return status;
}

int rows_due_text(int64_t due_ms, int have_due, int64_t now_ms, const char *status, char *out, size_t n)
{
	char span[32];
	if (!have_due || rows_ticket_done(status)) {
		snprintf(out, n, "-");
		return 0;
	}
	int64_t d = clamp_ms(due_ms) - clamp_ms(now_ms);
	if (d >= 0) {
		rows_span(d, span, sizeof span);
		snprintf(out, n, "%s left", span);
		return 0;
	}
	long long m = (long long)(-d / 60000);
	if (m < 1)
		snprintf(out, n, "OVERDUE <1m");
	else if (m < 60)
		snprintf(out, n, "OVERDUE %lldm", m);
	else if (m < 48 * 60)
		snprintf(out, n, "OVERDUE %lldh", m / 60);
	else
		snprintf(out, n, "OVERDUE %lldd", m / 1440);
	return 1;
}

/* ---- ticket sorts ---- */

#define DONE "(status IN ('resolved','closed'))"
/* The cache keeps a ticket's due as a column (Unix ms, NULL when none). */
#define DUE "due"
#define STATUS_RANK                                                                                                    \
	"(CASE status WHEN 'new' THEN 0 WHEN 'triage' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'waiting_vendor' "         \
	"THEN 3 WHEN 'resolved' THEN 4 WHEN 'closed' THEN 5 ELSE 6 END)"
#define INST "coalesce(inst_name, inst_id, '')"

static const struct {
	const char *name;
	int desc; /* the natural direction shows the largest first */
	const char *order[2];
} sorts[ROWS_SORT_COUNT] = {
    [ROWS_SORT_DUE] = {"due",
                       0,
                       {DONE ", " DUE " IS NULL, " DUE " ASC, id ASC, backend ASC",
                        DONE ", " DUE " IS NULL, " DUE " DESC, id DESC, backend DESC"}},
    [ROWS_SORT_SEVERITY] = {"severity",
                            1,
                            {"severity DESC, updated DESC, id ASC, backend ASC",
                             "severity ASC, updated ASC, id DESC, backend DESC"}},
    [ROWS_SORT_UPDATED] = {"updated", 1, {"updated DESC, id DESC, backend DESC", "updated ASC, id ASC, backend ASC"}},
    [ROWS_SORT_OPENED] = {"opened", 1, {"time DESC, id DESC, backend DESC", "time ASC, id ASC, backend ASC"}},
    [ROWS_SORT_STATUS] = {"status",
                          0,
                          {STATUS_RANK " ASC, updated DESC, id ASC, backend ASC",
                           STATUS_RANK " DESC, updated ASC, id DESC, backend DESC"}},
    [ROWS_SORT_INST] = {"institution", 0, {INST " ASC, id ASC, backend ASC", INST " DESC, id DESC, backend DESC"}},
};

static int sort_index(int sort)
{
	return sort >= 0 && sort < ROWS_SORT_COUNT ? sort : ROWS_SORT_DUE;
}

const char *rows_ticket_order(int sort, int reverse)
{
	return sorts[sort_index(sort)].order[reverse ? 1 : 0];
}

const char *rows_ticket_sort_name(int sort)
{
	return sorts[sort_index(sort)].name;
}

int rows_ticket_sort_desc(int sort, int reverse)
{
	return sorts[sort_index(sort)].desc ^ (reverse ? 1 : 0);
}

/* ---- vendors ---- */

void rows_hours(double h, char *out, size_t n)
{
	if (!isfinite(h))
		snprintf(out, n, "-");
	else if (fabs(h) >= 1e9)
		snprintf(out, n, "%.3g", h);
	else if (fabs(h - round(h)) < 0.05)
		snprintf(out, n, "%.0f", h);
	else
		snprintf(out, n, "%.1f", h);
}

int rows_vendor_gauge(double total, double used, double reserved, int width, int ascii, char *out, size_t n)
{
	static const char *glyph[2][3] = {{"\u2588", "\u2592", "\u2591"}, {"#", "+", "."}};
	const char *const *g = glyph[ascii ? 1 : 0];
	if (!out || n == 0)
		return 0;
	out[0] = '\0';
	if (width <= 0)
		return 0;
	total = clamp_qty(total);
	used = clamp_qty(used);
	reserved = clamp_qty(reserved);
	int u = width, ur = width;
	if (total > 0) {
		/* Cumulative rounding: the two edges are each placed once. */
		double fu = used / total * width, fur = (used + reserved) / total * width;
		u = fu >= width ? width : (int)lround(fu);
		ur = fur >= width ? width : (int)lround(fur);
		if (ur < u)
			ur = u;
	}
	size_t len = 0;
	int cells = 0;
	for (; cells < width; cells++) {
		const char *s = g[cells < u ? 0 : cells < ur ? 1 : 2];
		size_t l = strlen(s);
		if (len + l + 1 > n)
			break;
		memcpy(out + len, s, l);
		len += l;
	}
	out[len] = '\0';
	return cells;
}

int rows_vendor_low(double total, double used, double reserved, double low_water)
{
	double left = clamp_qty(total) - clamp_qty(used) - clamp_qty(reserved);
	double low = clamp_qty(low_water);
	if (left <= 0 || left < low / 2)
		return ROWS_ERROR;
	return left < low ? ROWS_WARN : ROWS_NORMAL;
}

void rows_vendor_burn(const json_t *draws, int64_t now_ms, struct rows_burn *out)
{
	size_t i;
	json_t *d;
	double burnt = 0;
	*out = (struct rows_burn){0};
	if (!json_is_array(draws))
		return;
	now_ms = clamp_ms(now_ms);
	json_array_foreach(draws, i, d)
	{
		json_t *h = json_object_get(d, "hours"), *st = json_object_get(d, "state");
		const char *state = json_string_value(st);
		if (!json_is_number(h) || !state)
			continue;
		double hours = json_number_value(h);
		if (!isfinite(hours) || hours < 0)
			continue;
		if (!strcmp(state, "requested")) {
			out->pending++;
			out->pending_hours += hours;
			continue;
		}
		if (strcmp(state, "consumed") && strcmp(state, "approved"))
			continue;
		int64_t t;
		const char *ts = json_string_value(json_object_get(d, "time"));
		if (!ts || proto_time_parse(ts, &t) < 0)
			continue;
		t = clamp_ms(t);
		if (t <= now_ms && t > now_ms - 30 * DAY_MS)
			burnt += hours;
	}
	out->per_day = burnt / 30.0;
}

int rows_dry_date(double remaining, double per_day, int64_t now_ms, int64_t end_ms, int have_end, int ascii, char *out,
                  size_t n)
{
	char date[32];
	if (!isfinite(remaining) || remaining <= 0) {
		snprintf(out, n, "empty!");
		return 1;
	}
	if (!isfinite(per_day) || per_day <= 0) {
		snprintf(out, n, "%s", ascii ? "-" : "\u2014");
		return 0;
	}
	double days = remaining / per_day;
	if (days > 365.0 * 1000) { /* a thousand years: as good as never */
		snprintf(out, n, ">1000y");
		return 0;
	}
	int64_t dry = clamp_ms(now_ms) + (int64_t)(days * (double)DAY_MS);
	int early = have_end && dry < clamp_ms(end_ms);
	fmt_date(dry, date, sizeof date);
	snprintf(out, n, "%s%s", date, early ? "!" : "");
	return early;
}

/* ---- drills ---- */

void rows_step_offset(int64_t start_ms, int64_t at_ms, int have, char *out, size_t n)
{
	if (!have) {
		snprintf(out, n, "-");
		return;
	}
	int64_t d = clamp_ms(at_ms) - clamp_ms(start_ms);
	char sign = d < 0 ? '-' : '+';
	long long s = (long long)((d < 0 ? -d : d) / 1000);
	if (s < 60)
		snprintf(out, n, "%c%llds", sign, s);
	else if (s < 3600)
		snprintf(out, n, "%c%lldm%02llds", sign, s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, n, "%c%lldh%02lldm", sign, s / 3600, s % 3600 / 60);
	else
		snprintf(out, n, "%c%lldd%02lldh", sign, s / 86400, s % 86400 / 3600);
}

int rows_probe_text(const json_t *probes, int with_latency, char *out, size_t n)
{
	static const char *points[3] = {"domestic", "foreign", "cloud"};
	static const char letters[3] = {'D', 'F', 'C'};
	size_t len = 0;
	int down = 0, full = 0;
	if (!out || n == 0)
		return 0;
	out[0] = '\0';
	for (int p = 0; p < 3; p++) {
		const json_t *found = NULL, *x;
		size_t i;
		if (json_is_array(probes))
			json_array_foreach((json_t *)probes, i, x)
			{
				const char *pt = json_string_value(json_object_get(x, "point"));
				if (pt && !strcmp(pt, points[p]))
					found = x; /* the last one of a point wins */
			}
		char cell[32];
		json_t *ok = found ? json_object_get(found, "ok") : NULL;
		json_t *lat = found ? json_object_get(found, "latency_ms") : NULL;
		if (!found)
			snprintf(cell, sizeof cell, "%c:-", letters[p]);
		else if (!json_is_boolean(ok))
			snprintf(cell, sizeof cell, "%c:?", letters[p]);
		else if (!json_is_true(ok)) {
			snprintf(cell, sizeof cell, "%c:DOWN", letters[p]);
			down++;
		} else if (with_latency && json_is_number(lat) && isfinite(json_number_value(lat))) {
			double ms = json_number_value(lat);
			ms = ms < 0 ? 0 : ms > 99999 ? 99999 : ms;
			snprintf(cell, sizeof cell, "%c:ok %.0fms", letters[p], ms);
		} else
			snprintf(cell, sizeof cell, "%c:ok", letters[p]);
		if (full)
			continue; /* still counted */
		int w = snprintf(out + len, n - len, "%s%s", p ? " " : "", cell);
		if (w < 0 || (size_t)w >= n - len) {
			out[len] = '\0'; /* whole cells only */
			full = 1;
			continue;
		}
		len += (size_t)w;
	}
	return down;
}

const char *rows_participant_status(const char *status, int *level)
{
	static const struct {
		const char *key, *word;
		int level;
	} map[] = {
	    {"pending", "pending", ROWS_NORMAL}, {"under_attack", "UNDER ATTACK", ROWS_ERROR},
	    {"degraded", "DEGRADED", ROWS_WARN}, {"mitigated", "mitigated", ROWS_OK},
	    {"recovered", "recovered", ROWS_OK}, {"withdrawn", "withdrawn", ROWS_NORMAL},
	};
	int dummy;
	if (!level)
		level = &dummy;
	*level = ROWS_NORMAL;
	if (!status || !status[0])
		return "-";
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(status, map[i].key)) {
			*level = map[i].level;
			return map[i].word;
		}
	return status;
}

/* ---- advisories ---- */

const char *rows_advisory_kind(const char *kind)
{
	static const char *map[][2] = {
	    {"phishing_site", "phish site"}, {"phishing_app", "phish app"}, {"vulnerability", "vuln"},
	    {"threat_report", "threat"},     {"weekly_report", "weekly"},   {"monthly_report", "monthly"},
	};
	if (!kind || !kind[0])
		return "-";
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(kind, map[i][0]))
			return map[i][1];
	return kind;
}

void rows_cve_text(const char *cve, int have_cvss, double cvss, char *out, size_t n)
{
	int cv = have_cvss && isfinite(cvss) && cvss >= 0 && cvss <= 10;
	if (cve && cve[0] && cv)
		snprintf(out, n, "%s %.1f", cve, cvss);
	else if (cve && cve[0])
		snprintf(out, n, "%s", cve);
	else if (cv)
		snprintf(out, n, "CVSS %.1f", cvss);
	else if (n)
		out[0] = '\0';
}
