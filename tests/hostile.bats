#!/usr/bin/env bats
# Hostile guests (guests/evil*.S): whatever a guest does, vmm must not crash,
# hang, grow without bound or leave the terminal raw; each attack has one
# documented outcome. Bad image files are in corpus.bats.

load helpers

# A guest's debug-exit value V ends the run with status (V << 1) | 1: the
# evil guests write 0 when every check they make passed.
PASSED=1

# elapsed CMD...: run CMD, then ELAPSED is its wall-clock time in ms; returns
# CMD's status.
elapsed() {
	local t0 s=0
	t0=$(date +%s%N)
	"$@" || s=$?
	ELAPSED=$((($(date +%s%N) - t0) / 1000000))
	return $s
}

# vm_hwm_kb PID: the peak resident set of PID, in KiB.
vm_hwm_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

@test "unclaimed ports and MMIO, 1 to 8 bytes: reads give all ones, writes vanish" {
	local v
	for v in "" --no-sync-regs; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086  # $v is zero or one option
		vmm $v "$GUESTS/evilio64.bin"
		assert_status $PASSED
		assert_stderr_has "unclaimed port 0x1234" "unclaimed port 0xffff (4 bytes)" \
			"unclaimed mmio 0xd0000000" "unclaimed mmio 0xd0000003" \
			"unclaimed mmio 0xd0000ffc" "unclaimed mmio 0x10000000"
	done
}

@test "unclaimed accesses are reported once per address, at most 64 per bus" {
	vmm "$GUESTS/evilio64.bin"
	assert_status $PASSED
	[ "$(grep -c 'unclaimed port' "$ERR")" -eq 64 ] || { show; return 1; }
	[ "$(grep -c 'unclaimed mmio' "$ERR")" -eq 64 ] || { show; return 1; }
	[ "$(grep -c 'further addresses not reported' "$ERR")" -eq 2 ] || { show; return 1; }
	[ "$(sort "$ERR" | uniq -d | wc -l)" -eq 0 ] || { echo "a line twice"; show; return 1; }
}

@test "rep outsb/insb floods: the UART gets every byte, unclaimed ports give all ones" {
	local v
	for v in "" --no-coalesce; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086
		vmm $v "$GUESTS/evilrep64.bin"
		assert_status $PASSED
		assert_stdout "$(printf 'r%.0s' $(seq 8192))"$'\r\nrep ok\r\n'
		assert_stderr_has "unclaimed port 0x1234"
	done
}

@test "output flood to a file: all 256 KiB arrive, in order" {
	vmm --stats "$GUESTS/evilflood64.bin"
	assert_status $PASSED
	[ "$(wc -c <"$OUT")" -eq 262144 ] || { show; return 1; }
	[ "$(tr -d 'f\n' <"$OUT" | wc -c)" -eq 0 ] || { show; return 1; }
	[ "$(grep -c . "$OUT")" -eq 4096 ] || { show; return 1; }
	refute_grep -q dropped "$ERR"
}

@test "output flood into a pipe nobody reads: the vCPU goes on, the status arrives, drops are counted" {
	mkfifo "$T/stuck"
	exec 4<>"$T/stuck" # open for reading, never read: the pipe fills at 64 KiB
	status=0
	elapsed timeout --preserve-status -s KILL "$VMM_LIMIT" \
		"$VMM" --stats "$GUESTS/evilflood64.bin" <"$IN" >"$T/stuck" 2>"$ERR" || status=$?
	exec 4<&-
	echo "took ${ELAPSED} ms"
	assert_status $PASSED
	assert_stderr_has "bytes of guest output dropped: stdout did not take them" \
		"output bytes dropped:"
	local warned counted
	warned=$(sed -n 's/^vmm: \([0-9]*\) bytes of guest output dropped.*/\1/p' "$ERR")
	counted=$(sed -n 's/^ *output bytes dropped: *//p' "$ERR")
	echo "dropped: $warned (warning), $counted (--stats)"
	[ "$warned" = "$counted" ] && [ "$warned" -ge $((262144 - 65536 - 65536)) ] &&
		[ "$warned" -le 262144 ]
	# The final flush waits 2 s (CONSOLE_DRAIN_MS) for a reader, no longer.
	[ "$ELAPSED" -lt 15000 ]
}

# fifoflood64's 256 KiB: line i is i in four hex digits, 59 dots, "\n".
fifoflood_expected() {
	local i dots=...........................................................
	for ((i = 0; i < 4096; i++)); do printf '%04x%s\n' "$i" "$dots"; done
}

