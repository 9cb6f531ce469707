#!/bin/sh
# The alerts pane follows new alerts while the newest row is selected; once
# the operator scrolls away it holds still and counts "N new" instead of
# jumping; Home follows again. Control characters from the backend never
# reach the screen.
. tests/lib/common.sh

start_sim --seed 21 --rate 8 --heartbeat 1
write_config
run_soctop 120 40
wait_screen "fsoc ● live" 15
sleep 1
keys Down Down Down
sleep 0.5
row_before=$(screen | sed -n 4p)
wait_screen "new ↑" 15
row_after=$(screen | sed -n 4p)
[ "$row_before" = "$row_after" ] || fail "the first alert row moved while scrolled back:
  before: $row_before
  after:  $row_after"
pass "scrolled back, the pane holds still and shows N new"

keys g  # Home; tmux sends Home as ESC[1~, which xterm-256color does not name
sleep 1
screen | sed -n 2p | grep -q "new ↑" && fail "still counting new alerts after Home"
first=$(screen | sed -n 4p)
wait_for 10 sh -c "[ \"\$(tmux -S $TMUX_SOCK capture-pane -p -t t | sed -n 4p)\" != \"$first\" ]" ||
	fail "after Home the pane does not follow new alerts"
pass "Home follows new alerts again"

# nothing from the backend's strings may move the cursor or change modes
tmux -S "$TMUX_SOCK" capture-pane -p -e -t t | grep -q "$(printf '\033]')" && fail "an OSC sequence reached the screen"
keys q
wait_for 10 screen_has "[exit 0]" || fail "q did not quit"
pass "quit"
