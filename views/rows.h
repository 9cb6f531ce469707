/* views/rows.h - the pure row rules of the tickets, vendors, drills and
 * advisories panes: countdowns, gauges, burn rates, offsets, probe words and
 * the ticket sort orders. No ncurses and no SQLite here, so every rule is
 * unit-tested on its own. Strings written here may still hold backend text
 * (a CVE id, a status): they are drawn through draw_text(), which sanitises. */
#ifndef SOCTOP_ROWS_H
#define SOCTOP_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* How loud a cell is; the pane maps it to a draw role. The text always says
 * the same thing in words, so the level is never the only carrier. */
enum rows_level { ROWS_NORMAL, ROWS_OK, ROWS_WARN, ROWS_ERROR };

/* a - b, with both clamped to +-30,000 years so that hostile times cannot
 * overflow. */
int64_t rows_diff_ms(int64_t a, int64_t b);
/* A duration of ms >= 0: "<1m", "45m", "3h05m", "2d03h". Negative is 0. */
void rows_span(int64_t ms, char *out, size_t n);

/* The time left to a ticket's response deadline: "3h12m left", "<1m left",
 * "OVERDUE 2h" (45m, 3d). "-" when there is no due or the ticket is resolved
 * or closed (no countdown). Returns 1 when overdue, else 0. */
int rows_due_text(int64_t due_ms, int have_due, int64_t now_ms, const char *status, char *out, size_t n);
/* 1 for "resolved" and "closed": no deadline runs any more. */
int rows_ticket_done(const char *status);
/* A ticket status as a short word: "in progress", "waiting vendor"; "-" for NULL. */
const char *rows_ticket_status(const char *status);

/* Ticket sorts, in the order 's' cycles through them. */
enum rows_sort {
	ROWS_SORT_DUE,      /* soonest deadline first; no due, resolved and closed last */
	ROWS_SORT_SEVERITY, /* critical first */
	ROWS_SORT_UPDATED,  /* most recently updated first */
	ROWS_SORT_OPENED,   /* most recently opened first */
	ROWS_SORT_STATUS,   /* workflow order: new, triage, ... closed */
	ROWS_SORT_INST,     /* institution name */
	ROWS_SORT_COUNT
};
/* The ORDER BY clause (without "ORDER BY") over the tickets table for a
 * sort, reversed when reverse is set (tickets without a due stay last). Ties
 * are broken by id and backend, so OFFSET paging is stable. A static string;
 * an unknown sort gives the due order. */
const char *rows_ticket_order(int sort, int reverse);
const char *rows_ticket_sort_name(int sort); /* "due", "severity", ... */
/* 1 when the sort shows the largest value first (the title's arrow). */
int rows_ticket_sort_desc(int sort, int reverse);

/* Hours: "12", "12.5", "-" for a value that is not finite. */
void rows_hours(double h, char *out, size_t n);

/* The vendor gauge: exactly width cells of used (U+2588, '#'), reserved
 * (U+2592, '+') and remaining (U+2591, '.'), proportional to total. Used and
 * reserved beyond the total are clamped to the bar; a total of 0 or less
 * shows the bar as all used (nothing to draw on). Negative or non-finite
 * numbers count as 0. When out is too small the bar is cut at a whole cell.
 * Returns the cells written. */
int rows_vendor_gauge(double total, double used, double reserved, int width, int ascii, char *out, size_t n);
/* The low-water state: ROWS_NORMAL, ROWS_WARN (remaining < low_water) or
 * ROWS_ERROR (nothing left, or under half the low water). */
int rows_vendor_low(double total, double used, double reserved, double low_water);

struct rows_burn {
	double per_day;       /* hours consumed or approved in the last 30 days / 30 */
	int pending;          /* draws in state requested */
	double pending_hours; /* their hours */
};
/* Over a vendor's draws array (anything else gives zeros): draws whose
 * time is within the 30 days before now and whose state is consumed or
 * approved make the burn rate; requested ones (any time) are pending.
 * Entries that are not objects, or lack a number of hours >= 0, are skipped. */
void rows_vendor_burn(const json_t *draws, int64_t now_ms, struct rows_burn *out);

/* The date the pool runs dry at per_day ("2026-12-03", local time), with
 * "!" appended when that is before the period's end (end_ms when have_end);
 * "empty!" when nothing remains; "—" ("-" when ascii) when per_day is 0.
 * Returns 1 when flagged (dry before the end, or empty), else 0. */
int rows_dry_date(double remaining, double per_day, int64_t now_ms, int64_t end_ms, int have_end, int ascii, char *out,
                  size_t n);

/* A step's time from the drill's start: "+42s", "+4m10s", "+1h04m",
 * "+2d03h" (negative: "-4m10s"); "-" when !have. */
void rows_step_offset(int64_t start_ms, int64_t at_ms, int have, char *out, size_t n);

/* A participant's probes as "D:ok 12ms F:DOWN C:ok 40ms" (domestic,
 * foreign, cloud; latency only when with_latency and present); a point with
 * no probe is "D:-", one whose ok is not a boolean "D:?". ASCII only; cut
 * at a whole point when out is small. Returns the number of points down. */
int rows_probe_text(const json_t *probes, int with_latency, char *out, size_t n);

/* A participant status as a word ("UNDER ATTACK", "mitigated", ...) and its
 * level; unknown statuses are returned as they are ("-" for NULL). */
const char *rows_participant_status(const char *status, int *level);

/* An advisory kind as a short word: "phish site", "vuln", "weekly". */
const char *rows_advisory_kind(const char *kind);
/* "CVE-2019-11510 10.0", "CVE-2019-11510", "CVSS 7.5" or "" (nothing). */
void rows_cve_text(const char *cve, int have_cvss, double cvss, char *out, size_t n);

#endif
