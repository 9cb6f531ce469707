#!/bin/sh
# End to end: every operator action through the UI, accepted and (where the
# sim can refuse) refused, with the outcome read off the screen:
#   alert.ack (again → REFUSED conflict, sent from Details), alert.close with
#   a resolution and a Chinese note (note in Details), alert.escalate (the
#   alert's Details link "→ ticket FCERT-...", followed with Enter; again →
#   REFUSED conflict), ticket.ack (again → REFUSED conflict), ticket.status
#   closed (again → REFUSED conflict), ticket.note in Chinese (in Details),
#   ticket.request_vendor (1 h → done and the vendor's LEFT drops by 1 h;
#   more than LEFT → REFUSED insufficient_hours), drill.checkin (the
#   participant's DETECT column shows a time; again → REFUSED conflict).
# And cancelling: n at the confirmation, Esc at a prompt: nothing is sent.
# The sim runs with --rate 0 so that only these actions change the data.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 51 --rate 0 --heartbeat 1
write_config
run_soctop 150 40
wait_screen "fsoc ● live" 15
wait_screen "fcert ● live" 15
wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q '2026-0[0-9][0-9][0-9] '" ||
	{ screen >&2; fail "no ticket rows"; }

# details_has ERE: the open Details (first screen, then the end) match ERE.
details_has() {
	screen | grep -E -q -- "$1" && return 0
	keys G; sleep 0.3
	screen | grep -E -q -- "$1"; _r=$?
	keys g; sleep 0.2
	return $_r
}
expect_details() {
	wait_for 5 details_has "$1" || { screen >&2; fail "Details: no line matching '$1' ($2)"; }
}
# start_action KEY: press KEY and wait for its action prompt (prompt_target reads the target).
# The message line may still show the previous action's outcome ("op ID:
# done"), which looks like a prompt: wait for a line other than that one.
prompt_shown() {
	_l=$(msg_line)
	[ "$_l" != "$_before" ] && printf '%s\n' "$_l" | grep -q -E ' [a-z]+\.[a-z_]+ [^ ]+'
}
start_action() {
	_before=$(msg_line)
	keys "$1"
	wait_for 5 prompt_shown || { screen >&2; fail "key $1 started no action prompt"; }
}

ALERT_NEW='^[^ ]+( [0-9:]+)? +(CRIT|HIGH|MED|LOW|INFO) +[A-Z+]+ +new '

# ---------------------------------------------------------------- alerts
wait_focus Alerts
keys z
wait_gone " Tickets  " 5

# alert.ack
select_row "$ALERT_NEW"
start_action a
a1=$(prompt_target)
case $a1 in AL-*) ;; *) screen >&2; fail "alert.ack prompt names no alert ('$a1')" ;; esac
wait_screen "Send alert.ack $a1 {} to fsoc? [y/N]" 5
keys y
wait_screen "alert.ack $a1: done" 10
open_details
screen_has "Details: alerts $a1" || { screen >&2; fail "Details not for $a1"; }
expect_details '^status +acknowledged' "$a1 acknowledged"
expect_details 'alert\.ack \{\} +done' "$a1 Your actions: ack done"
pass "alert.ack $a1: done; Details show status acknowledged"
# again, from Details (the action keys work there too)
keys a
wait_screen "Send alert.ack $a1 {} to fsoc? [y/N]" 5
keys y
wait_screen "alert.ack $a1: REFUSED conflict" 10
screen_has "alert is acknowledged, not new" || { screen >&2; fail "no refusal message for the second ack"; }
expect_details 'alert\.ack \{\} +refused conflict' "$a1 Your actions: refused"
pass "alert.ack $a1 again: REFUSED conflict (on the message line and in Details)"
close_details

