/* bench/history.c - offline review over a large cache: full-text search
 * (client/search.c) and time-range queries over N alerts (default
 * 1,000,000), each query run many times; the median and the slowest are
 * printed with the number of hits. Baselines beside them: the same words
 * found by a LIKE scan of title and JSON (what the search would cost
 * without its index), and a time range read without the time index.
 * Usage: history [ALERTS]. The cache is built once in /tmp and reused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "client/cache.h"
#include "client/log.h"
#include "client/search.h"

#define RUNS 21

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

#define T0 1764547200000LL /* 2025-12-01T00:00:00Z */

static const char *const insts[] = {"示範商業銀行", "北辰商業銀行", "安和證券", "福興銀行", "南瀛銀行", "嘉峰銀行",
				    "東陽商業銀行", "信達期貨交易所"};
static const char *const titles[] = {
	"UDP reflection flood 針對 ebank (DNS/NTP amplification), Gbps",
	"Pulse Secure VPN 任意檔案讀取 exploit attempt (CVE-2019-11510) on vpn gateway",
	"Phishing site impersonating member login page",
	"DDoS 勒索信：署名 Cozy Bear 要求 BTC",
	"Malware beacon to command and control server",
	"Credential stuffing against mobile banking API",
};

static int build(const char *path, long n)
{
	struct cache *c;
	char err[256], id[32], title[200], summary[200], ind[64], ind2[64];
	if (cache_open(path, &c, err, sizeof err) < 0) {
		fprintf(stderr, "history: %s\n", err);
		return -1;
	}
	unsigned long r = 12345;
	for (long i = 0; i < n; i++) {
		r = r * 6364136223846793005UL + 1442695040888963407UL;
		snprintf(id, sizeof id, "AL-%08ld", i);
		snprintf(title, sizeof title, "%s %ld", titles[i % 6], (long)(r >> 40) % 100);
		snprintf(summary, sizeof summary, "seen at %s by sensor waf-%ld; correlated with %ld members",
			 insts[(r >> 20) % 8], (long)(r >> 33) % 40, (long)(r >> 50) % 9);
		snprintf(ind, sizeof ind, "198.51.%ld.%ld", (long)(r >> 24) % 256, (long)(r >> 16) % 256);
		snprintf(ind2, sizeof ind2, "login-%ld.phish.example", (long)(r >> 28) % 50000);
		json_t *d = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "id", id, "title", title, "summary",
				      summary, "indicators", "type", "ipv4", "value", ind, "type", "domain", "value",
				      ind2);
		struct proto_entity e = {.stream = PROTO_ALERTS, .id = id, .rev = 1,
					 /* a month of alerts, one every 2.6 s */
					 .time_ms = T0 + i * 2592000000LL / n, .title = title, .status = "new",
					 .kind = "ddos", .inst_name = insts[i % 8], .source = "waf",
					 .severity = (int)(r >> 45) % 5, .tlp = (int)(r >> 37) % 4, .data = d};
		e.updated_ms = e.time_ms;
		int rc = cache_upsert(c, "fsoc", "E", &e);
		json_decref(d);
		if (rc < 0) {
			fprintf(stderr, "history: %s\n", cache_errmsg(c));
			return -1;
		}
		if (i % 5000 == 4999 && cache_flush(c) < 0)
			return -1;
	}
	cache_close(c);
	return 0;
}

/* Median and max of RUNS runs of a search, in ms; the hit count. */
static void bench_search(sqlite3 *db, const char *q, int max)
{
	static struct search_hit hits[100];
	double t[RUNS];
	int n = 0;
	char err[256];
	for (int k = 0; k < RUNS; k++) {
		double t0 = now_s();
		n = search_run(db, PROTO_ALERTS, q, NULL, hits, max, err, sizeof err);
		t[k] = (now_s() - t0) * 1e3;
		if (n < 0) {
			fprintf(stderr, "history: %s\n", err);
			return;
		}
	}
	qsort(t, RUNS, sizeof t[0], cmp_d);
	/* how many rows match in all (the ranking's work) */
	char expr[600], sql[800];
	int64_t all = 0;
	if (search_compile(q, expr, sizeof expr, err, sizeof err) == 0) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM main.alerts_fts WHERE alerts_fts MATCH ?1");
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				all = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	printf("  search %-28s best %d of %8lld matches: median %7.2f ms, slowest %7.2f ms\n", q, n, (long long)all,
	       t[RUNS / 2], t[RUNS - 1]);
}

