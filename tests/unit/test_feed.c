/* tests/unit/test_feed.c - the protocol state machine against a real cache
 * and a fake send function: seq, gaps, duplicates, revs, snapshots, epochs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/feed.h"
#include "client/log.h"

struct harness {
	char dir[64];
	char path[128];
	struct cache *cache;
	struct feed feed;
	char sent[16][512];
	int nsent;
};

static int fake_send(void *ctx, const char *text)
{
	struct harness *h = ctx;
	if (h->nsent < 16)
		snprintf(h->sent[h->nsent], sizeof h->sent[0], "%s", text);
	h->nsent++;
	return 0;
}

static int setup(void **state)
{
	struct harness *h = calloc(1, sizeof *h);
	char err[256];
	snprintf(h->dir, sizeof h->dir, "/tmp/soctop-feed-XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	snprintf(h->path, sizeof h->path, "%s/c/cache.db", h->dir);
	assert_int_equal(cache_open(h->path, &h->cache, err, sizeof err), 0);
	assert_int_equal(feed_init(&h->feed, "fsoc", h->cache, fake_send, h), 0);
	feed_connected(&h->feed, 1000);
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct harness *h = *state;
	char cmd[200];
	cache_close(h->cache);
	snprintf(cmd, sizeof cmd, "rm -rf %s", h->dir);
	assert_int_equal(system(cmd), 0);
	free(h);
	return 0;
}

static int feed_str(struct harness *h, const char *s)
{
	return feed_handle(&h->feed, s, strlen(s), 2000);
}

static void alert_event(char *buf, size_t n, long long seq, const char *id, int rev, const char *title)
{
	char seqpart[40] = "";
	if (seq > 0)
		snprintf(seqpart, sizeof seqpart, "\"seq\":%lld,", seq);
	snprintf(buf, n,
		 "{\"type\":\"event\",%s\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"%s\",\"rev\":%d,"
		 "\"data\":{\"id\":\"%s\",\"time\":\"2026-11-25T08:00:00Z\",\"institution\":{\"id\":\"B001\","
		 "\"name\":\"示範商業銀行\"},\"source\":\"waf\",\"category\":\"ddos\",\"severity\":\"high\","
		 "\"title\":\"%s\",\"indicators\":[],\"tlp\":\"AMBER\",\"status\":\"new\"}}",
		 seqpart, id, rev, id, title);
}

static void ticket_event(char *buf, size_t n, long long seq, const char *id, int rev)
{
	char seqpart[40] = "";
	if (seq > 0)
		snprintf(seqpart, sizeof seqpart, "\"seq\":%lld,", seq);
	snprintf(buf, n,
		 "{\"type\":\"event\",%s\"stream\":\"tickets\",\"op\":\"upsert\",\"id\":\"%s\",\"rev\":%d,"
		 "\"data\":{\"id\":\"%s\",\"opened\":\"2026-11-25T08:00:00Z\",\"updated\":\"2026-11-25T08:00:00Z\","
		 "\"institution\":{\"id\":\"B002\",\"name\":\"北辰商業銀行\"},\"title\":\"t\",\"severity\":\"high\","
		 "\"tlp\":\"GREEN\",\"status\":\"new\",\"hours_used\":0,\"alert_ids\":[],\"notes\":[]}}",
		 seqpart, id, rev, id);
}

static int64_t q_int(struct harness *h, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(cache_db(h->cache), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void hello(struct harness *h, const char *epoch)
{
	char buf[300];
	snprintf(buf, sizeof buf,
		 "{\"type\":\"hello\",\"protocol\":1,\"backend\":\"fsoc\",\"epoch\":\"%s\","
		 "\"streams\":[\"alerts\",\"advisories\",\"tickets\"],\"heartbeat_s\":10,\"operator\":\"duty.chen\"}",
		 epoch);
	assert_int_equal(feed_str(h, buf), FEED_CONTINUE);
}

/* hello, then an empty-cursor snapshot of one alert at seq 5. */
static void snapshot_to_live(struct harness *h, const char *epoch, long long seq)
{
	char buf[1024];
	hello(h, epoch);
	snprintf(buf, sizeof buf, "{\"type\":\"snapshot_begin\",\"epoch\":\"%s\",\"seq\":%lld}", epoch, seq);
	assert_int_equal(feed_str(h, buf), FEED_CONTINUE);
	alert_event(buf, sizeof buf, 0, "AL-1", 1, "snap");
	assert_int_equal(feed_str(h, buf), FEED_CONTINUE);
	snprintf(buf, sizeof buf, "{\"type\":\"snapshot_end\",\"epoch\":\"%s\",\"seq\":%lld}", epoch, seq);
	assert_int_equal(feed_str(h, buf), FEED_CONTINUE);
	assert_int_equal(h->feed.phase, FEED_LIVE);
	assert_int_equal(cache_flush(h->cache), 0);
}

