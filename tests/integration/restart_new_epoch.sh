#!/bin/sh
# soctop-sim restarted WITHOUT its state: new epochs. soctop must take a new
# snapshot of each backend, move its cursors to the new epochs, hold exactly
# the new backend's tickets/vendors/drills (state streams: whatever their
# rev, nothing of the old epoch left), and keep the old epoch's alerts that
# the new backend does not name (history streams). The same --seed makes the
# two runs use the same ids with different revs and contents.
. tests/lib/common.sh

start_sim --seed 33 --rate 80 --heartbeat 1 --window 100000
write_config
run_soctop 120 40
wait_for 30 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "fsoc never live"
wait_for 30 grep -q "fcert: connecting -> live" "$T/soctop.log" || fail "fcert never live"
S0=$(sed -n 's/.*fsoc: snapshot of epoch .* at seq \([0-9]*\)$/\1/p' "$T/soctop.log" | head -1)
wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select seq from cursors where backend='fsoc'\")\" -ge $((S0 + 80)) ]" ||
	fail "no live events after the snapshot"
E1=$(cursor_of fsoc epoch); C1=$(cursor_of fcert epoch)
stop_sim
# what soctop held of the old epoch, once nothing more can arrive (soctop
# commits what a connection delivered when it sees the connection end)
wait_for 10 grep -q "fsoc: connection closed" "$T/soctop.log" || fail "soctop did not see the sim go"
sleep 0.3
db "select id from alerts where backend='fsoc' order by id" > "$T/old.alerts"
db "select id || '|' || rev from tickets order by id" > "$T/old.tickets"
[ -s "$T/old.alerts" ] && [ -s "$T/old.tickets" ] || fail "nothing cached from the first sim"
pass "first epoch: fsoc $E1, fcert $C1, $(wc -l < "$T/old.alerts") alerts, $(wc -l < "$T/old.tickets") tickets"

PORT=$PORT start_sim --seed 33 --rate 40 --max-events 40 --heartbeat 1 --window 100000 --state "$T/sim2.state"
E2=$(sed -n 's/^{"type":"meta","b":"fsoc","epoch":"\([^"]*\)".*/\1/p' "$T/sim2.state" | tail -1)
C2=$(sed -n 's/^{"type":"meta","b":"fcert","epoch":"\([^"]*\)".*/\1/p' "$T/sim2.state" | tail -1)
[ -n "$E2" ] && [ -n "$C2" ] && [ "$E2" != "$E1" ] && [ "$C2" != "$C1" ] || fail "the second sim has no new epochs"
wait_for 30 grep -q "fsoc: snapshot of epoch $E2 at seq" "$T/soctop.log" || fail "no snapshot of the new fsoc epoch $E2"
wait_for 30 grep -q "fcert: snapshot of epoch $C2 at seq" "$T/soctop.log" || fail "no snapshot of the new fcert epoch $C2"
synced() {
	fs=$(state_seq "$T/sim2.state" fsoc); fc=$(state_seq "$T/sim2.state" fcert)
	[ "$(cursor_of fsoc seq)" = "$fs" ] && [ "$(cursor_of fcert seq)" = "$fc" ] || return 1
	sleep 1.5
	[ "$(state_seq "$T/sim2.state" fsoc)" = "$fs" ] && [ "$(state_seq "$T/sim2.state" fcert)" = "$fc" ] &&
		[ "$(cursor_of fsoc seq)" = "$fs" ] && [ "$(cursor_of fcert seq)" = "$fc" ]
}
wait_for 60 synced || fail "soctop never caught up with the second sim"
FS=$(state_seq "$T/sim2.state" fsoc); FC=$(state_seq "$T/sim2.state" fcert)
[ "$(cursor_of fsoc epoch)" = "$E2" ] || fail "fsoc cursor epoch $(cursor_of fsoc epoch), want $E2"
[ "$(cursor_of fcert epoch)" = "$C2" ] || fail "fcert cursor epoch $(cursor_of fcert epoch), want $C2"
pass "re-snapshotted into the new epochs (fsoc $E2 seq $FS, fcert $C2 seq $FC)"