# alert.close: resolution false_positive (arrow), Chinese note
select_row "$ALERT_NEW"
start_action c
a2=$(prompt_target)
[ -n "$a2" ] && [ "$a2" != "$a1" ] || { screen >&2; fail "alert.close: bad target '$a2'"; }
wait_screen "[1 true_positive]" 5
keys Right
wait_screen "[2 false_positive]" 5
keys Enter
wait_screen "Note (optional)" 5
keys -l '已處理，誤報'
wait_screen "Note (optional): 已處理，誤報_" 5
keys Enter
wait_screen "Send alert.close $a2 {\"resolution\":\"false_positive\",\"note\":\"已處理，誤報\"} to fsoc? [y/N]" 5
keys y
wait_screen "alert.close $a2: done" 10
open_details
screen_has "Details: alerts $a2" || { screen >&2; fail "Details not for $a2"; }
expect_details '^status +closed' "$a2 closed"
expect_details '^resolution +false_positive' "$a2 resolution"
expect_details '^ +已處理，誤報$' "$a2 Chinese note"
pass "alert.close $a2 false_positive with a Chinese note: done; Details show closed, the resolution and the note"
close_details

# alert.escalate: empty ticket id, F-CERT opens a ticket
select_row "$ALERT_NEW"
start_action e
a3=$(prompt_target)
[ -n "$a3" ] && [ "$a3" != "$a1" ] && [ "$a3" != "$a2" ] || { screen >&2; fail "alert.escalate: bad target '$a3'"; }
wait_screen "Existing ticket id (empty: F-CERT opens one)" 5
keys Enter
wait_screen "Send alert.escalate $a3 {} to fsoc? [y/N]" 5
keys y
wait_screen "alert.escalate $a3: done" 10
open_details
expect_details '^status +escalated' "$a3 escalated"
expect_details '→ ticket FCERT-[0-9-]+' "$a3 link to its ticket"
t3=$(screen | sed -n 's/.*→ ticket \(FCERT-[0-9-]*\).*/\1/p' | head -1)
[ -n "$t3" ] || { keys G; sleep 0.3; t3=$(screen | sed -n 's/.*→ ticket \(FCERT-[0-9-]*\).*/\1/p' | head -1); }
[ -n "$t3" ] || { screen >&2; fail "no ticket id in $a3's link"; }
pass "alert.escalate $a3: done; Details show '→ ticket $t3'"
# follow the link: Enter jumps to the link line, Enter again opens the ticket
keys g
sleep 0.2
keys Enter
sleep 0.2
keys Enter
wait_screen "Details: tickets $t3" 5
expect_details "Escalated from F-SOC alert $a3" "$t3 note"
expect_details "→ alert $a3" "$t3 link back"
pass "Enter on the link opens $t3 (note 'Escalated from F-SOC alert $a3', link back)"
close_details
# escalate again → conflict (the selection is still on $a3)
start_action e
[ "$(prompt_target)" = "$a3" ] || { screen >&2; fail "selection moved off $a3"; }
keys Enter
wait_screen "[y/N]" 5
keys y
wait_screen "alert.escalate $a3: REFUSED conflict" 10
pass "alert.escalate $a3 again: REFUSED conflict"

# ---------------------------------------------------------------- tickets
keys z
wait_screen " Tickets  " 5
keys Tab
wait_focus Tickets
keys z
wait_gone " Alerts  " 5

# ticket.ack on a new ticket
TICKET_NEW='FCERT-[0-9-]+ .* new +'
select_row "$TICKET_NEW"
start_action a
t1=$(prompt_target)
case $t1 in FCERT-*) ;; *) screen >&2; fail "ticket.ack prompt names no ticket ('$t1')" ;; esac
[ "$(db "SELECT status FROM tickets WHERE id='$t1'")" = new ] || fail "$t1 is not new"
wait_screen "Send ticket.ack $t1 {} to fcert? [y/N]" 5
keys y
wait_screen "ticket.ack $t1: done" 10
row_has() { screen | grep -F -- "$1" | grep -q -E -- "$2"; }
wait_for 5 row_has "$t1 " " triage " || { screen >&2; fail "$t1 row does not show triage"; }
pass "ticket.ack $t1: done; its row shows triage"
select_row "$t1 "
start_action a
[ "$(prompt_target)" = "$t1" ] || { screen >&2; fail "not on $t1"; }
keys y
wait_screen "ticket.ack $t1: REFUSED conflict" 10
screen_has "ticket is triage, not new" || { screen >&2; fail "no refusal message for the second ticket.ack"; }
pass "ticket.ack $t1 again: REFUSED conflict"

