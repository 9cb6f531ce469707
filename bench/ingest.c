/* bench/ingest.c - ingest throughput without the network, in one run:
 *   baseline: the same ~500-byte alert messages parsed with jansson and
 *             inserted into SQLite (WAL, prepared, 1000 per transaction) in
 *             a plain loop;
 *   soctop:   the real path - feed_handle() (decode, validate, rev-checked
 *             upsert into the cache, cursor) with one flush per 1000.
 * Prints messages/s for each and the ratio. Usage: ingest [N] (default 200000). */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/cache.h"
#include "client/feed.h"
#include "client/log.h"

static const char *insts[] = {"示範商業銀行", "北辰商業銀行", "安和證券", "福興銀行", "信達期貨交易所"};

static char *make_msg(long long seq)
{
	char *buf = malloc(1024);
	if (!buf)
		exit(1);
	snprintf(buf, 1024,
		 "{\"type\":\"event\",\"seq\":%lld,\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"AL-BENCH-%08lld\","
		 "\"rev\":1,\"data\":{\"id\":\"AL-BENCH-%08lld\",\"time\":\"2026-11-25T08:%02lld:%02lldZ\","
		 "\"institution\":{\"id\":\"B%03lld\",\"name\":\"%s\"},\"source\":\"suricata\",\"category\":\"ddos\","
		 "\"severity\":\"high\",\"title\":\"UDP reflection flood toward online banking (Cozy Bear ransom note)\","
		 "\"src\":{\"ip\":\"203.0.113.%lld\",\"port\":53,\"country\":\"NL\"},\"indicators\":[{\"type\":\"ipv4\","
		 "\"value\":\"203.0.113.%lld\"},{\"type\":\"domain\",\"value\":\"pay-ransom.example\"}],\"tlp\":\"AMBER\","
		 "\"status\":\"new\",\"correlation\":{\"key\":\"ddos-ransom-2026-11\",\"institutions\":%lld}}}",
		 seq, seq, seq, (seq / 60) % 60, seq % 60, seq % 16 + 1, insts[seq % 5], seq % 250, seq % 250,
		 seq % 12 + 1);
	return buf;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double baseline(char **msgs, long n, const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 0;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "CREATE TABLE a(id TEXT PRIMARY KEY, time TEXT, severity TEXT, tlp TEXT, title TEXT, data TEXT)",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO a VALUES(?,?,?,?,?,?)", -1, &st, NULL);
	double t0 = now_s();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (long i = 0; i < n; i++) {
		json_t *root = json_loads(msgs[i], 0, NULL);
		json_t *d = json_object_get(root, "data");
		sqlite3_bind_text(st, 1, json_string_value(json_object_get(root, "id")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(d, "time")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, json_string_value(json_object_get(d, "severity")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, json_string_value(json_object_get(d, "tlp")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, json_string_value(json_object_get(d, "title")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, msgs[i], -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
		json_decref(root);
		if (i % 1000 == 999) {
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
			sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		}
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	double dt = now_s() - t0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (double)n / dt;
}

static int no_send(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
	return 0;
}

static double soctop_path(char **msgs, long n, const char *path)
{
	struct cache *c;
	struct feed f;
	char err[256];
	if (cache_open(path, &c, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 0;
	}
	feed_init(&f, "fsoc", c, no_send, NULL);
	feed_connected(&f, 0);
	const char *hello = "{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"bench\",\"streams\":[\"alerts\"],\"heartbeat_s\":10}";
	const char *sb = "{\"type\":\"snapshot_begin\",\"epoch\":\"bench\",\"seq\":0}";
	const char *se = "{\"type\":\"snapshot_end\",\"epoch\":\"bench\",\"seq\":0}";
	feed_handle(&f, hello, strlen(hello), 0);
	feed_handle(&f, sb, strlen(sb), 0);
	feed_handle(&f, se, strlen(se), 0);
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		feed_handle(&f, msgs[i], strlen(msgs[i]), 0);
		if (i % 1000 == 999) {
			feed_sync_cursor(&f);
			cache_flush(c);
		}
	}
	feed_sync_cursor(&f);
	cache_flush(c);
	double dt = now_s() - t0;
	long applied = (long)f.st.applied;
	cache_close(c);
	if (applied != n)
		fprintf(stderr, "ingest: only %ld of %ld applied\n", applied, n);
	return (double)n / dt;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	char dir[] = "/tmp/soctop-bench-XXXXXX";
	char p1[128], p2[128];
	if (n <= 0 || !mkdtemp(dir))
		return 1;
	log_set_quiet(1);
	snprintf(p1, sizeof p1, "%s/base.db", dir);
	snprintf(p2, sizeof p2, "%s/cache/cache.db", dir);
	char **msgs = malloc(sizeof *msgs * (size_t)n);
	size_t bytes = 0;
	for (long i = 0; i < n; i++) {
		msgs[i] = make_msg(i + 1);
		bytes += strlen(msgs[i]);
	}
	double b = baseline(msgs, n, p1);
	double s = soctop_path(msgs, n, p2);
	printf("ingest (no network), %ld alerts of %zu bytes on average:\n", n, bytes / (size_t)n);
	printf("  baseline jansson+sqlite loop : %8.0f alerts/s\n", b);
	printf("  soctop decode+validate+cache : %8.0f alerts/s   ratio %.2f\n", s, b > 0 ? s / b : 0);
	for (long i = 0; i < n; i++)
		free(msgs[i]);
	free(msgs);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
