/* client/export.c - see export.h. */
#include "client/export.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client/cache.h"

enum export_format export_format_of(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	return n >= 4 && strcasecmp(path + n - 4, ".csv") == 0 ? EXPORT_CSV : EXPORT_JSONL;
}

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

static const char *export_sev(int sev)
{
	return sev >= 0 && sev <= 4 ? sev_names[sev] : "";
}

static void export_time(int64_t ms, char *out, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (ms <= 0 || !gmtime_r(&t, &tm) || strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, n, "%s", "");
}

/* One CSV cell: quoted, quotes doubled, formula starts defused. */
static int export_csv_cell(FILE *fp, const char *s, int last)
{
	if (!s)
		s = "";
	if (fputc('"', fp) == EOF)
		return -1;
	if ((s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') && fputc('\'', fp) == EOF)
		return -1;
	for (const char *p = s; *p; p++) {
		if ((*p == '"' && fputc('"', fp) == EOF) || fputc(*p, fp) == EOF)
			return -1;
	}
	return fputs(last ? "\"\r\n" : "\",", fp) == EOF ? -1 : 0;
}

enum { X_BACKEND, X_ID, X_TIME, X_TLP, X_SEV, X_STATUS, X_INST, X_TITLE, X_DATA };

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int export_row_csv(FILE *fp, const char *stream, sqlite3_stmt *st, int tlp)
{
	char when[32];
	export_time(sqlite3_column_int64(st, X_TIME), when, sizeof when);
	return export_csv_cell(fp, stream, 0) < 0 || export_csv_cell(fp, col(st, X_BACKEND), 0) < 0 ||
			       export_csv_cell(fp, col(st, X_ID), 0) < 0 || export_csv_cell(fp, when, 0) < 0 ||
			       export_csv_cell(fp, tlp >= 0 ? proto_tlp_name(tlp) : "", 0) < 0 ||
			       export_csv_cell(fp, export_sev(sqlite3_column_int(st, X_SEV)), 0) < 0 ||
			       export_csv_cell(fp, col(st, X_STATUS), 0) < 0 ||
			       export_csv_cell(fp, col(st, X_INST), 0) < 0 || export_csv_cell(fp, col(st, X_TITLE), 1) < 0
		       ? -1
		       : 0;
}

static int export_row_json(FILE *fp, const char *stream, sqlite3_stmt *st, int tlp)
{
	char when[32];
	export_time(sqlite3_column_int64(st, X_TIME), when, sizeof when);
	json_t *o = json_object();
	if (!o)
		return -1;
	int rc = json_object_set_new(o, "stream", json_string(stream));
	rc |= json_object_set_new(o, "backend", json_string(col(st, X_BACKEND) ? col(st, X_BACKEND) : ""));
	rc |= json_object_set_new(o, "id", json_string(col(st, X_ID) ? col(st, X_ID) : ""));
	rc |= json_object_set_new(o, "time", json_string(when));
	rc |= json_object_set_new(o, "tlp", tlp >= 0 ? json_string(proto_tlp_name(tlp)) : json_null());
	const char *data = col(st, X_DATA);
	json_error_t jerr;
	json_t *d = data ? json_loads(data, 0, &jerr) : NULL;
	/* The entity as received; a damaged one is left out, not guessed at. */
	rc |= json_object_set_new(o, "data", d ? d : json_null());
	if (rc != 0) {
		json_decref(o);
		return -1;
	}
	rc = json_dumpf(o, fp, JSON_COMPACT | JSON_ENSURE_ASCII) != 0 || fputc('\n', fp) == EOF ? -1 : 0;
	json_decref(o);
	return rc;
}