@test "a guest that waits for THRE, stdout a pipe read slower than it writes: all 256 KiB arrive, in order" {
	fifoflood_expected >"$T/expected"
	status=0
	# The reader starts late: pipe and vmm's buffer (128 KiB) fill long before.
	timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" "$GUESTS/fifoflood64.bin" \
		<"$IN" 2>"$ERR" | { sleep 1; cat; } >"$OUT" || true
	status=${PIPESTATUS[0]}
	assert_status $PASSED
	assert_stderr_empty
	assert_stdout_file "$T/expected"
}

@test "unit: while the line is full the UART shows no THRE in LSR and holds its interrupt; both come once it has room" {
	make -s -C "$BATS_TEST_DIRNAME/.." build/unit/serial_test >&2
	status=0
	"$BATS_TEST_DIRNAME/../build/unit/serial_test" >"$OUT" 2>"$ERR" || status=$?
	cat "$OUT" "$ERR"
	assert_status 0
}

@test "a guest that waits for THRE, stdout a pipe nobody reads: it waits, as on a stopped line; --timeout and SIGTERM end it" {
	mkfifo "$T/stuck"
	exec 4<>"$T/stuck"
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" --timeout 2 \
		"$GUESTS/fifoflood64.bin" <"$IN" >"$T/stuck" 2>"$ERR" || status=$?
	assert_status 124
	assert_stderr_has "bytes of guest output dropped: stdout did not take them"
	OUT=$T/stuck vmm_bg "$GUESTS/fifoflood64.bin"
	sleep 0.5
	kill -TERM "$VMM_PID"
	vmm_reap
	exec 4<&-
	assert_status 143
}

@test "output flood into a pipe whose reader has gone: no SIGPIPE, the status arrives" {
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" "$GUESTS/evilflood64.bin" \
		<"$IN" 2>"$ERR" | head -c 100 >"$OUT" || true
	status=${PIPESTATUS[0]}
	assert_status $PASSED
	[ "$(wc -c <"$OUT")" -eq 100 ]
	assert_stderr_has "bytes of guest output dropped"
}

@test "UART register fuzz from the guest: loopback, divisor 0, random writes; then printing works" {
	local v
	printf 'input the guest may or may not read' >"$T/input"
	for v in "" --no-coalesce --no-sync-regs; do
		for IN in /dev/null "$T/input"; do
			echo "variant: '$v' stdin $IN"
			# shellcheck disable=SC2086
			vmm $v "$GUESTS/eviluart64.bin"
			assert_status $PASSED
			tail -c 11 "$OUT" | cmp -s - <(printf '\r\nuart ok\r\n') || { show; return 1; }
			assert_stderr_empty
		done
	done
}

@test "framebuffer: stores and loads at and across the aperture end, all three backings" {
	local v
	for v in "" --no-coalesce --fb-ram; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086
		vmm --fb 64x64 --fb-png "$T/fb.png" $v "$GUESTS/evilfb64.bin"
		assert_status $PASSED
		assert_stderr_has "unclaimed mmio 0xe0010000" "unclaimed mmio 0xe0110000"
		[ "$(grep -c 'read-only framebuffer registers' "$ERR")" -eq 1 ] || { show; return 1; }
		[ -s "$T/fb.png" ] || { echo "no snapshot"; return 1; }
		rm -f "$T/fb.png"
	done
}

@test "a triple fault ends the run with status 8 and a register dump" {
	local v
	for v in "" --no-sync-regs "--smp 2"; do
		echo "variant: '$v'"
		# shellcheck disable=SC2086
		vmm $v "$GUESTS/triple64.bin"
		assert_status 8
		assert_stdout $'triple fault next\r\n'
		assert_stderr_has "triple fault (KVM_EXIT_SHUTDOWN)" "rip "
	done
}

@test "int3 with no IDT: an internal error (10) on this KVM, a triple fault (8) on hardware" {
	vmm "$GUESTS/evilint64.bin"
	[ "$status" -eq 10 ] || [ "$status" -eq 8 ] || { show; return 1; }
	assert_stdout $'int3 next\r\n'
	assert_stderr_has "rip 0000000000100"
	refute_grep -q -e Sanitizer -e 'runtime error' "$ERR"
}

@test "runaway loops end at --timeout: one that never exits, one that exits all the time" {
	local g
	for g in spin64 evilstorm64; do
		echo "guest: $g"
		elapsed vmm --timeout 0.5 --stats "$GUESTS/$g.bin"
		echo "took ${ELAPSED} ms"
		assert_status 124
		assert_stderr_has "timeout: guest still running after 0.5 s"
		[ "$ELAPSED" -lt 5000 ]
	done
}

