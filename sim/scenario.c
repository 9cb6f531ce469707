/* Scenario engine and --replay feeder. New alerts, the hot path at high
 * --rate, are formatted with snprintf; rarer changes go through jansson. */
#include "sim/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/model.h"

struct scenario {
	struct sim *s;
	struct rng *rng;
	unsigned long long alert_no, adv_no;
	unsigned ransom_seen, vpn_seen; /* bitmasks of institutions */
	unsigned drill_ticks;
	int high_rate;
	char month_key[32]; /* "2026-11" */
	int year;
};

static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
static const char *const countries[] = {"RU", "CN", "KP", "NL", "US", "BR", "VN", "DE"};

static unsigned pick(struct scenario *sc, unsigned n)
{
	return rng_below(sc->rng, n);
}

static const char *pick_tlp(struct scenario *sc)
{
	unsigned r = pick(sc, 100);
	return tlps[r < 10 ? 0 : r < 40 ? 1 : r < 80 ? 2 : r < 95 ? 3 : 4];
}

static int popcount(unsigned x)
{
	int n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

static void doc_ipv4(struct scenario *sc, char *out, size_t n)
{
	static const char *const nets[] = {"192.0.2", "198.51.100", "203.0.113"};
	snprintf(out, n, "%s.%u", nets[pick(sc, 3)], 1 + pick(sc, 254));
}

static void rand_hex(struct scenario *sc, char *out, size_t chars)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < chars; i++)
		out[i] = hex[pick(sc, 16)];
	out[chars] = '\0';
}

/* --- alerts (hot path) ---------------------------------------------------- */

struct alert_spec {
	const char *source, *category, *severity;
	char title[256], summary[320];
	char src_ip[48], src_country[4], dst_ip[48];
	int src_port, dst_port;
	char ind[512]; /* JSON array text */
	const char *corr_key_prefix;
	int corr_n;
};

static void spec_ransom(struct scenario *sc, const struct model_inst *in, struct alert_spec *a)
{
	static const char *const groups[] = {"Fancy Bear", "Cozy Bear"};
	const char *g = groups[pick(sc, 2)];
	sc->ransom_seen |= 1u << (in - model_insts);
	a->corr_key_prefix = "ddos-ransom-";
	a->corr_n = popcount(sc->ransom_seen);
	char ip[32];
	doc_ipv4(sc, ip, sizeof ip);
	if (pick(sc, 3) == 0) {
		a->source = "mail-gw";
		a->category = "ddos";
		a->severity = "high";
		snprintf(a->title, sizeof a->title,
			 "DDoS 勒索信：署名 '%s' 要求 %u BTC (DDoS extortion email)", g, 5 + pick(sc, 16));
		snprintf(a->summary, sizeof a->summary,
			 "%s 收到署名 %s 之勒索信，威脅於 48 小時內發動大規模 DDoS；同批信件已見於 %d "
			 "家會員機構。",
			 in->name, g, a->corr_n);
		snprintf(a->ind, sizeof a->ind,
			 "[{\"type\":\"domain\",\"value\":\"%s-payment.test\"},{\"type\":\"ipv4\",\"value\":\"%s\"}]",
			 pick(sc, 2) ? "fancybear" : "cozybear", ip);
		snprintf(a->src_ip, sizeof a->src_ip, "%s", ip);
		snprintf(a->src_country, sizeof a->src_country, "%s", countries[pick(sc, 8)]);
		a->src_port = 25;
	} else {
		a->source = pick(sc, 2) ? "suricata" : "fsoc-correlation";
		a->category = "ddos";
		a->severity = pick(sc, 3) ? "critical" : "high";
		snprintf(a->title, sizeof a->title,
			 "UDP reflection flood %u.%u Gbps 針對 ebank.%s.example (DNS/NTP amplification)",
			 8 + pick(sc, 60), pick(sc, 10), in->slug);
		snprintf(a->summary, sizeof a->summary,
			 "網路銀行入口流量異常，來源為開放 DNS/NTP 反射器；與 %s 勒索信指標相符。", g);
		char ip2[32];
		doc_ipv4(sc, ip2, sizeof ip2);
		snprintf(a->ind, sizeof a->ind,
			 "[{\"type\":\"ipv4\",\"value\":\"%s\"},{\"type\":\"ipv4\",\"value\":\"%s\"}]", ip, ip2);
		snprintf(a->src_ip, sizeof a->src_ip, "%s", ip);
		snprintf(a->src_country, sizeof a->src_country, "%s", countries[pick(sc, 8)]);
		a->src_port = pick(sc, 2) ? 53 : 123;
		snprintf(a->dst_ip, sizeof a->dst_ip, "198.51.100.%u", 10 + (unsigned)(in - model_insts));
		a->dst_port = 443;
	}
}

static void spec_phish(struct scenario *sc, const struct model_inst *in, struct alert_spec *a)
{
	static const char *const suffix[] = {"login", "secure", "ebank", "verify"};
	const char *sfx = suffix[pick(sc, 4)];
	const char *tld = pick(sc, 2) ? "example" : "test";
	a->source = pick(sc, 2) ? "mail-gw" : "fsoc-correlation";
	a->category = "phishing";
	a->severity = pick(sc, 3) ? "medium" : "high";
	snprintf(a->title, sizeof a->title, "仿冒%s網站 phishing site %s-%s.%s", in->name, in->slug,
		 sfx, tld);
	snprintf(a->summary, sizeof a->summary,
		 "釣魚郵件引導客戶至仿冒%s網路銀行登入頁，並有 punycode 相似網域 xn--%s-%s.%s。",
		 in->name, in->slug, "9za", tld);
	snprintf(a->ind, sizeof a->ind,
		 "[{\"type\":\"domain\",\"value\":\"%s-%s.%s\"},{\"type\":\"url\",\"value\":\"https://%s-%s.%s/ebank/login.php?id=%u\"},{\"type\":\"domain\",\"value\":\"xn--%s-9za.%s\"}]",
		 in->slug, sfx, tld, in->slug, sfx, tld, pick(sc, 100000), in->slug, tld);
}

