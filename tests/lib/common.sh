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
	wait_for "${SIM_START_S:-10}" test -s "$T/port" || fail "soctop-sim did not start"
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
	tmux -S "$TMUX_SOCK" kill-session -t t 2>/dev/null
	# Killing the last session stops the server; a new-session racing its
	# exit fails with "server exited unexpectedly": try again once it is gone.
	for _try in 1 2 3; do
		tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s t -x "$_c" -y "$_r" \
			"TERM=${TEST_TERM:-xterm-256color} $B/soctop --config $T/config.ini $*; echo \"[exit \$?]\"; sleep 30" &&
			break
		sleep 0.5
	done
	tmux -S "$TMUX_SOCK" set-option -g remain-on-exit on >/dev/null 2>&1 || true
}
screen() { tmux -S "$TMUX_SOCK" capture-pane -p -t t; }
keys() { tmux -S "$TMUX_SOCK" send-keys -t t "$@"; }
# screen_has TEXT: the visible screen contains TEXT.
screen_has() { screen | grep -F -q -- "$1"; }
wait_screen() { wait_for "${2:-10}" screen_has "$1" || { screen >&2; fail "screen never showed '$1'"; }; }

db() { sqlite3 -cmd '.timeout 5000' "$T/state/cache.db" "$@"; }

# ---- helpers added for tests/integration ----

# pane_all [SESSION]: the pane's text including its scrollback.
pane_all() { tmux -S "$TMUX_SOCK" capture-pane -p -J -S -3000 -t "${1:-t}"; }

# soctop_pid [SESSION]: pid of the soctop process inside that tmux session
# (the child of the pane's shell). Asked twice: one tmux query can fail
# while the server is busy.
soctop_pid() {
	for _try in 1 2 3; do
		_pp=$(tmux -S "$TMUX_SOCK" display -p -t "${1:-t}" '#{pane_pid}' 2>/dev/null)
		if [ -n "$_pp" ]; then
			_sp=$(pgrep -P "$_pp" -x soctop | head -1)
			[ -n "$_sp" ] && { echo "$_sp"; return 0; }
		fi
		sleep 0.1
	done
	return 1
}

# quit_soctop [SESSION]: press q and wait for "[exit N]"; fail unless N is 0.
quit_soctop() {
	_qs=${1:-t}
	tmux -S "$TMUX_SOCK" send-keys -t "$_qs" q
	wait_for 60 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -S -3000 -t '$_qs' | grep -q '^\[exit [0-9]*\]'" ||
		{ pane_all "$_qs" >&2; fail "soctop ($_qs) did not exit on q"; }
	pane_all "$_qs" | grep -q '^\[exit 0\]' || { pane_all "$_qs" >&2; fail "soctop ($_qs) did not exit with status 0"; }
	# its last words: the statistics the tests read come just before them
	_ql=$T/soctop.log
	[ "$_qs" = t ] || _ql=$T/$_qs/soctop.log
	[ -f "$_ql" ] || return 0
	wait_for 10 grep -q "soctop exiting" "$_ql" || fail "soctop ($_qs) exited without its closing log lines in $_ql"
}

