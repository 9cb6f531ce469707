#!/bin/sh
# End to end: wall mode. soctop --wall against the sim with the room's
# ceiling at GREEN (the default): the header says read-only; no key but q
# Ctrl-L and ? do anything (every action key, reconnect, Enter, Tab, zoom,
# : and /: no prompt, no flash, nothing queued, nothing logged), and help
# says the wall is read-only and lists no action; the list draws no
# item above GREEN and the withheld count matches the cache; the sim
# stopped with SIGSTOP brings a banner naming the backend and since when,
# and STALE on its counters; SIGCONT takes them away by itself. Then the
# same in ASCII at 80x24.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 61 --rate 150 --max-events 700 --heartbeat 1 --state "$T/sim.state"
# RED on disk here only so that sqlite3 can count what the wall withholds
write_config "[cache]
store_red = yes"
run_soctop 110 32 --wall
wait_screen "WALL  read-only: no actions in this mode" 10
wait_screen "room ceiling TLP:GREEN" 5
wait_for 60 fsoc_synced || fail "soctop never caught up with the sim"
sleep 1.5 # the wall reads the cache once a second

held=$(db "select count(*) from alerts where severity = 4 and status is not 'closed' and not (tlp between 0 and 1)")
[ "$held" -gt 0 ] || fail "the scenario has no open critical alert above GREEN (seed 61)"
shown=$(db "select count(*) from alerts where severity = 4 and status is not 'closed' and tlp between 0 and 1")
[ "$shown" -gt 0 ] || fail "the scenario has no open critical alert at GREEN or below"
wait_screen "$held items above TLP:GREEN withheld" 5
screen | grep -E -q '^[0-9:-]+ [0-9:]* *(GREEN|CLEAR) ' || { screen >&2; fail "no list row drawn"; }
if screen | grep -E '^[0-9][0-9][:-]' | grep -E -q ' (AMBER|AMBER\+S|RED) '; then
	screen >&2; fail "an item above TLP:GREEN was drawn"
fi
pass "withheld: $held above TLP:GREEN (cache agrees); only CLEAR/GREEN rows drawn"

# every key that does something elsewhere
for k in a c e o u n v r s S '[' ']' z j k g G Space Enter Tab BTab Escape ':' '/' Down PgDn; do
	keys "$k"
done
keys a y
sleep 1
screen_has "[y/N]" && { screen >&2; fail "a prompt appeared in wall mode"; }
screen_has "reconnecting" && fail "r reconnected in wall mode"
screen_has "WALL  read-only" || { screen >&2; fail "the wall went away after keys"; }
[ "$(outbox_count)" = 0 ] || fail "an action was queued in wall mode"
grep -E -q "queued as|reconnect" "$T/soctop.log" && fail "the log shows an action or reconnect in wall mode"
pass "no action key has an effect (outbox empty, no prompt, nothing logged)"
# help says so, and lists no action
keys '?'
wait_screen "Wall mode: read-only. Operator actions do not exist here" 5
screen | grep -E -q 'alert\.ack|ticket\.|drill\.checkin' && { screen >&2; fail "help lists an action in wall mode"; }
keys Escape
wait_screen "WALL  read-only" 5
pass "help says the wall is read-only and lists no action"

# the sim stops answering: a banner names it; its counters say STALE
kill -STOP "$SIM_PID"
wait_screen "fsoc: no update since" 15
# the label is long or short by the width ("CRITICAL alerts open", "CRIT alerts")
crit_stale() { screen | grep -E -q 'CRIT(ICAL)? alerts( open)? STALE'; }
wait_for 5 crit_stale || { screen >&2; fail "the critical alerts counter never said STALE"; }
screen_has "fcert: no update since" || { screen >&2; fail "no banner for fcert (same sim)"; }
pass "stopped sim: $(screen | grep -m1 -o '[A-Z]* fsoc: no update since [^;]*')"
kill -CONT "$SIM_PID"
wait_gone "no update since" 40
wait_gone "STALE" 5
pass "resumed sim: the banner and the STALE marks went by themselves"
keys q
wait_screen "[exit 0]" 10
retire_session

# ASCII at 80x24
TEST_TERM=vt100 run_soctop 80 24 --wall
wait_screen "items above TLP:GREEN withheld" 10
screen | grep -q "###" || { screen >&2; fail "no ASCII block digits"; }
screen | grep -q "█" && { screen >&2; fail "Unicode blocks with TERM=vt100"; }
wait_screen "$held items above TLP:GREEN withheld" 5
pass "ASCII at 80x24: block digits in #, the withheld line"
keys q
wait_screen "[exit 0]" 10
finish
