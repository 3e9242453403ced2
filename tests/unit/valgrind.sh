#!/bin/bash
# tests/unit/valgrind.sh VMM GUESTS-DIR: the core guests under valgrind's
# memcheck (make valgrind). Each run must end with the guest's own status
# and valgrind must report no error and no definite leak. --no-sandbox:
# valgrind's own system calls would break the seccomp filter. valgrind's
# error status is 99, a status vmm never uses (the guests' own are 0, odd,
# 8), so the two cannot be confused.
set -uo pipefail
vmm=$1
guests=$2
log_dir=${VALGRIND_LOGS:-build/valgrind}
mkdir -p "$log_dir"
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 1; }

passed=0
failed=0
# check NAME STATUS STDIN VMM-ARGS...: one run.
check() {
	local name=$1 want=$2 input=$3 status=0
	shift 3
	timeout -s KILL 120 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --log-file="$log_dir/$name.log" \
		"$vmm" --no-sandbox "$@" <"$input" >"$log_dir/$name.out" 2>"$log_dir/$name.err" ||
		status=$?
	# valgrind does not know KVM_GET_STATS_FD (0xaece, vm/kvmstats.c) and
	# says so in three lines; the ioctl takes no argument, so nothing
	# escapes memcheck there.
	sed -i '/unhandled ioctl 0xaece with no size/,+2d' "$log_dir/$name.log"
	if [ "$status" -eq "$want" ] && [ ! -s "$log_dir/$name.log" ]; then
		echo "ok - $name (status $status)"
		passed=$((passed + 1))
	else
		echo "not ok - $name: status $status, expected $want; valgrind says:"
		head -40 "$log_dir/$name.log"
		tail -5 "$log_dir/$name.err"
		failed=$((failed + 1))
	fi
}

printf 'hello\004' >"$log_dir/echo.in"
check hello64 0 /dev/null "$guests/hello64.bin"
check hello16 0 /dev/null "$guests/hello16.bin"
check flood64 0 /dev/null --stats "$guests/flood64.bin"
check hypercall64 0 /dev/null --no-sync-regs "$guests/hypercall64.bin"
check echo64 0 "$log_dir/echo.in" "$guests/echo64.bin"
check triple64 8 /dev/null "$guests/triple64.bin"
check mbelf 1 /dev/null --append "valgrind" "$guests/mbelf.elf"
check fwcfg64-smp2 5 /dev/null --smp 2 "$guests/fwcfg64.bin"
check fbdemo64 0 /dev/null --fb 320x200 --fb-png "$log_dir/fb.png" "$guests/fbdemo64.bin"
check evilio64 1 /dev/null --trace "$guests/evilio64.bin"
check evilfb64-ram 1 /dev/null --fb 64x64 --fb-ram "$guests/evilfb64.bin"
check spin64-timeout 124 /dev/null --timeout 0.5 "$guests/spin64.bin"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
