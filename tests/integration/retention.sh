#!/bin/sh
# Retention. The scenario's alerts and advisories go back days. soctop
# takes them in (retain_days 90), quits; with retain_days = 2, soctop
# --purge deletes what is older than two days (alerts, advisories, closed
# tickets), keeps the rest, leaves the search index in step, vacuums (the
# file shrinks), and the cache stays intact and 0600. A soctop started with
# retain_days = 2 purges at start too.
. tests/lib/common.sh

start_sim --seed 51 --rate 300 --max-events 1500 --heartbeat 1 --state "$T/sim.state"
write_config
run_soctop 120 40
wait_for 60 fsoc_synced || fail "soctop never caught up with the sim"
quit_soctop
stop_sim

CUT="(cast(strftime('%s','now') as integer) - 2 * 86400) * 1000"
old=$(db "select count(*) from alerts where time < $CUT")
new=$(db "select count(*) from alerts where time >= $CUT")
[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "the scenario needs alerts on both sides of two days ago ($old old, $new newer)"
size0=$(stat -c %s "$T/state/cache.db")

cp "$T/config.ini" "$T/config.keep"
printf '[cache]\nretain_days = 2\n' >> "$T/config.ini"
out=$("$B/soctop" --config "$T/config.ini" --purge 2>&1 < /dev/null) || fail "--purge failed: $out"
echo "$out" | grep -q "deleted [0-9]* rows older than 2 days" || fail "--purge said: $out"
echo "$out" | grep -q "vacuumed" || fail "--purge did not vacuum: $out"
[ "$(db "select count(*) from alerts where time < $CUT")" = 0 ] || fail "alerts older than 2 days are left"
[ "$(db "select count(*) from advisories where time < $CUT")" = 0 ] || fail "advisories older than 2 days are left"
[ "$(db "select count(*) from tickets where status in ('closed','resolved') and updated < $CUT")" = 0 ] ||
	fail "closed tickets older than 2 days are left"
[ "$(db "select count(*) from alerts")" = "$new" ] || fail "newer alerts were deleted"
[ "$(db "select count(*) from alerts_fts")" = "$new" ] || fail "the search index is not in step with alerts"
[ "$(db "pragma integrity_check")" = ok ] || fail "integrity_check after --purge"
size1=$(stat -c %s "$T/state/cache.db")
[ "$size1" -lt "$size0" ] || fail "the file did not shrink ($size0 -> $size1 bytes)"
[ "$(stat -c %a "$T/state/cache.db")" = 600 ] || fail "mode after vacuum $(stat -c %a "$T/state/cache.db")"
pass "--purge: $old old alerts gone, $new kept, $size0 -> $size1 bytes, integrity ok, 0600"

# purge at start: put an old alert back, start soctop with retain_days = 2
db "insert into alerts (backend, id, epoch, rev, time, data, rx) values ('fsoc', 'AL-ANCIENT', 'x', 1, $CUT - 86400000, '{}', 0)"
[ "$(db "select count(*) from alerts where id = 'AL-ANCIENT'")" = 1 ] || fail "could not plant an old row"
run_soctop 100 30 --offline
wait_screen "OFFLINE" 10
[ "$(db "select count(*) from alerts where id = 'AL-ANCIENT'")" = 0 ] || fail "soctop did not purge at start"
grep -q "retention: 1 rows older than 2 days deleted" "$T/soctop.log" || fail "start-up purge not logged"
keys q
wait_screen "[exit 0]" 10
pass "soctop purges at start"
