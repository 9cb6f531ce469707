/* tests/unit/test_cache.c - the SQLite cache: permissions, schema, the rev
 * and epoch rules, batching, snapshots and the outbox. Every test works in
 * its own temporary directory. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/cache.h"
#include "tests/unit/rmtree.h"

#ifdef TEST_CACHE_STUB_PROTO
/* Until client/proto.c links: enough of the decoder for the snapshot path. */
__attribute__((weak)) int proto_entity_decode(enum proto_stream stream, json_t *obj, int64_t rev,
					      struct proto_entity *ent, char *err, size_t errlen)
{
	memset(ent, 0, sizeof *ent);
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *title = json_string_value(json_object_get(obj, "title"));
	if (!id || !title) {
		snprintf(err, errlen, "stub: id or title missing");
		return -1;
	}
	ent->stream = stream;
	ent->id = id;
	ent->title = title;
	ent->time_ms = json_integer_value(json_object_get(obj, "time_ms"));
	ent->updated_ms = ent->time_ms;
	ent->rev = rev;
	ent->severity = -1;
	ent->tlp = -1;
	ent->data = obj;
	return 0;
}
#endif

struct fixture {
	char dir[64];
	char path[128];
	struct cache *c;
	char err[512];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test_cache.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/cache.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	cache_close(f->c);
	rmtree(f->dir);
	free(f);
	return 0;
}

static struct cache *open_ok(struct fixture *f)
{
	int rc = cache_open(f->path, &f->c, f->err, sizeof f->err);
	if (rc != 0)
		print_error("cache_open: %s\n", f->err);
	assert_int_equal(rc, 0);
	assert_non_null(f->c);
	return f->c;
}

static void reopen(struct fixture *f)
{
	cache_close(f->c);
	f->c = NULL;
	open_ok(f);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* ---- entities that pass the real decoder ---- */

struct ent {
	json_t *data;
	struct proto_entity e;
};

static void ent_alert(struct ent *x, const char *id, int64_t rev, const char *title)
{
	x->data = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:[{s:s, s:s}], s:s, s:s, s:I}", "id",
			    id, "time", "2026-11-25T08:00:00Z", "institution", "id", "B012", "name",
			    "示範商業銀行", "source", "suricata", "category", "ddos", "severity", "high", "title",
			    title, "indicators", "type", "ipv4", "value", "203.0.113.5", "tlp", "AMBER", "status",
			    "new", "time_ms", (json_int_t)1764057600000);
	assert_non_null(x->data);
	memset(&x->e, 0, sizeof x->e);
	x->e.stream = PROTO_ALERTS;
	x->e.id = json_string_value(json_object_get(x->data, "id"));
	x->e.rev = rev;
	x->e.time_ms = 1764057600000;
	x->e.updated_ms = x->e.time_ms;
	x->e.title = json_string_value(json_object_get(x->data, "title"));
	x->e.status = "new";
	x->e.kind = "ddos";
	x->e.inst_id = "B012";
	x->e.inst_name = "示範商業銀行";
	x->e.source = "suricata";
	x->e.severity = PROTO_SEV_HIGH;
	x->e.tlp = PROTO_TLP_AMBER;
	x->e.data = x->data;
}

static void ent_ticket(struct ent *x, const char *id, int64_t rev, const char *title)
{
	x->data = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:f, s:[], s:[], s:I}", "id", id,
			    "opened", "2026-11-25T08:00:00Z", "updated", "2026-11-25T09:00:00Z", "institution",
			    "id", "B012", "name", "示範商業銀行", "title", title, "severity", "medium", "tlp",
			    "GREEN", "status", "new", "hours_used", 0.0, "alert_ids", "notes", "time_ms",
			    (json_int_t)1764057600000);
	assert_non_null(x->data);
	memset(&x->e, 0, sizeof x->e);
	x->e.stream = PROTO_TICKETS;
	x->e.id = json_string_value(json_object_get(x->data, "id"));
	x->e.rev = rev;
	x->e.time_ms = 1764057600000;
	x->e.updated_ms = 1764061200000;
	x->e.title = json_string_value(json_object_get(x->data, "title"));
	x->e.status = "new";
	x->e.severity = PROTO_SEV_MEDIUM;
	x->e.tlp = PROTO_TLP_GREEN;
	x->e.data = x->data;
}

static void ent_free(struct ent *x)
{
	json_decref(x->data);
	x->data = NULL;
}

static int upsert_alert(struct cache *c, const char *backend, const char *epoch, const char *id, int64_t rev,
			const char *title)
{
	struct ent x;
	ent_alert(&x, id, rev, title);
	int rc = cache_upsert(c, backend, epoch, &x.e);
	ent_free(&x);
	return rc;
}

static int upsert_ticket(struct cache *c, const char *backend, const char *epoch, const char *id, int64_t rev,
			 const char *title)
{
	struct ent x;
	ent_ticket(&x, id, rev, title);
	int rc = cache_upsert(c, backend, epoch, &x.e);
	ent_free(&x);
	return rc;
}

static int stage_ticket(struct cache *c, const char *backend, const char *id, int64_t rev, const char *title)
{
	struct ent x;
	ent_ticket(&x, id, rev, title);
	int rc = cache_snapshot_stage(c, backend, &x.e);
	ent_free(&x);
	return rc;
}

/* ---- reading back through SQL ---- */

static int64_t q_int(struct cache *c, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The text of column col of the row (backend, id) of table; "" when absent. */
static void q_row(struct cache *c, const char *table, const char *backend, const char *id, const char *col,
		  char *out, size_t n)
{
	char sql[1024];
	assert_true((size_t)snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE backend = ?1 AND id = ?2", col, table) <
		    sizeof sql);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, backend, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		snprintf(out, n, "%s", s ? s : "(null)");
	}
	sqlite3_finalize(st);
}

static int has_row(struct cache *c, const char *table, const char *backend, const char *id)
{
	char buf[16];
	q_row(c, table, backend, id, "1", buf, sizeof buf);
	return buf[0] != '\0';
}

