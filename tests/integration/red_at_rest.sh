#!/bin/sh
# TLP:RED at rest. soctop (default: store_red = no) and a second client
# with store_red = yes take the same scenario to its end. The second's file
# holds the RED alerts and tickets; the first's file holds none of them
# (sqlite3 on the file, and strings over the file and its WAL after quitting,
# for each RED id), yet its Alerts pane counts them (they are in memory).
# Started again --offline, they are gone. The file stays 0600 in a 0700
# directory; a cache readable by others is refused at start.
. tests/lib/common.sh

start_sim --seed 31 --rate 200 --max-events 600 --heartbeat 1 --state "$T/sim.state"
write_config
run_soctop 120 40
wait_for 30 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "fsoc never live"
wait_for 30 grep -q "fcert: connecting -> live" "$T/soctop.log" || fail "fcert never live"
synced() {
	fs=$(state_seq "$T/sim.state" fsoc); fc=$(state_seq "$T/sim.state" fcert)
	[ -n "$fs" ] && [ "$(cursor_of fsoc seq)" = "$fs" ] && [ "$(cursor_of fcert seq)" = "$fc" ] || return 1
	sleep 1.5
	[ "$(state_seq "$T/sim.state" fsoc)" = "$fs" ] && [ "$(cursor_of fsoc seq)" = "$fs" ]
}
wait_for 60 synced || fail "soctop never caught up with the sim"
FS=$(state_seq "$T/sim.state" fsoc); FC=$(state_seq "$T/sim.state" fcert)

# the reference: a client that may keep RED on disk
mkdir -p "$T/ref" && chmod 700 "$T/ref"
sed -e "s#^path = .*#path = $T/ref/cache.db#" -e "s#^file = .*#file = $T/ref/soctop.log#" \
	-e "s#^\[cache\]#[cache]\nstore_red = yes#" "$T/config.ini" > "$T/ref/config.ini"
tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s ref -x 120 -y 40 \
	"$B/soctop --config $T/ref/config.ini; echo \"[exit \$?]\"; sleep 30"
wait_for 60 sh -c "[ -s '$T/ref/cache.db' ] && [ \"\$(sqlite3 -cmd '.timeout 5000' '$T/ref/cache.db' \"select group_concat(seq) from (select seq from cursors where backend in ('fsoc','fcert') order by backend desc)\" 2>/dev/null)\" = '$FS,$FC' ]" ||
	fail "the reference client never caught up"
quit_soctop ref
REF="$T/ref/cache.db"
red_alerts=$(db_at "$REF" "select count(*) from alerts where tlp = 4")
red_all=$(db_at "$REF" "select (select count(*) from alerts where tlp = 4) + (select count(*) from tickets where tlp = 4) + (select count(*) from advisories where tlp = 4)")
[ "$red_alerts" -gt 0 ] || fail "the scenario produced no TLP:RED alert (seed 31)"
pass "the scenario has $red_all TLP:RED items ($red_alerts alerts)"

# the file holds none of them; the views count them
[ "$(db "select (select count(*) from alerts where tlp = 4) + (select count(*) from tickets where tlp = 4) + (select count(*) from advisories where tlp = 4)")" = 0 ] ||
	fail "TLP:RED rows in the cache file"
all=$(db_at "$REF" "select count(*) from alerts")
disk=$(db "select count(*) from alerts")
[ "$disk" -eq $((all - red_alerts)) ] || fail "file has $disk alerts, expected $all - $red_alerts"
keys z
wait_screen "Alerts  $all cached" 10
pass "the Alerts pane counts $all (RED ones from memory), the file holds $disk"
keys z
quit_soctop
# after quitting, the WAL is checkpointed: look at every byte left
db_at "$REF" "select id from alerts where tlp = 4 union all select id from tickets where tlp = 4" > "$T/red.ids"
found=0
while read -r id; do
	if cat "$T/state/cache.db"* | strings | grep -F -q "\"id\":\"$id\""; then
		echo "RED $id found in $(ls "$T/state")" >&2; found=1
	fi
done < "$T/red.ids"
[ "$found" = 0 ] || fail "a TLP:RED entity is in the cache file"
# and the reference check can fail: the same grep finds them in the reference file
id1=$(head -1 "$T/red.ids")
cat "$REF"* | strings | grep -F -q "\"id\":\"$id1\"" || fail "the strings check cannot see entities at all"
pass "no TLP:RED id in the cache file or its WAL ($(wc -l < "$T/red.ids") checked with strings)"

# private to the user
[ "$(stat -c %a "$T/state/cache.db")" = 600 ] || fail "cache file mode $(stat -c %a "$T/state/cache.db")"
[ "$(stat -c %a "$T/state")" = 700 ] || fail "cache directory mode $(stat -c %a "$T/state")"
[ "$(stat -c %a "$T/state/cache.db.lock")" = 600 ] || fail "lock file mode"
pass "cache 0600 in a 0700 directory"

# memory only: offline, they are gone
tmux -S "$TMUX_SOCK" rename-session -t t old1
run_soctop 120 40 --offline
wait_screen "OFFLINE (cache only), last update" 10
keys z
wait_screen "Alerts  $disk cached" 10
pass "--offline: $disk alerts, the RED ones did not survive; status says OFFLINE with the last update"
keys q
wait_screen "[exit 0]" 10

# a cache others can read is refused at start
chmod 644 "$T/state/cache.db"
out=$("$B/soctop" --config "$T/config.ini" --offline 2>&1 < /dev/null)
echo "$out" | grep -q "chmod 600" || fail "a 0644 cache was not refused: $out"
chmod 600 "$T/state/cache.db"
chmod 755 "$T/state"
out=$("$B/soctop" --config "$T/config.ini" --offline 2>&1 < /dev/null)
echo "$out" | grep -q "chmod 700" || fail "a 0755 directory was not refused: $out"
chmod 700 "$T/state"
pass "a cache or directory others can read is refused at start"
