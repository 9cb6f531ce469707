#!/bin/sh
# A damaged cache file - garbage over its header, truncated to half, or
# garbage over pages in the middle - is moved aside as cache.db.corrupt-STAMP
# with a message on screen and in the log, and a fresh cache is built from
# the backends: soctop keeps running, the new file passes integrity_check
# and catches up with the sim. Nothing crashes.
. tests/lib/common.sh

start_sim --state "$T/sim.state" --seed 11 --rate 50 --heartbeat 1 --window 100000
write_config
run_soctop 200 40
wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select count(*) from alerts\" 2>/dev/null)\" -gt 300 ]" ||
	fail "soctop never cached 300 alerts"
quit_soctop
pass "a cache of $(db 'select count(*) from alerts') alerts, $(stat -c %s "$T/state/cache.db") bytes"
cp "$T/state/cache.db" "$T/good.db"

# damaged WHAT HOW: damage a copy of the good cache with HOW, start soctop,
# check it moved the file aside and built a fresh one that catches up.
damaged() {
	_what=$1; _how=$2
	tmux -S "$TMUX_SOCK" kill-session -t t 2>/dev/null
	rm -f "$T/state/"cache.db* "$T/soctop.log"
	cp "$T/good.db" "$T/state/cache.db"; chmod 600 "$T/state/cache.db"
	sh -c "$_how" || fail "$_what: could not damage the file"
	_size=$(stat -c %s "$T/state/cache.db")
	run_soctop 200 40
	wait_for 20 grep -q "cache was damaged" "$T/soctop.log" ||
		{ pane_all >&2; fail "$_what: no 'cache was damaged' in the log"; }
	_aside=$(ls "$T/state/" | grep '^cache\.db\.corrupt-[0-9]\{8\}T[0-9]\{6\}Z$' | head -1)
	[ -n "$_aside" ] || { ls -l "$T/state" >&2; fail "$_what: no cache.db.corrupt-STAMP beside the cache"; }
	[ "$(stat -c %s "$T/state/$_aside")" = "$_size" ] || fail "$_what: the file moved aside is not the damaged one"
	grep -q "moved aside to $T/state/$_aside" "$T/soctop.log" || fail "$_what: the log does not name $_aside"
	wait_for 10 screen_has "cache: cache was damaged" || { screen >&2; fail "$_what: the screen does not say so"; }
	screen_has "moved aside to" || { screen >&2; fail "$_what: the screen does not say where it went"; }
	wait_for 30 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "$_what: fsoc never live on the fresh cache"
	wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select count(*) from alerts\" 2>/dev/null)\" -gt 300 ]" ||
		fail "$_what: the fresh cache was not filled"
	[ "$(db 'pragma integrity_check')" = ok ] || fail "$_what: integrity_check of the fresh cache: $(db 'pragma integrity_check' | head -3)"
	[ "$(stat -c %a "$T/state/cache.db")" = 600 ] || fail "$_what: the fresh cache is not mode 600"
	[ -e "$T/state/cache.db.damaged" ] && fail "$_what: the damage marker was left behind"
	quit_soctop
	sanitizer_clean "$T/soctop.log" || fail "$_what: sanitizer report"
	pass "$_what: moved aside to $_aside, fresh cache filled ($(db 'select count(*) from alerts') alerts), integrity ok"
	rm -f "$T/state/$_aside" "$T/state/$_aside-wal"
}

damaged "garbage over the header" \
	"head -c 4096 /dev/urandom | dd of='$T/state/cache.db' conv=notrunc bs=4096 count=1 2>/dev/null"
damaged "truncated to half" \
	"truncate -s \$((\$(stat -c %s '$T/state/cache.db') / 2)) '$T/state/cache.db'"
# garbage over every page but the first: the header reads fine, SQLite
# meets the damage when it reads the schema and tables
damaged "garbage over the pages after the header" \
	"n=\$((\$(stat -c %s '$T/state/cache.db') / 32768 - 1)); head -c \$((n * 32768)) /dev/urandom | dd of='$T/state/cache.db' conv=notrunc bs=32768 seek=1 2>/dev/null"
sanitizer_clean "$T/sim.log" || fail "sanitizer report"
exit 0
