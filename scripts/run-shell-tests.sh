#!/bin/sh
# Run every tests/<dir>/*.sh script; each exits 0 on pass, 77 on skip.
set -u
dir=$1
pass=0; fail=0; skip=0
for t in "$dir"/*.sh; do
	[ -e "$t" ] || continue
	echo "== $t"
	timeout 300 sh "$t"
	rc=$?
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)); echo "SKIPPED: $t" ;;
	*) fail=$((fail + 1)); echo "FAILED ($rc): $t" ;;
	esac
done
echo "$(basename "$dir"): $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