@test "a guest that exits all the time still ends on SIGTERM" {
	vmm_bg "$GUESTS/evilstorm64.bin"
	sleep 0.3
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
}

@test "stdin flood to a guest that never reads it: vmm's memory stays bounded" {
	mkfifo "$T/flood"
	IN=$T/flood
	vmm_bg --timeout 4 "$GUESTS/spin64.bin"
	yes 'flood flood flood flood flood flood flood' >"$T/flood" 2>/dev/null &
	local yes_pid=$! early late
	sleep 1
	early=$(vm_hwm_kb "$VMM_PID")
	sleep 2.5
	late=$(vm_hwm_kb "$VMM_PID")
	vmm_reap
	kill "$yes_pid" 2>/dev/null || true
	wait "$yes_pid" 2>/dev/null || true
	echo "VmHWM: ${early} KiB after 1 s, ${late} KiB after 3.5 s"
	assert_status 124
	# Input is read ahead 4 KiB at most (CONSOLE_IN_SIZE), then left in the pipe.
	[ $((late - early)) -lt 2048 ]
	# The ASan build's shadow memory costs more than the VMM itself.
	[ "$late" -lt $(( ${VMM_HWM_LIMIT_KB:-262144} )) ]
}

@test "debug exit port at odd widths, offsets and values: the low 8 bits of (V << 1) | 1" {
	local c want
	for c in b:85 w:105 l:1 f:255 y:255 q:7; do
		want=${c#*:}
		echo "case ${c%%:*}: status $want"
		printf '%s' "${c%%:*}" >"$T/select"
		IN=$T/select vmm --timeout 5 "$GUESTS/evilexit64.bin"
		assert_status "$want"
		assert_stdout ""
		assert_stderr_empty
	done
	# A dword at 0xf3 starts below the device: an unclaimed port, no exit.
	printf x >"$T/select"
	IN=$T/select vmm --timeout 5 "$GUESTS/evilexit64.bin"
	assert_status 0
	assert_stdout $'no exit\r\n'
	assert_stderr_has "unclaimed port 0xf3 (4 bytes)"
}

@test "hostile guests in a terminal: every way out restores it" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	local run
	for run in "--timeout 0.3 $GUESTS/evilstorm64.bin" "$GUESTS/triple64.bin" \
		"$GUESTS/evilint64.bin" "$GUESTS/evilflood64.bin" "$GUESTS/eviluart64.bin"; do
		echo "vmm $run"
		# The shell in the pty runs vmm, then shows the terminal's mode.
		status=0
		timeout -s KILL "$VMM_LIMIT" script -qec \
			"$VMM $run >/dev/null 2>&1 </dev/tty; echo vmm-status \$?; stty -a" \
			/dev/null </dev/null >"$OUT" 2>&1 || status=$?
		[ "$status" -eq 0 ] || { show; return 1; }
		grep -q 'vmm-status' "$OUT" || { show; return 1; }
		grep -qw -- icanon "$OUT" && grep -qw -- echo "$OUT" || { show; return 1; }
		refute_grep -qw -- -icanon "$OUT"
	done
}

# pty_job: bash runs $T/job.sh in a pty (script), with mode (the
# terminal's -icanon or icanon) and until_mode MODE (wait for it, or give up
# after 10 s); everything printed goes to $OUT, shown with cat -v.
pty_job() {
	cat - "$T/job.sh" >"$T/pty.sh" <<-'EOF'
		mode() { stty -a </dev/tty | grep -ow -- '-\?icanon'; }
		until_mode() { for i in $(seq 200); do [ "$(mode)" = "$1" ] && break; sleep 0.05; done; }
	EOF
	status=0
	timeout -s KILL "$VMM_LIMIT" script -qec "bash $T/pty.sh" /dev/null </dev/null >"$OUT" 2>&1 ||
		status=$?
	cat -v "$OUT"
}

