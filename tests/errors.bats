#!/usr/bin/env bats
# Bad input: each case ends with its documented status and exactly one line
# "vmm: ..." on stderr that names the problem (the file, the option, the value).

load helpers

# --- image files (status 4) ----------------------------------------------

@test "missing image file" {
	vmm "$T/no-such-file.bin"
	assert_error 4 "$T/no-such-file.bin" "No such file"
}

@test "empty image file" {
	: >"$T/empty.bin"
	vmm "$T/empty.bin"
	assert_error 4 "$T/empty.bin" empty
}

@test "a directory as the image" {
	vmm "$T"
	assert_error 4 "$T" directory
}

@test "a device as the image: not a regular file" {
	vmm /dev/null
	assert_error 4 /dev/null "not a regular file"
}

@test "a FIFO as the image: refused, not waited on" {
	mkfifo "$T/fifo"
	VMM_LIMIT=10 vmm "$T/fifo"
	assert_error 4 "$T/fifo" "not a regular file"
}

@test "an unreadable image file" {
	cp "$GUESTS/hello64.bin" "$T/secret.bin"
	chmod 000 "$T/secret.bin"
	if [ "$(id -u)" -ne 0 ]; then
		vmm "$T/secret.bin"
	elif command -v setpriv >/dev/null; then
		# Root reads a mode 000 file through CAP_DAC_OVERRIDE: run vmm
		# without it (still uid 0, so /dev/kvm stays open to it).
		status=0
		timeout --preserve-status -s KILL "$VMM_LIMIT" \
			setpriv --bounding-set=-dac_override,-dac_read_search \
			"$VMM" "$T/secret.bin" </dev/null >"$OUT" 2>"$ERR" || status=$?
	else
		skip "running as root without setpriv: root reads a mode 000 file"
	fi
	assert_error 4 "$T/secret.bin" "Permission denied"
}

@test "a file name with control characters or bytes that are not UTF-8: escaped, one line, the terminal untouched" {
	local name
	name=$(printf '%s/a\nb\033[31mred\xff\xc2\x9b ok \xc3\xa9' "$T")
	vmm "$name"
	assert_error 4 'a\x0ab\x1b[31mred\xff\xc2\x9b ok' "No such file"
	# Valid UTF-8 stays as it is; the ESC, the stray bytes and C1's CSI do not.
	grep -q "$(printf 'ok \xc3\xa9:')" "$ERR"
	refute_grep -q "$(printf '[\x1b\xff]')" "$ERR"
	# Nor what is not UTF-8 though shaped like it: an overlong ESC, a
	# surrogate, a code point above U+10FFFF.
	vmm "$(printf '%s/x\xe0\x80\x9by\xed\xa0\x80z\xf4\x90\x80\x80' "$T")"
	assert_error 4 'x\xe0\x80\x9by\xed\xa0\x80z\xf4\x90\x80\x80' "No such file"
}

@test "an image that changed while being read (a sysfs file, shorter than it says): named so, not 'read failed'" {
	local f
	f=$(find /sys/kernel -maxdepth 2 -type f -size 4k -readable 2>/dev/null | head -1)
	[ -n "$f" ] || skip "no readable 4 KiB sysfs file here"
	[ "$(wc -c <"$f")" -lt 4096 ] || skip "$f holds all 4096 bytes"
	vmm "$f"
	assert_error 4 "$f: changed while read:" "of the 4096 it had"
}

# with_fd_limit N: vmm on hello64 with only fds 0-2 open and ulimit -n N.
with_fd_limit() {
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" bash -c '
		for f in /proc/$$/fd/*; do
			[ "${f##*/}" -le 2 ] || eval "exec ${f##*/}>&-"
		done
		ulimit -n $0 && exec "$@"' "$1" \
		"$VMM" "$GUESTS/hello64.bin" </dev/null >"$OUT" 2>"$ERR" || status=$?
}

