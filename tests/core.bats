#!/usr/bin/env bats
# What vmm does with good input: every guest, every option, every exit status
# a guest or the user can reach. Bad input is in errors.bats.

load helpers

HELLO16=$'Hello from real mode!\r\n'
HELLO32=$'Hello from protected mode!\r\n'
HELLO64=$'Hello from long mode!\r\n'
HYPERCALL=$'hypercall: version 1, 40 + 2 = 42, unknown -1\r\n'
# Register transfer and UART write paths: each guest must behave the same in all.
VARIANTS=("" --no-sync-regs --no-coalesce "--no-sync-regs --no-coalesce")

# --- information options --------------------------------------------------

@test "--help prints the usage on stdout and exits 0" {
	vmm --help
	assert_status 0
	assert_stderr_empty
	grep -q '^usage: vmm \[options\] IMAGE' "$OUT"
	grep -q -- '--kvm-device' "$OUT"
}

@test "-h is --help" {
	vmm -h
	assert_status 0
	grep -q '^usage: vmm' "$OUT"
}

@test "--version prints the version and exits 0" {
	vmm --version
	assert_status 0
	assert_stderr_empty
	grep -qE '^vmm [0-9]+\.[0-9]+' "$OUT"
}

@test "--caps lists the API version and capabilities with their values" {
	vmm --caps
	assert_status 0
	assert_stderr_empty
	grep -qx 'KVM API version: 12' "$OUT"
	grep -qE '^KVM_CAP_SYNC_REGS +[0-9]+ ' "$OUT"
	grep -qE '^KVM_CAP_COALESCED_MMIO +[0-9]+ ' "$OUT"
	grep -qE '^KVM_CAP_COALESCED_PIO +[0-9]+ ' "$OUT"
	grep -qE '^KVM_CAP_IRQCHIP +[0-9]+ ' "$OUT"
}

# --- the hello guests in each CPU mode -------------------------------------

@test "hello16: a boot sector runs in real mode and halts with status 0" {
	vmm "$GUESTS/hello16.bin"
	assert_status 0
	assert_stdout "$HELLO16"
	assert_stderr_empty
}

@test "hello32: --mode protected" {
	vmm --mode protected "$GUESTS/hello32.bin"
	assert_status 0
	assert_stdout "$HELLO32"
	assert_stderr_empty
}

@test "hello64: a flat binary runs in long mode by default" {
	vmm "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
	assert_stderr_empty
}

@test "hello guests with explicit modes, with and without sync_regs and the ring" {
	local v
	for v in "${VARIANTS[@]}"; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086  # $v is zero or more options
		vmm $v --mode real "$GUESTS/hello16.bin"
		assert_status 0
		assert_stdout "$HELLO16"
		# shellcheck disable=SC2086
		vmm $v --mode protected "$GUESTS/hello32.bin"
		assert_status 0
		assert_stdout "$HELLO32"
		# shellcheck disable=SC2086
		vmm $v --mode long "$GUESTS/hello64.bin"
		assert_status 0
		assert_stdout "$HELLO64"
		assert_stderr_empty
	done
}

# --- image kinds ---------------------------------------------------------

@test "a 512-byte file without 0x55 0xAA is a flat binary (long mode at 1 MiB)" {
	cp "$GUESTS/hello64.bin" "$T/hello64-512.bin"
	truncate -s 512 "$T/hello64-512.bin"
	vmm "$T/hello64-512.bin"
	assert_status 0
	assert_stdout "$HELLO64"
}

@test "--mode long overrides boot-sector detection" {
	# Long-mode code with a boot signature: without --mode it would be
	# started in real mode at 0x7c00.
	cp "$GUESTS/hello64.bin" "$T/sig.bin"
	truncate -s 510 "$T/sig.bin"
	printf '\x55\xaa' >>"$T/sig.bin"
	vmm --mode long "$T/sig.bin"
	assert_status 0
	assert_stdout "$HELLO64"
}

@test "a flat binary with --mode real is loaded and entered at 0x7c00" {
	# One byte more than a sector: no longer a boot sector.
	cp "$GUESTS/hello16.bin" "$T/flat16.bin"
	printf '\0' >>"$T/flat16.bin"
	vmm --mode real "$T/flat16.bin"
	assert_status 0
	assert_stdout "$HELLO16"
}

