#!/bin/sh
# End to end: terminals and colour, themes, mouse, low bandwidth, the time
# zone and the alert bell, asserting on what tmux shows (capture-pane -e
# gives the colours as SGR escapes).
#   256 colours, 16 ([ui] colors = 16), 8 (TERM=xterm), none (NO_COLOR and
#   TERM=vt100): a critical alert's SEV cell stands out in each, and with
#   no colour at all no colour escape is drawn but CRIT is bold and reverse;
#   the light and high-contrast themes change the focused title bar.
#   Mouse: a click focuses a pane and selects the row; the wheel scrolls;
#   [ui] mouse = no leaves the terminal's mouse reporting off.
#   --low-bandwidth: the clock by the minute, the frame cap 1 a second.
#   [ui] timezone = Asia/Taipei: the clock in Taipei time, named CST.
#   [ui] alert_bell = flash, interval 3600: a new critical alert flashes
#   once, and the next ones wait.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 61 --rate 4 --heartbeat 1

# crit_line: the screen lines (with escapes) holding a CRIT cell, but the
# selected row's (drawn in the selection's colours).
crit_line() { tmx capture-pane -e -p -t t | grep -a 'CRIT' | cat -v | grep -v '48;5;24m[0-9:-]* *CRIT'; }
# run_with TERMSPEC COLS ROWS [config lines]
run_with() {
	_term=$1 _c=$2 _r=$3
	shift 3
	write_config "[ui]
$*"
	TEST_TERM=$_term run_soctop "$_c" "$_r"
	wait_for 15 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -E -q 'fsoc (●|\+) live'" ||
		{ screen >&2; fail "$_term: fsoc never live"; }
	wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q ' CRIT '" ||
		{ screen >&2; fail "$_term: no critical alert on the screen"; }
	sleep 0.3
}
stop() {
	keys q
	wait_screen "[exit 0]" 10
	retire_session
}

run_with xterm-256color 100 30
crit_line | grep -q '48;5;160m' || { crit_line >&2; fail "256 colours: CRIT is not on colour 160"; }
pass "xterm-256color: CRIT drawn on 256-colour red (48;5;160)"
stop

run_with xterm-256color 100 30 "colors = 16"
l=$(tmx capture-pane -e -p -t t | cat -v)
printf '%s' "$l" | grep -q '38;5\|48;5' && { echo "$l" >&2; fail "colors = 16: 256-colour escapes drawn"; }
l=$(crit_line)
printf '%s' "$l" | grep -q '\[97m' && printf '%s' "$l" | grep -q '\[41m' ||
	{ echo "$l" >&2; fail "colors = 16: CRIT is not bright white (97) on red (41)"; }
pass "[ui] colors = 16: CRIT bright white on red, no 256-colour escape"
stop

run_with xterm 100 30
l=$(tmx capture-pane -e -p -t t | cat -v)
printf '%s' "$l" | grep -q '38;5\|48;5\|\[9[0-7]m' && { echo "$l" >&2; fail "TERM=xterm: more than 8 colours drawn"; }
l=$(crit_line)
printf '%s' "$l" | grep -q '\[41m' || { echo "$l" >&2; fail "TERM=xterm: CRIT not on red (41)"; }
pass "TERM=xterm (8 colours): CRIT on red (41)"
stop

for spec in "xterm-256color NO_COLOR=1" vt100; do
	run_with "$spec" 100 30
	all=$(tmx capture-pane -e -p -t t | cat -v)
	printf '%s' "$all" | grep -E -q '\[(3[0-7]|4[0-7]|9[0-7]|38;5;[0-9]+|48;5;[0-9]+)m' &&
		{ printf '%s\n' "$all" | grep -E '\[(3[0-7]|4[0-7]|38;5)' | head -3 >&2; fail "$spec: colour escapes drawn"; }
	crit_line | grep -q '\[1;7mCRIT' || { crit_line >&2; fail "$spec: CRIT not bold and reverse"; }
	screen | grep -E -q ' (CRIT|HIGH|MED|LOW|INFO) +(RED|AMBER|AMBER\+S|GREEN|CLEAR) ' ||
		{ screen >&2; fail "$spec: severity and TLP words missing"; }
	pass "$spec: no colour at all; CRIT bold and reverse, severity and TLP as words"
	stop
done