@test "out of fds or memory while reading the image: the host's failure (6), not a bad image (4)" {
	# fds 0-2 and /dev/kvm leave none for the image (bats's own fds closed).
	# LeakSanitizer (make check) needs fds of its own to look at threads.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	with_fd_limit 4
	assert_error 6 "hello64.bin: Too many open files"
	# Later, out of fds for the VM itself: the message names the limit.
	with_fd_limit 8
	assert_error 6 ": Too many open files (ulimit -n is 8)"
	! grep -qa __asan_init "$VMM" || skip "ulimit -v: the sanitizers' shadow memory needs more"
	truncate -s 100M "$T/big.bin"
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" bash -c 'ulimit -v 90000 && exec "$@"' - \
		"$VMM" -m 256M "$T/big.bin" </dev/null >"$OUT" 2>"$ERR" || status=$?
	assert_error 6 "big.bin: no memory to read its 104857600 bytes"
}

@test "a bad --initrd or --module file: the message names the option, then the file" {
	mkfifo "$T/fifo"
	mkdir "$T/dir"
	VMM_LIMIT=10 vmm --module "$T/fifo arg" "$GUESTS/mbelf.elf"
	assert_error 4 "vmm: --module $T/fifo: not a regular file"
	vmm --initrd "$T/dir" "$GUESTS/mbelf.elf"
	assert_error 4 "vmm: --initrd $T/dir: is a directory"
}

@test "an image larger than guest RAM" {
	head -c $((2 << 20)) /dev/zero >"$T/2m.bin"
	vmm -m 1M "$T/2m.bin"
	assert_error 4 "$T/2m.bin" "larger than guest RAM"
}

@test "an ELF file is refused with a hint" {
	vmm "$GUESTS/hello64.elf"
	assert_error 4 "$GUESTS/hello64.elf" ELF
}

@test "a gzip file is refused" {
	gzip -c "$GUESTS/hello64.bin" >"$T/hello64.bin.gz"
	vmm "$T/hello64.bin.gz"
	assert_error 4 "$T/hello64.bin.gz" gzip
}

# --- where the image goes (status 4) -------------------------------------

@test "load address outside guest RAM" {
	vmm -m 1M --load 0x100000 "$GUESTS/hello64.bin"
	assert_error 4 "$GUESTS/hello64.bin" "load address 0x100000" "outside guest RAM"
}

@test "load address in the 3-4 GiB hole, with RAM above it" {
	vmm -m 4G --load 0xc0000000 "$GUESTS/hello64.bin"
	assert_error 4 "load address 0xc0000000" "outside guest RAM"
}

@test "an image that does not fit in guest RAM from its load address" {
	vmm -m 1M --load 0xffff0 "$GUESTS/hello64.bin"
	assert_error 4 "$GUESTS/hello64.bin" "does not fit"
}

@test "entry point outside guest RAM" {
	vmm --entry 0x20000000 "$GUESTS/hello64.bin"
	assert_error 4 "$GUESTS/hello64.bin" "entry point 0x20000000" "outside guest RAM"
}

@test "real mode: image beyond the first MiB" {
	vmm --mode real --load 0xffff0 "$GUESTS/hello64.bin"
	assert_error 4 "$GUESTS/hello64.bin" "first MiB"
	vmm --mode real --load 0x100000 "$GUESTS/hello64.bin"
	assert_error 4 "$GUESTS/hello64.bin" "first MiB"
}

@test "real mode: entry point beyond the first MiB" {
	vmm --mode real --entry 0x100000 "$GUESTS/hello16.bin"
	assert_error 4 "$GUESTS/hello16.bin" "first MiB" "entry 0x100000"
}

@test "long and protected mode: an image over the boot area 0x1000-0x7fff" {
	vmm --load 0x2000 "$GUESTS/hello64.bin"
	assert_error 4 "$GUESTS/hello64.bin" overlaps 0x2000
	vmm --load 0x7ff0 "$GUESTS/hello64.bin"
	assert_error 4 overlaps
	vmm --load 0xfff "$GUESTS/hello64.bin"
	assert_error 4 overlaps
	vmm --mode protected --load 0x2000 "$GUESTS/hello32.bin"
	assert_error 4 "$GUESTS/hello32.bin" overlaps
}