static void test_hello_subscribes_without_cursor(void **state)
{
	struct harness *h = *state;
	hello(h, "e1");
	assert_int_equal(h->nsent, 1);
	assert_non_null(strstr(h->sent[0], "\"type\":\"subscribe\""));
	assert_null(strstr(h->sent[0], "since"));
	assert_null(strstr(h->sent[0], "epoch"));
	assert_int_equal(h->feed.phase, FEED_WAIT_ANSWER);
}

static void test_snapshot_sets_cursor_and_data(void **state)
{
	struct harness *h = *state;
	snapshot_to_live(h, "e1", 5);
	assert_int_equal(q_int(h, "SELECT count(*) FROM alerts"), 1);
	assert_int_equal(q_int(h, "SELECT seq FROM cursors WHERE backend='fsoc'"), 5);
	assert_int_equal(h->feed.seq, 5);
	assert_int_equal(h->feed.st.snapshots, 1);
}

static void test_live_apply_dup_and_gap(void **state)
{
	struct harness *h = *state;
	char buf[1024];
	snapshot_to_live(h, "e1", 5);
	h->nsent = 0;
	alert_event(buf, sizeof buf, 6, "AL-2", 1, "six");
	feed_str(h, buf);
	assert_int_equal(h->feed.seq, 6);
	assert_int_equal(h->feed.st.applied, 1);
	/* duplicate */
	feed_str(h, buf);
	assert_int_equal(h->feed.st.dup_seq, 1);
	assert_int_equal(h->feed.seq, 6);
	/* gap: 8 after 6 -> one re-subscribe from 6 */
	alert_event(buf, sizeof buf, 8, "AL-3", 1, "eight");
	feed_str(h, buf);
	assert_int_equal(h->feed.seq, 6);
	assert_int_equal(h->nsent, 1);
	assert_non_null(strstr(h->sent[0], "\"since\":6"));
	assert_non_null(strstr(h->sent[0], "\"epoch\":\"e1\""));
	/* more in flight: only 7 applies; no second subscribe */
	alert_event(buf, sizeof buf, 9, "AL-4", 1, "nine");
	feed_str(h, buf);
	assert_int_equal(h->nsent, 1);
	alert_event(buf, sizeof buf, 7, "AL-5", 1, "seven");
	feed_str(h, buf);
	assert_int_equal(h->feed.seq, 7);
	assert_int_equal(h->feed.st.gaps, 1);
	/* the cursor reaches the cache with the data at sync + flush */
	assert_int_equal(feed_sync_cursor(&h->feed), 0);
	assert_int_equal(cache_flush(h->cache), 0);
	assert_int_equal(q_int(h, "SELECT seq FROM cursors WHERE backend='fsoc'"), 7);
	assert_int_equal(q_int(h, "SELECT count(*) FROM alerts"), 3);
}

static void test_rev_backwards_ignored(void **state)
{
	struct harness *h = *state;
	char buf[1024];
	snapshot_to_live(h, "e1", 5);
	alert_event(buf, sizeof buf, 6, "AL-1", 5, "rev five");
	feed_str(h, buf);
	alert_event(buf, sizeof buf, 7, "AL-1", 3, "rev three");
	feed_str(h, buf);
	assert_int_equal(h->feed.st.stale_rev, 1);
	assert_int_equal(h->feed.seq, 7);
	cache_flush(h->cache);
	assert_int_equal(q_int(h, "SELECT rev FROM alerts WHERE id='AL-1'"), 5);
}

static void test_invalid_event_counts_seq(void **state)
{
	struct harness *h = *state;
	char buf[1024];
	snapshot_to_live(h, "e1", 5);
	assert_int_equal(feed_str(h, "{\"type\":\"event\",\"seq\":6,\"stream\":\"alerts\",\"op\":\"upsert\","
				     "\"id\":\"AL-9\",\"rev\":1,\"data\":{\"id\":\"AL-9\",\"severity\":\"urgent\"}}"),
			 FEED_CONTINUE);
	assert_int_equal(h->feed.st.invalid, 1);
	assert_int_equal(h->feed.seq, 6);
	assert_non_null(strstr(h->feed.problem, "AL-9"));
	alert_event(buf, sizeof buf, 7, "AL-7", 1, "after");
	feed_str(h, buf);
	assert_int_equal(h->feed.seq, 7);
	cache_flush(h->cache);
	assert_int_equal(q_int(h, "SELECT count(*) FROM alerts WHERE id='AL-9'"), 0);
	assert_int_equal(q_int(h, "SELECT count(*) FROM alerts WHERE id='AL-7'"), 1);
}

