/* tests/unit/test_proto.c - the soctop.v1 decoder and encoders (client/proto.c).
 *
 * The decoder is the gatekeeper for everything a backend sends, so most of
 * these tests take a valid message, break one thing in it, and check that
 * the message is refused with a reason naming the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "client/proto.h"

#define T_20261125_0800 1795593600000LL

/* ---- fixtures: one realistic entity of each kind, every field set ---- */

static const char alert_json[] =
	"{\"id\":\"AL-20261125-00042\",\"time\":\"2026-11-25T08:00:00Z\","
	"\"institution\":{\"id\":\"B012\",\"name\":\"示範商業銀行\"},"
	"\"source\":\"suricata\",\"category\":\"ddos\",\"severity\":\"high\","
	"\"title\":\"網路銀行登入頁 SYN flood\",\"summary\":\"來自境外的 SYN flood，峰值 12 Gbps\","
	"\"src\":{\"ip\":\"203.0.113.7\",\"port\":51514,\"country\":\"CN\"},"
	"\"dst\":{\"ip\":\"198.51.100.20\",\"port\":443},"
	"\"indicators\":[{\"type\":\"ipv4\",\"value\":\"203.0.113.7\"},"
	"{\"type\":\"domain\",\"value\":\"login-ebank.example\"}],"
	"\"tlp\":\"AMBER\",\"status\":\"escalated\",\"assignee\":\"duty.chen\",\"resolution\":null,"
	"\"ticket_id\":\"FCERT-2026-0142\","
	"\"notes\":[{\"time\":\"2026-11-25T08:05:00Z\",\"author\":\"duty.chen\",\"text\":\"已通知示範商業銀行資安窗口\"}],"
	"\"correlation\":{\"key\":\"ipv4:203.0.113.7\",\"institutions\":4}}";

static const char advisory_json[] =
	"{\"id\":\"ADV-2026-0311\",\"time\":\"2026-11-24T02:30:00Z\",\"kind\":\"vulnerability\","
	"\"title\":\"FortiOS SSL-VPN 遠端程式碼執行漏洞\",\"summary\":\"已知遭利用，請儘速更新\","
	"\"tlp\":\"CLEAR\",\"severity\":\"critical\",\"cve\":\"CVE-2026-12345\",\"cvss\":9.8,"
	"\"exploited\":true,\"url\":\"https://www.example.org/adv/2026-0311\","
	"\"indicators\":[{\"type\":\"cve\",\"value\":\"CVE-2026-12345\"}]}";

static const char ticket_json[] =
	"{\"id\":\"FCERT-2026-0142\",\"opened\":\"2026-11-25T08:10:00Z\",\"updated\":\"2026-11-25T09:00:00.250Z\","
	"\"institution\":{\"id\":\"B012\",\"name\":\"示範商業銀行\"},\"title\":\"網路銀行 DDoS 事件\","
	"\"severity\":\"high\",\"tlp\":\"AMBER+STRICT\",\"status\":\"waiting_vendor\",\"assignee\":\"duty.lin\","
	"\"due\":\"2026-11-25T12:10:00Z\",\"vendor_id\":\"V-TM\",\"hours_used\":2.5,"
	"\"alert_ids\":[\"AL-20261125-00042\",\"AL-20261125-00043\"],"
	"\"notes\":[{\"time\":\"2026-11-25T08:12:00Z\",\"author\":\"duty.lin\",\"text\":\"已請廠商支援\"}]}";

static const char vendor_json[] =
	"{\"id\":\"V-TM\",\"name\":\"趨勢科技 Trend Micro\","
	"\"period\":{\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2026-12-31T23:59:59Z\"},"
	"\"hours_total\":200,\"hours_used\":120.5,\"hours_reserved\":8,\"low_water\":20,"
	"\"draws\":[{\"time\":\"2026-11-25T08:30:00Z\",\"ticket_id\":\"FCERT-2026-0142\","
	"\"institution_id\":\"B012\",\"hours\":8,\"state\":\"requested\"}]}";

static const char drill_json[] =
	"{\"id\":\"DR-2026-Q4\",\"name\":\"2026 第四季 DDoS 演練\",\"kind\":\"ddos\",\"phase\":\"running\","
	"\"start\":\"2026-11-25T09:00:00Z\",\"end\":null,\"attack\":{\"vector\":\"UDP flood\",\"gbps\":40},"
	"\"participants\":[{\"institution\":{\"id\":\"B012\",\"name\":\"示範商業銀行\"},"
	"\"target\":\"ebank.example.com.tw\",\"status\":\"degraded\","
	"\"probes\":[{\"point\":\"domestic\",\"ok\":true,\"latency_ms\":85.5,\"checked\":\"2026-11-25T09:05:00Z\"},"
	"{\"point\":\"foreign\",\"ok\":false,\"latency_ms\":null,\"checked\":\"2026-11-25T09:05:00Z\"}],"
	"\"detected_at\":\"2026-11-25T09:02:00Z\",\"reported_at\":null,"
	"\"mitigated_at\":\"2026-11-25T09:20:00Z\"}]}";

static const struct {
	const char *json;
	const char *id;
} fx[PROTO_NSTREAMS] = {
	[PROTO_ALERTS] = {alert_json, "AL-20261125-00042"},
	[PROTO_ADVISORIES] = {advisory_json, "ADV-2026-0311"},
	[PROTO_TICKETS] = {ticket_json, "FCERT-2026-0142"},
	[PROTO_VENDORS] = {vendor_json, "V-TM"},
	[PROTO_DRILLS] = {drill_json, "DR-2026-Q4"},
};

/* ---- helpers --------------------------------------------------------- */

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);

	if (!v)
		print_error("fixture does not parse: %s\n", je.text);
	assert_non_null(v);
	return v;
}

static json_t *fixture(enum proto_stream s)
{
	return load(fx[s].json);
}

static int decode(const char *text, struct proto_msg *m, char *err, size_t n)
{
	return proto_decode(text, strlen(text), m, err, n);
}

/* An upsert event of stream s, id the fixture's, carrying data (stolen). */
static char *event_text(enum proto_stream s, json_t *data)
{
	json_t *ev = json_pack("{s:s, s:I, s:s, s:s, s:s, s:I}", "type", "event", "seq", (json_int_t)1042, "stream",
			       proto_stream_name(s), "op", "upsert", "id", fx[s].id, "rev", (json_int_t)3);
	char *text;

	assert_non_null(ev);
	assert_int_equal(json_object_set_new(ev, "data", data), 0);
	text = json_dumps(ev, JSON_COMPACT);
	assert_non_null(text);
	json_decref(ev);
	return text;
}

static int decode_entity(enum proto_stream s, json_t *data, struct proto_msg *m, char *err, size_t n)
{
	char *text = event_text(s, data);
	int rc = decode(text, m, err, n);

	free(text);
	return rc;
}

static void expect_rc(const char *text, int want_rc, enum proto_type want_type, const char *needle)
{
	struct proto_msg m;
	char err[512];
	int rc = decode(text, &m, err, sizeof err);

	if (rc != want_rc || (needle && !strstr(err, needle)) || m.type != want_type) {
		print_error("%s\n  -> rc %d type %d err \"%s\"; wanted rc %d type %d reason with \"%s\"\n", text, rc,
			    (int)m.type, err, want_rc, (int)want_type, needle ? needle : "");
		proto_msg_free(&m);
		fail();
	}
	if (want_rc == PROTO_OK)
		assert_string_equal(err, "");
	proto_msg_free(&m);
}

static void expect_invalid(const char *text, enum proto_type type, const char *needle)
{
	expect_rc(text, PROTO_INVALID, type, needle);
}

/* Walk "a.b[2].c" to the object holding the last key; the key goes to last. */
static json_t *path_parent(json_t *root, const char *path, char *last, size_t n)
{
	char buf[160], *seg = buf, *dot;
	json_t *cur = root;

	snprintf(buf, sizeof buf, "%s", path);
	while ((dot = strchr(seg, '.'))) {
		char *br;

		*dot = '\0';
		br = strchr(seg, '[');
		if (br) {
			*br = '\0';
			cur = json_array_get(json_object_get(cur, seg), (size_t)atoi(br + 1));
		} else {
			cur = json_object_get(cur, seg);
		}
		if (!cur)
			print_error("path %s: no %s\n", path, seg);
		assert_non_null(cur);
		seg = dot + 1;
	}
	snprintf(last, n, "%s", seg);
	return cur;
}

/* The fixture of stream s with path deleted (value NULL) or set to value. */
static json_t *edited(enum proto_stream s, const char *path, const char *value)
{
	json_t *d = fixture(s), *parent;
	char key[160];

	parent = path_parent(d, path, key, sizeof key);
	assert_true(json_is_object(parent));
	if (value)
		assert_int_equal(json_object_set_new(parent, key, load(value)), 0);
	else
		json_object_del(parent, key);
	return d;
}

/* Decode the fixture with one edit; check the verdict and that a refusal
 * names data.<path>. */
static void check_edit(enum proto_stream s, const char *path, const char *value, int want_rc)
{
	struct proto_msg m;
	char err[512], needle[200];
	int rc = decode_entity(s, edited(s, path, value), &m, err, sizeof err);

	snprintf(needle, sizeof needle, "data.%s: ", path);
	if (rc != want_rc || (rc == PROTO_INVALID && !strstr(err, needle))) {
		print_error("%s %s = %s: rc %d err \"%s\", wanted rc %d naming %s\n", proto_stream_name(s), path,
			    value ? value : "(deleted)", rc, err, want_rc, needle);
		proto_msg_free(&m);
		fail();
	}
	/* refused or not, the caller can still name the event */
	assert_int_equal(m.type, PROTO_MSG_EVENT);
	assert_string_equal(m.ent.id, fx[s].id);
	assert_int_equal(m.ent.stream, s);
	assert_int_equal(m.has_seq, 1);
	assert_int_equal(m.seq, 1042);
	proto_msg_free(&m);
}

static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 0;

		if (n == 0)
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

/* ---- server messages ------------------------------------------------- */

static void test_hello_valid(void **state)
{
	static const char text[] =
		"{\"type\":\"hello\",\"protocol\":1,\"backend\":\"fsoc\",\"server\":\"example-fsoc/2.3\","
		"\"epoch\":\"7f3c9a\",\"streams\":[\"alerts\",\"advisories\"],\"heartbeat_s\":10,"
		"\"operator\":\"duty.chen\",\"time\":\"2026-11-25T08:00:00Z\"}";
	struct proto_msg m;
	char err[256] = "x";

	(void)state;
	assert_int_equal(decode(text, &m, err, sizeof err), PROTO_OK);
	assert_string_equal(err, "");
	assert_int_equal(m.type, PROTO_MSG_HELLO);
	assert_non_null(m.root);
	assert_int_equal(m.protocol, 1);
	assert_string_equal(m.backend, "fsoc");
	assert_string_equal(m.server, "example-fsoc/2.3");
	assert_string_equal(m.epoch, "7f3c9a");
	assert_int_equal(m.streams, (1u << PROTO_ALERTS) | (1u << PROTO_ADVISORIES));
	assert_int_equal(m.heartbeat_s, 10);
	assert_string_equal(m.operator_name, "duty.chen");
	assert_string_equal(m.time, "2026-11-25T08:00:00Z");
	assert_int_equal(m.has_seq, 0);
	assert_null(m.action_id);
	assert_null(m.code);
	proto_msg_free(&m);
	assert_null(m.root);
}