# --- options (status 2) --------------------------------------------------

@test "bad memory sizes" {
	local m
	for m in 0 12Q 100G -1 '' 1K 65G 1.5M ' 1M' 64GG; do
		echo "-m '$m'"
		vmm -m "$m" "$GUESTS/hello16.bin"
		assert_error 2 "'$m'"
	done
}

@test "-m not a multiple of the page size: a usage error naming -m, not KVM's" {
	local m
	for m in 4097K 1048577 0x100001 1025K; do
		echo "-m '$m'"
		vmm -m "$m" "$GUESTS/hello64.bin"
		assert_error 2 "-m" "'$m'" "not a multiple of the 4K page"
	done
}

@test "numbers are decimal or hex after 0x, never octal: -m 010M is ten MiB, --smp 010 ten vCPUs" {
	vmm -m 010M --smp 010 "$GUESTS/fwcfg64.bin"
	assert_status 21 # (10 << 1) | 1: ten CPUs
	grep -q "ram 0000000000a00000" "$OUT" || { show; false; }
	vmm -m 0x1000000 "$GUESTS/fwcfg64.bin"
	grep -q "ram 0000000001000000" "$OUT" || { show; false; }
	vmm -m 08M "$GUESTS/fwcfg64.bin" # no octal digit 8 to trip on
	grep -q "ram 0000000000800000" "$OUT" || { show; false; }
}

@test "bad addresses for --load and --entry" {
	vmm --load xyz "$GUESTS/hello64.bin"
	assert_error 2 "'xyz'" --load
	vmm --load 0x "$GUESTS/hello64.bin"
	assert_error 2 "'0x'" --load
	vmm --load '' "$GUESTS/hello64.bin"
	assert_error 2 "''" --load
	vmm --entry -5 "$GUESTS/hello64.bin"
	assert_error 2 "'-5'" --entry
	vmm --entry 0x1g "$GUESTS/hello64.bin"
	assert_error 2 "'0x1g'" --entry
	vmm --load 0x10000000000000000 "$GUESTS/hello64.bin"
	assert_error 2 "'0x10000000000000000'" --load
}

@test "bad mode" {
	vmm --mode bogus "$GUESTS/hello64.bin"
	assert_error 2 "'bogus'" mode
	vmm --mode Long "$GUESTS/hello64.bin"
	assert_error 2 "'Long'" mode
}

@test "bad timeouts" {
	local t
	for t in 0 -1 abc '' 0.0 1s nan inf; do
		echo "--timeout '$t'"
		vmm --timeout "$t" "$GUESTS/hello64.bin"
		assert_error 2 "'$t'" timeout
	done
}

@test "--timeout past its limit names the limit" {
	local t
	for t in 1e8 10000001 1e400; do
		echo "--timeout '$t'"
		vmm --timeout "$t" "$GUESTS/hello64.bin"
		assert_error 2 "'$t'" "--timeout takes more than 0 and at most 10000000 seconds"
	done
	vmm --timeout 1e7 "$GUESTS/hello64.bin"
	assert_status 0
}

@test "empty file names are refused as the command line is read, naming the option" {
	local o
	for o in --kernel --initrd --module --kvm-device; do
		echo "$o ''"
		vmm "$o" "" "$GUESTS/hello64.bin"
		assert_error 2 "$o needs a file name, not ''"
	done
	vmm --fb 8x8 --fb-png "" "$GUESTS/hello64.bin"
	assert_error 2 "--fb-png needs a file name, not ''"
	vmm ""
	assert_error 2 "the image needs a file name, not ''"
}

