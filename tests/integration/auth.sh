#!/bin/sh
# Auth: a wrong token is refused with HTTP 401, shown as "auth refused", and
# NOT retried (one attempt per backend in 5 s); r retries exactly once. A
# token valid on /fsoc only gets HTTP 403 on /fcert while fsoc is live.
. tests/lib/common.sh

start_sim --seed 5 --rate 5 --heartbeat 1 --token-fsoc-only fsoc-only-token
printf 'wrong-token\n' > "$T/wrong.token"; chmod 600 "$T/wrong.token"
printf 'fsoc-only-token\n' > "$T/fsoc-only.token"; chmod 600 "$T/fsoc-only.token"

# ---- 1: a wrong token on both backends
write_config
sed -i "s#^token_file = .*#token_file = $T/wrong.token#" "$T/config.ini"
run_soctop 120 40
wait_for 20 grep -q "fsoc: auth refused (HTTP 401)" "$T/soctop.log" || fail "fsoc: no HTTP 401 in the log"
wait_for 20 grep -q "fcert: auth refused (HTTP 401)" "$T/soctop.log" || fail "fcert: no HTTP 401 in the log"
# the status bar: "fsoc ○ auth refused"
refused() { screen | grep -E -q "$1 [^ ]+ auth refused"; }
wait_for 10 refused fsoc || { screen >&2; fail "status bar does not say fsoc auth refused"; }
wait_for 10 refused fcert || { screen >&2; fail "status bar does not say fcert auth refused"; }
screen_has "HTTP 401" || { screen >&2; fail "the screen does not say HTTP 401"; }
screen > "$T/screen-401"
sleep 5
for b in fsoc fcert; do
	n=$(grep -c "$b: connecting to" "$T/soctop.log")
	[ "$n" = 1 ] || fail "$b: $n connection attempts in 5 s after a 401, want 1 (retry storm)"
done
db "select count(*) from cursors" | grep -qx 0 || fail "a refused backend has a cursor"
pass "401: auth refused on screen and in the log, no retry"

keys r
wait_for 10 sh -c "[ \$(grep -c 'fsoc: connecting to' '$T/soctop.log') -ge 2 ]" || fail "r did not retry fsoc"
wait_for 10 sh -c "[ \$(grep -c 'fcert: connecting to' '$T/soctop.log') -ge 2 ]" || fail "r did not retry fcert"
wait_for 10 sh -c "[ \$(grep -c 'fsoc: auth refused (HTTP 401)' '$T/soctop.log') -ge 2 ]" || fail "fsoc: retry not refused again"
sleep 3
for b in fsoc fcert; do
	n=$(grep -c "$b: connecting to" "$T/soctop.log")
	[ "$n" = 2 ] || fail "$b: $n connection attempts after one r, want 2"
done
wait_for 10 refused fsoc || fail "fsoc not auth refused after r"
pass "r retries exactly once, refused again"
quit_soctop
mv "$T/soctop.log" "$T/soctop-401.log"

# ---- 2: a token that may use /fsoc only
write_config
sed -i "s#^token_file = .*#token_file = $T/fsoc-only.token#" "$T/config.ini"
run_soctop 120 40
wait_for 20 grep -q "fcert: auth refused (HTTP 403)" "$T/soctop.log" || fail "fcert: no HTTP 403 in the log"
wait_screen "fsoc ● live" 20
wait_for 10 refused fcert || { screen >&2; fail "status bar does not say fcert auth refused"; }
screen_has "HTTP 403" || { screen >&2; fail "the screen does not say HTTP 403"; }
grep -q "fsoc: auth refused" "$T/soctop.log" && fail "fsoc refused with the fsoc-only token"
sleep 3
n=$(grep -c "fcert: connecting to" "$T/soctop.log")
[ "$n" = 1 ] || fail "fcert: $n connection attempts after a 403, want 1"
[ "$(cursor_of fsoc seq)" -gt 0 ] || fail "fsoc not applying events while fcert is refused"
[ -z "$(cursor_of fcert seq)" ] || fail "fcert has a cursor although refused"
screen_has "fsoc ● live" || fail "fsoc not live while fcert is refused"
pass "403 on fcert shown while fsoc is live"
quit_soctop
[ "$(stat_of fcert msgs)" = 0 ] || fail "fcert received messages although refused"
sanitizer_clean "$T/soctop.log" "$T/soctop-401.log" "$T/sim.log" || fail "sanitizer report"
# The message line gives the age of the refusal: seconds, not decades.
if grep -E -q 'HTTP 401.*\([0-9]+d ago\)' "$T/screen-401"; then
	grep 'HTTP 401' "$T/screen-401" >&2
	fail "the refusal's age is shown as $(grep -E -o '[0-9]+d ago' "$T/screen-401") (problem_ms never set for a connection detail)"
fi
pass "the refusal's age is plausible"
exit 0
