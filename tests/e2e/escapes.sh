#!/bin/sh
# Terminal escapes from a backend never reach the terminal. Every string
# field of every entity kind (alert, advisory, ticket, vendor, drill) carries
# CSI (incl. device queries that make a terminal answer), OSC (title, OSC 8
# hyperlink, OSC 52 clipboard write), DCS, APC, PM, SOS, C1 controls as
# UTF-8 (U+0080-U+009F, incl. the 8-bit CSI/OSC/DCS/ST), bidi embeddings,
# overrides and isolates (U+202A-E, U+2066-9), zero-width characters, BEL,
# BS, CR, LF, TAB and DEL. Everything soctop writes to the pty is recorded
# (tmux pipe-pane) while the dashboard and the details view of each kind are
# shown; the byte stream must hold none of it: no OSC/DCS/APC/PM/SOS
# introducer (ncurses emits none of these for xterm-256color), none of the
# injected CSI queries, no C1 or bidi or zero-width code point, no BEL, and
# it must be valid UTF-8 (no raw C1 byte). Raw (non-UTF-8) C1 bytes cannot
# travel in JSON text: such a message is rejected whole (tests/integration/
# hostile.sh) and the sanitiser maps them to U+FFFD (tests/unit/test_text.c).
. tests/lib/common.sh

H='<\u001b[6n\u001b[21t\u001b[>c\u001b[2J\u001b[31m\u001b]52;c;ZXZpbCBjb21tYW5k\u0007\u001b]0;pwned\u001b\\\u001b]8;;http://evil.example/\u001b\\link\u001b]8;;\u001b\\\u001bP1$qm\u001b\\\u001bP+q544e\u001b\\\u001b_apc\u001b\\\u001b^pm\u001b\\\u001bXsos\u001b\\\u0085\u008d\u0090dcs\u009c\u009b6n\u009d52;c;eA==\u0007\u009d0;t\u009c\u0080\u0084\u0096\u009f\u202aA\u202bB\u202cC\u202dD\u202eE\u2066F\u2067G\u2068H\u2069I\u200bJ\u200cK\u200dL\u2060M\ufeffN\u0007\u0008\r\n\t\u007fend>'
s() { printf '%s %s' "$1" "$H"; }
TS='"2026-11-25T08:00:00Z"'
INST="{\"id\":\"B002\",\"name\":\"$(s X-inst)\"}"
NOTES="[{\"time\":$TS,\"author\":\"$(s X-author)\",\"text\":\"$(s X-note)\"}]"
{
printf '{"backend":"fsoc","stream":"alerts","op":"upsert","id":"AL-ESC-1","data":{"time":%s,"institution":%s,"source":"%s","category":"ddos","severity":"high","title":"%s","summary":"%s","src":{"ip":"203.0.113.7","port":80,"country":"%s"},"dst":{"ip":"198.51.100.1","port":443},"indicators":[{"type":"domain","value":"%s"}],"tlp":"AMBER","status":"new","assignee":"%s","resolution":"benign","ticket_id":"FCERT-ESC-1","notes":%s,"correlation":{"key":"%s","institutions":3}}}\n' \
	"$TS" "$INST" "$(s X-source)" "$(s X-title)" "$(s X-summary)" "$(s X-country)" "$(s X-indicator)" "$(s X-assignee)" "$NOTES" "$(s X-corrkey)"
printf '{"backend":"fsoc","stream":"advisories","op":"upsert","id":"ADV-ESC-1","data":{"time":%s,"kind":"vulnerability","title":"%s","summary":"%s","tlp":"GREEN","severity":"high","cve":"CVE-2019-11510","cvss":10,"exploited":true,"url":"%s","indicators":[{"type":"url","value":"%s"}]}}\n' \
	"$TS" "$(s X-advtitle)" "$(s X-advsummary)" "$(s X-url)" "$(s X-advind)"
printf '{"backend":"fcert","stream":"tickets","op":"upsert","id":"FCERT-ESC-1","data":{"opened":%s,"updated":%s,"institution":%s,"title":"%s","severity":"critical","tlp":"AMBER","status":"in_progress","assignee":"%s","due":"2026-11-26T08:00:00Z","vendor_id":"V-ESC","hours_used":2,"alert_ids":["AL-ESC-1"],"notes":%s}}\n' \
	"$TS" "$TS" "$INST" "$(s X-tkttitle)" "$(s X-tktassignee)" "$NOTES"
printf '{"backend":"fcert","stream":"vendors","op":"upsert","id":"V-ESC","data":{"name":"%s","period":{"start":"2026-01-01T00:00:00Z","end":"2026-12-31T23:59:59Z"},"hours_total":100,"hours_used":10,"hours_reserved":5,"low_water":20,"draws":[{"time":%s,"ticket_id":"FCERT-ESC-1","institution_id":"B002","hours":2,"state":"requested"}]}}\n' \
	"$(s X-vendor)" "$TS"
printf '{"backend":"fcert","stream":"drills","op":"upsert","id":"DR-ESC","data":{"name":"%s","kind":"ddos","phase":"running","start":%s,"attack":{"vector":"%s","gbps":40},"participants":[{"institution":%s,"target":"%s","status":"under_attack","probes":[{"point":"domestic","ok":true,"latency_ms":20,"checked":%s}],"detected_at":%s}]}}\n' \
	"$(s X-drill)" "$TS" "$(s X-vector)" "$INST" "$(s X-target)" "$TS" "$TS"
# hostile bytes where only a fixed word or an id may go: refused, never drawn
printf '{"backend":"fsoc","stream":"alerts","op":"upsert","id":"AL-ESC-2","data":{"time":%s,"institution":{"id":"B0\\u001b]52;c;eA==\\u0007","name":"n"},"source":"s","category":"ddos\\u001b[6n","severity":"high\\u009b6n","title":"t","indicators":[],"tlp":"AMBER\\u202e","status":"new"}}\n' "$TS"
} > "$T/escapes.jsonl"

