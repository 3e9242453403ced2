#!/usr/bin/env bats
# The gdb remote stub (--gdb, host/gdb*.c, vm/debug.c): the real gdb in batch
# mode against guests built as ELF with symbols and line information, each
# effect checked in what the guest prints or how vmm ends; a raw client for
# what gdb never sends (tests/gdbclient.py); the options' errors. The
# sandbox stays on throughout (vmm's default).

load helpers

ROOT=$BATS_TEST_DIRNAME/..

need_gdb() {
	command -v gdb >/dev/null || skip "gdb is not installed (Debian package gdb)"
}

# A unix socket path short enough for sun_path (bats' own may not be).
socket_path() {
	SOCK=$T/gdb.sock
	[ ${#SOCK} -lt 100 ] || SOCK=$(mktemp -u /tmp/vmm-gdb.XXXXXX)
}

# gdb_session VMM-ARGS... -- GDB-ARGS...: vmm in the background, stopped
# before its first instruction on a unix socket, and gdb in batch mode
# connected to it (GDB_PRE: commands before `target remote`); gdb's output
# in $GDB, vmm's status in $status once it ends.
gdb_session() {
	local vargs=() pre=()
	while [ "$1" != -- ]; do vargs+=("$1"); shift; done
	shift
	[ -z "${GDB_PRE:-}" ] || pre=(-ex "$GDB_PRE")
	socket_path
	vmm_bg --gdb "unix:$SOCK" --gdb-wait "${vargs[@]}"
	wait_until test -S "$SOCK"
	timeout -s KILL 60 gdb -q -batch -nx "${pre[@]}" -ex "target remote $SOCK" "$@" \
		</dev/null >"$T/gdb.out" 2>&1 || true
	GDB=$(cat "$T/gdb.out")
	vmm_reap
}

# sym ELF NAME: a symbol's address as gdb prints it (0x10004a).
sym() {
	local a
	a=$(nm "$1" | awk -v n="$2" '$3 == n { print $1 }')
	printf '0x%x' "$((16#$a))"
}

# gdb_has TEXT...: each TEXT (fixed string) is in gdb's output.
gdb_has() {
	local s
	for s; do
		grep -qF -- "$s" "$T/gdb.out" || {
			echo "gdb's output lacks '$s':"; cat "$T/gdb.out"; show; return 1
		}
	done
}

DEBUG64_OUT=$'Hello through FS_BASE!\r\ncount 1\r\ncount 2\r\ncount 3\r\n'

@test "unit: breakpoints by int3, debug register and single step; KVM_EXIT_DEBUG decoded" {
	make -s -C "$ROOT" build/unit/debug_test >&2
	run "$ROOT/build/unit/debug_test"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" passed, 0 failed"* ]]
}

# --- a session, piece by piece --------------------------------------------

@test "gdb: --gdb-wait stops before the first instruction; stepi; the guest's end reaches gdb" {
	need_gdb
	gdb_session "$GUESTS/hello64.bin" -- -ex 'info registers rip' -ex 'x/i $pc' -ex stepi \
		-ex 'info registers rip rsi' -ex continue "$GUESTS/hello64.elf"
	assert_status 0
	assert_stdout $'Hello from long mode!\r\n'
	gdb_has "_start () at guests/hello64.S" "rip            0x100000" \
		"lea    0x1c(%rip),%rsi" "rip            0x100007" "rsi            0x100023" \
		"[Inferior 1 (Remote target) exited normally]"
}

@test "gdb: break at a label, set \$rax: the guest prints the new letter" {
	need_gdb
	gdb_session "$GUESTS/debug64.bin" -- -ex 'break set_rax' -ex continue -ex 'p/c $rax' \
		-ex 'set $rax = 0x42' -ex continue "$GUESTS/debug64.elf"
	assert_status 1
	assert_stdout "${DEBUG64_OUT}B"$'\r\n'
	gdb_has "Breakpoint 1, set_rax () at guests/debug64.S" "\$1 = 65 'A'" \
		"exited with code 01"
}