int export_run(sqlite3 *db, const struct export_filter *f, int ceiling, const char *path, struct export_result *res,
	       char *err, size_t errlen)
{
	memset(res, 0, sizeof *res);
	const char *t = cache_table(f->stream);
	if (!t || !path || !path[0]) {
		snprintf(err, errlen, "export: no file or no pane");
		return -1;
	}
	if (ceiling >= PROTO_TLP_RED)
		ceiling = PROTO_TLP_AMBER_STRICT; /* RED never leaves */
	char expr[SEARCH_TEXT_MAX * 2 + SEARCH_TERMS_MAX * 8 + 16];
	char in[800] = "1";
	int searching = f->search && f->search[0];
	if (searching) {
		if (search_compile(f->search, expr, sizeof expr, err, errlen) < 0)
			return -1;
		if (search_in_clause(f->stream, 3, in, sizeof in) < 0) {
			snprintf(err, errlen, "%s cannot be searched", t);
			return -1;
		}
	}
	char sql[1400];
	snprintf(sql, sizeof sql,
		 "SELECT backend, id, time, tlp, severity, coalesce(status, ''), coalesce(inst_name, inst_id, ''), "
		 "coalesce(title, ''), data FROM %s WHERE time >= ?1 AND time < ?2 AND %s ORDER BY time DESC, id DESC",
		 t, in);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "export: %s", sqlite3_errmsg(db));
		return -1;
	}
	int rc = sqlite3_bind_int64(st, 1, f->range.since_ms ? f->range.since_ms : INT64_MIN);
	rc |= sqlite3_bind_int64(st, 2, f->range.until_ms ? f->range.until_ms : INT64_MAX);
	if (searching)
		rc |= sqlite3_bind_text(st, 3, expr, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "export: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "export to %s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (choose a new file name)" : "");
		sqlite3_finalize(st);
		return -1;
	}
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		snprintf(err, errlen, "export to %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		sqlite3_finalize(st);
		return -1;
	}
	enum export_format fmt = export_format_of(path);
	int bad = 0;
	if (fmt == EXPORT_CSV)
		bad = fputs("stream,backend,id,time,tlp,severity,status,institution,title\r\n", fp) == EOF;
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int tlp = sqlite3_column_type(st, X_TLP) == SQLITE_NULL ? -1 : sqlite3_column_int(st, X_TLP);
		if (tlp >= PROTO_TLP_RED || tlp < -1) {
			res->withheld_red++;
			continue;
		}
		if (tlp > ceiling) {
			res->withheld_ceiling++;
			continue;
		}
		bad = (fmt == EXPORT_CSV ? export_row_csv(fp, t, st, tlp) : export_row_json(fp, t, st, tlp)) < 0;
		if (!bad)
			res->written++;
	}
	if (!bad && rc != SQLITE_DONE) {
		snprintf(err, errlen, "export: reading %s: %s", t, sqlite3_errmsg(db));
		bad = 2;
	} else if (bad) {
		snprintf(err, errlen, "export to %s: %s", path, strerror(errno ? errno : EIO));
	}
	sqlite3_finalize(st);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		if (!bad)
			snprintf(err, errlen, "export to %s: %s", path, strerror(errno));
		bad = 1;
	}
	if (fclose(fp) != 0 && !bad) {
		snprintf(err, errlen, "export to %s: %s", path, strerror(errno));
		bad = 1;
	}
	if (bad) {
		unlink(path);
		res->written = 0;
		return -1;
	}
	return 0;
}

void export_describe(const struct export_filter *f, int ceiling, const char *path, const struct export_result *res,
		     char *out, size_t n)
{
	const char *t = cache_table(f->stream);
	int w = snprintf(out, n, "exported %lld %s to %s", (long long)res->written, t ? t : "rows", path);
	if (w < 0 || (size_t)w >= n)
		return;
	if (res->withheld_red || res->withheld_ceiling) {
		w += snprintf(out + w, n - (size_t)w, "; withheld");
		if (res->withheld_red && (size_t)w < n)
			w += snprintf(out + w, n - (size_t)w, " %lld TLP:RED", (long long)res->withheld_red);
		if (res->withheld_ceiling && (size_t)w < n)
			snprintf(out + w, n - (size_t)w, "%s %lld above TLP:%s", res->withheld_red ? "," : "",
				 (long long)res->withheld_ceiling,
				 proto_tlp_name(ceiling >= PROTO_TLP_RED ? PROTO_TLP_AMBER_STRICT : ceiling));
	}
}