@test "a bzImage is not run as a flat binary" {
	# Run as flat code (at 1 MiB, long mode) the first bytes would exit
	# with status 85: mov $0x2a, %eax; out %eax, $0xf4.
	printf '\xb8\x2a\x00\x00\x00\xe7\xf4\xfa\xf4' >"$T/exit42.bin"
	vmm "$T/exit42.bin"
	assert_status 85 # the probe works as a flat binary
	cp "$T/exit42.bin" "$T/bzImage"
	truncate -s 4096 "$T/bzImage"
	printf 'HdrS' | dd of="$T/bzImage" bs=1 seek=$((0x202)) conv=notrunc status=none
	vmm "$T/bzImage"
	[ "$status" -ne 85 ] || { echo "bzImage ran as a flat binary"; show; false; }
	[ "$status" -ne 137 ] || { echo "vmm hung on a bzImage"; show; false; }
	[ ! -s "$OUT" ] || { echo "bzImage ran as a flat binary"; show; false; }
}

# --- memory, load address and entry point --------------------------------

@test "-m 1M is enough for a boot sector" {
	vmm -m 1M "$GUESTS/hello16.bin"
	assert_status 0
	assert_stdout "$HELLO16"
}

@test "-m accepts K, M and G suffixes in either case" {
	local m
	for m in 2048K 2048k 2M 1g 1G; do
		echo "-m $m"
		vmm -m "$m" "$GUESTS/hello64.bin"
		assert_status 0
		assert_stdout "$HELLO64"
	done
}

@test "--memory 4G: RAM above the 3 GiB hole" {
	vmm --memory 4G "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
}

@test "--load moves a position-independent long-mode guest" {
	# hello64 finds its string RIP-relative; any address above 0x8000 works.
	local a
	for a in 0x200000 0x8000 2097152; do
		echo "--load $a"
		vmm --load "$a" "$GUESTS/hello64.bin"
		assert_status 0
		assert_stdout "$HELLO64"
	done
}

@test "--load below the boot area (the VMM's GDT at 0x1000) works in long mode" {
	# hello64 is 59 bytes: 0xfc5 + 59 = 0x1000.
	vmm --load 0xfc5 "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
}

@test "--load in real mode: CS:IP and DS from the load address's 64 KiB block" {
	# hello16 addresses its string as DS:0x7cxx, so it runs unchanged at
	# 0x7c00 in any 64 KiB segment, e.g. 0x1000:0x7c00.
	vmm --mode real --load 0x17c00 "$GUESTS/hello16.bin"
	assert_status 0
	assert_stdout "$HELLO16"
}

@test "--entry starts execution inside the image" {
	# 16 bytes of "cli; hlt" padding in front of hello64: entered at the
	# load address the guest halts silently, at +16 it prints.
	printf '\xfa\xf4%.0s' {1..8} >"$T/pad64.bin"
	cat "$GUESTS/hello64.bin" >>"$T/pad64.bin"
	vmm "$T/pad64.bin"
	assert_status 0
	assert_stdout ""
	vmm --entry 0x100010 "$T/pad64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
	vmm --load 0x300000 --entry 0x300010 "$T/pad64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
}

# --- exit statuses -------------------------------------------------------

@test "exit64: the debug exit port gives status (V << 1) | 1" {
	local n
	for n in 0 21 127; do
		echo "$n" >"$T/n"
		IN=$T/n vmm "$GUESTS/exit64.bin"
		assert_status $(((n << 1) | 1))
		assert_stdout ""
	done
	echo 21 >"$T/n"
	IN=$T/n vmm --no-sync-regs --no-coalesce "$GUESTS/exit64.bin"
	assert_status 43
}

@test "triple64: a triple fault ends the run with status 8 and a register dump" {
	local v
	for v in "" --no-sync-regs; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086
		vmm $v "$GUESTS/triple64.bin"
		assert_status 8
		assert_stdout $'triple fault next\r\n'
		assert_stderr_has KVM_EXIT_SHUTDOWN rip
		grep -q '^vmm: ' "$ERR"
	done
}

@test "a KVM internal error (emulation failure) ends the run with status 10" {
	# int3 with no IDT: this host's software KVM cannot emulate it and
	# reports KVM_EXIT_INTERNAL_ERROR; a hardware-assisted KVM delivers the
	# exception instead and the guest triple faults.
	printf '\xcc\xfa\xf4' >"$T/int3.bin"
	vmm "$T/int3.bin"
	[ "$status" -ne 8 ] || skip "this KVM executes int3: no emulation failure to provoke"
	assert_status 10
	assert_stderr_has KVM_EXIT_INTERNAL_ERROR rip "cc fa f4"
	grep -q '^vmm: ' "$ERR"
}