@test "gdb: hbreak, and stepping by source line (next, finish)" {
	need_gdb
	local done
	done=$(sym "$GUESTS/debug64.elf" done)
	gdb_session "$GUESTS/debug64.bin" -- -ex "hbreak *$done" -ex 'break say_count' \
		-ex continue -ex finish -ex 'delete 2' -ex continue -ex 'info registers rip' \
		-ex next -ex 'info registers rip' -ex continue "$GUESTS/debug64.elf"
	assert_status 1
	assert_stdout "${DEBUG64_OUT}A"$'\r\n'
	gdb_has "Hardware assisted breakpoint 1 at $done" "Breakpoint 2, say_count ()" \
		"Breakpoint 1, done ()" "rip            $done" "58		out"
}

@test "gdb: memory read (x/s) and write (set var): the guest exits with the new status" {
	need_gdb
	gdb_session "$GUESTS/debug64.bin" -- -ex 'break done' -ex continue -ex 'x/s &greeting' \
		-ex 'x/4xb &counter' -ex 'set var *(char *)&status = 7' -ex 'x/1xb &status' \
		-ex continue "$GUESTS/debug64.elf"
	assert_status 15
	gdb_has '<greeting>:	"Hello through FS_BASE!\r\n"' \
		"<counter>:	0x03	0x00	0x00	0x00" "<status>:	0x07" "exited with code 017"
}

@test "gdb: watch a counter: every write stops with the old and new value" {
	need_gdb
	gdb_session "$GUESTS/debug64.bin" -- -ex 'watch *(int *)&counter' -ex continue \
		-ex continue -ex continue -ex delete -ex continue "$GUESTS/debug64.elf"
	assert_status 1
	assert_stdout "${DEBUG64_OUT}A"$'\r\n'
	gdb_has "atchpoint 1: *(int *)&counter" $'Old value = 0\nNew value = 1' \
		$'Old value = 1\nNew value = 2' $'Old value = 2\nNew value = 3'
}

# Where KVM ignores data breakpoints the vCPUs single-step while a watch is
# set, and a stepped HLT does not halt (KVM ends the step after it): a
# guest's `cli; hlt` looped for ever under steps, the run never ended and
# gdb waited in continue. --smp 2: the AP writes the counter while vCPU 0
# spins elsewhere; then both halt for good and gdb reads the end.
@test "gdb: a watchpoint set, or stepi, while the guest halts for good: the run ends, gdb reads it (--smp 2)" {
	need_gdb
	gdb_session --smp 2 "$GUESTS/smp64.bin" -- -ex 'watch *(int *)&count' -ex continue \
		-ex 'info threads' -ex continue "$GUESTS/smp64.elf"
	assert_status 0
	assert_stdout $'cpu 0 up\r\ncpu 1 up\r\nall 2 cpus up\r\n'
	gdb_has "Thread 2 hit Hardware watchpoint 1: *(int *)&count" $'Old value = 0\nNew value = 1' \
		"* 2    Thread 2 (vCPU 1, long mode) halt ()" "exited normally"
	gdb_session "$GUESTS/hello64.bin" -- -ex 'watch *(int *)0x200000' -ex continue \
		"$GUESTS/hello64.elf"
	assert_status 0
	gdb_has "exited normally"
	# stepi at the `cli; hlt`: the vCPU halts as hardware's would, and the
	# run ends (KVM's step would have passed the HLT into the data after it).
	gdb_session "$GUESTS/hello64.bin" -- -ex "break *$(sym "$GUESTS/hello64.elf" msg)-1" \
		-ex continue -ex stepi "$GUESTS/hello64.elf"
	assert_status 0
	gdb_has "Breakpoint 1, _start () at guests/hello64.S:18" "exited normally"
	refute_grep -q "in msg ()" "$T/gdb.out"
}

