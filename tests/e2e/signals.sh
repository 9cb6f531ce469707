#!/bin/sh
# Every exit path restores the terminal: SIGTERM, SIGINT (Ctrl-C), SIGHUP
# (terminal lost: exit 1), and the end of input; a crash (SIGSEGV) through
# the fatal-signal handler. Each leaves the mouse reporting off again.
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
	[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{mouse_any_flag}')" = 0 ] || fail "SIG$sig left mouse reporting on"
	tmux -S "$TMUX_SOCK" kill-session -t t
	wait_for 5 sh -c "! tmux -S $TMUX_SOCK has-session -t t 2>/dev/null"
	pass "SIG$sig: exits $want and restores the terminal"
done

# A crash (SIGSEGV) goes through the fatal-signal handler, which can only
# write() what was captured at start: with the mouse on (the default) that
# must include turning the terminal's mouse reporting off again, or the
# shell gets escape sequences for every click.
run_soctop 100 30
wait_screen "fsoc ● live" 15
[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{mouse_any_flag}')" = 1 ] || fail "mouse reporting not on before SIGSEGV"
pid=$(pgrep -n -f "$B/soctop --config $T/config.ini")
[ -n "$pid" ] || fail "no soctop process"
kill -SEGV "$pid"
wait_for 10 sh -c "! kill -0 $pid 2>/dev/null" || fail "soctop survived SIGSEGV"
wait_for 5 screen_has "[exit 139]" || { screen >&2; fail "SIGSEGV: exit status not 139"; }
[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{alternate_on}')" = 0 ] || fail "SIGSEGV left the alternate screen on"
[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{mouse_any_flag}')" = 0 ] || fail "SIGSEGV left mouse reporting on"
tmux -S "$TMUX_SOCK" kill-session -t t
wait_for 5 sh -c "! tmux -S $TMUX_SOCK has-session -t t 2>/dev/null"
pass "SIGSEGV: the fatal-signal handler restores the screen and turns mouse reporting off"