static void test_bad_json_and_unknown_type(void **state)
{
	struct harness *h = *state;
	snapshot_to_live(h, "e1", 5);
	assert_int_equal(feed_str(h, "{not json"), FEED_CONTINUE);
	assert_int_equal(feed_str(h, "{\"type\":\"future_thing\",\"x\":1}"), FEED_CONTINUE);
	assert_int_equal(h->feed.st.invalid, 1);
	assert_int_equal(h->feed.st.unknown, 1);
	assert_int_equal(h->feed.phase, FEED_LIVE);
}

static void test_heartbeat_ahead_resubscribes(void **state)
{
	struct harness *h = *state;
	snapshot_to_live(h, "e1", 5);
	h->nsent = 0;
	feed_str(h, "{\"type\":\"heartbeat\",\"seq\":5,\"time\":\"2026-11-25T08:00:10Z\"}");
	assert_int_equal(h->nsent, 0);
	feed_str(h, "{\"type\":\"heartbeat\",\"seq\":9,\"time\":\"2026-11-25T08:00:20Z\"}");
	assert_int_equal(h->nsent, 1);
	assert_non_null(strstr(h->sent[0], "\"since\":5"));
	assert_int_equal(h->feed.st.gaps, 1);
}

static void test_reconnect_resumes_with_cursor(void **state)
{
	struct harness *h = *state;
	char buf[1024];
	snapshot_to_live(h, "e1", 5);
	/* new connection: a fresh feed reads the cursor back from the cache */
	struct feed f2;
	assert_int_equal(feed_init(&f2, "fsoc", h->cache, fake_send, h), 0);
	assert_int_equal(f2.seq, 5);
	feed_connected(&f2, 3000);
	h->nsent = 0;
	const char *hl = "{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e1\",\"streams\":[\"alerts\"],\"heartbeat_s\":10}";
	feed_handle(&f2, hl, strlen(hl), 3000);
	assert_int_equal(h->nsent, 1);
	assert_non_null(strstr(h->sent[0], "\"since\":5"));
	/* replay then resumed */
	alert_event(buf, sizeof buf, 6, "AL-6", 1, "replayed");
	feed_handle(&f2, buf, strlen(buf), 3000);
	assert_int_equal(f2.seq, 6);
	const char *rs = "{\"type\":\"resumed\",\"epoch\":\"e1\",\"seq\":6}";
	assert_int_equal(feed_handle(&f2, rs, strlen(rs), 3000), FEED_CONTINUE);
	assert_int_equal(f2.phase, FEED_LIVE);
	assert_int_equal(f2.st.resumes, 1);
}

static void test_epoch_change_snapshot_replaces(void **state)
{
	struct harness *h = *state;
	char buf[1024];
	snapshot_to_live(h, "e1", 5);
	alert_event(buf, sizeof buf, 6, "AL-1", 9, "old epoch rev 9");
	feed_str(h, buf);
	/* a state-stream entity from the old epoch, via a live event */
	ticket_event(buf, sizeof buf, 7, "T-OLD", 1);
	feed_str(h, buf);
	feed_sync_cursor(&h->feed);
	cache_flush(h->cache);
	assert_int_equal(q_int(h, "SELECT count(*) FROM tickets"), 1);

	feed_connected(&h->feed, 4000);
	hello(h, "e2");
	feed_str(h, "{\"type\":\"snapshot_begin\",\"epoch\":\"e2\",\"seq\":2}");
	alert_event(buf, sizeof buf, 0, "AL-1", 1, "new epoch rev 1");
	feed_str(h, buf);
	ticket_event(buf, sizeof buf, 0, "T-NEW", 1);
	feed_str(h, buf);
	feed_str(h, "{\"type\":\"snapshot_end\",\"epoch\":\"e2\",\"seq\":2}");
	cache_flush(h->cache);
	assert_int_equal(q_int(h, "SELECT rev FROM alerts WHERE id='AL-1'"), 1);
	assert_int_equal(q_int(h, "SELECT count(*) FROM tickets WHERE id='T-OLD'"), 0);
	assert_int_equal(q_int(h, "SELECT count(*) FROM tickets WHERE id='T-NEW'"), 1);
	assert_string_equal(h->feed.epoch, "e2");
	assert_int_equal(h->feed.seq, 2);
}

