#!/bin/sh
# Hostile input from a backend (soctop-sim --raw), in phases, each a fresh
# sim on the same port (a new epoch each time), one soctop throughout:
#  A  invalid JSON, wrong field types, missing required fields, invalid
#     UTF-8, escape sequences in titles (ESC[2J, OSC 52), an unknown message
#     type, a duplicate seq, a rev going backwards, a message fragmented
#     inside a UTF-8 character, an epoch change (a snapshot of another epoch)
#  B  a seq gap           C  a heartbeat ahead of the last seq
#  D  a message over 1 MiB inside a snapshot (close 1009, nothing of the
#     snapshot applied, reconnect, resume)
#  E  a binary message (close 1003, reconnect, resume)
#  F  a well-behaved sim: soctop settles at its newest seq
# Each time: counted (log/stats), the connection continues or resyncs,
# nothing half-applied, and soctop stays up and exits 0 on q.
. tests/lib/common.sh

# alert ID TITLE: a valid alert entity (TITLE is put in a JSON string as is)
alert() {
	printf '{"id":"%s","time":"2026-11-25T08:00:00Z","institution":{"id":"B002","name":"北辰商業銀行"},"source":"suricata","category":"ddos","severity":"high","title":"%s","indicators":[{"type":"ipv4","value":"203.0.113.7"}],"tlp":"AMBER","status":"new"}' "$1" "$2"
}
# ev SEQ ID REV DATA: an alerts upsert event line
ev() { printf '{"type":"event","seq":%s,"stream":"alerts","op":"upsert","id":"%s","rev":%s,"data":%s}\n' "$1" "$2" "$3" "$4"; }
# replay_alerts PREFIX N: N valid replay lines
replay_alerts() {
	i=1
	while [ $i -le "$2" ]; do
		printf '{"backend":"fsoc","stream":"alerts","op":"upsert","id":"%s-%02d","data":%s}\n' "$1" $i "$(alert "$1-$i" "real alert $i of $1 信達期貨")"
		i=$((i + 1))
	done
}
has() { [ "$(db "select count(*) from alerts where id = '$1'")" = 1 ]; }
hasnt() { [ "$(db "select count(*) from alerts where id = '$1'")" = 0 ]; }
alive() { [ "$(soctop_pid)" = "$PID" ] || { pane_all >&2; fail "soctop died ($1)"; }; }
logcount() { grep -c -- "$1" "$T/soctop.log"; }
: > "$T/empty.jsonl"

FRAG_TITLE='分片訊息：北辰商業銀行遭受 DDoS 攻擊，請立即處置'
ESC_CLS='\u001b[2J\u001b[Hscreen wiped'
ESC_OSC='clipboard \u001b]52;c;ZXZpbCBjb21tYW5k\u0007 grab'
BAD=$(printf '\377')
{
	echo 'this is {not json'
	ev 1 AL-RAW-0001 1 "$(alert AL-RAW-0001 "normal alert one")"
	ev 2 AL-RAW-BADTYPE 1 "$(alert AL-RAW-BADTYPE "wrong type" | sed 's/"severity":"high"/"severity":7/')"
	ev 3 AL-RAW-MISSING 1 "$(alert AL-RAW-MISSING "x" | sed 's/"title":"x",//')"
	ev 4 AL-RAW-BADUTF8 1 "$(alert AL-RAW-BADUTF8 "bad ${BAD} byte")"
	ev 4 AL-RAW-0004 1 "$(alert AL-RAW-0004 "after the unreadable one")"
	ev 5 AL-RAW-CLS 1 "$(alert AL-RAW-CLS "$ESC_CLS")"
	ev 6 AL-RAW-OSC 1 "$(alert AL-RAW-OSC "$ESC_OSC")"
	echo '{"type":"weather","forecast":"typhoon","seq":3}'
	ev 6 AL-RAW-DUP 1 "$(alert AL-RAW-DUP "duplicate seq must not apply")"
	ev 7 AL-RAW-REV 5 "$(alert AL-RAW-REV "rev five")"
	ev 8 AL-RAW-REV 3 "$(alert AL-RAW-REV "rev three")"
	printf '#frag '; ev 9 AL-RAW-FRAG 1 "$(alert AL-RAW-FRAG "$FRAG_TITLE")"
	echo '{"type":"heartbeat","seq":"9"}'
	echo '{"type":"snapshot_begin","seq":9}'
	echo '{"type":"snapshot_begin","epoch":"0ther-epoch-1","seq":50}'
	printf '{"type":"event","stream":"alerts","op":"upsert","id":"AL-EPOCH-1","rev":1,"data":%s}\n' "$(alert AL-EPOCH-1 "from the other epoch")"
	echo '{"type":"snapshot_end","epoch":"0ther-epoch-1","seq":50}'
	ev 51 AL-RAW-0051 1 "$(alert AL-RAW-0051 "first live event of the other epoch")"
} > "$T/rawA"

