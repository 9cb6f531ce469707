# tests/e2e/lib/ui.sh - screen helpers shared by the end-to-end scripts.
# Source after tests/lib/common.sh. Not a test itself (make e2e runs only
# tests/e2e/*.sh). Everything looks at what tmux shows, as a person would.

ESC=$(printf '\033')
PANES="Alerts
Tickets
Vendor hours
Drills
Advisories"

tmx() { tmux -S "$TMUX_SOCK" "$@"; }

# screen_line N: line N (1-based) of the screen.
screen_line() { screen | sed -n "${1}p"; }
# msg_line: the message line (h-2); status_line: the last line.
msg_line() { _h=$(tmx display -p -t t '#{pane_height}'); screen_line $((_h - 1)); }
status_line() { _h=$(tmx display -p -t t '#{pane_height}'); screen_line "$_h"; }

# title_line NAME: the 1-based line that shows the pane title " NAME  ".
title_line() { screen | grep -n -F -- " $1  " | head -1 | cut -d: -f1; }

# title_attr NAME: the SGR escapes just before the pane title " NAME", read
# from a capture of that one line (so that no attribute carries over from
# the line before). "absent" when the title is not on the screen.
title_attr() {
	_ln=$(title_line "$1")
	[ -n "$_ln" ] || { echo absent; return; }
	tmx capture-pane -e -p -t t -S $((_ln - 1)) -E $((_ln - 1)) |
		awk -v name=" $1  " -v esc="$ESC" '{
			i = index($0, name)
			if (!i) { print "absent"; exit }
			pre = substr($0, 1, i - 1)
			if (match(pre, "(" esc "\\[[0-9;]*m)+$")) print substr(pre, RSTART, RLENGTH)
			else print "plain"
			exit }'
}

# focused_title: the one pane title drawn with attributes unlike the other
# four (the focus highlight). Prints nothing when that is not exactly one.
focused_title() {
	printf '%s\n' "$PANES" | while IFS= read -r _n; do
		printf '%s\t%s\n' "$_n" "$(title_attr "$_n")"
	done | awk -F'\t' '$2 != "absent" { n[++k] = $1; a[k] = $2; c[$2]++ }
		END { u = 0; for (i = 1; i <= k; i++) if (c[a[i]] == 1) { u++; w = n[i] }
		      if (u == 1 && k >= 2) print w }'
}
focus_is() { [ "$(focused_title)" = "$1" ]; }
wait_focus() {
	wait_for "${2:-5}" focus_is "$1" ||
		{ screen >&2; fail "focus highlight is not on '$1' (highlighted: '$(focused_title)')"; }
}

# wait_gone TEXT [SECS]: until the screen no longer shows TEXT.
screen_lacks() { ! screen_has "$1"; }
wait_gone() { wait_for "${2:-10}" screen_lacks "$1" || { screen >&2; fail "screen still shows '$1'"; }; }

# count_lines ERE: how many screen lines match.
count_lines() { screen | grep -E -c -- "$1"; }

# row_index ERE: in a zoomed pane (header line 1, title 2, column heads 3),
# the 0-based row number of the first row matching ERE; empty if none.
row_index() {
	screen | awk -v re="$1" 'NR >= 4 && $0 ~ re { print NR - 4; exit }'
}
# select_row ERE: Home, then down to the first row matching ERE (zoomed pane).
select_row() {
	_i=$(row_index "$1")
	[ -n "$_i" ] || { screen >&2; fail "no row matching '$1'"; }
	keys g
	while [ "$_i" -gt 0 ]; do keys j; _i=$((_i - 1)); done
	sleep 0.2
}

# prompt_target: the id an action prompt is about ("OP ID: label" or
# "Send OP ID {...}"), read from the message line.
prompt_target() {
	msg_line | sed -n 's/^ *\(Send \)\{0,1\}[a-z]*\.[a-z_]* \([^ :]*\).*/\2/p'
}

# confirm_send: wait for the "[y/N]" confirmation and answer y.
confirm_send() {
	wait_screen "[y/N]" 5
	keys y
}

# outbox_count: rows in the cache's outbox.
outbox_count() { db "SELECT count(*) FROM outbox"; }

# open_details: Enter on the selected row; waits for the Details title.
open_details() {
	keys Enter
	wait_screen " Details: " 5
}
# close_details: Esc back to the panes.
close_details() {
	keys Escape
	wait_gone " Details: " 5
	sleep 0.1
}

# retire_session: rename tmux session "t" out of the way (its soctop has
# exited) so that run_soctop can start a new one on the same tmux server
# (killing the last session would stop the server, and a new-session racing
# that exit fails with "server exited unexpectedly").
RETIRED=0
retire_session() {
	RETIRED=$((RETIRED + 1))
	tmx rename-session -t t "old$RETIRED" || fail "cannot rename the tmux session"
}

# soft_fail MESSAGE: report a failure but go on checking; finish exits 1
# if there was one.
FAILED=0
soft_fail() { echo "FAIL: $*" >&2; FAILED=1; }
finish() { [ "$FAILED" = 0 ] || exit 1; exit 0; }
