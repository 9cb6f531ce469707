#!/bin/sh
# A server that accepts TCP connections and never says a word: soctop shows
# connecting/offline with a reason, gives up on each attempt by itself and
# retries with growing back-off (never more often than about once a second),
# uses next to no CPU meanwhile, and recovers when a real sim takes the port.
. tests/lib/common.sh

command -v cc >/dev/null 2>&1 || { echo "no C compiler"; exit 77; }
cat > "$T/silent.c" <<'EOF'
/* silent PORTFILE LOGFILE: listen on 127.0.0.1 (any port), accept, never
 * write; log "A ms fd" for each accept, "C ms fd" when the peer closes. */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>
int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	alarm(240); /* never outlive a test */
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 16) ||
	    getsockname(ls, (struct sockaddr *)&a, &al))
		return 1;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	FILE *pf = fopen(tmp, "w");
	if (!pf)
		return 1;
	fprintf(pf, "%d\n", ntohs(a.sin_port));
	fclose(pf);
	rename(tmp, argv[1]);
	FILE *log = fopen(argv[2], "a");
	struct pollfd p[64];
	int n = 1;
	p[0].fd = ls;
	p[0].events = POLLIN;
	for (;;) {
		if (poll(p, (nfds_t)n, -1) < 0)
			continue;
		if (p[0].revents & POLLIN) {
			int c = accept(ls, NULL, NULL);
			struct timeval tv;
			gettimeofday(&tv, NULL);
			fprintf(log, "A %lld %d\n", (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000, c);
			fflush(log);
			if (c >= 0 && n < 64) {
				p[n].fd = c;
				p[n].events = POLLIN;
				n++;
			} else if (c >= 0) {
				close(c);
			}
		}
		for (int i = 1; i < n; i++) {
			if (!p[i].revents)
				continue;
			char buf[4096];
			ssize_t r = read(p[i].fd, buf, sizeof buf); /* the upgrade request: ignored */
			if (r <= 0) {
				struct timeval tv;
				gettimeofday(&tv, NULL);
				fprintf(log, "C %lld %d\n", (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000, p[i].fd);
				fflush(log);
				close(p[i].fd);
				p[i--] = p[--n];
			}
		}
	}
}
EOF
cc -O -o "$T/silent" "$T/silent.c" || fail "cannot build the silent server"
"$T/silent" "$T/silent.port" "$T/accepts" &
HPID=$!
trap 'kill $HPID 2>/dev/null; cleanup' EXIT
wait_for 10 test -s "$T/silent.port" || fail "silent server did not start"
PORT=$(cat "$T/silent.port")

printf 'test-token\n' > "$T/token"; chmod 600 "$T/token"
write_config
run_soctop 120 40
wait_for 10 grep -q "^A " "$T/accepts" || fail "soctop never connected to the silent server"
t0=$(date +%s)
PID=$(wait_soctop_pid) || exit 1
[ -n "$PID" ] || fail "no soctop process"
wait_for 5 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -t t | grep -E -q 'fsoc [^ ]+ (connecting|offline)'" ||
	{ screen >&2; fail "status bar does not say connecting/offline"; }

# CPU over 10 s while the upgrade hangs: utime + stime (clock ticks)
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat" 2>/dev/null | tail -1; }
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
c1=$(cpu); sleep 10; c2=$(cpu)
[ -n "$c1" ] && [ -n "$c2" ] || fail "soctop went away"
used=$((c2 - c1))
[ $((used * 100)) -lt $((hz * 10 * 5)) ] || fail "soctop used $used ticks of CPU in 10 s (hz $hz): over 5%"
pass "CPU while the server is silent: $used ticks in 10 s (hz $hz)"

# until three attempts were made by each backend
attempts() { grep -c "$1: connecting to" "$T/soctop.log"; }
wait_for 40 sh -c "[ \$(grep -c 'fsoc: connecting to' '$T/soctop.log') -ge 3 ] && [ \$(grep -c 'fcert: connecting to' '$T/soctop.log') -ge 3 ]" ||
	fail "soctop stopped retrying ($(attempts fsoc) fsoc, $(attempts fcert) fcert attempts)"
screen > "$T/screen-silent"
grep -E -q 'fsoc [^ ]+ (connecting|offline)' "$T/screen-silent" || { cat "$T/screen-silent" >&2; fail "status bar does not say connecting/offline"; }
grep -E -q ': (no answer to the websocket upgrade|.*time)' "$T/screen-silent" ||
	{ cat "$T/screen-silent" >&2; fail "no reason shown for the failing connection"; }
# From the log: attempt times, and each back-off (failure -> next attempt).
ms() { sed 's/^[0-9-]*T\([0-9]*\):\([0-9]*\):\([0-9.]*\)Z /\1 \2 \3 /' | awk '{ printf "%d %s\n", ($1 * 3600 + $2 * 60 + $3) * 1000, $0 }'; }
for b in fsoc fcert; do
	grep -e "$b: connecting to" -e "$b: connecting -> " "$T/soctop.log" | ms > "$T/t.$b"
	awk -v b=$b '
		/connecting to/ { n++; if (n > 1) { d = $1 - at; if ((n > 2 && d < 450) || (n > 3 && d < 900)) { print b ": attempts " n - 1 " and " n " only " d " ms apart"; bad = 1 } }
			at = $1; if (failed) { bo = $1 - failed; if (nb && bo < last - 50) { print b ": back-off shrank from " last " to " bo " ms"; bad = 1 } if (bo < 200) { print b ": back-off only " bo " ms"; bad = 1 } last = bo; nb++; failed = 0 } }
		/connecting -> (offline|stale)/ { failed = $1 }
		END { exit bad }' "$T/t.$b" >&2 || fail "$b: back-off not respected"
done
pass "retries with growing back-off: $(awk '/connecting to/ { if (p) { printf "%s%d", s, $1 - p; s = ", " } p = $1 }' "$T/t.fsoc") ms apart (fsoc)"
[ "$(soctop_pid)" = "$PID" ] || fail "soctop died"

# a real sim on that port: soctop recovers by itself
kill $HPID; wait $HPID 2>/dev/null
PORT=$PORT start_sim --seed 3 --rate 5 --heartbeat 1
wait_for 60 grep -q "fsoc: .* -> live" "$T/soctop.log" || fail "fsoc did not recover after the real sim started"
wait_for 30 grep -q "fcert: .* -> live" "$T/soctop.log" || fail "fcert did not recover"
wait_screen "fsoc ● live" 10
pass "recovered once a real backend listens (after $(( $(date +%s) - t0 )) s)"
quit_soctop
sanitizer_clean "$T/soctop.log" "$T/sim.log" || fail "sanitizer report"

# How long soctop waited for the first upgrade answer before giving up: the
# connect/upgrade timeout is 10 s (client/ws.c: timeout_secs), so at least 5.
read -r _ a1 fd1 < "$T/accepts"
c1=$(awk -v fd="$fd1" '$1 == "C" && $3 == fd { print $2; exit }' "$T/accepts")
[ -n "$c1" ] || fail "the first connection was never closed by soctop"
held=$((c1 - a1))
[ "$held" -ge 5000 ] || fail "soctop gave up on an unanswered upgrade after $held ms (want the 10 s upgrade timeout; every attempt: $(awk '$1 == "A" { a[$3] = $2 } $1 == "C" && ($3 in a) { printf "%d ", $2 - a[$3]; delete a[$3] }' "$T/accepts")ms)"
pass "an unanswered upgrade is given $held ms"
exit 0