@test "SIGTSTP at a terminal: the terminal restored while vmm is stopped, raw again after fg, status as a shell reports" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	# A shell with job control in a pty: vmm in the foreground, a helper
	# sends SIGTSTP once vmm made the terminal raw; fg continues it, a
	# second helper ends it once the terminal is raw again (or gives up).
	cat >"$T/job.sh" <<-EOF
		set -m
		( until_mode -icanon; kill -TSTP \$(cat "$T/pid") ) &
		sh -c 'echo \$\$ >"$T/pid"; exec "\$0" "\$@"' "$VMM" --timeout 20 "$GUESTS/spin64.bin" \\
			</dev/tty >/dev/null 2>&1
		echo "stopped: \$? \$(mode)"
		( until_mode -icanon; echo "after fg: \$(mode)"; kill -TERM \$(cat "$T/pid") ) &
		fg >/dev/null
		echo "ended: \$? \$(mode)"
	EOF
	pty_job
	[ "$status" -eq 0 ]
	grep -qx 'stopped: 148 icanon' <(tr -d '\r' <"$OUT")
	grep -qx 'after fg: -icanon' <(tr -d '\r' <"$OUT")
	grep -qx 'ended: 143 icanon' <(tr -d '\r' <"$OUT")
}

@test "SIGTSTP that cannot stop vmm (an orphaned process group): the terminal stays raw" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	# script's shell has no job control: it and vmm are one process group
	# whose parent is in another session, orphaned, so the kernel drops the
	# stop and no SIGCONT follows. SIGUSR1 (a snapshot asked for: a warning
	# from the host thread's loop) says when the SIGTSTP was taken: both go
	# to the host thread, whose handlers all run before its loop goes on.
	cat >"$T/job.sh" <<-EOF
		"$VMM" --timeout 20 "$GUESTS/spin64.bin" </dev/tty >/dev/null 2>"$T/err" &
		pid=\$!
		until_mode -icanon
		kill -TSTP \$pid; kill -USR1 \$pid
		for i in \$(seq 200); do grep -q snapshot "$T/err" && break; sleep 0.05; done
		echo "after SIGTSTP: \$(mode) \$(cut -d' ' -f3 /proc/\$pid/stat)"
		kill -TERM \$pid; wait \$pid
		echo "ended: \$? \$(mode)"
	EOF
	pty_job
	[ "$status" -eq 0 ]
	grep -qx 'after SIGTSTP: -icanon [RS]' <(tr -d '\r' <"$OUT")
	grep -qx 'ended: 143 icanon' <(tr -d '\r' <"$OUT")
}