static void spec_vpn(struct scenario *sc, const struct model_inst *in, struct alert_spec *a)
{
	sc->vpn_seen |= 1u << (in - model_insts);
	a->corr_key_prefix = "cve-2019-11510-";
	a->corr_n = popcount(sc->vpn_seen);
	a->source = pick(sc, 2) ? "waf" : "suricata";
	a->category = "exploit";
	a->severity = "critical";
	snprintf(a->title, sizeof a->title,
		 "Pulse Secure VPN 任意檔案讀取 exploit attempt (CVE-2019-11510) on vpn.%s.example", in->slug);
	snprintf(a->summary, sizeof a->summary,
		 "GET /dana-na/../dana/html5acc/guacamole/../../../../../../etc/passwd?/dana/html5acc/guacamole/ "
		 "— CVSS 10.0，已知在野利用。");
	if (pick(sc, 4) == 0)
		snprintf(a->src_ip, sizeof a->src_ip, "2001:db8:%x::%x", pick(sc, 65536), 1 + pick(sc, 65535));
	else
		doc_ipv4(sc, a->src_ip, sizeof a->src_ip);
	snprintf(a->src_country, sizeof a->src_country, "%s", countries[pick(sc, 8)]);
	a->src_port = 1024 + (int)pick(sc, 60000);
	snprintf(a->dst_ip, sizeof a->dst_ip, "198.51.100.%u", 100 + (unsigned)(in - model_insts));
	a->dst_port = 443;
	snprintf(a->ind, sizeof a->ind,
		 "[{\"type\":\"cve\",\"value\":\"CVE-2019-11510\"},{\"type\":\"%s\",\"value\":\"%s\"}]",
		 strchr(a->src_ip, ':') ? "ipv6" : "ipv4", a->src_ip);
}

static void spec_malware(struct scenario *sc, const struct model_inst *in, struct alert_spec *a)
{
	static const char *const fam[] = {"Cobalt Strike beacon", "Emotet loader", "QakBot",
					  "AsyncRAT", "Lumma Stealer"};
	char sha[65], ip[32];
	rand_hex(sc, sha, 64);
	doc_ipv4(sc, ip, sizeof ip);
	a->source = "edr";
	a->category = "malware";
	a->severity = pick(sc, 3) ? "high" : "medium";
	snprintf(a->title, sizeof a->title, "EDR 偵測 %s 於行員端點 WS-%s-%03u", fam[pick(sc, 5)],
		 in->id, pick(sc, 500));
	snprintf(a->summary, sizeof a->summary, "%s 端點執行可疑程式並連線 C2 cdn-update-%u.test。",
		 in->name, pick(sc, 90));
	snprintf(a->ind, sizeof a->ind,
		 "[{\"type\":\"sha256\",\"value\":\"%s\"},{\"type\":\"domain\",\"value\":\"cdn-update-%u.test\"},{\"type\":\"ipv4\",\"value\":\"%s\"},{\"type\":\"ipv6\",\"value\":\"2001:db8:bad::%x\"}]",
		 sha, pick(sc, 90), ip, 1 + pick(sc, 4000));
	snprintf(a->src_ip, sizeof a->src_ip, "10.%u.%u.%u", pick(sc, 255), pick(sc, 255), 1 + pick(sc, 250));
	snprintf(a->dst_ip, sizeof a->dst_ip, "%s", ip);
	a->dst_port = pick(sc, 2) ? 443 : 8080;
}

static void spec_misc(struct scenario *sc, const struct model_inst *in, struct alert_spec *a)
{
	char ip[32];
	doc_ipv4(sc, ip, sizeof ip);
	snprintf(a->src_ip, sizeof a->src_ip, "%s", ip);
	snprintf(a->src_country, sizeof a->src_country, "%s", countries[pick(sc, 8)]);
	snprintf(a->ind, sizeof a->ind, "[{\"type\":\"ipv4\",\"value\":\"%s\"}]", ip);
	switch (pick(sc, 3)) {
	case 0:
		a->source = "suricata";
		a->category = "recon";
		a->severity = pick(sc, 2) ? "low" : "info";
		snprintf(a->title, sizeof a->title, "Port scan 來自 %s (TCP/22,443,8443) 針對 %s", ip, in->name);
		break;
	case 1:
		a->source = "waf";
		a->category = "policy";
		a->severity = "low";
		snprintf(a->title, sizeof a->title, "網銀登入來自 Tor exit node %s", ip);
		snprintf(a->ind, sizeof a->ind, "[]");
		break;
	default:
		a->source = pick(sc, 2) ? "waf" : "edr";
		a->category = "intrusion";
		a->severity = "high";
		snprintf(a->title, sizeof a->title, "可疑 web shell 上傳 (/upload/cmd.aspx) 於 www.%s.example", in->slug);
		snprintf(a->summary, sizeof a->summary, "WAF 攔截 multipart 上傳含 eval(Request.Item) 字串。");
		break;
	}
	a->src_port = 1024 + (int)pick(sc, 60000);
}

