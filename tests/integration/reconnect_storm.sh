#!/bin/sh
# A reconnect storm: the backend accepts every connection, completes the
# upgrade and drops it at once (soctop-sim --drop-connections). soctop's
# retries must follow the capped exponential back-off of client/ws.c
# (0.5 s doubling to 30 s, each delay jittered to 50-100%, reset only after
# 30 s live) and its CPU must stay low. Bounds are from the schedule (an
# attempt can come late on a busy machine, never early) and generous for CPU.
. tests/lib/common.sh

WINDOW=20
start_sim --seed 4 --rate 50 --heartbeat 1 --drop-connections
write_config
run_soctop 120 40
PID=$(wait_soctop_pid)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
T0=$(ticks "$PID")
sleep "$WINDOW"
T1=$(ticks "$PID")
kill -0 "$PID" 2>/dev/null || fail "soctop died in the storm"
screen | grep -E -q "fsoc [^ ]+ offline" || { screen >&2; fail "fsoc not shown offline while every connection drops"; }

HZ=$(getconf CLK_TCK)
for b in fsoc fcert; do
	grep "$b: connecting to" "$T/soctop.log" | sed 's/^[0-9-]*T\([0-9:.]*\)Z.*/\1/' |
		awk -F: '{print $1 * 3600 + $2 * 60 + $3}' > "$T/$b.times"
	n=$(wc -l < "$T/$b.times")
	# Earliest possible attempts: 0, then delays of at least 0.25, 0.5, 1,
	# 2, 4, 8, 15 s: 7 fit in 20 s (16 s apart the 7th). A storm makes dozens.
	[ "$n" -le 7 ] || fail "$b: $n connection attempts in $WINDOW s; the back-off allows at most 7"
	[ "$n" -ge 3 ] || fail "$b: only $n connection attempts in $WINDOW s: soctop stopped retrying"
	# Each gap at least the jitter floor of its step (50 ms slack for the
	# log's clock reads).
	awk -v b="$b" 'NR > 1 { gap = $1 - prev; floor = 0.25 * 2 ^ (NR - 2); if (floor > 15) floor = 15;
		if (gap < floor - 0.05) { printf "%s: attempt %d came %.3f s after the one before, the back-off floor is %.2f s\n", b, NR, gap, floor; bad = 1 } }
		{ prev = $1 } END { exit bad }' "$T/$b.times" || fail "$b: retry came earlier than the back-off allows"
	pass "$b: $n attempts in $WINDOW s, gaps $(awk 'NR > 1 { printf "%.2f ", $1 - prev } { prev = $1 }' "$T/$b.times")s"
done
grep -q "fsoc: connected" "$T/soctop.log" || fail "the connections were never upgraded (not a storm of accepted connections)"
CPU=$((T1 - T0))
# 2 s of CPU in 20 s would be a busy loop; a paced client uses a few ticks.
[ "$CPU" -le $((HZ * 2)) ] || fail "soctop used $CPU ticks (HZ $HZ) of CPU in $WINDOW s of reconnects"
pass "CPU: $CPU ticks (HZ $HZ) over $WINDOW s"
quit_soctop
sanitizer_clean "$T/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