@test "an ambiguous abbreviation is named as ambiguous, with what it could be" {
	vmm --f "$GUESTS/hello64.bin"
	assert_error 2 "ambiguous option '--f': it could be --fb, --fb-png, --fb-ram"
	vmm --mo=long "$GUESTS/hello64.bin"
	assert_error 2 "ambiguous option '--mo': it could be --mode, --module"
	vmm --no-s "$GUESTS/hello64.bin"
	assert_error 2 "ambiguous option '--no-s'" --no-sync-regs --no-sandbox
	vmm --tim 1 "$GUESTS/hello64.bin" # a prefix of one option is that option
	assert_status 0
}

@test "a setting given twice: the last one counts, as in QEMU, and vmm says so" {
	vmm -m 8M --memory 16M --smp 3 --smp 2 "$GUESTS/fwcfg64.bin"
	assert_status 5 # two CPUs
	grep -q "ram 0000000001000000" "$OUT" || { show; false; }
	assert_stderr_has "-m given twice: the last one, '16M', counts ('8M' does not)" \
		"--smp given twice: the last one, '2', counts ('3' does not)"
}

@test "each setting README lists, given twice: the last one counts, and vmm says so" {
	local c f
	printf '\xfa\xf4%.0s' {1..8} >"$T/pad64.bin" # cli; hlt, then hello64 at +16
	cat "$GUESTS/hello64.bin" >>"$T/pad64.bin"
	# OPTION|FIRST|LAST|the rest of the command line: where FIRST would make
	# the run end otherwise (spin for hours, a real-mode start, an overlap
	# with the boot area, a halt, an 8x8 picture, no KVM).
	local -a cases=(
		"--timeout|10000|0.5|$GUESTS/spin64.bin"
		"--mode|real|long|$GUESTS/hello64.bin"
		"--load|0xfff|0x200000|$GUESTS/hello64.bin"
		"--entry|0x100000|0x100010|$T/pad64.bin"
		"--fb|8x8|16x4|--fb-png|$T/fb.png|$GUESTS/hello64.bin"
		"--kvm-device|$T/no-kvm|/dev/kvm|$GUESTS/hello64.bin"
		"--cpu|qemu64,-lm|qemu64|--append|+lm|$GUESTS/cpumodel.elf"
		"--gdb|unix:$T/a.sock|unix:$T/b.sock|$GUESTS/hello64.bin"
	)
	for c in "${cases[@]}"; do
		echo "case: $c"
		IFS='|' read -ra f <<<"$c"
		vmm "${f[0]}" "${f[1]}" "${f[0]}" "${f[2]}" "${f[@]:3}"
		assert_stderr_has \
			"${f[0]} given twice: the last one, '${f[2]}', counts ('${f[1]}' does not)"
		case ${f[0]} in
		--timeout)
			assert_status 124
			assert_stderr_has "timeout: guest still running after 0.5 s" ;;
		--cpu) # cpumodel: +lm present, debug exit 0
			assert_status 1 ;;
		--gdb)
			assert_status 0
			assert_stderr_has "gdb: listening on $T/b.sock" ;;
		--fb)
			assert_status 0
			[ "$("$BATS_TEST_DIRNAME/fbpng.py" size "$T/fb.png")" = "16 4" ] ;;
		*)
			assert_status 0
			assert_stdout $'Hello from long mode!\r\n' ;;
		esac
	done
}

@test "--device given twice adds two devices (no note); the same one twice is refused" {
	vmm --device pc-testdev --device pci-testdev "$GUESTS/pcitestdev.elf"
	assert_status 1
	refute_grep -q "given twice" "$ERR"
	vmm --device pci-testdev --device pci-testdev "$GUESTS/pcitestdev.elf"
	assert_error 2 "pci-testdev given twice"
}

@test "a flag given twice is the same as once: no note, the same run" {
	vmm --stats "$GUESTS/hello64.bin"
	assert_status 0
	assert_stderr_has "vmm stats:"
	cp "$OUT" "$T/once.out"
	vmm --stats --stats --no-coalesce --no-coalesce "$GUESTS/hello64.bin"
	assert_status 0
	cmp "$OUT" "$T/once.out" || { show; false; }
	assert_stderr_has "vmm stats:"
	refute_grep -q "given twice" "$ERR"
}