/* Format a new alert; returns its length. */
static size_t alert_format(struct scenario *sc, char *out, size_t cap, const char *id, time_t t,
			   const char *status)
{
	struct alert_spec a;
	memset(&a, 0, sizeof a);
	const struct model_inst *in = &model_insts[pick(sc, MODEL_NINST)];
	unsigned r = pick(sc, 100);
	if (r < 30)
		spec_ransom(sc, in, &a);
	else if (r < 50)
		spec_phish(sc, in, &a);
	else if (r < 65)
		spec_vpn(sc, in, &a);
	else if (r < 80)
		spec_malware(sc, in, &a);
	else
		spec_misc(sc, in, &a);

	char ts[21];
	util_fmt_time(t, ts);
	char src[128] = "null", dst[96] = "null", corr[96] = "null", summary[340] = "null";
	if (a.src_ip[0] && !a.src_port) {
		if (a.src_country[0])
			snprintf(src, sizeof src, "{\"ip\":\"%s\",\"country\":\"%s\"}", a.src_ip,
				 a.src_country);
		else
			snprintf(src, sizeof src, "{\"ip\":\"%s\"}", a.src_ip);
	} else if (a.src_ip[0]) {
		if (a.src_country[0])
			snprintf(src, sizeof src, "{\"ip\":\"%s\",\"port\":%d,\"country\":\"%s\"}", a.src_ip,
				 a.src_port, a.src_country);
		else
			snprintf(src, sizeof src, "{\"ip\":\"%s\",\"port\":%d}", a.src_ip, a.src_port);
	}
	if (a.dst_ip[0])
		snprintf(dst, sizeof dst, "{\"ip\":\"%s\",\"port\":%d}", a.dst_ip, a.dst_port);
	if (a.corr_key_prefix)
		snprintf(corr, sizeof corr, "{\"key\":\"%s%s\",\"institutions\":%d}", a.corr_key_prefix,
			 sc->month_key, a.corr_n);
	/* Under load (--rate above 1000) the optional summary is left out, so
	 * an alert is ~500 bytes, the size the ingest benchmark is specified at. */
	if (a.summary[0] && !sc->high_rate)
		snprintf(summary, sizeof summary, "\"%s\"", a.summary);
	int n = snprintf(out, cap,
			 "{\"id\":\"%s\",\"time\":\"%s\",\"institution\":{\"id\":\"%s\",\"name\":\"%s\"},"
			 "\"source\":\"%s\",\"category\":\"%s\",\"severity\":\"%s\",\"title\":\"%s\","
			 "\"summary\":%s,\"src\":%s,\"dst\":%s,\"indicators\":%s,\"tlp\":\"%s\","
			 "\"status\":\"%s\",\"assignee\":null,\"resolution\":null,\"ticket_id\":null,"
			 "\"notes\":[],\"correlation\":%s}",
			 id, ts, in->id, in->name, a.source, a.category, a.severity, a.title, summary,
			 src, dst, a.ind[0] ? a.ind : "[]", pick_tlp(sc), status, corr);
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

static void alert_id(struct scenario *sc, time_t t, char out[40])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 40, "AL-%04d%02d%02d-%05llu", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 sc->alert_no++);
}

static void new_alert(struct scenario *sc, time_t t, const char *status)
{
	char id[40], buf[4096];
	alert_id(sc, t, id);
	size_t n = alert_format(sc, buf, sizeof buf, id, t, status);
	backend_upsert(&sc->s->b[BK_FSOC], ST_ALERTS, id, buf, n);
}

/* --- staff at work (jansson, off the hot path) ----------------------------- */

/* A recent alert whose data contains needle, or NULL. */
static struct entity *find_alert(struct scenario *sc, const char *needle)
{
	struct entity_list *l = &sc->s->b[BK_FSOC].lists[ST_ALERTS];
	if (!l->count)
		return NULL;
	unsigned skip = pick(sc, l->count < 300 ? (unsigned)l->count : 300);
	struct entity *e = l->tail;
	for (unsigned i = 0; i < skip && e->prev; i++)
		e = e->prev;
	for (unsigned tries = 0; e && tries < 400; e = e->prev, tries++)
		if (strstr(e->data, needle))
			return e;
	return NULL;
}

static const char *officer(struct scenario *sc)
{
	return model_officers[pick(sc, MODEL_NOFFICERS)];
}

static int staff_ack(struct scenario *sc)
{
	struct entity *e = find_alert(sc, "\"status\":\"new\"");
	json_t *a = e ? model_get(&sc->s->b[BK_FSOC], ST_ALERTS, e->id) : NULL;
	if (!a)
		return 0;
	const char *who = officer(sc);
	json_object_set_new(a, "status", json_string("acknowledged"));
	json_object_set_new(a, "assignee", json_string(who));
	model_add_note(a, who, "已確認告警，通知會員機構值班人員。");
	model_put(&sc->s->b[BK_FSOC], ST_ALERTS, a);
	json_decref(a);
	return 1;
}

static int staff_close(struct scenario *sc)
{
	static const char *const res[] = {"true_positive", "false_positive", "duplicate", "benign"};
	struct entity *e = find_alert(sc, "\"status\":\"acknowledged\"");
	json_t *a = e ? model_get(&sc->s->b[BK_FSOC], ST_ALERTS, e->id) : NULL;
	if (!a)
		return 0;
	json_object_set_new(a, "status", json_string("closed"));
	json_object_set_new(a, "resolution", json_string(res[pick(sc, 4)]));
	model_add_note(a, json_string_value(json_object_get(a, "assignee")) ? json_string_value(json_object_get(a, "assignee")) : officer(sc),
		       "會員機構回報已處置，結案。");
	model_put(&sc->s->b[BK_FSOC], ST_ALERTS, a);
	json_decref(a);
	return 1;
}