# A tmux server with set-clipboard on before soctop starts: an OSC 52 that
# got through to the terminal would show up as a tmux paste buffer.
tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s keep "sleep 300"
tmux -S "$TMUX_SOCK" set -g set-clipboard on

# ---- A
start_sim --replay "$T/empty.jsonl" --rate 0 --heartbeat 1 --raw "$T/rawA"
write_config
run_soctop 200 50
wait_for 30 has AL-RAW-0051 || { sed -n '1,200p' "$T/soctop.log" | tail -30 >&2; fail "phase A: the last raw event never applied"; }
sleep 1
PID=$(wait_soctop_pid) || exit 1
[ -n "$PID" ] || fail "no soctop process"
grep -q "fsoc: invalid message: .*not valid JSON" "$T/soctop.log" || fail "invalid JSON not reported"
[ "$(logcount 'fsoc: invalid message: .*not valid JSON')" -ge 2 ] || fail "invalid UTF-8 not reported as invalid"
grep -q "fsoc: invalid event seq 2 AL-RAW-BADTYPE" "$T/soctop.log" || fail "wrong field type not reported with seq and id"
grep -q "fsoc: invalid event seq 3 AL-RAW-MISSING" "$T/soctop.log" || fail "missing field not reported with seq and id"
[ "$(logcount 'fsoc: invalid message')" -ge 4 ] || fail "invalid heartbeat / snapshot_begin not reported"
for id in AL-RAW-BADTYPE AL-RAW-MISSING AL-RAW-BADUTF8 AL-RAW-DUP; do
	hasnt $id || fail "phase A: $id is in the cache"
done
for id in AL-RAW-0001 AL-RAW-0004 AL-RAW-CLS AL-RAW-OSC AL-RAW-REV AL-RAW-FRAG AL-EPOCH-1 AL-RAW-0051; do
	has $id || fail "phase A: $id missing from the cache"
done
pass "A: invalid JSON / types / missing fields / bad UTF-8 counted, not applied; valid ones applied"
[ "$(db "select instr(title, char(27) || '[2J') > 0 from alerts where id = 'AL-RAW-CLS'")" = 1 ] ||
	fail "ESC[2J title not stored as received"
[ "$(db "select instr(title, char(27) || ']52;c;ZXZpbCBjb21tYW5k' || char(7)) > 0 from alerts where id = 'AL-RAW-OSC'")" = 1 ] ||
	fail "OSC 52 title not stored as received"
wait_screen "grab" 10
wait_screen "screen wiped" 10
if screen | grep -q -e '52;' -e 'ZXZpbCBjb21tYW5k' -e '\[2J' -e "$(printf '\033')"; then
	screen >&2; fail "escape sequence text on the screen"