static void test_hello_minimal(void **state)
{
	static const char text[] = "{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"tickets\","
				   "\"vendors\",\"drills\",\"future-stream\"],\"heartbeat_s\":3600,"
				   "\"backend\":null,\"time\":null}";
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode(text, &m, err, sizeof err), PROTO_OK);
	assert_int_equal(m.type, PROTO_MSG_HELLO);
	assert_int_equal(m.streams, (1u << PROTO_TICKETS) | (1u << PROTO_VENDORS) | (1u << PROTO_DRILLS));
	assert_int_equal(m.heartbeat_s, 3600);
	assert_null(m.backend);
	assert_null(m.server);
	assert_null(m.operator_name);
	assert_null(m.time);
	proto_msg_free(&m);
}

static void test_hello_invalid(void **state)
{
	static const struct {
		const char *text;
		const char *needle;
	} cases[] = {
		{"{\"type\":\"hello\",\"protocol\":2,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":10}",
		 "hello: protocol: 2 is not supported"},
		{"{\"type\":\"hello\",\"protocol\":\"1\",\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":10}",
		 "protocol: expected an integer, got a string"},
		{"{\"type\":\"hello\",\"protocol\":1.0,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":10}",
		 "protocol: expected an integer, got a real number"},
		{"{\"type\":\"hello\",\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":10}", "protocol: missing"},
		{"{\"type\":\"hello\",\"protocol\":1,\"streams\":[\"alerts\"],\"heartbeat_s\":10}", "epoch: missing"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"\",\"streams\":[\"alerts\"],\"heartbeat_s\":10}",
		 "epoch: is empty"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":7,\"streams\":[\"alerts\"],\"heartbeat_s\":10}",
		 "epoch: expected a string"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"heartbeat_s\":10}", "streams: missing"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":\"alerts\",\"heartbeat_s\":10}",
		 "streams: expected an array"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[],\"heartbeat_s\":10}",
		 "streams: names no stream"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"foo\"],\"heartbeat_s\":10}",
		 "streams: names no stream"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\",5],\"heartbeat_s\":10}",
		 "streams[1]: expected a string, got an integer"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\"]}", "heartbeat_s: missing"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":0}",
		 "heartbeat_s: 0 is not in 1..3600"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":3601}",
		 "heartbeat_s: 3601 is not in 1..3600"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":10.5}",
		 "heartbeat_s: expected an integer"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":\"10\"}",
		 "heartbeat_s: expected an integer"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":10,"
		 "\"time\":\"2026-11-25 08:00:00\"}",
		 "time: \"2026-11-25 08:00:00\" is not an RFC 3339 UTC time"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":10,"
		 "\"operator\":42}",
		 "operator: expected a string"},
		{"{\"type\":\"hello\",\"protocol\":1,\"epoch\":\"e\",\"streams\":[\"alerts\"],\"heartbeat_s\":10,"
		 "\"backend\":[]}",
		 "backend: expected a string"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_invalid(cases[i].text, PROTO_MSG_HELLO, cases[i].needle);
}

static void test_epoch_length(void **state)
{
	char text[512], epoch[PROTO_MAX_EPOCH + 2];

	(void)state;
	memset(epoch, 'e', PROTO_MAX_EPOCH);
	epoch[PROTO_MAX_EPOCH] = '\0';
	snprintf(text, sizeof text, "{\"type\":\"snapshot_begin\",\"epoch\":\"%s\",\"seq\":0}", epoch);
	expect_rc(text, PROTO_OK, PROTO_MSG_SNAPSHOT_BEGIN, NULL);
	strcat(epoch, "e");
	snprintf(text, sizeof text, "{\"type\":\"snapshot_begin\",\"epoch\":\"%s\",\"seq\":0}", epoch);
	expect_invalid(text, PROTO_MSG_SNAPSHOT_BEGIN, "epoch: 129 bytes, longer than 128");
}

static void test_cursor_messages_valid(void **state)
{
	static const struct {
		const char *text;
		enum proto_type type;
		int64_t seq;
	} cases[] = {
		{"{\"type\":\"snapshot_begin\",\"epoch\":\"7f3c9a\",\"seq\":1041}", PROTO_MSG_SNAPSHOT_BEGIN, 1041},
		{"{\"type\":\"snapshot_end\",\"epoch\":\"7f3c9a\",\"seq\":0}", PROTO_MSG_SNAPSHOT_END, 0},
		{"{\"type\":\"resumed\",\"epoch\":\"7f3c9a\",\"seq\":9223372036854775807}", PROTO_MSG_RESUMED,
		 INT64_MAX},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proto_msg m;
		char err[256];

		assert_int_equal(decode(cases[i].text, &m, err, sizeof err), PROTO_OK);
		assert_int_equal(m.type, cases[i].type);
		assert_string_equal(m.epoch, "7f3c9a");
		assert_true(m.seq == cases[i].seq);
		assert_int_equal(m.has_seq, 1);
		assert_null(m.ent.id);
		proto_msg_free(&m);
	}
}

static void test_cursor_messages_invalid(void **state)
{
	static const struct {
		const char *text;
		enum proto_type type;
		const char *needle;
	} cases[] = {
		{"{\"type\":\"snapshot_begin\",\"seq\":1}", PROTO_MSG_SNAPSHOT_BEGIN, "snapshot_begin: epoch: missing"},
		{"{\"type\":\"snapshot_end\",\"epoch\":\"e\"}", PROTO_MSG_SNAPSHOT_END, "snapshot_end: seq: missing"},
		{"{\"type\":\"resumed\",\"epoch\":\"e\",\"seq\":-1}", PROTO_MSG_RESUMED, "seq: -1 is below 0"},
		{"{\"type\":\"resumed\",\"epoch\":\"e\",\"seq\":\"5\"}", PROTO_MSG_RESUMED, "seq: expected an integer"},
		{"{\"type\":\"resumed\",\"epoch\":\"e\",\"seq\":5.0}", PROTO_MSG_RESUMED, "seq: expected an integer"},
		{"{\"type\":\"resumed\",\"epoch\":null,\"seq\":5}", PROTO_MSG_RESUMED, "epoch: expected a string, got null"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_invalid(cases[i].text, cases[i].type, cases[i].needle);
}

static void test_heartbeat(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode("{\"type\":\"heartbeat\",\"seq\":1050,\"time\":\"2026-11-25T08:00:10Z\"}", &m, err,
				sizeof err),
			 PROTO_OK);
	assert_int_equal(m.type, PROTO_MSG_HEARTBEAT);
	assert_int_equal(m.seq, 1050);
	assert_string_equal(m.time, "2026-11-25T08:00:10Z");
	proto_msg_free(&m);

	assert_int_equal(decode("{\"type\":\"heartbeat\",\"seq\":0}", &m, err, sizeof err), PROTO_OK);
	assert_int_equal(m.seq, 0);
	assert_null(m.time);
	proto_msg_free(&m);

	expect_invalid("{\"type\":\"heartbeat\"}", PROTO_MSG_HEARTBEAT, "heartbeat: seq: missing");
	expect_invalid("{\"type\":\"heartbeat\",\"seq\":3,\"time\":\"2026-11-25T08:00:10+08:00\"}", PROTO_MSG_HEARTBEAT,
		       "heartbeat: time: ");
}

static void test_result(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode("{\"type\":\"result\",\"action_id\":\"c0a8-01\",\"ok\":true}", &m, err, sizeof err),
			 PROTO_OK);
	assert_int_equal(m.type, PROTO_MSG_RESULT);
	assert_string_equal(m.action_id, "c0a8-01");
	assert_int_equal(m.ok, 1);
	assert_null(m.code);
	assert_null(m.message);
	proto_msg_free(&m);

	assert_int_equal(decode("{\"type\":\"result\",\"action_id\":\"c0a8-02\",\"ok\":false,"
				"\"error\":{\"code\":\"conflict\",\"message\":\"ticket already closed\"}}",
				&m, err, sizeof err),
			 PROTO_OK);
	assert_string_equal(m.action_id, "c0a8-02");
	assert_int_equal(m.ok, 0);
	assert_string_equal(m.code, "conflict");
	assert_string_equal(m.message, "ticket already closed");
	proto_msg_free(&m);

	/* message absent reads as empty */
	assert_int_equal(decode("{\"type\":\"result\",\"action_id\":\"c0a8-03\",\"ok\":false,"
				"\"error\":{\"code\":\"insufficient_hours\"}}",
				&m, err, sizeof err),
			 PROTO_OK);
	assert_string_equal(m.code, "insufficient_hours");
	assert_string_equal(m.message, "");
	proto_msg_free(&m);

	expect_invalid("{\"type\":\"result\",\"action_id\":\"a\",\"ok\":false}", PROTO_MSG_RESULT,
		       "result: error: missing");
	expect_invalid("{\"type\":\"result\",\"action_id\":\"a\",\"ok\":false,\"error\":{\"message\":\"m\"}}",
		       PROTO_MSG_RESULT, "result: error.code: missing");
	expect_invalid("{\"type\":\"result\",\"action_id\":\"a\",\"ok\":false,\"error\":{\"code\":1}}",
		       PROTO_MSG_RESULT, "error.code: expected a string");
	expect_invalid("{\"type\":\"result\",\"action_id\":\"a\",\"ok\":false,\"error\":\"conflict\"}",
		       PROTO_MSG_RESULT, "error: expected an object");
	expect_invalid("{\"type\":\"result\",\"action_id\":\"a\",\"ok\":\"true\"}", PROTO_MSG_RESULT,
		       "ok: expected a boolean, got a string");
	expect_invalid("{\"type\":\"result\",\"action_id\":\"a\",\"ok\":1}", PROTO_MSG_RESULT,
		       "ok: expected a boolean");
	expect_invalid("{\"type\":\"result\",\"ok\":true}", PROTO_MSG_RESULT, "action_id: missing");
}

static void test_error_message(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode("{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"unknown stream 'foo'\"}",
				&m, err, sizeof err),
			 PROTO_OK);
	assert_int_equal(m.type, PROTO_MSG_ERROR);
	assert_string_equal(m.code, "bad_request");
	assert_string_equal(m.message, "unknown stream 'foo'");
	proto_msg_free(&m);

	assert_int_equal(decode("{\"type\":\"error\",\"code\":\"forbidden\"}", &m, err, sizeof err), PROTO_OK);
	assert_string_equal(m.code, "forbidden");
	assert_string_equal(m.message, "");
	proto_msg_free(&m);

	expect_invalid("{\"type\":\"error\",\"message\":\"x\"}", PROTO_MSG_ERROR, "error: code: missing");
	expect_invalid("{\"type\":\"error\",\"code\":\"x\",\"message\":{}}", PROTO_MSG_ERROR,
		       "message: expected a string");
}

/* ---- envelope -------------------------------------------------------- */