static size_t open_tickets(struct scenario *sc)
{
	size_t n = 0;
	for (struct entity *e = sc->s->b[BK_FCERT].lists[ST_TICKETS].head; e; e = e->next)
		if (!strstr(e->data, "\"status\":\"closed\""))
			n++;
	return n;
}

/* Escalate an alert to F-CERT: the ticket, then the alert (2 entries). */
static int staff_escalate(struct scenario *sc, time_t when)
{
	if (open_tickets(sc) >= 40)
		return 0;
	struct entity *e = find_alert(sc, "\"severity\":\"critical\"");
	if (!e || strstr(e->data, "\"status\":\"escalated\"") || strstr(e->data, "\"status\":\"closed\""))
		return 0;
	json_t *a = model_get(&sc->s->b[BK_FSOC], ST_ALERTS, e->id);
	if (!a)
		return 0;
	char tid[32];
	model_open_ticket(sc->s, a, officer(sc), "F-SOC 升級：嚴重告警，請 F-CERT 協處。", when, tid);
	json_object_set_new(a, "status", json_string("escalated"));
	json_object_set_new(a, "ticket_id", json_string(tid));
	model_put(&sc->s->b[BK_FSOC], ST_ALERTS, a);
	json_decref(a);
	return 2;
}

static struct entity *random_entity(struct scenario *sc, int stream)
{
	struct entity_list *l = &sc->s->b[stream <= ST_ADVISORIES ? BK_FSOC : BK_FCERT].lists[stream];
	if (!l->count)
		return NULL;
	unsigned k = pick(sc, l->count > 1000 ? 1000 : (unsigned)l->count);
	struct entity *e = l->tail;
	while (k-- && e->prev)
		e = e->prev;
	return e;
}

static int ticket_progress(struct scenario *sc, int note_only)
{
	static const char *const notes[] = {
		"已聯繫會員機構資安長，確認受影響範圍。", "會員機構回報已啟動 DDoS 清洗服務。",
		"Requested firewall logs from member; awaiting upload.",
		"IOC 已分享至 F-ISAC 情資平台 (TLP:AMBER)。", "廠商到場協助鑑識，預計明日提交報告。"};
	struct backend *fcert = &sc->s->b[BK_FCERT];
	struct entity *e = random_entity(sc, ST_TICKETS);
	if (!e)
		return 0;
	json_t *t = model_get(fcert, ST_TICKETS, e->id);
	if (!t)
		return 0;
	/* Copies: the tree's strings are freed when their fields are replaced. */
	char st[32], who[32];
	const char *st_v = json_string_value(json_object_get(t, "status"));
	const char *who_v = json_string_value(json_object_get(t, "assignee"));
	snprintf(st, sizeof st, "%s", st_v ? st_v : "closed");
	snprintf(who, sizeof who, "%s", who_v ? who_v : officer(sc));
	const char *next = NULL;
	if (!strcmp(st, "closed")) {
		json_decref(t);
		/* Archive old closed tickets so the state stream stays bounded. */
		if (fcert->lists[ST_TICKETS].count > 120) {
			backend_delete(fcert, ST_TICKETS, e->id);
			return 1;
		}
		return 0;
	}
	if (note_only) {
		model_add_note(t, who, notes[pick(sc, 5)]);
	} else if (!strcmp(st, "new")) {
		next = "triage";
		json_object_set_new(t, "assignee", json_string(who));
	} else if (!strcmp(st, "triage")) {
		next = "in_progress";
	} else if (!strcmp(st, "in_progress")) {
		next = pick(sc, 3) == 0 ? "waiting_vendor" : "resolved";
	} else if (!strcmp(st, "waiting_vendor")) {
		next = "in_progress";
		json_object_set_new(t, "hours_used",
				    json_real(json_number_value(json_object_get(t, "hours_used")) + 2 + pick(sc, 6)));
	} else if (!strcmp(st, "resolved")) {
		next = "closed";
	}
	if (next) {
		char text[120];
		snprintf(text, sizeof text, "狀態更新 status -> %s", next);
		json_object_set_new(t, "status", json_string(next));
		model_add_note(t, who, text);
	}
	if (!strcmp(st, "in_progress") && next && !strcmp(next, "waiting_vendor") &&
	    !json_is_string(json_object_get(t, "vendor_id"))) {
		static const char *const v[] = {"VND-CHT", "VND-ACER", "VND-TREND", "VND-CYCRAFT"};
		json_object_set_new(t, "vendor_id", json_string(v[pick(sc, 4)]));
	}
	json_t *notes_arr = json_object_get(t, "notes");
	while (json_array_size(notes_arr) > 20)
		json_array_remove(notes_arr, 0);
	json_object_set_new(t, "updated", model_now());
	model_put(fcert, ST_TICKETS, t);
	json_decref(t);
	return 1;
}