@test "a guest reset (i8042 pulse, port 0xcf9) ends the run with status 12" {
	# mov $0xfe, %al; out %al, $0x64; cli; hlt
	printf '\xb0\xfe\xe6\x64\xfa\xf4' >"$T/kbc-reset.bin"
	vmm "$T/kbc-reset.bin"
	assert_status 12
	assert_stdout ""
	assert_stderr_has reset
	# mov $0x06, %al; mov $0xcf9, %dx; out %al, (%dx); cli; hlt
	printf '\xb0\x06\x66\xba\xf9\x0c\xee\xfa\xf4' >"$T/cf9-reset.bin"
	vmm "$T/cf9-reset.bin"
	assert_status 12
	assert_stderr_has reset
}

@test "ps2aux64: the i8042 loops a byte back as aux data (IRQ 12 only when enabled) and as a key (IRQ 1)" {
	vmm "$GUESTS/ps2aux64.bin"
	assert_status 1
	assert_stdout $'aux loop: ok\nirq12: ok\nkbd loop, irq1: ok\n'
}

@test "timer64: PIT channel 2 through port 0x61 (in-kernel); TSC-deadline offered when KVM has it" {
	local cap
	vmm "$GUESTS/timer64.bin"
	assert_status 1
	grep -qx 'pit2: ok' "$OUT"
	cap=$("$VMM" --caps | awk '$1 == "KVM_CAP_TSC_DEADLINE_TIMER" { print $2 }')
	echo "KVM_CAP_TSC_DEADLINE_TIMER: '$cap'"
	if [ "${cap:-0}" -ge 1 ]; then
		grep -qx 'tsc-deadline: yes' "$OUT"
	fi
}

@test "hypercall64: hypercalls return values in RAX, with and without sync_regs" {
	local v
	for v in "${VARIANTS[@]}"; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086
		vmm $v "$GUESTS/hypercall64.bin"
		assert_status 0
		assert_stdout "$HYPERCALL"
		assert_stderr_empty
	done
}

@test "--timeout ends a spinning guest with status 124" {
	vmm --timeout 0.3 "$GUESTS/spin64.bin"
	assert_status 124
	assert_stdout $'spinning\r\n'
	assert_stderr_has timeout
	vmm --timeout 1 "$GUESTS/spin64.bin"
	assert_status 124
}

@test "--timeout does not end a guest that finishes first" {
	vmm --timeout 30 "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
	assert_stderr_empty
}

@test "SIGINT ends a running guest with status 130" {
	vmm_bg "$GUESTS/spin64.bin"
	wait_until grep -q spinning "$OUT"
	kill -INT "$VMM_PID"
	vmm_reap
	assert_status 130
	assert_stdout $'spinning\r\n'
}

@test "SIGTERM ends a running guest with status 143" {
	vmm_bg "$GUESTS/spin64.bin"
	wait_until grep -q spinning "$OUT"
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
	assert_stdout $'spinning\r\n'
}

@test "SIGQUIT prints the vCPU's state and the guest runs on" {
	vmm_bg "$GUESTS/spin64.bin"
	wait_until grep -q spinning "$OUT"
	kill -QUIT "$VMM_PID"
	wait_until grep -q '^vmm: cpu 0: ' "$ERR"
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
	grep -q '^vmm: cpu 0: mp_state RUNNABLE, interrupts off, rip 0x10[0-9a-f]*, last exit IO, [0-9]* exits$' "$ERR" ||
		{ show; false; }
}

# --- console: output ordering under load ---------------------------------

@test "flood64: 4096 bytes in guest order, divisor latch writes not printed" {
	local v
	"$BATS_TEST_DIRNAME/flood64-expected.sh" >"$T/flood.expected"
	for v in "" --no-coalesce --no-sync-regs "--no-sync-regs --no-coalesce"; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086
		vmm $v "$GUESTS/flood64.bin"
		assert_status 0
		assert_stdout_file "$T/flood.expected"
		assert_stderr_empty
	done
}

@test "flood64 --stats: THR writes drain from the coalesced ring, not as exits" {
	local ring exits
	vmm --stats "$GUESTS/flood64.bin"
	assert_status 0
	ring=$(stats_row "coalesced entries by address" 0x3f8)
	exits=$(stats_row "port I/O exits by port" 0x3f8)
	echo "ring entries for 0x3f8: '$ring', port exits for 0x3f8: '$exits'"
	[ "${ring:-0}" -gt 4000 ]
	[ "${exits:-0}" -lt 100 ]
}

