#!/bin/sh
# A hung backend (SIGSTOP) that still holds its TCP connections: after three
# heartbeat periods without a message soctop marks it stale and reconnects;
# on SIGCONT it is live again (a resume, not a snapshot) and nothing is lost:
# the cursors end at the sim's newest seqs and the cache equals a fresh
# client's snapshot.
. tests/lib/common.sh

start_sim --state "$T/sim.state" --seed 13 --rate 40 --heartbeat 1 --max-events 320 --window 100000
write_config
run_soctop 120 40
wait_for 30 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "fsoc never live"
wait_for 30 grep -q "fcert: connecting -> live" "$T/soctop.log" || fail "fcert never live"
wait_screen "fsoc ● live" 10
sleep 1
PID=$(wait_soctop_pid) || exit 1

kill -STOP "$SIM_PID"
t_stop=$(date +%s%N | cut -c1-13)
wait_for 10 grep -q "fsoc: live -> stale" "$T/soctop.log" || { kill -CONT "$SIM_PID"; fail "fsoc not marked stale while the sim is stopped"; }
wait_for 5 grep -q "fcert: live -> stale" "$T/soctop.log" || { kill -CONT "$SIM_PID"; fail "fcert not marked stale"; }
wait_for 5 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -t t | grep -E -q 'fsoc [^ ]+ stale'" ||
	{ kill -CONT "$SIM_PID"; screen >&2; fail "status bar does not say stale"; }
# log_ms: each log line on stdin -> its time in Unix ms
log_ms() { sed 's/^\([0-9-]*\)T\([0-9:]*\)\.\([0-9]*\)Z.*/\1 \2 \3/' | while read -r d h ms; do echo "$(date -u -d "$d $h" +%s)$ms"; done; }
t_stale=$(grep "fsoc: live -> stale" "$T/soctop.log" | head -1 | log_ms)
after=$((t_stale - t_stop))
[ "$after" -ge 2000 ] || { kill -CONT "$SIM_PID"; fail "marked stale only $after ms after the sim stopped (heartbeat 1 s: wanted 3 periods)"; }
sleep 4 # the sim stays stopped for 7 s or so
kill -CONT "$SIM_PID"
t_cont=$(date +%s%N | cut -c1-13)
pass "stale $after ms after the sim stopped"

wait_for 30 sh -c "grep -q 'fsoc: stale -> live' '$T/soctop.log'" || fail "fsoc not live again after SIGCONT"
wait_for 30 sh -c "grep -q 'fcert: stale -> live' '$T/soctop.log'" || fail "fcert not live again after SIGCONT"
wait_screen "fsoc ● live" 10
synced() {
	fs=$(state_seq "$T/sim.state" fsoc); fc=$(state_seq "$T/sim.state" fcert)
	[ "$(cursor_of fsoc seq)" = "$fs" ] && [ "$(cursor_of fcert seq)" = "$fc" ] || return 1
	sleep 1.5
	[ "$(state_seq "$T/sim.state" fsoc)" = "$fs" ] && [ "$(state_seq "$T/sim.state" fcert)" = "$fc" ] &&
		[ "$(cursor_of fsoc seq)" = "$fs" ] && [ "$(cursor_of fcert seq)" = "$fc" ]
}
wait_for 60 synced || fail "soctop (fsoc $(cursor_of fsoc seq), fcert $(cursor_of fcert seq)) never caught up with the sim (fsoc $(state_seq "$T/sim.state" fsoc), fcert $(state_seq "$T/sim.state" fcert))"
FS=$(state_seq "$T/sim.state" fsoc); FC=$(state_seq "$T/sim.state" fcert)
pass "live again and caught up: fsoc seq $FS, fcert seq $FC"

client_synced fresh "$FS" "$FC"
entity_rows "$T/state/cache.db" > "$T/main.rows"
entity_rows "$T/fresh/cache.db" > "$T/fresh.rows"
cmp -s "$T/main.rows" "$T/fresh.rows" || { diff "$T/fresh.rows" "$T/main.rows" | cut -c1-160 | head >&2; fail "cache differs from a fresh snapshot"; }
pass "cache equals a fresh client's snapshot ($(wc -l < "$T/main.rows") entities)"

now=$(soctop_pid)
[ "$now" = "$PID" ] || { ps -ef | grep -v grep | grep soctop >&2; pane_all | tail -15 >&2; fail "soctop restarted or died (pid $PID, now $now)"; }
quit_soctop
for b in fsoc fcert; do
	[ "$(stat_of $b snapshots)" = 1 ] || fail "$b snapshots=$(stat_of $b snapshots): the reconnect should resume"
	[ "$(stat_of $b resumes)" -ge 1 ] || fail "$b resumes=$(stat_of $b resumes)"
	[ "$(stat_of $b invalid)" = 0 ] || fail "$b invalid=$(stat_of $b invalid)"
done
[ "$(stat_of fsoc seq)" = "$FS" ] && [ "$(stat_of fcert seq)" = "$FC" ] || fail "stats seq differ from the sim's"
pass "stats: one snapshot, resumed; gaps fsoc=$(stat_of fsoc gaps) fcert=$(stat_of fcert gaps)"
sanitizer_clean "$T/soctop.log" "$T/fresh/soctop.log" "$T/sim.log" || fail "sanitizer report"

# While the sim was stopped, the reconnect that followed the stale mark had
# its TCP connection accepted (listen backlog) and waited for the upgrade
# answer: that attempt must not be abandoned within a second or two (the
# upgrade timeout is 10 s), so there is exactly one attempt before SIGCONT.
n=0
for t in $(grep "fsoc: connecting to" "$T/soctop.log" | log_ms); do
	[ "$t" -gt "$t_stale" ] && [ "$t" -lt "$t_cont" ] && n=$((n + 1))
done
[ "$n" = 1 ] || fail "$n reconnect attempts in the $((t_cont - t_stale)) ms between the stale mark and SIGCONT: pending upgrades are abandoned at the next 1 s tick (want 1 attempt)"
pass "one reconnect attempt, waiting for the hung backend"
exit 0