run_with xterm-256color 100 30 "theme = light"
tmx capture-pane -e -p -t t | grep -a ' Alerts  ' | cat -v | grep -q '48;5;25m' ||
	{ tmx capture-pane -e -p -t t | grep -a ' Alerts  ' | cat -v >&2; fail "theme = light: focused title not on 25"; }
pass "[ui] theme = light: the focused title bar in the light theme's blue"
stop
run_with xterm-256color 100 30 "theme = high-contrast"
tmx capture-pane -e -p -t t | grep -a ' Alerts  ' | cat -v | grep -q '48;5;226m' ||
	{ tmx capture-pane -e -p -t t | grep -a ' Alerts  ' | cat -v >&2; fail "theme = high-contrast: focused title not yellow"; }
pass "[ui] theme = high-contrast: the focused title bar black on yellow"
stop

# mouse: SGR reports as xterm sends them (1-based column;row)
sgr() {
	tmx send-keys -t t -l "$(printf '\033[<%d;%d;%dM' "$1" "$2" "$3")"
	[ "$1" -lt 64 ] && tmx send-keys -t t -l "$(printf '\033[<%d;%d;%dm' "$1" "$2" "$3")" # release
	sleep 0.2
}
run_with xterm-256color 80 24
[ "$(tmx display -p -t t '#{mouse_any_flag}')" = 1 ] || fail "mouse reporting not on"
ln=$(title_line Tickets)
sgr 0 5 $((ln + 3)) # the second ticket row
wait_focus Tickets
wait_for 5 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q -E ' 2/[0-9]+ '" ||
	{ screen >&2; fail "click: the second ticket is not selected"; }
pass "mouse: a click focuses Tickets and selects its second row"
sgr 0 5 4 # an alert row: focus back to Alerts
wait_focus Alerts
sgr 65 5 4 # wheel down over the alerts
wait_for 5 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -E -q ' held |new ↑'" ||
	{ screen >&2; fail "wheel: the alerts pane did not scroll (it would hold)"; }
pass "mouse: the wheel scrolls the alerts (the pane holds)"
stop
run_with xterm-256color 80 24 "mouse = no"
[ "$(tmx display -p -t t '#{mouse_any_flag}')" = 0 ] || fail "mouse = no: mouse reporting is on"
pass "[ui] mouse = no: the terminal's mouse reporting stays off"
stop

# low bandwidth, time zone
write_config "[ui]
timezone = Asia/Taipei"
run_soctop 100 30 --low-bandwidth
wait_screen "fsoc ● live" 15
want=$(TZ=Asia/Taipei date +%H:%M)
wait_for 5 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | tail -1 | grep -E -q ' [0-9]{2}:[0-9]{2} CST *$'" ||
	{ status_line >&2; fail "low bandwidth + Asia/Taipei: the clock is not HH:MM CST"; }
got=$(status_line | sed -n 's/.* \([0-9][0-9]:[0-9][0-9]\) CST *$/\1/p')
now=$(TZ=Asia/Taipei date +%H:%M)
[ "$got" = "$want" ] || [ "$got" = "$now" ] || { status_line >&2; fail "clock $got, Taipei time is $now"; }
pass "--low-bandwidth with timezone = Asia/Taipei: the clock reads $got CST, by the minute"
stop
grep -q 'cap 1)' "$T/soctop.log" || fail "low bandwidth: the frame cap is not 1 a second"
pass "--low-bandwidth: at most one frame a second (log: $(grep -o 'at most [0-9]* in one second (cap 1)' "$T/soctop.log" | tail -1))"

# the bell: flash once, then the interval holds the next ones back
write_config "[ui]
alert_bell = flash
alert_bell_interval = 3600"
: > "$T/soctop.log" # count this run's lines only
run_soctop 100 30
wait_screen "fsoc ● live" 15
wait_for 30 sh -c "[ \$(grep -c 'new critical alert' '$T/soctop.log') -ge 2 ]" ||
	fail "no two new critical alerts within 30 s"
rung=$(grep -c 'alert flash rung' "$T/soctop.log")
[ "$rung" = 1 ] || fail "alert_bell_interval = 3600: the flash rang $rung times for $(grep -c 'new critical alert' "$T/soctop.log") alerts"
pass "alert_bell = flash: one flash for $(grep -c 'new critical alert' "$T/soctop.log") new critical alerts within the interval"
stop
finish