@test "ulimit -s 24: vmm's threads get stacks of their own size; vCPUs warn, gdb's monitor answers" {
	# glibc sizes a thread's stack by RLIMIT_STACK: 24 KiB is less than the
	# gdb thread's console packet takes (the thread died of SIGSEGV).
	printf '#!/bin/bash\nulimit -s 24 && exec "%s" "$@"\n' "$VMM" >"$T/small-stack"
	chmod +x "$T/small-stack"
	VMM=$T/small-stack vmm --smp 2 "$GUESTS/evilio64.bin"
	assert_status $PASSED
	assert_stderr_has "unclaimed"
	command -v gdb >/dev/null || skip "gdb is not installed (Debian package gdb)"
	local sock=$T/gdb.sock
	[ ${#sock} -lt 100 ] || sock=$(mktemp -u /tmp/vmm-gdb.XXXXXX)
	VMM=$T/small-stack vmm_bg --gdb "unix:$sock" --gdb-wait "$GUESTS/hello64.bin"
	wait_until test -S "$sock"
	timeout -s KILL 60 gdb -q -batch -nx -ex "target remote $sock" -ex 'monitor help' \
		-ex continue </dev/null >"$T/gdb.out" 2>&1 || true
	vmm_reap
	cat "$T/gdb.out"
	assert_status 0
	assert_stdout "Hello from long mode!"$'\r\n'
	grep -q 'regs' "$T/gdb.out"
}

@test "ulimit -u too small for a thread per vCPU: one message naming it, status 6, no guest output" {
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null || skip "needs root and setpriv"
	! grep -qa __asan_init "$VMM" || skip "the sanitizers' runtime starts threads of its own"
	# As nobody (RLIMIT_NPROC does not bind root), with a KVM device node
	# of its own that nobody may open, in a directory nobody can reach.
	local d
	d=$(mktemp -d /tmp/vmm-nproc.XXXXXX)
	chmod 755 "$d"
	mknod -m 666 "$d/kvm" c $((16#$(stat -c %t /dev/kvm))) $((16#$(stat -c %T /dev/kvm)))
	cp "$GUESTS/smp64.bin" "$d/"
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups bash -c 'ulimit -u 3 && exec "$@"' - "$VMM" --kvm-device "$d/kvm" \
		--smp 4 "$d/smp64.bin" </dev/null >"$OUT" 2>"$ERR" || status=$?
	rm -rf "$d"
	assert_error 6 "pthread_create (a thread per vCPU: ulimit -u?): Resource temporarily unavailable"
}

# --- signals and output after the run (tests for host/signals.c and the
# console's last words) ----------------------------------------------------

# threads PID: the number of vmm's own threads (1 once the vCPU threads
# are joined: the run is over and vmm is writing its last words). The
# kernel's KVM worker (kvm-nx-lpage-recovery) is a task of the process too,
# under a name of its own, and is not counted: counting it, the test below
# never saw 1 and sent its SIGTERM only after vmm had ended.
threads() {
	local comm
	comm=$(cat "/proc/$1/comm" 2>/dev/null) || return 0
	grep -lxF -- "$comm" /proc/"$1"/task/*/comm 2>/dev/null | wc -l
}

@test "stdout and stderr one pipe nobody reads, a flood, --stats: every write after the run is bounded, the status arrives" {
	mkfifo "$T/stuck"
	exec 4<>"$T/stuck" # held open for reading, never read: the pipe fills at 64 KiB
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" --stats "$GUESTS/evilflood64.bin" \
		<"$IN" >"$T/stuck" 2>&1 || status=$?
	exec 4<&-
	assert_status $PASSED
}

@test "a guest halted for good while stdout is a full pipe nobody reads: the run is over all the same" {
	mkfifo "$T/stuck"
	exec 4<>"$T/stuck"
	head -c 65536 /dev/zero >&4 # full: vmm's output stays pending, the console busy
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" --timeout 20 "$GUESTS/hello64.bin" \
		<"$IN" >"$T/stuck" 2>"$ERR" || status=$?
	exec 4<&-
	cat "$ERR"
	assert_status 0
}

@test "SIGTERM while the last words wait for a stuck pipe: vmm ends, the guest's status stands" {
	mkfifo "$T/stuck"
	exec 4<>"$T/stuck"
	rm -f "$T/bg.status"
	( "$VMM" --stats "$GUESTS/evilflood64.bin" <"$IN" >"$T/stuck" 2>&1 & echo $! >"$T/bg.pid"
	  st=0; wait $! || st=$?; echo $st >"$T/bg.status" ) 3>&- &
	wait_until test -s "$T/bg.pid"
	VMM_PID=$(cat "$T/bg.pid")
	# vCPU threads come, then go: the guest is done, and vmm waits (2 s at
	# most) for the pipe: the SIGTERM must land in that wait, so this test
	# fails if vmm ended without waiting.
	wait_until eval '[ "$(threads "$VMM_PID")" -ge 2 ] 2>/dev/null || [ -s "$T/bg.status" ]'
	wait_until eval '[ "$(threads "$VMM_PID")" = 1 ]'
	kill -TERM "$VMM_PID"
	vmm_reap
	exec 4<&-
	assert_status $PASSED
}

@test "signals whose default would kill vmm silently end the run as SIGTERM does: 128 + the signal" {
	local sig n
	for sig in ALRM VTALRM PROF XCPU PWR STKFLT IO RTMIN RTMAX HUP; do
		n=$(kill -l "$sig")
		echo "SIG$sig ($n)"
		: >"$OUT"
		vmm_bg "$GUESTS/spin64.bin"
		wait_until grep -q spinning "$OUT"
		kill -"$sig" "$VMM_PID"
		vmm_reap
		assert_status $((128 + n))
		assert_stderr_has "stopped by signal $n"
	done
}

@test "SIGUSR1 again and again while a large image loads: vmm takes them and the guest runs" {
	# A flat image of 1 GiB (hello64, then a sparse tail): reading it is
	# the slow part of vmm's start, before any vCPU exists.
	cp "$GUESTS/hello64.bin" "$T/big.bin"
	truncate -s 1G "$T/big.bin"
	vmm_bg -m 2G "$T/big.bin"
	# Signals only once vmm itself runs: before exec, the shell's child
	# would take SIGUSR1's default.
	wait_until eval '[ "$(readlink "/proc/$VMM_PID/exe")" = "$(readlink -f "$VMM")" ] ||
		[ -s "$T/bg.status" ]'
	while [ ! -s "$T/bg.status" ] && kill -USR1 "$VMM_PID" 2>/dev/null; do
		sleep 0.01
	done
	vmm_reap
	assert_status 0
	assert_stdout $'Hello from long mode!\r\n'
}

@test "a signal its parent left blocked and pending is taken once the handlers are in" {
	# pending SIG CMD...: CMD run with SIG blocked and already pending.
	pending() {
		python3 -c 'import os, signal, sys
s = getattr(signal, "SIG" + sys.argv[1])
signal.pthread_sigmask(signal.SIG_BLOCK, [s])
os.kill(os.getpid(), s)
os.execv(sys.argv[2], sys.argv[2:])' "$@"
	}
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" bash -c "$(declare -f pending); pending USR1 \"\$@\"" \
		- "$VMM" "$GUESTS/hello64.bin" <"$IN" >"$OUT" 2>"$ERR" || status=$?
	assert_status 0
	assert_stdout $'Hello from long mode!\r\n'
	assert_stderr_has "snapshot asked for, but there is no framebuffer"
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" bash -c "$(declare -f pending); pending TERM \"\$@\"" \
		- "$VMM" "$GUESTS/spin64.bin" <"$IN" >"$OUT" 2>"$ERR" || status=$?
	assert_status 143
}

@test "stdin, stdout and stderr closed: /dev/null holds their numbers, so nothing vmm opens gets fd 1 or 2" {
	local pid fd link
	( exec "$VMM" --timeout 20 "$GUESTS/spin64.bin" <&- >&- 2>&- ) &
	pid=$!
	wait_until eval '[[ "$(readlink /proc/$pid/fd/* 2>/dev/null)" == *kvm-vcpu* ]]'
	for fd in 0 1 2; do
		link=$(readlink "/proc/$pid/fd/$fd")
		echo "fd $fd: $link"
		[ "$link" = /dev/null ]
	done
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	assert_status 143
}

@test "stdout closed: the guest's output is counted as dropped, the status stands" {
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" "$GUESTS/hello64.bin" </dev/null >&- \
		2>"$ERR" || status=$?
	assert_status 0
	[ "$(cat "$ERR")" = "vmm: 23 bytes of guest output dropped: stdout did not take them" ]
}

@test "SIGXFSZ: stdout a file at its ulimit -f, the output beyond is dropped and counted, the status stands" {
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" bash -c 'ulimit -f 16 && exec "$@"' - \
		"$VMM" --stats "$GUESTS/evilflood64.bin" <"$IN" >"$OUT" 2>"$ERR" || status=$?
	assert_status $PASSED
	[ "$(wc -c <"$OUT")" -eq 16384 ] || { show; return 1; }
	assert_stderr_has "bytes of guest output dropped" "output bytes dropped:"
}

@test "every catchable signal that ends vmm restores the terminal" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	local sig want
	for sig in TERM ALRM XCPU PROF VTALRM PWR RTMIN QUIT:alive SEGV:dies BUS:dies ILL:dies \
		FPE:dies ABRT:dies TRAP:dies; do
		echo "SIG${sig%%:*}"
		# The shell in the pty starts vmm, waits for raw mode, signals it,
		# reaps it (or ends it: SIGQUIT only reports), then shows the mode.
		status=0
		timeout -s KILL "$VMM_LIMIT" script -qec "ulimit -c 0
			$VMM $GUESTS/spin64.bin </dev/tty >/dev/null 2>&1 & p=\$!
			until stty -a </dev/tty | grep -q -- -icanon; do sleep 0.05; done
			kill -${sig%%:*} \$p
			[ ${sig#*:} = alive ] && { sleep 0.2; kill -TERM \$p; }
			wait \$p; echo vmm-status \$?; stty -a </dev/tty" \
			/dev/null </dev/null >"$OUT" 2>&1 || status=$?
		[ "$status" -eq 0 ] || { show; return 1; }
		want=$((128 + $(kill -l "${sig%%:*}")))
		[ "${sig#*:}" = alive ] && want=143
		grep -q "vmm-status $want" "$OUT" || { echo "expected vmm-status $want"; show; return 1; }
		grep -qw -- icanon "$OUT" && grep -qw -- echo "$OUT" || { show; return 1; }
		refute_grep -qw -- -icanon "$OUT"
	done
}

@test "a FIFO where the snapshot's temporary file goes: replaced by the picture, not waited on" {
	mkfifo "$T/fb.png.tmp"
	vmm --fb 64x64 --fb-png "$T/fb.png" "$GUESTS/fbread64.bin"
	assert_status 0
	[ -f "$T/fb.png" ] && [ ! -e "$T/fb.png.tmp" ] || { ls -l "$T"; show; return 1; }
	[ "$(python3 "$BATS_TEST_DIRNAME/fbpng.py" size "$T/fb.png")" = "64 64" ] || { show; return 1; }
}
