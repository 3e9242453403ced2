#!/usr/bin/env bats
# The seccomp sandbox (host/sandbox.c): on by default once the guest runs, off
# with --no-sandbox. tests/unit/sandbox_test.c proves the filter kills a
# forbidden call with SIGSYS and lets the calls vmm needs through.

load helpers

ROOT=$BATS_TEST_DIRNAME/..

# The sanitizer build leaves the sandbox off (its runtime needs more).
is_asan_build() {
	grep -qa __asan_init "$VMM"
}

# seccomp_mode PID: the Seccomp: line of /proc/PID/status (0 off, 2 filter).
seccomp_mode() {
	awk '/^Seccomp:/ { print $2 }' "/proc/$1/status"
}

@test "unit: the filter kills forbidden calls with SIGSYS, allows what vmm needs" {
	make -s -C "$ROOT" build/unit/sandbox_test >&2
	run "$ROOT/build/unit/sandbox_test" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"16 passed, 0 failed"* ]]
}

@test "a running guest is sandboxed: Seccomp 2 in /proc/PID/status" {
	is_asan_build && skip "the sanitizer build runs without the sandbox"
	vmm_bg --timeout 10 "$GUESTS/spin64.bin"
	wait_until eval '[ "$(seccomp_mode "$VMM_PID")" = 2 ]' || {
		echo "Seccomp: $(seccomp_mode "$VMM_PID")"; kill -KILL "$VMM_PID"; return 1; }
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
}

@test "--no-sandbox: no filter, and guests run the same" {
	vmm --no-sandbox "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout $'Hello from long mode!\r\n'
	vmm_bg --no-sandbox --timeout 10 "$GUESTS/spin64.bin"
	sleep 0.3
	[ "$(seccomp_mode "$VMM_PID")" = 0 ] || { kill -KILL "$VMM_PID"; return 1; }
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
}

@test "the sandbox lets every exit path through: halt, debug exit, triple fault, timeout, snapshot" {
	vmm "$GUESTS/hello64.bin"
	assert_status 0
	vmm "$GUESTS/exit64.bin"
	[ $((status % 2)) -eq 1 ] || { show; return 1; }
	vmm "$GUESTS/triple64.bin"
	assert_status 8
	vmm --timeout 0.2 "$GUESTS/spin64.bin"
	assert_status 124
	vmm --fb 64x64 --fb-png "$T/fb.png" "$GUESTS/evilfb64.bin"
	assert_status 1
	[ -s "$T/fb.png" ]
	refute_grep -q 'forbidden system call' "$ERR"
}
