#!/usr/bin/env bats
# Several vCPUs (--smp) and the fw_cfg device that tells guests how many:
# APs wait for INIT/SIPI, each has its own APIC id, and the run ends with
# status 0 once every vCPU is halted with interrupts off or never started.

load helpers

HELLO64=$'Hello from long mode!\r\n'

# expect LINE...: the guest's output, each line ended by CR LF, in $T/want.
expect() {
	printf '%s\r\n' "$@" >"$T/want"
}

# fw_cfg_lines CPUS RAM-HEX: the whole output of fwcfg64.
fw_cfg_lines() {
	expect "signature 'QEMU'" "id 0000000000000001" "ram $2" "cpus $1" "max cpus $1" \
		"unknown 0000000000000000"
}

# assert_cpus_up N: smp64's output names cpus 0..N-1 once each, in any
# order, and ends with "all N cpus up".
assert_cpus_up() {
	local n=$1 i
	tr -d '\r' <"$OUT" >"$T/lines"
	[ "$(wc -l <"$T/lines")" -eq $((n + 1)) ] || { echo "expected $((n + 1)) lines"; show; return 1; }
	[ "$(tail -1 "$T/lines")" = "all $n cpus up" ] || { show; return 1; }
	head -n "$n" "$T/lines" | sort >"$T/got"
	for ((i = 0; i < n; i++)); do echo "cpu $i up"; done | sort >"$T/wanted"
	diff "$T/wanted" "$T/got" || { show; return 1; }
}

# vcpu_exits N KIND: KIND exits (IO, INTR...) in the --stats section of vCPU N.
vcpu_exits() {
	awk -v sec="  vCPU $1:" -v kind="$2" '
		/^  [^ ]/ { in_sec = ($0 == sec) }
		in_sec && $1 == kind { print $2; exit }' "$ERR"
}

# --- fw_cfg ----------------------------------------------------------------

@test "fw_cfg: signature, id, RAM size and CPU count; the guest exits with the count" {
	vmm "$GUESTS/fwcfg64.bin"
	assert_status 3 # (1 << 1) | 1
	fw_cfg_lines 1 0000000008000000
	assert_stdout_file "$T/want"
	assert_stderr_empty
}

@test "fw_cfg: the RAM size follows -m" {
	local m
	for m in 2M:0000000000200000 1G:0000000040000000 3G:00000000c0000000 \
		 4G:0000000100000000 4100M:0000000100400000; do
		echo "-m ${m%:*}"
		vmm -m "${m%:*}" "$GUESTS/fwcfg64.bin"
		assert_status 3
		fw_cfg_lines 1 "${m#*:}"
		assert_stdout_file "$T/want"
	done
}

@test "fw_cfg: the CPU count follows --smp (status (N << 1) | 1)" {
	local n
	for n in 2 3 8; do
		vmm --smp "$n" "$GUESTS/fwcfg64.bin"
		assert_status $(((n << 1) | 1))
		fw_cfg_lines "$n" 0000000008000000
		assert_stdout_file "$T/want"
	done
	vmm --smp 3 -m 1G "$GUESTS/fwcfg64.bin"
	assert_status 7
	fw_cfg_lines 3 0000000040000000
	assert_stdout_file "$T/want"
}

@test "fw_cfg: --smp 254, the most; APs that never start do not hold the run" {
	vmm --smp 254 "$GUESTS/fwcfg64.bin"
	assert_status $(((254 << 1 | 1) & 255))
	fw_cfg_lines 254 0000000008000000
	assert_stdout_file "$T/want"
}

# --- bringing up the APs ---------------------------------------------------

@test "smp64 --smp 1: the BSP alone" {
	vmm --smp 1 "$GUESTS/smp64.bin"
	assert_status 0
	expect "cpu 0 up" "all 1 cpus up"
	assert_stdout_file "$T/want"
	assert_stderr_empty
}

@test "smp64 without --smp is the same as --smp 1" {
	vmm "$GUESTS/smp64.bin"
	assert_status 0
	expect "cpu 0 up" "all 1 cpus up"
	assert_stdout_file "$T/want"
}

@test "smp64 --smp 2: INIT-SIPI-SIPI starts the AP, APIC id 1" {
	vmm --smp 2 "$GUESTS/smp64.bin"
	assert_status 0
	assert_cpus_up 2
	assert_stderr_empty
}

@test "smp64 --smp 4: every AP up once, with its own APIC id" {
	vmm --smp 4 "$GUESTS/smp64.bin"
	assert_status 0
	assert_cpus_up 4
	assert_stderr_empty
}

@test "smp64 --smp 4, ten runs: no lost or doubled CPU" {
	local i
	for i in $(seq 10); do
		vmm --smp 4 "$GUESTS/smp64.bin"
		assert_status 0
		assert_cpus_up 4
	done
}

@test "smp64 --smp 16: more vCPUs than host CPUs" {
	vmm --smp 16 "$GUESTS/smp64.bin"
	assert_status 0
	assert_cpus_up 16
}

@test "smp64 --smp 254: the most vCPUs, APIC ids 0..253" {
	vmm --smp 254 "$GUESTS/smp64.bin"
	assert_status 0
	assert_cpus_up 254
}

@test "smp64 --smp 3 with and without sync_regs and the ring" {
	local v
	for v in --no-sync-regs --no-coalesce "--no-sync-regs --no-coalesce"; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086  # $v is one or more options
		vmm $v --smp 3 "$GUESTS/smp64.bin"
		assert_status 0
		assert_cpus_up 3
	done
}