static void test_invalid_json(void **state)
{
	static const char *const cases[] = {
		"",
		"{",
		"{\"type\":\"heartbeat\",\"seq\":1",
		"{\"type\":\"heartbeat\",\"seq\":1}}",
		"{\"type\":\"heartbeat\",\"seq\":1} x",
		"{'type':'heartbeat'}",
		"{\"type\":\"heartbeat\",\"seq\":NaN}",
		"{\"type\":\"heartbeat\",\"seq\":01}",
		"{\"type\":\"heartbeat\",\"seq\":1,}",
		"{\"type\":\"heartbeat\" \"seq\":1}",
		"{\"type\":\"heartbeat\",\"seq\":1e400}",
		"{\"type\":\x1b[2J\x1b]0;owned\x07}",
		"{\"type\":\"error\",\"code\":\"a\x1b[31m\"}", /* raw control character in a string */
		"{\"type\":\"error\",\"code\":\"\xe7\xa4\xba\xe7\xa4\"}",
	};
	struct proto_msg m;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		expect_invalid(cases[i], PROTO_MSG_UNKNOWN, "message: not valid JSON: ");
		/* jansson quotes the offending bytes; the reason stays printable ASCII */
		assert_int_equal(decode(cases[i], &m, err, sizeof err), PROTO_INVALID);
		for (const char *p = err; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
		proto_msg_free(&m);
	}
}

static void test_non_object(void **state)
{
	(void)state;
	expect_invalid("[{\"type\":\"heartbeat\",\"seq\":1}]", PROTO_MSG_UNKNOWN,
		       "message: expected a JSON object, got an array");
	/* jansson refuses bare values without JSON_DECODE_ANY */
	expect_invalid("\"heartbeat\"", PROTO_MSG_UNKNOWN, "message: ");
	expect_invalid("42", PROTO_MSG_UNKNOWN, "message: ");
	expect_invalid("null", PROTO_MSG_UNKNOWN, "message: ");
}

static void test_missing_or_bad_type(void **state)
{
	(void)state;
	expect_invalid("{\"seq\":1}", PROTO_MSG_UNKNOWN, "message: type: missing");
	expect_invalid("{\"type\":5,\"seq\":1}", PROTO_MSG_UNKNOWN, "message: type: expected a string, got an integer");
	expect_invalid("{\"type\":null}", PROTO_MSG_UNKNOWN, "message: type: expected a string, got null");
	/* a type is matched exactly */
	expect_rc("{\"type\":\"Heartbeat\",\"seq\":1}", PROTO_OK, PROTO_MSG_UNKNOWN, NULL);
}

static void test_unknown_type(void **state)
{
	struct proto_msg m;
	char err[64] = "x";

	(void)state;
	assert_int_equal(decode("{\"type\":\"telemetry\",\"seq\":\"whatever\",\"x\":[1,{}]}", &m, err, sizeof err),
			 PROTO_OK);
	assert_int_equal(m.type, PROTO_MSG_UNKNOWN);
	assert_string_equal(err, "");
	assert_non_null(m.root);
	proto_msg_free(&m);
}

static void test_unknown_fields_ignored(void **state)
{
	json_t *d = fixture(PROTO_ALERTS);
	json_t *ev = load("{\"type\":\"event\",\"seq\":7,\"stream\":\"alerts\",\"op\":\"upsert\","
			  "\"id\":\"AL-20261125-00042\",\"rev\":1,\"x-trace\":{\"span\":[1,2]},\"priority\":null}");
	struct proto_msg m;
	char err[256], *text;

	(void)state;
	json_object_set_new(d, "future_field", load("{\"anything\":[true,null]}"));
	json_object_set_new(json_object_get(d, "institution"), "lei", json_string("5493001KJTIIGC8Y1R12"));
	json_object_set_new(json_object_get(d, "dst"), "country", json_integer(7)); /* not a dst field */
	json_object_set_new(json_array_get(json_object_get(d, "indicators"), 0), "first_seen", json_integer(1));
	json_object_set_new(ev, "data", d);
	text = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	assert_int_equal(decode(text, &m, err, sizeof err), PROTO_OK);
	free(text);
	assert_int_equal(m.ent.stream, PROTO_ALERTS);
	proto_msg_free(&m);

	expect_rc("{\"type\":\"heartbeat\",\"seq\":1,\"load\":0.5}", PROTO_OK, PROTO_MSG_HEARTBEAT, NULL);
}

static void test_oversize(void **state)
{
	static const char head[] = "{\"type\":\"x-padding\",\"pad\":\"";
	static const char tail[] = "\"}";
	size_t len = PROTO_MAX_MSG;
	char *buf = malloc(len + 2);
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_non_null(buf);
	/* exactly the limit: accepted */
	memcpy(buf, head, sizeof head - 1);
	memset(buf + sizeof head - 1, 'a', len - (sizeof head - 1) - (sizeof tail - 1));
	memcpy(buf + len - (sizeof tail - 1), tail, sizeof tail - 1);
	assert_int_equal(proto_decode(buf, len, &m, err, sizeof err), PROTO_OK);
	assert_int_equal(m.type, PROTO_MSG_UNKNOWN);
	proto_msg_free(&m);

	/* one byte more: refused before parsing */
	memmove(buf + len - (sizeof tail - 1) + 1, tail, sizeof tail - 1);
	buf[len - (sizeof tail - 1)] = 'a';
	assert_int_equal(proto_decode(buf, len + 1, &m, err, sizeof err), PROTO_INVALID);
	assert_non_null(strstr(err, "1048577 bytes"));
	assert_null(m.root);
	proto_msg_free(&m);
	free(buf);
}

static void test_invalid_utf8(void **state)
{
	static const char *const cases[] = {
		"{\"type\":\"error\",\"code\":\"x\",\"message\":\"\xff\"}",
		"{\"type\":\"error\",\"code\":\"x\",\"message\":\"\xc0\x80\"}",        /* overlong NUL */
		"{\"type\":\"error\",\"code\":\"x\",\"message\":\"\xe7\xa4\"}",        /* cut short */
		"{\"type\":\"error\",\"code\":\"x\",\"message\":\"\xed\xa0\x80\"}",    /* a surrogate */
		"{\"type\":\"error\",\"code\":\"x\",\"message\":\"\xf4\x90\x80\x80\"}", /* above U+10FFFF */
		"{\"type\":\"error\",\"code\":\"x\",\"\xff\":1}",                       /* in a key */
	};
	struct proto_msg m;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		expect_invalid(cases[i], PROTO_MSG_UNKNOWN, "not valid JSON");
		/* the reason itself stays printable ASCII and one line */
		assert_int_equal(decode(cases[i], &m, err, sizeof err), PROTO_INVALID);
		for (const char *p = err; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
		proto_msg_free(&m);
	}
}

static void test_nul_bytes(void **state)
{
	static const char raw[] = "{\"type\":\"error\",\"code\":\"x\0y\"}";

	(void)state;
	/* an escaped NUL would cut the C string short: refused */
	expect_invalid("{\"type\":\"error\",\"code\":\"x\\u0000y\"}", PROTO_MSG_UNKNOWN, "not valid JSON");
	expect_invalid("{\"type\":\"error\",\"code\":\"x\",\"k\\u0000\":1}", PROTO_MSG_UNKNOWN, "not valid JSON");
	{
		struct proto_msg m;
		char err[256];

		assert_int_equal(proto_decode(raw, sizeof raw - 1, &m, err, sizeof err), PROTO_INVALID);
		proto_msg_free(&m);
	}
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	expect_invalid("{\"type\":\"heartbeat\",\"seq\":1,\"seq\":2}", PROTO_MSG_UNKNOWN, "duplicate");
	expect_invalid("{\"type\":\"unknown-thing\",\"type\":\"heartbeat\",\"seq\":1}", PROTO_MSG_UNKNOWN, "duplicate");
	expect_invalid("{\"type\":\"result\",\"action_id\":\"a\",\"ok\":false,"
		       "\"error\":{\"code\":\"x\",\"code\":\"y\"}}",
		       PROTO_MSG_UNKNOWN, "duplicate");
	{
		/* nested inside an entity */
		char *text = event_text(PROTO_ALERTS, fixture(PROTO_ALERTS));
		char *dup = malloc(strlen(text) + 64), *at;

		assert_non_null(dup);
		at = strstr(text, "\"name\":");
		assert_non_null(at);
		memcpy(dup, text, (size_t)(at - text));
		strcpy(dup + (at - text), "\"name\":\"冒名銀行\",");
		strcat(dup, at);
		expect_rc(text, PROTO_OK, PROTO_MSG_EVENT, NULL);
		expect_invalid(dup, PROTO_MSG_UNKNOWN, "duplicate");
		free(dup);
		free(text);
	}
}

static void test_null_and_small_err(void **state)
{
	struct proto_msg m;
	char small[8], tiny[1] = {'x'};
	static const char bad[] = "{\"type\":\"heartbeat\",\"seq\":-5}";

	(void)state;
	assert_int_equal(proto_decode(bad, strlen(bad), &m, NULL, 0), PROTO_INVALID);
	assert_int_equal(m.type, PROTO_MSG_HEARTBEAT);
	proto_msg_free(&m);
	assert_int_equal(proto_decode(bad, strlen(bad), &m, tiny, 0), PROTO_INVALID);
	assert_int_equal(tiny[0], 'x'); /* a zero-sized buffer is not touched */
	proto_msg_free(&m);
	assert_int_equal(proto_decode(bad, strlen(bad), &m, tiny, 1), PROTO_INVALID);
	assert_int_equal(tiny[0], '\0');
	proto_msg_free(&m);
	assert_int_equal(proto_decode(bad, strlen(bad), &m, small, sizeof small), PROTO_INVALID);
	assert_string_equal(small, "heartbe");
	proto_msg_free(&m);
	assert_int_equal(proto_decode(NULL, 0, &m, small, sizeof small), PROTO_INVALID);
	proto_msg_free(&m);
	/* freeing twice is harmless */
	proto_msg_free(&m);
	proto_msg_free(NULL);
}

static void test_reason_cut_on_character_boundary(void **state)
{
	json_t *d = edited(PROTO_ALERTS, "severity", "\"緊急緊急緊急緊急緊急緊急緊急\"");
	char *text = event_text(PROTO_ALERTS, d);
	struct proto_msg m;
	char full[512];

	(void)state;
	assert_int_equal(decode(text, &m, full, sizeof full), PROTO_INVALID);
	proto_msg_free(&m);
	assert_string_equal(full, "event AL-20261125-00042: data.severity: \"緊急緊急緊急緊急緊急緊急緊急\" is not a severity");
	/* every cut lands on a character boundary */
	for (size_t n = 1; n < strlen(full) + 2; n++) {
		char err[512];

		assert_int_equal(decode(text, &m, err, n), PROTO_INVALID);
		proto_msg_free(&m);
		assert_true(strlen(err) < n);
		assert_true(utf8_valid(err));
		assert_memory_equal(err, full, strlen(err));
	}
	free(text);
}

