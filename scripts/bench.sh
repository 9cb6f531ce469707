#!/bin/sh
# make bench: print soctop's speed and memory figures, each beside a
# baseline measured in the same run. Everything runs on loopback with ports
# chosen at run time and stops by itself. Sizes can be lowered for a quick
# look: BENCH_ALERTS (in-process ingest, default 300000), BENCH_RATES (network
# ingest offered by soctop-sim, default "40000 50000 60000" a second, each for
# BENCH_NET_S seconds, default 10), BENCH_RSS_ALERTS (default 1000000),
# BENCH_IDLE_S (default 10), BENCH_HISTORY_ALERTS (search and time ranges,
# default 1000000), BENCH_WALL_RATE and BENCH_WALL_S (the wall's day,
# default 5000 events/s for 173 s: 24 h at 10 events/s), BENCH_STORM_S
# (terminal bytes during a 10,000 alerts/s storm, default 10). The detail of
# each measurement is printed as it is taken; one table of every figure
# beside its baseline comes last.
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

MACHINE="$(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"
echo "soctop benchmarks: $MACHINE"
echo

# row WHAT SOCTOP BASELINE: one line of the final table.
: > "$T/table"
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3" >> "$T/table"; }
field() { sed -n "s/.*$1 *: *\([0-9.]*\).*/\1/p" "$2" | head -1; }

# 1. In-process ingest: baseline loop vs soctop's decode+validate+cache path.
"$B/bench/ingest" "$N" | tee "$T/ingest.out"
row "ingest without network, $N alerts (decode, validate, rev-checked upsert, cursor)" \
	"$(field 'soctop decode+validate+cache' "$T/ingest.out") alerts/s" \
	"plain jansson parse + SQLite insert loop: $(field 'baseline jansson+sqlite loop' "$T/ingest.out") alerts/s (ratio $(sed -n 's/.*ratio \([0-9.]*\).*/\1/p' "$T/ingest.out"))"
echo

# 1a. Offline review: full-text search and time-range queries.
NH=${BENCH_HISTORY_ALERTS:-1000000}
"$B/bench/history" "$NH" | tee "$T/history.out"
hs() { sed -n "s/.*search $1 .*median *\([0-9.]*\) ms.*/\1/p" "$T/history.out" | head -1; }
row "full-text search (FTS5), $NH alerts: an IP indicator / a broad word (\"vpn\")" "$(hs '198.51.7.42') ms / $(hs 'vpn') ms (medians)" \
	"the first as a LIKE scan of title and JSON: $(sed -n 's/.*LIKE scan of title and JSON: \([0-9.]*\) ms.*/\1/p' "$T/history.out") ms"
row "time range query, one day of $NH alerts, newest page of 60" \
	"$(sed -n 's/.*time range 1 day .*newest page of 60 *\([0-9.]*\) ms.*/\1/p' "$T/history.out") ms (median)" \
	"the same page without the time index: $(sed -n 's/.*1-day page without the time index: \([0-9.]*\) ms.*/\1/p' "$T/history.out") ms"
echo

# 1b. First frame and redraw cost with a large cache.
FA=${BENCH_FRAME_ALERTS:-1000000}; FT=${BENCH_FRAME_TICKETS:-100000}
"$B/bench/frame" "$FA" "$FT" | tee "$T/frame.out"
row "time to first frame, $FA alerts + $FT tickets cached, 200x60 (open, five panes, write)" \
	"$(field 'first full frame (open cache, five panes, write)' "$T/frame.out") ms wall" \
	"plain query of the newest 60 alerts: $(field 'baseline: plain query of the newest 60 alerts' "$T/frame.out") ms CPU"
row "one full redraw of the dashboard, 200x60" "$(field 'one full redraw of the dashboard' "$T/frame.out") ms CPU" \
	"the same plain query: $(field 'baseline: plain query of the newest 60 alerts' "$T/frame.out") ms CPU"
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
		applied=$(calc '%.0f' "($last - $s0) / ($tl - $t0)")
		verdict="kept up: $applied events/s applied and committed"
		row "network ingest, screen live at 200x60" "kept up: $applied events/s applied and committed" "offered: $rate/s"
	else
		verdict="FELL BEHIND (snapshots=$snaps gaps=$gaps): the sim cut it off"
		row "network ingest, screen live at 200x60" "fell behind (cut off by the sim)" "offered: $rate/s"
	fi
	echo "  offered $rate/s for $NET_S s: $verdict; soctop CPU $(calc '%.0f' "100 * ($c1 - $c0) / $HZ / ($tl - $t0)")% of a core, RSS $rss kB"
	grep -o 'frames drawn.*' "$T/soctop.log" | tail -1 | sed 's/^/    redraws: /'
	stop_sim
}
echo "network ingest (soctop-sim -> websocket -> decode -> cache, the screen live at 200x60):"
for r in ${BENCH_RATES:-40000 50000 60000}; do net_ingest "$r"; done
echo