@test "gdb: monitor msr reads and writes FS_BASE with KVM_GET/SET_ONE_REG; no KVM_GET_REGS" {
	need_gdb
	need_strace
	local farewell vcpu_fd
	farewell=$(sym "$GUESTS/debug64.elf" farewell)
	socket_path
	timeout -s KILL 60 strace -f -o "$T/strace" -e trace=ioctl \
		"$VMM" --gdb "unix:$SOCK" --gdb-wait "$GUESTS/debug64.bin" >"$OUT" 2>"$ERR" &
	wait_until test -S "$SOCK"
	timeout -s KILL 60 gdb -q -batch -nx -ex "target remote $SOCK" -ex 'break fs_set' \
		-ex continue -ex 'monitor msr 0xc0000100' -ex "monitor msr 0xc0000100 $farewell" \
		-ex 'p/x $fs_base' -ex 'set $rbx = 0' -ex continue "$GUESTS/debug64.elf" \
		</dev/null >"$T/gdb.out" 2>&1
	wait
	status=0
	gdb_has "MSR 0xc0000100 FS_BASE = 0x1000a3" "KVM_GET_ONE_REG: 1 ioctl" \
		"MSR 0xc0000100 FS_BASE <- $farewell" "KVM_SET_ONE_REG: 1 ioctl" \
		"\$1 = $farewell" "exited with code 01"
	assert_stdout $'FS_BASE moved by gdb\r\ncount 1\r\ncount 2\r\ncount 3\r\nA\r\n'
	grep -q 'KVM_GET_ONE_REG' "$T/strace"
	grep -q 'KVM_SET_ONE_REG' "$T/strace"
	# The machine's vCPU is the first created; --gdb's probe makes a VM of its own.
	vcpu_fd=$(grep -m1 'KVM_CREATE_VCPU, 0)' "$T/strace" | awk '{ print $NF }')
	[ -n "$vcpu_fd" ]
	refute_grep -E "ioctl\($vcpu_fd, KVM_(GET|SET)_REGS" "$T/strace"
	refute_grep -E "KVM_GET_REGS" "$T/strace"
}

@test "gdb: --smp 2: info threads lists both vCPUs; a breakpoint on one stops both" {
	need_gdb
	gdb_session --smp 2 "$GUESTS/smp64.bin" -- -ex 'info threads' -ex 'break ap_main' \
		-ex continue -ex 'info threads' -ex 'thread 1' -ex 'p $pc' -ex delete -ex continue \
		"$GUESTS/smp64.elf"
	assert_status 0
	assert_stdout $'cpu 0 up\r\ncpu 1 up\r\nall 2 cpus up\r\n'
	gdb_has "Thread 1 (vCPU 0, long mode) _start ()" "Thread 2 (vCPU 1, real mode)" \
		"Thread 2 hit Breakpoint 1, ap_main ()" "* 2    Thread 2 (vCPU 1, long mode) ap_main ()" \
		"[Switching to thread 1 (Thread 1)]" "exited normally"
}

@test "gdb: --smp 2: thread 2 steps (stepi, twice); Ctrl-C stops both vCPUs, one still waiting for SIPI" {
	need_gdb
	gdb_session --smp 2 "$GUESTS/smp64.bin" -- -ex 'break ap_main' -ex continue -ex 'thread 2' \
		-ex stepi -ex stepi -ex 'info threads' -ex delete -ex continue "$GUESTS/smp64.elf"
	assert_status 0
	assert_stdout $'cpu 0 up\r\ncpu 1 up\r\nall 2 cpus up\r\n'
	gdb_has "Thread 2 hit Breakpoint 1, ap_main ()" "[Switching to thread 2 (Thread 2)]" \
		"* 2    Thread 2 (vCPU 1, long mode) ap_main () at guests/smp64.S:91" "exited normally"
	local gdb_pid
	socket_path
	vmm_bg --smp 2 --gdb "unix:$SOCK" --gdb-wait "$GUESTS/spin64.bin"
	wait_until test -S "$SOCK"
	timeout --foreground -s KILL 60 gdb -q -batch -nx -ex "target remote $SOCK" -ex continue \
		-ex 'info threads' -ex kill "$GUESTS/spin64.elf" </dev/null >"$T/gdb.out" 2>&1 &
	gdb_pid=$!
	wait_until grep -q spinning "$OUT"
	kill -INT "$gdb_pid"
	wait "$gdb_pid" || true
	vmm_reap
	assert_status 16
	gdb_has "Thread 1 received signal SIGINT, Interrupt." "* 1    Thread 1 (vCPU 0, long mode)" \
		"Thread 2 (vCPU 1, real mode)" "[Inferior 1 (Remote target) killed]"
}

