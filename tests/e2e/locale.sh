#!/bin/sh
# End to end: the language and the locale. The test generates the zh_TW.UTF-8
# locale itself (localedef into its own directory, used through LOCPATH), so
# a fresh machine needs only the locales package. Under zh_TW.UTF-8
# (xterm-256color) soctop speaks Traditional Chinese; under LANG=C (vt100,
# NO_COLOR) English in ASCII. In both, at 80x24 and 240x70: help lists the
# bound keys (with a key added by the user keymap), a filter narrows the
# rows, the rebound key works, and the Chinese institution names never
# shift a column (the display width before the CATEGORY column is the same
# on every alert row).
. tests/lib/common.sh
. tests/e2e/lib/ui.sh

command -v localedef >/dev/null 2>&1 || { echo "SKIP: localedef missing (Debian package: locales)"; exit 77; }
mkdir -p "$T/loc"
localedef -i zh_TW -f UTF-8 "$T/loc/zh_TW.UTF-8" >"$T/localedef.out" 2>&1
[ -f "$T/loc/zh_TW.UTF-8/LC_CTYPE" ] ||
	{ cat "$T/localedef.out"; echo "SKIP: localedef could not build zh_TW.UTF-8 (/usr/share/i18n/locales/zh_TW?)"; exit 77; }
LOCPATH="$T/loc" LC_ALL=zh_TW.UTF-8 locale charmap 2>/dev/null | grep -q UTF-8 ||
	{ echo "SKIP: the generated zh_TW.UTF-8 locale does not load"; exit 77; }

start_sim --seed 71 --rate 2 --heartbeat 1
printf 'bind x quit\n' > "$T/keys"
write_config "[ui]
keys = $T/keys"

TLPS='(RED|AMBER|AMBER\+S|GREEN|CLEAR)'
CATS='(ddos|exploit|phishing|malware|recon|policy|intrus[a-z]*|intrusi…|intrusi~)'
# aligned: on every alert row the text before the category has one width.
aligned() {
	screen | grep -E " (CRIT|HIGH|MED|LOW|INFO) +$TLPS " |
		LC_ALL=C awk -v re=" $CATS( |$)" 'match($0, re) { print substr($0, 1, RSTART) }' | while IFS= read -r pre; do
			printf '%s\n' "$pre" | LC_ALL=C.UTF-8 wc -L
		done | sort -u > "$T/widths"
	[ "$(wc -l < "$T/widths")" = 1 ]
}

check() {
	cols=$1 rows=$2 env=$3 live=$4 alerts=$5 tickets=$6 everywhere=$7 matching=$8
	TEST_TERM="$env" run_soctop "$cols" "$rows"
	wait_screen "fsoc $live" 15
	wait_for 10 sh -c "tmux -S $TMUX_SOCK capture-pane -p -t t | grep -E -q ' CRIT +$TLPS '" ||
		{ screen >&2; fail "$cols x $rows ($env): no alert rows"; }
	screen_has " $alerts  " && screen_has " $tickets  " ||
		{ screen >&2; fail "${cols}x$rows ($env): pane titles are not '$alerts', '$tickets'"; }
	screen | grep -E " (CRIT|HIGH|MED|LOW|INFO) +$TLPS " | grep -q -E '[^ -~]|\?' ||
		{ screen >&2; fail "${cols}x$rows ($env): no institution name drawn"; }
	aligned || { screen >&2; cat "$T/widths" >&2; fail "${cols}x$rows ($env): the CATEGORY column moves with the Chinese names"; }
	pass "${cols}x$rows ($env): '$alerts'/'$tickets' titles; every alert row's CATEGORY at one display column"

	keys '?'
	wait_screen "$everywhere:" 5
	screen | grep -E -q '^ +q, Q, x +quit ' || { screen >&2; fail "${cols}x$rows ($env): help lacks 'q, Q, x  quit'"; }
	screen | grep -E -q '^ +a +alert\.ack ' || { screen >&2; fail "${cols}x$rows ($env): help lacks 'a  alert.ack'"; }
	pass "${cols}x$rows ($env): ? lists the bound keys under '$everywhere', the user's x included"
	keys Escape
	wait_screen " $tickets  " 5

	keys z
	wait_gone " $tickets  " 5
	keys /
	keys -l 'sev:critical'
	keys Enter
	wait_screen "$matching  /sev:critical" 5
	sleep 0.3
	n=$(screen | grep -E -c " (CRIT|HIGH|MED|LOW|INFO) +$TLPS ")
	c=$(screen | grep -E -c " CRIT +$TLPS ")
	[ "$n" -gt 0 ] && [ "$n" = "$c" ] || { screen >&2; fail "${cols}x$rows ($env): the filter left non-critical rows"; }
	aligned || { screen >&2; fail "${cols}x$rows ($env): columns move in the filtered pane"; }
	pass "${cols}x$rows ($env): /sev:critical narrows to critical rows ($n shown), columns still aligned"
	keys Escape Escape

	keys x
	wait_for 10 screen_has "[exit 0]" || { screen >&2; fail "${cols}x$rows ($env): x (user keymap) did not quit"; }
	pass "${cols}x$rows ($env): x, from the user keymap, quits"
	retire_session
}

ZH="xterm-256color LOCPATH=$T/loc LANG=zh_TW.UTF-8 LC_ALL=zh_TW.UTF-8"
C="vt100 NO_COLOR=1 LANG=C LC_ALL=C"
check 80 24 "$ZH" "● 即時" "警報" "工單" "所有畫面" "筆符合"
check 240 70 "$ZH" "● 即時" "警報" "工單" "所有畫面" "筆符合"
check 80 24 "$C" "+ live" "Alerts" "Tickets" "Everywhere" "matching"
check 240 70 "$C" "+ live" "Alerts" "Tickets" "Everywhere" "matching"

# [ui] language over the locale: en under zh_TW.UTF-8, zh_TW under C.UTF-8
lang_run() {
	write_config "[ui]
language = $1"
	TEST_TERM="$2" run_soctop 80 24
	wait_screen " $3  " 15
	keys q
	wait_screen "[exit 0]" 10
	retire_session
}
lang_run en "$ZH" "Alerts"
lang_run zh_TW "xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8" "警報"
pass "[ui] language = en and zh_TW choose the language over the locale"
finish
