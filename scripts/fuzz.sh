#!/bin/sh
# Run libFuzzer harnesses: scripts/fuzz.sh SECONDS build/fuzz/fuzz_NAME...
# Each starts from its seed corpus in fuzz/corpus/NAME (read only) plus what
# earlier runs learned in build/fuzz/corpus/NAME (where new inputs go). A
# crash, leak or sanitizer report fails the run; the input that caused it is
# left in build/fuzz/ as crash-*, leak-* or timeout-*.
set -u
secs=$1; shift
fails=0
for f in "$@"; do
	name=$(basename "$f" | sed 's/^fuzz_//')
	seeds=fuzz/corpus/$name
	work=build/fuzz/corpus/$name
	mkdir -p "$work"
	[ -d "$seeds" ] || { echo "fuzz: no seed corpus $seeds" >&2; fails=$((fails + 1)); continue; }
	log=build/fuzz/$name.log
	printf 'fuzz %-8s %3s s ... ' "$name" "$secs"
	if "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix=build/fuzz/ -print_final_stats=1 "$work" "$seeds" >"$log" 2>&1; then
		echo "ok ($(sed -n 's/^stat::number_of_executed_units: *//p' "$log") runs, $(sed -n 's/.*cov: \([0-9]*\).*/\1/p' "$log" | tail -1) edges)"
	else
		echo "FAILED"
		grep -E -A15 'ERROR|runtime error|deadly signal|Test unit written' "$log" | head -40 >&2
		fails=$((fails + 1))
	fi
done
[ "$fails" = 0 ]