@test "a second kernel, initrd, command line or snapshot file is refused: the last would drop the first" {
	vmm --kernel "$GUESTS/hello64.bin" --kernel "$GUESTS/hello16.bin"
	assert_error 2 "--kernel given twice" "then '$GUESTS/hello16.bin'"
	vmm --initrd a --initrd b "$GUESTS/mbelf.elf"
	assert_error 2 "--initrd given twice ('a', then 'b')"
	vmm --append x --append y "$GUESTS/mbelf.elf"
	assert_error 2 "--append given twice ('x', then 'y')"
	vmm --fb 8x8 --fb-png a.png --fb-png b.png "$GUESTS/hello64.bin"
	assert_error 2 "--fb-png given twice"
}

@test "--fb-png onto what a rename must not replace (directory, device node, FIFO, link to /dev/full): refused before the guest runs" {
	mkdir "$T/dir.png"
	mkfifo "$T/fifo.png"
	ln -s /dev/full "$T/full.png"
	ln -s "$T/nowhere" "$T/dangling.png"
	ln -s "$T/loop.png" "$T/loop.png"
	local t
	for t in dir.png:"a directory" fifo.png:"not a regular file" full.png:"not a regular file" \
		dangling.png:"a symbolic link to nothing" loop.png:"Too many levels"; do
		vmm --fb 8x8 --fb-png "$T/${t%%:*}" "$GUESTS/hello64.bin"
		assert_error 2 "--fb-png $T/${t%%:*}: ${t#*:}"
	done
	[ -d "$T/dir.png" ] && [ -p "$T/fifo.png" ] && [ "$(readlink "$T/full.png")" = /dev/full ]
	[ -z "$(ls "$T" | grep tmp)" ]
	if command -v mknod >/dev/null && mknod -m 666 "$T/null" c 1 3 2>/dev/null; then
		# As root, --fb-png /dev/null would have replaced everyone's /dev/null.
		vmm --fb 8x8 --fb-png "$T/null" "$GUESTS/hello64.bin"
		assert_error 2 "--fb-png $T/null: not a regular file"
		[ -c "$T/null" ]
	fi
}

@test "--fb-png through a symbolic link: the file it names gets the picture, the link stays" {
	mkdir "$T/real"
	echo old >"$T/real/pic.png"
	ln -s real/pic.png "$T/link.png"
	vmm --fb 320x200 --fb-png "$T/link.png" "$GUESTS/fbdemo64.bin"
	assert_status 0
	[ "$(readlink "$T/link.png")" = real/pic.png ]
	[ "$(head -c 4 "$T/real/pic.png" | od -An -c | tr -d ' ')" = '211PNG' ]
	[ ! -e "$T/link.png.tmp" ] && [ ! -e "$T/real/pic.png.tmp" ]
}

@test "--help, --version, --caps into a full disk or a closed stdout: a message and status 6, not 0 with nothing written" {
	local a
	for a in --help --version --cpu=help --device=help --caps; do
		echo "$a"
		status=0
		"$VMM" "$a" </dev/null >/dev/full 2>"$ERR" || status=$?
		assert_status 6
		[ "$(cat "$ERR")" = "vmm: writing to stdout: No space left on device" ] || { show; return 1; }
		status=0
		"$VMM" "$a" </dev/null >&- 2>"$ERR" || status=$?
		assert_status 6
		[ "$(cat "$ERR")" = "vmm: writing to stdout: Bad file descriptor" ] || { show; return 1; }
	done
	# QEMU's probes too, with QEMU's status for a failure.
	status=0
	"$VMM" --qemu --help </dev/null >/dev/full 2>"$ERR" || status=$?
	assert_status 1
	# A reader that has gone took what it wanted: no message, status 0.
	# A FIFO whose only reader closed before vmm starts: every write is
	# EPIPE (a pipeline's reader might not have closed yet).
	mkfifo "$T/gone"
	exec 5<>"$T/gone" 6>"$T/gone" 5<&-
	status=0
	"$VMM" --cpu help >&6 2>"$ERR" || status=$?
	exec 6>&-
	assert_status 0
	assert_stderr_empty
}

