#!/bin/sh
# make bench: print soctop's speed and memory figures, each beside a
# baseline measured in the same run. Everything runs on loopback with ports
# chosen at run time and stops by itself. Sizes can be lowered for a quick
# look: BENCH_ALERTS (in-process ingest, default 300000), BENCH_RATES (network
# ingest offered by soctop-sim, default "40000 50000 60000" a second, each for
# BENCH_NET_S seconds, default 10), BENCH_RSS_ALERTS (default 1000000),
# BENCH_IDLE_S (default 10), BENCH_HISTORY_ALERTS (search and time ranges,
# default 1000000), BENCH_WALL_RATE and BENCH_WALL_S (the wall's day,
# default 5000 events/s for 173 s: 24 h at 10 events/s).
set -u
B=${SOCTOP_BUILD:-build}
case $B in /*) ;; *) B="$PWD/$B" ;; esac
. "$(dirname "$0")/../tests/lib/common.sh"

N=${BENCH_ALERTS:-300000}
NET_S=${BENCH_NET_S:-10}
NRSS=${BENCH_RSS_ALERTS:-1000000}
IDLE_S=${BENCH_IDLE_S:-10}
HZ=$(getconf CLK_TCK)

soctop_pid() { pgrep -n -f "$B/soctop --config $T/config.ini"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
fsoc_seq() { db "SELECT seq FROM cursors WHERE backend = 'fsoc'" 2>/dev/null || echo 0; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\n\", $2 }"; }
quit_soctop() {
	P=$(soctop_pid)
	keys q
	[ -n "$P" ] && wait_for 20 sh -c "! kill -0 $P 2>/dev/null"
}

echo "soctop benchmarks: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u +%Y-%m-%d)"
echo

# 1. In-process ingest: baseline loop vs soctop's decode+validate+cache path.
"$B/bench/ingest" "$N"
echo

# 1a. Offline review: full-text search and time-range queries.
"$B/bench/history" "${BENCH_HISTORY_ALERTS:-1000000}"
echo

# 1b. First frame and redraw cost with a large cache.
"$B/bench/frame" "${BENCH_FRAME_ALERTS:-1000000}" "${BENCH_FRAME_TICKETS:-100000}"
echo

# 2. Network ingest with the screen live at 200x60: soctop-sim offers RATE
# alerts a second for NET_S seconds. soctop keeps up when it needs no second
# snapshot (a client that falls 64 MiB behind is cut off by the sim and
# re-snapshots, skipping events) and its cursor reaches the sim's last seq;
# the rate is then the events applied over the time they took.
net_ingest() {
	rate=$1
	rm -rf "$T/state"
	: > "$T/soctop.log"
	start_sim --seed 1 --rate "$rate" --max-events $((rate * NET_S)) --window 1000 --heartbeat 2
	write_config "[ui]
refresh_hz = 20"
	run_soctop 200 60
	wait_for 10 soctop_pid || fail "soctop did not start"
	P=$(soctop_pid)
	wait_for 20 sh -c "[ \$(sqlite3 $T/state/cache.db 'SELECT seq FROM cursors WHERE backend=\"fsoc\"' 2>/dev/null || echo 0) -gt 0 ]"
	s0=$(fsoc_seq); t0=$(now); c0=$(cpu_ticks "$P")
	last=$s0; tl=$t0; still=0
	while [ $still -lt 10 ]; do # until the cursor stands still for 2 s
		sleep 0.2
		s=$(fsoc_seq)
		if [ "$s" -gt "$last" ]; then last=$s; tl=$(now); still=0; else still=$((still + 1)); fi
	done
	c1=$(cpu_ticks "$P")
	rss=$(rss_kb "$P")
	quit_soctop
	stats=$(grep -o 'stats fsoc.*' "$T/soctop.log" | tail -1)
	snaps=$(echo "$stats" | sed -n 's/.*snapshots=\([0-9]*\).*/\1/p')
	gaps=$(echo "$stats" | sed -n 's/.*gaps=\([0-9]*\).*/\1/p')
	if [ "$snaps" = 1 ] && [ "$gaps" = 0 ]; then
		verdict="kept up: $(calc '%.0f' "($last - $s0) / ($tl - $t0)") events/s applied and committed"
	else
		verdict="FELL BEHIND (snapshots=$snaps gaps=$gaps): the sim cut it off"
	fi
	echo "  offered $rate/s for $NET_S s: $verdict; soctop CPU $(calc '%.0f' "100 * ($c1 - $c0) / $HZ / ($tl - $t0)")% of a core, RSS $rss kB"
	grep -o 'frames drawn.*' "$T/soctop.log" | tail -1 | sed 's/^/    redraws: /'
	stop_sim
}
echo "network ingest (soctop-sim -> websocket -> decode -> cache, the screen live at 200x60):"
for r in ${BENCH_RATES:-40000 50000 60000}; do net_ingest "$r"; done
echo