static void test_reason_escapes_values(void **state)
{
	json_t *d = edited(PROTO_ALERTS, "category", "\"ddos\\n\\u001b[2J\\u009b31m\\\"x\\\\\"");
	struct proto_msg m;
	char err[512];

	(void)state;
	assert_int_equal(decode_entity(PROTO_ALERTS, d, &m, err, sizeof err), PROTO_INVALID);
	assert_string_equal(err, "event AL-20261125-00042: data.category: "
				 "\"ddos\\x0a\\x1b[2J\\u009b31m\\\"x\\\\\" is not an alert category");
	proto_msg_free(&m);

	/* a long value is cut short */
	d = edited(PROTO_ALERTS, "category", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");
	assert_int_equal(decode_entity(PROTO_ALERTS, d, &m, err, sizeof err), PROTO_INVALID);
	assert_non_null(strstr(err, "...\" is not an alert category"));
	assert_true(strlen(err) < 160);
	proto_msg_free(&m);
}

/* ---- events ---------------------------------------------------------- */

static void test_event_alert(void **state)
{
	struct proto_msg m;
	char err[256] = "x";

	(void)state;
	assert_int_equal(decode_entity(PROTO_ALERTS, fixture(PROTO_ALERTS), &m, err, sizeof err), PROTO_OK);
	assert_string_equal(err, "");
	assert_int_equal(m.type, PROTO_MSG_EVENT);
	assert_int_equal(m.has_seq, 1);
	assert_int_equal(m.seq, 1042);
	assert_int_equal(m.op_delete, 0);
	assert_null(m.epoch);
	assert_int_equal(m.ent.stream, PROTO_ALERTS);
	assert_string_equal(m.ent.id, "AL-20261125-00042");
	assert_int_equal(m.ent.rev, 3);
	assert_true(m.ent.time_ms == T_20261125_0800);
	assert_true(m.ent.updated_ms == T_20261125_0800);
	assert_string_equal(m.ent.title, "網路銀行登入頁 SYN flood");
	assert_string_equal(m.ent.status, "escalated");
	assert_string_equal(m.ent.kind, "ddos");
	assert_string_equal(m.ent.inst_id, "B012");
	assert_string_equal(m.ent.inst_name, "示範商業銀行");
	assert_string_equal(m.ent.assignee, "duty.chen");
	assert_string_equal(m.ent.ticket_id, "FCERT-2026-0142");
	assert_string_equal(m.ent.source, "suricata");
	assert_int_equal(m.ent.severity, PROTO_SEV_HIGH);
	assert_int_equal(m.ent.tlp, PROTO_TLP_AMBER);
	assert_int_equal(m.ent.corr, 4);
	assert_ptr_equal(m.ent.data, json_object_get(m.root, "data"));
	proto_msg_free(&m);
}

static void test_event_advisory(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode_entity(PROTO_ADVISORIES, fixture(PROTO_ADVISORIES), &m, err, sizeof err), PROTO_OK);
	assert_int_equal(m.ent.stream, PROTO_ADVISORIES);
	assert_string_equal(m.ent.id, "ADV-2026-0311");
	assert_int_equal(m.ent.rev, 3);
	assert_true(m.ent.time_ms == 1795487400000LL);
	assert_true(m.ent.updated_ms == 1795487400000LL);
	assert_string_equal(m.ent.title, "FortiOS SSL-VPN 遠端程式碼執行漏洞");
	assert_null(m.ent.status);
	assert_string_equal(m.ent.kind, "vulnerability");
	assert_null(m.ent.inst_id);
	assert_null(m.ent.inst_name);
	assert_null(m.ent.assignee);
	assert_null(m.ent.ticket_id);
	assert_null(m.ent.source);
	assert_int_equal(m.ent.severity, PROTO_SEV_CRITICAL);
	assert_int_equal(m.ent.tlp, PROTO_TLP_CLEAR);
	assert_int_equal(m.ent.corr, 0);
	assert_ptr_equal(m.ent.data, json_object_get(m.root, "data"));
	proto_msg_free(&m);
}

static void test_event_ticket(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode_entity(PROTO_TICKETS, fixture(PROTO_TICKETS), &m, err, sizeof err), PROTO_OK);
	assert_int_equal(m.ent.stream, PROTO_TICKETS);
	assert_string_equal(m.ent.id, "FCERT-2026-0142");
	assert_true(m.ent.time_ms == 1795594200000LL);
	assert_true(m.ent.updated_ms == 1795597200250LL);
	assert_string_equal(m.ent.title, "網路銀行 DDoS 事件");
	assert_string_equal(m.ent.status, "waiting_vendor");
	assert_null(m.ent.kind);
	assert_string_equal(m.ent.inst_id, "B012");
	assert_string_equal(m.ent.inst_name, "示範商業銀行");
	assert_string_equal(m.ent.assignee, "duty.lin");
	assert_null(m.ent.ticket_id);
	assert_null(m.ent.source);
	assert_int_equal(m.ent.severity, PROTO_SEV_HIGH);
	assert_int_equal(m.ent.tlp, PROTO_TLP_AMBER_STRICT);
	assert_int_equal(m.ent.corr, 0);
	assert_non_null(m.ent.data);
	proto_msg_free(&m);
}

static void test_event_vendor(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode_entity(PROTO_VENDORS, fixture(PROTO_VENDORS), &m, err, sizeof err), PROTO_OK);
	assert_int_equal(m.ent.stream, PROTO_VENDORS);
	assert_string_equal(m.ent.id, "V-TM");
	assert_true(m.ent.time_ms == 1767225600000LL);
	assert_true(m.ent.updated_ms == 1767225600000LL);
	assert_string_equal(m.ent.title, "趨勢科技 Trend Micro");
	assert_null(m.ent.status);
	assert_null(m.ent.kind);
	assert_null(m.ent.inst_id);
	assert_null(m.ent.inst_name);
	assert_null(m.ent.assignee);
	assert_null(m.ent.ticket_id);
	assert_null(m.ent.source);
	assert_int_equal(m.ent.severity, -1);
	assert_int_equal(m.ent.tlp, -1);
	assert_int_equal(m.ent.corr, 0);
	assert_non_null(m.ent.data);
	proto_msg_free(&m);
}

static void test_event_drill(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode_entity(PROTO_DRILLS, fixture(PROTO_DRILLS), &m, err, sizeof err), PROTO_OK);
	assert_int_equal(m.ent.stream, PROTO_DRILLS);
	assert_string_equal(m.ent.id, "DR-2026-Q4");
	assert_true(m.ent.time_ms == 1795597200000LL);
	assert_true(m.ent.updated_ms == 1795597200000LL);
	assert_string_equal(m.ent.title, "2026 第四季 DDoS 演練");
	assert_string_equal(m.ent.status, "running");
	assert_string_equal(m.ent.kind, "ddos");
	assert_null(m.ent.inst_id);
	assert_null(m.ent.assignee);
	assert_null(m.ent.ticket_id);
	assert_null(m.ent.source);
	assert_int_equal(m.ent.severity, -1);
	assert_int_equal(m.ent.tlp, -1);
	assert_int_equal(m.ent.corr, 0);
	proto_msg_free(&m);
}

static const struct {
	enum proto_stream s;
	const char *path;
	const char *wrong;
} optional_fields[] = {
	{PROTO_ALERTS, "summary", "1"},
	{PROTO_ALERTS, "src", "\"203.0.113.7\""},
	{PROTO_ALERTS, "src.port", "\"51514\""},
	{PROTO_ALERTS, "src.country", "86"},
	{PROTO_ALERTS, "dst", "[]"},
	{PROTO_ALERTS, "dst.port", "443.5"},
	{PROTO_ALERTS, "assignee", "{}"},
	{PROTO_ALERTS, "resolution", "true"},
	{PROTO_ALERTS, "ticket_id", "142"},
	{PROTO_ALERTS, "notes", "\"none\""},
	{PROTO_ALERTS, "correlation", "4"},
	{PROTO_ADVISORIES, "summary", "1"},
	{PROTO_ADVISORIES, "cve", "12345"},
	{PROTO_ADVISORIES, "cvss", "\"high\""},
	{PROTO_ADVISORIES, "exploited", "1"},
	{PROTO_ADVISORIES, "url", "[]"},
	{PROTO_TICKETS, "assignee", "{}"},
	{PROTO_TICKETS, "due", "\"tomorrow\""},
	{PROTO_TICKETS, "vendor_id", "7"},
	{PROTO_DRILLS, "end", "0"},
	{PROTO_DRILLS, "attack", "\"UDP flood\""},
	{PROTO_DRILLS, "participants[0].detected_at", "\"09:02\""},
	{PROTO_DRILLS, "participants[0].reported_at", "1"},
	{PROTO_DRILLS, "participants[0].mitigated_at", "true"},
	{PROTO_DRILLS, "participants[0].probes[0].latency_ms", "\"85.5\""},
};

static void test_entity_optional_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof optional_fields / sizeof optional_fields[0]; i++) {
		check_edit(optional_fields[i].s, optional_fields[i].path, NULL, PROTO_OK);
		check_edit(optional_fields[i].s, optional_fields[i].path, "null", PROTO_OK);
		/* present, it must still be of the right type */
		check_edit(optional_fields[i].s, optional_fields[i].path, optional_fields[i].wrong, PROTO_INVALID);
	}
}

/* With every optional field gone the entity's optional columns are empty. */
static void test_entity_optional_all_absent(void **state)
{
	json_t *d[PROTO_NSTREAMS];
	struct proto_msg m;
	char err[256];

	(void)state;
	for (int s = 0; s < PROTO_NSTREAMS; s++)
		d[s] = fixture((enum proto_stream)s);
	/* backwards, so that src.port goes before src */
	for (size_t n = sizeof optional_fields / sizeof optional_fields[0]; n > 0; n--) {
		char key[160];
		json_t *parent = path_parent(d[optional_fields[n - 1].s], optional_fields[n - 1].path, key, sizeof key);

		json_object_del(parent, key);
	}
	for (int s = 0; s < PROTO_NSTREAMS; s++) {
		if (decode_entity((enum proto_stream)s, d[s], &m, err, sizeof err) != PROTO_OK) {
			print_error("%s: %s\n", proto_stream_name((enum proto_stream)s), err);
			fail();
		}
		assert_null(m.ent.assignee);
		assert_null(m.ent.ticket_id);
		assert_int_equal(m.ent.corr, 0);
		proto_msg_free(&m);
	}
}

