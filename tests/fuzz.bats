#!/usr/bin/env bats
# The libFuzzer harnesses (fuzz/*.c) replay their regression inputs
# (fuzz/regressions/NAME: every crash or hang the fuzzers or the hostile
# guests found, kept once fixed) and their seeds (fuzz/seeds.py, made from
# the real guests), each input once (-runs=0). `make fuzz-run` fuzzes for
# real; this only proves no old bug came back. Skipped without clang.

load helpers

ROOT=$BATS_TEST_DIRNAME/..
HARNESSES=(flat bzimage multiboot serial devices fb ring paging rsp)

setup_file() {
	command -v clang >/dev/null || return 0
	make -s -C "$ROOT" fuzz >"$BATS_FILE_TMPDIR/make.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/make.log"; return 1; }
	python3 "$ROOT/fuzz/seeds.py" "$BATS_FILE_TMPDIR/seeds" "$ROOT/build/guests"
}

# replay NAME: the harness over its regressions and seeds, once each.
replay() {
	command -v clang >/dev/null || skip "clang is not installed (make fuzz needs it)"
	local dirs=("$BATS_FILE_TMPDIR/seeds/$1") n
	n=$(find "$ROOT/fuzz/regressions/$1" -type f 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || dirs+=("$ROOT/fuzz/regressions/$1")
	run "$ROOT/build/fuzz/$1" -runs=0 -timeout=20 \
		-artifact_prefix="$BATS_TEST_TMPDIR/" "${dirs[@]}"
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[[ "$output" == *"Done "*" runs in"* ]]
}

@test "fuzz harness flat: regressions and seeds replay cleanly" {
	replay flat
}

@test "fuzz harness bzimage: regressions and seeds replay cleanly" {
	replay bzimage
}

@test "fuzz harness multiboot: regressions and seeds replay cleanly" {
	replay multiboot
}

@test "fuzz harness serial: regressions and seeds replay cleanly" {
	replay serial
}

@test "fuzz harness devices: regressions (debug exit values) and seeds replay cleanly" {
	replay devices
}

@test "fuzz harness fb: regressions and seeds replay cleanly" {
	replay fb
}

@test "fuzz harness ring: regressions (hostile first/last) and seeds replay cleanly" {
	replay ring
}

@test "fuzz harness paging: seeds (vmm's own tables, 32-bit, PAE, paging off) replay cleanly" {
	replay paging
}

@test "fuzz harness rsp: seeds (a gdb session's packets, malformed ones) replay cleanly" {
	replay rsp
}

@test "every harness has a test here, and make fuzz builds every one" {
	command -v clang >/dev/null || skip "clang is not installed"
	local h names
	names=$(sed -n 's/^FUZZ_NAMES *:= *//p' "$ROOT/Makefile")
	[ "$names" = "${HARNESSES[*]}" ] || { echo "Makefile: $names"; return 1; }
	for h in "${HARNESSES[@]}"; do
		[ -x "$ROOT/build/fuzz/$h" ] && [ -f "$ROOT/fuzz/$h.c" ]
	done
}
