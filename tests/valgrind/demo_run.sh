#!/bin/sh
# soctop under valgrind (memcheck) on a demo-like run: the sim's scenario at
# a lively rate, the dashboard, a details view, a pane switch, a reconnect,
# a few seconds live, then q. Valgrind must report no memory error and no
# leak (definitely or indirectly lost); what libraries keep until exit
# ("still reachable") is not a leak. Run by make valgrind (and make test).
. tests/lib/common.sh

command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed (scripts/deps.sh installs it)"; exit 77; }
start_sim --seed 7 --rate 40 --heartbeat 1
write_config
VG="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-origins=yes --error-exitcode=99 --num-callers=30 --log-file=$T/valgrind.log"
tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s t -x 160 -y 48 \
	"TERM=xterm-256color $VG $B/soctop --config $T/config.ini; echo \"[exit \$?]\"; sleep 60"
wait_for 60 grep -q "fsoc: connecting -> live" "$T/soctop.log" || { pane_all >&2; fail "fsoc never live under valgrind"; }
wait_for 60 grep -q "fcert: connecting -> live" "$T/soctop.log" || fail "fcert never live under valgrind"
wait_screen "fsoc ● live" 30
keys Enter; sleep 2; keys Escape; sleep 1
keys Tab; sleep 1; keys Enter; sleep 2; keys Escape; sleep 1
keys z; sleep 1; keys z; sleep 1
stop_sim
wait_for 20 grep -q "fsoc: live -> stale" "$T/soctop.log" || fail "fsoc never noticed the sim going"
PORT=$PORT start_sim --seed 7 --rate 40 --heartbeat 1
keys r
wait_for 60 sh -c "[ \$(grep -c 'fsoc: .* -> live' '$T/soctop.log') -ge 2 ]" || fail "fsoc never live again under valgrind"
sleep 3
keys q
wait_for 120 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -S -100 -t t | grep -q '^\[exit [0-9]*\]'" ||
	{ pane_all >&2; fail "soctop under valgrind did not exit on q"; }
st=$(pane_all | sed -n 's/^\[exit \([0-9]*\)\]$/\1/p' | tail -1)
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable" "$T/valgrind.log" | sed 's/^==[0-9]*== */  /'
[ "$st" = 0 ] || { grep -E -B2 -A25 "Invalid|uninitialised|definitely lost in|indirectly lost in" "$T/valgrind.log" | head -80 >&2; fail "soctop under valgrind exited with $st (99: valgrind found errors or leaks)"; }
grep -q "ERROR SUMMARY: 0 errors" "$T/valgrind.log" || fail "valgrind reported errors"
pass "valgrind: no memory errors, no leaks ($(stat_of fsoc msgs) fsoc messages, a reconnect, details and zoom)"
exit 0