# 2b. What reaches the terminal in an alert storm: soctop at 200x60 while
# the sim generates 10,000 alerts/s for STORM_S seconds. Every byte soctop
# writes to the pty is recorded (tmux pipe-pane) from start to quit; the
# baseline is the bytes of the feed itself over the same run, i.e. what
# tailing the websocket would print (the messages' bytes, from soctop's
# stats line). Both are divided by the storm's length.
STORM_S=${BENCH_STORM_S:-10}
rm -rf "$T/state"
: > "$T/soctop.log"; : > "$T/pty.raw"
start_sim --seed 5 --rate 10000 --max-events $((10000 * STORM_S)) --window 1000 --heartbeat 2
write_config "[ui]
refresh_hz = 20"
tmux -S "$TMUX_SOCK" kill-session -t t 2>/dev/null
tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s t -x 200 -y 60 \
	"sleep 0.5; TERM=xterm-256color $B/soctop --config $T/config.ini; sleep 30"
tmux -S "$TMUX_SOCK" pipe-pane -o -t t "cat >> '$T/pty.raw'"
wait_for 20 sh -c "[ \$(sqlite3 $T/state/cache.db 'SELECT seq FROM cursors WHERE backend=\"fsoc\"' 2>/dev/null || echo 0) -gt 0 ]"
last=0; still=0
while [ $still -lt 10 ]; do # until the cursor stands still for 2 s: the storm is over
	sleep 0.2
	s=$(fsoc_seq)
	if [ "$s" -gt "$last" ]; then last=$s; still=0; else still=$((still + 1)); fi
done
quit_soctop
sleep 0.5
tb=$(wc -c < "$T/pty.raw")
fb=$(( $(grep -o 'stats fsoc.*' "$T/soctop.log" | tail -1 | sed -n 's/.*bytes=\([0-9]*\).*/\1/p') + \
	$(grep -o 'stats fcert.*' "$T/soctop.log" | tail -1 | sed -n 's/.*bytes=\([0-9]*\).*/\1/p') ))
term=$(calc '%.0f' "$tb / $STORM_S / 1024")
feed=$(calc '%.0f' "$fb / $STORM_S / 1024")
pct=$(calc '%.1f' "100 * $tb / $fb")
echo "alert storm, 10,000 alerts/s for $STORM_S s, 200x60, refresh cap 20/s (whole run, start to quit):"
echo "  written to the terminal: $tb bytes = $term KiB/s; the feed: $fb bytes = $feed KiB/s; soctop writes $pct% of the feed"
row "bytes written to the terminal per second, 10,000 alerts/s storm, 200x60" "$term KiB/s" \
	"the raw feed (tailing the websocket): $feed KiB/s (soctop writes $pct% of it)"
tmux -S "$TMUX_SOCK" kill-session -t t 2>/dev/null
stop_sim
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
row "idle CPU, two backends live, heartbeats every 1 s, $IDLE_S s" "$(calc '%.2f' "100 * ($c1 - $c0) / $HZ / $IDLE_S")% of a core ($((c1 - c0)) ticks)" \
	"soctop-sim beside it: $((s1 - s0)) ticks"
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
prev=-1; n=0; still=0
while [ "$n" -lt "$NRSS" ] && [ $still -lt 15 ] && [ $(($(date +%s) - t0)) -lt 300 ]; do
	sleep 2 # (stops early once nothing more arrives for 30 s: the sim is done)
	n=$(db 'SELECT count(*) FROM alerts' 2>/dev/null || echo 0)
	if [ "$n" = "$prev" ]; then still=$((still + 1)); else still=0; fi
	prev=$n
done
sleep 2
n=$(db 'SELECT count(*) FROM alerts')
echo "memory: after $n alerts ingested (cache file $(du -m "$T/state/cache.db" | cut -f1) MB, WAL $(du -m "$T/state/cache.db-wal" 2>/dev/null | cut -f1) MB):"
echo "  soctop RSS $(rss_kb "$P") kB, peak $(awk '/^VmHWM/ {print $2}' "/proc/$P/status") kB"
row "RSS after $n alerts ingested (cache $(du -m "$T/state/cache.db" | cut -f1) MB)" "$(rss_kb "$P") kB (peak $(awk '/^VmHWM/ {print $2}' "/proc/$P/status") kB)" \
	"soctop-sim serving them: $(rss_kb "$SIM_PID") kB"
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
row "wall mode for a simulated day ($((WALL_RATE * WALL_S)) events), 200x60: RSS" "$last kB at the end" \
	"at the 1st of 12 samples: $first kB ($(calc '%+.1f' "($last - $first) / 1024") MB)"
quit_soctop
grep -o 'frames drawn.*' "$T/soctop.log" | tail -1 | sed 's/^/    redraws: /'
stop_sim

echo
echo "## soctop benchmarks: $MACHINE"
echo
echo "| what | soctop | baseline, same run |"
echo "|---|---|---|"
cat "$T/table"