# stat_of BACKEND FIELD [LOG]: FIELD of the last "stats BACKEND:" line of the log.
stat_of() {
	grep "stats $1:" "${3:-$T/soctop.log}" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# db_at FILE SQL: sqlite3 on another cache file.
db_at() { _dbf=$1; shift; sqlite3 -cmd '.timeout 5000' "$_dbf" "$@"; }

# cursor_of BACKEND COLUMN [DBFILE]: epoch or seq of a backend's cursor.
cursor_of() { db_at "${3:-$T/state/cache.db}" "select $2 from cursors where backend='$1'" 2>/dev/null; }

# entity_rows DBFILE [TABLES] [WHERE]: every cached entity as table|backend|id|rev|epoch|data, sorted.
entity_rows() {
	for _tb in ${2:-alerts advisories tickets vendors drills}; do
		db_at "$1" "select '$_tb', backend, id, rev, epoch, data from $_tb ${3:-}" || return 1
	done | LC_ALL=C sort
}

# start_client NAME: a second soctop in tmux session NAME with the backends
# of $T/config.ini but its own empty cache and log under $T/NAME/.
start_client() {
	mkdir -p "$T/$1" && chmod 700 "$T/$1"
	sed -e "s#^path = .*#path = $T/$1/cache.db#" -e "s#^file = .*#file = $T/$1/soctop.log#" \
		"$T/config.ini" > "$T/$1/config.ini"
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s "$1" -x 120 -y 40 \
		"TERM=${TEST_TERM:-xterm-256color} $B/soctop --config $T/$1/config.ini; echo \"[exit \$?]\"; sleep 30"
}

# sanitizer_clean [FILES...]: no ASan/UBSan/LSan report in the tmux panes or FILES.
sanitizer_clean() {
	for _s in $(tmux -S "$TMUX_SOCK" list-sessions -F '#{session_name}' 2>/dev/null); do
		if pane_all "$_s" | grep -E -q 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer'; then
			pane_all "$_s" >&2
			return 1
		fi
	done
	for _f in "$@"; do
		[ -f "$_f" ] || continue
		grep -E -q 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer' "$_f" &&
			{ grep -E -A20 'Sanitizer|runtime error' "$_f" | head -40 >&2; return 1; }
	done
	return 0
}

# state_seq STATEFILE BACKEND: the newest seq of BACKEND in a soctop-sim --state file.
state_seq() {
	sed -n -e "s/^{\"b\":\"$2\",\"type\":\"event\",\"seq\":\([0-9]*\).*/\1/p" \
		-e "s/^{\"type\":\"meta\",\"b\":\"$2\",\"epoch\":\"[^\"]*\",\"seq\":\([0-9]*\)}.*/\1/p" "$1" |
		sort -n | tail -1
}

# fsoc_synced: soctop's fsoc cursor equals the newest fsoc seq in the sim's
# --state file ($T/sim.state), and both still do 1.5 s later (the sim is done).
fsoc_synced() {
	_fs=$(state_seq "$T/sim.state" fsoc)
	[ -n "$_fs" ] && [ "$(cursor_of fsoc seq)" = "$_fs" ] || return 1
	sleep 1.5
	[ "$(state_seq "$T/sim.state" fsoc)" = "$_fs" ] && [ "$(cursor_of fsoc seq)" = "$_fs" ]
}

# client_synced NAME FSOC_SEQ FCERT_SEQ: start_client NAME, wait until its
# fsoc and fcert cursors are at those seqs, then quit it (status 0).
client_synced() {
	start_client "$1"
	# (query only once soctop created the file: sqlite3 would create it 0644)
	wait_for 60 sh -c "[ -s '$T/$1/cache.db' ] && [ \"\$(sqlite3 -cmd '.timeout 5000' '$T/$1/cache.db' \"select group_concat(seq) from (select seq from cursors where backend in ('fsoc','fcert') order by backend desc)\" 2>/dev/null)\" = '$2,$3' ]" ||
		{ tail -5 "$T/$1/soctop.log" >&2; fail "client $1 never reached fsoc seq $2, fcert seq $3"; }
	quit_soctop "$1"
}

# wait_soctop_pid [SESSION]: print soctop's pid once it is running (up to 10 s); fail if it never is.
wait_soctop_pid() {
	wait_for 10 soctop_pid "${1:-t}" || { pane_all "${1:-t}" >&2; fail "no soctop process in tmux session ${1:-t}"; }
	soctop_pid "${1:-t}"
}

# make_test_pki DIR: a throw-away CA (ca.pem) and, from it, good.pem/key
# (for localhost and 127.0.0.1) and wrongname.pem/key (for wrong.example
# only); plus a second CA (otherca.pem) and foreign.pem/key, for localhost
# but signed by that other CA. Made with openssl at run time, valid 2 days.
make_test_pki() {
	_d=$1
	mkdir -p "$_d" || return 1
	_ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$_d/$1.key" -out "$_d/$1.pem" -days 2 \
		-subj "/CN=$2" >/dev/null 2>&1; }
	_leaf() { # NAME CA CN SAN
		openssl req -newkey rsa:2048 -nodes -keyout "$_d/$1.key" -out "$_d/$1.csr" -subj "/CN=$3" >/dev/null 2>&1 &&
		printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$4" > "$_d/$1.ext" &&
		openssl x509 -req -in "$_d/$1.csr" -CA "$_d/$2.pem" -CAkey "$_d/$2.key" -CAcreateserial \
			-out "$_d/$1.pem" -days 2 -extfile "$_d/$1.ext" >/dev/null 2>&1
	}
	_ca ca "soctop test CA" && _ca otherca "some other CA" &&
		_leaf good ca localhost "DNS:localhost,IP:127.0.0.1" &&
		_leaf foreign otherca localhost "DNS:localhost,IP:127.0.0.1" &&
		_leaf wrongname ca wrong.example "DNS:wrong.example"
}
