#!/bin/sh
# make bench: print soctop's speed and memory figures, each beside a
# baseline measured in the same run. Everything runs on loopback with ports
# chosen at run time and stops by itself. Sizes can be lowered for a quick
# look: BENCH_ALERTS (ingest, default 300000), BENCH_RSS_ALERTS (default
# 1000000), BENCH_IDLE_S (default 10).
set -u
B=${SOCTOP_BUILD:-build}
case $B in /*) ;; *) B="$PWD/$B" ;; esac
. "$(dirname "$0")/../tests/lib/common.sh"

N=${BENCH_ALERTS:-300000}
NRSS=${BENCH_RSS_ALERTS:-1000000}
IDLE_S=${BENCH_IDLE_S:-10}
HZ=$(getconf CLK_TCK)

echo "soctop benchmarks on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo

# 1. In-process ingest: baseline loop vs soctop's decode+validate+cache path.
"$B/bench/ingest" "$N"
echo

soctop_pid() { pgrep -n -f "$B/soctop --config $T/config.ini"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
alerts() { db "SELECT count(*) FROM alerts" 2>/dev/null || echo 0; }

# 2. Network ingest with the screen live at 200x60: soctop-sim sends N new
# alerts as fast as it can; time from the first to the last in the cache.
start_sim --seed 1 --rate 1000000 --max-events "$N" --window 1000 --heartbeat 2
write_config "[ui]
refresh_hz = 20"
# hold the sim until soctop is up: it generates from its start, so measure
# from the first alert soctop stores to the last.
run_soctop 200 60
wait_for 10 soctop_pid || fail "soctop did not start"
P=$(soctop_pid)
t0=""
c0=$(cpu_ticks "$P")
while :; do
	n=$(alerts)
	now=$(date +%s.%N)
	[ -z "$t0" ] && [ "$n" -gt 0 ] && { t0=$now; n0=$n; }
	[ "$n" -ge "$N" ] && break
	if [ -n "$t0" ] && [ "$(echo "$now - $t0 > 120" | bc)" = 1 ]; then echo "  (stopped after 120 s at $n)"; break; fi
	sleep 0.2
done
t1=$(date +%s.%N)
c1=$(cpu_ticks "$P")
rate=$(echo "($n - $n0) / ($t1 - $t0)" | bc)
cpu=$(echo "scale=2; ($c1 - $c0) / $HZ" | bc)
echo "network ingest (soctop-sim -> websocket -> soctop -> cache, screen live at 200x60):"
echo "  $((n - n0)) alerts in $(echo "scale=2; ($t1 - $t0)/1" | bc) s: $rate alerts/s; soctop used $cpu s of CPU"
echo "  RSS of soctop: $(rss_kb "$P") kB"
keys q
wait_for 10 sh -c "! kill -0 $P 2>/dev/null"
frames=$(grep -o 'frames drawn.*' "$T/soctop.log" | tail -1)
echo "  redraws: $frames"
stop_sim
echo

# 3. Idle CPU: two backends connected, only heartbeats flowing (1 s apart).
rm -rf "$T/state"
start_sim --seed 2 --rate 0 --heartbeat 1
write_config
run_soctop 120 40
wait_for 10 soctop_pid || fail "soctop did not start"
P=$(soctop_pid)
wait_screen "fcert" 10
sleep 2
c0=$(cpu_ticks "$P")
sleep "$IDLE_S"
c1=$(cpu_ticks "$P")
pct=$(echo "scale=3; 100 * ($c1 - $c0) / $HZ / $IDLE_S" | bc)
echo "idle: two backends live, heartbeats every 1 s, clock redrawn every second:"
echo "  soctop used $((c1 - c0)) ticks (1/$HZ s) in $IDLE_S s = $pct% of one core (baseline: 'sleep' uses 0)"
keys q
sleep 0.5
stop_sim
echo

# 4. RSS after NRSS alerts have been ingested.
rm -rf "$T/state"
start_sim --seed 3 --rate 1000000 --max-events "$NRSS" --window 1000 --heartbeat 2
write_config
run_soctop 200 60
wait_for 10 soctop_pid || fail "soctop did not start"
P=$(soctop_pid)
t0=$(date +%s)
while [ "$(alerts)" -lt "$NRSS" ] && [ $(($(date +%s) - t0)) -lt 300 ]; do sleep 1; done
n=$(alerts)
echo "memory: after $n alerts ingested (cache file $(du -m "$T/state/cache.db" | cut -f1) MB):"
echo "  soctop RSS $(rss_kb "$P") kB (peak $(awk '/^VmHWM/ {print $2}' "/proc/$P/status") kB)"
keys q
sleep 0.5
stop_sim