static void write_file(const char *path, mode_t mode, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* ---- opening ---- */

static void test_open_creates_dir_and_file(void **state)
{
	struct fixture *f = *state;
	snprintf(f->path, sizeof f->path, "%s/sub/cache.db", f->dir);
	mode_t old = umask(0);
	int rc = cache_open(f->path, &f->c, f->err, sizeof f->err);
	umask(old);
	assert_int_equal(rc, 0);
	struct stat st;
	char p[160];
	snprintf(p, sizeof p, "%s/sub", f->dir);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_string_equal(cache_path(f->c), f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	if (stat(p, &st) == 0)
		assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(p, sizeof p, "%s-shm", f->path);
	if (stat(p, &st) == 0)
		assert_int_equal(st.st_mode & 07777, 0600);
}

static void test_open_refuses_open_dir(void **state)
{
	struct fixture *f = *state;
	char d[96];
	snprintf(d, sizeof d, "%s/pub", f->dir);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(chmod(d, 0755), 0);
	snprintf(f->path, sizeof f->path, "%s/cache.db", d);
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), -1);
	assert_null(f->c);
	assert_contains(f->err, "readable by others");
	assert_contains(f->err, "0755");
	assert_contains(f->err, "chmod 700");
	assert_contains(f->err, d);
	assert_int_equal(access(f->path, F_OK), -1); /* nothing created */
}

static void test_open_refuses_open_file(void **state)
{
	struct fixture *f = *state;
	write_file(f->path, 0644, "");
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), -1);
	assert_contains(f->err, "readable by others");
	assert_contains(f->err, "0644");
	assert_contains(f->err, "chmod 600");
	/* Fixed as told, it opens. */
	assert_int_equal(chmod(f->path, 0600), 0);
	open_ok(f);
}

static void test_open_refuses_symlink(void **state)
{
	struct fixture *f = *state;
	char real[160];
	snprintf(real, sizeof real, "%s/real.db", f->dir);
	write_file(real, 0600, "");
	assert_int_equal(symlink(real, f->path), 0);
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), -1);
	assert_contains(f->err, "symlink");
}

static void test_open_refuses_non_regular(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), -1);
	assert_contains(f->err, "not a regular file");
}

static void test_open_missing_grandparent(void **state)
{
	struct fixture *f = *state;
	snprintf(f->path, sizeof f->path, "%s/a/b/cache.db", f->dir);
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), -1);
	assert_contains(f->err, "/a/b");
}

static void test_open_sets_schema(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(q_int(c, "PRAGMA user_version"), CACHE_SCHEMA_VERSION);
	assert_int_equal(q_int(c, "PRAGMA foreign_keys"), 1);
	assert_int_equal(q_int(c, "PRAGMA busy_timeout"), 5000);
	assert_int_equal(q_int(c, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(q_int(c, "PRAGMA page_size"), 32768);
	assert_int_equal(q_int(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
				  "('alerts','advisories','tickets','vendors','drills','cursors',"
				  "'snapshot_stage','outbox')"),
			 8);
	assert_int_equal(q_int(c, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
				  "AND name IN ('alerts_time','alerts_rx','drills_time','drills_rx')"),
			 4);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(c), "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	/* Every entity table has the documented columns. */
	for (int s = 0; s < PROTO_NSTREAMS; s++) {
		char sql[256];
		snprintf(sql, sizeof sql,
			 "SELECT backend, id, epoch, rev, time, updated, severity, tlp, status, kind, inst_id, "
			 "inst_name, title, assignee, ticket_id, source, corr, data, rx FROM %s",
			 cache_table((enum proto_stream)s));
		assert_int_equal(sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL), SQLITE_OK);
		sqlite3_finalize(st);
	}
	assert_string_equal(cache_table(PROTO_ALERTS), "alerts");
	assert_string_equal(cache_table(PROTO_DRILLS), "drills");
	assert_null(cache_table(PROTO_NSTREAMS));
	assert_int_equal(cache_count(c, PROTO_NSTREAMS), -1);
}

static void test_open_refuses_newer_schema(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(sqlite3_exec(cache_db(c), "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	cache_close(c);
	f->c = NULL;
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), -1);
	assert_null(f->c);
	assert_contains(f->err, "newer soctop");
	assert_contains(f->err, "99");
}

/* The aside copy of a damaged cache: "<path>.corrupt-<stamp>" in its
 * directory, or "" when there is none. */
static void find_aside(const struct fixture *f, char *out, size_t n)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "ls %s | grep '^cache\\.db\\.corrupt-[0-9]\\{8\\}T[0-9]\\{6\\}Z$'", f->dir);
	FILE *p = popen(cmd, "r");
	out[0] = '\0';
	if (p) {
		if (fgets(out, (int)n, p))
			out[strcspn(out, "\n")] = '\0';
		pclose(p);
	}
}

/* A file that is not a database is moved aside, not refused: a fresh cache
 * takes its place and cache_notice() says where the old one went. */
static void test_open_moves_non_database_aside(void **state)
{
	struct fixture *f = *state;
	char junk[2048], aside[128], want[256];
	memset(junk, 'x', sizeof junk - 1);
	junk[sizeof junk - 1] = '\0';
	write_file(f->path, 0600, junk);
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), 0);
	assert_non_null(f->c);
	int64_t when = 0;
	const char *notice = cache_notice(f->c, &when);
	assert_non_null(notice);
	assert_true(when > 0);
	assert_contains(notice, "cache was damaged: moved aside to ");
	assert_contains(notice, "(its header is not a SQLite database header)");
	find_aside(f, aside, sizeof aside);
	assert_true(aside[0] != '\0');
	snprintf(want, sizeof want, "moved aside to %s/%s", f->dir, aside);
	assert_contains(notice, want);
	/* the aside file is the damaged one, the new one works */
	snprintf(want, sizeof want, "%s/%s", f->dir, aside);
	struct stat sb;
	assert_int_equal(stat(want, &sb), 0);
	assert_int_equal(sb.st_size, (off_t)sizeof junk - 1);
	struct cache_cursor cur;
	assert_int_equal(cache_cursor_set(f->c, "fsoc", "e1", 5), 0);
	assert_int_equal(cache_flush(f->c), 0);
	assert_int_equal(cache_cursor_get(f->c, "fsoc", &cur), 0);
	assert_int_equal(cur.seq, 5);
}

/* A cache cut short (shorter than its header's page count) is moved aside;
 * a healthy one opened again has no notice. */
static void test_open_moves_truncated_aside(void **state)
{
	struct fixture *f = *state;
	char aside[128];
	struct cache *c = open_ok(f);
	struct ent a;
	for (int i = 0; i < 200; i++) {
		char id[32];
		snprintf(id, sizeof id, "AL-%03d", i);
		ent_alert(&a, id, 1, "an alert to fill some pages of the cache file with");
		assert_int_equal(cache_upsert(c, "fsoc", "e1", &a.e), 1);
		ent_free(&a);
	}
	assert_int_equal(cache_flush(c), 0);
	cache_close(c);
	f->c = NULL;
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), 0);
	assert_null(cache_notice(f->c, NULL));
	cache_close(f->c);
	f->c = NULL;
	struct stat sb;
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(sb.st_size >= 3 * 32768);
	assert_int_equal(truncate(f->path, sb.st_size - 32768), 0);
	assert_int_equal(cache_open(f->path, &f->c, f->err, sizeof f->err), 0);
	assert_non_null(cache_notice(f->c, NULL));
	assert_contains(cache_notice(f->c, NULL), "shorter than its header says (truncated)");
	find_aside(f, aside, sizeof aside);
	assert_true(aside[0] != '\0');
	assert_int_equal(cache_count(f->c, PROTO_ALERTS), 0);
}

