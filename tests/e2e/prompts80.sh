#!/bin/sh
# End to end: action prompts at 80x24, the smallest common terminal. An
# operator must see what they are confirming: the confirmation line keeps
# "OP ID" and "[y/N]" in view, and a choice prompt keeps saying what is being
# chosen (OP ID: label) next to the highlighted choice. Long lines must not
# spill over 80 columns (Chinese text counted two columns a character).
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 91 --rate 0 --heartbeat 1
write_config
run_soctop 80 24
wait_screen "fsoc ● live" 15
wait_screen "fcert ● live" 15
wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q '2026-0[0-9][0-9][0-9] '" ||
	{ screen >&2; fail "no ticket rows"; }
keys Tab
wait_focus Tickets

# display width of the message line, in a UTF-8 aware way
width() { msg_line | python3 -c 'import sys, unicodedata as u; s = sys.stdin.read().rstrip("\n"); print(sum(2 if u.east_asian_width(c) in "WF" else 1 for c in s))'; }
check_width() {
	w=$(width)
	[ "$w" -le 80 ] || soft_fail "$1: the message line is $w columns wide: '$(msg_line)'"
}

# ticket.status: a choice prompt of six statuses
keys u
wait_screen "1/6 new" 5
m=$(msg_line)
check_width "ticket.status choice"
echo "$m" | grep -q "ticket.status .*New status" ||
	soft_fail "80 columns: the ticket.status choice prompt does not say what is chosen: '$m'"
echo "seen: ticket.status choice prompt at 80 columns: '$m'"
keys Escape
wait_screen "cancelled: nothing sent" 5

# ticket.request_vendor: the confirmation of a long request
keys v
wait_screen "VND-" 5
m=$(msg_line)
echo "$m" | grep -q "request_vendor .*Vendor" ||
	soft_fail "80 columns: the vendor choice prompt does not say what is chosen: '$m'"
keys 1
wait_screen "Hours" 5
keys -l 2
keys Enter
wait_screen "Note (optional)" 5
keys -l '請協助鑑識 vendor note'
keys Enter
wait_screen "[y/N]" 5
m=$(msg_line)
check_width "request_vendor confirmation"
echo "$m" | grep -q "Send ticket.request_vendor [^ ]*2026-0[0-9]* " ||
	soft_fail "80 columns: the confirmation does not show 'Send ticket.request_vendor ID': '$m'"
echo "seen: ticket.request_vendor confirmation at 80 columns: '$m'"
n0=$(outbox_count)
keys n
wait_screen "cancelled: nothing sent" 5
[ "$(outbox_count)" = "$n0" ] || fail "n at the confirmation sent something"

keys q
wait_screen "[exit 0]" 10
finish
