#!/bin/sh
# TLS: wss:// end to end with a CA made by the test (openssl) and given in
# the config as ca_file; refused, with words that say what to fix, when the
# server's certificate is signed by another CA, when no ca_file is given
# (the system's CAs do not know the test CA), and when the certificate names
# another host. Verification is switched off only by
# tls_insecure_skip_verify = yes, and that is logged as INSECURE.
. tests/lib/common.sh

command -v openssl >/dev/null || fail "openssl missing (scripts/deps.sh installs it)"
make_test_pki "$T/pki" || fail "could not make the test certificates with openssl"

# tls_run CERT [extra config]: sim with that certificate, soctop with wss://localhost.
tls_run() {
	_cert=$1; shift
	stop_sim
	tmux -S "$TMUX_SOCK" kill-session -t t 2>/dev/null
	rm -rf "$T/state" "$T/soctop.log"
	start_sim --seed 9 --rate 20 --heartbeat 1 --tls-cert "$T/pki/$_cert.pem" --tls-key "$T/pki/$_cert.key"
	write_config "$@"
	sed -i "s#ws://127.0.0.1:#wss://localhost:#" "$T/config.ini"
	run_soctop 200 40
}
with_ca() { sed -i "/^token_file/a ca_file = $T/pki/ca.pem" "$T/config.ini"; }

# ---- 1: the test CA in ca_file, a certificate it signed: live over wss
tls_run good
with_ca
tmux -S "$TMUX_SOCK" kill-session -t t; run_soctop 200 40
wait_for 20 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "fsoc never live over wss://"
wait_for 20 grep -q "fcert: connecting -> live" "$T/soctop.log" || fail "fcert never live over wss://"
grep -q "connecting to wss://localhost:$PORT/fsoc" "$T/soctop.log" || fail "soctop did not use wss://"
wait_for 20 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$T/state/cache.db' \"select seq from cursors where backend='fsoc'\" 2>/dev/null)\" -gt 0 ]" ||
	fail "no events applied over wss://"
wait_screen "fsoc ● live" 10
# the listener really is TLS, with the test CA's certificate
echo | openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$T/pki/ca.pem" -verify_return_error -servername localhost \
	>"$T/s_client.out" 2>&1 || { tail -5 "$T/s_client.out" >&2; fail "openssl s_client could not verify the sim's TLS listener"; }
grep -q "Verify return code: 0" "$T/s_client.out" || fail "s_client: certificate not verified"
quit_soctop
pass "wss:// end to end with ca_file = the test CA"

# refused CERT PATTERN WHAT [extra config]: soctop never goes live; the status
# line and the log carry PATTERN; retries are paced.
refused() {
	_pat=$2
	wait_for 20 grep -q "fsoc: TLS: " "$T/soctop.log" || fail "$3: no TLS error in the log"
	grep "fsoc: TLS: " "$T/soctop.log" | head -1 | grep -F -q -- "$_pat" ||
		{ grep "fsoc: TLS" "$T/soctop.log" | head -2 >&2; fail "$3: the log does not say '$_pat'"; }
	wait_for 10 screen_has "$_pat" || { screen >&2; fail "$3: the screen does not say '$_pat'"; }
	screen | grep -E -q "fsoc [^ ]+ offline" || { screen >&2; fail "$3: fsoc not shown offline"; }
	sleep 3
	grep -q -- "-> live" "$T/soctop.log" && fail "$3: a backend went live"
	[ -z "$(cursor_of fsoc seq)" ] || fail "$3: fsoc has a cursor"
	n=$(grep -c "fsoc: connecting to" "$T/soctop.log")
	[ "$n" -le 5 ] || fail "$3: $n connection attempts in about 4 s (no back-off)"
	quit_soctop
	[ "$(stat_of fsoc msgs)" = 0 ] || fail "$3: fsoc received messages"
	pass "$3: refused ($n attempts): $(grep "fsoc: TLS: " "$T/soctop.log" | head -1 | sed 's/.*fsoc: //')"
}

# ---- 2: the certificate is signed by a CA that ca_file does not hold
tls_run foreign
with_ca
tmux -S "$TMUX_SOCK" kill-session -t t; run_soctop 200 40
refused foreign "not signed by a CA in ca_file ($T/pki/ca.pem)" "certificate from another CA"
grep -q "issued by /CN=some other CA" "$T/soctop.log" || fail "the message does not name the issuer"

# ---- 3: no ca_file: the system's CAs do not trust the test CA
tls_run good
refused good "not signed by a CA in ca_file (the system's CA store)" "no ca_file, private CA"

# ---- 4: the certificate is for another host name
tls_run wrongname
with_ca
tmux -S "$TMUX_SOCK" kill-session -t t; run_soctop 200 40
refused wrongname "certificate is for wrong.example, not localhost" "hostname mismatch"

# ---- 5: verification off, by the one key that says so: live, and loudly logged
tls_run foreign "tls_insecure_skip_verify = yes"
# (write_config appended the key to the last section only: add it to fsoc too)
sed -i "/^url = wss:.*\/fsoc$/a tls_insecure_skip_verify = yes" "$T/config.ini"
tmux -S "$TMUX_SOCK" kill-session -t t; run_soctop 200 40
wait_for 20 grep -q "fsoc: connecting -> live" "$T/soctop.log" || fail "insecure: fsoc never live"
grep -q "fsoc: INSECURE: tls_insecure_skip_verify = yes" "$T/soctop.log" || fail "insecure mode not logged at start"
grep -q "fsoc: INSECURE: accepting a certificate that fails verification" "$T/soctop.log" ||
	fail "the overruled certificate error is not logged"
quit_soctop
pass "tls_insecure_skip_verify = yes connects, logged as INSECURE"
sanitizer_clean "$T/soctop.log" "$T/sim.log" || fail "sanitizer report"
exit 0