@test "flood64 --no-coalesce --stats: every THR write is an exit" {
	local ring exits
	vmm --no-coalesce --stats "$GUESTS/flood64.bin"
	assert_status 0
	ring=$(stats_row "coalesced entries by address" 0x3f8)
	exits=$(stats_row "port I/O exits by port" 0x3f8)
	echo "ring entries for 0x3f8: '$ring', port exits for 0x3f8: '$exits'"
	[ -z "$ring" ]
	[ "${exits:-0}" -ge 4096 ]
	assert_stderr_has "coalesced entries drained: 0 "
}

# --- console: input ------------------------------------------------------

@test "echo64: stdin from a file comes back on stdout (a file)" {
	printf 'hello, guest\nsecond line\n\x04' >"$T/in"
	IN=$T/in vmm "$GUESTS/echo64.bin"
	assert_status 0
	assert_stdout $'hello, guest\nsecond line\n'
	assert_stderr_empty
}

@test "echo64: stdin and stdout as pipes" {
	local st
	printf 'through pipes\x04' |
		timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" "$GUESTS/echo64.bin" 2>"$ERR" |
		cat >"$OUT"
	st=("${PIPESTATUS[@]}")
	status=${st[1]}
	assert_status 0
	assert_stdout 'through pipes'
}

@test "echo64: 5000 bytes of input, every byte value but Ctrl-A and Ctrl-D" {
	# Bytes 0x00..0xff except 0x01 (the escape) and 0x04 (the guest's end).
	local b
	for b in $(seq 0 255); do
		# shellcheck disable=SC2059  # the octal escape is the point
		[ "$b" -eq 1 ] || [ "$b" -eq 4 ] || printf "\\$(printf %03o "$b")"
	done >"$T/bytes"
	for b in $(seq 20); do cat "$T/bytes"; done | head -c 5000 >"$T/expected"
	{ cat "$T/expected"; printf '\x04'; } >"$T/in"
	IN=$T/in vmm "$GUESTS/echo64.bin"
	assert_status 0
	assert_stdout_file "$T/expected"
}

@test "end of stdin does not end the run" {
	: >"$T/empty"
	IN=$T/empty vmm --timeout 0.3 "$GUESTS/echo64.bin"
	assert_status 124
	assert_stdout ""
}

@test "irqecho16: interrupt-driven echo through IRQ 4 and the PIC" {
	local v
	"$BATS_TEST_DIRNAME/flood64-expected.sh" >"$T/text"
	{ cat "$T/text"; printf '\x04'; } >"$T/in"
	{ printf 'irq echo ready\r\n'; cat "$T/text"; } >"$T/expected"
	for v in "" --no-sync-regs --no-coalesce; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086
		IN=$T/in vmm $v "$GUESTS/irqecho16.bin"
		assert_status 0
		assert_stdout_file "$T/expected"
		assert_stderr_empty
	done
}

@test "irqecho16: input arriving while the guest sleeps in hlt" {
	# The banner appears before the input: the guest is idle with
	# interrupts on when each chunk arrives.
	status=0
	{ sleep 0.3; printf 'one '; sleep 0.3; printf 'two\x04'; } |
		timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" "$GUESTS/irqecho16.bin" \
			>"$OUT" 2>"$ERR" || status=$?
	assert_status 0
	assert_stdout $'irq echo ready\r\none two'
}

# --- console: the Ctrl-A escape ------------------------------------------

@test "Ctrl-A x quits with status 14 after the output before it" {
	printf 'abc\x01xdef\x04' >"$T/in"
	IN=$T/in vmm "$GUESTS/echo64.bin"
	assert_status 14
	assert_stdout 'abc'
}

@test "Ctrl-A x split across two reads still quits" {
	status=0
	{ printf 'a\x01'; sleep 0.3; printf 'x'; } |
		timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" "$GUESTS/echo64.bin" \
			>"$OUT" 2>"$ERR" || status=$?
	assert_status 14
	assert_stdout 'a'
}

@test "Ctrl-A x quits a guest that never reads its UART" {
	status=0
	# Typed once the guest is running: an escape at once would quit first.
	{ sleep 0.3; printf '\x01x'; } |
		timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" "$GUESTS/spin64.bin" \
			>"$OUT" 2>"$ERR" || status=$?
	assert_status 14
	assert_stdout $'spinning\r\n'
}