/* Every required field: absent, null and of a wrong type are refused. */
static void test_entity_required_fields(void **state)
{
	static const struct {
		enum proto_stream s;
		const char *path;
		const char *wrong;
	} cases[] = {
		{PROTO_ALERTS, "id", "42"},
		{PROTO_ALERTS, "time", "1795593600"},
		{PROTO_ALERTS, "institution", "\"B012\""},
		{PROTO_ALERTS, "institution.id", "12"},
		{PROTO_ALERTS, "institution.name", "true"},
		{PROTO_ALERTS, "source", "[\"suricata\"]"},
		{PROTO_ALERTS, "category", "3"},
		{PROTO_ALERTS, "severity", "4"},
		{PROTO_ALERTS, "title", "{}"},
		{PROTO_ALERTS, "src.ip", "3405803783"},
		{PROTO_ALERTS, "dst.ip", "false"},
		{PROTO_ALERTS, "indicators", "{}"},
		{PROTO_ALERTS, "indicators[0].type", "1"},
		{PROTO_ALERTS, "indicators[1].value", "null"},
		{PROTO_ALERTS, "tlp", "2"},
		{PROTO_ALERTS, "status", "0"},
		{PROTO_ALERTS, "notes[0].time", "0"},
		{PROTO_ALERTS, "notes[0].author", "0"},
		{PROTO_ALERTS, "notes[0].text", "[]"},
		{PROTO_ALERTS, "correlation.key", "7"},
		{PROTO_ALERTS, "correlation.institutions", "\"4\""},
		{PROTO_ADVISORIES, "id", "[]"},
		{PROTO_ADVISORIES, "time", "\"yesterday\""},
		{PROTO_ADVISORIES, "kind", "1"},
		{PROTO_ADVISORIES, "title", "1"},
		{PROTO_ADVISORIES, "tlp", "true"},
		{PROTO_ADVISORIES, "severity", "[]"},
		{PROTO_ADVISORIES, "indicators", "\"CVE-2026-12345\""},
		{PROTO_TICKETS, "opened", "1"},
		{PROTO_TICKETS, "updated", "\"2026-11-25\""},
		{PROTO_TICKETS, "institution", "[]"},
		{PROTO_TICKETS, "institution.name", "{}"},
		{PROTO_TICKETS, "title", "1"},
		{PROTO_TICKETS, "severity", "1"},
		{PROTO_TICKETS, "tlp", "{}"},
		{PROTO_TICKETS, "status", "1"},
		{PROTO_TICKETS, "hours_used", "\"2.5\""},
		{PROTO_TICKETS, "alert_ids", "\"AL-1\""},
		{PROTO_TICKETS, "notes", "{}"},
		{PROTO_TICKETS, "notes[0].text", "1"},
		{PROTO_VENDORS, "name", "1"},
		{PROTO_VENDORS, "period", "\"2026\""},
		{PROTO_VENDORS, "period.start", "1"},
		{PROTO_VENDORS, "period.end", "\"2026-12-31T24:00:00Z\""},
		{PROTO_VENDORS, "hours_total", "\"200\""},
		{PROTO_VENDORS, "hours_used", "true"},
		{PROTO_VENDORS, "hours_reserved", "[]"},
		{PROTO_VENDORS, "low_water", "{}"},
		{PROTO_VENDORS, "draws", "{}"},
		{PROTO_VENDORS, "draws[0].time", "\"2026-11-25T08:30:00\""},
		{PROTO_VENDORS, "draws[0].ticket_id", "142"},
		{PROTO_VENDORS, "draws[0].institution_id", "12"},
		{PROTO_VENDORS, "draws[0].hours", "\"8\""},
		{PROTO_VENDORS, "draws[0].state", "1"},
		{PROTO_DRILLS, "name", "1"},
		{PROTO_DRILLS, "kind", "1"},
		{PROTO_DRILLS, "phase", "1"},
		{PROTO_DRILLS, "start", "\"2026-11-25t09:00:00z\""},
		{PROTO_DRILLS, "attack.vector", "1"},
		{PROTO_DRILLS, "attack.gbps", "\"40\""},
		{PROTO_DRILLS, "participants", "{}"},
		{PROTO_DRILLS, "participants[0].institution", "\"B012\""},
		{PROTO_DRILLS, "participants[0].institution.id", "12"},
		{PROTO_DRILLS, "participants[0].target", "1"},
		{PROTO_DRILLS, "participants[0].status", "1"},
		{PROTO_DRILLS, "participants[0].probes", "{}"},
		{PROTO_DRILLS, "participants[0].probes[0].point", "1"},
		{PROTO_DRILLS, "participants[0].probes[0].ok", "\"true\""},
		{PROTO_DRILLS, "participants[0].probes[1].ok", "0"},
		{PROTO_DRILLS, "participants[0].probes[0].checked", "1"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_edit(cases[i].s, cases[i].path, NULL, PROTO_INVALID);
		check_edit(cases[i].s, cases[i].path, "null", PROTO_INVALID);
		check_edit(cases[i].s, cases[i].path, cases[i].wrong, PROTO_INVALID);
	}
}

static void test_entity_array_elements(void **state)
{
	static const struct {
		enum proto_stream s;
		const char *path;
		const char *value;
		const char *needle;
	} cases[] = {
		{PROTO_ALERTS, "indicators", "[\"203.0.113.7\"]", "data.indicators[0]: expected an object, got a string"},
		{PROTO_ALERTS, "notes", "[null]", "data.notes[0]: expected an object, got null"},
		{PROTO_TICKETS, "alert_ids", "[\"AL-1\",2]", "data.alert_ids[1]: expected a string, got an integer"},
		{PROTO_VENDORS, "draws", "[[]]", "data.draws[0]: expected an object, got an array"},
		{PROTO_DRILLS, "participants", "[1]", "data.participants[0]: expected an object"},
		{PROTO_DRILLS, "participants[0].probes", "[{\"point\":\"cloud\",\"ok\":true,\"checked\":\"2026-11-25T09:05:00Z\"},true]",
		 "data.participants[0].probes[1]: expected an object, got a boolean"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proto_msg m;
		char err[512];

		assert_int_equal(decode_entity(cases[i].s, edited(cases[i].s, cases[i].path, cases[i].value), &m, err,
					       sizeof err),
				 PROTO_INVALID);
		if (!strstr(err, cases[i].needle)) {
			print_error("got \"%s\", wanted \"%s\"\n", err, cases[i].needle);
			fail();
		}
		proto_msg_free(&m);
	}
	/* empty arrays are fine */
	check_edit(PROTO_ALERTS, "indicators", "[]", PROTO_OK);
	check_edit(PROTO_TICKETS, "alert_ids", "[]", PROTO_OK);
	check_edit(PROTO_TICKETS, "notes", "[]", PROTO_OK);
	check_edit(PROTO_VENDORS, "draws", "[]", PROTO_OK);
	check_edit(PROTO_DRILLS, "participants", "[]", PROTO_OK);
	check_edit(PROTO_DRILLS, "participants[0].probes", "[]", PROTO_OK);
}

static void test_entity_enums(void **state)
{
	static const struct {
		enum proto_stream s;
		const char *path;
		const char *what;
		const char *const good[8];
	} cases[] = {
		{PROTO_ALERTS, "category", "an alert category",
		 {"ddos", "phishing", "malware", "intrusion", "exploit", "recon", "policy", "other"}},
		{PROTO_ALERTS, "severity", "a severity", {"info", "low", "medium", "high", "critical"}},
		{PROTO_ALERTS, "status", "an alert status", {"new", "acknowledged", "escalated", "closed"}},
		{PROTO_ALERTS, "resolution", "a resolution", {"true_positive", "false_positive", "duplicate", "benign"}},
		{PROTO_ALERTS, "indicators[0].type", "an indicator type", {"ipv4", "ipv6", "domain", "url", "sha256", "cve"}},
		{PROTO_ADVISORIES, "kind", "an advisory kind",
		 {"phishing_site", "phishing_app", "vulnerability", "threat_report", "weekly_report", "monthly_report"}},
		{PROTO_ADVISORIES, "severity", "a severity", {"info", "critical"}},
		{PROTO_TICKETS, "status", "a ticket status",
		 {"new", "triage", "in_progress", "waiting_vendor", "resolved", "closed"}},
		{PROTO_TICKETS, "severity", "a severity", {"low", "medium"}},
		{PROTO_VENDORS, "draws[0].state", "a draw state", {"requested", "approved", "consumed", "cancelled"}},
		{PROTO_DRILLS, "kind", "a drill kind", {"ddos", "red_blue", "tabletop"}},
		{PROTO_DRILLS, "phase", "a drill phase",
		 {"planned", "approved", "preparing", "running", "debrief", "closed"}},
		{PROTO_DRILLS, "participants[0].status", "a participant status",
		 {"pending", "under_attack", "degraded", "mitigated", "recovered", "withdrawn"}},
		{PROTO_DRILLS, "participants[0].probes[0].point", "a probe point", {"domestic", "foreign", "cloud"}},
	};
	static const char *const bad[] = {"\"urgent\"", "\"\"", "\"HIGH\"", "\"ddos \""};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int g = 0; g < 8 && cases[i].good[g]; g++) {
			char v[64];

			snprintf(v, sizeof v, "\"%s\"", cases[i].good[g]);
			check_edit(cases[i].s, cases[i].path, v, PROTO_OK);
		}
		for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
			struct proto_msg m;
			char err[512], needle[160];

			check_edit(cases[i].s, cases[i].path, bad[b], PROTO_INVALID);
			assert_int_equal(decode_entity(cases[i].s, edited(cases[i].s, cases[i].path, bad[b]), &m, err,
						       sizeof err),
					 PROTO_INVALID);
			snprintf(needle, sizeof needle, "data.%s: %s is not %s", cases[i].path, bad[b], cases[i].what);
			if (!strstr(err, needle)) {
				print_error("got \"%s\", wanted \"%s\"\n", err, needle);
				fail();
			}
			proto_msg_free(&m);
		}
	}
}

static void test_entity_ranges(void **state)
{
	static const struct {
		enum proto_stream s;
		const char *path;
		const char *value;
		int rc;
	} cases[] = {
		{PROTO_ALERTS, "src.port", "0", PROTO_OK},
		{PROTO_ALERTS, "src.port", "65535", PROTO_OK},
		{PROTO_ALERTS, "src.port", "65536", PROTO_INVALID},
		{PROTO_ALERTS, "src.port", "-1", PROTO_INVALID},
		{PROTO_ALERTS, "dst.port", "443.0", PROTO_INVALID},
		{PROTO_ALERTS, "dst.port", "\"443\"", PROTO_INVALID},
		{PROTO_ALERTS, "correlation.institutions", "0", PROTO_OK},
		{PROTO_ALERTS, "correlation.institutions", "-1", PROTO_INVALID},
		{PROTO_ALERTS, "correlation.institutions", "2.0", PROTO_INVALID},
		{PROTO_ADVISORIES, "cvss", "10", PROTO_OK},
		{PROTO_ADVISORIES, "cvss", "\"9.8\"", PROTO_INVALID},
		{PROTO_ADVISORIES, "exploited", "false", PROTO_OK},
		{PROTO_ADVISORIES, "exploited", "\"yes\"", PROTO_INVALID},
		{PROTO_ADVISORIES, "exploited", "1", PROTO_INVALID},
		{PROTO_TICKETS, "hours_used", "0", PROTO_OK},
		{PROTO_TICKETS, "hours_used", "0.25", PROTO_OK},
		{PROTO_TICKETS, "hours_used", "-0.5", PROTO_INVALID},
		{PROTO_TICKETS, "due", "\"2026-11-25T12:10:00+08:00\"", PROTO_INVALID},
		{PROTO_VENDORS, "hours_total", "200.75", PROTO_OK},
		{PROTO_VENDORS, "hours_total", "-1", PROTO_INVALID},
		{PROTO_VENDORS, "hours_reserved", "-0.01", PROTO_INVALID},
		{PROTO_VENDORS, "low_water", "-5", PROTO_INVALID},
		{PROTO_VENDORS, "draws[0].hours", "-8", PROTO_INVALID},
		{PROTO_DRILLS, "attack.gbps", "0.5", PROTO_OK},
		{PROTO_DRILLS, "attack.gbps", "-1", PROTO_INVALID},
		{PROTO_DRILLS, "participants[0].probes[0].latency_ms", "0", PROTO_OK},
		{PROTO_DRILLS, "participants[0].probes[0].latency_ms", "-3", PROTO_INVALID},
		{PROTO_DRILLS, "participants[0].probes[0].latency_ms", "\"85\"", PROTO_INVALID},
		{PROTO_DRILLS, "end", "\"2026-11-25T17:00:00Z\"", PROTO_OK},
		{PROTO_DRILLS, "end", "\"soon\"", PROTO_INVALID},
		{PROTO_DRILLS, "participants[0].mitigated_at", "\"2026-11-25T09:20:00\"", PROTO_INVALID},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_edit(cases[i].s, cases[i].path, cases[i].value, cases[i].rc);
}

static void test_entity_correlation_clamped(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode_entity(PROTO_ALERTS, edited(PROTO_ALERTS, "correlation.institutions", "9000000000"),
				       &m, err, sizeof err),
			 PROTO_OK);
	assert_int_equal(m.ent.corr, 2147483647);
	proto_msg_free(&m);
}

