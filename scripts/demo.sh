#!/bin/sh
# make demo: start soctop-sim on a free loopback port and run soctop against
# it full-screen. Everything lives in build/demo/; quitting soctop stops the
# simulator. Usage: scripts/demo.sh BUILD_DIR [soctop options, e.g. --wall]
set -eu
B=${1:-build}
[ $# -gt 0 ] && shift
D="$B/demo"
mkdir -p "$D"
chmod 700 "$D"
rm -f "$D/port"

if [ ! -t 0 ] || [ ! -t 1 ]; then
	echo "make demo needs a terminal (run it in a terminal, tmux or over ssh -t)" >&2
	exit 1
fi

umask 077
printf 'demo-token\n' > "$D/token"
chmod 600 "$D/token"

"$B/soctop-sim" --port 0 --port-file "$D/port" --token-file "$D/token" --seed 42 \
	--rate "${SOCTOP_DEMO_RATE:-3}" --heartbeat 5 --state "$D/sim-state" >"$D/sim.out" 2>"$D/sim.log" &
SIM=$!
trap 'kill "$SIM" 2>/dev/null; wait "$SIM" 2>/dev/null || true' EXIT INT TERM HUP

i=0
while [ ! -s "$D/port" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$SIM" 2>/dev/null; then
		echo "soctop-sim did not start; see $D/sim.log:" >&2
		tail -5 "$D/sim.log" >&2
		exit 1
	fi
	sleep 0.05
done
PORT=$(cat "$D/port")

cat > "$D/config.ini" <<EOC
# Written by make demo: soctop against soctop-sim on 127.0.0.1:$PORT.
[cache]
path = $PWD/$D/cache.db

[log]
file = $PWD/$D/soctop.log
level = info

[ui]
refresh_hz = 20

[backend fsoc]
url = ws://127.0.0.1:$PORT/fsoc
token_file = $PWD/$D/token

[backend fcert]
url = ws://127.0.0.1:$PORT/fcert
token_file = $PWD/$D/token
EOC

"$B/soctop" --config "$D/config.ini" "$@"
