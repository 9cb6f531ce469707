#!/bin/sh
# End to end: "/" on the Drills pane narrows the shown drill's participants.
# Zoomed on the drill, inst: with an institution's Chinese name keeps only
# the participants whose name or id contains it (the count checked against
# SQLite's json_each over the cached drill) and the title shows "N of M
# matching /inst:..."; a target word does the same; -status: keeps no row of
# that status; sev:high is refused with a message and the filter in force
# stays; Esc clears and every participant is back. At 80x24 and 240x70.
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

start_sim --seed 52 --rate 1 --heartbeat 1
# the counts on screen are checked against the file: keep TLP:RED rows there too
write_config "[cache]
store_red = yes"

# participant rows: the ones with probes (every sim participant has three)
part_rows() { screen | grep -c -F ' D:'; }
drill_q() { db "SELECT $1 FROM drills, json_each(CAST(drills.data AS TEXT), '\$.participants') p WHERE drills.id = '$did' ${2-}"; }

check() {
	cols=$1 rows=$2
	run_soctop "$cols" "$rows"
	wait_screen "fcert ● live" 15
	wait_screen " Drills  1/" 15
	keys :
	keys -l 'focus drills'
	keys Enter
	wait_focus Drills
	keys z
	wait_gone " Alerts  " 5
	wait_screen " D:" 5
	did=$(db "SELECT id FROM drills ORDER BY (status = 'running') DESC, time DESC, id ASC LIMIT 1")
	total=$(drill_q "count(*)")
	all=$(part_rows)
	[ "$total" -gt 2 ] && [ "$all" -eq "$total" ] ||
		{ screen >&2; fail "${cols}x$rows: $all participant rows shown, the drill $did has $total"; }

	# an institution's name (Chinese): its participants only
	name=$(drill_q "json_extract(p.value, '\$.institution.name')" "ORDER BY p.key LIMIT 1 OFFSET 2")
	short=$(printf '%s' "$name" | cut -c1-6) # the first two characters (UTF-8)
	want=$(drill_q "count(*)" "AND (instr(json_extract(p.value, '\$.institution.name'), '$short') > 0 OR
		instr(json_extract(p.value, '\$.institution.id'), '$short') > 0)")
	keys /
	wait_screen " /_" 5
	keys -l "inst:$short"
	keys Enter
	wait_screen "$want of $total matching  /inst:$short" 5
	n=$(part_rows)
	with=$(screen | grep -F ' D:' | grep -c -F "$short")
	[ "$n" -eq "$want" ] && [ "$with" -eq "$n" ] && [ "$n" -lt "$total" ] ||
		{ screen >&2; fail "${cols}x$rows: inst:$short shows $n rows ($with with it), the cache has $want of $total"; }
	pass "${cols}x$rows: /inst:$short narrows the drill's $total participants to $n, '$want of $total matching' in the title"

	# a target (free text, any case): its row shows its institution
	target=$(drill_q "json_extract(p.value, '\$.target')" "ORDER BY p.key LIMIT 1 OFFSET 1")
	tname=$(drill_q "json_extract(p.value, '\$.institution.name')" "ORDER BY p.key LIMIT 1 OFFSET 1" | cut -c1-6)
	up=$(printf '%s' "$target" | tr a-z A-Z)
	keys /
	keys C-u
	keys -l "$up"
	keys Enter
	wait_screen "1 of $total matching  /$up" 5
	[ "$(part_rows)" -eq 1 ] && screen | grep -F ' D:' | grep -q -F "$tname" || { screen >&2; fail "${cols}x$rows: /$up did not keep only $target"; }
	pass "${cols}x$rows: /$up keeps only the participant with target $target"

	# a status, negated: no row of that status is left, the count matches
	keys /
	keys C-u
	keys -l ' -status:pending' # (a leading '-' would be a tmux flag)
	keys Enter
	wait_screen "matching  /-status:pending" 5
	sleep 0.3
	m=$(screen | sed -n 's/.* \([0-9]*\) of [0-9]* matching  \/-status:pending.*/\1/p')
	[ "$(part_rows)" -eq "$m" ] && ! screen | grep -F ' D:' | grep -q ' pending' ||
		{ screen >&2; fail "${cols}x$rows: -status:pending shows pending rows or a wrong count ($m)"; }
	[ "$m" -gt 0 ] || screen_has "No participant matches the filter" ||
		{ screen >&2; fail "${cols}x$rows: no row and no word why"; }
	pass "${cols}x$rows: /-status:pending leaves $m participants, none pending"

	# a term drills have no use for: refused, named, the filter stays
	keys /
	keys C-u
	keys -l 'inst:x sev:high'
	keys Enter
	wait_screen "filter: sev:high: the drills pane has no severity" 5
	screen_has "/-status:pending" || { screen >&2; fail "${cols}x$rows: the refused filter dropped the one in force"; }
	pass "${cols}x$rows: sev:high is refused on the drills pane with a message; the filter in force stays"

	# Esc clears: every participant is back
	keys Escape
	wait_gone "matching" 5
	[ "$(part_rows)" -eq "$total" ] || { screen >&2; fail "${cols}x$rows: not every participant is back after Esc"; }
	keys Escape
	wait_screen " Alerts  " 5
	pass "${cols}x$rows: Esc clears the drills filter, then unzooms"

	keys q
	wait_screen "[exit 0]" 10
	retire_session
}

check 80 24
check 240 70
finish