fi
[ -z "$(tmux -S "$TMUX_SOCK" list-buffers 2>/dev/null)" ] || fail "an OSC 52 from a backend reached the terminal (tmux buffer: $(tmux -S "$TMUX_SOCK" show-buffer))"
pass "A: escape sequences stored as received, never on the screen or in the clipboard"
[ "$(db "select rev || ' ' || title from alerts where id = 'AL-RAW-REV'")" = "5 rev five" ] || fail "a lower rev replaced a higher one"
[ "$(db "select title from alerts where id = 'AL-RAW-FRAG'")" = "$FRAG_TITLE" ] || fail "fragmented message: Chinese title not intact: $(db "select title from alerts where id = 'AL-RAW-FRAG'")"
[ "$(db "select inst_name from alerts where id = 'AL-RAW-FRAG'")" = "北辰商業銀行" ] || fail "fragmented message: institution not intact"
pass "A: duplicate seq and lower rev ignored; fragments reassembled with the Chinese text intact"
grep -q "fsoc: snapshot of epoch 0ther-epoch-1 at seq 50" "$T/soctop.log" || fail "epoch change: no snapshot of the other epoch"
[ "$(cursor_of fsoc epoch) $(cursor_of fsoc seq)" = "0ther-epoch-1 51" ] || fail "epoch change: cursor is $(cursor_of fsoc epoch) $(cursor_of fsoc seq)"
[ "$(db "select epoch from alerts where id = 'AL-EPOCH-1'")" = "0ther-epoch-1" ] || fail "epoch change: snapshot entity epoch"
[ "$(logcount 'fsoc: connecting to')" = 1 ] || fail "phase A: the connection did not continue"
alive "phase A"
pass "A: epoch change re-snapshots; one connection throughout"

# ---- B: a seq gap, with real events before and after it
replay_alerts AL-B 30 > "$T/realB.jsonl"
ev 1000000 AL-GAP-FAKE 1 "$(alert AL-GAP-FAKE "far ahead")" > "$T/rawB"
stop_sim
PORT=$PORT start_sim --replay "$T/realB.jsonl" --rate 30 --heartbeat 1 --state "$T/simB.state" --raw "$T/rawB"
EB=$(sed -n 's/^{"type":"meta","b":"fsoc","epoch":"\([^"]*\)".*/\1/p' "$T/simB.state" | tail -1)
wait_for 30 grep -q "fsoc: events missed (seq 1000000, last applied [0-9]*): re-subscribing" "$T/soctop.log" ||
	fail "B: seq gap not detected"
wait_for 60 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select epoch || ' ' || seq from cursors where backend='fsoc'\")\" = '$EB 30' ]" ||
	fail "B: cursor never reached $EB 30 (at $(cursor_of fsoc epoch) $(cursor_of fsoc seq))"
[ "$(db "select count(*) from alerts where id like 'AL-B-%' and epoch = '$EB'")" = 30 ] || fail "B: events missing after the gap"
hasnt AL-GAP-FAKE || fail "B: the event after the gap was applied"
alive "phase B"
pass "B: gap -> re-subscribe; afterwards all 30 events of the epoch present"

# ---- C: a heartbeat ahead of the last event
replay_alerts AL-C 20 > "$T/realC.jsonl"
echo '{"type":"heartbeat","seq":999999,"time":"2026-11-25T08:00:00Z"}' > "$T/rawC"
stop_sim
PORT=$PORT start_sim --replay "$T/realC.jsonl" --rate 30 --heartbeat 1 --state "$T/simC.state" --raw "$T/rawC"
EC=$(sed -n 's/^{"type":"meta","b":"fsoc","epoch":"\([^"]*\)".*/\1/p' "$T/simC.state" | tail -1)
wait_for 30 grep -q "fsoc: heartbeat ahead of the last event (seq 999999, last applied [0-9]*): re-subscribing" "$T/soctop.log" ||
	fail "C: heartbeat ahead not detected"
wait_for 60 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select epoch || ' ' || seq from cursors where backend='fsoc'\")\" = '$EC 20' ]" ||
	fail "C: cursor never reached $EC 20"
[ "$(db "select count(*) from alerts where id like 'AL-C-%' and epoch = '$EC'")" = 20 ] || fail "C: events missing after the resync"
alive "phase C"
pass "C: heartbeat ahead -> re-subscribe; all 20 events present"

# ---- D: over 1 MiB (the sim sends it again on every connection)
# a snapshot that the oversized message interrupts: nothing of it may apply
{
	echo '{"type":"snapshot_begin","epoch":"half-epoch","seq":70}'
	printf '{"type":"event","stream":"alerts","op":"upsert","id":"AL-HALF-1","rev":1,"data":%s}\n' "$(alert AL-HALF-1 "half a snapshot")"
	echo "#big 1100000"
} > "$T/rawD"
stop_sim
PORT=$PORT start_sim --replay "$T/empty.jsonl" --rate 0 --heartbeat 1 --state "$T/simD.state" --raw "$T/rawD"
ED=$(sed -n 's/^{"type":"meta","b":"fsoc","epoch":"\([^"]*\)".*/\1/p' "$T/simD.state" | tail -1)
wait_for 30 sh -c "[ \$(grep -c 'fsoc: over 1 MiB message dropped; closing with 1009' '$T/soctop.log') -ge 2 ]" ||
	fail "D: no close 1009 and reconnect"
