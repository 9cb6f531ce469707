#!/bin/sh
# Exactly once: 2000 distinct alerts fed by soctop-sim --replay at 400/s
# (heartbeat 1 s) all land in the cache exactly once, with their ids, and the
# fsoc cursor ends at the sim's last seq.
#
# To make "applied" exact, soctop first gets an empty snapshot (seq 0) from a
# sim with no events; that sim is then restarted with the same --state (same
# epoch) and the replay, so every one of the N events reaches soctop as an
# event (replayed after the resubscribe, or live), none inside a snapshot.
. tests/lib/common.sh

N=2000
# realistic alerts; institutions with Chinese names; distinct ids
awk -v n=$N 'BEGIN {
	split("B001 B002 B003 B004 B005 B006 B007 B008", iid, " ")
	split("示範商業銀行 北辰商業銀行 福興銀行 安和證券 信達期貨交易所 聯清集中保管結算所 東陽商業銀行 南瀛銀行", inm, " ")
	split("ddos phishing malware intrusion exploit recon policy other", cat, " ")
	split("info low medium high critical", sev, " ")
	split("CLEAR GREEN AMBER AMBER+STRICT RED", tlp, " ")
	split("suricata waf fsoc-correlation edr netflow", src, " ")
	for (i = 1; i <= n; i++) {
		k = (i % 8) + 1
		id = sprintf("AL-20261125-%05d", i)
		t = sprintf("2026-11-25T%02d:%02d:%02dZ", int(i / 3600) % 24, int(i / 60) % 60, i % 60)
		title = sprintf("%s 告警 %d: suspicious traffic to 203.0.113.%d", cat[(i % 8) + 1], i, i % 250 + 1)
		printf "{\"backend\":\"fsoc\",\"stream\":\"alerts\",\"op\":\"upsert\",\"id\":\"%s\",\"data\":{\"time\":\"%s\",\"institution\":{\"id\":\"%s\",\"name\":\"%s\"},\"source\":\"%s\",\"category\":\"%s\",\"severity\":\"%s\",\"title\":\"%s\",\"summary\":\"replayed alert %d\",\"src\":{\"ip\":\"198.51.100.%d\",\"port\":%d,\"country\":\"NL\"},\"dst\":{\"ip\":\"10.20.%d.%d\",\"port\":443},\"indicators\":[{\"type\":\"ipv4\",\"value\":\"198.51.100.%d\"},{\"type\":\"domain\",\"value\":\"evil%d.example\"}],\"tlp\":\"%s\",\"status\":\"new\"}}\n",
			id, t, iid[k], inm[k], src[(i % 5) + 1], cat[(i % 8) + 1], sev[(i % 5) + 1], title, i,
			i % 250 + 1, 1024 + i % 60000, i % 200, i % 250, i % 250 + 1, i % 97, tlp[(i % 5) + 1]
	}
}' > "$T/alerts.jsonl"
[ "$(wc -l < "$T/alerts.jsonl")" -eq $N ] || fail "generating the replay file"
: > "$T/empty.jsonl"

# 1) a sim with nothing in its log: soctop snapshots epoch E at seq 0
start_sim --state "$T/sim.state" --replay "$T/empty.jsonl" --rate 0 --heartbeat 1
# a fifth of the alerts are TLP:RED: stored on disk here so that the file
# can be counted (red_at_rest.sh checks that they are not by default)
write_config "[cache]
store_red = yes"
run_soctop 120 40
wait_for 30 grep -q "fsoc: snapshot of epoch .* at seq 0" "$T/soctop.log" || fail "no empty snapshot"
wait_for 30 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "fsoc never live"
E=$(cursor_of fsoc epoch)
[ -n "$E" ] || fail "no fsoc cursor after the snapshot"

# 2) the same sim (same --state: same epoch) now replays N alerts at 400/s
stop_sim
PORT=$PORT start_sim --state "$T/sim.state" --replay "$T/alerts.jsonl" --rate 400 --heartbeat 1
wait_for 90 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select seq from cursors where backend='fsoc'\")\" = $N ]" ||
	fail "fsoc cursor never reached seq $N (at $(cursor_of fsoc seq))"
pass "cursor reached seq $N"
# two more heartbeats: nothing more may arrive, nothing may be re-requested
sleep 2.5
[ "$(cursor_of fsoc seq)" = $N ] || fail "fsoc cursor moved past $N: $(cursor_of fsoc seq)"
[ "$(cursor_of fsoc epoch)" = "$E" ] || fail "fsoc epoch changed from $E to $(cursor_of fsoc epoch)"

[ "$(db "select count(*) from alerts where backend='fsoc'")" = $N ] ||
	fail "cache holds $(db "select count(*) from alerts where backend='fsoc'") alerts, not $N"
db "select id from alerts where backend='fsoc' order by id" > "$T/got.ids"
sed 's/.*"id":"\(AL-[0-9-]*\)".*/\1/' "$T/alerts.jsonl" | LC_ALL=C sort > "$T/want.ids"
cmp -s "$T/got.ids" "$T/want.ids" || { diff "$T/want.ids" "$T/got.ids" | head >&2; fail "alert ids differ"; }
[ "$(db "select count(*) from alerts where backend='fsoc' and rev != 1")" = 0 ] || fail "some alert has rev != 1"
[ "$(db "select count(*) from alerts where epoch != '$E'")" = 0 ] || fail "some alert is not of epoch $E"
want=$(grep -c '"name":"示範商業銀行"' "$T/alerts.jsonl")
[ "$(db "select count(*) from alerts where inst_name = '示範商業銀行'")" = "$want" ] ||
	fail "Chinese institution names not stored intact"
[ "$(db "select count(*) from alerts where title like '%告警%'")" = $N ] || fail "Chinese titles not stored intact"
[ "$(db "select json_extract(data, '\$.src.ip') from alerts where id = 'AL-20261125-01234'")" = "198.51.100.235" ] ||
	fail "alert data not stored as received"
pass "cache holds exactly the $N alerts, once each, with their ids and text"

quit_soctop
grep -q "stats fsoc:" "$T/soctop.log" || fail "no stats line at exit"
for kv in applied=$N dup_seq=0 invalid=0 gaps=0 stale_rev=0 snapshots=1 seq=$N epoch=$E; do
	k=${kv%%=*}
	[ "$(stat_of fsoc "$k")" = "${kv#*=}" ] || fail "stats fsoc: $k=$(stat_of fsoc "$k"), want ${kv#*=}"
done
[ "$(stat_of fsoc resumes)" -ge 1 ] || fail "stats fsoc: resumes=$(stat_of fsoc resumes), want >= 1"
[ "$(stat_of fcert invalid)" = 0 ] || fail "fcert invalid=$(stat_of fcert invalid)"
grep -q "warn: fsoc:" "$T/soctop.log" && { grep "warn: fsoc:" "$T/soctop.log" | head >&2; fail "fsoc warnings logged"; }
pass "stats: applied=$N dup_seq=0 invalid=0 gaps=0"
sanitizer_clean "$T/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
