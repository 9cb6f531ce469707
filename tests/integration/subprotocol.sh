#!/bin/sh
# A server that completes the websocket upgrade but names another
# subprotocol than soctop.v1 (soctop-sim --reply-subprotocol) is refused:
# never live, nothing cached, the status line and the log say it is the
# wrong subprotocol (so the operator checks url), and retries are paced.
. tests/lib/common.sh

start_sim --seed 3 --rate 20 --heartbeat 1 --reply-subprotocol chat.v2
write_config
run_soctop 200 40
wait_for 20 grep -q "fsoc: connection error: .*wrong subprotocol: the server did not answer soctop.v1" "$T/soctop.log" ||
	fail "no 'wrong subprotocol' in the log"
wait_for 10 screen_has "wrong subprotocol: the server did not answer soctop.v1" ||
	{ screen >&2; fail "the screen does not say 'wrong subprotocol'"; }
sleep 3
grep -q -- "-> live" "$T/soctop.log" && fail "a backend went live on a wrong subprotocol"
for b in fsoc fcert; do
	n=$(grep -c "$b: connecting to" "$T/soctop.log")
	[ "$n" -le 5 ] || fail "$b: $n connection attempts in about 4 s (no back-off)"
done
[ "$(db "select count(*) from cursors")" = 0 ] || fail "a backend with the wrong subprotocol has a cursor"
quit_soctop
[ "$(stat_of fsoc msgs)" = 0 ] || fail "fsoc received messages"
pass "wrong subprotocol refused with a clear message"
sanitizer_clean "$T/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
