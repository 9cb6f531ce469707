/* client/cache.c - the local SQLite cache: the single source of truth.
 *
 * Opening checks the file's and directory's permissions, migrates the schema
 * and prepares every statement the hot paths use. Writes are batched in one
 * transaction that cache_flush() commits. A failed SQLite write rolls the
 * whole batch back and poisons it: later writes fail and the next
 * cache_flush() returns -1, so a cursor can never commit past data that was
 * lost (the caller reloads its cursor and re-subscribes). */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define CACHE_ERR_MAX 512

/* The entity columns, in the order the upsert binds them (?1 .. ?19). */
enum {
	COL_BACKEND = 1,
	COL_ID,
	COL_EPOCH,
	COL_REV,
	COL_TIME,
	COL_UPDATED,
	COL_SEVERITY,
	COL_TLP,
	COL_STATUS,
	COL_KIND,
	COL_INST_ID,
	COL_INST_NAME,
	COL_TITLE,
	COL_ASSIGNEE,
	COL_TICKET_ID,
	COL_SOURCE,
	COL_CORR,
	COL_DATA,
	COL_RX,
	COL_DUE
};

#define CACHE_ENTITY_TABLE(t)                                                                      \
	"CREATE TABLE " t " ("                                                                     \
	"backend TEXT NOT NULL, id TEXT NOT NULL, epoch TEXT NOT NULL, rev INTEGER NOT NULL, "     \
	"time INTEGER, updated INTEGER, "                                                          \
	"severity INTEGER NOT NULL DEFAULT -1, tlp INTEGER NOT NULL DEFAULT -1, "                  \
	"status TEXT, kind TEXT, inst_id TEXT, inst_name TEXT, title TEXT, "                       \
	"assignee TEXT, ticket_id TEXT, source TEXT, corr INTEGER NOT NULL DEFAULT 0, "            \
	"data TEXT NOT NULL, rx INTEGER NOT NULL, "                                                \
	"PRIMARY KEY (backend, id));"                                                              \
	"CREATE INDEX " t "_time ON " t " (time, id);"                                             \
	"CREATE INDEX " t "_rx ON " t " (rx);"

/* The searchable text of a row besides its title, from row r's columns and
 * JSON (notes, indicators, summaries). Damaged or oddly typed JSON gives
 * less text, never an error: a trigger that failed would fail the write. */
#define CACHE_FTS_JSON_LIST(r, path, key)                                                          \
	"coalesce((SELECT group_concat(json_extract(value, '$." key "'), ' ') FROM json_each(" r       \
	".data, '$." path "') WHERE type = 'object'), '')"
#define CACHE_FTS_JSON_TEXT(r, path) "coalesce(json_extract(" r ".data, '$." path "'), '')"
#define CACHE_FTS_VALID(r, text) "CASE WHEN json_valid(" r ".data) THEN " text " ELSE '' END"
#define CACHE_FTS_ALERTS(r)                                                                        \
	"(coalesce(" r ".inst_name, '') || ' ' || coalesce(" r ".kind, '') || ' ' || coalesce(" r      \
	".source, '') || ' ' || " CACHE_FTS_VALID(                                                      \
		r, CACHE_FTS_JSON_TEXT(r, "summary") " || ' ' || " CACHE_FTS_JSON_TEXT(                 \
			   r, "resolution") " || ' ' || " CACHE_FTS_JSON_LIST(r, "indicators", "value")     \
			   " || ' ' || " CACHE_FTS_JSON_LIST(r, "notes", "text")) ")"
#define CACHE_FTS_ADVISORIES(r)                                                                    \
	"(coalesce(" r ".kind, '') || ' ' || " CACHE_FTS_VALID(                                         \
		r, CACHE_FTS_JSON_TEXT(r, "summary") " || ' ' || " CACHE_FTS_JSON_TEXT(r, "cve")          \
			" || ' ' || " CACHE_FTS_JSON_LIST(r, "indicators", "value")) ")"
#define CACHE_FTS_TICKETS(r)                                                                       \
	"(coalesce(" r ".inst_name, '') || ' ' || coalesce(" r ".assignee, '') || ' ' || " CACHE_FTS_VALID( \
		r, CACHE_FTS_JSON_LIST(r, "notes", "text")) ")"
/* An FTS5 table t_fts(title, body) with rowid = t's rowid. A deleted row
 * leaves it by trigger; new and changed rows of the file are indexed after
 * the fact, in steps (cache_index_step: triggers doing it inline cut ingest
 * to a quarter), those of the memory tier at once by triggers.
 * Dots, dashes, underscores and @ join words, so that an address, a
 * domain, a CVE or a ticket id is one token: found exactly and fast. */
#define CACHE_FTS_TABLE(db, t)                                                                     \
	"CREATE VIRTUAL TABLE IF NOT EXISTS " db t                                                  \
	"_fts USING fts5(title, body, tokenize = \"unicode61 tokenchars '.-_@'\");"               \
	"CREATE TRIGGER IF NOT EXISTS " db t "_fts_ad AFTER DELETE ON " t " BEGIN "                   \
	"DELETE FROM " t "_fts WHERE rowid = old.rowid; END;"
/* The memory tier (small, RED only) indexes at once, by triggers. */
#define CACHE_FTS_IN(db, t, body)                                                                  \
	CACHE_FTS_TABLE(db, t)                                                                     \
	"CREATE TRIGGER IF NOT EXISTS " db t "_fts_ai AFTER INSERT ON " t " BEGIN "                   \
	"INSERT INTO " t "_fts (rowid, title, body) VALUES (new.rowid, new.title, " body("new") "); END;" \
	"CREATE TRIGGER IF NOT EXISTS " db t "_fts_au AFTER UPDATE ON " t " BEGIN "                   \
	"DELETE FROM " t "_fts WHERE rowid = old.rowid; "                                           \
	"INSERT INTO " t "_fts (rowid, title, body) VALUES (new.rowid, new.title, " body("new") "); END;"
#define CACHE_OPEN_ALERT "severity >= 3 AND status IS NOT 'closed'"

/* migrations[v] takes the schema from version v to v + 1, in one
 * transaction. Adding version 2 is adding one entry here and bumping
 * CACHE_SCHEMA_VERSION. */
/* Each migration is a few statements' texts (ISO C bounds a string
 * literal), run in order in one transaction; NULL ends the list. */
#define CACHE_MIGRATION_PARTS 8
static const char *const cache_migrations[][CACHE_MIGRATION_PARTS] = {
	/* 0 -> 1: the first schema */
	{
	CACHE_ENTITY_TABLE("alerts") CACHE_ENTITY_TABLE("advisories") CACHE_ENTITY_TABLE("tickets")
		CACHE_ENTITY_TABLE("vendors") CACHE_ENTITY_TABLE("drills")
	"CREATE TABLE cursors (backend TEXT PRIMARY KEY NOT NULL, epoch TEXT NOT NULL, "
	"seq INTEGER NOT NULL, updated INTEGER NOT NULL);"
	"CREATE TABLE snapshot_stage (backend TEXT NOT NULL, stream TEXT NOT NULL, "
	"id TEXT NOT NULL, rev INTEGER NOT NULL, data TEXT NOT NULL, "
	"PRIMARY KEY (backend, stream, id));"
	"CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, backend TEXT NOT NULL, "
	"action_id TEXT NOT NULL UNIQUE, op TEXT NOT NULL, target TEXT NOT NULL, "
	"args TEXT NOT NULL DEFAULT '{}', "
	"state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sent','done','refused')), "
	"created INTEGER NOT NULL, sent INTEGER, result_code TEXT, result_message TEXT);"
	"CREATE INDEX outbox_backend ON outbox (backend, state, id);"},
	/* 1 -> 2: a ticket's response deadline as a column, so sorting 100,000
	 * tickets by it is an index walk, not a JSON parse per row. */
	{"ALTER TABLE alerts ADD COLUMN due INTEGER;"
	"ALTER TABLE advisories ADD COLUMN due INTEGER;"
	"ALTER TABLE tickets ADD COLUMN due INTEGER;"
	"ALTER TABLE vendors ADD COLUMN due INTEGER;"
	"ALTER TABLE drills ADD COLUMN due INTEGER;"
	"UPDATE tickets SET due = CAST(round((julianday(json_extract(data, '$.due')) - 2440587.5) * 86400000) AS INTEGER) "
	"WHERE json_valid(data) AND json_type(data, '$.due') = 'text';"
	"CREATE INDEX tickets_due ON tickets (due, id);"},
	/* 2 -> 3: full-text search (client/search.h), kept in sync by
	 * triggers, and built here for the rows already stored. */
	{CACHE_FTS_TABLE("", "alerts") CACHE_FTS_TABLE("", "advisories") CACHE_FTS_TABLE("", "tickets")
	 /* how far each index has got, by arrival (rx); 0: from the start */
	 "CREATE TABLE IF NOT EXISTS fts_state (tbl TEXT PRIMARY KEY NOT NULL, rx INTEGER NOT NULL);"
	 /* red_on_disk = 1: the file may hold TLP:RED rows (every soctop
	  * before version 3 stored them), so the next open without
	  * store_red looks for them once */
	 "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, value);"
	 "INSERT OR REPLACE INTO meta (key, value) VALUES ('red_on_disk', 1);"
	 "DELETE FROM fts_state; DELETE FROM alerts_fts; DELETE FROM advisories_fts; DELETE FROM tickets_fts;",
	 /* the wall's counters of open critical and high alerts */
	 "CREATE INDEX IF NOT EXISTS alerts_open ON alerts (backend, severity, tlp) WHERE " CACHE_OPEN_ALERT ";"},
};

_Static_assert(sizeof cache_migrations / sizeof cache_migrations[0] == CACHE_SCHEMA_VERSION,
	       "one migration per schema version");

/* Where a row lives: the file, or (TLP:RED unless the configuration keeps
 * it on disk) the in-memory database attached as "red". The views read
 * both through TEMP views named like the tables (see cache_attach_red). */
enum { CACHE_DISK, CACHE_MEM };
static const char *const cache_tiers[2] = {"main", "red"};

#define CACHE_COLS                                                                                 \
	"backend, id, epoch, rev, time, updated, severity, tlp, status, kind, inst_id, inst_name, "   \
	"title, assignee, ticket_id, source, corr, data, rx, due"

/* The streams with a search index, in the order of cache.fts_*[]. */
static const int cache_fts_streams[3] = {PROTO_ALERTS, PROTO_ADVISORIES, PROTO_TICKETS};

static const char *const cache_tables[PROTO_NSTREAMS] = {
	[PROTO_ALERTS] = "alerts",   [PROTO_ADVISORIES] = "advisories", [PROTO_TICKETS] = "tickets",
	[PROTO_VENDORS] = "vendors", [PROTO_DRILLS] = "drills",
};