# 3. Idle CPU: two backends connected, only heartbeats flowing (1 s apart).
rm -rf "$T/state"
start_sim --seed 2 --rate 0 --heartbeat 1
write_config
run_soctop 120 40
wait_for 10 soctop_pid || fail "soctop did not start"
P=$(soctop_pid)
wait_screen "fcert ● live" 15
sleep 2
c0=$(cpu_ticks "$P"); s0=$(cpu_ticks "$SIM_PID")
sleep "$IDLE_S"
c1=$(cpu_ticks "$P"); s1=$(cpu_ticks "$SIM_PID")
echo "idle: two backends live, heartbeats every 1 s, the clock redrawn every second, for $IDLE_S s:"
echo "  soctop $((c1 - c0)) ticks of 1/$HZ s = $(calc '%.2f' "100 * ($c1 - $c0) / $HZ / $IDLE_S")% of one core (soctop-sim beside it: $((s1 - s0)) ticks)"
quit_soctop
stop_sim
echo

# 4. RSS after NRSS alerts have been ingested (offered at 30000/s, below
# what soctop sustains, so that every one of them arrives as an event).
rm -rf "$T/state"
start_sim --seed 3 --rate 30000 --max-events $((NRSS + NRSS / 20)) --window 1000 --heartbeat 2
write_config
run_soctop 200 60
wait_for 10 soctop_pid || fail "soctop did not start"
P=$(soctop_pid)
t0=$(date +%s)
while [ "$(db 'SELECT count(*) FROM alerts' 2>/dev/null || echo 0)" -lt "$NRSS" ] && [ $(($(date +%s) - t0)) -lt 300 ]; do
	sleep 1
done
sleep 2
n=$(db 'SELECT count(*) FROM alerts')
echo "memory: after $n alerts ingested (cache file $(du -m "$T/state/cache.db" | cut -f1) MB, WAL $(du -m "$T/state/cache.db-wal" 2>/dev/null | cut -f1) MB):"
echo "  soctop RSS $(rss_kb "$P") kB, peak $(awk '/^VmHWM/ {print $2}' "/proc/$P/status") kB"
quit_soctop
stop_sim
echo

# 5. The wall for a day: soctop --wall at 200x60 with the sim offering
# BENCH_WALL_RATE events a second for BENCH_WALL_S seconds (default 24 hours
# of 10 events a second, compressed 500 times); RSS sampled 12 times.
WALL_RATE=${BENCH_WALL_RATE:-5000}
WALL_S=${BENCH_WALL_S:-173}
rm -rf "$T/state"
start_sim --seed 4 --rate "$WALL_RATE" --max-events $((WALL_RATE * WALL_S)) --window 1000 --heartbeat 2
write_config
run_soctop 200 60 --wall
wait_for 10 soctop_pid || fail "soctop did not start"
P=$(soctop_pid)
wait_screen "WALL" 10
echo "wall mode for a simulated day: $WALL_RATE events/s offered for $WALL_S s ($((WALL_RATE * WALL_S)) events), 200x60:"
samples=""
i=0
while [ $i -lt 12 ]; do
	sleep $((WALL_S / 12))
	i=$((i + 1))
	samples="$samples $(rss_kb "$P")"
done
first=$(echo "$samples" | awk '{print $1}')
last=$(echo "$samples" | awk '{print $NF}')
echo "  RSS kB every $((WALL_S / 12)) s:$samples"
echo "  from the 1st sample to the last: $(calc '%+.1f' "($last - $first) / 1024") MB; $(db 'SELECT count(*) FROM alerts') alerts cached"
quit_soctop
grep -o 'frames drawn.*' "$T/soctop.log" | tail -1 | sed 's/^/    redraws: /'
stop_sim
