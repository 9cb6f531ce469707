#!/bin/sh
# Several soctops, one cache. The first takes the writer's lock and the
# network; a second on the same cache says it is read-only (naming the
# writer's pid), follows the file (its alert count grows as the first
# writes), refuses actions, and --purge refuses while the first runs. The
# cache passes integrity_check throughout, and the second keeps working
# after the first quits.
. tests/lib/common.sh

start_sim --seed 41 --rate 20 --heartbeat 1
write_config
run_soctop 120 40
wait_for 30 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "fsoc never live"
P1=$(wait_soctop_pid t)

tmux -S "$TMUX_SOCK" new-session -d -s b -x 120 -y 40 \
	"TERM=xterm-256color $B/soctop --config $T/config.ini; echo \"[exit \$?]\"; sleep 30"
screen_b() { tmux -S "$TMUX_SOCK" capture-pane -p -t b; }
b_has() { screen_b | grep -F -q -- "$1"; }
wait_for 10 b_has "READ-ONLY: soctop pid $P1 writes this cache" || { screen_b >&2; fail "the second soctop does not say it is read-only"; }
pass "second instance: READ-ONLY, names pid $P1"
grep -q "another soctop (pid $P1) writes" "$T/soctop.log" || fail "the follower did not log why it is read-only"

count_b() { screen_b | sed -n 's/.*Alerts  \([0-9]*\) cached.*/\1/p' | head -1; }
n1=$(count_b)
[ -n "$n1" ] || { screen_b >&2; fail "no alert count on the second screen"; }
grows() { n=$(count_b); [ -n "$n" ] && [ "$n" -gt "$n1" ]; }
wait_for 15 grows || { screen_b >&2; fail "the second soctop does not follow the file ($n1)"; }
pass "the follower's Alerts follow the file ($n1 -> $(count_b))"

# an action key on the follower: refused, nothing queued
tmux -S "$TMUX_SOCK" send-keys -t b a
wait_for 5 b_has "read-only here" || { screen_b >&2; fail "an action on the follower was not refused"; }
b_has "[y/N]" && fail "the follower asked to send an action"
[ "$(db "select count(*) from outbox")" = 0 ] || fail "the follower queued an action"
pass "actions refused on the follower"

out=$("$B/soctop" --config "$T/config.ini" --purge 2>&1 < /dev/null); st=$?
[ "$st" = 1 ] && echo "$out" | grep -q "pid $P1 has .* open for writing" || fail "--purge while another writes: $st $out"
pass "--purge refuses while the writer runs"

[ "$(db "pragma integrity_check")" = ok ] || fail "integrity_check with two instances"
quit_soctop t
sleep 1
wait_for 5 b_has "READ-ONLY" || fail "the follower stopped when the writer quit"
[ "$(db "pragma integrity_check")" = ok ] || fail "integrity_check after the writer quit"
quit_soctop b
pass "the follower keeps running after the writer quits; integrity_check ok"