struct cache {
	sqlite3 *db;
	char *path;
	char err[CACHE_ERR_MAX];
	int failed;  /* a write of the open batch failed: it was rolled back */
	int damaged; /* SQLite said the file is corrupt or not a database */
	char notice[CACHE_ERR_MAX + PATH_MAX]; /* set at open: a damaged cache was moved aside */
	int64_t notice_ms;
	int64_t rx;  /* next arrival number */
	int64_t batch_started_ms; /* when the open write transaction began */
	int batch_writes;         /* rows written in it */
	char *buf;   /* reusable buffer for the entity JSON */
	size_t bufcap;

	struct cache_opts opts;
	int follower, writer_pid;
	int lock_fd; /* the writer's lock, -1 when none */
	int red_used; /* a row ever went to the memory tier: check it too */
	unsigned red_puts; /* history rows put in memory, for the trim */

	/* The file's search index: indexed up to these arrivals (rx) of
	 * alerts, advisories, tickets; reloaded after a rollback. */
	int64_t fts_rx[3];
	int fts_loaded;
	sqlite3_stmt *fts_max[3], *fts_put[3], *fts_state_set, *fts_state_get, *fts_behind[3];

	/* Per tier (CACHE_DISK, CACHE_MEM) and stream. */
	sqlite3_stmt *upsert[2][PROTO_NSTREAMS];
	sqlite3_stmt *del[2][PROTO_NSTREAMS];
	sqlite3_stmt *exists[2][PROTO_NSTREAMS];
	sqlite3_stmt *prune[2][PROTO_NSTREAMS]; /* state streams only */
	sqlite3_stmt *count[PROTO_NSTREAMS];
	sqlite3_stmt *begin, *commit, *rollback;
	sqlite3_stmt *cursor_get, *cursor_set, *cursor_clear;
	sqlite3_stmt *stage_clear[2], *stage_put[2], *stage_drop[2], *stage_list;
	sqlite3_stmt *outbox_add, *outbox_next, *outbox_sent, *outbox_result, *outbox_pending;

	/* The checkpointer: see cache_checkpointer(). */
	pthread_t ckpt_thread;
	int ckpt_started;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
	int ckpt_stop, ckpt_wanted;
};