static void test_resumed_wrong_epoch_closes(void **state)
{
	struct harness *h = *state;
	char buf[1024];
	snapshot_to_live(h, "e1", 5);
	/* unsolicited: no subscribe is unanswered, so it is counted and ignored */
	assert_int_equal(feed_str(h, "{\"type\":\"resumed\",\"epoch\":\"e1\",\"seq\":5}"), FEED_CONTINUE);
	assert_int_equal(h->feed.st.invalid, 1);
	assert_int_equal(h->feed.st.resumes, 0);
	/* after a gap's re-subscribe, a resume in another epoch closes */
	alert_event(buf, sizeof buf, 9, "AL-9", 1, "gap");
	feed_str(h, buf);
	assert_int_equal(h->feed.resub_pending, 1);
	assert_int_equal(feed_str(h, "{\"type\":\"resumed\",\"epoch\":\"zz\",\"seq\":5}"), FEED_CLOSE);
}

/* A backend whose replays always end short is not re-subscribed to forever. */
static void test_short_replays_bounded(void **state)
{
	struct harness *h = *state;
	snapshot_to_live(h, "e1", 5);
	int closed = 0;
	for (int i = 0; i < 10 && !closed; i++) {
		feed_str(h, "{\"type\":\"heartbeat\",\"seq\":9}");
		closed = feed_str(h, "{\"type\":\"resumed\",\"epoch\":\"e1\",\"seq\":9}") == FEED_CLOSE;
	}
	assert_true(closed);
	assert_true(h->nsent <= 6);
}

static void test_problem_text_is_sanitised(void **state)
{
	struct harness *h = *state;
	feed_str(h, "{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"\\u001b]52;c;ZXZpbA==\\u0007boom\\u001b[2J\"}");
	assert_int_equal(h->feed.st.errors, 1);
	assert_null(strchr(h->feed.problem, 0x1b));
	assert_null(strchr(h->feed.problem, 0x07));
	assert_non_null(strstr(h->feed.problem, "boom"));
}

static void test_event_before_subscription_answer_ignored(void **state)
{
	struct harness *h = *state;
	char buf[1024];
	hello(h, "e1");
	alert_event(buf, sizeof buf, 1, "AL-1", 1, "early");
	feed_str(h, buf);
	assert_int_equal(h->feed.st.invalid, 1);
	cache_flush(h->cache);
	assert_int_equal(q_int(h, "SELECT count(*) FROM alerts"), 0);
}

static void test_snapshot_end_mismatch_closes_and_applies_nothing(void **state)
{
	struct harness *h = *state;
	char buf[1024];
	hello(h, "e1");
	feed_str(h, "{\"type\":\"snapshot_begin\",\"epoch\":\"e1\",\"seq\":5}");
	alert_event(buf, sizeof buf, 0, "AL-1", 1, "staged");
	feed_str(h, buf);
	assert_int_equal(feed_str(h, "{\"type\":\"snapshot_end\",\"epoch\":\"e1\",\"seq\":4}"), FEED_CLOSE);
	cache_flush(h->cache);
	assert_int_equal(q_int(h, "SELECT count(*) FROM alerts"), 0);
	assert_int_equal(h->feed.have_cursor, 0);
}

static void test_stale_after_three_heartbeats(void **state)
{
	struct harness *h = *state;
	snapshot_to_live(h, "e1", 5); /* heartbeat_s 10, last message at 2000 ms */
	assert_false(feed_is_stale(&h->feed, 2000 + 29000));
	assert_true(feed_is_stale(&h->feed, 2000 + 31000));
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hello_subscribes_without_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_sets_cursor_and_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_apply_dup_and_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rev_backwards_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_event_counts_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_json_and_unknown_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heartbeat_ahead_resubscribes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_resumes_with_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epoch_change_snapshot_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resumed_wrong_epoch_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_replays_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_problem_text_is_sanitised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_before_subscription_answer_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_end_mismatch_closes_and_applies_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_after_three_heartbeats, setup, teardown),
	};
	return cmocka_run_group_tests_name("feed", tests, NULL, NULL);
}