# ticket.status → closed (number key picks), no note; then again
select_row "$t1 "
start_action u
[ "$(prompt_target)" = "$t1" ] || { screen >&2; fail "not on $t1"; }
wait_screen "6 closed" 5
keys 6
wait_screen "Note (optional)" 5
keys Enter
wait_screen "Send ticket.status $t1 {\"status\":\"closed\"} to fcert? [y/N]" 5
keys y
wait_screen "ticket.status $t1: done" 10
wait_for 5 row_has "$t1 " " closed " || { screen >&2; fail "$t1 row does not show closed"; }
pass "ticket.status $t1 closed: done; its row shows closed"
select_row "$t1 "
start_action u
[ "$(prompt_target)" = "$t1" ] || { screen >&2; fail "not on $t1"; }
keys 6
wait_screen "Note (optional)" 5
keys Enter
wait_screen "[y/N]" 5
keys y
wait_screen "ticket.status $t1: REFUSED conflict" 10
screen_has "ticket is already closed" || { screen >&2; fail "no refusal message for closing twice"; }
pass "ticket.status $t1 closed again: REFUSED conflict"

# ticket.note in Chinese on an open ticket
select_row 'FCERT-[0-9-]+ .* in progress '
start_action n
t2=$(prompt_target)
case $t2 in FCERT-*) ;; *) screen >&2; fail "ticket.note prompt names no ticket ('$t2')" ;; esac
keys -l '會員已確認，IOC 已封鎖 (42)'
wait_screen "Note: 會員已確認，IOC 已封鎖 (42)_" 5
keys Enter
wait_screen "Send ticket.note $t2 {\"text\":\"會員已確認，IOC 已封鎖 (42)\"} to fcert? [y/N]" 5
keys y
wait_screen "ticket.note $t2: done" 10
open_details
expect_details '^ +會員已確認，IOC 已封鎖 \(42\)$' "$t2 Chinese note"
expect_details 'ticket\.note .* +done' "$t2 Your actions"
pass "ticket.note $t2 in Chinese: done; the note is in Details"
close_details

# ticket.request_vendor: the first vendor of the Vendor hours pane
keys z
wait_screen " Alerts  " 5
keys Tab
wait_focus "Vendor hours"
open_details
vid=$(screen | sed -n 's/.*Details: vendors \([^ ]*\) .*/\1/p')
vname=$(screen | sed -n 's/^name  *//p' | head -1)
[ -n "$vid" ] && [ -n "$vname" ] || { screen >&2; fail "no vendor in Details"; }
close_details
keys z
wait_gone " Alerts  " 5
vendor_left() { screen | grep -F -- "$vname" | head -1 | tr ' ' '\n' | grep -E '^[0-9.]+h$' | head -1 | tr -d h; }
left0=$(vendor_left)
[ -n "$left0" ] || { screen >&2; fail "no LEFT hours for '$vname'"; }
keys z
wait_screen " Alerts  " 5
keys BTab
wait_focus Tickets
keys z
wait_gone " Alerts  " 5
select_row "$t2 "
start_action v
[ "$(prompt_target)" = "$t2" ] || { screen >&2; fail "not on $t2"; }
wait_screen "$vid" 5
k=$(msg_line | sed -n "s/.*\([0-9]\) $vid.*/\1/p")
[ -n "$k" ] || { screen >&2; fail "$vid not offered"; }
keys "$k"
wait_screen "Hours" 5
keys -l 1
keys Enter
wait_screen "Note (optional)" 5
keys Enter
wait_screen "Send ticket.request_vendor $t2 {\"vendor_id\":\"$vid\",\"hours\":1} to fcert? [y/N]" 5
keys y
wait_screen "ticket.request_vendor $t2: done" 10
pass "ticket.request_vendor $t2 $vid 1 h: done"
keys z
wait_screen " Alerts  " 5
keys Tab
wait_focus "Vendor hours"
keys z
wait_gone " Alerts  " 5
want=$(awk -v l="$left0" 'BEGIN { printf "%g", l - 1 }')
left_is() { [ "$(vendor_left)" = "$1" ]; }
wait_for 5 left_is "$want" || { screen >&2; fail "$vname LEFT is $(vendor_left)h, want ${want}h (was ${left0}h)"; }
pass "Vendor hours: $vname LEFT ${left0}h → ${want}h"
# more than is left
over=$(awk -v l="$want" 'BEGIN { printf "%d", l + 1 }')
keys z
wait_screen " Alerts  " 5
keys BTab
wait_focus Tickets
keys z
wait_gone " Alerts  " 5
select_row "$t2 "
start_action v
[ "$(prompt_target)" = "$t2" ] || { screen >&2; fail "not on $t2"; }
wait_screen "$vid" 5
keys "$k"
wait_screen "Hours" 5
keys -l "$over"
keys Enter
wait_screen "Note (optional)" 5
keys Enter
wait_screen "{\"vendor_id\":\"$vid\",\"hours\":$over} to fcert? [y/N]" 5
keys y
wait_screen "ticket.request_vendor $t2: REFUSED insufficient_hours" 10
screen_has "only $want hours remain" || { screen >&2; fail "refusal does not say only $want hours remain"; }
pass "ticket.request_vendor $t2 $vid $over h (LEFT ${want}h): REFUSED insufficient_hours"