@test "Ctrl-A x quits a guest that does not read its UART, with input pending" {
	# 'a' fills the guest's (FIFO-less) receive buffer; the escape must
	# still reach the VMM, as the way out of a stuck guest.
	status=0
	{ sleep 0.3; printf 'a\x01x'; } |
		timeout --preserve-status -s KILL 10 "$VMM" "$GUESTS/spin64.bin" \
			>"$OUT" 2>"$ERR" || status=$?
	assert_status 14
	assert_stdout $'spinning\r\n'
}

@test "Ctrl-A w prints the vCPUs' state; the guest goes on" {
	mkfifo "$T/keys"
	IN=$T/keys vmm_bg "$GUESTS/echo64.bin"
	exec 4>"$T/keys"
	printf 'a' >&4
	wait_until grep -q a "$OUT"
	printf '\x01w' >&4
	wait_until grep -q '^vmm: cpu 0: mp_state ' "$ERR"
	printf '\x01x' >&4
	exec 4>&-
	vmm_reap
	assert_status 14
	assert_stdout 'a'
	grep -q '^vmm: cpu 0: mp_state RUNNABLE, .*last exit IO, [0-9]* exits$' "$ERR" || { show; false; }
}

@test "Ctrl-A Ctrl-A sends one Ctrl-A to the guest" {
	printf 'a\x01\x01b\x01\x01\x01\x01c\x04' >"$T/in"
	IN=$T/in vmm "$GUESTS/echo64.bin"
	assert_status 0
	assert_stdout $'a\x01b\x01\x01c'
}

@test "Ctrl-A followed by another key drops both" {
	printf 'a\x01qb\x01\x04c\x04' >"$T/in"
	IN=$T/in vmm "$GUESTS/echo64.bin"
	assert_status 0
	assert_stdout 'abc'
}

# --- --trace and --stats -------------------------------------------------

@test "--trace: one [exit] line per exit and one [ring] line per ring entry" {
	vmm --trace "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
	grep -qE '^\[exit\] io read 0x3fd len 1 data 0x[0-9a-f]+ rip 0x[0-9a-f]+$' "$ERR"
	grep -qx '\[ring\] out 0x3f8 len 1 data 0x48' "$ERR" # 'H'
	[ "$(grep -c '^\[ring\] out 0x3f8 ' "$ERR")" -eq 23 ]
}

@test "--trace: one [irq] line per change of the UART's interrupt line" {
	printf 'ab\n\004' >"$T/in"
	IN=$T/in vmm --trace "$GUESTS/irqecho16.bin"
	assert_status 0
	grep -qx '\[irq\] 4 level 1' "$ERR"
	grep -qx '\[irq\] 4 level 0' "$ERR"
	# Changes only: never the same level twice in a row.
	[ -z "$(sed -n 's/^\[irq\] 4 level //p' "$ERR" | uniq -d)" ]
}

@test "--trace --no-coalesce: THR writes are exits" {
	vmm --trace --no-coalesce "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
	grep -qE '^\[exit\] io write 0x3f8 len 1 data 0x48 rip 0x[0-9a-f]+$' "$ERR"
	[ "$(grep -c '^\[exit\] io write 0x3f8 ' "$ERR")" -eq 23 ]
	refute_grep '^\[ring\]' "$ERR"
}

@test "--stats: exits, ports, ring and ioctls on stderr at exit" {
	local ring runs exits
	vmm --stats "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout "$HELLO64"
	assert_stderr_has "vmm stats:" "port I/O exits by port:" "coalesced entries by address:" \
		"ioctls:"
	grep -qE '^ +exits to userspace: [0-9]+$' "$ERR"
	grep -qE '^ +IO +[0-9]+$' "$ERR"
	grep -qE '^ +coalesced entries drained: [0-9]+ \(in [0-9]+ drains\)$' "$ERR"
	ring=$(stats_row "coalesced entries by address" 0x3f8)
	[ "$ring" -eq 23 ]
	exits=$(grep -E '^ +exits to userspace:' "$ERR" | grep -oE '[0-9]+$')
	runs=$(stats_row ioctls KVM_RUN)
	echo "exits $exits, KVM_RUN $runs"
	[ "$runs" -ge 1 ]
	[ "$exits" -eq "$runs" ]
}

@test "--stats: port exits split into reads and writes" {
	vmm --stats "$GUESTS/flood64.bin"
	assert_status 0
	# LSR is read-only, and flood64 polls it before each byte it sends.
	grep -qE '^    0x3fd +[0-9]+ \(reads [0-9]+, writes 0\)$' "$ERR"
	# The divisor latch and LCR are only written.
	grep -qE '^    0x3fb +([0-9]+) \(reads 0, writes \1\)$' "$ERR"
	# Ring entries are writes: no split.
	grep -qE '^    0x3f8 +[0-9]+$' "$ERR"
}

