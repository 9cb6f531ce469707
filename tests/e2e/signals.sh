#!/bin/sh
# Every exit path restores the terminal: SIGTERM, SIGINT (Ctrl-C), SIGHUP
# (terminal lost: exit 1), and the end of input.
. tests/lib/common.sh

start_sim --seed 12 --rate 2 --heartbeat 1
write_config
for sig in TERM INT HUP; do
	run_soctop 100 30
	wait_screen "fsoc ● live" 15
	pid=$(pgrep -n -f "$B/soctop --config $T/config.ini")
	[ -n "$pid" ] || fail "no soctop process"
	kill -"$sig" "$pid"
	wait_for 10 sh -c "! kill -0 $pid 2>/dev/null" || fail "soctop ignored SIG$sig"
	want=0
	[ "$sig" = HUP ] && want=1
	wait_for 5 screen_has "[exit $want]" || { screen >&2; fail "SIG$sig: exit status not $want"; }
	[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{alternate_on}')" = 0 ] || fail "SIG$sig left the alternate screen on"
	[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{cursor_flag}')" = 1 ] || fail "SIG$sig left the cursor hidden"
	tmux -S "$TMUX_SOCK" kill-session -t t
	wait_for 5 sh -c "! tmux -S $TMUX_SOCK has-session -t t 2>/dev/null"
	pass "SIG$sig: exits $want and restores the terminal"
done