static void test_tlp_readings(void **state)
{
	static const struct {
		const char *value;
		int tlp;
	} cases[] = {
		{"\"CLEAR\"", PROTO_TLP_CLEAR},        {"\"WHITE\"", PROTO_TLP_CLEAR},
		{"\"GREEN\"", PROTO_TLP_GREEN},        {"\"AMBER\"", PROTO_TLP_AMBER},
		{"\"AMBER+STRICT\"", PROTO_TLP_AMBER_STRICT}, {"\"RED\"", PROTO_TLP_RED},
		{"\"PURPLE\"", PROTO_TLP_RED},         {"\"amber\"", PROTO_TLP_RED},
		{"\"\"", PROTO_TLP_RED},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum proto_stream streams[] = {PROTO_ALERTS, PROTO_ADVISORIES, PROTO_TICKETS};

		for (size_t s = 0; s < 3; s++) {
			struct proto_msg m;
			char err[256];

			assert_int_equal(decode_entity(streams[s], edited(streams[s], "tlp", cases[i].value), &m, err,
						       sizeof err),
					 PROTO_OK);
			assert_int_equal(m.ent.tlp, cases[i].tlp);
			proto_msg_free(&m);
		}
	}
	check_edit(PROTO_ALERTS, "tlp", "3", PROTO_INVALID);
	check_edit(PROTO_ADVISORIES, "tlp", "null", PROTO_INVALID);
	check_edit(PROTO_TICKETS, "tlp", NULL, PROTO_INVALID);
}

static void test_event_invalid_keeps_seq_and_id(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode("{\"type\":\"event\",\"seq\":77,\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"AL-1\","
				"\"rev\":1,\"data\":{\"id\":\"AL-1\",\"severity\":\"urgent\"}}",
				&m, err, sizeof err),
			 PROTO_INVALID);
	assert_int_equal(m.type, PROTO_MSG_EVENT);
	assert_int_equal(m.has_seq, 1);
	assert_int_equal(m.seq, 77);
	assert_string_equal(m.ent.id, "AL-1");
	assert_int_equal(m.ent.stream, PROTO_ALERTS);
	/* nothing else is left for a careless caller to apply */
	assert_null(m.ent.title);
	assert_null(m.ent.data);
	assert_int_equal(m.ent.severity, -1);
	/* the time is checked before the severity, so: */
	assert_string_equal(err, "event AL-1: data.time: missing");
	proto_msg_free(&m);

	json_t *d = edited(PROTO_ALERTS, "severity", "\"urgent\"");
	json_object_set_new(d, "id", json_string("AL-1"));
	json_t *ev = json_pack("{s:s,s:I,s:s,s:s,s:s,s:I,s:o}", "type", "event", "seq", (json_int_t)78, "stream",
			       "alerts", "op", "upsert", "id", "AL-1", "rev", (json_int_t)2, "data", d);
	char *text = json_dumps(ev, JSON_COMPACT);

	json_decref(ev);
	assert_int_equal(decode(text, &m, err, sizeof err), PROTO_INVALID);
	free(text);
	assert_string_equal(err, "event AL-1: data.severity: \"urgent\" is not a severity");
	assert_int_equal(m.seq, 78);
	assert_string_equal(m.ent.id, "AL-1");
	proto_msg_free(&m);

	/* unknown stream: id still readable, stream not */
	assert_int_equal(decode("{\"type\":\"event\",\"seq\":79,\"stream\":\"incidents\",\"op\":\"upsert\",\"id\":\"IN-1\","
				"\"rev\":1,\"data\":{\"id\":\"IN-1\"}}",
				&m, err, sizeof err),
			 PROTO_INVALID);
	assert_int_equal(m.seq, 79);
	assert_string_equal(m.ent.id, "IN-1");
	assert_int_equal(m.ent.stream, PROTO_NSTREAMS);
	assert_string_equal(err, "event IN-1: stream: \"incidents\" is not a stream");
	proto_msg_free(&m);
}

static void test_event_envelope_invalid(void **state)
{
	static const struct {
		const char *text;
		int has_seq;
		const char *needle;
	} cases[] = {
		{"{\"type\":\"event\",\"seq\":0,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"A\",\"rev\":1}", 0,
		 "event A: seq: 0 is below 1"},
		{"{\"type\":\"event\",\"seq\":-3,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"A\",\"rev\":1}", 0,
		 "seq: -3 is below 1"},
		{"{\"type\":\"event\",\"seq\":5.0,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"A\",\"rev\":1}", 0,
		 "seq: expected an integer, got a real number"},
		{"{\"type\":\"event\",\"seq\":\"5\",\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"A\",\"rev\":1}", 0,
		 "seq: expected an integer, got a string"},
		{"{\"type\":\"event\",\"seq\":5,\"op\":\"delete\",\"id\":\"A\",\"rev\":1}", 1, "event A: stream: missing"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":[\"alerts\"],\"op\":\"delete\",\"id\":\"A\",\"rev\":1}", 1,
		 "stream: expected a string"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"id\":\"A\",\"rev\":1}", 1, "op: missing"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"merge\",\"id\":\"A\",\"rev\":1}", 1,
		 "op: \"merge\" is not an op"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"delete\",\"rev\":1}", 1,
		 "event: id: missing"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":42,\"rev\":1}", 1,
		 "event: id: expected a string"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"\",\"rev\":1}", 1,
		 "event: id: is empty"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"A\"}", 1,
		 "event A: rev: missing"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"A\",\"rev\":-1}", 1,
		 "rev: -1 is below 0"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"A\",\"rev\":1.5}", 1,
		 "rev: expected an integer"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"A\",\"rev\":1}", 1,
		 "event A: data: missing"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"A\",\"rev\":1,\"data\":[]}",
		 1, "event A: data: expected an object, got an array"},
		{"{\"type\":\"event\",\"seq\":5,\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"A\",\"rev\":1,"
		 "\"data\":null}",
		 1, "data: expected an object, got null"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proto_msg m;
		char err[256];

		assert_int_equal(decode(cases[i].text, &m, err, sizeof err), PROTO_INVALID);
		assert_int_equal(m.type, PROTO_MSG_EVENT);
		if (m.has_seq != cases[i].has_seq || (m.has_seq && m.seq != 5) || !strstr(err, cases[i].needle)) {
			print_error("%s\n  -> has_seq %d seq %lld err \"%s\", wanted \"%s\"\n", cases[i].text, m.has_seq,
				    (long long)m.seq, err, cases[i].needle);
			proto_msg_free(&m);
			fail();
		}
		proto_msg_free(&m);
	}
}

static void test_event_data_id_mismatch(void **state)
{
	struct proto_msg m;
	char err[256];
	json_t *d = fixture(PROTO_ALERTS);

	(void)state;
	json_object_set_new(d, "id", json_string("AL-20261125-99999"));
	assert_int_equal(decode_entity(PROTO_ALERTS, d, &m, err, sizeof err), PROTO_INVALID);
	assert_string_equal(err, "event AL-20261125-00042: data.id: \"AL-20261125-99999\" is not the event's id");
	assert_string_equal(m.ent.id, "AL-20261125-00042");
	proto_msg_free(&m);
}

static void test_event_delete(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode("{\"type\":\"event\",\"seq\":1043,\"stream\":\"tickets\",\"op\":\"delete\","
				"\"id\":\"FCERT-2026-0142\",\"rev\":9}",
				&m, err, sizeof err),
			 PROTO_OK);
	assert_int_equal(m.type, PROTO_MSG_EVENT);
	assert_int_equal(m.op_delete, 1);
	assert_int_equal(m.has_seq, 1);
	assert_int_equal(m.seq, 1043);
	assert_int_equal(m.ent.stream, PROTO_TICKETS);
	assert_string_equal(m.ent.id, "FCERT-2026-0142");
	assert_int_equal(m.ent.rev, 9);
	assert_null(m.ent.data);
	assert_null(m.ent.title);
	assert_int_equal(m.ent.severity, -1);
	assert_int_equal(m.ent.tlp, -1);
	proto_msg_free(&m);

	/* a delete's data, whatever it is, is not looked at */
	assert_int_equal(decode("{\"type\":\"event\",\"seq\":1044,\"stream\":\"alerts\",\"op\":\"delete\","
				"\"id\":\"AL-1\",\"rev\":0,\"data\":\"gone\"}",
				&m, err, sizeof err),
			 PROTO_OK);
	assert_int_equal(m.op_delete, 1);
	assert_null(m.ent.data);
	proto_msg_free(&m);
}

static void test_event_snapshot_without_seq(void **state)
{
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:I,s:o}", "type", "event", "stream", "vendors", "op", "upsert", "id",
			       "V-TM", "rev", (json_int_t)12, "data", fixture(PROTO_VENDORS));
	char *text = json_dumps(ev, JSON_COMPACT);
	struct proto_msg m;
	char err[256];

	(void)state;
	json_decref(ev);
	assert_int_equal(decode(text, &m, err, sizeof err), PROTO_OK);
	free(text);
	assert_int_equal(m.type, PROTO_MSG_EVENT);
	assert_int_equal(m.has_seq, 0);
	assert_int_equal(m.seq, 0);
	assert_int_equal(m.ent.rev, 12);
	assert_string_equal(m.ent.id, "V-TM");
	proto_msg_free(&m);
}