__attribute__((format(printf, 2, 3))) static void cache_seterr(struct cache *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	/* One line, whatever an id or a path held. */
	for (char *p = c->err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void cache_mark_damaged(struct cache *c);

/* The message for a failed SQLite call, in words that say what to do for
 * the two conditions an operator can act on: a full disk and a damaged file. */
static void cache_seterr_rc(struct cache *c, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
		cache_seterr(c, "cache %s: %s: disk full: free space on the cache's filesystem; soctop retries "
				"and resumes from its stored cursor", c->path, what);
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		cache_seterr(c, "cache %s: %s: the file is damaged (%s); restart soctop to move it aside and "
				"rebuild it from the backends", c->path, what, sqlite3_errstr(rc));
		cache_mark_damaged(c);
		break;
	default:
		cache_seterr(c, "cache %s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
		break;
	}
}

static int64_t cache_now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *cache_table(enum proto_stream stream)
{
	if ((int)stream < 0 || stream >= PROTO_NSTREAMS)
		return NULL;
	return cache_tables[stream];
}

static int cache_stream_of(const char *table)
{
	for (int s = 0; s < PROTO_NSTREAMS; s++)
		if (strcmp(cache_tables[s], table) == 0)
			return s;
	return -1;
}

sqlite3 *cache_db(struct cache *c)
{
	return c->db;
}

const char *cache_path(const struct cache *c)
{
	return c->path;
}

const char *cache_errmsg(const struct cache *c)
{
	return c->err;
}

/* ---- statements ---- */

static int cache_prepare(struct cache *c, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		cache_seterr(c, "cache %s: preparing \"%.80s\": %s", c->path, sql, sqlite3_errmsg(c->db));
		return -1;
	}
	return 0;
}

/* Step st once. Returns SQLITE_ROW or SQLITE_DONE; on error sets the message
 * (naming what) and returns -1. The statement is reset unless a row came. */
static int cache_step(struct cache *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return rc;
	if (rc != SQLITE_DONE) {
		cache_seterr_rc(c, rc, what);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return SQLITE_DONE;
}

static int cache_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int cache_bind_fail(struct cache *c, sqlite3_stmt *st, const char *what)
{
	cache_seterr(c, "cache %s: binding %s: %s", c->path, what, sqlite3_errmsg(c->db));
	sqlite3_reset(st);
	return -1;
}

/* ---- the write batch ---- */

/* A write failed inside SQLite: undo the whole batch so nothing of it is
 * half-applied, and refuse further writes until flush or rollback. */
static void cache_batch_fail(struct cache *c)
{
	c->fts_loaded = 0; /* what the index step recorded may be undone */
	/* A failing ROLLBACK leaves nothing better to do: SQLite has then
	 * ended the transaction itself. The first message is the useful one. */
	if (!sqlite3_get_autocommit(c->db)) {
		(void)sqlite3_step(c->rollback);
		(void)sqlite3_reset(c->rollback);
	}
	c->failed = 1;
}

static int cache_write_begin(struct cache *c)
{
	if (c->failed)
		return -1; /* the message of the first failure stays */
	if (!sqlite3_get_autocommit(c->db))
		return 0;
	if (cache_step(c, c->begin, "BEGIN IMMEDIATE") < 0) {
		cache_batch_fail(c);
		return -1;
	}
	c->batch_started_ms = cache_now_ms();
	c->batch_writes = 0;
	return 0;
}

int64_t cache_batch_age_ms(struct cache *c)
{
	if (sqlite3_get_autocommit(c->db))
		return -1;
	int64_t age = cache_now_ms() - c->batch_started_ms;
	return age < 0 ? 0 : age;
}

int cache_batch_writes(const struct cache *c)
{
	return c->batch_writes;
}

int cache_flush(struct cache *c)
{
	if (c->failed) {
		cache_batch_fail(c);
		c->failed = 0;
		return -1;
	}
	if (sqlite3_get_autocommit(c->db))
		return 0;
	if (cache_step(c, c->commit, "COMMIT") < 0) {
		cache_batch_fail(c);
		c->failed = 0;
		return -1;
	}
	return 0;
}

void cache_rollback(struct cache *c)
{
	c->fts_loaded = 0;
	if (!sqlite3_get_autocommit(c->db) && cache_step(c, c->rollback, "ROLLBACK") < 0) {
		/* The message stays for cache_errmsg(); SQLite has ended the
		 * transaction or the connection is broken either way. */
	}
	c->failed = 0;
}

/* ---- opening ---- */

static void cache_mode_err(struct cache *c, const char *what, const char *path, mode_t mode, const char *fix)
{
	cache_seterr(c, "%s %s is %s by others (mode %04o): run chmod %s %s", what, path,
		     (mode & 0044) ? "readable" : "accessible", (unsigned)(mode & 07777), fix, path);
}

static int cache_check_dir(struct cache *c, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT) {
			cache_seterr(c, "cache directory %s: %s", dir, strerror(errno));
			return -1;
		}
		if (mkdir(dir, 0700) != 0) {
			cache_seterr(c, "cannot create cache directory %s: %s", dir, strerror(errno));
			return -1;
		}
		if (chmod(dir, 0700) != 0 || stat(dir, &st) != 0) {
			cache_seterr(c, "cache directory %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (!S_ISDIR(st.st_mode)) {
		cache_seterr(c, "cache directory %s is not a directory", dir);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		cache_seterr(c, "cache directory %s belongs to uid %u, not to you", dir, (unsigned)st.st_uid);
		return -1;
	}
	if (st.st_mode & 0077) {
		cache_mode_err(c, "cache directory", dir, st.st_mode, "700");
		return -1;
	}
	return 0;
}

static int cache_check_file(struct cache *c, const struct stat *st)
{
	if (S_ISLNK(st->st_mode)) {
		cache_seterr(c, "cache %s is a symlink: point the configuration at the real file", c->path);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		cache_seterr(c, "cache %s is not a regular file", c->path);
		return -1;
	}
	if (st->st_uid != geteuid()) {
		cache_seterr(c, "cache %s belongs to uid %u, not to you", c->path, (unsigned)st->st_uid);
		return -1;
	}
	if (st->st_mode & 0077) {
		cache_mode_err(c, "cache", c->path, st->st_mode, "600");
		return -1;
	}
	return 0;
}

/* Check the directory and the file, creating either 0700 / 0600 when
 * missing, before SQLite ever touches the path. */
static int cache_prepare_path(struct cache *c)
{
	const char *slash = strrchr(c->path, '/');
	char *dir;
	if (!slash)
		dir = strdup(".");
	else if (slash == c->path)
		dir = strdup("/");
	else
		dir = strndup(c->path, (size_t)(slash - c->path));
	if (!dir) {
		cache_seterr(c, "cache %s: out of memory", c->path);
		return -1;
	}
	if ((slash && slash[1] == '\0') || c->path[0] == '\0') {
		cache_seterr(c, "cache path \"%s\" does not name a file", c->path);
		free(dir);
		return -1;
	}
	int rc = cache_check_dir(c, dir);
	free(dir);
	if (rc < 0)
		return -1;

	struct stat st;
	int flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC;
	if (lstat(c->path, &st) == 0) {
		if (cache_check_file(c, &st) < 0)
			return -1;
	} else if (errno == ENOENT) {
		flags |= O_CREAT | O_EXCL;
	} else {
		cache_seterr(c, "cache %s: %s", c->path, strerror(errno));
		return -1;
	}
	int fd = open(c->path, flags, 0600);
	if (fd < 0 && errno == EEXIST && (flags & O_EXCL)) {
		/* Created between the look and the open: check it as an existing file. */
		flags &= ~(O_CREAT | O_EXCL);
		if (lstat(c->path, &st) == 0 && cache_check_file(c, &st) < 0)
			return -1;
		fd = open(c->path, flags, 0600);
	}
	if (fd < 0) {
		if (errno == ELOOP)
			cache_seterr(c, "cache %s is a symlink: point the configuration at the real file", c->path);
		else
			cache_seterr(c, "cache %s: %s", c->path, strerror(errno));
		return -1;
	}
	/* Check what was opened, not what was looked at (a swap in between). */
	rc = 0;
	if ((flags & O_CREAT) && fchmod(fd, 0600) != 0) {
		cache_seterr(c, "cache %s: chmod 600: %s", c->path, strerror(errno));
		rc = -1;
	} else if (fstat(fd, &st) != 0) {
		cache_seterr(c, "cache %s: %s", c->path, strerror(errno));
		rc = -1;
	} else {
		rc = cache_check_file(c, &st);
	}
	if (close(fd) != 0 && rc == 0) {
		cache_seterr(c, "cache %s: %s", c->path, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* The writer's lock: a POSIX record lock on path + ".lock" (so F_GETLK
 * names the holder). Held: this process writes. Taken by another: this one
 * follows. A lock file that is not ours or is a symlink is refused. */
static int cache_lock(struct cache *c)
{
	size_t n = strlen(c->path) + sizeof ".lock";
	char *p = malloc(n);
	if (!p) {
		cache_seterr(c, "cache %s: out of memory", c->path);
		return -1;
	}
	snprintf(p, n, "%s.lock", c->path);
	int fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		cache_seterr(c, "cache lock %s: %s", p, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0077)) {
		cache_seterr(c, "cache lock %s must be a regular file of yours, mode 0600", p);
		goto fail;
	}
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	if (fcntl(fd, F_SETLK, &fl) == 0) {
		c->lock_fd = fd;
		free(p);
		return 0;
	}
	if (errno != EACCES && errno != EAGAIN) {
		cache_seterr(c, "cache lock %s: %s", p, strerror(errno));
		goto fail;
	}
	struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	if (fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK)
		c->writer_pid = (int)who.l_pid;
	c->follower = 1;
	close(fd);
	free(p);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(p);
	return -1;
}

int cache_is_follower(const struct cache *c, int *writer_pid)
{
	if (writer_pid)
		*writer_pid = c->writer_pid;
	return c->follower;
}

static int cache_exec(struct cache *c, const char *sql, const char *what)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_FULL)
			cache_seterr_rc(c, rc, what);
		else
			cache_seterr(c, "cache %s: %s: %s", c->path, what, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int cache_user_version(struct cache *c, int *v)
{
	sqlite3_stmt *st;
	if (cache_prepare(c, &st, "PRAGMA user_version") < 0)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		cache_seterr(c, "cache %s: reading user_version: %s", c->path, sqlite3_errmsg(c->db));
		sqlite3_finalize(st);
		return -1;
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* One transaction per step, the version read under the write lock so two
 * processes opening at once cannot both migrate. */
static int cache_migrate(struct cache *c)
{
	for (;;) {
		int v;
		if (cache_exec(c, "BEGIN IMMEDIATE", "starting the schema check") < 0)
			return -1;
		if (cache_user_version(c, &v) < 0)
			goto fail;
		if (v > CACHE_SCHEMA_VERSION) {
			cache_seterr(c,
				     "cache %s has schema version %d, written by a newer soctop "
				     "(this one knows version %d): upgrade soctop or use another cache file",
				     c->path, v, CACHE_SCHEMA_VERSION);
			goto fail;
		}
		if (v == CACHE_SCHEMA_VERSION)
			return cache_exec(c, "COMMIT", "ending the schema check");
		if (v < 0) {
			cache_seterr(c, "cache %s has a negative schema version %d", c->path, v);
			goto fail;
		}
		char what[64], set[64];
		snprintf(what, sizeof what, "migrating the schema from version %d to %d", v, v + 1);
		snprintf(set, sizeof set, "PRAGMA user_version = %d", v + 1);
		for (int k = 0; k < CACHE_MIGRATION_PARTS && cache_migrations[v][k]; k++)
			if (cache_exec(c, cache_migrations[v][k], what) < 0)
				goto fail;
		if (cache_exec(c, set, what) < 0 || cache_exec(c, "COMMIT", what) < 0)
			goto fail;
	}
fail:
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int cache_prepare_all(struct cache *c)
{
	char sql[4000];
	for (int s = 0; s < PROTO_NSTREAMS; s++) {
		const char *t = cache_tables[s];
		for (int k = CACHE_DISK; k <= CACHE_MEM; k++) {
			const char *db = cache_tiers[k];
			snprintf(sql, sizeof sql,
				 "INSERT INTO %s.%s (" CACHE_COLS ") "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
				 "?18, ?19, ?20) "
				 "ON CONFLICT (backend, id) DO UPDATE SET epoch = excluded.epoch, rev = excluded.rev, "
				 "time = excluded.time, updated = excluded.updated, severity = excluded.severity, "
				 "tlp = excluded.tlp, status = excluded.status, kind = excluded.kind, "
				 "inst_id = excluded.inst_id, inst_name = excluded.inst_name, title = excluded.title, "
				 "assignee = excluded.assignee, ticket_id = excluded.ticket_id, "
				 "source = excluded.source, corr = excluded.corr, data = excluded.data, rx = excluded.rx, "
				 "due = excluded.due "
				 "WHERE excluded.epoch <> %s.epoch OR excluded.rev > %s.rev",
				 db, t, t, t);
			if (cache_prepare(c, &c->upsert[k][s], sql) < 0)
				return -1;
			snprintf(sql, sizeof sql,
				 "DELETE FROM %s.%s WHERE backend = ?1 AND id = ?2 AND (epoch <> ?3 OR rev < ?4)", db, t);
			if (cache_prepare(c, &c->del[k][s], sql) < 0)
				return -1;
			snprintf(sql, sizeof sql, "SELECT 1 FROM %s.%s WHERE backend = ?1 AND id = ?2", db, t);
			if (cache_prepare(c, &c->exists[k][s], sql) < 0)
				return -1;
			if (PROTO_STREAM_IS_STATE(s)) {
				snprintf(sql, sizeof sql,
					 "DELETE FROM %s.%s WHERE backend = ?1 AND id NOT IN "
					 "(SELECT id FROM main.snapshot_stage WHERE backend = ?1 AND stream = ?2 "
					 "UNION ALL SELECT id FROM red.snapshot_stage WHERE backend = ?1 AND stream = ?2)",
					 db, t);
				if (cache_prepare(c, &c->prune[k][s], sql) < 0)
					return -1;
			}
		}
		snprintf(sql, sizeof sql, "SELECT n FROM %s_stamp", t);
		if (cache_prepare(c, &c->count[s], sql) < 0)
			return -1;
	}
	for (int k = CACHE_DISK; k <= CACHE_MEM; k++) {
		const char *db = cache_tiers[k];
		snprintf(sql, sizeof sql, "DELETE FROM %s.snapshot_stage WHERE backend = ?1", db);
		if (cache_prepare(c, &c->stage_clear[k], sql) < 0)
			return -1;
		snprintf(sql, sizeof sql,
			 "INSERT OR REPLACE INTO %s.snapshot_stage (backend, stream, id, rev, data) "
			 "VALUES (?1, ?2, ?3, ?4, ?5)",
			 db);
		if (cache_prepare(c, &c->stage_put[k], sql) < 0)
			return -1;
		snprintf(sql, sizeof sql,
			 "DELETE FROM %s.snapshot_stage WHERE backend = ?1 AND stream = ?2 AND id = ?3", db);
		if (cache_prepare(c, &c->stage_drop[k], sql) < 0)
			return -1;
	}
	static const char *const fts_body[3] = {CACHE_FTS_ALERTS("e"), CACHE_FTS_ADVISORIES("e"), CACHE_FTS_TICKETS("e")};
	for (int k = 0; k < 3; k++) {
		const char *t = cache_tables[cache_fts_streams[k]];
		snprintf(sql, sizeof sql,
			 "SELECT max(rx), count(*) FROM (SELECT rx FROM main.%s WHERE rx > ?1 ORDER BY rx LIMIT ?2)", t);
		if (cache_prepare(c, &c->fts_max[k], sql) < 0)
			return -1;
		snprintf(sql, sizeof sql,
			 "INSERT OR REPLACE INTO main.%s_fts (rowid, title, body) SELECT rowid, title, %s "
			 "FROM main.%s AS e WHERE rx > ?1 AND rx <= ?2",
			 t, fts_body[k], t);
		if (cache_prepare(c, &c->fts_put[k], sql) < 0)
			return -1;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM main.%s WHERE rx > ?1", t);
		if (cache_prepare(c, &c->fts_behind[k], sql) < 0)
			return -1;
	}
	if (cache_prepare(c, &c->fts_state_set, "INSERT OR REPLACE INTO main.fts_state (tbl, rx) VALUES (?1, ?2)") < 0 ||
	    cache_prepare(c, &c->fts_state_get, "SELECT rx FROM main.fts_state WHERE tbl = ?1") < 0)
		return -1;
	if (cache_prepare(c, &c->stage_list,
			  "SELECT stream, id, rev, data FROM main.snapshot_stage WHERE backend = ?1 "
			  "UNION ALL SELECT stream, id, rev, data FROM red.snapshot_stage WHERE backend = ?1") < 0)
		return -1;
	if (cache_prepare(c, &c->begin, "BEGIN IMMEDIATE") < 0 || cache_prepare(c, &c->commit, "COMMIT") < 0 ||
	    cache_prepare(c, &c->rollback, "ROLLBACK") < 0 ||
	    cache_prepare(c, &c->cursor_get, "SELECT epoch, seq FROM cursors WHERE backend = ?1") < 0 ||
	    cache_prepare(c, &c->cursor_set,
			  "INSERT INTO cursors (backend, epoch, seq, updated) VALUES (?1, ?2, ?3, ?4) "
			  "ON CONFLICT (backend) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq, "
			  "updated = excluded.updated") < 0 ||
	    cache_prepare(c, &c->cursor_clear, "DELETE FROM cursors WHERE backend = ?1") < 0 ||
	    cache_prepare(c, &c->outbox_add,
			  "INSERT INTO outbox (backend, action_id, op, target, args, state, created) "
			  "VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6) ON CONFLICT (action_id) DO NOTHING") < 0 ||
	    cache_prepare(c, &c->outbox_next,
			  "SELECT id, backend, action_id, op, target, args, state FROM outbox "
			  "WHERE backend = ?1 AND id > ?2 AND state IN ('queued', 'sent') ORDER BY id LIMIT 1") < 0 ||
	    cache_prepare(c, &c->outbox_sent,
			  "UPDATE outbox SET state = 'sent', sent = ?2 "
			  "WHERE action_id = ?1 AND state IN ('queued', 'sent')") < 0 ||
	    cache_prepare(c, &c->outbox_result,
			  "UPDATE outbox SET state = ?2, result_code = ?3, result_message = ?4 "
			  "WHERE action_id = ?1 AND backend = ?5 AND state IN ('queued', 'sent')") < 0 ||
	    cache_prepare(c, &c->outbox_pending,
			  "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sent') "
			  "AND (?1 IS NULL OR backend = ?1)") < 0)
		return -1;
	return 0;
}

/* Create (or drop) the TEMP views over both tiers: t and t_stamp. */
static int cache_views(struct cache *c, int create)
{
	char sql[1024];
	for (int s = 0; s < PROTO_NSTREAMS; s++) {
		const char *t = cache_tables[s];
		if (create)
			snprintf(sql, sizeof sql,
				 "CREATE TEMP VIEW %s AS SELECT " CACHE_COLS " FROM main.%s UNION ALL SELECT " CACHE_COLS
				 " FROM red.%s;"
				 "CREATE TEMP VIEW %s_stamp AS SELECT max(coalesce((SELECT max(rx) FROM main.%s), 0), "
				 "coalesce((SELECT max(rx) FROM red.%s), 0)) AS rx, "
				 "(SELECT count(*) FROM main.%s) + (SELECT count(*) FROM red.%s) AS n;"
				 /* rx alone: t_stamp computes its count even when only rx is read */
				 "CREATE TEMP VIEW %s_rx AS SELECT max(coalesce((SELECT max(rx) FROM main.%s), 0), "
				 "coalesce((SELECT max(rx) FROM red.%s), 0)) AS rx;",
				 t, t, t, t, t, t, t, t, t, t, t);
		else
			snprintf(sql, sizeof sql,
				 "DROP VIEW IF EXISTS temp.%s; DROP VIEW IF EXISTS temp.%s_stamp; DROP VIEW IF EXISTS temp.%s_rx;",
				 t, t, t);
		if (cache_exec(c, sql, create ? "creating the views over the memory tier" : "dropping the views") < 0)
			return -1;
	}
	return 0;
}

/* The memory tier: an in-memory database attached as "red" with the entity
 * tables and the snapshot stage of the file, and TEMP views named like the
 * tables that read both (TEMP names shadow main's for unqualified names),
 * so the views and every reader see one set of rows. Writes name their
 * tier. temp_store = MEMORY keeps sorts and TEMP objects off the disk too. */
static int cache_attach_red(struct cache *c)
{
	char sql[2048];
	if (cache_exec(c, "PRAGMA temp_store = MEMORY", "PRAGMA temp_store") < 0 ||
	    cache_exec(c, "ATTACH DATABASE ':memory:' AS red", "attaching the memory tier") < 0)
		return -1;
	for (int s = 0; s < PROTO_NSTREAMS; s++) {
		const char *t = cache_tables[s];
		snprintf(sql, sizeof sql,
			 "CREATE TABLE red.%s (backend TEXT NOT NULL, id TEXT NOT NULL, epoch TEXT NOT NULL, "
			 "rev INTEGER NOT NULL, time INTEGER, updated INTEGER, "
			 "severity INTEGER NOT NULL DEFAULT -1, tlp INTEGER NOT NULL DEFAULT -1, "
			 "status TEXT, kind TEXT, inst_id TEXT, inst_name TEXT, title TEXT, "
			 "assignee TEXT, ticket_id TEXT, source TEXT, corr INTEGER NOT NULL DEFAULT 0, "
			 "data TEXT NOT NULL, rx INTEGER NOT NULL, due INTEGER, PRIMARY KEY (backend, id));"
			 "CREATE INDEX red.%s_time ON %s (time, id);"
			 "CREATE INDEX red.%s_rx ON %s (rx);",
			 t, t, t, t, t);
		if (cache_exec(c, sql, "creating the memory tier") < 0)
			return -1;
	}
	if (cache_views(c, 1) < 0)
		return -1;
	static const char *const fts[] = {CACHE_FTS_IN("red.", "alerts", CACHE_FTS_ALERTS),
					   CACHE_FTS_IN("red.", "advisories", CACHE_FTS_ADVISORIES),
					   CACHE_FTS_IN("red.", "tickets", CACHE_FTS_TICKETS)};
	for (size_t i = 0; i < sizeof fts / sizeof fts[0]; i++)
		if (cache_exec(c, fts[i], "creating the memory tier's search index") < 0)
			return -1;
	return cache_exec(c,
			  "CREATE INDEX red.tickets_due ON tickets (due, id);"
			  "CREATE INDEX red.alerts_open ON alerts (backend, severity, tlp) WHERE " CACHE_OPEN_ALERT ";"
			  "CREATE TABLE red.snapshot_stage (backend TEXT NOT NULL, stream TEXT NOT NULL, "
			  "id TEXT NOT NULL, rev INTEGER NOT NULL, data TEXT NOT NULL, "
			  "PRIMARY KEY (backend, stream, id));",
			  "creating the memory tier");
}

/* Whether the file may hold TLP:RED rows (meta red_on_disk). */
static int cache_red_flag(struct cache *c, int *on)
{
	sqlite3_stmt *st;
	*on = 1; /* no word: look */
	if (cache_exec(c, "CREATE TABLE IF NOT EXISTS main.meta (key TEXT PRIMARY KEY NOT NULL, value)", "meta") < 0 ||
	    cache_prepare(c, &st, "SELECT value FROM main.meta WHERE key = 'red_on_disk'") < 0)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*on = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		cache_seterr(c, "cache %s: reading meta: %s", c->path, sqlite3_errmsg(c->db));
		return -1;
	}
	return 0;
}

/* TLP:RED rows a configuration that allowed them left in the file move to
 * memory, and the file forgets them (secure_delete zeroes the freed
 * cells); or, now allowed, RED rows go nowhere. One transaction. Only
 * when the file may hold some (a scan of every table otherwise costs the
 * first frame most of a second on a million alerts). */
static int cache_move_red_off_disk(struct cache *c)
{
	char sql[512];
	int flag;
	if (cache_red_flag(c, &flag) < 0)
		return -1;
	if (!flag)
		return 0;
	if (cache_exec(c, "PRAGMA main.secure_delete = ON", "PRAGMA secure_delete") < 0 ||
	    cache_exec(c, "BEGIN IMMEDIATE", "moving TLP:RED rows to memory") < 0)
		return -1;
	int64_t moved = 0;
	for (int s = 0; s < PROTO_NSTREAMS; s++) {
		const char *t = cache_tables[s];
		snprintf(sql, sizeof sql,
			 "INSERT INTO red.%s (" CACHE_COLS ") SELECT " CACHE_COLS " FROM main.%s WHERE tlp = %d;"
			 "DELETE FROM main.%s WHERE tlp = %d;",
			 t, t, PROTO_TLP_RED, t, PROTO_TLP_RED);
		if (cache_exec(c, sql, "moving TLP:RED rows to memory") < 0)
			goto fail;
		moved += sqlite3_changes(c->db);
	}
	if (moved > 0 &&
	    cache_exec(c,
		       /* the search index keeps a deleted row's words until its
			* segments merge: merge them now */
		       "INSERT INTO main.alerts_fts (alerts_fts) VALUES ('optimize');"
		       "INSERT INTO main.advisories_fts (advisories_fts) VALUES ('optimize');"
		       "INSERT INTO main.tickets_fts (tickets_fts) VALUES ('optimize');",
		       "purging TLP:RED words from the search index") < 0)
		goto fail;
	if (cache_exec(c, "INSERT OR REPLACE INTO main.meta (key, value) VALUES ('red_on_disk', 0)",
		       "moving TLP:RED rows to memory") < 0 ||
	    cache_exec(c, "COMMIT", "moving TLP:RED rows to memory") < 0)
		goto fail;
	if (moved > 0)
		c->red_used = 1;
	return cache_exec(c, "PRAGMA main.secure_delete = OFF", "PRAGMA secure_delete");
fail:
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int cache_init_rx(struct cache *c)
{
	sqlite3_stmt *st;
	if (cache_prepare(c, &st,
			  /* main.: the TEMP views of the same names would scan */
			  "SELECT max(coalesce((SELECT max(rx) FROM main.alerts), 0), "
			  "coalesce((SELECT max(rx) FROM main.advisories), 0), "
			  "coalesce((SELECT max(rx) FROM main.tickets), 0), "
			  "coalesce((SELECT max(rx) FROM main.vendors), 0), "
			  "coalesce((SELECT max(rx) FROM main.drills), 0))") < 0)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		cache_seterr(c, "cache %s: reading the arrival counter: %s", c->path, sqlite3_errmsg(c->db));
		sqlite3_finalize(st);
		return -1;
	}
	c->rx = sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	return 0;
}

/* SQLite gives the -wal and -shm files the database's mode; make sure. */
static int cache_chmod_sidecars(struct cache *c)
{
	static const char *const sfx[] = {"-wal", "-shm"};
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		size_t n = strlen(c->path) + strlen(sfx[i]) + 1;
		char *p = malloc(n);
		if (!p) {
			cache_seterr(c, "cache %s: out of memory", c->path);
			return -1;
		}
		snprintf(p, n, "%s%s", c->path, sfx[i]);
		if (chmod(p, 0600) != 0 && errno != ENOENT) {
			cache_seterr(c, "cache %s: chmod 600: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		free(p);
	}
	return 0;
}

/* WAL checkpoints end in fsync(), which on this kind of machine blocked the
 * event loop for a fifth of the time under a heavy feed (measured: the
 * process in D state in ~20% of samples at 60,000 alerts/s offered). So the
 * one connection that writes never checkpoints; this thread, with its own
 * connection, runs a PASSIVE checkpoint (which never blocks the writer or
 * readers) when the WAL passes CACHE_CKPT_PAGES after a commit. It touches
 * nothing but the database file and the flags below. */
#define CACHE_CKPT_PAGES 1000
#define CACHE_CKPT_RESTART_PAGES 2048 /* 64 MiB of 32 KiB pages */

static void *cache_checkpointer(void *arg)
{
	struct cache *c = arg;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 1000);
	/* A connection learns the journal mode on its first read; until then a
	 * checkpoint is a silent no-op ("not in WAL mode"). */
	sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	pthread_mutex_lock(&c->ckpt_mu);
	while (!c->ckpt_stop) {
		if (!c->ckpt_wanted)
			pthread_cond_wait(&c->ckpt_cv, &c->ckpt_mu);
		int want = c->ckpt_wanted;
		c->ckpt_wanted = 0;
		pthread_mutex_unlock(&c->ckpt_mu);
		if (want) {
			sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		}
		pthread_mutex_lock(&c->ckpt_mu);
	}
	pthread_mutex_unlock(&c->ckpt_mu);
	sqlite3_close(db);
	return NULL;
}

/* After every commit of the writing connection (sqlite3_wal_hook). */
static int cache_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)name;
	struct cache *c = arg;
	/* Under a steady feed a passive checkpoint seldom catches the last
	 * frames, so the WAL would never start over. Past a bound the writer
	 * itself restarts it, between two batches: the thread has copied most
	 * frames already, so this is short. */
	if (pages >= CACHE_CKPT_RESTART_PAGES) {
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		return SQLITE_OK;
	}
	if (pages >= CACHE_CKPT_PAGES && c->ckpt_started) {
		pthread_mutex_lock(&c->ckpt_mu);
		c->ckpt_wanted = 1;
		pthread_cond_signal(&c->ckpt_cv);
		pthread_mutex_unlock(&c->ckpt_mu);
	}
	return SQLITE_OK;
}

static void cache_checkpointer_start(struct cache *c)
{
	pthread_mutex_init(&c->ckpt_mu, NULL);
	pthread_cond_init(&c->ckpt_cv, NULL);
	/* The thread takes no signals: they belong to the event loop (a
	 * SIGTERM delivered here would kill the process without cleanup). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&c->ckpt_thread, NULL, cache_checkpointer, c) == 0) {
		c->ckpt_started = 1;
		sqlite3_wal_hook(c->db, cache_wal_hook, c);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* Without the thread SQLite's own auto-checkpoint stays in force. */
}

static void cache_checkpointer_stop(struct cache *c)
{
	if (!c->ckpt_started)
		return;
	pthread_mutex_lock(&c->ckpt_mu);
	c->ckpt_stop = 1;
	pthread_cond_signal(&c->ckpt_cv);
	pthread_mutex_unlock(&c->ckpt_mu);
	pthread_join(c->ckpt_thread, NULL);
	c->ckpt_started = 0;
	sqlite3_wal_hook(c->db, NULL, NULL);
}

static void cache_free(struct cache *c)
{
	cache_checkpointer_stop(c);
	for (int k = CACHE_DISK; k <= CACHE_MEM; k++) {
		sqlite3_stmt **lists[] = {c->upsert[k], c->del[k], c->exists[k], c->prune[k]};
		for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
			for (int s = 0; s < PROTO_NSTREAMS; s++)
				sqlite3_finalize(lists[l][s]);
		sqlite3_finalize(c->stage_clear[k]);
		sqlite3_finalize(c->stage_put[k]);
		sqlite3_finalize(c->stage_drop[k]);
	}
	for (int s = 0; s < PROTO_NSTREAMS; s++)
		sqlite3_finalize(c->count[s]);
	for (int k = 0; k < 3; k++) {
		sqlite3_finalize(c->fts_max[k]);
		sqlite3_finalize(c->fts_put[k]);
		sqlite3_finalize(c->fts_behind[k]);
	}
	sqlite3_finalize(c->fts_state_set);
	sqlite3_finalize(c->fts_state_get);
	sqlite3_stmt *one[] = {c->begin,      c->commit,      c->rollback,      c->cursor_get,
			       c->cursor_set, c->cursor_clear, c->stage_list,   c->outbox_add,
			       c->outbox_next, c->outbox_sent, c->outbox_result, c->outbox_pending};
	for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
		sqlite3_finalize(one[i]);
	/* close_v2: a view may still hold a statement; the handle goes when it does. */
	sqlite3_close_v2(c->db);
	if (c->lock_fd >= 0)
		close(c->lock_fd); /* releases the lock */
	free(c->buf);
	free(c->path);
	free(c);
}

/* ---- damage: detected, remembered, moved aside ---- */

/* "<path>.damaged": left when SQLite reported damage while running, so the
 * next start moves the file aside even if its first pages read fine. */
static void cache_marker_path(const char *path, char *out, size_t n)
{
	snprintf(out, n, "%s.damaged", path);
}

static void cache_mark_damaged(struct cache *c)
{
	if (c->damaged)
		return;
	c->damaged = 1;
	char m[PATH_MAX + 16];
	cache_marker_path(c->path, m, sizeof m);
	int fd = open(m, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		close(fd);
}

static uint32_t cache_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Cheap checks before SQLite opens the file (a full integrity check would
 * cost seconds on a large cache at every start): the header's magic, and a
 * file shorter than the page count its header vouches for (truncated).
 * NULL when nothing is wrong that can be seen this way. */
static const char *cache_header_problem(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL; /* missing (a new cache) or unreadable: SQLite says which */
	unsigned char h[100];
	struct stat st;
	ssize_t n = fstat(fd, &st) == 0 ? read(fd, h, sizeof h) : -1;
	close(fd);
	if (n < 0 || st.st_size == 0)
		return NULL;
	if (n < (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
		return "its header is not a SQLite database header";
	uint32_t psz = (uint32_t)h[16] << 8 | h[17];
	if (psz == 1)
		psz = 65536;
	if (psz < 512 || (psz & (psz - 1)))
		return "its header names an impossible page size";
	if (st.st_size % psz)
		return "its size is not a whole number of pages (truncated)";
	/* The page count is valid only when its version-valid-for matches the change counter. */
	uint32_t pages = cache_be32(h + 28);
	if (pages && cache_be32(h + 24) == cache_be32(h + 92) && (uint64_t)st.st_size < (uint64_t)pages * psz)
		return "it is shorter than its header says (truncated)";
	return NULL;
}

static int cache_open_once(const char *path, const struct cache_opts *opts, struct cache **out, char *err,
			   size_t errlen, int *damaged);

/* Another process holds the writer's lock: the file is its to mend. */
static int cache_writer_elsewhere(const char *path)
{
	char p[PATH_MAX + 16];
	snprintf(p, sizeof p, "%s.lock", path);
	int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int busy = fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK;
	close(fd);
	return busy;
}

/* Rename path (and its -wal, and drop its -shm) to path.corrupt-STAMP.
 * 0, or -1 with err filled. */
static int cache_move_aside(const char *path, char *aside, size_t asidelen, char *err, size_t errlen)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(aside, asidelen, "%s.corrupt-%s", path, stamp);
	for (int i = 1; access(aside, F_OK) == 0 && i < 100; i++)
		snprintf(aside, asidelen, "%s.corrupt-%s-%d", path, stamp, i);
	if (rename(path, aside) != 0) {
		snprintf(err, errlen, "cache %s is damaged and could not be moved aside to %s: %s", path, aside,
			 strerror(errno));
		return -1;
	}
	char from[PATH_MAX + 16], to[PATH_MAX + 80];
	snprintf(from, sizeof from, "%s-wal", path);
	snprintf(to, sizeof to, "%s-wal", aside);
	if (rename(from, to) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cache %s: moving its WAL aside: %s", path, strerror(errno));
		return -1;
	}
	snprintf(from, sizeof from, "%s-shm", path);
	(void)unlink(from); /* rebuilt from the WAL by whoever opens it */
	snprintf(from, sizeof from, "%s.damaged", path);
	(void)unlink(from);
	return 0;
}

/* Open; a cache found damaged (by the header checks, by SQLite while
 * opening, or marked damaged by an earlier run) is moved aside with a
 * message and a fresh one is built in its place: the backends' snapshots
 * fill it again. */
int cache_open(const char *path, struct cache **out, char *err, size_t errlen)
{
	static const struct cache_opts defaults;
	return cache_open_with(path, &defaults, out, err, errlen);
}

int cache_open_with(const char *path, const struct cache_opts *opts, struct cache **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!path) {
		snprintf(err, errlen, "cache: no path");
		return -1;
	}
	char marker[PATH_MAX + 16];
	int damaged = 0;
	if (opts->follow_if_locked && cache_writer_elsewhere(path))
		return cache_open_once(path, opts, out, err, errlen, &damaged); /* a follower never moves it */
	cache_marker_path(path, marker, sizeof marker);
	const char *why = cache_header_problem(path);
	if (!why && access(marker, F_OK) == 0)
		why = "an earlier run found it damaged";
	if (!why) {
		if (cache_open_once(path, opts, out, err, errlen, &damaged) == 0 || !damaged)
			return *out ? 0 : -1;
		why = err; /* SQLite's words */
	}
	char whybuf[CACHE_ERR_MAX], aside[PATH_MAX + 64];
	snprintf(whybuf, sizeof whybuf, "%s", why);
	if (cache_move_aside(path, aside, sizeof aside, err, errlen) < 0)
		return -1;
	if (cache_open_once(path, opts, out, err, errlen, &damaged) < 0)
		return -1;
	struct cache *c = *out;
	snprintf(c->notice, sizeof c->notice,
		 "cache was damaged: moved aside to %s; a fresh cache is filled from the backends (%.300s)", aside,
		 whybuf);
	for (char *p = c->notice; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	c->notice_ms = cache_now_ms();
	return 0;
}

const char *cache_notice(const struct cache *c, int64_t *when_ms)
{
	if (when_ms)
		*when_ms = c->notice_ms;
	return c->notice[0] ? c->notice : NULL;
}

static int cache_open_once(const char *path, const struct cache_opts *opts, struct cache **out, char *err,
			   size_t errlen, int *damaged)
{
	*out = NULL;
	*damaged = 0;
	struct cache *c = calloc(1, sizeof *c);
	if (!c || !(c->path = strdup(path))) {
		snprintf(err, errlen, "cache %s: out of memory", path);
		free(c);
		return -1;
	}
	c->opts = *opts;
	c->lock_fd = -1;
	if (cache_prepare_path(c) < 0 || (opts->follow_if_locked && cache_lock(c) < 0))
		goto fail;
	/* NOMUTEX: each connection is used by one thread only (this one by the
	 * event loop, the checkpointer's by its thread); the per-call mutexes
	 * were 2.5% of ingest. */
	int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		cache_seterr(c, "cache %s: %s", path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_extended_result_codes(c->db, 1) != SQLITE_OK || sqlite3_busy_timeout(c->db, 5000) != SQLITE_OK) {
		cache_seterr(c, "cache %s: setting up the connection: %s", path, sqlite3_errmsg(c->db));
		goto fail;
	}
	/* 32 KiB pages (new files only): a commit of a thousand 600-byte
	 * alerts then costs a quarter of the WAL frames and syscalls of 4 KiB
	 * pages, which nearly halves the time of cache_flush(). */
	if (cache_exec(c, "PRAGMA page_size = 32768", "PRAGMA page_size") < 0 ||
	    cache_exec(c, "PRAGMA cache_size = -8192", "PRAGMA cache_size") < 0 ||
	    cache_exec(c, "PRAGMA journal_mode = WAL", "PRAGMA journal_mode = WAL") < 0 ||
	    cache_exec(c, "PRAGMA synchronous = NORMAL", "PRAGMA synchronous = NORMAL") < 0 ||
	    cache_exec(c, "PRAGMA journal_size_limit = 67108864", "PRAGMA journal_size_limit") < 0 ||
	    cache_exec(c, "PRAGMA foreign_keys = ON", "PRAGMA foreign_keys = ON") < 0 || cache_migrate(c) < 0 ||
	    cache_attach_red(c) < 0 || cache_prepare_all(c) < 0 || cache_init_rx(c) < 0 ||
	    cache_chmod_sidecars(c) < 0)
		goto fail;
	/* A follower leaves the file to its writer: the stage may be the
	 * writer's snapshot in progress. */
	if (!c->follower) {
		/* A snapshot cannot continue across a restart. */
		if (cache_exec(c, "DELETE FROM main.snapshot_stage", "clearing an old snapshot stage") < 0 ||
		    (!opts->red_on_disk && cache_move_red_off_disk(c) < 0) ||
		    (opts->red_on_disk && cache_exec(c,
						     "INSERT OR REPLACE INTO main.meta (key, value) "
						     "VALUES ('red_on_disk', 1)",
						     "noting that RED rows may be stored") < 0))
			goto fail;
		cache_checkpointer_start(c);
	}
	*out = c;
	return 0;
fail:
	snprintf(err, errlen, "%s", c->err);
	/* Whatever step met it (a pragma, the schema, the first reads). */
	if (c->db && ((sqlite3_errcode(c->db) & 0xff) == SQLITE_CORRUPT || (sqlite3_errcode(c->db) & 0xff) == SQLITE_NOTADB))
		c->damaged = 1;
	*damaged = c->damaged;
	cache_free(c);
	return -1;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	if (cache_flush(c) < 0)
		cache_rollback(c);
	cache_free(c);
}

/* ---- cursors ---- */

int cache_cursor_get(struct cache *c, const char *backend, struct cache_cursor *cur)
{
	memset(cur, 0, sizeof *cur);
	if (!backend) {
		cache_seterr(c, "cache_cursor_get: no backend");
		return -1;
	}
	sqlite3_stmt *st = c->cursor_get;
	if (cache_bind_text(st, 1, backend) != SQLITE_OK)
		return cache_bind_fail(c, st, "the cursor's backend");
	int rc = cache_step(c, st, "reading the cursor");
	if (rc < 0)
		return -1;
	if (rc == SQLITE_DONE)
		return 0;
	const char *epoch = (const char *)sqlite3_column_text(st, 0);
	size_t n = epoch ? strlen(epoch) : 0;
	if (!epoch || n > PROTO_MAX_EPOCH) {
		cache_seterr(c, "cache %s: the cursor of %s has a bad epoch", c->path, backend);
		sqlite3_reset(st);
		return -1;
	}
	memcpy(cur->epoch, epoch, n + 1);
	cur->seq = sqlite3_column_int64(st, 1);
	cur->valid = 1;
	sqlite3_reset(st);
	return 0;
}

int cache_cursor_set(struct cache *c, const char *backend, const char *epoch, int64_t seq)
{
	if (!backend || !epoch || strlen(epoch) > PROTO_MAX_EPOCH) {
		cache_seterr(c, "cache_cursor_set: bad backend or epoch");
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	sqlite3_stmt *st = c->cursor_set;
	int rc = cache_bind_text(st, 1, backend);
	rc |= cache_bind_text(st, 2, epoch);
	rc |= sqlite3_bind_int64(st, 3, seq);
	rc |= sqlite3_bind_int64(st, 4, cache_now_ms());
	if (rc != SQLITE_OK || cache_step(c, st, "setting the cursor") < 0) {
		if (rc != SQLITE_OK)
			cache_bind_fail(c, st, "the cursor");
		cache_batch_fail(c);
		return -1;
	}
	return 0;
}

int cache_cursor_clear(struct cache *c, const char *backend)
{
	if (!backend) {
		cache_seterr(c, "cache_cursor_clear: no backend");
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	sqlite3_stmt *st = c->cursor_clear;
	if (cache_bind_text(st, 1, backend) != SQLITE_OK) {
		cache_bind_fail(c, st, "the cursor's backend");
		cache_batch_fail(c);
		return -1;
	}
	if (cache_step(c, st, "clearing the cursor") < 0) {
		cache_batch_fail(c);
		return -1;
	}
	return 0;
}

/* ---- entities ---- */

/* ---- the entity's JSON ----
 * jansson's dumper costs about half of an upsert, so the cache writes the
 * compact form itself into one reusable buffer. The output is byte for byte
 * what json_dumps(data, JSON_COMPACT) gives (the unit tests compare the
 * two); reals and very deep values are left to jansson. */

#define CACHE_JSON_DEPTH 64

static int cache_buf_grow(struct cache *c, size_t need)
{
	if (need <= c->bufcap)
		return 0;
	size_t cap = c->bufcap ? c->bufcap : 4096;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	char *b = realloc(c->buf, cap);
	if (!b)
		return -1;
	c->buf = b;
	c->bufcap = cap;
	return 0;
}

static int cache_put_bytes(struct cache *c, size_t *len, const char *s, size_t n)
{
	if (cache_buf_grow(c, *len + n) < 0)
		return -1;
	memcpy(c->buf + *len, s, n);
	*len += n;
	return 0;
}

static int cache_put_string(struct cache *c, size_t *len, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	/* Worst case every byte becomes \u00XX, plus the quotes. */
	if (n > (SIZE_MAX - *len - 2) / 6 || cache_buf_grow(c, *len + n * 6 + 2) < 0)
		return -1;
	char *o = c->buf + *len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch != '"' && ch != '\\') {
			*o++ = (char)ch;
			continue;
		}
		*o++ = '\\';
		switch (ch) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o++ = '"';
	*len = (size_t)(o - c->buf);
	return 0;
}

static int cache_put_json(struct cache *c, size_t *len, const json_t *j, int depth)
{
	char num[32];
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		if (depth >= CACHE_JSON_DEPTH)
			break;
		if (cache_put_bytes(c, len, "{", 1) < 0)
			return -1;
		/* Insertion order, as jansson dumps it; keys may hold NUL. */
		int first = 1;
		for (void *it = json_object_iter((json_t *)j); it; it = json_object_iter_next((json_t *)j, it)) {
			if ((!first && cache_put_bytes(c, len, ",", 1) < 0) ||
			    cache_put_string(c, len, json_object_iter_key(it), json_object_iter_key_len(it)) < 0 ||
			    cache_put_bytes(c, len, ":", 1) < 0 ||
			    cache_put_json(c, len, json_object_iter_value(it), depth + 1) < 0)
				return -1;
			first = 0;
		}
		return cache_put_bytes(c, len, "}", 1);
	}
	case JSON_ARRAY: {
		if (depth >= CACHE_JSON_DEPTH)
			break;
		if (cache_put_bytes(c, len, "[", 1) < 0)
			return -1;
		for (size_t i = 0; i < json_array_size(j); i++)
			if ((i > 0 && cache_put_bytes(c, len, ",", 1) < 0) ||
			    cache_put_json(c, len, json_array_get(j, i), depth + 1) < 0)
				return -1;
		return cache_put_bytes(c, len, "]", 1);
	}
	case JSON_STRING:
		return cache_put_string(c, len, json_string_value(j), json_string_length(j));
	case JSON_INTEGER: {
		int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return cache_put_bytes(c, len, num, (size_t)n);
	}
	case JSON_TRUE:
		return cache_put_bytes(c, len, "true", 4);
	case JSON_FALSE:
		return cache_put_bytes(c, len, "false", 5);
	case JSON_NULL:
		return cache_put_bytes(c, len, "null", 4);
	case JSON_REAL:
		break;
	}
	/* Reals (jansson's own formatting) and values nested too deep. */
	size_t need = json_dumpb(j, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
	if (need == 0 || cache_buf_grow(c, *len + need) < 0)
		return -1;
	if (json_dumpb(j, c->buf + *len, need, JSON_COMPACT | JSON_ENCODE_ANY) != need)
		return -1;
	*len += need;
	return 0;
}

/* The entity's JSON into c->buf, without a malloc per call. */
/* The entity's JSON: the text as received when the decoder located it,
 * else written out from the parsed object. NULL on failure. */
static const char *cache_dump(struct cache *c, const struct proto_entity *e, size_t *len)
{
	*len = 0;
	if (e->data_raw && e->data_raw_len <= 0x7fffffff) {
		*len = e->data_raw_len;
		return e->data_raw;
	}
	if (!json_is_object(e->data) || cache_put_json(c, len, e->data, 0) < 0 || *len > 0x7fffffff) {
		cache_seterr(c, "cache %s: cannot encode entity %s as JSON (out of memory?)", c->path, e->id);
		return NULL;
	}
	return c->buf;
}

static int cache_check_entity(struct cache *c, const char *what, const char *backend, const char *epoch,
			      const struct proto_entity *e)
{
	if (!backend || !epoch || !e || !e->id || !e->data || (int)e->stream < 0 || e->stream >= PROTO_NSTREAMS) {
		cache_seterr(c, "%s: bad argument (backend, epoch, stream, id and data are required)", what);
		return -1;
	}
	return 0;
}

/* The memory tier must not grow for the weeks a wall runs: past
 * CACHE_RED_MAX_ROWS alerts (or advisories) the oldest go, checked every
 * CACHE_RED_TRIM_EVERY new ones. State streams are bounded by the backend. */
#define CACHE_RED_MAX_ROWS 5000
#define CACHE_RED_TRIM_EVERY 500

static int cache_red_trim(struct cache *c, enum proto_stream stream)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "DELETE FROM red.%s WHERE rowid IN (SELECT rowid FROM red.%s ORDER BY time, id "
		 "LIMIT max(0, (SELECT count(*) FROM red.%s) - %d))",
		 cache_tables[stream], cache_tables[stream], cache_tables[stream], CACHE_RED_MAX_ROWS);
	char *msg = NULL;
	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		cache_seterr(c, "cache %s: trimming the memory tier: %s", c->path, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int cache_tier_of(const struct cache *c, int tlp)
{
	return tlp == PROTO_TLP_RED && !c->opts.red_on_disk ? CACHE_MEM : CACHE_DISK;
}

/* Before e goes to the other tier than k: drop k's older copy of it.
 * 1 when k no longer holds it, 0 when k's copy is as new or newer (e is
 * ignored), -1 on error. */
static int cache_other_tier(struct cache *c, int k, const char *backend, const char *epoch,
			    const struct proto_entity *e)
{
	sqlite3_stmt *st = c->del[k][e->stream];
	int rc = cache_bind_text(st, 1, backend);
	rc |= cache_bind_text(st, 2, e->id);
	rc |= cache_bind_text(st, 3, epoch);
	rc |= sqlite3_bind_int64(st, 4, e->rev);
	if (rc != SQLITE_OK)
		return cache_bind_fail(c, st, e->id);
	if (cache_step(c, st, "moving an entity between the file and memory") < 0)
		return -1;
	st = c->exists[k][e->stream];
	rc = cache_bind_text(st, 1, backend);
	rc |= cache_bind_text(st, 2, e->id);
	if (rc != SQLITE_OK)
		return cache_bind_fail(c, st, e->id);
	rc = cache_step(c, st, "looking an entity up");
	if (rc < 0)
		return -1;
	if (rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	return 1;
}

/* The upsert itself, inside an open transaction. 1, 0 or -1 (message set;
 * the caller fails the batch). */
static int cache_put(struct cache *c, const char *backend, const char *epoch, const struct proto_entity *e)
{
	int tier = cache_tier_of(c, e->tlp);
	/* The other tier may hold this entity from before a TLP change: an
	 * older version there goes; a same or newer one wins. */
	if (tier == CACHE_MEM || c->red_used) {
		int rc = cache_other_tier(c, !tier, backend, epoch, e);
		if (rc <= 0)
			return rc;
	}
	size_t len;
	const char *json = cache_dump(c, e, &len);
	if (!json)
		return -1;
	sqlite3_stmt *st = c->upsert[tier][e->stream];
	int rc = cache_bind_text(st, COL_BACKEND, backend);
	rc |= cache_bind_text(st, COL_ID, e->id);
	rc |= cache_bind_text(st, COL_EPOCH, epoch);
	rc |= sqlite3_bind_int64(st, COL_REV, e->rev);
	rc |= sqlite3_bind_int64(st, COL_TIME, e->time_ms);
	rc |= sqlite3_bind_int64(st, COL_UPDATED, e->updated_ms);
	rc |= sqlite3_bind_int(st, COL_SEVERITY, e->severity);
	rc |= sqlite3_bind_int(st, COL_TLP, e->tlp);
	rc |= cache_bind_text(st, COL_STATUS, e->status);
	rc |= cache_bind_text(st, COL_KIND, e->kind);
	rc |= cache_bind_text(st, COL_INST_ID, e->inst_id);
	rc |= cache_bind_text(st, COL_INST_NAME, e->inst_name);
	rc |= cache_bind_text(st, COL_TITLE, e->title);
	rc |= cache_bind_text(st, COL_ASSIGNEE, e->assignee);
	rc |= cache_bind_text(st, COL_TICKET_ID, e->ticket_id);
	rc |= cache_bind_text(st, COL_SOURCE, e->source);
	rc |= sqlite3_bind_int(st, COL_CORR, e->corr);
	rc |= sqlite3_bind_text(st, COL_DATA, json, (int)len, SQLITE_STATIC);
	rc |= sqlite3_bind_int64(st, COL_RX, c->rx);
	rc |= e->has_due ? sqlite3_bind_int64(st, COL_DUE, e->due_ms) : sqlite3_bind_null(st, COL_DUE);
	if (rc != SQLITE_OK)
		return cache_bind_fail(c, st, e->id);
	/* Not cache_step(): no message to format on the hot path. */
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		cache_seterr(c, "cache %s: storing %s %s: %s", c->path, cache_tables[e->stream], e->id,
			     sqlite3_errmsg(c->db));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	c->batch_writes++;
	if (sqlite3_changes(c->db) == 0)
		return 0;
	if (tier == CACHE_MEM) {
		c->red_used = 1;
		if (!PROTO_STREAM_IS_STATE(e->stream) && ++c->red_puts % CACHE_RED_TRIM_EVERY == 0 &&
		    cache_red_trim(c, e->stream) < 0)
			return -1;
	}
	c->rx++;
	return 1;
}

int cache_upsert(struct cache *c, const char *backend, const char *epoch, const struct proto_entity *e)
{
	if (cache_check_entity(c, "cache_upsert", backend, epoch, e) < 0)
		return -1;
	if (cache_write_begin(c) < 0)
		return -1;
	int rc = cache_put(c, backend, epoch, e);
	if (rc < 0)
		cache_batch_fail(c);
	return rc;
}

int cache_delete(struct cache *c, const char *backend, const char *epoch, enum proto_stream stream, const char *id,
		 int64_t rev)
{
	if (!backend || !epoch || !id || (int)stream < 0 || stream >= PROTO_NSTREAMS) {
		cache_seterr(c, "cache_delete: bad argument");
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	int deleted = 0;
	for (int k = CACHE_DISK; k <= (c->red_used ? CACHE_MEM : CACHE_DISK); k++) {
		sqlite3_stmt *st = c->del[k][stream];
		int rc = cache_bind_text(st, 1, backend);
		rc |= cache_bind_text(st, 2, id);
		rc |= cache_bind_text(st, 3, epoch);
		rc |= sqlite3_bind_int64(st, 4, rev);
		if (rc != SQLITE_OK) {
			cache_bind_fail(c, st, id);
			cache_batch_fail(c);
			return -1;
		}
		char what[PROTO_MAX_ID + 64];
		snprintf(what, sizeof what, "deleting %s %s", cache_tables[stream], id);
		if (cache_step(c, st, what) < 0) {
			cache_batch_fail(c);
			return -1;
		}
		deleted |= sqlite3_changes(c->db) > 0;
	}
	return deleted;
}

int64_t cache_count(struct cache *c, enum proto_stream stream)
{
	if ((int)stream < 0 || stream >= PROTO_NSTREAMS) {
		cache_seterr(c, "cache_count: bad stream %d", (int)stream);
		return -1;
	}
	sqlite3_stmt *st = c->count[stream];
	if (cache_step(c, st, "counting rows") != SQLITE_ROW)
		return -1;
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* ---- snapshots ---- */

int cache_snapshot_begin(struct cache *c, const char *backend)
{
	if (!backend) {
		cache_seterr(c, "cache_snapshot_begin: no backend");
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	for (int k = CACHE_DISK; k <= CACHE_MEM; k++) {
		sqlite3_stmt *st = c->stage_clear[k];
		if (cache_bind_text(st, 1, backend) != SQLITE_OK) {
			cache_bind_fail(c, st, "the snapshot's backend");
			cache_batch_fail(c);
			return -1;
		}
		if (cache_step(c, st, "clearing the snapshot stage") < 0) {
			cache_batch_fail(c);
			return -1;
		}
	}
	return 0;
}

int cache_snapshot_stage(struct cache *c, const char *backend, const struct proto_entity *e)
{
	if (!backend || !e || !e->id || !e->data || (int)e->stream < 0 || e->stream >= PROTO_NSTREAMS) {
		cache_seterr(c, "cache_snapshot_stage: bad argument");
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	size_t len;
	const char *json = cache_dump(c, e, &len);
	if (!json) {
		cache_batch_fail(c);
		return -1;
	}
	/* A RED entity is staged in memory, like its row will be. */
	int tier = cache_tier_of(c, e->tlp);
	sqlite3_stmt *st = c->stage_drop[!tier];
	int rc = cache_bind_text(st, 1, backend);
	rc |= cache_bind_text(st, 2, cache_tables[e->stream]);
	rc |= cache_bind_text(st, 3, e->id);
	if (rc != SQLITE_OK || cache_step(c, st, "staging an entity") < 0) {
		if (rc != SQLITE_OK)
			cache_bind_fail(c, st, e->id);
		cache_batch_fail(c);
		return -1;
	}
	st = c->stage_put[tier];
	rc = cache_bind_text(st, 1, backend);
	rc |= cache_bind_text(st, 2, cache_tables[e->stream]);
	rc |= cache_bind_text(st, 3, e->id);
	rc |= sqlite3_bind_int64(st, 4, e->rev);
	rc |= sqlite3_bind_text(st, 5, json, (int)len, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		cache_bind_fail(c, st, e->id);
		cache_batch_fail(c);
		return -1;
	}
	char what[PROTO_MAX_ID + 64];
	snprintf(what, sizeof what, "staging %s %s", cache_tables[e->stream], e->id);
	if (cache_step(c, st, what) < 0) {
		cache_batch_fail(c);
		return -1;
	}
	return 0;
}

/* Apply every staged entity of backend with the snapshot's epoch. */
static int cache_apply_stage(struct cache *c, const char *backend, const char *epoch)
{
	sqlite3_stmt *st = c->stage_list;
	if (cache_bind_text(st, 1, backend) != SQLITE_OK)
		return cache_bind_fail(c, st, "the snapshot's backend");
	for (;;) {
		int rc = cache_step(c, st, "reading the snapshot stage");
		if (rc < 0)
			return -1;
		if (rc == SQLITE_DONE)
			return 0;
		const char *table = (const char *)sqlite3_column_text(st, 0);
		const char *id = (const char *)sqlite3_column_text(st, 1);
		int64_t rev = sqlite3_column_int64(st, 2);
		const char *text = (const char *)sqlite3_column_text(st, 3);
		int stream = table ? cache_stream_of(table) : -1;
		if (stream < 0 || !id || !text) {
			cache_seterr(c, "cache %s: a staged entity of %s is damaged", c->path, backend);
			sqlite3_reset(st);
			return -1;
		}
		json_error_t jerr;
		json_t *obj = json_loads(text, 0, &jerr);
		if (!obj) {
			cache_seterr(c, "cache %s: staged %s %s: %s", c->path, table, id, jerr.text);
			sqlite3_reset(st);
			return -1;
		}
		struct proto_entity ent;
		char derr[256];
		memset(&ent, 0, sizeof ent);
		rc = proto_entity_decode((enum proto_stream)stream, obj, rev, &ent, derr, sizeof derr);
		if (rc != 0) {
			cache_seterr(c, "cache %s: staged %s %s is invalid: %s", c->path, table, id, derr);
		} else if (!ent.id || strcmp(ent.id, id) != 0 || ent.stream != (enum proto_stream)stream) {
			cache_seterr(c, "cache %s: staged %s %s decodes as another entity", c->path, table, id);
			rc = -1;
		} else {
			rc = cache_put(c, backend, epoch, &ent) < 0 ? -1 : 0;
		}
		json_decref(obj);
		if (rc < 0) {
			sqlite3_reset(st);
			return -1;
		}
	}
}

static int cache_prune_state(struct cache *c, const char *backend)
{
	for (int s = 0; s < PROTO_NSTREAMS; s++) {
		if (!PROTO_STREAM_IS_STATE(s))
			continue;
		for (int k = CACHE_DISK; k <= CACHE_MEM; k++) {
			sqlite3_stmt *st = c->prune[k][s];
			int rc = cache_bind_text(st, 1, backend);
			rc |= cache_bind_text(st, 2, cache_tables[s]);
			if (rc != SQLITE_OK)
				return cache_bind_fail(c, st, "the snapshot's backend");
			char what[64];
			snprintf(what, sizeof what, "dropping %s the snapshot did not name", cache_tables[s]);
			if (cache_step(c, st, what) < 0)
				return -1;
		}
	}
	return 0;
}

int cache_snapshot_commit(struct cache *c, const char *backend, const char *epoch, int64_t seq)
{
	if (!backend || !epoch || strlen(epoch) > PROTO_MAX_EPOCH) {
		cache_seterr(c, "cache_snapshot_commit: bad backend or epoch");
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	if (cache_apply_stage(c, backend, epoch) < 0 || cache_prune_state(c, backend) < 0 ||
	    cache_cursor_set(c, backend, epoch, seq) < 0 || cache_snapshot_begin(c, backend) < 0) {
		cache_batch_fail(c);
		return -1;
	}
	return 0;
}

void cache_snapshot_abort(struct cache *c, const char *backend)
{
	/* Same statement as begin: empty the backend's stage. */
	(void)cache_snapshot_begin(c, backend);
}

/* ---- the search index ---- */

static int cache_fts_load(struct cache *c)
{
	for (int k = 0; k < 3; k++) {
		sqlite3_stmt *st = c->fts_state_get;
		if (cache_bind_text(st, 1, cache_tables[cache_fts_streams[k]]) != SQLITE_OK)
			return cache_bind_fail(c, st, "the index state");
		int rc = cache_step(c, st, "reading the search index state");
		if (rc < 0)
			return -1;
		c->fts_rx[k] = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		if (rc == SQLITE_ROW)
			sqlite3_reset(st);
	}
	c->fts_loaded = 1;
	return 0;
}

/* One table's next rows (at most max), inside the savepoint. Rows done,
 * or -1. */
static int cache_fts_table(struct cache *c, int k, int max, int64_t *upto)
{
	sqlite3_stmt *st = c->fts_max[k];
	*upto = c->fts_rx[k];
	if (sqlite3_bind_int64(st, 1, c->fts_rx[k]) != SQLITE_OK || sqlite3_bind_int(st, 2, max) != SQLITE_OK)
		return cache_bind_fail(c, st, "the index step");
	if (cache_step(c, st, "finding rows to index") != SQLITE_ROW)
		return -1;
	int n = sqlite3_column_int(st, 1);
	int64_t last = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (n == 0)
		return 0;
	st = c->fts_put[k];
	if (sqlite3_bind_int64(st, 1, c->fts_rx[k]) != SQLITE_OK || sqlite3_bind_int64(st, 2, last) != SQLITE_OK)
		return cache_bind_fail(c, st, "the index step");
	if (cache_step(c, st, "indexing rows for search") < 0)
		return -1;
	st = c->fts_state_set;
	if (cache_bind_text(st, 1, cache_tables[cache_fts_streams[k]]) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, last) != SQLITE_OK)
		return cache_bind_fail(c, st, "the index state");
	if (cache_step(c, st, "recording the index state") < 0)
		return -1;
	*upto = last;
	return n;
}

int cache_index_step(struct cache *c, int max_rows)
{
	if (c->follower || c->failed || max_rows <= 0)
		return 0;
	if (!c->fts_loaded && cache_fts_load(c) < 0)
		return -1;
	/* Nothing arrived since the index last caught up: no transaction. */
	if (c->fts_rx[0] >= c->rx - 1 && c->fts_rx[1] >= c->rx - 1 && c->fts_rx[2] >= c->rx - 1)
		return 0;
	if (cache_write_begin(c) < 0)
		return -1;
	/* A failure here must not cost the feeds their batch. */
	if (cache_exec(c, "SAVEPOINT fts", "indexing for search") < 0)
		return -1;
	if (!c->fts_loaded && cache_fts_load(c) < 0)
		goto fail;
	int done = 0;
	int64_t upto[3];
	for (int k = 0; k < 3; k++) {
		int n = done < max_rows ? cache_fts_table(c, k, max_rows - done, &upto[k]) : 0;
		if (n < 0)
			goto fail;
		if (done >= max_rows)
			upto[k] = c->fts_rx[k];
		done += n;
	}
	if (cache_exec(c, "RELEASE fts", "indexing for search") < 0)
		goto fail;
	memcpy(c->fts_rx, upto, sizeof upto);
	c->batch_writes += done;
	return done;
fail:
	sqlite3_exec(c->db, "ROLLBACK TO fts; RELEASE fts", NULL, NULL, NULL);
	c->fts_loaded = 0;
	return -1;
}

int64_t cache_index_behind(struct cache *c)
{
	if (!c->fts_loaded && cache_fts_load(c) < 0)
		return -1;
	int64_t behind = 0;
	for (int k = 0; k < 3; k++) {
		sqlite3_stmt *st = c->fts_behind[k];
		if (sqlite3_bind_int64(st, 1, c->fts_rx[k]) != SQLITE_OK)
			return cache_bind_fail(c, st, "the index lag");
		if (cache_step(c, st, "counting rows not yet indexed") != SQLITE_ROW)
			return -1;
		behind += sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return behind;
}

/* ---- retention ---- */

int cache_purge(struct cache *c, int64_t cutoff_ms, int64_t *deleted)
{
	static const struct {
		const char *table, *where;
	} rules[] = {
		{"alerts", "time < ?1"},
		{"advisories", "time < ?1"},
		{"tickets", "status IN ('closed', 'resolved') AND coalesce(updated, time) < ?1"},
		{"drills", "status = 'closed' AND coalesce(updated, time) < ?1"},
	};
	const size_t nrules = sizeof rules / sizeof rules[0];
	*deleted = 0;
	if (cache_flush(c) < 0 || cache_write_begin(c) < 0)
		return -1;
	char sql[256];
	for (int k = CACHE_DISK; k <= CACHE_MEM; k++) {
		for (size_t i = 0; i < nrules + (k == CACHE_DISK); i++) {
			if (i < nrules)
				snprintf(sql, sizeof sql, "DELETE FROM %s.%s WHERE %s", cache_tiers[k], rules[i].table,
					 rules[i].where);
			else
				snprintf(sql, sizeof sql, "DELETE FROM main.outbox WHERE state IN ('done', 'refused') "
							  "AND created < ?1");
			sqlite3_stmt *st;
			if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
				cache_seterr(c, "cache %s: purging: %s", c->path, sqlite3_errmsg(c->db));
				cache_batch_fail(c);
				return -1;
			}
			sqlite3_bind_int64(st, 1, cutoff_ms);
			int rc = sqlite3_step(st);
			sqlite3_finalize(st);
			if (rc != SQLITE_DONE) {
				cache_seterr(c, "cache %s: purging: %s", c->path, sqlite3_errmsg(c->db));
				cache_batch_fail(c);
				return -1;
			}
			*deleted += sqlite3_changes(c->db);
		}
	}
	return cache_flush(c);
}

int cache_vacuum(struct cache *c)
{
	if (cache_flush(c) < 0)
		return -1;
	/* VACUUM waits for no one: another connection's open read makes it
	 * fail with SQLITE_BUSY at once or after the busy timeout. */
	/* VACUUM rebuilds main's indexes by their unqualified table names,
	 * which the TEMP views would shadow: drop them meanwhile. */
	if (cache_views(c, 0) < 0)
		return -1;
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, "VACUUM main", NULL, NULL, &msg);
	if (cache_views(c, 1) < 0) {
		sqlite3_free(msg);
		return -1;
	}
	if (rc != SQLITE_OK) {
		int busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
		cache_seterr(c, "cache %s: VACUUM: %s%s", c->path, msg ? msg : sqlite3_errstr(rc),
			     busy ? " (another soctop has the cache open: quit it and run --purge again)" : "");
		sqlite3_free(msg);
		return -1;
	}
	rc = sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc != SQLITE_OK) {
		cache_seterr(c, "cache %s: truncating the WAL: %s", c->path, sqlite3_errmsg(c->db));
		return -1;
	}
	return cache_chmod_sidecars(c);
}

/* ---- outbox ---- */

static int cache_fits(const char *s, size_t max)
{
	return s && strlen(s) <= max;
}

int cache_outbox_add(struct cache *c, const char *backend, const char *action_id, const char *op, const char *target,
		     const char *args_json)
{
	struct cache_action *a = NULL; /* only for the field sizes */
	if (!cache_fits(backend, sizeof a->backend - 1) || !cache_fits(action_id, sizeof a->action_id - 1) ||
	    !cache_fits(op, sizeof a->op - 1) || !cache_fits(target, sizeof a->target - 1) || !action_id[0]) {
		cache_seterr(c, "cache_outbox_add: backend, action_id, op or target missing or too long");
		return -1;
	}
	if (!args_json)
		args_json = "{}";
	json_error_t jerr;
	json_t *args = json_loads(args_json, 0, &jerr);
	int is_obj = json_is_object(args);
	json_decref(args);
	if (!is_obj) {
		cache_seterr(c, "cache_outbox_add: args of %s %s are not a JSON object", op, action_id);
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	sqlite3_stmt *st = c->outbox_add;
	int rc = cache_bind_text(st, 1, backend);
	rc |= cache_bind_text(st, 2, action_id);
	rc |= cache_bind_text(st, 3, op);
	rc |= cache_bind_text(st, 4, target);
	rc |= cache_bind_text(st, 5, args_json);
	rc |= sqlite3_bind_int64(st, 6, cache_now_ms());
	if (rc != SQLITE_OK) {
		cache_bind_fail(c, st, action_id);
		cache_batch_fail(c);
		return -1;
	}
	char what[128];
	snprintf(what, sizeof what, "queueing action %s", action_id);
	if (cache_step(c, st, what) < 0) {
		cache_batch_fail(c);
		return -1;
	}
	int added = sqlite3_changes(c->db) > 0;
	/* An operator's action must survive a crash right after it was made. */
	if (cache_flush(c) < 0)
		return -1;
	return added;
}

static void cache_copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	snprintf(dst, n, "%s", s ? s : "");
}

int cache_outbox_next(struct cache *c, const char *backend, int64_t after_id, struct cache_action *out)
{
	memset(out, 0, sizeof *out);
	if (!backend) {
		cache_seterr(c, "cache_outbox_next: no backend");
		return -1;
	}
	sqlite3_stmt *st = c->outbox_next;
	int rc = cache_bind_text(st, 1, backend);
	rc |= sqlite3_bind_int64(st, 2, after_id);
	if (rc != SQLITE_OK)
		return cache_bind_fail(c, st, "the outbox query");
	rc = cache_step(c, st, "reading the outbox");
	if (rc < 0)
		return -1;
	if (rc == SQLITE_DONE)
		return 0;
	out->id = sqlite3_column_int64(st, 0);
	cache_copy_col(out->backend, sizeof out->backend, st, 1);
	cache_copy_col(out->action_id, sizeof out->action_id, st, 2);
	cache_copy_col(out->op, sizeof out->op, st, 3);
	cache_copy_col(out->target, sizeof out->target, st, 4);
	cache_copy_col(out->state, sizeof out->state, st, 6);
	const char *args = (const char *)sqlite3_column_text(st, 5);
	out->args = strdup(args ? args : "{}");
	sqlite3_reset(st);
	if (!out->args) {
		cache_seterr(c, "cache %s: out of memory reading action %s", c->path, out->action_id);
		return -1;
	}
	return 1;
}

int cache_outbox_mark_sent(struct cache *c, const char *action_id)
{
	if (!action_id) {
		cache_seterr(c, "cache_outbox_mark_sent: no action_id");
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	sqlite3_stmt *st = c->outbox_sent;
	int rc = cache_bind_text(st, 1, action_id);
	rc |= sqlite3_bind_int64(st, 2, cache_now_ms());
	if (rc != SQLITE_OK) {
		cache_bind_fail(c, st, action_id);
		cache_batch_fail(c);
		return -1;
	}
	char what[128];
	snprintf(what, sizeof what, "marking action %.64s sent", action_id);
	if (cache_step(c, st, what) < 0) {
		cache_batch_fail(c);
		return -1;
	}
	return 0;
}

int cache_outbox_result(struct cache *c, const char *backend, const char *action_id, int ok, const char *code,
			const char *message)
{
	if (!action_id) {
		cache_seterr(c, "cache_outbox_result: no action_id");
		return -1;
	}
	if (cache_write_begin(c) < 0)
		return -1;
	sqlite3_stmt *st = c->outbox_result;
	int rc = cache_bind_text(st, 1, action_id);
	rc |= cache_bind_text(st, 2, ok ? "done" : "refused");
	rc |= cache_bind_text(st, 3, ok ? NULL : code);
	rc |= cache_bind_text(st, 4, ok ? NULL : message);
	rc |= cache_bind_text(st, 5, backend);
	if (rc != SQLITE_OK) {
		cache_bind_fail(c, st, action_id);
		cache_batch_fail(c);
		return -1;
	}
	char what[128];
	snprintf(what, sizeof what, "recording the result of action %.64s", action_id);
	if (cache_step(c, st, what) < 0) {
		cache_batch_fail(c);
		return -1;
	}
	return 0;
}

int64_t cache_outbox_pending(struct cache *c, const char *backend)
{
	sqlite3_stmt *st = c->outbox_pending;
	if (cache_bind_text(st, 1, backend) != SQLITE_OK)
		return cache_bind_fail(c, st, "the outbox query");
	if (cache_step(c, st, "counting pending actions") != SQLITE_ROW)
		return -1;
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

void cache_action_clear(struct cache_action *a)
{
	free(a->args);
	a->args = NULL;
}
