# tests/lib/common.sh - shared by the integration and end-to-end tests.
# Each test sources this, gets a private temp dir ($T) that is removed at
# exit, and helpers to start soctop-sim on a free loopback port and to run
# soctop inside a detached tmux session on a private socket.
set -u
B=${SOCTOP_BUILD:-build}
case $B in /*) ;; *) B="$PWD/$B" ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/soctop-test.XXXXXX")
chmod 700 "$T"
SIM_PID=""
TMUX_SOCK="$T/tmux.sock"
export LANG=${TEST_LANG:-C.UTF-8} LC_ALL=${TEST_LANG:-C.UTF-8}

cleanup() {
	[ -n "$SIM_PID" ] && kill -9 "$SIM_PID" 2>/dev/null
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	if [ "${KEEP_TEST_DIR:-}" = "" ]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	if [ -f "$T/soctop.log" ]; then echo "--- soctop.log (tail)" >&2; tail -20 "$T/soctop.log" >&2; fi
	if [ -f "$T/sim.log" ]; then echo "--- sim.log (tail)" >&2; tail -10 "$T/sim.log" >&2; fi
	exit 1
}
pass() { echo "ok: $*"; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	_limit=$1; shift
	_i=0
	while ! "$@" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -gt $((_limit * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# start_sim [sim options...]: start soctop-sim on a free port; sets PORT.
start_sim() {
	rm -f "$T/port"
	printf 'test-token\n' > "$T/token"; chmod 600 "$T/token"
	"$B/soctop-sim" --port "${PORT:-0}" --port-file "$T/port" --token-file "$T/token" "$@" \
		>>"$T/sim.out" 2>>"$T/sim.log" &
	SIM_PID=$!
	wait_for 10 test -s "$T/port" || fail "soctop-sim did not start"
	PORT=$(cat "$T/port")
}
stop_sim() {
	[ -n "$SIM_PID" ] && kill -9 "$SIM_PID" 2>/dev/null
	[ -n "$SIM_PID" ] && wait "$SIM_PID" 2>/dev/null
	SIM_PID=""
}

# write_config [extra ini text]: a config for the sim on $PORT.
write_config() {
	cat > "$T/config.ini" <<EOC
[cache]
path = $T/state/cache.db
[log]
file = $T/soctop.log
level = debug
[backend fsoc]
url = ws://127.0.0.1:$PORT/fsoc
token_file = $T/token
[backend fcert]
url = ws://127.0.0.1:$PORT/fcert
token_file = $T/token
EOC
	[ $# -gt 0 ] && printf '%s\n' "$*" >> "$T/config.ini"
	return 0
}

# run_soctop COLS ROWS [args...]: soctop in a detached tmux session "t".
run_soctop() {
	_c=$1; _r=$2; shift 2
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s t -x "$_c" -y "$_r" \
		"TERM=${TEST_TERM:-xterm-256color} $B/soctop --config $T/config.ini $*; echo \"[exit \$?]\"; sleep 30"
	tmux -S "$TMUX_SOCK" set-option -g remain-on-exit on >/dev/null 2>&1 || true
}
screen() { tmux -S "$TMUX_SOCK" capture-pane -p -t t; }
keys() { tmux -S "$TMUX_SOCK" send-keys -t t "$@"; }
# screen_has TEXT: the visible screen contains TEXT.
screen_has() { screen | grep -F -q -- "$1"; }
wait_screen() { wait_for "${2:-10}" screen_has "$1" || { screen >&2; fail "screen never showed '$1'"; }; }

db() { sqlite3 -cmd '.timeout 5000' "$T/state/cache.db" "$@"; }
