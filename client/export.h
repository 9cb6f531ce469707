/* client/export.h - writing what a pane shows to a file: JSON Lines or CSV,
 * every row with its TLP. TLP:RED rows are never written (whatever the
 * configuration says about storing them), nor rows above the configured
 * export ceiling; the result says how many were left out.
 *
 * The file is created new (never overwritten, never through a symlink),
 * mode 0600; a failed export removes it. CSV cells that a spreadsheet
 * would run as a formula (starting with = + - @) get a leading quote. */
#ifndef SOCTOP_EXPORT_H
#define SOCTOP_EXPORT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "client/proto.h"
#include "client/search.h"

enum export_format { EXPORT_JSONL, EXPORT_CSV };

/* The format for path: ".csv" (any case) is CSV, anything else JSON Lines. */
enum export_format export_format_of(const char *path);

/* What to export: stream's rows within range, and when search is not NULL
 * or empty only those matching it (client/search.h). */
struct export_filter {
	enum proto_stream stream;
	struct search_range range;
	const char *search;
};

struct export_result {
	int64_t written;
	int64_t withheld_red;     /* TLP:RED: never exported */
	int64_t withheld_ceiling; /* above the ceiling (and not RED) */
};

/* Export to path (format from its name), newest first, writing only rows
 * with TLP at most ceiling (RED never; rows with no TLP are written with
 * an empty TLP). 0, or -1 with err filled and no file left. */
int export_run(sqlite3 *db, const struct export_filter *f, int ceiling, const char *path, struct export_result *res,
	       char *err, size_t errlen);

/* One line for the operator: "exported 12 alerts to F; withheld 2 TLP:RED,
 * 1 above TLP:AMBER". */
void export_describe(const struct export_filter *f, int ceiling, const char *path, const struct export_result *res,
		     char *out, size_t n);

#endif