@test "gdb: Ctrl-C (SIGINT to gdb) stops a spinning guest; kill ends vmm with status 16" {
	need_gdb
	local gdb_pid
	socket_path
	vmm_bg --gdb "unix:$SOCK" --gdb-wait "$GUESTS/spin64.bin"
	wait_until test -S "$SOCK"
	# --foreground: timeout then passes the SIGINT to gdb once; without,
	# it also signals its process group, and a second SIGINT makes gdb
	# give up on the target ("not responding to interrupt requests").
	timeout --foreground -s KILL 60 gdb -q -batch -nx -ex "target remote $SOCK" -ex continue \
		-ex 'x/i $pc' -ex kill "$GUESTS/spin64.elf" </dev/null >"$T/gdb.out" 2>&1 &
	gdb_pid=$!
	wait_until grep -q spinning "$OUT" # the guest runs: gdb waits in continue
	kill -INT "$gdb_pid"
	wait "$gdb_pid" || true
	cat "$T/gdb.out"
	vmm_reap
	assert_status 16
	gdb_has "Program received signal SIGINT, Interrupt." "jmp    0x100021 <_start+33>" \
		"[Inferior 1 (Remote target) killed]"
	assert_stderr_has "gdb: kill: the run ends"
}

# The guest (or a signal) ends the run while gdb waits in continue: gdb gets
# the stop reply for an end ("Stop Reply Packets"), W with vmm's status or X
# with the signal that ended it, and vmm exits with its documented status.
@test "gdb: the run ends under a running gdb: triple fault (W, status 8), SIGTERM (X, status 143)" {
	need_gdb
	gdb_session "$GUESTS/triple64.bin" -- -ex continue "$GUESTS/triple64.elf"
	assert_status 8
	assert_stderr_has "guest triple fault"
	gdb_has "[Inferior 1 (Remote target) exited with code 010]"
	socket_path
	vmm_bg --gdb "unix:$SOCK" --gdb-wait "$GUESTS/spin64.bin"
	wait_until test -S "$SOCK"
	timeout -s KILL 60 gdb -q -batch -nx -ex "target remote $SOCK" -ex continue \
		"$GUESTS/spin64.elf" </dev/null >"$T/gdb.out" 2>&1 &
	wait_until grep -q spinning "$OUT" # the guest runs: gdb waits in continue
	kill -TERM "$VMM_PID"
	wait $! || true
	vmm_reap
	assert_status 143
	gdb_has "Program terminated with signal SIGTERM"
}

# SIGVTALRM (26) and SIGPROF (27) end a run too, and gdb numbers them as
# Linux does (gdb/signals.def): X as well, not W with 128 + N.
@test "gdb: SIGVTALRM ends the run under a running gdb: X and the signal, status 154" {
	need_gdb
	socket_path
	vmm_bg --gdb "unix:$SOCK" --gdb-wait "$GUESTS/spin64.bin"
	wait_until test -S "$SOCK"
	timeout -s KILL 60 gdb -q -batch -nx -ex "target remote $SOCK" -ex continue \
		"$GUESTS/spin64.elf" </dev/null >"$T/gdb.out" 2>&1 &
	wait_until grep -q spinning "$OUT"
	kill -VTALRM "$VMM_PID"
	wait $! || true
	vmm_reap
	assert_status 154
	gdb_has "Program terminated with signal SIGVTALRM"
}

# The same status from the guest itself is no signal: (71 << 1) | 1 = 143.
@test "gdb: a guest that exits with 143 (the debug exit) is W 143 to gdb, not SIGTERM" {
	need_gdb
	printf '71\n' >"$T/in"
	IN=$T/in gdb_session "$GUESTS/exit64.bin" -- -ex continue "$GUESTS/exit64.elf"
	assert_status 143
	gdb_has "[Inferior 1 (Remote target) exited with code 0217]"
}

