#!/usr/bin/env bats
# Multiboot v1 kernels: the ELF32 and a.out kludge loaders, the information
# structure (memory, command line, modules, memory map, loader name), the
# firmware tables, every refusal, and the same kernels under QEMU.
# The guests (guests/mbelf.S, guests/mbaout.S) print what they were given
# and end with status 1 when every check passes.

load helpers

MBELF_STATUS_OK=1      # debug exit 0
MBELF_STATUS_BSS=11    # debug exit 5: .bss not zeroed
# Selectors (boot/cpu.c's GDT) and the stack the VMM gives.
ENTRY_STATE="entry cs 0010 ds 0018 es 0018 fs 0018 gs 0018 ss 0018 esp 00008000"
MMAP_128M=("mmap 0000000000000000 000000000009fc00 1"
	   "mmap 000000000009fc00 0000000000060400 2"
	   "mmap 0000000000100000 0000000007f00000 1")

# expect LINE...: the guest's output, each line ended by CR LF, in $T/want.
expect() {
	printf '%s\r\n' "$@" >"$T/want"
}

# mb_lines PATH-AS-GIVEN [MODULE-LINES...]: the whole output of a run with
# 128 MiB, one CPU and the given command line and module lines.
mb_lines() {
	local cmdline=$1
	shift
	expect "magic 2badb002" "$ENTRY_STATE" "flags 0000024d" "mem_lower 639" "mem_upper 130048" \
		"cmdline '$cmdline'" "mods $#" "$@" "${MMAP_128M[@]}" "loader 'vmm'" \
		"mptable cpus 1" "madt cpus 1" "placed above kernel" "ok"
}

# line PREFIX: the guest's output lines starting with PREFIX, without CR.
line() {
	tr -d '\r' <"$OUT" | grep -- "^$1" || true
}