static int vendor_progress(struct scenario *sc)
{
	struct backend *fcert = &sc->s->b[BK_FCERT];
	struct entity *e = random_entity(sc, ST_VENDORS);
	json_t *v = e ? model_get(fcert, ST_VENDORS, e->id) : NULL;
	if (!v)
		return 0;
	json_t *draws = json_object_get(v, "draws"), *d;
	size_t i;
	int changed = 0;
	json_array_foreach(draws, i, d)
	{
		const char *st = json_string_value(json_object_get(d, "state"));
		double h = json_number_value(json_object_get(d, "hours"));
		if (st && !strcmp(st, "requested")) {
			json_object_set_new(d, "state", json_string("approved"));
			changed = 1;
			break;
		}
		if (st && !strcmp(st, "approved")) {
			json_object_set_new(d, "state", json_string("consumed"));
			double res = json_number_value(json_object_get(v, "hours_reserved")) - h;
			json_object_set_new(v, "hours_reserved", json_real(res < 0 ? 0 : res));
			json_object_set_new(v, "hours_used",
					    json_real(json_number_value(json_object_get(v, "hours_used")) + h));
			changed = 1;
			break;
		}
	}
	if (changed) {
		while (json_array_size(draws) > 30)
			json_array_remove(draws, 0);
		model_put(fcert, ST_VENDORS, v);
	}
	json_decref(v);
	return changed;
}

static void new_advisory(struct scenario *sc, time_t t)
{
	static const struct {
		const char *cve, *title;
		double cvss;
	} vulns[] = {
		{"CVE-2019-11510", "Pulse Connect Secure 任意檔案讀取漏洞遭大規模利用 (arbitrary file read)", 10.0},
		{"CVE-2018-13379", "Fortinet FortiOS SSL VPN path traversal 憑證外洩", 9.8},
		{"CVE-2023-4966", "Citrix NetScaler 'Citrix Bleed' session token leak", 9.4},
		{"CVE-2024-3400", "PAN-OS GlobalProtect command injection 在野利用", 10.0},
	};
	const struct model_inst *in = &model_insts[pick(sc, MODEL_NINST)];
	struct tm tm;
	gmtime_r(&t, &tm);
	char id[40], title[256], url[160];
	snprintf(id, sizeof id, "ADV-%04d-%04llu", tm.tm_year + 1900, sc->adv_no++);
	snprintf(url, sizeof url, "https://fsoc.example/advisories/%s", id);
	json_t *ind = json_array();
	json_t *adv;
	unsigned r = pick(sc, 10);
	if (r < 4) {
		snprintf(title, sizeof title, "仿冒%s網站已下架 Takedown: %s-login.example", in->name, in->slug);
		char dom[96];
		snprintf(dom, sizeof dom, "%s-login.example", in->slug);
		json_array_append_new(ind, json_pack("{s:s,s:s}", "type", "domain", "value", dom));
		adv = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s}", "id", id, "time", model_time(t), "kind",
				"phishing_site", "title", title, "summary",
				"偵測到仿冒網路銀行登入頁，已通報 TWNIC 與主機商下架，請會員提醒客戶。",
				"tlp", "GREEN", "severity", "medium");
	} else if (r < 6) {
		snprintf(title, sizeof title, "仿冒%s行動銀行 App (com.%s.mobile.fake) 通報下架", in->name, in->id);
		adv = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s}", "id", id, "time", model_time(t), "kind",
				"phishing_app", "title", title, "tlp", "GREEN", "severity", "medium");
	} else if (r < 8) {
		unsigned k = pick(sc, 4);
		json_array_append_new(ind, json_pack("{s:s,s:s}", "type", "cve", "value", vulns[k].cve));
		adv = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:b}", "id", id, "time",
				model_time(t), "kind", "vulnerability", "title", vulns[k].title,
				"summary", "請會員立即更新至修補版本並重設 VPN 帳號密碼；F-SOC 已觀察到多家會員遭掃描。",
				"tlp", "CLEAR", "severity", "critical", "cve", vulns[k].cve, "cvss",
				vulns[k].cvss, "exploited", 1);
	} else if (r < 9 && sc->adv_no % 2) {
		/* Every other threat report is for named recipients only: the
		 * TLP:RED items soctop keeps off its disk, walls and exports. */
		json_array_append_new(ind, json_pack("{s:s,s:s}", "type", "ipv4", "value", "203.0.113.66"));
		adv = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s}", "id", id, "time", model_time(t), "kind",
				"threat_report", "title",
				"勒索集團 C2 基礎設施與受害會員名單 (TLP:RED, named recipients only)",
				"summary", "僅限 F-SOC 值班與受害會員資安長；不得轉寄、不得存檔。",
				"tlp", "RED", "severity", "critical");
	} else if (r < 9) {
		adv = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s}", "id", id, "time", model_time(t), "kind",
				"threat_report", "title",
				"DDoS 勒索集團假冒 Fancy Bear / Cozy Bear 鎖定金融業 (threat report)",
				"summary", "勒索信要求比特幣贖金，隨後發動 UDP 反射攻擊；建議確認清洗服務與備援線路。",
				"tlp", "AMBER", "severity", "high");
	} else {
		snprintf(title, sizeof title, "F-SOC 週報 %04d 第 %d 週 (weekly report)", tm.tm_year + 1900,
			 tm.tm_yday / 7 + 1);
		adv = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s}", "id", id, "time", model_time(t), "kind",
				"weekly_report", "title", title, "tlp", "GREEN", "severity", "info");
	}
	if (!adv) {
		json_decref(ind);
		return;
	}
	json_object_set_new(adv, "url", json_string(url));
	json_object_set_new(adv, "indicators", ind);
	model_put(&sc->s->b[BK_FSOC], ST_ADVISORIES, adv);
	json_decref(adv);
}

/* --- the drill ------------------------------------------------------------ */