@test "gdb: detach in the middle: breakpoints out, the guest runs to its end" {
	need_gdb
	gdb_session "$GUESTS/debug64.bin" -- -ex 'break count' -ex 'break set_rax' -ex continue \
		-ex detach "$GUESTS/debug64.elf"
	assert_status 1
	assert_stdout "${DEBUG64_OUT}A"$'\r\n'
	gdb_has "Breakpoint 1, count ()" "[Inferior 1 (Remote target) detached]"
	assert_stderr_has "gdb: detached; the guest runs on"
}

@test "gdb: a real-mode boot sector, with set architecture i8086" {
	need_gdb
	GDB_PRE='set architecture i8086' gdb_session "$GUESTS/hello16.bin" -- \
		-ex 'info registers eip cs cr0' -ex 'x/2i $pc' -ex 'break *0x7c0b' -ex continue \
		-ex stepi -ex 'info registers eip' -ex delete -ex continue "$GUESTS/hello16.elf"
	assert_status 0
	assert_stdout $'Hello from real mode!\r\n'
	gdb_has "_start () at guests/hello16.S" "eip            0x7c00" "cr0            0x10" \
		"mov    \$0x7c1d,%si" "Breakpoint 1, 0x00007c0b in _start ()" \
		"eip            0x7c0e" "exited normally"
	refute_grep -q "not compatible" "$T/gdb.out"
}

@test "gdb: a multiboot ELF kernel in protected mode: i386 registers, bt, finish" {
	need_gdb
	gdb_session "$GUESTS/mbelf.elf" -- -ex 'info registers eip eax' -ex 'break entry_state' \
		-ex continue -ex bt -ex finish -ex continue "$GUESTS/mbelf.elf"
	assert_status 1
	gdb_has "eip            0x100024" "eax            0x2badb002" \
		"Breakpoint 1, entry_state () at guests/mbelf.S" "#1  0x00100075 in _start ()" \
		"_start () at guests/mbelf.S:125" "exited with code 01"
	grep -q '^ok' "$OUT"
}

@test "gdb: --no-sync-regs: the same session through KVM_GET/SET_REGS" {
	need_gdb
	gdb_session --no-sync-regs "$GUESTS/debug64.bin" -- -ex 'break set_rax' -ex continue \
		-ex 'set $rax = 0x43' -ex 'monitor regs' -ex continue "$GUESTS/debug64.elf"
	assert_status 1
	assert_stdout "${DEBUG64_OUT}C"$'\r\n'
	gdb_has "from KVM_GET_REGS" "rax 0000000000000043"
}

@test "gdb: the monitor commands show the mechanisms" {
	need_gdb
	gdb_session "$GUESTS/debug64.bin" -- -ex 'break set_rax' -ex continue -ex 'monitor help' \
		-ex 'monitor regs' -ex 'monitor sregs' -ex 'monitor walk 0x100040' \
		-ex 'monitor walk 0x800000000000' -ex 'monitor ring' -ex 'monitor exits' \
		-ex 'monitor reglist' -ex 'monitor debug' -ex 'monitor msr' -ex 'monitor nonsense' \
		-ex 'monitor walk 010' -ex 'monitor walk +0x10' -ex continue "$GUESTS/debug64.elf"
	assert_status 1
	gdb_has "vmm monitor commands" "from kvm_run->s.regs.regs (sync_regs): 0 ioctls" \
		"rip 0000000000100040" "KVM_SYNC_X86_SREGS in kvm_valid_regs" \
		"0x100040 on vCPU 0: 4-level paging, CR3 0x2000" "level 4 entry at 0x2000" \
		"-> guest-physical 0x100040 (a 2048 KiB page, writable)" "KVM_TRANSLATE" \
		"-> not canonical" "coalesced ring:" "0x3f8:" "vCPU 0: IO " "DEBUG " \
		"KVM_GET_REG_LIST" "this KVM (measured on a scratch VM)" "usage: monitor msr" \
		"unknown monitor command 'nonsense'"
	# Numbers as on vmm's command line: decimal or 0x hex, never octal, no sign.
	gdb_has "0xa on vCPU 0:" "usage: monitor walk ADDR"
}

# --- the protocol, from a raw client ---------------------------------------