/* A version 1 cache (no due column) is migrated to version 2 at open, the
 * deadline read back out of each ticket's stored JSON. */
static void test_migrate_v1_to_v2_backfills_due(void **state)
{
	struct fixture *f = *state;
	struct ent t;
	struct cache *c = open_ok(f);
	ent_ticket(&t, "T-DUE", 1, "due soon");
	json_object_set_new(t.data, "due", json_string("2026-11-25T12:00:00Z"));
	t.e.has_due = 1;
	t.e.due_ms = 1795608000000;
	assert_int_equal(cache_upsert(c, "fcert", "e1", &t.e), 1);
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(q_int(c, "SELECT due FROM tickets WHERE id = 'T-DUE'"), 1795608000000);
	ent_free(&t);
	/* make it a version 1 database again */
	sqlite3 *db = cache_db(c);
	assert_int_equal(sqlite3_exec(db,
				      /* the memory tier's views name the column */
				      "DROP VIEW temp.alerts; DROP VIEW temp.advisories; DROP VIEW temp.tickets;"
				      "DROP VIEW temp.vendors; DROP VIEW temp.drills;"
				      "DROP INDEX main.tickets_due; ALTER TABLE main.alerts DROP COLUMN due;"
				      "ALTER TABLE main.advisories DROP COLUMN due; ALTER TABLE main.tickets DROP COLUMN due;"
				      "ALTER TABLE main.vendors DROP COLUMN due; ALTER TABLE main.drills DROP COLUMN due;"
				      "PRAGMA user_version = 1;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	reopen(f);
	assert_int_equal(q_int(f->c, "PRAGMA user_version"), CACHE_SCHEMA_VERSION);
	assert_int_equal(q_int(f->c, "SELECT due FROM tickets WHERE id = 'T-DUE'"), 1795608000000);
	assert_int_equal(q_int(f->c, "SELECT count(*) FROM main.sqlite_master WHERE name = 'tickets_due'"), 1);
}

static void test_reopen_keeps_data(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 1, "first"), 1);
	assert_int_equal(cache_flush(c), 0);
	reopen(f);
	assert_int_equal(cache_count(f->c, PROTO_ALERTS), 1);
	char buf[64];
	q_row(f->c, "alerts", "fsoc", "AL-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "first");
	assert_int_equal(q_int(f->c, "PRAGMA user_version"), CACHE_SCHEMA_VERSION);
}

/* ---- upsert and delete ---- */

static void test_upsert_rev_rule(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	char buf[64];
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 2, "rev2"), 1);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 3, "rev3"), 1);
	q_row(c, "alerts", "fsoc", "AL-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "rev3");
	/* Same and lower rev: ignored, data unchanged. */
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 3, "rev3 again"), 0);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 1, "rev1"), 0);
	q_row(c, "alerts", "fsoc", "AL-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "rev3");
	q_row(c, "alerts", "fsoc", "AL-1", "json_extract(data, '$.title') || ':' || rev", buf, sizeof buf);
	assert_string_equal(buf, "rev3:3");
	/* Another epoch replaces even with a lower rev. */
	assert_int_equal(upsert_alert(c, "fsoc", "E2", "AL-1", 1, "epoch2"), 1);
	q_row(c, "alerts", "fsoc", "AL-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "epoch2");
	q_row(c, "alerts", "fsoc", "AL-1", "epoch", buf, sizeof buf);
	assert_string_equal(buf, "E2");
	q_row(c, "alerts", "fsoc", "AL-1", "rev", buf, sizeof buf);
	assert_string_equal(buf, "1");
	assert_int_equal(cache_count(c, PROTO_ALERTS), 1);
	/* The same id on another backend is another row. */
	assert_int_equal(upsert_alert(c, "other", "E1", "AL-1", 1, "other"), 1);
	assert_int_equal(cache_count(c, PROTO_ALERTS), 2);
	assert_int_equal(cache_flush(c), 0);
}

static void test_upsert_columns(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	struct ent x;
	ent_alert(&x, "AL-7", 4, "Volumetric DDoS");
	x.e.assignee = "duty.chen";
	x.e.ticket_id = "FCERT-2026-0142";
	x.e.corr = 3;
	assert_int_equal(cache_upsert(c, "fsoc", "E1", &x.e), 1);
	char buf[1024];
	q_row(c, "alerts", "fsoc", "AL-7", "severity || '|' || tlp || '|' || status || '|' || kind || '|' || "
					   "inst_id || '|' || inst_name || '|' || source || '|' || assignee || '|' || "
					   "ticket_id || '|' || corr || '|' || time || '|' || updated || '|' || rev",
	      buf, sizeof buf);
	assert_string_equal(buf, "3|2|new|ddos|B012|示範商業銀行|suricata|duty.chen|FCERT-2026-0142|3|"
				 "1764057600000|1764057600000|4");
	char *want = json_dumps(x.data, JSON_COMPACT);
	assert_non_null(want);
	q_row(c, "alerts", "fsoc", "AL-7", "data", buf, sizeof buf);
	assert_string_equal(buf, want);
	free(want);
	/* Absent strings are NULL, not "". */
	ent_free(&x);
	ent_ticket(&x, "T-1", 1, "ticket");
	assert_int_equal(cache_upsert(c, "fcert", "E1", &x.e), 1);
	q_row(c, "tickets", "fcert", "T-1", "typeof(assignee) || typeof(source)", buf, sizeof buf);
	assert_string_equal(buf, "nullnull");
	/* Bad arguments fail cleanly and do not poison the batch. */
	x.e.data = NULL;
	assert_int_equal(cache_upsert(c, "fcert", "E1", &x.e), -1);
	assert_true(strlen(cache_errmsg(c)) > 0);
	ent_free(&x);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-8", 1, "after"), 1);
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(cache_count(c, PROTO_ALERTS), 2);
}

/* The cache writes the entity's JSON itself: it must be exactly what
 * json_dumps(data, JSON_COMPACT) would have written. */
static void assert_data_matches_jansson(struct cache *c, json_t *data, const char *id)
{
	struct proto_entity e;
	memset(&e, 0, sizeof e);
	e.stream = PROTO_ADVISORIES;
	e.id = id;
	e.rev = 1;
	e.severity = -1;
	e.tlp = -1;
	e.data = data;
	assert_int_equal(cache_upsert(c, "fsoc", "E1", &e), 1);
	char *want = json_dumps(data, JSON_COMPACT);
	assert_non_null(want);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(c), "SELECT data FROM advisories WHERE id = ?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal((size_t)sqlite3_column_bytes(st, 0), strlen(want));
	assert_memory_equal(sqlite3_column_text(st, 0), want, strlen(want));
	sqlite3_finalize(st);
	free(want);
}

static void test_upsert_data_is_compact_json(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	const char *texts[] = {
		"{}",
		"{\"id\":\"X\",\"a\":[],\"b\":{},\"c\":[[],{},[1,[2,[3]]]],\"t\":true,\"f\":false,\"n\":null}",
		"{\"big\":9223372036854775807,\"small\":-9223372036854775808,\"zero\":0,\"neg\":-42}",
		"{\"r\":[1.5,0.1,1e20,-2.5e-7,3.0,100.0,12345678.9,-0.0]}",
		"{\"esc\":\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001f\\u007f end\",\"k\\\"ey\\n\":1}",
		"{\"cjk\":\"示範商業銀行 趨勢科技 Trend Micro\",\"emoji\":\"\\ud83d\\ude00\",\"bidi\":\"\\u202e\\u2028\"}",
		"{\"nul\":\"a\\u0000b\"}",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		json_error_t jerr;
		json_t *data = json_loads(texts[i], JSON_ALLOW_NUL, &jerr);
		if (!data)
			fail_msg("test JSON %zu: %s", i, jerr.text);
		char id[16];
		snprintf(id, sizeof id, "ADV-%zu", i);
		assert_data_matches_jansson(c, data, id);
		json_decref(data);
	}
	/* Deeper than the cache's own writer goes: jansson takes over. */
	json_t *deep = json_object(), *cur = deep;
	for (int i = 0; i < 100; i++) {
		json_t *next = json_object();
		assert_int_equal(json_object_set_new(cur, i % 2 ? "o" : "p", next), 0);
		assert_int_equal(json_object_set_new(cur, "r", json_real(0.25)), 0);
		cur = next;
	}
	assert_data_matches_jansson(c, deep, "ADV-deep");
	json_decref(deep);
	assert_int_equal(cache_flush(c), 0);
}

static void test_upsert_large_entity(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	struct ent x;
	ent_alert(&x, "AL-big", 1, "big");
	size_t n = 200000;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'z', n);
	big[n] = '\0';
	assert_int_equal(json_object_set_new(x.data, "summary", json_string(big)), 0);
	free(big);
	assert_int_equal(cache_upsert(c, "fsoc", "E1", &x.e), 1);
	ent_free(&x);
	assert_true(q_int(c, "SELECT length(data) FROM alerts WHERE id = 'AL-big'") > 200000);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-small", 1, "small"), 1);
	char buf[64];
	q_row(c, "alerts", "fsoc", "AL-small", "json_extract(data, '$.title')", buf, sizeof buf);
	assert_string_equal(buf, "small");
}

