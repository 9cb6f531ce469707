#!/bin/sh
# End to end: TERM=vt100 and LANG=C at 80x24. soctop starts and draws the
# five panes in plain ASCII (no "│", "●", "…": "|", "+", "~" instead); the
# Chinese institution names and titles do not break the layout: every line
# is at most 80 columns, the screen is 24 lines with the status bar on line
# 24, and the pane separators line up. Details and an action prompt stay
# within 80 columns too.
TEST_TERM=vt100 TEST_LANG=C
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 81 --rate 2 --heartbeat 1
write_config
run_soctop 80 24
wait_screen "fsoc + live" 15
wait_screen "fcert + live" 15
wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q '2026-0[0-9][0-9][0-9] '" ||
	{ screen >&2; fail "no ticket rows"; }
sleep 1

check_screen() {
	what=$1
	screen > "$T/scr"
	[ "$(wc -l < "$T/scr")" -eq 24 ] || { cat "$T/scr" >&2; fail "$what: the screen is not 24 lines"; }
	if LC_ALL=C grep -n '[^ -~]' "$T/scr" >&2; then
		fail "$what: characters outside ASCII on the screen (above)"
	fi
	long=$(awk 'length($0) > 80 { print NR ": " length($0) }' "$T/scr")
	[ -z "$long" ] || { cat "$T/scr" >&2; fail "$what: lines longer than 80 columns: $long"; }
	sed -n 24p "$T/scr" | grep -q "fsoc + live .*|.*fcert + live" ||
		{ cat "$T/scr" >&2; fail "$what: the status bar is not on line 24 (ASCII marks, '|' separators)"; }
}

check_screen "dashboard"
printf '%s\n' "$PANES" | while IFS= read -r p; do
	[ -n "$(title_line "$p")" ] || { screen >&2; fail "pane title '$p' not on the screen"; }
done || exit 1
pass "80x24 vt100 LANG=C: five panes, ASCII only, lines <= 80 columns, status bar on line 24"

# Chinese text is on screen as '?' placeholders, and the columns still line up
grep -q '??' "$T/scr" || { cat "$T/scr" >&2; fail "no placeholder for the Chinese names"; }
tl=$(title_line Tickets) dl=$(title_line Drills)
cols=$(sed -n "${tl},$((dl - 1))p" "$T/scr" | awk '{ print index($0, "|") }' | sort -u)
[ "$(echo "$cols" | wc -l)" -eq 1 ] && [ "$cols" -gt 20 ] ||
	{ cat "$T/scr" >&2; fail "the Tickets | Vendor hours separator is not one straight column ($cols)"; }
cols=$(sed -n "${dl},22p" "$T/scr" | awk '{ print index($0, "|") }' | sort -u)
[ "$(echo "$cols" | wc -l)" -eq 1 ] && [ "$cols" -gt 20 ] ||
	{ cat "$T/scr" >&2; fail "the Drills | Advisories separator is not one straight column ($cols)"; }
pass "the pane separators are straight '|' columns despite the Chinese names"

# every alert row: time, severity, TLP at fixed columns
# (an alert of an earlier day shows "MM-DD HH:MM", cut to the column: "12-06 2~")
bad=$(sed -n "4,$((tl - 1))p" "$T/scr" | grep -v -E '^[0-9:-]+( [0-9:]+~?)? +(CRIT|HIGH|MED |LOW |INFO) (RED|AMBER|GREEN|CLEAR)')
[ -z "$bad" ] || { cat "$T/scr" >&2; fail "alert rows out of shape: $bad"; }
pass "alert rows keep their columns"

keys Enter
wait_screen " Details: " 5
check_screen "Details"
pass "Details of an alert: ASCII, within 80 columns"
keys Escape
wait_gone " Details: " 5

keys Tab
wait_focus Tickets
keys n
wait_screen "ticket.note" 5
keys -l 'ascii note'
check_screen "note prompt"
keys Escape
wait_screen "cancelled: nothing sent" 5
check_screen "after the cancel"
pass "an action prompt and its cancel message stay within 80 columns"

tmx resize-window -t t -x 100 -y 30
wait_for 5 sh -c "[ \$(tmux -S $TMUX_SOCK capture-pane -p -t t | wc -l) -eq 30 ]" || fail "resize to 100x30 not seen"
wait_for 5 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | sed -n 30p | grep -q 'fsoc + live'" ||
	{ screen >&2; fail "status bar not on line 30 after resize"; }
screen | LC_ALL=C grep -q '[^ -~]' && { screen >&2; fail "non-ASCII after resize"; }
pass "resized to 100x30: still ASCII, status bar on the last line"

keys q
wait_screen "[exit 0]" 10