client_synced fresh "$FS" "$FC"
# state streams: exactly the new backend's entities
entity_rows "$T/state/cache.db" "tickets vendors drills" > "$T/main.state"
entity_rows "$T/fresh/cache.db" "tickets vendors drills" > "$T/fresh.state"
[ -s "$T/fresh.state" ] || fail "the fresh client has no tickets/vendors/drills"
if ! cmp -s "$T/main.state" "$T/fresh.state"; then
	diff "$T/fresh.state" "$T/main.state" | cut -c1-160 | head -20 >&2
	fail "tickets/vendors/drills differ from the new backend's ($(wc -l < "$T/main.state") vs $(wc -l < "$T/fresh.state"))"
fi
[ "$(db "select count(*) from tickets where epoch != '$C2'") $(db "select count(*) from vendors where epoch != '$C2'") $(db "select count(*) from drills where epoch != '$C2'")" = "0 0 0" ] ||
	fail "state-stream entities of the old epoch left in the cache"
db "select id || '|' || rev from tickets order by id" > "$T/new.tickets"
changed=$(LC_ALL=C comm -23 "$T/old.tickets" "$T/new.tickets" | wc -l)
pass "tickets/vendors/drills are exactly the new backend's ($(wc -l < "$T/main.state") entities; $changed old (id, rev) tickets replaced or dropped)"

# history streams: all of the new backend's, plus the old ones it does not name
entity_rows "$T/state/cache.db" "alerts advisories" > "$T/main.hist"
entity_rows "$T/fresh/cache.db" "alerts advisories" > "$T/fresh.hist"
missing=$(LC_ALL=C comm -13 "$T/main.hist" "$T/fresh.hist" | wc -l)
[ "$missing" = 0 ] || { LC_ALL=C comm -13 "$T/main.hist" "$T/fresh.hist" | cut -c1-160 | head >&2; fail "$missing alerts/advisories of the new epoch missing or different"; }
db_at "$T/fresh/cache.db" "select id from alerts order by id" > "$T/new.alerts"
LC_ALL=C comm -23 "$T/old.alerts" "$T/new.alerts" > "$T/only-old.alerts"
kept=$(db "select count(*) from alerts where epoch = '$E1'")
[ "$kept" = "$(wc -l < "$T/only-old.alerts")" ] ||
	fail "$kept old-epoch alerts kept, want the $(wc -l < "$T/only-old.alerts") the new backend does not name"
[ "$kept" -gt 0 ] || fail "test setup: no old-epoch alert outside the new snapshot"
db "select id from alerts where epoch = '$E1' order by id" | cmp -s - "$T/only-old.alerts" || fail "the wrong old alerts were kept"
pass "history streams: new epoch's alerts plus $kept old-epoch alerts kept"

quit_soctop
for b in fsoc fcert; do
	[ "$(stat_of $b snapshots)" = 2 ] || fail "$b snapshots=$(stat_of $b snapshots), want 2"
	[ "$(stat_of $b gaps)" = 0 ] || fail "$b gaps=$(stat_of $b gaps)"
	[ "$(stat_of $b invalid)" = 0 ] || fail "$b invalid=$(stat_of $b invalid)"
done
[ "$(stat_of fsoc epoch)" = "$E2" ] && [ "$(stat_of fsoc seq)" = "$FS" ] || fail "stats fsoc epoch/seq wrong"
[ "$(stat_of fcert epoch)" = "$C2" ] && [ "$(stat_of fcert seq)" = "$FC" ] || fail "stats fcert epoch/seq wrong"
pass "stats: snapshots=2 on both backends"
sanitizer_clean "$T/soctop.log" "$T/fresh/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