static json_t *probe(struct scenario *sc, const char *point, int ok)
{
	static const int base[] = {15, 160, 35};
	int k = !strcmp(point, "domestic") ? 0 : !strcmp(point, "foreign") ? 1 : 2;
	json_t *p = json_pack("{s:s,s:b,s:o}", "point", point, "ok", ok, "checked", model_now());
	json_object_set_new(p, "latency_ms",
			    ok ? json_integer(base[k] + (int)pick(sc, (unsigned)base[k])) : json_null());
	return p;
}

static void new_drill(struct scenario *sc, unsigned no, time_t start)
{
	char id[40], name[160];
	snprintf(id, sizeof id, "DRILL-%04d-D%02u", sc->year, no);
	snprintf(name, sizeof name, "%04d 金融資安聯防 DDoS 攻防演練（第 %u 梯次）", sc->year, no);
	json_t *parts = json_array();
	unsigned first = pick(sc, 4);
	for (unsigned i = 0; i < 13; i++) {
		const struct model_inst *in = &model_insts[(first + i) % MODEL_NINST];
		char target[96];
		snprintf(target, sizeof target, "%s.%s.example", i % 2 ? "www" : "ebank", in->slug);
		json_t *pr = json_array();
		json_array_append_new(pr, probe(sc, "domestic", 1));
		json_array_append_new(pr, probe(sc, "foreign", 1));
		json_array_append_new(pr, probe(sc, "cloud", 1));
		json_array_append_new(parts, json_pack("{s:o,s:s,s:s,s:o,s:n,s:n,s:n}", "institution",
						       model_inst_json(in), "target", target, "status",
						       "pending", "probes", pr, "detected_at",
						       "reported_at", "mitigated_at"));
	}
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:o,s:n,s:{s:s,s:i},s:o}", "id", id, "name", name,
			      "kind", "ddos", "phase", "planned", "start", model_time(start), "end",
			      "attack", "vector", "UDP reflection (DNS/NTP)", "gbps", 0,
			      "participants", parts);
	if (d)
		model_put(&sc->s->b[BK_FCERT], ST_DRILLS, d);
	json_decref(d);
}

static int drill_step(struct scenario *sc)
{
	static const char *const points[] = {"domestic", "foreign", "cloud"};
	struct backend *fcert = &sc->s->b[BK_FCERT];
	struct entity *e = fcert->lists[ST_DRILLS].tail;
	json_t *d = e ? model_get(fcert, ST_DRILLS, e->id) : NULL;
	if (!d)
		return 0;
	const char *phase = json_string_value(json_object_get(d, "phase"));
	json_t *parts = json_object_get(d, "participants");
	sc->drill_ticks++;
	if (!phase)
		phase = "closed";
	if (!strcmp(phase, "planned") || !strcmp(phase, "approved") || !strcmp(phase, "preparing")) {
		if (sc->drill_ticks % 4 == 0) {
			const char *next = !strcmp(phase, "planned")    ? "approved"
					   : !strcmp(phase, "approved") ? "preparing"
									: "running";
			json_object_set_new(d, "phase", json_string(next));
			if (!strcmp(next, "running")) {
				json_object_set_new(d, "start", model_now());
				json_object_set_new(json_object_get(d, "attack"), "gbps",
						    json_real(20 + pick(sc, 400) / 10.0));
			}
		} else {
			/* pre-checks: probes are polled before the attack starts */
			size_t n = json_array_size(parts);
			json_t *p = n ? json_array_get(parts, pick(sc, (unsigned)n)) : NULL;
			unsigned k = pick(sc, 3);
			if (p)
				json_array_set_new(json_object_get(p, "probes"), k, probe(sc, points[k], 1));
		}
	} else if (!strcmp(phase, "running")) {
		size_t n = json_array_size(parts), done = 0;
		json_t *p = n ? json_array_get(parts, pick(sc, (unsigned)n)) : NULL;
		if (p) {
			const char *st = json_string_value(json_object_get(p, "status"));
			const char *next = NULL;
			json_t *probes = json_object_get(p, "probes");
			if (!st || !strcmp(st, "pending")) {
				next = "under_attack";
			} else if (!strcmp(st, "under_attack")) {
				next = pick(sc, 2) ? "degraded" : "mitigated";
				json_object_set_new(p, "detected_at", model_now());
			} else if (!strcmp(st, "degraded")) {
				next = "mitigated";
				if (!json_is_string(json_object_get(p, "detected_at")))
					json_object_set_new(p, "detected_at", model_now());
				json_object_set_new(p, "reported_at", model_now());
			} else if (!strcmp(st, "mitigated")) {
				next = "recovered";
				if (!json_is_string(json_object_get(p, "reported_at")))
					json_object_set_new(p, "reported_at", model_now());
				json_object_set_new(p, "mitigated_at", model_now());
			}
			if (next)
				json_object_set_new(p, "status", json_string(next));
			int bad = next && (!strcmp(next, "under_attack") || !strcmp(next, "degraded"));
			for (size_t k = 0; k < 3; k++) {
				int ok = bad ? (k == 0 ? pick(sc, 2) : pick(sc, 4) == 0) : pick(sc, 8) != 0;
				json_array_set_new(probes, k, probe(sc, points[k], ok));
			}
		}
		json_object_set_new(json_object_get(d, "attack"), "gbps", json_real(20 + pick(sc, 600) / 10.0));
		size_t i;
		json_t *x;
		json_array_foreach(parts, i, x)
		{
			const char *st = json_string_value(json_object_get(x, "status"));
			done += st && (!strcmp(st, "recovered") || !strcmp(st, "withdrawn"));
		}
		if (done == n)
			json_object_set_new(d, "phase", json_string("debrief"));
	} else if (!strcmp(phase, "debrief")) {
		if (sc->drill_ticks % 8 == 0) {
			json_object_set_new(d, "phase", json_string("closed"));
			json_object_set_new(d, "end", model_now());
		} else {
			json_decref(d);
			return 0;
		}
	} else {
		/* Closed: plan the next round, and keep at most three drills. */
		unsigned no = 1;
		const char *last = strrchr(e->id, 'D');
		if (last)
			no = (unsigned)strtoul(last + 1, NULL, 10) + 1;
		json_decref(d);
		if (fcert->lists[ST_DRILLS].count >= 3) {
			backend_delete(fcert, ST_DRILLS, fcert->lists[ST_DRILLS].head->id);
			return 1;
		}
		new_drill(sc, no, time(NULL) + 3600);
		return 1;
	}
	model_put(fcert, ST_DRILLS, d);
	json_decref(d);
	return 1;
}