@test "--stats with --smp 2: a section per vCPU; the AP's own exits in vCPU 1" {
	vmm --stats --smp 2 "$GUESTS/smp64.bin"
	assert_status 0
	assert_cpus_up 2
	grep -qx '  vCPU 0:' "$ERR" || { show; false; }
	grep -qx '  vCPU 1:' "$ERR" || { show; false; }
	# The AP printed a line: UART port I/O exits on vCPU 1.
	[ "$(vcpu_exits 1 IO)" -gt 0 ] || { show; false; }
	# An AP that is never started makes no I/O exits.
	vmm --stats --smp 2 "$GUESTS/hello64.bin"
	assert_status 0
	grep -qx '  vCPU 1:' "$ERR" || { show; false; }
	[ -z "$(vcpu_exits 1 IO)" ] || { show; false; }
}

@test "APs never started: a guest that halts ends the run with status 0" {
	local n
	for n in 2 4; do
		vmm --smp "$n" "$GUESTS/hello64.bin"
		assert_status 0
		assert_stdout "$HELLO64"
		assert_stderr_empty
	done
}

@test "APs never started: the debug exit port ends the run at once" {
	vmm --smp 4 "$GUESTS/fwcfg64.bin"
	assert_status 9
}

# --- the end of a run: every vCPU waits for another, exactly -------------

# smphalt CASE ARGS...: run smphalt64 with CASE as its first input byte.
smphalt() {
	local c=$1
	shift
	printf '%s' "$c" >"$T/case"
	IN=$T/case vmm "$@" "$GUESTS/smphalt64.bin"
}

@test "INIT without SIPI: APs left waiting for a SIPI do not hold the run" {
	local n
	for n in 2 4; do
		smphalt i --smp "$n"
		assert_status 0
		assert_stdout $'case i\r\n'
		assert_stderr_empty
	done
}

@test "halted with interrupts off beside an RTC interrupt that only ticks raise: still the end" {
	local n
	for n in 1 2; do
		smphalt r --smp "$n" --timeout 20
		assert_status 0
		assert_stdout $'case r\r\n'
		assert_stderr_empty
	done
}

@test "a BSP halted with interrupts off while an AP runs is not the end: the AP's NMI wakes it" {
	local n v
	for n in 2 3; do
		for v in "" --no-sync-regs; do
			echo "--smp $n $v"
			# shellcheck disable=SC2086
			smphalt n --smp "$n" $v
			assert_status 5
			assert_stdout $'case n\r\nwaking cpu 0\r\nwoken by NMI\r\n'
		done
	done
}

@test "APs halted with interrupts off and a BSP halted with them on: the run goes on" {
	smphalt p --smp 3 --timeout 1
	assert_status 124
	assert_stdout $'case p\r\nall parked\r\n'
}

@test "an idle guest's vCPUs are not kicked 100 times a second, timer or not" {
	# Looks at a guest that makes no exit come ever more rarely
	# (vm/watch.c): a few in a second, where kicking every tick made 100
	# per vCPU. 'p' masks every interrupt; 't' takes the PIT's 18.2 Hz.
	local c i kicks
	for c in p t; do
		smphalt "$c" --smp 3 --timeout 1 --stats
		assert_status 124
		for i in 0 1 2; do
			kicks=$(vcpu_exits "$i" INTR)
			echo "case $c, vCPU $i: ${kicks:-0} kicks"
			[ "${kicks:-0}" -le 20 ] || { show; false; }
		done
	done
}

@test "SIGQUIT prints every vCPU's state, sandbox on, and the guest goes on" {
	printf p >"$T/case"
	IN=$T/case vmm_bg --smp 3 "$GUESTS/smphalt64.bin"
	wait_until grep -q 'all parked' "$OUT"
	kill -QUIT "$VMM_PID"
	wait_until grep -q '^vmm: cpu 2:' "$ERR"
	kill -QUIT "$VMM_PID"
	wait_until eval '[ "$(grep -c "^vmm: cpu 2:" "$ERR")" -eq 2 ]'
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
	[ "$(grep -c '^vmm: cpu 0: mp_state HALTED, interrupts on, rip 0x' "$ERR")" -eq 2 ] || { show; false; }
	[ "$(grep -c '^vmm: cpu [12]: mp_state HALTED, interrupts off, rip 0x.*, last exit none, 0 exits$' "$ERR")" -eq 4 ] ||
		{ show; false; }
	grep -q '^vmm: cpu 0: .*last exit IO, [0-9]* exits$' "$ERR" || { show; false; }
}

# --- bad --smp -------------------------------------------------------------

@test "--smp outside 1..254 is a usage error" {
	local n
	for n in 0 255 1000 -1 abc "" 2x; do
		echo "--smp '$n'"
		vmm --smp "$n" "$GUESTS/hello64.bin"
		assert_error 2 "--smp" "'$n'"
	done
}

@test "--smp above KVM_CAP_MAX_VCPUS is a usage error" {
	local max
	vmm --caps
	max=$(awk '$1 == "KVM_CAP_MAX_VCPUS" { print $2 }' "$OUT")
	[ -n "$max" ] || { show; false; }
	[ "$max" -lt 254 ] || skip "this KVM allows $max vCPUs, more than --smp takes"
	vmm --smp $((max + 1)) "$GUESTS/hello64.bin"
	assert_error 2 "--smp $((max + 1))" "at most $max"
}