static void test_event_big_numbers(void **state)
{
	struct proto_msg m;
	char err[256];

	(void)state;
	assert_int_equal(decode("{\"type\":\"event\",\"seq\":9223372036854775807,\"stream\":\"alerts\",\"op\":\"delete\","
				"\"id\":\"A\",\"rev\":9223372036854775807}",
				&m, err, sizeof err),
			 PROTO_OK);
	assert_true(m.seq == INT64_MAX);
	assert_true(m.ent.rev == INT64_MAX);
	proto_msg_free(&m);
	/* beyond int64: jansson refuses the number */
	expect_invalid("{\"type\":\"event\",\"seq\":9223372036854775808,\"stream\":\"alerts\",\"op\":\"delete\","
		       "\"id\":\"A\",\"rev\":1}",
		       PROTO_MSG_UNKNOWN, "not valid JSON");
}

static void test_event_id_rules(void **state)
{
	static const char *const bad_ids[] = {
		"AL\\u001b[31m-1", "AL\\n1", "AL\\u007f1", "AL\\u009b31m", "\\t", "AL-1\\r",
	};
	char text[1024], id[PROTO_MAX_ID + 2];
	struct proto_msg m;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
		snprintf(text, sizeof text,
			 "{\"type\":\"event\",\"seq\":11,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"%s\",\"rev\":1}",
			 bad_ids[i]);
		assert_int_equal(decode(text, &m, err, sizeof err), PROTO_INVALID);
		assert_null(m.ent.id); /* an invalid id is never handed out */
		assert_int_equal(m.has_seq, 1);
		assert_int_equal(m.seq, 11);
		assert_non_null(strstr(err, "contains a control character"));
		for (const char *p = err; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
		proto_msg_free(&m);
	}
	/* non-ASCII ids are fine */
	expect_rc("{\"type\":\"event\",\"seq\":11,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"警示-1\",\"rev\":1}",
		  PROTO_OK, PROTO_MSG_EVENT, NULL);

	memset(id, 'x', PROTO_MAX_ID);
	id[PROTO_MAX_ID] = '\0';
	snprintf(text, sizeof text,
		 "{\"type\":\"event\",\"seq\":11,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"%s\",\"rev\":1}", id);
	expect_rc(text, PROTO_OK, PROTO_MSG_EVENT, NULL);
	strcat(id, "x");
	snprintf(text, sizeof text,
		 "{\"type\":\"event\",\"seq\":11,\"stream\":\"alerts\",\"op\":\"delete\",\"id\":\"%s\",\"rev\":1}", id);
	expect_invalid(text, PROTO_MSG_EVENT, "id: 257 bytes, longer than 256");
}

/* Escape sequences in data are data; the display sanitises them. */
static void test_escape_sequences_are_data(void **state)
{
	json_t *d = fixture(PROTO_ALERTS);
	struct proto_msg m;
	char err[256];

	(void)state;
	json_object_set_new(d, "title", json_string("\x1b[31mRED\x1b[0m \xe2\x80\xae\x07"));
	json_object_set_new(d, "assignee", json_string("duty\x1b]0;pwned\x07"));
	assert_int_equal(decode_entity(PROTO_ALERTS, d, &m, err, sizeof err), PROTO_OK);
	assert_string_equal(m.ent.title, "\x1b[31mRED\x1b[0m \xe2\x80\xae\x07");
	assert_string_equal(m.ent.assignee, "duty\x1b]0;pwned\x07");
	proto_msg_free(&m);

	expect_rc("{\"type\":\"error\",\"code\":\"x\",\"message\":\"\\u001b[31mboom\"}", PROTO_OK, PROTO_MSG_ERROR,
		  NULL);
}

static void test_entity_decode_standalone(void **state)
{
	struct proto_entity e;
	char err[256] = "x";
	json_t *d = fixture(PROTO_TICKETS);

	(void)state;
	assert_int_equal(proto_entity_decode(PROTO_TICKETS, d, 5, &e, err, sizeof err), PROTO_OK);
	assert_string_equal(err, "");
	assert_int_equal(e.stream, PROTO_TICKETS);
	assert_string_equal(e.id, "FCERT-2026-0142");
	assert_int_equal(e.rev, 5);
	assert_ptr_equal(e.data, d);
	assert_string_equal(e.status, "waiting_vendor");
	assert_int_equal(e.tlp, PROTO_TLP_AMBER_STRICT);
	assert_int_equal(e.severity, PROTO_SEV_HIGH);

	/* wrong stream for the object */
	assert_int_equal(proto_entity_decode(PROTO_VENDORS, d, 5, &e, err, sizeof err), PROTO_INVALID);
	assert_string_equal(err, "vendors FCERT-2026-0142: name: missing");
	assert_string_equal(e.id, "FCERT-2026-0142");

	assert_int_equal(proto_entity_decode(PROTO_TICKETS, d, -1, &e, err, sizeof err), PROTO_INVALID);
	assert_non_null(strstr(err, "rev: -1 is below 0"));
	assert_int_equal(proto_entity_decode(PROTO_NSTREAMS, d, 5, &e, err, sizeof err), PROTO_INVALID);
	assert_int_equal(proto_entity_decode((enum proto_stream)-1, d, 5, &e, err, sizeof err), PROTO_INVALID);
	assert_int_equal(proto_entity_decode(PROTO_TICKETS, NULL, 5, &e, err, sizeof err), PROTO_INVALID);
	json_decref(d);

	d = load("[1]");
	assert_int_equal(proto_entity_decode(PROTO_TICKETS, d, 5, &e, NULL, 0), PROTO_INVALID);
	json_decref(d);

	/* the object's own id is checked like an event's */
	d = edited(PROTO_ALERTS, "id", "\"AL\\u001b1\"");
	assert_int_equal(proto_entity_decode(PROTO_ALERTS, d, 1, &e, err, sizeof err), PROTO_INVALID);
	assert_non_null(strstr(err, "alerts: id: \"AL\\x1b1\" contains a control character"));
	assert_null(e.id);
	json_decref(d);

	d = fixture(PROTO_DRILLS);
	assert_int_equal(proto_entity_decode(PROTO_DRILLS, d, 0, &e, err, sizeof err), PROTO_OK);
	assert_string_equal(e.title, "2026 第四季 DDoS 演練");
	json_decref(d);
}

/* ---- times ----------------------------------------------------------- */

static void test_time_parse_valid(void **state)
{
	static const struct {
		const char *s;
		int64_t ms;
	} cases[] = {
		{"1970-01-01T00:00:00Z", 0},
		{"2026-11-25T08:00:00Z", T_20261125_0800},
		{"2026-11-25T08:00:00.5Z", T_20261125_0800 + 500},
		{"2026-11-25T08:00:00.05Z", T_20261125_0800 + 50},
		{"2026-11-25T08:00:00.123Z", T_20261125_0800 + 123},
		{"2026-11-25T08:00:00.123999Z", T_20261125_0800 + 123},
		{"2026-11-25T08:00:00.999999999Z", T_20261125_0800 + 999},
		{"2024-02-29T12:34:56Z", 1709210096000LL},
		{"2000-02-29T00:00:00Z", 951782400000LL},
		{"1900-03-01T00:00:00Z", -2203891200000LL},
		{"1969-12-31T23:59:59.5Z", -500},
		{"0001-01-01T00:00:00Z", -62135596800000LL},
		{"9999-12-31T23:59:59Z", 253402300799000LL},
		{"2016-12-31T23:59:60Z", 1483228800000LL}, /* a leap second */
		{"2026-12-31T23:59:59Z", 1798761599000LL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t ms = -42;

		if (proto_time_parse(cases[i].s, &ms) != 0 || ms != cases[i].ms) {
			print_error("%s -> %lld, wanted %lld\n", cases[i].s, (long long)ms, (long long)cases[i].ms);
			fail();
		}
		assert_int_equal(proto_time_parse(cases[i].s, NULL), 0);
	}
}

static void test_time_parse_invalid(void **state)
{
	static const char *const cases[] = {
		"",
		"2026",
		"2026-11-25",
		"2026-11-25T08:00:00",       /* no Z */
		"2026-11-25T08:00Z",         /* no seconds */
		"2026-11-25t08:00:00Z",      /* lowercase t */
		"2026-11-25T08:00:00z",      /* lowercase z */
		"2026-11-25 08:00:00Z",      /* space for T */
		"2026-11-25T08:00:00+08:00", /* an offset */
		"2026-11-25T08:00:00+00:00", /* even a zero one */
		"2026-11-25T08:00:00.Z",     /* empty fraction */
		"2026-11-25T08:00:00.1234567890Z",
		"2026-11-25T08:00:00,5Z",
		"2026-11-25T08:00:00ZZ",
		"2026-11-25T08:00:00Z ",
		" 2026-11-25T08:00:00Z",
		"2026-02-29T00:00:00Z", /* not a leap year */
		"1900-02-29T00:00:00Z", /* nor is 1900 */
		"2026-04-31T00:00:00Z",
		"2026-00-10T00:00:00Z",
		"2026-13-10T00:00:00Z",
		"2026-11-00T00:00:00Z",
		"2026-11-32T00:00:00Z",
		"2026-11-25T24:00:00Z",
		"2026-11-25T08:60:00Z",
		"2026-11-25T08:00:61Z",
		"2026-1-25T08:00:00Z",
		"+2026-11-25T08:00:00Z",
		"-026-11-25T08:00:00Z",
		"2026-11-25T8:00:00Z",
		"2026-11-25T08:00:0aZ",
		"２０２６-11-25T08:00:00Z",
		"1795593600",
	};
	int64_t ms = 7;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (proto_time_parse(cases[i], &ms) != -1) {
			print_error("\"%s\" parsed\n", cases[i]);
			fail();
		}
	}
	assert_int_equal(proto_time_parse(NULL, &ms), -1);
	assert_int_equal(ms, 7); /* untouched on failure */
}

static void test_time_format(void **state)
{
	static const struct {
		int64_t ms;
		const char *s;
	} cases[] = {
		{0, "1970-01-01T00:00:00Z"},
		{T_20261125_0800, "2026-11-25T08:00:00Z"},
		{T_20261125_0800 + 999, "2026-11-25T08:00:00Z"},
		{1709210096000LL, "2024-02-29T12:34:56Z"},
		{-1, "1969-12-31T23:59:59Z"},
		{-500, "1969-12-31T23:59:59Z"},
		{-1000, "1969-12-31T23:59:59Z"},
		{-1001, "1969-12-31T23:59:58Z"},
		{-2203891200000LL, "1900-03-01T00:00:00Z"},
		{-62135596800000LL, "0001-01-01T00:00:00Z"},
		{253402300799000LL, "9999-12-31T23:59:59Z"},
	};
	char buf[32], small[8];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(buf, 'x', sizeof buf);
		proto_time_format(cases[i].ms, buf, 21);
		assert_string_equal(buf, cases[i].s);
	}
	proto_time_format(0, small, sizeof small);
	assert_string_equal(small, "1970-01");
	proto_time_format(0, NULL, 0);
	/* extremes do not crash or overflow */
	proto_time_format(INT64_MIN, buf, sizeof buf);
	proto_time_format(INT64_MAX, buf, sizeof buf);
}