static void test_delete_rule(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(cache_delete(c, "fcert", "E1", PROTO_TICKETS, "T-1", 5), 0); /* no such row */
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-1", 3, "t"), 1);
	assert_int_equal(cache_delete(c, "fcert", "E1", PROTO_TICKETS, "T-1", 3), 0);
	assert_int_equal(cache_delete(c, "fcert", "E1", PROTO_TICKETS, "T-1", 2), 0);
	assert_true(has_row(c, "tickets", "fcert", "T-1"));
	assert_int_equal(cache_delete(c, "other", "E1", PROTO_TICKETS, "T-1", 9), 0); /* other backend */
	assert_int_equal(cache_delete(c, "fcert", "E1", PROTO_ALERTS, "T-1", 9), 0);  /* other stream */
	assert_int_equal(cache_delete(c, "fcert", "E1", PROTO_TICKETS, "T-1", 4), 1);
	assert_false(has_row(c, "tickets", "fcert", "T-1"));
	/* Another epoch deletes whatever the rev. */
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-2", 7, "t"), 1);
	assert_int_equal(cache_delete(c, "fcert", "E2", PROTO_TICKETS, "T-2", 1), 1);
	assert_int_equal(cache_count(c, PROTO_TICKETS), 0);
	assert_int_equal(cache_delete(c, "fcert", "E1", PROTO_NSTREAMS, "T-2", 1), -1);
	assert_int_equal(cache_flush(c), 0);
}

static void test_rx_arrival_order(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "A", 1, "a"), 1);
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T", 1, "t"), 1);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "B", 1, "b"), 1);
	int64_t ra = q_int(c, "SELECT rx FROM alerts WHERE id = 'A'");
	int64_t rt = q_int(c, "SELECT rx FROM tickets WHERE id = 'T'");
	int64_t rb = q_int(c, "SELECT rx FROM alerts WHERE id = 'B'");
	assert_true(ra < rt && rt < rb);
	/* An ignored upsert keeps its rx; an applied one moves to the end. */
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "A", 1, "a"), 0);
	assert_int_equal(q_int(c, "SELECT rx FROM alerts WHERE id = 'A'"), ra);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "A", 2, "a2"), 1);
	int64_t ra2 = q_int(c, "SELECT rx FROM alerts WHERE id = 'A'");
	assert_true(ra2 > rb);
	assert_int_equal(cache_flush(c), 0);
	/* The counter continues after a reopen, whichever table holds the max. */
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T", 2, "t2"), 1);
	int64_t rt2 = q_int(c, "SELECT rx FROM tickets WHERE id = 'T'");
	assert_int_equal(cache_flush(c), 0);
	reopen(f);
	assert_int_equal(upsert_alert(f->c, "fsoc", "E1", "C", 1, "c"), 1);
	assert_true(q_int(f->c, "SELECT rx FROM alerts WHERE id = 'C'") > rt2);
}

/* ---- cursors and batching ---- */

