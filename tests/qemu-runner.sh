#!/bin/bash
# qemu-runner.sh - a test runner written for QEMU, in the way of
# kvm-unit-tests' run_tests.sh, x86/run and scripts/arch-run.bash. Nothing
# in it knows about vmm: given QEMU=build/qemu-system-x86_64 it runs the
# same test kernels under vmm, unchanged.
#
# It finds QEMU ($QEMU, else qemu-system-x86_64 on PATH) by grepping its
# --help for "QEMU"; probes -device '?' for the test devices; reads the
# version from -h | head -1; writes an environ file that each kernel gets
# as -initrd; checks that QEMU gets as far as loading the kernel (a run
# with a kernel that does not exist must say "could not open kernel");
# runs each test under timeout(1) with x86/run's command line; and turns
# the exit status into PASS, FAIL or SKIP with the kernel's SUMMARY line:
#   debug exit 0 (status 1, nothing but warnings on stderr)  PASS
#   status 0 (no debug exit; "terminating on signal N": 128 + N)  FAIL
#   124 timeout, 128 + N signal, anything else  FAIL
#
# usage: tests/qemu-runner.sh [-v] CONFIG KERNEL-DIR [LOG-DIR]
# CONFIG is in unittests.cfg's format: [name], file =, smp =,
# extra_params =, accel = kvm|tcg, timeout = (seconds). ACCEL sets the
# default accelerator (kvm). Exit status: 0 when every test passed or
# was skipped, 1 otherwise, 2 when no QEMU was found.

set -u
verbose=
[ "${1:-}" = -v ] && { verbose=yes; shift; }
config=${1:?usage: qemu-runner.sh [-v] CONFIG KERNEL-DIR [LOG-DIR]}
kernels=${2:?usage: qemu-runner.sh [-v] CONFIG KERNEL-DIR [LOG-DIR]}
logs=${3:-$(mktemp -d)}
mkdir -p "$logs"
: "${TIMEOUT:=90}"

search_qemu() {
	local q
	for q in ${QEMU:-qemu-system-x86_64}; do
		if "$q" --help 2>/dev/null | grep -q QEMU; then
			command -v "$q"
			return 0
		fi
	done
	echo "A QEMU binary was not found (set QEMU=path)." >&2
	return 2
}

qemu=$(search_qemu) || exit 2
devices=$("$qemu" -device '?' 2>&1)
pc_testdev=
pci_testdev=
if grep -qF '"pc-testdev"' <<<"$devices"; then
	pc_testdev="-device pc-testdev -device isa-debug-exit,iobase=0xf4,iosize=0x4"
fi
grep -qF '"pci-testdev"' <<<"$devices" && pci_testdev="-device pci-testdev"
version=$("$qemu" -h | head -1)
IFS='[ .]' read -r _ _ _ major minor micro _ <<<"$version"

# The environ file: what kvm-unit-tests' kernels read from their first
# module.
env_file=$logs/environ
printf 'QEMU_ACCEL=%s\nQEMU_VERSION_STRING=%s\nQEMU_MAJOR=%s\nQEMU_MINOR=%s\nQEMU_MICRO=%s\n' \
	"${ACCEL:-kvm}" "$version" "$major" "$minor" "$micro" >"$env_file"

# x86/run's command line.
cmdline() { # KERNEL SMP ACCEL EXTRA
	echo "$qemu --no-reboot -nodefaults -global kvm-pit.lost_tick_policy=discard" \
		"$pc_testdev -display none -serial stdio $pci_testdev -machine accel=$3" \
		"-kernel $1 -smp $2 $4"
}

# arch-run.bash's run_qemu: QEMU's statuses as test results.
run_qemu() { # TIMEOUT COMMAND...
	local limit=$1 errfile=$logs/stderr ret sig
	shift
	eval timeout -k 1s --foreground "$limit" "$@" -initrd "$env_file" </dev/null 2>"$errfile"
	ret=$?
	sig=$(sed -n 's/.*terminating on signal \([0-9][0-9]*\).*/\1/p' "$errfile" | head -1)
	if [ $ret -eq 0 ]; then
		ret=$([ -n "$sig" ] && echo $((sig + 128)) || echo 1)
	elif [ $ret -eq 1 ] && ! grep -vqi warning "$errfile"; then
		ret=0
	fi
	return $ret
}

# runtime.bash's premature_failure: QEMU must get as far as the kernel.
premature_failure() { # SMP ACCEL EXTRA
	local log
	log=$(eval "$(cmdline _NO_FILE_4Uhere_ "$1" "$2" "$3")" 2>&1 </dev/null)
	grep _NO_FILE_4Uhere_ <<<"$log" | grep -q -e "[Cc]ould not \(load\|open\) kernel" && return 1
	echo "$log" | tail -1
	return 0
}

failed=0
run_test() { # NAME FILE SMP EXTRA ACCEL TIMEOUT
	local name=$1 kernel=$kernels/$2 why out summary ret
	[ -n "$name" ] || return 0
	if why=$(premature_failure "$3" "$5" "$4"); then
		echo "SKIP $name ($why)"
		return 0
	fi
	[ "$verbose" ] && cmdline "$kernel" "$3" "$5" "$4"
	out=$logs/$name.log
	run_qemu "$6" "$(cmdline "$kernel" "$3" "$5" "$4")" >"$out"
	ret=$?
	summary=$(tr -d '\r' <"$out" | tail -5 | sed -n 's/^SUMMARY: \(.*\)/(\1)/p')
	if [ $ret -eq 0 ]; then
		echo "PASS $name $summary"
	elif [ $ret -eq 124 ]; then
		echo "FAIL $name (timeout; duration=$6)"
		failed=1
	elif [ $ret -gt 127 ]; then
		echo "FAIL $name (terminated on SIG$(kill -l $((ret - 128))))"
		failed=1
	else
		echo "FAIL $name $summary"
		failed=1
	fi
}

# unittests.cfg: one section per test.
name= file= smp=1 extra= accel=${ACCEL:-kvm} limit=$TIMEOUT
while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	\[*\])
		run_test "$name" "$file" "$smp" "$extra" "$accel" "$limit"
		name=${line#[}
		name=${name%]}
		file= smp=1 extra= accel=${ACCEL:-kvm} limit=$TIMEOUT
		;;
	file\ =*) file=${line#*= } ;;
	smp\ =*) smp=${line#*= } ;;
	extra_params\ =*) extra=${line#*= } ;;
	accel\ =*) accel=${line#*= } ;;
	timeout\ =*) limit=${line#*= } ;;
	esac
done <"$config"
run_test "$name" "$file" "$smp" "$extra" "$accel" "$limit"
exit $failed