[ "$(logcount "fsoc: snapshot of epoch $ED")" = 1 ] || fail "D: reconnect after 1009 did not resume (snapshot again)"
[ "$(cursor_of fsoc epoch)" = "$ED" ] || fail "D: cursor not in epoch $ED (a half snapshot applied?)"
hasnt AL-HALF-1 || fail "D: an entity of an interrupted snapshot is in the cache"
[ "$(db "select count(*) from snapshot_stage")" = 0 ] || fail "D: snapshot stage not emptied after the connection dropped"
n=$(logcount 'fsoc: connecting to')
alive "phase D"
pass "D: over 1 MiB -> close 1009, reconnect and resume; the interrupted snapshot left nothing"

# ---- E: a binary message
echo '#binary {"type":"heartbeat","seq":0}' > "$T/rawE"
stop_sim
PORT=$PORT start_sim --replay "$T/empty.jsonl" --rate 0 --heartbeat 1 --state "$T/simE.state" --raw "$T/rawE"
EE=$(sed -n 's/^{"type":"meta","b":"fsoc","epoch":"\([^"]*\)".*/\1/p' "$T/simE.state" | tail -1)
wait_for 30 sh -c "[ \$(grep -c 'fsoc: binary message dropped; closing with 1003' '$T/soctop.log') -ge 2 ]" ||
	fail "E: no close 1003 and reconnect"
[ "$(logcount "fsoc: snapshot of epoch $EE")" = 1 ] || fail "E: reconnect after 1003 did not resume"
alive "phase E"
pass "E: binary -> close 1003, reconnect and resume"

# ---- F: a well-behaved sim; soctop settles
replay_alerts AL-F 20 > "$T/realF.jsonl"
stop_sim
PORT=$PORT start_sim --replay "$T/realF.jsonl" --rate 50 --heartbeat 1 --state "$T/simF.state"
EF=$(sed -n 's/^{"type":"meta","b":"fsoc","epoch":"\([^"]*\)".*/\1/p' "$T/simF.state" | tail -1)
wait_for 60 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select epoch || ' ' || seq from cursors where backend='fsoc'\")\" = '$EF 20' ]" ||
	fail "F: cursor never reached $EF 20"
wait_screen "fsoc ● live" 10
alive "phase F"
c0=$(logcount 'fsoc: connecting to')
sleep 2
[ "$(logcount 'fsoc: connecting to')" = "$c0" ] || fail "F: still reconnecting"
pass "F: live and settled at seq 20 of $EF"

quit_soctop
st() { stat_of fsoc "$1"; }
[ "$(st invalid)" -ge 10 ] || fail "stats invalid=$(st invalid), want >= 10"
[ "$(st unknown)" -ge 1 ] || fail "stats unknown=$(st unknown), want >= 1"
[ "$(st dup_seq)" -ge 1 ] || fail "stats dup_seq=$(st dup_seq), want >= 1"
[ "$(st stale_rev)" -ge 1 ] || fail "stats stale_rev=$(st stale_rev), want >= 1"
[ "$(st gaps)" -ge 2 ] || fail "stats gaps=$(st gaps), want >= 2"
[ "$(st snapshots)" -ge 7 ] || fail "stats snapshots=$(st snapshots), want >= 7"
[ "$(st resumes)" -ge 4 ] || fail "stats resumes=$(st resumes), want >= 4"
[ "$(st epoch) $(st seq)" = "$EF 20" ] || fail "stats epoch/seq $(st epoch) $(st seq)"
pass "stats: invalid=$(st invalid) unknown=$(st unknown) dup_seq=$(st dup_seq) stale_rev=$(st stale_rev) gaps=$(st gaps) snapshots=$(st snapshots) resumes=$(st resumes)"
sanitizer_clean "$T/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
