#!/bin/sh
# End to end: assign a ticket from the Tickets pane and see the backend's
# answer arrive on the screen. o, type duty.wang, Enter, y: the message line
# says "ticket.assign ID: done", the ticket's row shows duty.wang in the
# ASSIGNEE column and its Details show "assignee duty.wang", the sim's
# "assigned to duty.wang" note, and the action under "Your actions". Then
# the refused case: o nobody.here → "REFUSED unknown_assignee" on the message
# line and "refused unknown_assignee" in Details; the ticket keeps duty.wang.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 41 --rate 0 --heartbeat 1
write_config
run_soctop 120 40
wait_screen "fsoc ● live" 15
wait_screen "fcert ● live" 15
wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q 'FCERT-\|2026-0[0-9][0-9][0-9] '" ||
	{ screen >&2; fail "no ticket rows"; }

keys Tab
wait_focus Tickets
keys z
wait_gone " Alerts  " 5
# a ticket that is open and not assigned to duty.wang already
select_row 'FCERT-[0-9-]+ .*(new|triage|in progress|waiting)[^ ]* .* (duty[.](chen|lin|tsai|hua)[^ ]*|-) '
keys o
wait_screen "Assign to" 5
tid=$(prompt_target)
case $tid in FCERT-*) ;; *) screen >&2; fail "assign prompt names no ticket ('$tid')" ;; esac
[ "$(db "SELECT coalesce(assignee,'') FROM tickets WHERE id='$tid'")" != duty.wang ] ||
	fail "$tid is already duty.wang's"
keys -l duty.wang
wait_screen "Assign to (duty officer): duty.wang" 5
keys Enter
wait_screen "Send ticket.assign $tid {\"assignee\":\"duty.wang\"} to fcert" 5
n0=$(outbox_count)
keys y
wait_screen "ticket.assign $tid: done" 10
[ "$(outbox_count)" -eq $((n0 + 1)) ] || fail "the assign did not go through the outbox once"
pass "ticket.assign $tid duty.wang: done on the message line"

# the row of that ticket shows the new assignee (the change came back from F-CERT)
row_has() { screen | grep -F -- "$1" | grep -q -F -- "$2"; }
wait_for 10 row_has "$tid " " duty.wang " || { screen >&2; fail "$tid row does not show duty.wang"; }
[ "$(db "SELECT assignee FROM tickets WHERE id='$tid'")" = duty.wang ] || fail "cache: $tid not duty.wang's"
pass "the $tid row shows duty.wang"

open_details
screen_has "Details: tickets $tid" || { screen >&2; fail "Details are not for $tid"; }
screen | grep -E -q '^assignee +duty\.wang' || { screen >&2; fail "Details: no 'assignee duty.wang'"; }
screen_has "assigned to duty.wang" || { screen >&2; fail "Details: no 'assigned to duty.wang' note"; }
keys G
wait_screen "Your actions" 5
screen | grep -E -q 'ticket\.assign \{"assignee":"duty\.wang"\} +done' ||
	{ screen >&2; fail "Details: 'Your actions' does not list the assign as done"; }
pass "Details of $tid: assignee duty.wang, the sim's note, and the action done"

# refused: not a duty officer. Actions work from Details too, but go back first.
close_details
keys o
wait_screen "Assign to" 5
[ "$(prompt_target)" = "$tid" ] || { screen >&2; fail "selection moved off $tid after the assign"; }
keys -l nobody.here
keys Enter
wait_screen "[y/N]" 5
keys y
wait_screen "ticket.assign $tid: REFUSED unknown_assignee" 10
screen_has "'nobody.here' is not a duty officer" || { screen >&2; fail "refusal message not shown"; }
pass "ticket.assign $tid nobody.here: REFUSED unknown_assignee on the message line"
row_has "$tid " " duty.wang " || { screen >&2; fail "$tid lost duty.wang after a refused assign"; }
open_details
keys G
shows() { screen | grep -E -q -- "$1"; }
wait_for 5 shows 'ticket\.assign \{"assignee":"nobody\.here"\} +refused unknown_assignee' ||
	{ screen >&2; fail "Details: 'Your actions' does not show the refusal"; }
shows '^assignee +duty\.wang' || {
	keys g
	wait_for 5 shows '^assignee +duty\.wang' || { screen >&2; fail "Details: assignee changed by a refused assign"; }
}
pass "Details of $tid: the refused assign listed, assignee still duty.wang"
close_details

keys q
wait_screen "[exit 0]" 10
pass "q quits"
