#!/bin/sh
# make soak: ten million events through soctop in compressed time. soctop-sim
# offers SOAK_RATE events a second (default 30,000, below what soctop
# sustains, so every event arrives as an event, not in a re-snapshot) until
# SOAK_EVENTS (default 10,000,000) have been generated; soctop runs with its
# screen live at 200x60 in tmux. Every SOAK_EVERY seconds (default 15) it
# samples soctop's RSS, open file descriptors, CPU over the interval, the
# events applied and the cache's WAL, prints them, and at the end says
# whether RSS and descriptors stayed flat (second half against the first,
# after a warm-up of the first tenth). Not part of make test: it takes
# several minutes and writes several GB under $TMPDIR.
set -u
B=${SOCTOP_BUILD:-build}
case $B in /*) ;; *) B="$PWD/$B" ;; esac
. "$(dirname "$0")/../tests/lib/common.sh"

EVENTS=${SOAK_EVENTS:-10000000}
RATE=${SOAK_RATE:-30000}
EVERY=${SOAK_EVERY:-15}
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
seqs() { db "SELECT coalesce(sum(seq), 0) FROM cursors" 2>/dev/null || echo 0; }

echo "soak: $EVENTS events offered at $RATE/s over both backends; $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
start_sim --seed 10 --rate "$RATE" --max-events "$EVENTS" --window 1000 --heartbeat 2
write_config "[ui]
refresh_hz = 20"
run_soctop 200 60
P=$(wait_soctop_pid)
wait_for 30 sh -c "[ -s '$T/state/cache.db' ]" || fail "no cache"
wait_screen "fsoc ● live" 30
printf '%8s %12s %10s %8s %6s %8s %9s\n' "time s" "cursor" "seq/s" "RSS kB" "fds" "CPU %" "WAL MB"
: > "$T/samples"
t0=$(date +%s); c_prev=$(cpu_ticks "$P"); s_prev=$(seqs); t_prev=$t0
while :; do
	sleep "$EVERY"
	kill -0 "$P" 2>/dev/null || fail "soctop died during the soak"
	t=$(date +%s); c=$(cpu_ticks "$P"); s=$(seqs)
	rss=$(rss_kb "$P"); fds=$(ls "/proc/$P/fd" | wc -l)
	wal=$(du -m "$T/state/cache.db-wal" 2>/dev/null | cut -f1)
	dt=$((t - t_prev)); [ "$dt" -gt 0 ] || dt=1
	cpu=$(awk "BEGIN { printf \"%.0f\", 100 * ($c - $c_prev) / $HZ / $dt }")
	printf '%8d %12d %10d %8d %6d %8s %9s\n' $((t - t0)) "$s" $(((s - s_prev) / dt)) "$rss" "$fds" "$cpu" "${wal:-0}" | tee -a "$T/samples"
	# done when the sim has generated everything and soctop stood still
	if [ "$s" = "$s_prev" ] && [ "$s" -gt 0 ]; then break; fi
	c_prev=$c; s_prev=$s; t_prev=$t
	[ $((t - t0)) -gt $((EVENTS / RATE * 4 + 600)) ] && { echo "soak: giving up after $((t - t0)) s"; break; }
done
total=$(seqs)
cache_mb=$(du -m "$T/state/cache.db" | cut -f1)
alerts=$(db "SELECT count(*) FROM alerts")
quit_soctop
echo
echo "soak: cursors at $total (seqs summed; $alerts alerts cached, cache $cache_mb MB) after $(( $(date +%s) - t0 )) s"
for b in fsoc fcert; do
	echo "soak: $b: $(stat_of $b msgs) messages ($(stat_of $b bytes) bytes), $(stat_of $b applied) events applied, $(stat_of $b snapshots) snapshot(s), $(stat_of $b resumes) resume(s), $(stat_of $b gaps) gap(s), $(stat_of $b invalid) invalid"
done
echo "soak: $(grep -c 'connecting to' "$T/soctop.log") connection(s) in all (more than 2: the sim cut soctop off for falling 64 MiB behind, and it resumed or re-snapshotted)"
awk -v n="$(wc -l < "$T/samples")" '
	NR > n / 10 { k++; rss[k] = $4; fd[k] = $5; cpu[k] = $6 }
	END {
		h = int(k / 2); if (h < 1) { print "soak: too few samples to judge"; exit }
		for (i = 1; i <= k; i++) {
			if (i <= h) { if (rss[i] > r1) r1 = rss[i]; if (fd[i] > f1) f1 = fd[i] }
			else { if (rss[i] > r2) r2 = rss[i]; if (fd[i] > f2) f2 = fd[i] }
		}
		printf "soak: peak RSS %d kB in the first half, %d kB in the second (%+.1f%%); peak fds %d then %d\n", r1, r2, 100 * (r2 - r1) / r1, f1, f2
		if (r2 <= r1 * 1.10 + 1024 && f2 <= f1 + 2) print "soak: FLAT (RSS within 10%, descriptors within 2)"
		else { print "soak: NOT FLAT"; exit 1 }
	}' "$T/samples"
