#!/bin/sh
# End to end: one backend down while the other stays live. fsoc is served by
# sim A, fcert by sim B (two processes, two ports). kill -9 sim B: the status
# bar shows fcert stale/offline with an age that grows, and the message line
# names fcert, while fsoc stays live and its Alerts keep arriving; the
# Tickets, Vendor hours and Drills panes keep their cached rows (not
# blanked). Sim B restarts on its port (with its --state): fcert is live
# again by itself, without pressing r, and its rows are still there.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

A_PID=""
trap 'if [ -n "$A_PID" ]; then kill -9 "$A_PID" 2>/dev/null; fi; cleanup' EXIT

# sim A: fsoc
PORT=0
start_sim --seed 71 --rate 4 --heartbeat 1
A_PID=$SIM_PID A_PORT=$PORT
# sim B: fcert
SIM_PID="" PORT=0
BARGS="--seed 72 --rate 1 --heartbeat 1 --state $T/simB.state"
# shellcheck disable=SC2086
start_sim $BARGS
B_PORT=$PORT
[ "$A_PORT" != "$B_PORT" ] || fail "both sims on one port"
PORT=$A_PORT write_config
sed "s#127.0.0.1:$A_PORT/fcert#127.0.0.1:$B_PORT/fcert#" "$T/config.ini" > "$T/config.new" && mv "$T/config.new" "$T/config.ini"
grep -q "127.0.0.1:$B_PORT/fcert" "$T/config.ini" || fail "config not pointed at sim B"

run_soctop 120 35
wait_screen "fsoc ● live" 15
wait_screen "fcert ● live" 15
wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q '2026-0[0-9][0-9][0-9] '" ||
	{ screen >&2; fail "no ticket rows"; }
sleep 1

# what the F-CERT panes show: ticket ids, vendor rows, drill participant rows
tickets_shown() { screen | grep -o -E '2026-0[0-9]{3} ' | sort | tr '\n' ' '; }
vendors_shown() { screen | grep -c -E '│.* [0-9.]+h +[^ ]*[█▒░]'; }
parts_shown() { screen | grep -c -E 'D:(ok|DOWN)'; }
t0=$(tickets_shown) v0=$(vendors_shown) p0=$(parts_shown)
[ -n "$t0" ] && [ "$v0" -gt 0 ] && [ "$p0" -gt 0 ] ||
	{ screen >&2; fail "F-CERT panes not filled (tickets '$t0', vendors $v0, participants $p0)"; }

stop_sim
# fcert: down with an age; fsoc: live
fcert_down() { status_line | grep -E -q 'fcert ○ (stale|offline|connecting) [0-9]+s'; }
wait_for 10 fcert_down || { screen >&2; fail "status bar does not show fcert down with an age"; }
status_line | grep -q "fsoc ● live" || { screen >&2; fail "fsoc not live while only fcert is down"; }
age() { status_line | sed -n 's/.*fcert ○ [a-z]* \([0-9]*\)s.*/\1/p'; }
age1=$(age)
top1=$(screen_line 4)
sleep 3
age2=$(age)
[ -n "$age1" ] && [ -n "$age2" ] && [ "$age2" -gt "$age1" ] || { screen >&2; fail "fcert age does not grow ($age1 → $age2)"; }
status_line | grep -E -q "fsoc ● live (now|[0-9]s) " || { screen >&2; fail "fsoc not live (fresh) while fcert is down"; }
pass "sim B killed: status bar '$(status_line | grep -o 'fcert ○ [a-z]* [0-9]*s')', fsoc still live"
wait_for 5 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | tail -2 | head -1 | grep -q 'fcert'" ||
	{ screen >&2; fail "the message line does not name fcert"; }
m=$(msg_line | sed 's/  */ /g')
pass "message line: $m"
# the age of the problem: fcert went down seconds ago
echo "$m" | grep -E -q 'fcert: .*\((now|[0-9]+s) ago\)' ||
	soft_fail "message line gives the fcert problem an age that is not seconds: '$m' (status bar: '$(status_line | grep -o 'fcert ○ [a-z]* [0-9]*s')')"
new_top() { [ "$(screen_line 4)" != "$top1" ]; }
wait_for 10 new_top || { screen >&2; fail "no new alert at the top of Alerts while fcert is down"; }
n1=$(db "SELECT count(*) FROM alerts")
wait_for 10 sh -c "[ \$(sqlite3 -cmd '.timeout 5000' $T/state/cache.db 'SELECT count(*) FROM alerts') -gt $n1 ]" ||
	fail "the cache stopped receiving alerts"
pass "alerts keep arriving from fsoc (a new row at the top; cache $n1 → $(db "SELECT count(*) FROM alerts"))"
[ "$(tickets_shown)" = "$t0" ] || { screen >&2; fail "Tickets pane changed while fcert is down: '$t0' → '$(tickets_shown)'"; }
[ "$(vendors_shown)" -eq "$v0" ] || { screen >&2; fail "Vendor hours rows $v0 → $(vendors_shown)"; }
[ "$(parts_shown)" -eq "$p0" ] || { screen >&2; fail "Drills participant rows $p0 → $(parts_shown)"; }
pass "Tickets, Vendor hours, Drills keep their cached rows"

# sim B back on its port, with its state: fcert recovers by itself
# shellcheck disable=SC2086
PORT=$B_PORT start_sim $BARGS
[ "$PORT" = "$B_PORT" ] || fail "sim B came back on $PORT, not $B_PORT"
wait_for 40 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | tail -1 | grep -q 'fcert ● live'" ||
	{ screen >&2; fail "fcert did not come back live"; }
status_line | grep -q "fsoc ● live" || { screen >&2; fail "fsoc not live after fcert recovered"; }
[ -n "$(tickets_shown)" ] && [ "$(vendors_shown)" -gt 0 ] && [ "$(parts_shown)" -gt 0 ] ||
	{ screen >&2; fail "F-CERT panes empty after recovery"; }
pass "sim B restarted on port $B_PORT: fcert live again, both panes filled"

keys q
wait_screen "[exit 0]" 10
finish
