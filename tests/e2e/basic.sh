#!/bin/sh
# End to end: the real soctop in tmux against soctop-sim. Alerts appear, the
# status bar says live, resize reflows, Ctrl-L repaints, q quits and the
# terminal is restored (no alternate screen, cursor visible, no mouse mode).
. tests/lib/common.sh

start_sim --seed 11 --rate 5 --heartbeat 1
write_config
run_soctop 80 24
wait_screen "fsoc ● live" 15
wait_screen "fcert ● live" 15
screen_has "Alerts" || fail "no alerts pane"
# a row of the alerts pane: a severity word and a TLP label
wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -E -q '(CRIT|HIGH|MED|LOW|INFO) +(RED|AMBER|AMBER\+S|GREEN|CLEAR)'" ||
	{ screen >&2; fail "no alert rows"; }
pass "alerts visible at 80x24 with both backends live"
[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{alternate_on}')" = 1 ] || fail "soctop is not on the alternate screen"

tmux -S "$TMUX_SOCK" resize-window -t t -x 200 -y 60
sleep 1
[ "$(screen | wc -l)" -ge 59 ] || fail "screen is not 60 lines after resize"
screen | sed -n 60p | grep -q "fsoc" || { screen >&2; fail "status bar not on the last line after resize"; }
screen | head -1 | grep -q "soctop" || fail "header lost after resize"
pass "resize to 200x60 reflows"

keys C-l
sleep 0.5
screen_has "soctop" || fail "screen empty after Ctrl-L"
pass "Ctrl-L repaints"

keys q
wait_for 10 screen_has "[exit 0]" || { screen >&2; fail "soctop did not exit 0 on q"; }
[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{alternate_on}')" = 0 ] || fail "alternate screen left on"
[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{cursor_flag}')" = 1 ] || fail "cursor left hidden"
[ "$(tmux -S "$TMUX_SOCK" display -p -t t '#{mouse_any_flag}')" = 0 ] || fail "mouse mode left on"
pass "q quits with status 0 and restores the terminal"

# make demo's promise: the simulator stops with soctop
kill -0 "$SIM_PID" 2>/dev/null || fail "sim died early"
