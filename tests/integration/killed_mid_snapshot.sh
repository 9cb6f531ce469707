#!/bin/sh
# The backend killed (-9) in the middle of a large snapshot (tens of MB
# streaming, so the connection most likely ends inside a frame): nothing of
# the snapshot is applied (no alert, no cursor), soctop stays up and
# retries; the backend back with the same --state (same epoch) gets a new
# snapshot from it, and the cache ends holding exactly what a fresh client
# gets, with one snapshot applied in all.
. tests/lib/common.sh
SIM_START_S=120 # loading a 60,000-event --state takes a while under ASan

SIMOPTS="--state $T/sim.state --seed 41 --heartbeat 1 --window 100000"
# 60,000 alerts generated before anyone connects
start_sim $SIMOPTS --rate 30000 --max-events 60000
wait_for 60 sh -c "grep -c '\"type\":\"event\"' '$T/sim.state' | awk '{ exit !(\$1 >= 60000) }'" ||
	fail "the sim did not generate 60,000 events"
stop_sim
PORT=$PORT start_sim $SIMOPTS --rate 0
write_config
run_soctop 120 40
PID=$(wait_soctop_pid)
wait_for 30 grep -q "fsoc: snapshot of epoch" "$T/soctop.log" || fail "fsoc's snapshot never began"
stop_sim # mid-snapshot
grep -q "fsoc: connecting -> live" "$T/soctop.log" && { echo "SKIP: the snapshot completed before the kill (machine too fast for this test)"; exit 77; }
wait_for 20 grep -q "fsoc: connection" "$T/soctop.log" || fail "soctop did not notice the sim going"
sleep 1
kill -0 "$PID" 2>/dev/null || fail "soctop died"
[ "$(db "select count(*) from alerts where backend='fsoc'")" = 0 ] || fail "part of an unfinished snapshot was applied: $(db "select count(*) from alerts") alerts"
[ -z "$(cursor_of fsoc seq)" ] || fail "a cursor was stored for an unfinished snapshot"
pass "killed mid-snapshot: nothing applied, no cursor"

PORT=$PORT start_sim $SIMOPTS --rate 0
FS=$(state_seq "$T/sim.state" fsoc); FC=$(state_seq "$T/sim.state" fcert)
wait_for 90 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select group_concat(seq) from (select seq from cursors where backend in ('fsoc','fcert') order by backend desc)\" 2>/dev/null)\" = '$FS,$FC' ]" ||
	fail "soctop never completed the snapshot after the restart"
client_synced fresh "$FS" "$FC"
entity_rows "$T/state/cache.db" > "$T/main.rows"
entity_rows "$T/fresh/cache.db" > "$T/fresh.rows"
cmp -s "$T/main.rows" "$T/fresh.rows" || { diff "$T/fresh.rows" "$T/main.rows" | head -5 | cut -c1-160 >&2; fail "cache differs from a fresh client's"; }
quit_soctop
[ "$(stat_of fsoc snapshots)" = 1 ] || fail "fsoc snapshots=$(stat_of fsoc snapshots), want 1 (the aborted one is not counted)"
[ "$(stat_of fsoc gaps)" = 0 ] || fail "fsoc gaps=$(stat_of fsoc gaps)"
pass "re-snapshotted after the restart: $(wc -l < "$T/main.rows") entities, the same as a fresh client's"
sanitizer_clean "$T/soctop.log" "$T/fresh/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