static void test_time_round_trip(void **state)
{
	char buf[32], ref[80];
	uint64_t x = 88172645463325252ULL;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		int64_t ms, back;
		time_t t;
		struct tm tm;

		/* xorshift over 0001-01-01 .. 9999-12-31 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ms = -62135596800000LL + (int64_t)(x % (253402300800000ULL + 62135596800000ULL));
		proto_time_format(ms, buf, sizeof buf);
		assert_int_equal(proto_time_parse(buf, &back), 0);
		assert_true(back == ms - ((ms % 1000) + 1000) % 1000);

		/* the C library agrees, whatever TZ says */
		t = (time_t)((ms - ((ms % 1000) + 1000) % 1000) / 1000);
		assert_non_null(gmtime_r(&t, &tm));
		snprintf(ref, sizeof ref, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		assert_string_equal(buf, ref);
	}
}

/* ---- encoders -------------------------------------------------------- */

static void test_encode_subscribe(void **state)
{
	char *s;
	json_t *v;

	(void)state;
	s = proto_encode_subscribe((1u << PROTO_ADVISORIES) | (1u << PROTO_ALERTS), "7f3c9a", 1041);
	assert_non_null(s);
	assert_string_equal(s, "{\"type\":\"subscribe\",\"streams\":[\"alerts\",\"advisories\"],\"epoch\":\"7f3c9a\","
			       "\"since\":1041}");
	v = load(s);
	assert_string_equal(json_string_value(json_object_get(v, "type")), "subscribe");
	assert_int_equal(json_array_size(json_object_get(v, "streams")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "streams"), 0)), "alerts");
	assert_string_equal(json_string_value(json_object_get(v, "epoch")), "7f3c9a");
	assert_int_equal(json_integer_value(json_object_get(v, "since")), 1041);
	json_decref(v);
	free(s);

	/* no cursor: neither epoch nor since; streams in enum order; stray bits ignored */
	s = proto_encode_subscribe(0xffffffffu, NULL, 1041);
	assert_non_null(s);
	assert_string_equal(s, "{\"type\":\"subscribe\",\"streams\":[\"alerts\",\"advisories\",\"tickets\",\"vendors\","
			       "\"drills\"]}");
	v = load(s);
	assert_null(json_object_get(v, "epoch"));
	assert_null(json_object_get(v, "since"));
	json_decref(v);
	free(s);

	s = proto_encode_subscribe((1u << PROTO_DRILLS) | (1u << PROTO_TICKETS), "e\"p", 0);
	assert_string_equal(s, "{\"type\":\"subscribe\",\"streams\":[\"tickets\",\"drills\"],\"epoch\":\"e\\\"p\","
			       "\"since\":0}");
	free(s);

	s = proto_encode_subscribe(0, NULL, 0);
	assert_string_equal(s, "{\"type\":\"subscribe\",\"streams\":[]}");
	free(s);

	s = proto_encode_subscribe(1u, "7f3c9a", INT64_MAX);
	assert_string_equal(s, "{\"type\":\"subscribe\",\"streams\":[\"alerts\"],\"epoch\":\"7f3c9a\","
			       "\"since\":9223372036854775807}");
	free(s);
}

static void test_encode_action(void **state)
{
	json_t *args = json_pack("{s:s}", "assignee", "duty.chen");
	char *s;
	json_t *v;

	(void)state;
	s = proto_encode_action("c0a8-0001", "ticket.assign", "FCERT-2026-0142", args);
	assert_non_null(s);
	assert_string_equal(s, "{\"type\":\"action\",\"action_id\":\"c0a8-0001\",\"op\":\"ticket.assign\","
			       "\"target\":\"FCERT-2026-0142\",\"args\":{\"assignee\":\"duty.chen\"}}");
	v = load(s);
	assert_string_equal(json_string_value(json_object_get(v, "action_id")), "c0a8-0001");
	assert_string_equal(json_string_value(json_object_get(v, "op")), "ticket.assign");
	assert_string_equal(json_string_value(json_object_get(v, "target")), "FCERT-2026-0142");
	assert_true(json_equal(json_object_get(v, "args"), args));
	json_decref(v);
	free(s);
	/* args is not stolen */
	assert_int_equal(args->refcount, 1);
	json_decref(args);

	s = proto_encode_action("c0a8-0002", "alert.ack", "AL-20261125-00042", NULL);
	assert_string_equal(s, "{\"type\":\"action\",\"action_id\":\"c0a8-0002\",\"op\":\"alert.ack\","
			       "\"target\":\"AL-20261125-00042\",\"args\":{}}");
	free(s);

	args = json_pack("{s:s,s:s}", "resolution", "false_positive", "note", "誤報：示範商業銀行弱掃");
	s = proto_encode_action("c0a8-0003", "alert.close", "AL-1", args);
	v = load(s);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "args"), "note")),
			    "誤報：示範商業銀行弱掃");
	json_decref(v);
	json_decref(args);
	free(s);

	/* what jansson cannot encode yields NULL, not a half message */
	assert_null(proto_encode_action("c0a8-0004", "ticket.note", "\xff\xfe", NULL));
	assert_null(proto_encode_action(NULL, "ticket.note", "T-1", NULL));
	assert_null(proto_encode_subscribe(1u, "\xc3", 1));
}

/* ---- names ----------------------------------------------------------- */

static void test_names(void **state)
{
	static const char *const streams[] = {"alerts", "advisories", "tickets", "vendors", "drills"};
	static const char *const sevs[] = {"info", "low", "medium", "high", "critical"};
	static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};

	(void)state;
	for (int i = 0; i < PROTO_NSTREAMS; i++) {
		assert_string_equal(proto_stream_name((enum proto_stream)i), streams[i]);
		assert_int_equal(proto_stream_parse(streams[i]), i);
	}
	for (int i = 0; i < 5; i++) {
		assert_string_equal(proto_sev_name(i), sevs[i]);
		assert_int_equal(proto_sev_parse(sevs[i]), i);
		assert_string_equal(proto_tlp_name(i), tlps[i]);
		assert_int_equal(proto_tlp_parse(tlps[i]), i);
	}
	assert_int_equal(PROTO_SEV_CRITICAL, 4);
	assert_int_equal(PROTO_TLP_RED, 4);
	assert_string_equal(proto_stream_name(PROTO_NSTREAMS), "-");
	assert_int_equal(proto_stream_parse("incidents"), -1);
	assert_int_equal(proto_stream_parse("Alerts"), -1);
	assert_int_equal(proto_stream_parse(NULL), -1);
	assert_string_equal(proto_sev_name(-1), "-");
	assert_string_equal(proto_sev_name(5), "-");
	assert_int_equal(proto_sev_parse("urgent"), -1);
	assert_int_equal(proto_sev_parse(NULL), -1);
	assert_string_equal(proto_tlp_name(-1), "-");
	assert_string_equal(proto_tlp_name(5), "-");
	assert_int_equal(proto_tlp_parse("WHITE"), PROTO_TLP_CLEAR);
	assert_int_equal(proto_tlp_parse("PURPLE"), PROTO_TLP_RED);
	assert_int_equal(proto_tlp_parse("green"), PROTO_TLP_RED);
	assert_int_equal(proto_tlp_parse(""), PROTO_TLP_RED);
	assert_int_equal(proto_tlp_parse(NULL), PROTO_TLP_RED);
	assert_true(PROTO_STREAM_IS_STATE(PROTO_TICKETS));
	assert_false(PROTO_STREAM_IS_STATE(PROTO_ALERTS));
}


/* The entity's raw text is located in the message, whatever the spacing
 * and the position of "data", and parses to the same object. */
static void test_data_raw(void **state)
{
	(void)state;
	const char *msgs[] = {
		"{\"type\":\"event\",\"seq\":1,\"stream\":\"vendors\",\"op\":\"upsert\",\"id\":\"V1\",\"rev\":1,"
		"\"data\":{\"id\":\"V1\",\"name\":\"趨勢科技 Trend Micro \\\"}{\\\"\",\"period\":{\"start\":\"2026-01-01T00:00:00Z\","
		"\"end\":\"2026-12-31T00:00:00Z\"},\"hours_total\":100,\"hours_used\":10,\"hours_reserved\":5,"
		"\"low_water\":20,\"draws\":[]}}",
		"{ \"data\" :\n {\"id\":\"V1\",\"name\":\"data\",\"period\":{\"start\":\"2026-01-01T00:00:00Z\","
		"\"end\":\"2026-12-31T00:00:00Z\"},\"hours_total\":100,\"hours_used\":10,\"hours_reserved\":5,"
		"\"low_water\":20,\"draws\":[{\"time\":\"2026-02-01T00:00:00Z\",\"ticket_id\":\"T\",\"institution_id\":\"B1\","
		"\"hours\":2,\"state\":\"consumed\"}]} , \"type\":\"event\",\"stream\":\"vendors\",\"op\":\"upsert\","
		"\"id\":\"V1\",\"rev\":1, \"note\":\"data\"}",
	};
	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
		struct proto_msg m;
		char err[256];
		assert_int_equal(proto_decode(msgs[i], strlen(msgs[i]), &m, err, sizeof err), PROTO_OK);
		assert_non_null(m.ent.data_raw);
		json_t *back = json_loadb(m.ent.data_raw, m.ent.data_raw_len, 0, NULL);
		assert_non_null(back);
		assert_true(json_equal(back, m.ent.data));
		json_decref(back);
		proto_msg_free(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_raw),
		cmocka_unit_test(test_hello_valid),
		cmocka_unit_test(test_hello_minimal),
		cmocka_unit_test(test_hello_invalid),
		cmocka_unit_test(test_epoch_length),
		cmocka_unit_test(test_cursor_messages_valid),
		cmocka_unit_test(test_cursor_messages_invalid),
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_result),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_invalid_json),
		cmocka_unit_test(test_non_object),
		cmocka_unit_test(test_missing_or_bad_type),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_unknown_fields_ignored),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_null_and_small_err),
		cmocka_unit_test(test_reason_cut_on_character_boundary),
		cmocka_unit_test(test_reason_escapes_values),
		cmocka_unit_test(test_event_alert),
		cmocka_unit_test(test_event_advisory),
		cmocka_unit_test(test_event_ticket),
		cmocka_unit_test(test_event_vendor),
		cmocka_unit_test(test_event_drill),
		cmocka_unit_test(test_entity_optional_fields),
		cmocka_unit_test(test_entity_optional_all_absent),
		cmocka_unit_test(test_entity_required_fields),
		cmocka_unit_test(test_entity_array_elements),
		cmocka_unit_test(test_entity_enums),
		cmocka_unit_test(test_entity_ranges),
		cmocka_unit_test(test_entity_correlation_clamped),
		cmocka_unit_test(test_tlp_readings),
		cmocka_unit_test(test_event_invalid_keeps_seq_and_id),
		cmocka_unit_test(test_event_envelope_invalid),
		cmocka_unit_test(test_event_data_id_mismatch),
		cmocka_unit_test(test_event_delete),
		cmocka_unit_test(test_event_snapshot_without_seq),
		cmocka_unit_test(test_event_big_numbers),
		cmocka_unit_test(test_event_id_rules),
		cmocka_unit_test(test_escape_sequences_are_data),
		cmocka_unit_test(test_entity_decode_standalone),
		cmocka_unit_test(test_time_parse_valid),
		cmocka_unit_test(test_time_parse_invalid),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_encode_subscribe),
		cmocka_unit_test(test_encode_action),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