# ---------------------------------------------------------------- drills
keys z
wait_screen " Alerts  " 5
keys Tab Tab
wait_focus Drills
keys z
wait_gone " Alerts  " 5
# rows: 1 header, 2 title, 3 the drill, 4 attack, 5 column heads, 6.. participants
wait_screen "DETECT" 5
p2() { screen_line 7; }
before=$(p2)
echo "$before" | grep -E -q ' - +- +- *$' || { screen >&2; fail "second participant already checked in: $before"; }
keys j
sleep 0.2
start_action c
wait_screen "[1 detected]" 5
keys 1
wait_screen "Send drill.checkin" 5
drill=$(prompt_target)
inst=$(msg_line | sed -n 's/.*"institution_id":"\([^"]*\)".*/\1/p')
screen_has "{\"institution_id\":\"$inst\",\"step\":\"detected\"} to fcert? [y/N]" || { screen >&2; fail "drill.checkin confirmation"; }
keys y
wait_screen "drill.checkin $drill: done" 10
# the check-in time, as an offset from the drill's start: +12s, -29m39s, +1h05m
detect_shown() { p2 | grep -E -q ' [-+][0-9]+[dhms]([0-9]+[hms])? +- +- *$'; }
wait_for 5 detect_shown || { screen >&2; fail "participant $inst: no DETECT time (row: $(p2))"; }
screen_line 6 | grep -E -q ' - +- +- *$' || { screen >&2; fail "the first participant changed too"; }
pass "drill.checkin $drill $inst detected: done; its DETECT column shows $(p2 | awk '{print $(NF-2)}') (from the drill's start)"
start_action c
keys 1
wait_screen "[y/N]" 5
keys y
wait_screen "drill.checkin $drill: REFUSED conflict" 10
pass "drill.checkin $drill $inst detected again: REFUSED conflict"

# ---------------------------------------------------------------- cancel
n0=$(outbox_count)
start_action c
keys 2
wait_screen "[y/N]" 5
keys n
wait_screen "drill.checkin cancelled: nothing sent" 5
sleep 1
[ "$(outbox_count)" = "$n0" ] || fail "n at the confirmation still queued an action"
keys z
wait_screen " Alerts  " 5
keys BTab BTab
wait_focus Tickets
start_action n
keys -l 'not to be sent'
keys Escape
wait_screen "ticket.note cancelled: nothing sent" 5
sleep 1
[ "$(outbox_count)" = "$n0" ] || fail "Esc at a prompt still queued an action"
# the server saw nothing either: every outbox row is answered, none pending
[ "$(db "SELECT count(*) FROM outbox WHERE state NOT IN ('done','refused')")" = 0 ] || fail "unanswered actions left"
pass "n at the confirmation and Esc at a prompt send nothing (outbox stays at $n0)"

keys q
wait_screen "[exit 0]" 10