# put32 FILE OFFSET VALUE: VALUE as 4 little-endian bytes at OFFSET.
put32() {
	local v=$(($3 & 0xffffffff))
	# shellcheck disable=SC2059  # the format is the bytes
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $((v >> 8 & 255)) \
		$((v >> 16 & 255)) $((v >> 24 & 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

get32() {
	od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '
}

# header_at FILE: the file offset of the multiboot magic.
header_at() {
	LC_ALL=C grep -obUaP '\x02\xb0\xad\x1b' "$1" | head -1 | cut -d: -f1
}

# put_header FILE OFFSET FLAGS: magic, FLAGS and a valid checksum.
put_header() {
	put32 "$1" "$2" 0x1badb002
	put32 "$1" $(($2 + 4)) "$3"
	put32 "$1" $(($2 + 8)) $((-(0x1badb002 + $3)))
}

# move_header FILE OFFSET: the 12-byte header of FILE moves to OFFSET.
move_header() {
	local h flags
	h=$(header_at "$1")
	flags=$(get32 "$1" $((h + 4)))
	dd if=/dev/zero of="$1" bs=1 seek="$h" count=12 conv=notrunc status=none
	put_header "$1" "$2" "$flags"
}

# copy NAME: a copy of a guest in $T, to patch; prints its path.
copy() {
	cp "$GUESTS/$1" "$T/$1"
	echo "$T/$1"
}

# --- the ELF32 kernel ----------------------------------------------------

@test "mbelf: an ELF32 kernel gets the magic, memory, command line, map and loader name" {
	vmm "$GUESTS/mbelf.elf"
	assert_status $MBELF_STATUS_OK
	mb_lines "$GUESTS/mbelf.elf"
	assert_stdout_file "$T/want"
	assert_stderr_empty
}

@test "mbelf: the command line is the path as given, then a space and --append" {
	vmm --append "console=ttyS0 a=b  c" "$GUESTS/mbelf.elf"
	assert_status $MBELF_STATUS_OK
	[ "$(line cmdline)" = "cmdline '$GUESTS/mbelf.elf console=ttyS0 a=b  c'" ] || { show; false; }
	# An empty --append still adds the space, as QEMU does.
	vmm --append "" "$GUESTS/mbelf.elf"
	assert_status $MBELF_STATUS_OK
	[ "$(line cmdline)" = "cmdline '$GUESTS/mbelf.elf '" ] || { show; false; }
	# A relative path stays relative; --kernel is the same as the argument.
	cd "$GUESTS"
	vmm --kernel mbelf.elf --append "x"
	assert_status $MBELF_STATUS_OK
	[ "$(line cmdline)" = "cmdline 'mbelf.elf x'" ] || { show; false; }
}

@test "mbelf: --initrd 'file args,file args' gives modules, strings whole" {
	printf 'first module\n' >"$T/m1"
	printf 'second' >"$T/m2"
	vmm --append "k=1" --initrd "$T/m1 arg1 arg2,$T/m2" "$GUESTS/mbelf.elf"
	assert_status $MBELF_STATUS_OK
	mb_lines "$GUESTS/mbelf.elf k=1" \
		"mod 0 '$T/m1 arg1 arg2' len 13 data 'first module.'" \
		"mod 1 '$T/m2' len 6 data 'second'"
	assert_stdout_file "$T/want"
	assert_stderr_empty
}

@test "mbelf: --initrd follows QEMU's escaping: ',,' is a comma within a module, ',' separates" {
	printf 'comma\n' >"$T/a,b"
	printf 'plain' >"$T/c"
	vmm --initrd "$T/a,,b x,,y,$T/c" "$GUESTS/mbelf.elf"
	assert_status $MBELF_STATUS_OK
	mb_lines "$GUESTS/mbelf.elf" \
		"mod 0 '$T/a,b x,y' len 6 data 'comma.'" \
		"mod 1 '$T/c' len 5 data 'plain'"
	assert_stdout_file "$T/want"
}

@test "--initrd with an empty module (',', a leading or trailing comma) is a usage error, as in QEMU" {
	local list
	printf 'm' >"$T/m"
	for list in "," "$T/m," ",$T/m" "$T/m,,,"; do
		echo "--initrd '$list'"
		vmm --initrd "$list" "$GUESTS/mbelf.elf"
		assert_error 2 "--initrd '$list'" "has no file name"
	done
}

@test "mbelf: --module, after the --initrd ones, in order" {
	printf 'AAAA' >"$T/a"
	printf 'BBBBBBBB' >"$T/b"
	printf 'CC' >"$T/c"
	vmm --module "$T/c three" --initrd "$T/a one" --module "$T/b two  spaces" \
		"$GUESTS/mbelf.elf"
	assert_status $MBELF_STATUS_OK
	mb_lines "$GUESTS/mbelf.elf" \
		"mod 0 '$T/a one' len 4 data 'AAAA'" \
		"mod 1 '$T/c three' len 2 data 'CC'" \
		"mod 2 '$T/b two  spaces' len 8 data 'BBBBBBBB'"
	assert_stdout_file "$T/want"
}

@test "mbelf: binary and large modules: exact lengths, page-aligned, above the kernel" {
	head -c 100000 /dev/urandom >"$T/big"
	printf '\0\001\377abc\n' >"$T/bin"
	printf 'x' >"$T/one"
	vmm --initrd "$T/big,$T/bin,$T/one" "$GUESTS/mbelf.elf"
	# The guest ends with code 3 if a module is not page-aligned.
	assert_status $MBELF_STATUS_OK
	[ "$(line 'mod 0' | sed 's/ data.*//')" = "mod 0 '$T/big' len 100000" ] || { show; false; }
	[ "$(line 'mod 1')" = "mod 1 '$T/bin' len 7 data '...abc.'" ] || { show; false; }
	[ "$(line 'mod 2')" = "mod 2 '$T/one' len 1 data 'x'" ] || { show; false; }
	[ "$(line placed)" = "placed above kernel" ] || { show; false; }
}

@test "mbelf: 32 modules are the most" {
	local i list=""
	printf 'm' >"$T/m"
	for i in $(seq 0 31); do list+="${list:+,}$T/m $i"; done
	vmm --initrd "$list" "$GUESTS/mbelf.elf"
	assert_status $MBELF_STATUS_OK
	[ "$(line mods)" = "mods 32" ] || { show; false; }
	[ "$(line 'mod 31')" = "mod 31 '$T/m 31' len 1 data 'm'" ] || { show; false; }
	[ "$(line placed)" = "placed above kernel" ] || { show; false; }
}

@test "mbelf: mem_upper and the memory map follow -m" {
	local m want
	for m in 2M:1024 64M:64512 1G:1047552 3G:3144704; do
		echo "-m ${m%:*}"
		vmm -m "${m%:*}" "$GUESTS/mbelf.elf"
		assert_status $MBELF_STATUS_OK
		want=${m#*:}
		[ "$(line mem_upper)" = "mem_upper $want" ] || { show; false; }
		[ "$(line mem_lower)" = "mem_lower 639" ] || { show; false; }
		[ "$(line 'mmap 0000000000100000')" = \
		  "$(printf 'mmap 0000000000100000 %016x 1' $((want * 1024)))" ] || { show; false; }
		[ "$(line mmap | wc -l)" -eq 3 ] || { show; false; }
	done
}

@test "mbelf: -m 4G: mem_upper stops at the 3 GiB hole, the map goes on above 4 GiB" {
	vmm -m 4G "$GUESTS/mbelf.elf"
	assert_status $MBELF_STATUS_OK
	[ "$(line mem_upper)" = "mem_upper 3144704" ] || { show; false; }
	line mmap >"$T/map"
	printf '%s\n' "mmap 0000000000000000 000000000009fc00 1" \
		"mmap 000000000009fc00 0000000000060400 2" \
		"mmap 0000000000100000 00000000bff00000 1" \
		"mmap 0000000100000000 0000000040000000 1" | diff - "$T/map"
}

@test "mbelf: the MP table and the ACPI MADT list every CPU (--smp)" {
	local n
	for n in 1 2 4; do
		vmm --smp "$n" "$GUESTS/mbelf.elf"
		assert_status $MBELF_STATUS_OK
		[ "$(line mptable)" = "mptable cpus $n" ] || { show; false; }
		[ "$(line madt)" = "madt cpus $n" ] || { show; false; }
	done
}

@test "mbelf: optional header flags (bits 16-31 but the kludge) are ignored" {
	local k
	k=$(copy mbelf.elf)
	put_header "$k" "$(header_at "$k")" 0x80020003
	vmm "$k"
	assert_status $MBELF_STATUS_OK
	mb_lines "$k"
	assert_stdout_file "$T/want"
}

@test "mbelf: a video mode request (flag 2) gets a warning and the kernel runs" {
	local k
	k=$(copy mbelf.elf)
	put_header "$k" "$(header_at "$k")" 0x7
	vmm "$k"
	assert_status $MBELF_STATUS_OK
	mb_lines "$k"
	assert_stdout_file "$T/want"
	[ "$(wc -l <"$ERR")" -eq 1 ] || { show; false; }
	assert_stderr_has "vmm: $k" "video mode"
}

@test "mbelf: the header is found anywhere aligned in the first 8 KiB" {
	local k h
	k=$(copy mbelf.elf)
	h=$(header_at "$k")
	move_header "$k" $((h + 4))
	vmm "$k"
	assert_status $MBELF_STATUS_OK
	# The last place it fits whole: 8180..8191.
	k=$(copy mbelf.elf)
	truncate -s 9000 "$k"
	move_header "$k" 8180
	vmm "$k"
	assert_status $MBELF_STATUS_OK
	[ "$(line ok)" = ok ] || { show; false; }
}

# --- the a.out kludge ------------------------------------------------------

@test "mbaout: a flat kernel with the a.out kludge, modules and --append" {
	printf 'module text' >"$T/m"
	vmm --append "a.out" --module "$T/m x" "$GUESTS/mbaout.bin"
	assert_status $MBELF_STATUS_OK
	mb_lines "$GUESTS/mbaout.bin a.out" "mod 0 '$T/m x' len 11 data 'module text'"
	assert_stdout_file "$T/want"
	assert_stderr_empty
}

@test "mbaout: bytes past load_end_addr are not loaded; the .bss is zeroed" {
	local k h
	# mbaout.bin ends with 1 KiB of 0xff where its .bss lies: with
	# load_end_addr moved to bss_end_addr they are loaded, and the guest
	# sees them (its check that it passes above is not vacuous).
	k=$(copy mbaout.bin)
	h=$(header_at "$k")
	put32 "$k" $((h + 20)) "$(get32 "$k" $((h + 24)))"
	vmm "$k"
	assert_status $MBELF_STATUS_BSS
	[ "$(line ok)" = "" ] || { show; false; }
}

@test "mbaout: load_end_addr 0 loads the whole file" {
	local k h
	k=$(copy mbaout.bin)
	h=$(header_at "$k")
	put32 "$k" $((h + 20)) 0
	vmm "$k"
	assert_status $MBELF_STATUS_BSS # the 0xff bytes came along
}

@test "mbaout: the kludge works in an ELF64 file too (as QEMU)" {
	vmm "$GUESTS/mbaout.elf"
	assert_status $MBELF_STATUS_OK
	mb_lines "$GUESTS/mbaout.elf"
	assert_stdout_file "$T/want"
}

@test "mbaout: --mode runs a multiboot image as flat code (no magic in EAX)" {
	vmm --mode protected "$GUESTS/mbaout.bin"
	assert_status 3 # debug exit 1: not the multiboot magic
	refute_grep -q 2badb002 "$OUT"
	grep -q '^magic ' "$OUT" || { show; false; }
}

# --- refused kernels -------------------------------------------------------

@test "a bad checksum: no multiboot header, so the ELF32 file is refused as ELF" {
	local k h
	k=$(copy mbelf.elf)
	h=$(header_at "$k")
	put32 "$k" $((h + 8)) $(($(get32 "$k" $((h + 8))) + 1))
	vmm "$k"
	assert_error 4 "$k" "ELF file"
}

@test "a header past the first 8 KiB is not found" {
	local k at
	for at in 8192 8196; do
		k=$(copy mbelf.elf)
		truncate -s 9000 "$k"
		move_header "$k" $at
		vmm "$k"
		assert_error 4 "$k" "ELF file"
	done
}

@test "a header that does not fit whole in the first 8 KiB is not found" {
	local k at
	# Multiboot 0.6.96 section 3.1.1: the header "must be contained
	# completely within the first 8192 bytes" (GRUB searches up to 8180).
	for at in 8184 8188; do
		k=$(copy mbelf.elf)
		truncate -s 9000 "$k"
		move_header "$k" $at
		vmm "$k"
		assert_error 4 "$k" "ELF file"
	done
}

@test "a misaligned header is not found" {
	local k h
	k=$(copy mbelf.elf)
	h=$(header_at "$k")
	move_header "$k" $((h + 2))
	vmm "$k"
	assert_error 4 "$k" "ELF file"
}

@test "an ELF64 kernel without the kludge is refused, saying why" {
	local k
	k=$(copy mbaout.elf)
	put_header "$k" "$(header_at "$k")" 0x3
	vmm "$k"
	assert_error 4 "$k" "ELF64"
}

@test "a.out kludge fields that make no sense are refused, naming the field" {
	local k h load size
	size=$(stat -c %s "$GUESTS/mbaout.bin")
	h=$(header_at "$GUESTS/mbaout.bin")
	load=$(get32 "$GUESTS/mbaout.bin" $((h + 16)))
	# field offset (in the header), value, what the message names
	local cases=("12 $((load - 4)) header_addr"
		     "20 $((load + size + 4096)) past the end of the file"
		     "20 $((load - 16)) load_end_addr"
		     "24 $((load + 16)) bss_end_addr"
		     "28 0x7ffff000 entry point")
	local c f v what
	for c in "${cases[@]}"; do
		read -r f v what <<<"$c"
		echo "field +$f = $v"
		k=$(copy mbaout.bin)
		put32 "$k" $((h + f)) "$v"
		vmm "$k"
		assert_error 4 "$k" "$what"
	done
}

@test "an a.out kludge header cut short by the end of the file is refused" {
	local h
	h=$(header_at "$GUESTS/mbaout.bin")
	head -c $((h + 20)) "$GUESTS/mbaout.bin" >"$T/short.bin"
	vmm "$T/short.bin"
	assert_error 4 "$T/short.bin" "truncated"
}

@test "unknown required header flags (bits 3-15) are refused" {
	local k f
	for f in 0x8 0x8000 0xfff8; do
		k=$(copy mbelf.elf)
		put_header "$k" "$(header_at "$k")" $((f | 3))
		vmm "$k"
		assert_error 4 "$k" "flags $f"
	done
}

@test "a kernel segment outside guest RAM is refused" {
	local k ph
	vmm -m 1M "$GUESTS/mbelf.elf"
	assert_error 4 "$GUESTS/mbelf.elf" "0x100000" "outside guest RAM"
	# The same kernel with its code at 2 MiB (p_paddr), in 2 MiB of RAM.
	k=$(copy mbelf.elf)
	ph=$(get32 "$k" 28)
	put32 "$k" $((ph + 12)) 0x200000
	vmm -m 2M "$k"
	assert_error 4 "$k" "0x200000" "outside guest RAM"
}

@test "a module larger than guest RAM is refused, naming it" {
	head -c $((3 << 20)) /dev/zero >"$T/huge"
	vmm -m 2M --module "$T/huge args" "$GUESTS/mbelf.elf"
	assert_error 4 "$T/huge" "larger than guest RAM"
}

@test "a module that does not fit above the kernel is refused, naming it" {
	head -c $((1536 << 10)) /dev/zero >"$T/big"
	vmm -m 2M --initrd "$T/big args" "$GUESTS/mbelf.elf"
	assert_error 4 "$T/big args" "does not fit"
}

@test "a missing module file is refused, naming it" {
	vmm --initrd "$T/nothere x" "$GUESTS/mbelf.elf"
	assert_error 4 "$T/nothere" "No such file"
}

@test "a module without a file name is a usage error" {
	vmm --module "" "$GUESTS/mbelf.elf"
	assert_error 2 "module"
	vmm --module " args" "$GUESTS/mbelf.elf"
	assert_error 2 "module"
}

@test "33 modules are a usage error, however given" {
	local i list=""
	printf 'm' >"$T/m"
	for i in $(seq 0 32); do list+="${list:+,}$T/m"; done
	vmm --initrd "$list" "$GUESTS/mbelf.elf"
	assert_error 2 "more than 32"
	local args=()
	for i in $(seq 0 32); do args+=(--module "$T/m"); done
	vmm "${args[@]}" "$GUESTS/mbelf.elf"
	assert_error 2 "more than 32"
	list=""
	for i in $(seq 0 29); do list+="${list:+,}$T/m"; done
	vmm --initrd "$list" "${args[@]:0:6}" "$GUESTS/mbelf.elf"
	assert_error 2 "more than 32"
}

@test "--boot32 with a multiboot kernel is a usage error" {
	vmm --boot32 "$GUESTS/mbelf.elf"
	assert_error 2 "$GUESTS/mbelf.elf" "--boot32"
}

@test "--module with a flat binary is a usage error" {
	printf 'm' >"$T/m"
	vmm --module "$T/m" "$GUESTS/hello64.bin"
	assert_error 2 "--module"
}

@test "--module with a Linux bzImage is a usage error, not ignored" {
	python3 "$BATS_TEST_DIRNAME/fakelinux.py" build "$T/bzImage"
	printf 'm' >"$T/m"
	vmm --module "$T/m" "$T/bzImage"
	assert_error 2 "$T/bzImage" "--module is for multiboot kernels"
}

@test "a command line too long for the loader is refused" {
	vmm --append "$(head -c 5000 /dev/zero | tr '\0' x)" "$GUESTS/mbelf.elf"
	assert_error 4 "$GUESTS/mbelf.elf" "command line"
}

# --- the same kernels under QEMU -------------------------------------------

# qemu_mb KERNEL ARGS...: run KERNEL under QEMU (its multiboot loader) with
# the debug exit device; status in $qstatus, output in $T/qemu.out.
qemu_mb() {
	local k=$1
	shift
	qstatus=0
	timeout -s KILL 120 qemu-system-x86_64 -kernel "$k" "$@" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -nographic -no-reboot \
		-M pc -accel kvm -m 128M -smp 1 </dev/null >"$T/qemu.out" 2>"$T/qemu.err" ||
		qstatus=$?
}

# same_lines: the address-independent lines of vmm's and QEMU's runs.
same_lines() {
	local re="^(magic|mem_lower|cmdline|mods|mod |mptable|madt|ok)"
	tr -d '\r' <"$OUT" | grep -E "$re" >"$T/vmm.lines" || true
	tr -d '\r' <"$T/qemu.out" | grep -aoE "(magic|mem_lower|cmdline|mods|mod |mptable|madt|ok).*" |
		grep -E "$re" >"$T/qemu.lines" || true
	diff "$T/qemu.lines" "$T/vmm.lines"
}

@test "QEMU runs the same kernels with the same result" {
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
	local k
	printf 'first module\n' >"$T/m1"
	printf 'second' >"$T/m2"
	for k in mbelf.elf mbaout.bin; do
		echo "kernel $k"
		qemu_mb "$GUESTS/$k" -append "a=1 b" -initrd "$T/m1 x y,$T/m2"
		if ! grep -q '^magic ' <(tr -d '\r' <"$T/qemu.out" | sed 's/.*magic /magic /'); then
			skip "QEMU did not start the kernel (status $qstatus): $(head -c 300 "$T/qemu.err")"
		fi
		vmm --append "a=1 b" --initrd "$T/m1 x y,$T/m2" "$GUESTS/$k"
		[ "$status" -eq "$qstatus" ] || { echo "QEMU status $qstatus"; cat -v "$T/qemu.out"; show; false; }
		assert_status $MBELF_STATUS_OK
		same_lines
		[ "$(wc -l <"$T/vmm.lines")" -eq 9 ] || { show; false; }
	done
}
