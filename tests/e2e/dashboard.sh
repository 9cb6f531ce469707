#!/bin/sh
# End to end: the five-pane dashboard at 80x24 and at 200x60 (the wide
# layout). All five pane titles are on the screen; Tab and Shift-Tab move the
# focus highlight (the title bar drawn unlike the other four) through them in
# order and round; z zooms the focused pane to the whole area (Tickets: many
# more ticket rows, no other pane title) and z again restores the grid.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 31 --rate 2 --heartbeat 1
write_config

ticket_rows() { count_lines '2026-0[0-9][0-9][0-9] '; }

check_size() {
	cols=$1 rows=$2
	run_soctop "$cols" "$rows"
	wait_screen "fsoc ● live" 15
	wait_screen "fcert ● live" 15
	# wait until every pane has rows from the cache
	wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q '2026-0[0-9][0-9][0-9] '" ||
		{ screen >&2; fail "${cols}x$rows: no ticket rows"; }
	printf '%s\n' "$PANES" | while IFS= read -r p; do
		[ -n "$(title_line "$p")" ] || { screen >&2; fail "${cols}x$rows: pane title '$p' not on the screen"; }
	done || exit 1
	[ "$(screen | wc -l)" -eq "$rows" ] || fail "${cols}x$rows: the screen is not $rows lines"
	status_line | grep -q "fsoc ● live" || { screen >&2; fail "${cols}x$rows: status bar not on the last line"; }
	pass "${cols}x$rows: the five pane titles and the status bar are on the screen"

	# the Alerts title's count never claims fewer alerts than the pane shows
	shown=$(screen | grep -c -E '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] +(CRIT|HIGH|MED|LOW|INFO) ')
	said=$(screen | sed -n 's/^ Alerts  \([0-9]*\) cached.*/\1/p')
	if [ "$shown" -gt 0 ] && [ "${said:-0}" -lt "$shown" ]; then
		soft_fail "${cols}x$rows: title says ' Alerts  $said cached' while the pane shows $shown alert rows (cache: $(db "SELECT count(*) FROM alerts"))"
	else
		pass "${cols}x$rows: title ' Alerts  $said cached' with $shown rows shown"
	fi

	# focus starts on Alerts; Tab walks the panes in order and comes round
	wait_focus Alerts
	for p in Tickets "Vendor hours" Drills Advisories Alerts; do
		keys Tab
		wait_focus "$p"
	done
	pass "${cols}x$rows: Tab moves the focus highlight Alerts→Tickets→Vendor hours→Drills→Advisories→Alerts"
	for p in Advisories Drills; do
		keys BTab
		wait_focus "$p"
	done
	keys Tab
	wait_focus Advisories
	keys Tab Tab
	wait_focus Tickets
	pass "${cols}x$rows: Shift-Tab moves the focus back"

	# zoom Tickets
	before=$(ticket_rows)
	keys z
	wait_for 5 sh -c "! tmux -S $TMUX_SOCK capture-pane -p -t t | grep -q -F ' Alerts  '" ||
		{ screen >&2; fail "${cols}x$rows: z did not zoom (Alerts title still shown)"; }
	sleep 0.3
	screen > "$T/zoomed"
	after=$(grep -c -E '2026-0[0-9][0-9][0-9] ' "$T/zoomed")
	total=$(sed -n 's/^ Tickets  \([0-9]*\) .*/\1/p' "$T/zoomed")
	title_line Tickets | grep -q '^2$' || { screen >&2; fail "${cols}x$rows: zoomed Tickets title not on line 2"; }
	screen | sed '$d' | grep -q '│' && { screen >&2; fail "${cols}x$rows: a pane separator is left while Tickets is zoomed"; }
	for p in "Vendor hours" Drills Advisories; do
		[ -z "$(title_line "$p")" ] || { screen >&2; fail "${cols}x$rows: '$p' still shown while Tickets is zoomed"; }
	done
	want=$((rows - 5))
	[ "$total" -lt "$want" ] && want=$total
	# as many rows as fit (or all); more than the grid showed unless it showed all
	[ "$after" -ge "$want" ] && { [ "$after" -gt "$before" ] || [ "$before" -ge "$total" ]; } ||
		{ screen >&2; fail "${cols}x$rows: zoomed Tickets shows $after ticket rows (grid: $before; want $want of $total)"; }
	status_line | grep -q "fsoc ● live" || { screen >&2; fail "${cols}x$rows: status bar lost while zoomed"; }
	pass "${cols}x$rows: z zooms Tickets ($before → $after ticket rows, other panes hidden)"

	keys z
	wait_screen " Alerts  " 5
	printf '%s\n' "$PANES" | while IFS= read -r p; do
		[ -n "$(title_line "$p")" ] || { screen >&2; fail "${cols}x$rows: '$p' not back after z"; }
	done || exit 1
	wait_focus Tickets
	[ "$(title_line Tickets)" -gt "$(title_line Alerts)" ] || { screen >&2; fail "${cols}x$rows: grid not restored after z"; }
	pass "${cols}x$rows: z again restores the grid, focus still on Tickets"

	# zoom another pane: Drills, and Esc also leaves the zoom
	keys Tab Tab
	wait_focus Drills
	keys z
	wait_gone " Tickets  " 5
	title_line Drills | grep -q '^2$' || { screen >&2; fail "${cols}x$rows: zoomed Drills title not on line 2"; }
	keys Escape
	wait_screen " Tickets  " 5
	wait_focus Drills
	pass "${cols}x$rows: Drills zooms too; Esc leaves the zoom"

	keys q
	wait_screen "[exit 0]" 10
	retire_session
}

check_size 80 24
check_size 200 60
finish
