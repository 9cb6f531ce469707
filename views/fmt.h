/* views/fmt.h - the small formatting rules every pane shares: times, ages,
 * severity and TLP labels (words, never colour alone), and column widths. */
#ifndef SOCTOP_FMT_H
#define SOCTOP_FMT_H

#include <stddef.h>
#include <stdint.h>

/* "HH:MM:SS" when ms falls on the same local day as now_ms, else "MM-DD HH:MM". */
void fmt_time_short(int64_t ms, int64_t now_ms, char *out, size_t n);
/* "2026-11-25 16:00:00" in local time. */
void fmt_time_full(int64_t ms, char *out, size_t n);
/* "2026-11-25" in local time. */
void fmt_date(int64_t ms, char *out, size_t n);
/* An age: "now", "42s", "5m", "3h", "2d". */
void fmt_age(int64_t ms, char *out, size_t n);
/* "CRIT", "HIGH", "MED", "LOW", "INFO", "-". */
const char *fmt_sev_short(int sev);
/* "RED", "AMBER+S", "AMBER", "GREEN", "CLEAR", "-" (7 cells at most). */
const char *fmt_tlp_short(int tlp);

/* Columns of a table: each has a minimum width and a priority; fmt_columns
 * drops the lowest priorities that do not fit, then gives the spare width to
 * the one flexible column. Widths of dropped columns become 0. */
struct fmt_col {
	const char *name; /* heading */
	int min;          /* cells */
	int max;          /* cells; 0 = flexible (takes the rest) */
	int prio;         /* higher stays longer */
	int w;            /* out: the width given, 0 when dropped */
};
void fmt_columns(struct fmt_col *cols, int n, int width);

#endif
