#!/bin/sh
# End to end: an action made while the backend is down waits in the outbox,
# survives quitting soctop, and is delivered exactly once after the restart.
#   soctop live → kill -9 the sim → ticket.note (Chinese) → the message line
#   says "pending (queued until the backend is live" and Details list it as
#   queued → q asks "[y/N]" (n keeps soctop running; y quits, exit 0) → the
#   outbox row is still queued → the sim restarts on the same port with its
#   --state → soctop starts again: "ticket.note ID: done", the outbox row is
#   done, the note is in the ticket once (screen and cache), the sim applied
#   the action once, and a third start sends nothing again.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

SIMARGS="--seed 61 --rate 2 --heartbeat 1 --state $T/sim.state"
# shellcheck disable=SC2086
start_sim $SIMARGS
write_config
run_soctop 150 40
wait_screen "fsoc ● live" 15
wait_screen "fcert ● live" 15
wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q '2026-0[0-9][0-9][0-9] '" ||
	{ screen >&2; fail "no ticket rows"; }
keys Tab
wait_focus Tickets

stop_sim
wait_screen "fcert ○" 10
status_line | grep -q "fcert ○ \(stale\|offline\|connecting\)" || { screen >&2; fail "status bar does not show fcert down"; }
pass "sim killed: the status bar shows fcert down"

note="離線備註 outbox $$"
keys n
wait_screen "ticket.note " 5
tid=$(prompt_target)
case $tid in FCERT-*) ;; *) screen >&2; fail "ticket.note prompt names no ticket ('$tid')" ;; esac
keys -l "$note"
keys Enter
wait_screen "Send ticket.note $tid {\"text\":\"$note\"} to fcert? [y/N]" 5
keys y
wait_screen "ticket.note $tid: pending (queued until the backend is live" 5
[ "$(db "SELECT state FROM outbox WHERE op='ticket.note' AND target='$tid'")" = queued ] ||
	fail "outbox row is not queued: $(db "SELECT * FROM outbox")"
pass "ticket.note $tid while fcert is down: pending (queued) on the message line"
open_details
keys G
shows_note() { screen | grep -F -- "$note" | grep -q -- "$1"; }
wait_for 5 shows_note queued || { screen >&2; fail "Details: the note is not listed as queued under Your actions"; }
pass "Details of $tid list the note as queued"
close_details

# q asks first; n stays
keys q
wait_screen "1 action(s) not yet answered stay queued in the cache and go out next time. Quit now? [y/N]" 5
keys n
sleep 0.5
screen_has "[exit" && fail "n at the quit question quit anyway"
wait_screen " Tickets  " 5
keys q
wait_screen "Quit now? [y/N]" 5
keys y
wait_screen "[exit 0]" 10
pass "q with an unanswered action asks [y/N]; n stays, y quits with status 0"
[ "$(db "SELECT count(*) FROM outbox")" = 1 ] || fail "outbox should hold one row: $(db "SELECT * FROM outbox")"
[ "$(db "SELECT state FROM outbox")" = queued ] || fail "the action is not queued after quitting"
pass "the outbox row survived quitting, still queued"

# the sim comes back on its port with its state; then soctop
# shellcheck disable=SC2086
PORT=$PORT start_sim $SIMARGS
retire_session
run_soctop 150 40
wait_screen "fcert ● live" 15
wait_screen "ticket.note $tid: done" 15
pass "after the restart: ticket.note $tid: done on the message line"
[ "$(db "SELECT count(*) FROM outbox")" = 1 ] || fail "outbox rows: $(db "SELECT * FROM outbox")"
[ "$(db "SELECT state FROM outbox")" = "done" ] || fail "outbox row not done: $(db "SELECT * FROM outbox")"
count_note() { db "SELECT data FROM tickets WHERE id='$tid'" | grep -o -F -- "$note" | wc -l; }
wait_for 5 sh -c "[ \$(sqlite3 -cmd '.timeout 5000' $T/state/cache.db \"SELECT data FROM tickets WHERE id='$tid'\" | grep -o -F -- '$note' | wc -l) -ge 1 ]" ||
	fail "the note never reached the cached ticket"
[ "$(count_note)" -eq 1 ] || fail "the note is $(count_note) times in the ticket"
applied=$(grep -c -F -- "$note" "$T/sim.state")
pass "the outbox row is done; the cached ticket has the note once (sim state mentions it $applied times)"

keys Tab
wait_focus Tickets
keys z
wait_gone " Alerts  " 5
select_row "$tid "
open_details
screen_has "Details: tickets $tid" || { screen >&2; fail "Details not for $tid"; }
keys G
wait_for 5 shows_note ' done' || { screen >&2; fail "Details: the note is not listed as done"; }
n=$(screen | grep -c -E -- "^ +$note\$")
[ "$n" -eq 1 ] || { screen >&2; fail "Details show the note $n times"; }
screen | grep -F -- "$note" | grep -q ' done' || { screen >&2; fail "Details: the note is not listed as done"; }
pass "Details of $tid: the note once, and done under Your actions"
close_details

# a third start: nothing is sent again
keys q
wait_screen "[exit 0]" 10
retire_session
run_soctop 150 40
wait_screen "fcert ● live" 15
sleep 2
[ "$(db "SELECT count(*) FROM outbox")" = 1 ] || fail "outbox grew: $(db "SELECT * FROM outbox")"
[ "$(count_note)" -eq 1 ] || fail "after a third start the note is $(count_note) times in the ticket"
[ "$(grep -c -F -- "$note" "$T/sim.state")" = "$applied" ] || fail "the sim got the action again"
keys q
wait_screen "[exit 0]" 10
pass "a third start sends nothing again"