static double bench_sql(sqlite3 *db, const char *sql, int64_t a, int64_t b, int runs, int64_t *rows)
{
	double best[RUNS];
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "history: %s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	for (int k = 0; k < runs; k++) {
		double t0 = now_s();
		sqlite3_bind_int64(st, 1, a);
		sqlite3_bind_int64(st, 2, b);
		*rows = 0;
		while (sqlite3_step(st) == SQLITE_ROW)
			(*rows)++;
		sqlite3_reset(st);
		best[k] = (now_s() - t0) * 1e3;
	}
	sqlite3_finalize(st);
	qsort(best, (size_t)runs, sizeof best[0], cmp_d);
	return best[runs / 2];
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	char path[256], err[256];
	struct stat sb;
	log_set_quiet(1);
	snprintf(path, sizeof path, "/tmp/soctop-bench-history-%ld/cache.db", n);
	if (stat(path, &sb) < 0) {
		fprintf(stderr, "history: building a cache of %ld alerts with their search index (once)...\n", n);
		double t0 = now_s();
		if (build(path, n) < 0)
			return 1;
		fprintf(stderr, "history: built in %.1f s\n", now_s() - t0);
	}
	struct cache *c;
	if (cache_open(path, &c, err, sizeof err) < 0) {
		fprintf(stderr, "history: %s\n", err);
		return 1;
	}
	int64_t behind = cache_index_behind(c);
	if (behind > 0) {
		double t0 = now_s();
		int got, steps = 0;
		while ((got = cache_index_step(c, 1000)) > 0)
			if (++steps % 20 == 0 && cache_flush(c) < 0)
				break;
		if (got < 0 || cache_flush(c) < 0) {
			fprintf(stderr, "history: indexing: %s\n", cache_errmsg(c));
			return 1;
		}
		double dt = now_s() - t0;
		printf("search index built after the fact for %lld rows in %.1f s (%.0f rows/s)\n", (long long)behind, dt,
		       (double)behind / dt);
	}
	sqlite3 *db = cache_db(c);
	if (stat(path, &sb) == 0)
		printf("offline review over %ld alerts (cache file %lld MB, in the page cache), %d runs each:\n", n,
		       (long long)(sb.st_size >> 20), RUNS);
	/* Typical: an indicator, a domain, a CVE with a word, a name; then
	 * broad ones, where ranking touches many rows. */
	bench_search(db, "198.51.7.42", 50);
	bench_search(db, "login-4242.phish.example", 50);
	bench_search(db, "cozy 勒索", 50);
	bench_search(db, "福興銀行 waf-7", 50);
	bench_search(db, "credential stuffing api", 50);
	bench_search(db, "vpn", 50);
	int64_t rows;
	double like = bench_sql(db,
				"SELECT id FROM alerts WHERE time >= ?1 AND time < ?2 AND (title LIKE '%198.51.7.42%' OR "
				"data LIKE '%198.51.7.42%') LIMIT 50",
				INT64_MIN, INT64_MAX, 3, &rows);
	printf("  baseline: the first query as a LIKE scan of title and JSON: %.0f ms (%lld rows)\n", like,
	       (long long)rows);

	int64_t hour = 3600000, day = 24 * hour, mid = T0 + 15 * day;
	static const struct {
		const char *what;
		int64_t len;
	} ranges[] = {{"1 hour", 3600000}, {"1 day", 86400000}, {"1 week", 7 * 86400000LL}};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		double page = bench_sql(db,
					"SELECT time, id, title, tlp FROM alerts WHERE time >= ?1 AND time < ?2 "
					"ORDER BY time DESC, id DESC LIMIT 60",
					mid, mid + ranges[i].len, RUNS, &rows);
		int64_t cnt = 0;
		double count = bench_sql(db, "SELECT count(*) FROM alerts WHERE time >= ?1 AND time < ?2", mid,
					 mid + ranges[i].len, RUNS, &rows);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM alerts WHERE time >= ?1 AND time < ?2", -1, &st, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_int64(st, 1, mid);
			sqlite3_bind_int64(st, 2, mid + ranges[i].len);
			if (sqlite3_step(st) == SQLITE_ROW)
				cnt = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
		printf("  time range %-7s (%7lld alerts): newest page of 60 %6.2f ms, count %6.2f ms (medians)\n",
		       ranges[i].what, (long long)cnt, page, count);
	}
	double noidx = bench_sql(db,
				 "SELECT time, id, title, tlp FROM main.alerts NOT INDEXED WHERE time >= ?1 AND time < ?2 "
				 "ORDER BY time DESC, id DESC LIMIT 60",
				 mid, mid + day, 3, &rows);
	printf("  baseline: the 1-day page without the time index: %.0f ms\n", noidx);
	(void)hour;
	cache_close(c);
	return 0;
}
