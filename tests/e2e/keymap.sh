#!/bin/sh
# End to end: the keymap. A user keymap ([ui] keys = FILE) rebinds quit to x,
# unbinds q, binds n to down in the panes and F2 to ":focus tickets", and
# has one bad line, which the message line reports as FILE:LINE while the
# rest works. "?" shows help generated from the active keymap (the rebound
# keys, not the defaults), Esc closes it; ":" runs commands with Tab
# completion and Up for history. Run at 80x24 under xterm-256color and at
# 240x70 under vt100 (ASCII), with NO_COLOR and LANG=C on the second. A
# keymap file that binds nothing falls back to the default keys.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 41 --rate 2 --heartbeat 1
cat > "$T/keys" <<'EOK'
# my keys
bind x quit
unbind q
bind F2 focus tickets
bind y no-such-command
[panes]
bind n down
EOK
write_config "[ui]
keys = $T/keys"

check() {
	cols=$1 rows=$2 env=$3
	TEST_TERM=$env run_soctop "$cols" "$rows"
	wait_screen "fsoc" 15
	wait_for 15 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -E -q 'fsoc (●|\+) live'" ||
		{ screen >&2; fail "$cols x $rows ($env): fsoc never live"; }
	# the bad line, with file and line, on the message line
	wait_screen "keys:5: bind y: unknown command" 5
	pass "${cols}x$rows ($env): the bad keymap line is reported as FILE:LINE"

	# help from the keymap: quit is on Q and x now, q is gone
	keys '?'
	wait_screen " Help: keys of Alerts" 5
	screen | grep -E -q '^ +Q, x +quit ' || { screen >&2; fail "${cols}x$rows: help does not list 'Q, x  quit'"; }
	screen | grep -E -q '^ +Down, j, n +down ' ||
		{ screen >&2; fail "${cols}x$rows: help does not list 'Down, j, n  down'"; }
	screen | grep -E -q '^ +a +alert\.ack ' || { screen >&2; fail "${cols}x$rows: help lacks the alerts' a"; }
	screen | grep -E -q '^ +q, ' && { screen >&2; fail "${cols}x$rows: help still lists the unbound q"; }
	pass "${cols}x$rows ($env): ? lists the keys of the active keymap"
	keys Escape
	wait_gone " Help: keys of" 5

	# an unbound key does nothing; the rebound F2 focuses Tickets
	keys q
	sleep 0.5
	screen_has "[exit" && fail "${cols}x$rows: q still quits after unbind"
	keys F2
	wait_focus Tickets
	keys '?'
	wait_screen " Help: keys of Tickets" 5
	screen | grep -E -q '^ +s +sort ' || { screen >&2; fail "${cols}x$rows: tickets help lacks s sort"; }
	keys Escape
	wait_gone " Help: keys of" 5
	pass "${cols}x$rows ($env): q unbound, F2 runs ':focus tickets', help follows the focused pane"

	# the command line: Tab completes, Enter runs, Up recalls
	keys :
	keys -l 'zo'
	keys Tab
	wait_for 5 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q '^ :zoom _'" ||
		{ screen >&2; fail "${cols}x$rows: Tab did not complete ':zo' to ':zoom '"; }
	keys Enter
	wait_gone " Alerts  " 5
	title_line Tickets | grep -q '^2$' || { screen >&2; fail "${cols}x$rows: :zoom did not zoom Tickets"; }
	keys :
	keys Up
	wait_for 5 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q '^ :zoom _'" ||
		{ screen >&2; fail "${cols}x$rows: Up did not recall ':zoom'"; }
	keys Enter
	wait_screen " Alerts  " 5
	keys :
	keys -l 'frobnicate'
	keys Enter
	wait_screen "unknown command 'frobnicate'" 5
	keys :
	keys -l 'focus drills'
	keys Enter
	wait_focus Drills
	pass "${cols}x$rows ($env): ':' runs commands, with completion and history"

	# :layout shows and sets the layout; :focus on a pane it hides zooms it
	keys :
	keys -l 'layout alerts / tickets'
	keys Enter
	wait_gone " Vendor hours  " 5
	screen_has " Alerts  " && screen_has " Tickets  " || { screen >&2; fail "${cols}x$rows: :layout lost a pane"; }
	keys :
	keys -l 'layout'
	keys Enter
	wait_screen ": alerts / tickets" 5
	keys :
	keys -l 'focus vendors'
	keys Enter
	wait_screen " Vendor hours  " 5
	title_line "Vendor hours" | grep -q '^2$' || { screen >&2; fail "${cols}x$rows: :focus vendors did not zoom it"; }
	keys Escape
	wait_gone " Vendor hours  " 5
	pass "${cols}x$rows ($env): :layout sets and shows the layout; :focus on a hidden pane zooms it"

	# the rebound quit
	keys x
	wait_for 10 screen_has "[exit 0]" || { screen >&2; fail "${cols}x$rows: x (rebound quit) did not exit 0"; }
	pass "${cols}x$rows ($env): x, bound to quit in the user keymap, quits"
	retire_session
}

check 80 24 xterm-256color
check 240 70 "vt100 NO_COLOR=1 LANG=C LC_ALL=C"

# [ui] keymap = a file that binds nothing (here the config itself, given by
# mistake): its bad lines are reported, and soctop falls back to the default
# keymap instead of running with no key at all (not even q).
write_config "[ui]
keymap = $T/config.ini"
run_soctop 100 30
wait_for 15 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -E -q 'fsoc (●|\+) live'" ||
	{ screen >&2; fail "keymap = config.ini: fsoc never live"; }
wait_screen "config.ini:1: " 5
keys q
wait_for 10 screen_has "[exit 0]" ||
	{ screen >&2; fail "keymap = a file binding nothing: q does not quit (no default keys)"; }
pass "keymap = a file that binds nothing: reported, and the default keys still work"
retire_session
finish