start_sim --seed 2 --rate 20 --heartbeat 1 --replay "$T/escapes.jsonl"
write_config
: > "$T/pty.raw"
tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s t -x 200 -y 60 \
	"sleep 1; TERM=xterm-256color $B/soctop --config $T/config.ini; echo \"[exit \$?]\"; sleep 30"
tmux -S "$TMUX_SOCK" pipe-pane -o -t t "cat >> '$T/pty.raw'" || fail "tmux pipe-pane failed"

wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select (select count(*) from alerts where id='AL-ESC-1') + (select count(*) from advisories where id='ADV-ESC-1') + (select count(*) from tickets where id='FCERT-ESC-1') + (select count(*) from vendors where id='V-ESC') + (select count(*) from drills where id='DR-ESC')\" 2>/dev/null)\" = 5 ]" ||
	fail "the five hostile entities were not all cached (rejected?): $(grep -i invalid "$T/soctop.log" | tail -3)"
[ "$(db "select count(*) from alerts where id='AL-ESC-2'")" = 0 ] || fail "an alert with escapes in its enumerations/ids was accepted"
wait_screen "X-title" 15
wait_screen "X-tkttitle" 10
wait_screen "X-vendor" 10
wait_screen "X-drill" 10
wait_screen "X-advtitle" 10
pass "every kind shown on the dashboard"

# details of each kind: focus each pane in turn (Tab) and press Enter
keys Escape; sleep 0.3
seen=""
for i in 1 2 3 4 5 6; do
	keys Enter; sleep 0.8
	screen > "$T/details.$i"
	for m in X-summary X-note X-advsummary X-url X-tktassignee X-vector X-target X-indicator X-corrkey X-country; do
		grep -q -- "$m" "$T/details.$i" && case " $seen " in *" $m "*) ;; *) seen="$seen $m" ;; esac
	done
	keys Escape; sleep 0.3; keys Tab; sleep 0.3
done
for m in X-summary X-note X-advsummary X-tktassignee; do
	case " $seen " in *" $m "*) ;; *) cat "$T"/details.* >&2; fail "no details view showed $m" ;; esac
done
pass "details views shown:$seen"
quit_soctop
tmux -S "$TMUX_SOCK" pipe-pane -t t 2>/dev/null
sleep 0.5

RAW="$T/pty.raw"
[ "$(wc -c < "$RAW")" -gt 10000 ] || fail "pipe-pane recorded only $(wc -c < "$RAW") bytes"
grep -a -q "X-title" "$RAW" || fail "the recording does not hold the hostile titles: it recorded the wrong thing"
# bad NAME PERL-REGEX: the recording must not match
bad() {
	_n=$(LC_ALL=C grep -a -o -P "$2" "$RAW" | wc -l)
	[ "$_n" = 0 ] || { LC_ALL=C grep -a -o -P ".{0,30}$2.{0,30}" "$RAW" | head -3 | od -c | head -12 >&2; fail "$1 reached the terminal ($_n times)"; }
}
bad "an OSC sequence (ESC ])" '\x1b\]'
bad "a DCS sequence (ESC P)" '\x1bP'
bad "an APC/PM/SOS sequence" '\x1b[_^X]'
bad "an injected CSI query (DSR 6n, 21t, DA2)" '\x1b\[(6n|21t|>c)'
bad "a C1 control as UTF-8 (U+0080-U+009F)" '\xc2[\x80-\x9f]'
bad "a bidi embedding/override (U+202A-U+202E)" '\xe2\x80[\xaa-\xae]'
bad "a bidi isolate or word joiner (U+2060-U+2069)" '\xe2\x81[\xa0-\xa9]'
bad "a zero-width character (U+200B-U+200F, U+FEFF)" '\xe2\x80[\x8b-\x8f]|\xef\xbb\xbf'
bad "BEL" '\x07'
bad "the OSC 52 payload's introducer text" '52;c;ZXZp'
iconv -f UTF-8 -t UTF-8 "$RAW" >/dev/null 2>&1 || fail "the terminal got bytes that are not UTF-8 (a raw C1 byte?)"
pass "$(wc -c < "$RAW") bytes written to the terminal: no OSC, DCS, APC/PM/SOS, injected CSI, C1, bidi, zero-width or BEL"
sanitizer_clean "$T/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