@test "unknown options" {
	vmm --frobnicate "$GUESTS/hello64.bin"
	assert_error 2 --frobnicate
	vmm -z "$GUESTS/hello64.bin"
	assert_error 2 -z
}

@test "missing argument of -m" {
	vmm -m
	assert_error 2 -m argument
}

@test "missing argument of a long option names the option" {
	local o
	for o in --mode --load --entry --timeout --kvm-device; do
		echo "$o"
		vmm "$o"
		assert_error 2 "$o" argument
	done
	vmm --memory
	assert_error 2 -m argument # -m or --memory
}

@test "an argument to an option that takes none names the option" {
	vmm --stats=1 "$GUESTS/hello64.bin"
	assert_error 2 --stats
}

@test "no image" {
	vmm
	assert_error 2 "no guest image"
	vmm --stats --trace
	assert_error 2 "no guest image"
}

@test "two images" {
	vmm "$GUESTS/hello64.bin" "$GUESTS/hello16.bin"
	assert_error 2 "more than one image" "$GUESTS/hello16.bin"
}

# --- the KVM device (status 6) ---------------------------------------------

@test "--kvm-device that does not exist" {
	vmm --kvm-device /nonexistent "$GUESTS/hello64.bin"
	assert_error 6 /nonexistent "No such file"
	vmm --kvm-device /nonexistent --caps
	assert_error 6 /nonexistent
}

@test "--kvm-device that is not KVM" {
	vmm --kvm-device /dev/null "$GUESTS/hello64.bin"
	assert_error 6 /dev/null "not a KVM device"
	vmm --kvm-device "$GUESTS/hello64.bin" "$GUESTS/hello64.bin"
	assert_error 6 "$GUESTS/hello64.bin" "not a KVM device"
}

@test "KVM device not permitted" {
	touch "$T/kvm"
	chmod 000 "$T/kvm"
	if [ "$(id -u)" -ne 0 ]; then
		vmm --kvm-device "$T/kvm" "$GUESTS/hello64.bin"
	elif command -v setpriv >/dev/null; then
		# Root opens a mode 000 file through CAP_DAC_OVERRIDE: not vmm.
		status=0
		timeout --preserve-status -s KILL "$VMM_LIMIT" \
			setpriv --bounding-set=-dac_override,-dac_read_search \
			"$VMM" --kvm-device "$T/kvm" "$GUESTS/hello64.bin" \
			</dev/null >"$OUT" 2>"$ERR" || status=$?
	else
		skip "running as root without setpriv: root opens a mode 000 file"
	fi
	assert_error 6 "$T/kvm" "Permission denied"
}

@test "VMM_KVM_DEVICE is honoured" {
	VMM_KVM_DEVICE=/nonexistent vmm "$GUESTS/hello64.bin"
	assert_error 6 /nonexistent
	VMM_KVM_DEVICE=/dev/null vmm "$GUESTS/hello64.bin"
	assert_error 6 /dev/null "not a KVM device"
	[ -e /dev/kvm ] || skip "no /dev/kvm for the positive case"
	ln -s /dev/kvm "$T/my-kvm"
	VMM_KVM_DEVICE=$T/my-kvm vmm "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout $'Hello from long mode!\r\n'
}

@test "--kvm-device overrides VMM_KVM_DEVICE" {
	VMM_KVM_DEVICE=/nonexistent vmm --kvm-device /dev/null "$GUESTS/hello64.bin"
	assert_error 6 /dev/null
	[ -e /dev/kvm ] || skip "no /dev/kvm for the positive case"
	VMM_KVM_DEVICE=/nonexistent vmm --kvm-device /dev/kvm "$GUESTS/hello64.bin"
	assert_status 0
	assert_stdout $'Hello from long mode!\r\n'
}
