#!/bin/bash
# fuzz/run.sh SECONDS NAME...: run each libFuzzer harness build/fuzz/NAME for
# SECONDS over its corpus (build/fuzz/corpus/NAME, grown as it goes), the
# seeds made from the guests (fuzz/seeds.py) and the regression inputs
# (fuzz/regressions/NAME). A crash, leak, timeout or sanitizer report is
# saved in build/fuzz/artifacts/NAME/ and fails the run; add it to
# fuzz/regressions/NAME once fixed. Prints execs/s, total execs and
# coverage per harness, also kept in build/fuzz/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=$1
shift
out=build/fuzz
python3 fuzz/seeds.py "$out/seeds" build/guests
printf '%-10s %10s %12s %8s %8s  %s\n' harness execs/s execs cov ft result >"$out/summary.txt"
failed=0
for name; do
	mkdir -p "$out/corpus/$name" "$out/artifacts/$name" "fuzz/regressions/$name"
	log=$out/$name.log
	result=ok
	"$out/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$name/" \
		"$out/corpus/$name" "$out/seeds/$name" "fuzz/regressions/$name" >"$log" 2>&1 ||
		{ result="FAILED (see $log)"; failed=1; }
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
	# shellcheck disable=SC2086  # "cov: N ft: M" splits into its numbers
	set -- $cov
	printf '%-10s %10s %12s %8s %8s  %s\n' "$name" "${rate:-?}" "${execs:-?}" "${2:-?}" \
		"${4:-?}" "$result" >>"$out/summary.txt"
done
cat "$out/summary.txt"
exit "$failed"
