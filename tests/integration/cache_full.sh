#!/bin/sh
# The cache's disk fills up while a feed flows: soctop says so on screen and
# in the log ("disk full"), keeps running, leaves the cache intact
# (integrity_check ok, the cursor never past the data), and once space
# returns it resumes from its stored cursor and ends holding exactly what a
# fresh client gets: nothing lost, nothing doubled. The disk is a 32 MiB
# tmpfs mounted by the test (root needed; skipped, exit 77, otherwise).
. tests/lib/common.sh

mkdir -p "$T/full"
if ! mount -t tmpfs -o size=32m,mode=0700 soctop-test-full "$T/full" 2>"$T/mount.err"; then
	echo "SKIP: cannot mount a small tmpfs for a full disk ($(cat "$T/mount.err"); needs root)"
	exit 77
fi
MOUNTED=1
umount_full() { [ -n "${MOUNTED:-}" ] && umount -l "$T/full" 2>/dev/null; MOUNTED=; }
trap 'tmux -S "$TMUX_SOCK" kill-server 2>/dev/null; sleep 0.2; umount_full; cleanup' EXIT

SIMOPTS="--state $T/sim.state --seed 31 --heartbeat 1 --window 100000"
start_sim $SIMOPTS --rate 100
write_config
sed -i "s#^path = .*#path = $T/full/cache.db#" "$T/config.ini"
fdb() { sqlite3 -cmd '.timeout 5000' "$T/full/cache.db" "$@"; }
run_soctop 200 40
wait_for 30 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "fsoc never live"
wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/full/cache.db' \"select count(*) from alerts\" 2>/dev/null)\" -gt 200 ]" ||
	fail "no alerts cached"
PID=$(wait_soctop_pid)
pass "live on a tmpfs cache ($(fdb 'select count(*) from alerts') alerts)"

# ---- the disk fills up
dd if=/dev/zero of="$T/full/filler" bs=16k 2>/dev/null
wait_for 30 grep -q "cache commit failed: .*disk full: free space on the cache's filesystem" "$T/soctop.log" ||
	fail "no 'disk full' in the log while the disk is full"
wait_for 10 screen_has "disk full" || { screen >&2; fail "the screen does not say 'disk full'"; }
sleep 3
kill -0 "$PID" 2>/dev/null || { pane_all >&2; fail "soctop died on a full disk"; }
[ "$(fdb 'pragma integrity_check')" = ok ] || fail "integrity_check on a full disk: $(fdb 'pragma integrity_check' | head -3)"
FULL_SEQ=$(cursor_of fsoc seq "$T/full/cache.db")
[ "$(state_seq "$T/sim.state" fsoc)" -gt "$FULL_SEQ" ] || fail "the sim did not get ahead of the full cache"
pass "disk full: said on screen and in the log, soctop running, integrity ok, cursor held at $FULL_SEQ"

# ---- space returns; the sim stops generating so the end state is known
rm -f "$T/full/filler"
stop_sim
PORT=$PORT start_sim $SIMOPTS --rate 0
synced() {
	fs=$(state_seq "$T/sim.state" fsoc); fc=$(state_seq "$T/sim.state" fcert)
	[ "$(cursor_of fsoc seq "$T/full/cache.db")" = "$fs" ] && [ "$(cursor_of fcert seq "$T/full/cache.db")" = "$fc" ]
}
wait_for 90 synced || fail "soctop (fsoc $(cursor_of fsoc seq "$T/full/cache.db")) never caught up with the sim (fsoc $(state_seq "$T/sim.state" fsoc)) after space returned"
FS=$(state_seq "$T/sim.state" fsoc); FC=$(state_seq "$T/sim.state" fcert)
[ "$(fdb 'pragma integrity_check')" = ok ] || fail "integrity_check after recovery failed"
pass "space back: caught up to fsoc seq $FS, fcert seq $FC"

client_synced fresh "$FS" "$FC"
entity_rows "$T/full/cache.db" > "$T/main.rows"
entity_rows "$T/fresh/cache.db" > "$T/fresh.rows"
if ! cmp -s "$T/main.rows" "$T/fresh.rows"; then
	diff "$T/fresh.rows" "$T/main.rows" | cut -c1-160 | head -10 >&2
	fail "the recovered cache differs from a fresh client's"
fi
quit_soctop
for b in fsoc fcert; do
	[ "$(stat_of $b snapshots)" = 1 ] || fail "$b snapshots=$(stat_of $b snapshots): recovery re-snapshotted instead of resuming"
	[ "$(stat_of $b gaps)" = 0 ] || fail "$b gaps=$(stat_of $b gaps)"
done
[ "$(stat_of fsoc resumes)" -ge 1 ] || fail "fsoc never resumed from its cursor"
pass "resumed from the stored cursor: same $(wc -l < "$T/main.rows") entities as a fresh snapshot, one snapshot, no gap"
sanitizer_clean "$T/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
