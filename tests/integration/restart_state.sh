#!/bin/sh
# soctop-sim killed (-9) mid-stream and restarted on the same port with the
# same --state: soctop goes stale, retries, then resumes in the same epoch
# (no second snapshot), ends at the sim's newest seq on both backends with
# no gap, and holds exactly what a fresh client gets in a snapshot.
. tests/lib/common.sh

SIMOPTS="--state $T/sim.state --seed 21 --heartbeat 1 --window 100000"
start_sim $SIMOPTS --rate 60
write_config
run_soctop 120 40
wait_for 30 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "fsoc never live"
wait_for 30 grep -q "fcert: connecting -> live" "$T/soctop.log" || fail "fcert never live"
S0=$(sed -n 's/.*fsoc: snapshot of epoch .* at seq \([0-9]*\)$/\1/p' "$T/soctop.log" | head -1)
E=$(cursor_of fsoc epoch)
[ -n "$S0" ] && [ -n "$E" ] || fail "no fsoc snapshot"
# live events past the snapshot
wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select seq from cursors where backend='fsoc'\")\" -ge $((S0 + 40)) ]" ||
	fail "no live events after the snapshot"
pass "live at seq $(cursor_of fsoc seq) of epoch $E"

stop_sim
before=$(grep -c "fsoc: connecting to" "$T/soctop.log")
wait_for 10 grep -q "fsoc: live -> stale" "$T/soctop.log" || fail "fsoc not stale after the sim died"
wait_screen "stale" 10
sleep 2
after=$(grep -c "fsoc: connecting to" "$T/soctop.log")
[ "$after" -gt "$before" ] || fail "soctop did not retry while the sim was down"
[ "$after" -le $((before + 6)) ] || fail "retry storm: $((after - before)) attempts in about 2 s"
pass "stale and retrying ($((after - before)) attempts) while the sim is down"

PORT=$PORT start_sim $SIMOPTS --rate 60 --max-events 150
wait_for 30 grep -q "fsoc: stale -> live" "$T/soctop.log" || fail "fsoc never live again"
wait_for 30 grep -q "fcert: stale -> live" "$T/soctop.log" || fail "fcert never live again"
# the sim stops after 150 more events; wait until its log and soctop agree
synced() {
	fs=$(state_seq "$T/sim.state" fsoc); fc=$(state_seq "$T/sim.state" fcert)
	[ "$(cursor_of fsoc seq)" = "$fs" ] && [ "$(cursor_of fcert seq)" = "$fc" ] || return 1
	sleep 1.5 # two heartbeats: still equal, nothing more generated
	[ "$(state_seq "$T/sim.state" fsoc)" = "$fs" ] && [ "$(state_seq "$T/sim.state" fcert)" = "$fc" ] &&
		[ "$(cursor_of fsoc seq)" = "$fs" ] && [ "$(cursor_of fcert seq)" = "$fc" ]
}
wait_for 60 synced || fail "soctop (fsoc $(cursor_of fsoc seq), fcert $(cursor_of fcert seq)) never caught up with the sim (fsoc $(state_seq "$T/sim.state" fsoc), fcert $(state_seq "$T/sim.state" fcert))"
FS=$(state_seq "$T/sim.state" fsoc); FC=$(state_seq "$T/sim.state" fcert)
[ "$(cursor_of fsoc epoch)" = "$E" ] || fail "fsoc epoch changed across a --state restart"
pass "resumed and caught up: fsoc seq $FS, fcert seq $FC"

# a fresh client gets everything in one snapshot: both caches must agree
client_synced fresh "$FS" "$FC"
[ "$(grep -c "snapshot of epoch" "$T/fresh/soctop.log")" = 2 ] || fail "fresh client: expected one snapshot per backend"
entity_rows "$T/state/cache.db" > "$T/main.rows"
entity_rows "$T/fresh/cache.db" > "$T/fresh.rows"
[ -s "$T/main.rows" ] || fail "no entities cached"
if ! cmp -s "$T/main.rows" "$T/fresh.rows"; then
	diff "$T/fresh.rows" "$T/main.rows" | cut -c1-160 | head -20 >&2
	fail "cache differs from a fresh client's snapshot ($(wc -l < "$T/main.rows") vs $(wc -l < "$T/fresh.rows") rows)"
fi
for tb in alerts tickets vendors; do
	[ "$(db "select count(*) from $tb")" -gt 0 ] || fail "no $tb cached"
done
pass "same (id, rev, epoch, data) for every entity as a fresh snapshot ($(wc -l < "$T/main.rows") entities)"

quit_soctop
for b in fsoc fcert; do
	[ "$(stat_of $b snapshots)" = 1 ] || fail "$b snapshots=$(stat_of $b snapshots), want 1"
	[ "$(stat_of $b resumes)" -ge 1 ] || fail "$b resumes=$(stat_of $b resumes), want >= 1"
	[ "$(stat_of $b gaps)" = 0 ] || fail "$b gaps=$(stat_of $b gaps), want 0"
	[ "$(stat_of $b invalid)" = 0 ] || fail "$b invalid=$(stat_of $b invalid), want 0"
	[ "$(stat_of $b stale_rev)" = 0 ] || fail "$b stale_rev=$(stat_of $b stale_rev), want 0"
	[ "$(stat_of $b dup_seq)" = 0 ] || fail "$b dup_seq=$(stat_of $b dup_seq), want 0 (an event delivered twice)"
done
[ "$(stat_of fsoc seq)" = "$FS" ] || fail "stats fsoc seq=$(stat_of fsoc seq), want $FS"
[ "$(stat_of fcert seq)" = "$FC" ] || fail "stats fcert seq=$(stat_of fcert seq), want $FC"
pass "stats: snapshots=1 resumes>=1 gaps=0 dup_seq=0 stale_rev=0"
sanitizer_clean "$T/soctop.log" "$T/fresh/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