/* --- backlog and pacing ----------------------------------------------------- */

static json_t *vendor(const char *id, const char *name, int year, double total, double used,
		      double reserved, double low)
{
	char s[32], e[32];
	snprintf(s, sizeof s, "%04d-01-01T00:00:00Z", year);
	snprintf(e, sizeof e, "%04d-12-31T23:59:59Z", year);
	return json_pack("{s:s,s:s,s:{s:s,s:s},s:f,s:f,s:f,s:f,s:[]}", "id", id, "name", name,
			 "period", "start", s, "end", e, "hours_total", total, "hours_used", used,
			 "hours_reserved", reserved, "low_water", low, "draws");
}

void scenario_backlog(struct scenario *sc)
{
	struct sim *s = sc->s;
	struct backend *fsoc = &s->b[BK_FSOC], *fcert = &s->b[BK_FCERT];
	time_t now = time(NULL);

	/* Vendors first: tickets waiting on a vendor draw on them. */
	json_t *v[4] = {
		vendor("VND-CHT", "中華資安國際 CHT Security", sc->year, 200, 92.5, 16, 20),
		vendor("VND-ACER", "安碁資訊 Acer Cyber Security", sc->year, 160, 48, 8, 16),
		vendor("VND-TREND", "趨勢科技 Trend Micro", sc->year, 120, 40, 12, 12),
		vendor("VND-CYCRAFT", "奧義智慧 CyCraft", sc->year, 80, 66, 6, 10), /* running low */
	};

	/* ~200 alerts over the past week, older ones mostly handled. */
	int escalated = 0;
	for (int i = 0; i < 200; i++) {
		time_t t = now - 7 * 86400 + (time_t)i * (7 * 86400 / 200) + (time_t)pick(sc, 600);
		double age = (double)(now - t) / 86400.0;
		unsigned r = pick(sc, 100);
		const char *status = age > 2 ? (r < 60 ? "closed" : r < 85 ? "acknowledged" : "new")
					     : (r < 15 ? "closed" : r < 45 ? "acknowledged" : "new");
		char id[40], buf[4096];
		alert_id(sc, t, id);
		size_t n = alert_format(sc, buf, sizeof buf, id, t, status);
		json_error_t err;
		json_t *a = json_loadb(buf, n, 0, &err);
		if (!a)
			continue;
		const char *sev = json_string_value(json_object_get(a, "severity"));
		if (strcmp(status, "new")) {
			const char *who = officer(sc);
			json_object_set_new(a, "assignee", json_string(who));
			model_add_note(a, who, "已確認告警，通知會員機構值班人員。");
			if (!strcmp(status, "closed"))
				json_object_set_new(a, "resolution",
						    json_string(pick(sc, 3) ? "true_positive" : "benign"));
		}
		if (escalated < 15 && sev && !strcmp(sev, "critical") && pick(sc, 3) == 0) {
			char tid[32];
			model_open_ticket(s, a, officer(sc), "F-SOC 升級：嚴重告警，請 F-CERT 協處。",
					  t + 600, tid);
			json_object_set_new(a, "status", json_string("escalated"));
			json_object_set_new(a, "ticket_id", json_string(tid));
			escalated++;
		}
		model_put(fsoc, ST_ALERTS, a);
		json_decref(a);
	}

	/* Move the tickets along: the older, the further; some end overdue. */
	static const char *const path[] = {"new", "triage", "in_progress", "waiting_vendor", "resolved", "closed"};
	static const char *const vid[] = {"VND-CHT", "VND-ACER", "VND-TREND", "VND-CYCRAFT"};
	/* model_put reorders the list: take the ids first */
	size_t nt = fcert->lists[ST_TICKETS].count;
	char **tids = xmalloc((nt ? nt : 1) * sizeof *tids);
	size_t k = 0;
	for (struct entity *e = fcert->lists[ST_TICKETS].head; e && k < nt; e = e->next)
		tids[k++] = xstrdup(e->id);
	for (k = 0; k < nt; k++) {
		const char *tid_k = tids[k];
		json_t *t = model_get(fcert, ST_TICKETS, tid_k);
		if (!t)
			continue;
		unsigned stage = (unsigned)(k * 6 / (nt + 1));
		stage = 5 - stage;
		if (stage > 5)
			stage = 5;
		const char *who = officer(sc);
		json_object_set_new(t, "status", json_string(path[stage]));
		if (stage > 0) {
			json_object_set_new(t, "assignee", json_string(who));
			model_add_note(t, who, "已聯繫會員機構資安長，確認受影響範圍。");
		}
		if (stage >= 3) {
			unsigned w = pick(sc, 4);
			double h = 4 + pick(sc, 8);
			json_object_set_new(t, "vendor_id", json_string(vid[w]));
			json_object_set_new(t, "hours_used", json_real(stage > 3 ? h : 0));
			json_t *inst = json_object_get(t, "institution");
			json_array_append_new(json_object_get(v[w], "draws"),
					      json_pack("{s:o,s:s,s:O,s:f,s:s}", "time",
							json_object_get(t, "opened") ? json_copy(json_object_get(t, "opened")) : model_now(),
							"ticket_id", tid_k, "institution_id",
							json_object_get(inst, "id"), "hours", h, "state",
							stage > 3 ? "consumed" : "approved"));
		}
		json_object_set_new(t, "updated", model_now());
		model_put(fcert, ST_TICKETS, t);
		json_decref(t);
	}
	for (k = 0; k < nt; k++)
		free(tids[k]);
	free(tids);
	for (int i = 0; i < 4; i++) {
		if (v[i])
			model_put(fcert, ST_VENDORS, v[i]);
		json_decref(v[i]);
	}
	for (int i = 0; i < 10; i++)
		new_advisory(sc, now - 7 * 86400 + (time_t)i * 60000);
	new_drill(sc, 2, now + 1800);
}

