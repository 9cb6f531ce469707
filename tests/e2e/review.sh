#!/bin/sh
# End to end: offline review commands. Against a finished scenario:
# :search finds alerts by a CVE and by an indicator, ranked, shows them on a
# results screen whose Enter opens details and Esc goes back; :since
# narrows what :search and :export see; :export writes the search on screen
# as JSON Lines and a pane as CSV, every row with its TLP, never TLP:RED
# nor above the export ceiling, and says how many it left out; an existing
# file is never overwritten. Then --offline: the same search on the cache
# alone, OFFLINE with the last update on the status bar.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 81 --rate 200 --max-events 800 --heartbeat 1 --state "$T/sim.state"
# RED on disk here only so that sqlite3 can count what export withholds
write_config "[cache]
store_red = yes
export_ceiling = AMBER"
run_soctop 140 40
wait_for 60 fsoc_synced || fail "soctop never caught up with the sim"
# the index follows in the background
wait_for 30 sh -c "[ \$(sqlite3 -cmd '.timeout 5000' $T/state/cache.db 'select rx from fts_state where tbl=\"alerts\"') -ge \$(sqlite3 -cmd '.timeout 5000' $T/state/cache.db 'select max(rx) from alerts') ]" ||
	fail "the search index did not catch up"

cmd() { keys ':'; sleep 0.2; keys -l "$1"; keys Enter; }

cve=$(db "select count(*) from alerts where title like '%CVE-2019-11510%' or data like '%CVE-2019-11510%'")
[ "$cve" -gt 0 ] || fail "no CVE-2019-11510 alert in the scenario"
cmd "search cve-2019-11510"
wait_screen "Search alerts: \"cve-2019-11510\"" 5
n=$(screen | sed -n 's/.*"cve-2019-11510"  \([0-9]*\) hit.*/\1/p')
exp=$cve; [ "$exp" -gt 200 ] && exp=200
[ "$n" = "$exp" ] || { screen >&2; fail "search found $n, the cache has $cve"; }
screen | grep -q "TIME .*SEV .*TLP .*ID .*TITLE" || { screen >&2; fail "no result columns"; }
pass ":search cve-2019-11510: $n hits, as in the cache"
keys Enter
wait_screen " Details: " 5
keys Escape
wait_screen "Search alerts:" 5
pass "Enter opens a hit's details, Esc goes back to the results"

# export the search: never RED, nothing above AMBER
cmd "export $T/cve.jsonl"
wait_screen "exported" 5
m=$(msg_line)
red=$(db "select count(*) from alerts where tlp = 4 and id in (select id from alerts where title like '%CVE-2019-11510%' or data like '%CVE-2019-11510%')")
strict=$(db "select count(*) from alerts where tlp = 3 and id in (select id from alerts where title like '%CVE-2019-11510%' or data like '%CVE-2019-11510%')")
ok=$(db "select count(*) from alerts where tlp between 0 and 2 and id in (select id from alerts where title like '%CVE-2019-11510%' or data like '%CVE-2019-11510%')")
[ -f "$T/cve.jsonl" ] || fail "no export file"
[ "$(wc -l < "$T/cve.jsonl")" = "$ok" ] || fail "export has $(wc -l < "$T/cve.jsonl") rows, expected $ok"
grep -q '"tlp":"RED"' "$T/cve.jsonl" && fail "TLP:RED exported"
grep -q '"tlp":"AMBER+STRICT"' "$T/cve.jsonl" && fail "above the ceiling exported"
[ "$(grep -c '"tlp":"' "$T/cve.jsonl")" = "$ok" ] || fail "a row without its TLP"
echo "$m" | grep -q "exported $ok alerts" || fail "message: $m"
if [ "$red" -gt 0 ]; then echo "$m" | grep -q "$red TLP:RED" || fail "message does not count RED: $m"; fi
if [ "$strict" -gt 0 ]; then echo "$m" | grep -q "$strict above TLP:AMBER" || fail "message does not count the ceiling: $m"; fi
[ "$(stat -c %a "$T/cve.jsonl")" = 600 ] || fail "export file mode"
pass ":export of the search: $ok rows with their TLP; withheld $red RED, $strict above AMBER ('$m')"
cmd "export $T/cve.jsonl"
wait_screen "File exists" 5
pass "an existing file is not overwritten"

# a pane as CSV, narrowed by :since
keys Escape
wait_gone "Search alerts:" 5
cmd "focus tickets"
sleep 0.3
cmd "export $T/tickets.csv"
wait_screen "exported" 5
head -1 "$T/tickets.csv" | grep -q '^stream,backend,id,time,tlp,severity,status,institution,title' || fail "CSV header"
tn=$(db "select count(*) from tickets where tlp between 0 and 2")
[ "$(($(wc -l < "$T/tickets.csv") - 1))" = "$tn" ] || fail "CSV rows $(($(wc -l < "$T/tickets.csv") - 1)), expected $tn"
pass ":export of the tickets pane as CSV: $tn rows"
cmd "focus alerts"
cmd "since 2026-01-01T00:00"
wait_screen "time range of :search and :export" 5
cmd "until 2026-01-02"
cmd "search cve-2019-11510"
wait_screen "Search alerts:" 5
screen | grep -q '"cve-2019-11510"  0 hits' || { screen >&2; fail "the range did not narrow the search"; }
pass ":since/:until narrow :search"
cmd "since"
cmd "until"
cmd "search nosuchwordanywhere"
wait_screen "0 hits" 5
wait_screen "no match" 5
keys Escape
keys q
wait_screen "[exit 0]" 10
retire_session

# --offline: the same cache, no network
stop_sim
run_soctop 140 40 --offline
wait_screen "OFFLINE (cache only), last update" 10
cmd "search cve-2019-11510"
wait_screen "\"cve-2019-11510\"  $n hit" 10
pass "--offline: search works on the cache alone; status says OFFLINE with the last update"
keys Escape
keys q
wait_screen "[exit 0]" 10
finish
