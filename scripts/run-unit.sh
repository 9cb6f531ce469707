#!/bin/sh
# Run each cmocka unit test binary given; fail if any fails.
set -u
fail=0; n=0
for t in "$@"; do
	n=$((n + 1))
	echo "== $t"
	if ! "$t"; then
		echo "FAILED: $t"; fail=$((fail + 1))
	fi
done
echo "unit: $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