unsigned scenario_step(struct scenario *sc, unsigned budget)
{
	time_t now = time(NULL);
	unsigned r = pick(sc, 1000);
	if (sc->high_rate)
		r = r < 970 ? 0 : 450 + (r - 970) * 18; /* 97% new alerts */
	unsigned done = 0;
	if (r < 450)
		done = 0;
	else if (r < 550)
		done = (unsigned)staff_ack(sc);
	else if (r < 620)
		done = (unsigned)staff_close(sc);
	else if (r < 660)
		done = budget >= 2 ? (unsigned)staff_escalate(sc, now) : 0;
	else if (r < 780)
		done = (unsigned)ticket_progress(sc, 0);
	else if (r < 820)
		done = (unsigned)ticket_progress(sc, 1);
	else if (r < 860)
		done = (unsigned)vendor_progress(sc);
	else if (r < 960)
		done = (unsigned)drill_step(sc);
	else {
		new_advisory(sc, now);
		done = 1;
	}
	if (!done) {
		new_alert(sc, now - (time_t)pick(sc, 3), "new");
		done = 1;
	}
	return done;
}

struct scenario *scenario_new(struct sim *s)
{
	struct scenario *sc = xmalloc(sizeof *sc);
	memset(sc, 0, sizeof *sc);
	sc->s = s;
	sc->rng = &s->rng;
	/* Ids continue after anything restored by --state. */
	sc->alert_no = s->b[BK_FSOC].seq + 1;
	sc->adv_no = s->b[BK_FSOC].seq + 1;
	sc->high_rate = s->o.rate > 1000;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	sc->year = tm.tm_year + 1900;
	snprintf(sc->month_key, sizeof sc->month_key, "%04d-%02d", sc->year, tm.tm_mon + 1);
	return sc;
}

void scenario_free(struct scenario *sc)
{
	free(sc);
}

/* --- --replay ------------------------------------------------------------- */

struct replay {
	FILE *f;
	char *line;
	size_t cap;
	long lineno;
	const char *path;
};

struct replay *replay_open(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct replay *r = xmalloc(sizeof *r);
	memset(r, 0, sizeof *r);
	r->f = f;
	r->path = path;
	return r;
}

int replay_step(struct replay *r, struct sim *s)
{
	ssize_t n;
	while ((n = getline(&r->line, &r->cap, r->f)) > 0) {
		r->lineno++;
		while (n && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
			r->line[--n] = '\0';
		if (!n)
			continue;
		json_error_t err;
		json_t *j = json_loadb(r->line, (size_t)n, 0, &err);
		const char *bn = json_string_value(json_object_get(j, "backend"));
		const char *sn = json_string_value(json_object_get(j, "stream"));
		const char *op = json_string_value(json_object_get(j, "op"));
		const char *id = json_string_value(json_object_get(j, "id"));
		json_t *data = json_object_get(j, "data");
		int bk = bn && !strcmp(bn, "fsoc") ? BK_FSOC : bn && !strcmp(bn, "fcert") ? BK_FCERT : -1;
		int st = sn ? stream_parse(sn) : -1;
		int upsert = op && !strcmp(op, "upsert");
		if (bk < 0 || st < 0 || !backend_has_stream(&s->b[bk], st) || !id || !op ||
		    (!upsert && strcmp(op, "delete")) || (upsert && !json_is_object(data))) {
			fprintf(stderr, "soctop-sim: %s:%ld: skipped (needs backend, stream of that "
					"backend, op upsert|delete, id, data object)\n",
				r->path, r->lineno);
			json_decref(j);
			continue;
		}
		if (upsert) {
			/* data.id always names the entity */
			json_object_set_new(data, "id", json_string(id));
			char *txt = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (txt)
				backend_upsert(&s->b[bk], st, id, txt, strlen(txt));
			free(txt);
		} else {
			backend_delete(&s->b[bk], st, id);
		}
		json_decref(j);
		return 1;
	}
	return 0;
}

void replay_close(struct replay *r)
{
	if (!r)
		return;
	fclose(r->f);
	free(r->line);
	free(r);
}