static void test_cursor_set_get_clear(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	struct cache_cursor cur;
	assert_int_equal(cache_cursor_get(c, "fsoc", &cur), 0);
	assert_int_equal(cur.valid, 0);
	assert_int_equal(cache_cursor_set(c, "fsoc", "7f3c9a", 1041), 0);
	assert_int_equal(cache_cursor_set(c, "fcert", "abc", 7), 0);
	assert_int_equal(cache_cursor_set(c, "fsoc", "7f3c9a", 1042), 0);
	assert_int_equal(cache_cursor_get(c, "fsoc", &cur), 0);
	assert_int_equal(cur.valid, 1);
	assert_string_equal(cur.epoch, "7f3c9a");
	assert_int_equal(cur.seq, 1042);
	assert_int_equal(cache_cursor_clear(c, "fsoc"), 0);
	assert_int_equal(cache_cursor_get(c, "fsoc", &cur), 0);
	assert_int_equal(cur.valid, 0);
	assert_int_equal(cache_cursor_get(c, "fcert", &cur), 0);
	assert_int_equal(cur.valid, 1);
	assert_int_equal(cur.seq, 7);
	char longer[PROTO_MAX_EPOCH + 2];
	memset(longer, 'e', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(cache_cursor_set(c, "fsoc", longer, 1), -1);
	assert_int_equal(cache_flush(c), 0);
}

static void test_cursor_commits_with_data(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	struct cache_cursor cur;
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 1, "x"), 1);
	assert_int_equal(cache_cursor_set(c, "fsoc", "E1", 1), 0);
	assert_int_equal(sqlite3_get_autocommit(cache_db(c)), 0); /* a batch is open */
	cache_rollback(c);
	assert_int_equal(cache_count(c, PROTO_ALERTS), 0);
	assert_int_equal(cache_cursor_get(c, "fsoc", &cur), 0);
	assert_int_equal(cur.valid, 0);

	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 1, "x"), 1);
	assert_int_equal(cache_cursor_set(c, "fsoc", "E1", 1), 0);
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(sqlite3_get_autocommit(cache_db(c)), 1);
	assert_int_equal(cache_flush(c), 0); /* nothing open: fine */
	reopen(f);
	assert_int_equal(cache_count(f->c, PROTO_ALERTS), 1);
	assert_int_equal(cache_cursor_get(f->c, "fsoc", &cur), 0);
	assert_int_equal(cur.valid, 1);
	assert_int_equal(cur.seq, 1);
}

static void test_close_flushes(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 1, "x"), 1);
	assert_int_equal(cache_cursor_set(c, "fsoc", "E1", 1), 0);
	reopen(f); /* closes without an explicit flush */
	assert_int_equal(cache_count(f->c, PROTO_ALERTS), 1);
}

/* A write failing inside SQLite rolls back the whole batch: later writes
 * fail, flush reports it, and nothing of the batch reaches the disk. */
static void test_failed_write_rolls_back_batch(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	struct cache_cursor cur;
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-1", 1, "t"), 1);
	assert_int_equal(cache_cursor_set(c, "fcert", "E1", 1), 0);
	/* Inside the open batch, so the rollback restores the table. */
	assert_int_equal(sqlite3_exec(cache_db(c), "DROP TABLE main.alerts", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 1, "x"), -1);
	assert_contains(cache_errmsg(c), "AL-1");
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-2", 1, "t"), -1);
	assert_int_equal(cache_cursor_set(c, "fcert", "E1", 3), -1);
	assert_int_equal(cache_flush(c), -1);
	assert_int_equal(cache_count(c, PROTO_TICKETS), 0);
	assert_int_equal(cache_cursor_get(c, "fcert", &cur), 0);
	assert_int_equal(cur.valid, 0);
	/* The next batch works again. */
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 1, "x"), 1);
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(cache_count(c, PROTO_ALERTS), 1);
}

/* ---- snapshots ---- */

static void seed_for_snapshot(struct cache *c)
{
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-1", 3, "t1 old"), 1);
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-2", 1, "t2"), 1);
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-3", 1, "t3"), 1);
	assert_int_equal(upsert_ticket(c, "other", "X", "T-9", 1, "other backend"), 1);
	assert_int_equal(upsert_alert(c, "fcert", "E1", "AL-old", 1, "history"), 1);
	assert_int_equal(cache_flush(c), 0);
}

static void test_snapshot_replaces_state_keeps_history(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	seed_for_snapshot(c);
	char buf[64];
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-1", 4, "t1 new"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-4", 1, "t4"), 0);
	/* Nothing staged is visible before the commit, even after a flush. */
	assert_int_equal(cache_flush(c), 0);
	assert_false(has_row(c, "tickets", "fcert", "T-4"));
	q_row(c, "tickets", "fcert", "T-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "t1 old");
	assert_int_equal(cache_count(c, PROTO_TICKETS), 4);

	assert_int_equal(cache_snapshot_commit(c, "fcert", "E1", 1041), 0);
	assert_int_equal(cache_flush(c), 0);
	q_row(c, "tickets", "fcert", "T-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "t1 new");
#ifndef TEST_CACHE_STUB_PROTO
	/* The real decoder's columns come through the stage. */
	q_row(c, "tickets", "fcert", "T-1", "severity || '|' || tlp || '|' || status || '|' || inst_name || '|' || rev",
	      buf, sizeof buf);
	assert_string_equal(buf, "2|1|new|示範商業銀行|4");
#endif
	assert_true(has_row(c, "tickets", "fcert", "T-4"));
	assert_false(has_row(c, "tickets", "fcert", "T-2"));
	assert_false(has_row(c, "tickets", "fcert", "T-3"));
	assert_true(has_row(c, "tickets", "other", "T-9"));   /* other backend untouched */
	assert_true(has_row(c, "alerts", "fcert", "AL-old")); /* history kept */
	assert_int_equal(q_int(c, "SELECT count(*) FROM snapshot_stage"), 0);
	struct cache_cursor cur;
	assert_int_equal(cache_cursor_get(c, "fcert", &cur), 0);
	assert_int_equal(cur.valid, 1);
	assert_string_equal(cur.epoch, "E1");
	assert_int_equal(cur.seq, 1041);
}

static void test_snapshot_empty_drops_all_state(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	seed_for_snapshot(c);
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	assert_int_equal(cache_snapshot_commit(c, "fcert", "E1", 0), 0);
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(cache_count(c, PROTO_TICKETS), 1); /* other's T-9 */
	assert_int_equal(cache_count(c, PROTO_ALERTS), 1);
}

static void test_snapshot_abort(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	seed_for_snapshot(c);
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-1", 9, "never"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-5", 1, "never"), 0);
	cache_snapshot_abort(c, "fcert");
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(cache_count(c, PROTO_TICKETS), 4);
	char buf[64];
	q_row(c, "tickets", "fcert", "T-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "t1 old");
	assert_int_equal(q_int(c, "SELECT count(*) FROM snapshot_stage"), 0);
	struct cache_cursor cur;
	assert_int_equal(cache_cursor_get(c, "fcert", &cur), 0);
	assert_int_equal(cur.valid, 0);
	/* A commit after the abort has nothing staged. */
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-2", 2, "t2 new"), 0);
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0); /* begin again clears */
	assert_int_equal(stage_ticket(c, "fcert", "T-3", 2, "t3 new"), 0);
	assert_int_equal(cache_snapshot_commit(c, "fcert", "E1", 5), 0);
	assert_false(has_row(c, "tickets", "fcert", "T-2"));
	assert_true(has_row(c, "tickets", "fcert", "T-3"));
}

