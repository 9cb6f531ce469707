/* views/fmt.c - see fmt.h. */
#include "views/fmt.h"

#include <stdio.h>
#include <time.h>

void fmt_time_short(int64_t ms, int64_t now_ms, char *out, size_t n)
{
	time_t t = (time_t)(ms / 1000), now = (time_t)(now_ms / 1000);
	struct tm a, b;
	localtime_r(&t, &a);
	localtime_r(&now, &b);
	if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday)
		strftime(out, n, "%H:%M:%S", &a);
	else
		strftime(out, n, "%m-%d %H:%M", &a);
}

void fmt_time_full(int64_t ms, char *out, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm a;
	localtime_r(&t, &a);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &a);
}

void fmt_date(int64_t ms, char *out, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm a;
	if (!localtime_r(&t, &a) || strftime(out, n, "%Y-%m-%d", &a) == 0)
		snprintf(out, n, "-");
}

void fmt_age(int64_t ms, char *out, size_t n)
{
	int64_t s = ms / 1000;
	if (s < 1)
		snprintf(out, n, "now");
	else if (s < 120)
		snprintf(out, n, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(out, n, "%lldm", (long long)(s / 60));
	else if (s < 172800)
		snprintf(out, n, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, n, "%lldd", (long long)(s / 86400));
}

const char *fmt_sev_short(int sev)
{
	static const char *names[] = {"INFO", "LOW", "MED", "HIGH", "CRIT"};
	return sev >= 0 && sev <= 4 ? names[sev] : "-";
}

const char *fmt_tlp_short(int tlp)
{
	static const char *names[] = {"CLEAR", "GREEN", "AMBER", "AMBER+S", "RED"};
	return tlp >= 0 && tlp <= 4 ? names[tlp] : "-";
}

void fmt_columns(struct fmt_col *cols, int n, int width)
{
	/* Space between columns is one cell. Drop lowest priority until the
	 * minimums fit. */
	for (int i = 0; i < n; i++)
		cols[i].w = cols[i].min;
	for (;;) {
		int need = -1, lowest = -1;
		for (int i = 0; i < n; i++) {
			if (!cols[i].w)
				continue;
			need += cols[i].w + 1;
			if (lowest < 0 || cols[i].prio < cols[lowest].prio)
				lowest = i;
		}
		if (need <= width || lowest < 0)
			break;
		cols[lowest].w = 0;
	}
	int used = -1, flex = -1;
	for (int i = 0; i < n; i++) {
		if (!cols[i].w)
			continue;
		used += cols[i].w + 1;
		if (cols[i].max == 0 && flex < 0)
			flex = i;
	}
	int spare = width - used;
	/* Fixed columns grow to their max first (in order), the flexible one takes the rest. */
	for (int i = 0; i < n && spare > 0; i++) {
		if (!cols[i].w || cols[i].max == 0)
			continue;
		int grow = cols[i].max - cols[i].w;
		if (grow > 0 && flex >= 0) {
			/* leave the flexible column at least twice its minimum */
			int keep = cols[flex].min;
			if (spare - grow < keep)
				grow = spare - keep > 0 ? spare - keep : 0;
		}
		if (grow > spare)
			grow = spare;
		if (grow > 0) {
			cols[i].w += grow;
			spare -= grow;
		}
	}
	if (flex >= 0 && spare > 0)
		cols[flex].w += spare;
}
