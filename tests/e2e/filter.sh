#!/bin/sh
# End to end: "/" filters the focused pane. On the zoomed alerts pane,
# sev:critical leaves only CRIT rows (fewer than before) and the title shows
# the filter; a Chinese institution term keeps only that institution's rows;
# a bad expression is refused with a message naming it and the rows stay;
# Esc clears. The tickets pane filters by status through ":filter". At
# 80x24 and 240x70.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 51 --rate 1 --heartbeat 1
# the counts on screen are checked against the file: keep TLP:RED rows there too
write_config "[cache]
store_red = yes"

TLPS='(RED|AMBER|AMBER\+S|GREEN|CLEAR)'
alert_rows() { screen | grep -E -c " (CRIT|HIGH|MED|LOW|INFO) +$TLPS "; }
crit_rows() { screen | grep -E -c " CRIT +$TLPS "; }

check() {
	cols=$1 rows=$2
	run_soctop "$cols" "$rows"
	wait_screen "fsoc ● live" 15
	wait_screen "fcert ● live" 15
	wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -E -q ' (CRIT|HIGH|MED|LOW|INFO) '" ||
		{ screen >&2; fail "${cols}x$rows: no alert rows"; }
	keys z
	wait_gone " Tickets  " 5
	sleep 0.3
	all=$(alert_rows)
	cached=$(screen | sed -n 's/^ Alerts  \([0-9]*\) cached.*/\1/p')
	[ "$all" -gt "$(crit_rows)" ] || { screen >&2; fail "${cols}x$rows: want some non-critical rows to filter out"; }

	keys /
	wait_screen " /_" 5
	keys -l 'sev:cr'
	keys Tab # completes the level
	wait_screen " /sev:critical _" 5
	# alerts keep arriving: the title's count, taken once the filter is
	# applied, lies between the cache's critical count before and after
	before=$(db "SELECT count(*) FROM alerts WHERE severity = 4")
	keys Enter
	wait_screen "matching  /sev:critical" 5
	sleep 0.3
	n=$(alert_rows)
	c=$(crit_rows)
	matching=$(screen | sed -n 's/^ Alerts  \([0-9]*\) matching.*/\1/p')
	# soctop's views see its own open write batch (committed within 50 ms),
	# the sqlite3 CLI only committed rows: read the upper bound a little later
	sleep 0.3
	want=$(db "SELECT count(*) FROM alerts WHERE severity = 4")
	[ "$n" -gt 0 ] && [ "$n" -eq "$c" ] && [ "$matching" -ge "$before" ] && [ "$matching" -le "$want" ] &&
		[ "$matching" -lt "$cached" ] ||
		{ screen >&2; fail "${cols}x$rows: sev:critical shows $n rows, $c CRIT, title $matching matching (cache: $before..$want critical of $cached)"; }
	pass "${cols}x$rows: /sev:critical narrows the alerts to $matching (all $n shown CRIT) from $cached, shown in the title"

	# free text and an institution, in Chinese, on top of it: edit the filter
	inst=$(db "SELECT inst_name FROM alerts WHERE severity = 4 AND inst_name IS NOT NULL GROUP BY inst_name ORDER BY count(*) DESC LIMIT 1")
	short=$(printf '%s' "$inst" | cut -c1-6) # the first two characters (UTF-8)
	keys /
	wait_screen " /sev:critical_" 5
	keys -l " inst:$short"
	keys Enter
	wait_screen "/sev:critical inst:$short" 5
	sleep 0.3
	n2=$(alert_rows)
	with=$(screen | grep -E " CRIT +$TLPS " | grep -c -F "$short")
	[ "$n2" -gt 0 ] && [ "$n2" -eq "$with" ] && [ "$n2" -le "$n" ] ||
		{ screen >&2; fail "${cols}x$rows: inst:$short shows $n2 rows, $with with '$short'"; }
	pass "${cols}x$rows: inst:$short keeps only that institution's critical alerts ($n2 rows)"

	# a bad expression: refused, named, and the filter in force stays
	keys /
	keys C-u
	keys -l 'sev:huge'
	keys Enter
	wait_screen "filter: sev:huge: 'huge' is not a severity" 5
	screen_has "/sev:critical inst:$short" || { screen >&2; fail "${cols}x$rows: the bad filter dropped the good one"; }
	pass "${cols}x$rows: a bad filter is refused with a message; the one in force stays"

	# Esc clears (the first Esc the filter, the second the zoom)
	keys Escape
	wait_screen " cached" 5
	screen_has "/sev:critical" && { screen >&2; fail "${cols}x$rows: Esc did not clear the filter"; }
	sleep 0.3
	[ "$(alert_rows)" -ge "$all" ] || { screen >&2; fail "${cols}x$rows: rows not back after Esc"; }
	keys Escape
	wait_screen " Tickets  " 5
	pass "${cols}x$rows: Esc clears the filter, then unzooms"

	# tickets through the command line
	keys Tab
	wait_focus Tickets
	keys z
	wait_gone " Alerts  " 5
	sleep 0.3
	tall=$(screen | grep -c -E '2026-0[0-9]{3} ')
	keys :
	keys -l 'filter status:new'
	keys Enter
	wait_screen "/status:new" 5
	sleep 0.3
	tnew=$(screen | grep -c -E '2026-0[0-9]{3} ')
	tcount=$(db "SELECT count(*) FROM tickets WHERE status = 'new'")
	[ "$tnew" -eq "$tcount" ] && [ "$tnew" -lt "$tall" ] ||
		{ screen >&2; fail "${cols}x$rows: :filter status:new shows $tnew tickets (cache has $tcount new, $tall shown before)"; }
	screen | grep -E '2026-0[0-9]{3} ' | grep -v -q ' new ' && { screen >&2; fail "${cols}x$rows: a ticket not new"; }
	pass "${cols}x$rows: ':filter status:new' shows the $tnew new tickets"
	keys :
	keys -l 'sort severity'
	keys Enter
	wait_screen "sort: severity" 5
	screen_has "/status:new" || { screen >&2; fail "${cols}x$rows: :sort dropped the filter"; }
	keys :
	keys -l 'sort colour'
	keys Enter
	wait_screen "sort: by due, severity, updated, opened, status, institution" 5
	pass "${cols}x$rows: ':sort severity' sorts the filtered tickets; a bad column is named"
	keys Escape Escape
	wait_screen " Alerts  " 5

	keys q
	wait_screen "[exit 0]" 10
	retire_session
}

check 80 24
check 240 70
finish