# --- closing the VM ---------------------------------------------------------
# Closing a VM with in-kernel devices waits for SRCU grace periods (15-25 ms
# on 6.18, bench/results.md): vmm hands its VM file to an io_uring, whose
# release a kernel worker finishes after vmm is reaped (vm/vm.c).

# pit_thread PID: KVM's PIT thread for the VM that process PID created.
pit_thread() {
	grep -lx "kvm-pit/$1" /proc/[0-9]*/comm 2>/dev/null | head -1
}

@test "the VM's teardown is left to the kernel: an io_uring holds it, and nothing stays behind" {
	local pid
	vmm_bg --timeout 20 "$GUESTS/spin64.bin"
	wait_until eval '[ -n "$(pit_thread "$VMM_PID")" ]'
	pid=$VMM_PID
	ls -l "/proc/$pid/fd" | grep -q 'anon_inode:\[io_uring\]'
	kill -TERM "$pid"
	vmm_reap
	assert_status 143
	# The kernel finishes the VM on its own: its PIT thread goes.
	wait_until eval '[ -z "$(pit_thread "$pid")" ]'
}

@test "without io_uring (ENOSYS, EPERM as a container's filter gives, a failed register) the VM closes at exit, as before" {
	need_strace
	local call err
	for call in io_uring_setup:ENOSYS io_uring_setup:EPERM io_uring_register:EINVAL; do
		echo "$call"
		err=${call#*:} call=${call%:*}
		status=0
		timeout -s KILL "$VMM_LIMIT" strace -f -o "$T/strace" -e trace="$call" \
			-e inject="$call":error="$err" "$VMM" "$GUESTS/hello64.bin" \
			</dev/null >"$OUT" 2>"$ERR" || status=$?
		assert_status 0
		assert_stdout "$HELLO64"
		grep -q "$call.*$err" "$T/strace"
		assert_stderr_empty
	done
}

# --- sync_regs: no register ioctls on the fast path ------------------------

@test "sync_regs: a normal run makes no KVM_GET/SET_REGS or _SREGS ioctl" {
	need_strace
	local g
	for g in hello64 hypercall64 flood64; do
		echo "guest $g"
		timeout -s KILL "$VMM_LIMIT" strace -f -o "$T/strace" -e trace=ioctl \
			"$VMM" "$GUESTS/$g.bin" </dev/null >"$OUT" 2>"$ERR"
		ioctls_seen "$T/strace" >"$T/ioctls"
		grep -q '^KVM_RUN$' "$T/ioctls"
		refute_grep -E '^KVM_(GET|SET)_S?REGS$' "$T/ioctls"
	done
}

@test "--no-sync-regs: KVM_SET_REGS and KVM_SET_SREGS, KVM_GET_REGS for hypercalls" {
	need_strace
	timeout -s KILL "$VMM_LIMIT" strace -f -o "$T/strace" -e trace=ioctl \
		"$VMM" --no-sync-regs "$GUESTS/hypercall64.bin" </dev/null >"$OUT" 2>"$ERR"
	assert_stdout "$HYPERCALL"
	ioctls_seen "$T/strace" >"$T/ioctls"
	grep -qx KVM_SET_REGS "$T/ioctls"
	grep -qx KVM_SET_SREGS "$T/ioctls"
	grep -qx KVM_GET_REGS "$T/ioctls"
}

@test "--stats ioctl counts agree: register ioctls only with --no-sync-regs" {
	vmm --stats "$GUESTS/hypercall64.bin"
	assert_status 0
	[ -z "$(stats_row ioctls KVM_SET_REGS)" ]
	[ -z "$(stats_row ioctls KVM_GET_REGS)" ]
	[ -z "$(stats_row ioctls KVM_SET_SREGS)" ]
	[ -z "$(stats_row ioctls KVM_GET_SREGS)" ]
	vmm --stats --no-sync-regs "$GUESTS/hypercall64.bin"
	assert_status 0
	assert_stdout "$HYPERCALL"
	[ "$(stats_row ioctls KVM_SET_REGS)" -ge 1 ]
	[ "$(stats_row ioctls KVM_SET_SREGS)" -ge 1 ]
	[ "$(stats_row ioctls KVM_GET_REGS)" -ge 1 ]
}