# raw SCENARIO GUEST [VMM-ARGS...]: tests/gdbclient.py against vmm on a
# unix socket.
raw() {
	socket_path
	vmm_bg --timeout 30 --gdb "unix:$SOCK" --gdb-wait "${@:3}" "$GUESTS/$2.bin"
	wait_until test -S "$SOCK"
	GDB_ERR=$ERR run timeout -s KILL 60 python3 "$BATS_TEST_DIRNAME/gdbclient.py" "$SOCK" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	vmm_reap
}

@test "gdb protocol: bad checksums, overlong and malformed packets, huge lengths, no-ack mode" {
	raw edges debug64
	assert_status 1 # detached at the end: the guest ran to its end
	assert_stdout "${DEBUG64_OUT}A"$'\r\n'
}

@test "gdb protocol: a byte at a time, packets in one write, escapes and runs in X and m, acks after no-ack" {
	raw framing debug64
	assert_status 1
	assert_stdout "${DEBUG64_OUT}A"$'\r\n'
}

@test "gdb protocol: 0x03 while stopped, packets while running, a double 0x03, a reset mid-packet" {
	raw running spin64
	assert_status 16
	assert_stderr_has "gdb: connection closed; the guest runs on" "gdb: kill: the run ends"
}

@test "gdb protocol: a client that sends and never reads is dropped after one write timeout" {
	raw noread spin64
	assert_status 16
	assert_stderr_has "gdb: connection lost; the guest runs on"
}

@test "gdb protocol: --smp 4: thread list and ids, a step of one vCPU, a fifth watchpoint, D and reconnect" {
	raw threads spin64 --smp 4
	assert_status 16
	assert_stderr_has "gdb: detached; the guest runs on" "gdb: kill: the run ends"
}

@test "gdb protocol: a second client is refused with a message; the first goes on" {
	raw second debug64
	assert_status 1
	assert_stderr_has "gdb: refused a second connection"
}

@test "gdb protocol: a client gone without detaching leaves the guest running; 0x03; vKill" {
	raw disconnect spin64
	assert_status 16
	assert_stderr_has "gdb: connection closed; the guest runs on"
}

@test "gdb: a second gdb sees why it is refused" {
	need_gdb
	socket_path
	vmm_bg --timeout 30 --gdb "unix:$SOCK" --gdb-wait "$GUESTS/spin64.bin"
	wait_until test -S "$SOCK"
	timeout -s KILL 60 gdb -q -batch -nx -ex "target remote $SOCK" -ex 'shell touch '"$T/first" \
		-ex 'shell while [ ! -e '"$T/second"' ]; do sleep 0.05; done' -ex kill \
		</dev/null >"$T/first.out" 2>&1 &
	wait_until test -e "$T/first"
	timeout -s KILL 60 gdb -q -batch -nx -ex "target remote $SOCK" </dev/null >"$T/gdb.out" 2>&1 || true
	touch "$T/second"
	wait
	vmm_reap
	assert_status 16
	gdb_has "Remote failure reply: E.vmm: another gdb is attached"
}

# --- the options ----------------------------------------------------------

@test "--gdb over TCP: 127.0.0.1 by default, port 0 picks one and says which; IPv6 in brackets" {
	need_gdb
	local addr given host
	for given in 0 '[::1]:0'; do
		[ "$given" = 0 ] && host=127.0.0.1 || host='[::1]'
		echo "--gdb $given"
		vmm_bg --gdb "$given" --gdb-wait "$GUESTS/hello64.bin"
		wait_until grep -qF "listening on $host:" "$ERR"
		addr=$(sed -n 's/.*listening on \([^ ,]*\),.*/\1/p' "$ERR" | head -1)
		[ "${addr##*:}" -gt 0 ] || { cat "$ERR"; false; }
		timeout -s KILL 60 gdb -q -batch -nx -ex "target remote $addr" -ex continue \
			</dev/null >"$T/gdb.out" 2>&1
		vmm_reap
		assert_status 0
		assert_stdout $'Hello from long mode!\r\n'
		gdb_has "exited normally"
	done
}