static void test_snapshot_epoch_change(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	char buf[64];
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-1", 9, "old epoch rev 9"), 1);
	assert_int_equal(upsert_ticket(c, "fcert", "E1", "T-2", 9, "same epoch rev 9"), 1);
	/* Same epoch: the rev rule holds inside a snapshot too. */
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-2", 2, "stale"), 0);
	assert_int_equal(cache_snapshot_commit(c, "fcert", "E1", 10), 0);
	q_row(c, "tickets", "fcert", "T-2", "title", buf, sizeof buf);
	assert_string_equal(buf, "same epoch rev 9");
	/* New epoch: replaced whatever the rev. */
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-1", 2, "new epoch rev 2"), 0);
	assert_int_equal(cache_snapshot_commit(c, "fcert", "E2", 3), 0);
	assert_int_equal(cache_flush(c), 0);
	q_row(c, "tickets", "fcert", "T-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "new epoch rev 2");
	q_row(c, "tickets", "fcert", "T-1", "epoch || ':' || rev", buf, sizeof buf);
	assert_string_equal(buf, "E2:2");
	assert_false(has_row(c, "tickets", "fcert", "T-2"));
	struct cache_cursor cur;
	assert_int_equal(cache_cursor_get(c, "fcert", &cur), 0);
	assert_string_equal(cur.epoch, "E2");
	assert_int_equal(cur.seq, 3);
}

static void test_snapshot_history_stream(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	struct ent x;
	assert_int_equal(upsert_alert(c, "fsoc", "E1", "AL-1", 1, "kept"), 1);
	assert_int_equal(cache_snapshot_begin(c, "fsoc"), 0);
	ent_alert(&x, "AL-2", 1, "staged alert");
	assert_int_equal(cache_snapshot_stage(c, "fsoc", &x.e), 0);
	ent_free(&x);
	assert_false(has_row(c, "alerts", "fsoc", "AL-2"));
	assert_int_equal(cache_snapshot_commit(c, "fsoc", "E1", 2), 0);
	assert_int_equal(cache_flush(c), 0);
	assert_true(has_row(c, "alerts", "fsoc", "AL-1"));
	char buf[64];
	q_row(c, "alerts", "fsoc", "AL-2", "title", buf, sizeof buf);
	assert_string_equal(buf, "staged alert");
}

/* An entity that fails to decode at commit undoes the whole batch. */
static void test_snapshot_commit_failure_applies_nothing(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	seed_for_snapshot(c);
	assert_int_equal(upsert_alert(c, "fcert", "E1", "AL-new", 1, "same batch"), 1);
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-1", 7, "good"), 0);
	struct proto_entity bad;
	memset(&bad, 0, sizeof bad);
	json_t *obj = json_pack("{s:s}", "summary", "no id, no title");
	bad.stream = PROTO_TICKETS;
	bad.id = "T-bad";
	bad.rev = 1;
	bad.data = obj;
	assert_int_equal(cache_snapshot_stage(c, "fcert", &bad), 0);
	json_decref(obj);
	assert_int_equal(cache_snapshot_commit(c, "fcert", "E2", 50), -1);
	assert_contains(cache_errmsg(c), "T-bad");
	assert_int_equal(cache_flush(c), -1);
	assert_int_equal(cache_count(c, PROTO_TICKETS), 4);
	assert_false(has_row(c, "alerts", "fcert", "AL-new"));
	char buf[64];
	q_row(c, "tickets", "fcert", "T-1", "title", buf, sizeof buf);
	assert_string_equal(buf, "t1 old");
	struct cache_cursor cur;
	assert_int_equal(cache_cursor_get(c, "fcert", &cur), 0);
	assert_int_equal(cur.valid, 0);
}

static void test_stage_cleared_at_open(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	assert_int_equal(stage_ticket(c, "fcert", "T-1", 1, "half a snapshot"), 0);
	reopen(f);
	assert_int_equal(q_int(f->c, "SELECT count(*) FROM snapshot_stage"), 0);
	assert_int_equal(cache_count(f->c, PROTO_TICKETS), 0);
}

/* ---- outbox ---- */

static void test_outbox_order_and_states(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	struct cache_action a;
	assert_int_equal(cache_outbox_add(c, "fcert", "act-1", "ticket.ack", "T-1", NULL), 1);
	assert_int_equal(cache_outbox_add(c, "fcert", "act-2", "ticket.assign", "T-1", "{\"assignee\":\"duty.chen\"}"),
			 1);
	assert_int_equal(cache_outbox_add(c, "fsoc", "act-3", "alert.ack", "AL-1", "{}"), 1);
	assert_int_equal(cache_outbox_add(c, "fcert", "act-4", "ticket.note", "T-2", "{\"text\":\"x\"}"), 1);
	assert_int_equal(cache_outbox_add(c, "fcert", "act-1", "ticket.close", "T-9", NULL), 0); /* duplicate */
	assert_int_equal(cache_outbox_add(c, "fcert", "act-5", "ticket.note", "T-2", "[1"), -1);
	assert_int_equal(cache_outbox_add(c, "fcert", "act-6", "ticket.note", "T-2", "[]"), -1);
	assert_int_equal(cache_outbox_pending(c, "fcert"), 3);
	assert_int_equal(cache_outbox_pending(c, NULL), 4);

	assert_int_equal(cache_outbox_next(c, "fcert", 0, &a), 1);
	assert_string_equal(a.action_id, "act-1");
	assert_string_equal(a.op, "ticket.ack");
	assert_string_equal(a.target, "T-1");
	assert_string_equal(a.backend, "fcert");
	assert_string_equal(a.state, "queued");
	assert_string_equal(a.args, "{}");
	int64_t id1 = a.id;
	cache_action_clear(&a);
	assert_null(a.args);
	assert_int_equal(cache_outbox_mark_sent(c, "act-1"), 0);

	assert_int_equal(cache_outbox_next(c, "fcert", id1, &a), 1);
	assert_string_equal(a.action_id, "act-2");
	assert_string_equal(a.args, "{\"assignee\":\"duty.chen\"}");
	int64_t id2 = a.id;
	assert_true(id2 > id1);
	cache_action_clear(&a);

	/* Sent but unanswered is still next from the start. */
	assert_int_equal(cache_outbox_next(c, "fcert", 0, &a), 1);
	assert_string_equal(a.action_id, "act-1");
	assert_string_equal(a.state, "sent");
	cache_action_clear(&a);
	assert_int_equal(cache_outbox_pending(c, "fcert"), 3);

	/* a result from another backend cannot settle fcert's action */
	assert_int_equal(cache_outbox_result(c, "fsoc", "act-1", 0, "conflict", "spoofed"), 0);
	assert_int_equal(q_int(c, "SELECT count(*) FROM outbox WHERE action_id = 'act-1' AND state = 'sent'"), 1);
	assert_int_equal(cache_outbox_result(c, "fcert", "act-1", 1, NULL, NULL), 0);
	assert_int_equal(cache_outbox_result(c, "fcert", "act-2", 0, "conflict", "ticket already closed"), 0);
	assert_int_equal(cache_outbox_pending(c, "fcert"), 1);
	assert_int_equal(cache_outbox_pending(c, "fsoc"), 1);
	assert_int_equal(cache_outbox_next(c, "fcert", 0, &a), 1);
	assert_string_equal(a.action_id, "act-4");
	cache_action_clear(&a);
	assert_int_equal(cache_outbox_next(c, "fcert", a.id, &a), 0);
	assert_null(a.args);
	assert_int_equal(cache_outbox_next(c, "nobody", 0, &a), 0);

	assert_int_equal(q_int(c, "SELECT count(*) FROM outbox WHERE action_id = 'act-1' AND state = 'done' "
				  "AND sent IS NOT NULL AND result_code IS NULL"),
			 1);
	assert_int_equal(q_int(c, "SELECT count(*) FROM outbox WHERE action_id = 'act-2' AND state = 'refused' "
				  "AND result_code = 'conflict' AND result_message = 'ticket already closed'"),
			 1);
	/* A second result does not overwrite the first. */
	assert_int_equal(cache_outbox_result(c, "fcert", "act-2", 1, NULL, NULL), 0);
	assert_int_equal(q_int(c, "SELECT count(*) FROM outbox WHERE state = 'refused'"), 1);
	assert_int_equal(cache_flush(c), 0);
}

static void test_outbox_add_commits_and_persists(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(cache_outbox_add(c, "fcert", "act-1", "ticket.ack", "T-1", NULL), 1);
	/* Committed at once: another connection sees it while the cache is open. */
	sqlite3 *other;
	assert_int_equal(sqlite3_open_v2(f->path, &other, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(other, "SELECT count(*) FROM outbox", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(other);

	reopen(f);
	struct cache_action a;
	assert_int_equal(cache_outbox_pending(f->c, NULL), 1);
	assert_int_equal(cache_outbox_next(f->c, "fcert", 0, &a), 1);
	assert_string_equal(a.action_id, "act-1");
	cache_action_clear(&a);
}


/* ---- TLP:RED at rest ---- */

static void ent_set_tlp(struct ent *x, int tlp)
{
	json_object_set_new(x->data, "tlp", json_string(proto_tlp_name(tlp)));
	x->e.tlp = tlp;
}

static int upsert_tlp(struct cache *c, enum proto_stream stream, const char *id, int64_t rev, const char *title,
		      int tlp)
{
	struct ent x;
	if (stream == PROTO_ALERTS)
		ent_alert(&x, id, rev, title);
	else
		ent_ticket(&x, id, rev, title);
	ent_set_tlp(&x, tlp);
	int rc = cache_upsert(c, stream == PROTO_ALERTS ? "fsoc" : "fcert", "E1", &x.e);
	ent_free(&x);
	return rc;
}

static int64_t q_count_in(struct cache *c, const char *table, const char *id)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE id = '%s'", table, id);
	return q_int(c, sql);
}

/* A RED row is read through the views like any other but never reaches
 * the file; it is gone after a restart. */
static void test_red_kept_in_memory(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(upsert_tlp(c, PROTO_ALERTS, "AL-RED", 1, "red secret", PROTO_TLP_RED), 1);
	assert_int_equal(upsert_tlp(c, PROTO_ALERTS, "AL-AMB", 1, "amber", PROTO_TLP_AMBER), 1);
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(q_count_in(c, "alerts", "AL-RED"), 1);
	assert_int_equal(q_count_in(c, "main.alerts", "AL-RED"), 0);
	assert_int_equal(q_count_in(c, "red.alerts", "AL-RED"), 1);
	assert_int_equal(q_count_in(c, "main.alerts", "AL-AMB"), 1);
	assert_int_equal(cache_count(c, PROTO_ALERTS), 2);
	assert_int_equal(q_int(c, "SELECT rx FROM alerts_stamp"), q_int(c, "SELECT max(rx) FROM alerts"));
	/* the rev rule holds in memory too */
	assert_int_equal(upsert_tlp(c, PROTO_ALERTS, "AL-RED", 1, "red secret", PROTO_TLP_RED), 0);
	reopen(f);
	assert_int_equal(q_count_in(f->c, "alerts", "AL-RED"), 0);
	assert_int_equal(q_count_in(f->c, "alerts", "AL-AMB"), 1);
}

/* A TLP change moves the row between the file and memory; an older
 * version in the other tier never wins over a newer one. */
static void test_red_moves_with_tlp(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(upsert_tlp(c, PROTO_TICKETS, "T-1", 1, "t", PROTO_TLP_RED), 1);
	assert_int_equal(upsert_tlp(c, PROTO_TICKETS, "T-1", 2, "t", PROTO_TLP_AMBER), 1);
	assert_int_equal(q_count_in(c, "red.tickets", "T-1"), 0);
	assert_int_equal(q_count_in(c, "main.tickets", "T-1"), 1);
	/* an older RED version of it is ignored */
	assert_int_equal(upsert_tlp(c, PROTO_TICKETS, "T-1", 1, "t", PROTO_TLP_RED), 0);
	assert_int_equal(q_count_in(c, "red.tickets", "T-1"), 0);
	assert_int_equal(upsert_tlp(c, PROTO_TICKETS, "T-1", 3, "t", PROTO_TLP_RED), 1);
	assert_int_equal(q_count_in(c, "main.tickets", "T-1"), 0);
	assert_int_equal(q_count_in(c, "red.tickets", "T-1"), 1);
	/* an older AMBER version is ignored too */
	assert_int_equal(upsert_tlp(c, PROTO_TICKETS, "T-1", 2, "t", PROTO_TLP_AMBER), 0);
	assert_int_equal(q_count_in(c, "main.tickets", "T-1"), 0);
	assert_int_equal(q_count_in(c, "tickets", "T-1"), 1);
	/* deletes reach memory, with the rev rule */
	assert_int_equal(cache_delete(c, "fcert", "E1", PROTO_TICKETS, "T-1", 3), 0);
	assert_int_equal(cache_delete(c, "fcert", "E1", PROTO_TICKETS, "T-1", 4), 1);
	assert_int_equal(q_count_in(c, "tickets", "T-1"), 0);
	/* a new epoch replaces whatever the rev */
	assert_int_equal(upsert_tlp(c, PROTO_TICKETS, "T-2", 9, "t", PROTO_TLP_GREEN), 1);
	struct ent x;
	ent_ticket(&x, "T-2", 1, "t");
	ent_set_tlp(&x, PROTO_TLP_RED);
	assert_int_equal(cache_upsert(c, "fcert", "E2", &x.e), 1);
	ent_free(&x);
	assert_int_equal(q_count_in(c, "main.tickets", "T-2"), 0);
	assert_int_equal(q_count_in(c, "red.tickets", "T-2"), 1);
	assert_int_equal(cache_flush(c), 0);
}

/* A snapshot stages RED entities in memory, applies them there, and
 * prunes the state rows it did not name from both tiers. */
static void test_red_snapshot(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	assert_int_equal(upsert_tlp(c, PROTO_TICKETS, "T-OLDRED", 1, "t", PROTO_TLP_RED), 1);
	assert_int_equal(upsert_tlp(c, PROTO_TICKETS, "T-OLD", 1, "t", PROTO_TLP_GREEN), 1);
	assert_int_equal(cache_snapshot_begin(c, "fcert"), 0);
	struct ent x;
	ent_ticket(&x, "T-NEWRED", 1, "new red");
	ent_set_tlp(&x, PROTO_TLP_RED);
	assert_int_equal(cache_snapshot_stage(c, "fcert", &x.e), 0);
	ent_free(&x);
	assert_int_equal(q_int(c, "SELECT count(*) FROM main.snapshot_stage"), 0);
	assert_int_equal(q_int(c, "SELECT count(*) FROM red.snapshot_stage"), 1);
	assert_int_equal(stage_ticket(c, "fcert", "T-GREEN", 1, "green"), 0);
	assert_int_equal(cache_snapshot_commit(c, "fcert", "E2", 10), 0);
	assert_int_equal(cache_flush(c), 0);
	assert_int_equal(q_count_in(c, "tickets", "T-OLDRED"), 0);
	assert_int_equal(q_count_in(c, "tickets", "T-OLD"), 0);
	assert_int_equal(q_count_in(c, "red.tickets", "T-NEWRED"), 1);
	assert_int_equal(q_count_in(c, "main.tickets", "T-GREEN"), 1);
	assert_int_equal(q_int(c, "SELECT count(*) FROM snapshot_stage"), 0);
}

/* With [cache] store_red the rows are stored like any other; opened
 * again without it, they leave the file for memory. */
static void test_red_on_disk_allowed_then_revoked(void **state)
{
	struct fixture *f = *state;
	struct cache_opts o = {.red_on_disk = 1};
	assert_int_equal(cache_open_with(f->path, &o, &f->c, f->err, sizeof f->err), 0);
	assert_int_equal(upsert_tlp(f->c, PROTO_ALERTS, "AL-RED", 1, "red zebrasecret", PROTO_TLP_RED), 1);
	assert_int_equal(cache_flush(f->c), 0);
	assert_int_equal(q_count_in(f->c, "main.alerts", "AL-RED"), 1);
	while (cache_index_step(f->c, 100) > 0)
		;
	assert_int_equal(cache_flush(f->c), 0);
	/* the word's bytes in the index's segments and its content table */
	const char *bytes = "SELECT (SELECT count(*) FROM main.alerts_fts_data WHERE instr(block, CAST('zebrasecret' AS BLOB))) + "
			    "(SELECT count(*) FROM main.alerts_fts_content WHERE instr(c0, 'zebrasecret'))";
	assert_true(q_int(f->c, bytes) > 0); /* the check can fail */
	reopen(f);
	assert_int_equal(q_count_in(f->c, "main.alerts", "AL-RED"), 0);
	/* and its words left the file's search index too */
	assert_int_equal(q_int(f->c, bytes), 0);
	assert_int_equal(q_count_in(f->c, "alerts", "AL-RED"), 1);
	assert_int_equal(upsert_tlp(f->c, PROTO_ALERTS, "AL-RED", 2, "red", PROTO_TLP_RED), 1);
	assert_int_equal(q_count_in(f->c, "main.alerts", "AL-RED"), 0);
}

/* The memory tier stays bounded: the oldest RED alerts go past 5,000. */
static void test_red_memory_bounded(void **state)
{
	struct fixture *f = *state;
	struct cache *c = open_ok(f);
	char id[32];
	for (int i = 0; i < 6000; i++) {
		struct ent x;
		snprintf(id, sizeof id, "AL-R%05d", i);
		ent_alert(&x, id, 1, "red");
		ent_set_tlp(&x, PROTO_TLP_RED);
		x.e.time_ms += i;
		assert_int_equal(cache_upsert(c, "fsoc", "E1", &x.e), 1);
		ent_free(&x);
	}
	assert_int_equal(cache_flush(c), 0);
	int64_t n = q_int(c, "SELECT count(*) FROM red.alerts");
	assert_true(n >= 5000 && n <= 5500);
	/* the newest stay */
	assert_int_equal(q_count_in(c, "alerts", "AL-R05999"), 1);
	assert_int_equal(q_count_in(c, "alerts", "AL-R00000"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_open_creates_dir_and_file),
		T(test_open_refuses_open_dir),
		T(test_open_refuses_open_file),
		T(test_open_refuses_symlink),
		T(test_open_refuses_non_regular),
		T(test_open_missing_grandparent),
		T(test_open_sets_schema),
		T(test_open_refuses_newer_schema),
		T(test_open_moves_non_database_aside),
		T(test_open_moves_truncated_aside),
		T(test_migrate_v1_to_v2_backfills_due),
		T(test_reopen_keeps_data),
		T(test_upsert_rev_rule),
		T(test_upsert_columns),
		T(test_upsert_data_is_compact_json),
		T(test_upsert_large_entity),
		T(test_delete_rule),
		T(test_rx_arrival_order),
		T(test_cursor_set_get_clear),
		T(test_cursor_commits_with_data),
		T(test_close_flushes),
		T(test_failed_write_rolls_back_batch),
		T(test_snapshot_replaces_state_keeps_history),
		T(test_snapshot_empty_drops_all_state),
		T(test_snapshot_abort),
		T(test_snapshot_epoch_change),
		T(test_snapshot_history_stream),
		T(test_snapshot_commit_failure_applies_nothing),
		T(test_stage_cleared_at_open),
		T(test_outbox_order_and_states),
		T(test_outbox_add_commits_and_persists),
		T(test_red_kept_in_memory),
		T(test_red_moves_with_tlp),
		T(test_red_snapshot),
		T(test_red_on_disk_allowed_then_revoked),
		T(test_red_memory_bounded),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