@test "gdb: rwatch as this KVM can (refused where it ignores debug registers); a fifth debug register is refused" {
	need_gdb
	gdb_session "$GUESTS/debug64.bin" -- -ex 'rwatch counter' -ex continue -ex delete \
		-ex continue "$GUESTS/debug64.elf"
	if "$VMM" --caps | grep -q 'data write watchpoint (DR0) *yes'; then
		gdb_has "read watchpoint 1: counter" "Value = "
	else
		gdb_has "Could not insert hardware watchpoint 1."
	fi
	assert_status 1
	# DR0-DR3: four hbreaks fit, a fifth is refused and gdb says so.
	gdb_session "$GUESTS/debug64.bin" -- -ex 'hbreak set_rax' -ex 'hbreak *0x100000' \
		-ex 'hbreak *0x100001' -ex 'hbreak *0x100002' -ex 'hbreak *0x100003' -ex continue \
		-ex delete -ex continue "$GUESTS/debug64.elf"
	gdb_has "Could not insert hardware breakpoints" "too many hardware breakpoints"
	assert_status 1
}

@test "--gdb without a client: the guest runs as without it, sandboxed" {
	socket_path
	vmm --gdb "unix:$SOCK" "$GUESTS/debug64.bin"
	assert_status 1
	assert_stdout "${DEBUG64_OUT}A"$'\r\n'
	assert_stderr_has "gdb: listening on $SOCK"
	[ "$(wc -l <"$ERR")" -eq 1 ] || { show; false; }
	[ ! -e "$SOCK" ] # removed at the end
}

@test "--gdb: a session runs under the sandbox (Seccomp 2)" {
	need_gdb
	grep -qa __asan_init "$VMM" && skip "the sanitizer build runs without the sandbox"
	socket_path
	vmm_bg --gdb "unix:$SOCK" --gdb-wait "$GUESTS/debug64.bin"
	wait_until test -S "$SOCK"
	timeout -s KILL 60 gdb -q -batch -nx -ex "target remote $SOCK" -ex 'break done' \
		-ex continue -ex "shell awk '/^Seccomp:/ { print \"seccomp\", \$2 }' /proc/$VMM_PID/status" \
		-ex continue "$GUESTS/debug64.elf" </dev/null >"$T/gdb.out" 2>&1
	vmm_reap
	assert_status 1
	gdb_has "seccomp 2" "Breakpoint 1, done ()" "exited with code 01"
}

@test "--gdb: bad addresses and --gdb-wait alone are usage errors" {
	local a
	for a in "" ":" "x" "-1" "65536" "99999999999" "host:" ":80" "1234x" "unix:" \
		"0x10" "01" "unix:$(printf 'p%.0s' {1..120})"; do
		echo "--gdb '$a'"
		vmm --gdb "$a" "$GUESTS/hello64.bin"
		assert_error 2 "--gdb"
	done
	vmm --gdb-wait "$GUESTS/hello64.bin"
	assert_error 2 "--gdb-wait needs --gdb"
	vmm --gdb no.such.host.invalid:1234 "$GUESTS/hello64.bin"
	assert_error 2 "--gdb no.such.host.invalid:1234"
}

@test "--gdb: an address in use is a host error (status 6), before the guest runs" {
	local port
	vmm_bg --timeout 20 --gdb 0 "$GUESTS/spin64.bin"
	wait_until grep -q 'listening on 127.0.0.1:' "$ERR"
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$ERR" | head -1)
	local first=$VMM_PID
	OUT=$T/out2 ERR=$T/err2 vmm --gdb "$port" "$GUESTS/hello64.bin"
	status2=$status
	kill -TERM "$first"
	vmm_reap
	status=$status2
	ERR=$T/err2 OUT=$T/out2 assert_error 6 "--gdb 127.0.0.1:$port" "in use"
}

@test "--caps: what guest debugging and ONE_REG do on this host, measured" {
	vmm --caps
	assert_status 0
	grep -qE '^  single step \(KVM_GUESTDBG_SINGLESTEP\) +(yes|no)$' "$OUT"
	grep -qE '^  int3 intercepted \(USE_SW_BP\) +(yes|no)' "$OUT"
	grep -qE '^  MSRs through KVM_GET/SET_ONE_REG +(yes|no)' "$OUT"
	grep -qE '^  KVM_GET_REG_LIST +([0-9]+ registers?|not served)' "$OUT"
}
