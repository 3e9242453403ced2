#!/usr/bin/env bats
# Malformed images: tests/corpus/gen.py makes them from the real guests, a
# minimal bzImage (tests/fakelinux.py) and, when it is cached, the small
# Linux kernel; each case says what vmm must answer. A refused image gets
# exactly one line "vmm: ..." naming the problem and its documented status;
# an image at the accepted edge of a limit runs. Under `make check` every
# case runs under ASan+UBSan, which would report a write outside guest RAM.

load helpers

setup_file() {
	CORPUS=$BATS_FILE_TMPDIR/corpus
	python3 "$BATS_TEST_DIRNAME/corpus/gen.py" "$CORPUS" "$BATS_TEST_DIRNAME/../build/guests" \
		"${VMM_CACHE:-$HOME/.cache/vmm}/bzImage-tiny" >"$BATS_FILE_TMPDIR/gen.log"
	sed 's/^/# /' "$BATS_FILE_TMPDIR/gen.log" >&3
	export CORPUS
}

# run_cases PREFIX: every case whose name starts with PREFIX; all of them
# run, and the failures are listed at the end.
run_cases() {
	local name want kind expected args n=0 failed=()
	local -a exp argv
	while IFS=$'\x1e' read -r name want kind expected args; do
		[[ $name == "$1"* ]] || continue
		n=$((n + 1))
		IFS=$'\x1f' read -r -a exp <<<"$expected"
		IFS=$'\x1f' read -r -a argv <<<"$args"
		vmm "${argv[@]}"
		if ! check_case "$want" "$kind" "${exp[@]}" >"$T/why" 2>&1; then
			failed+=("$name")
			echo "--- $name: vmm ${argv[*]:0:8}"
			head -c 3000 "$T/why"
		fi
	done <"$CORPUS/manifest"
	echo "$n cases, ${#failed[@]} failed: ${failed[*]}"
	[ "$n" -gt 0 ] && [ ${#failed[@]} -eq 0 ]
}

check_case() {
	local want=$1 kind=$2
	shift 2
	if [ "$kind" = error ]; then
		assert_error "$want" "$@"
		return
	fi
	assert_status "$want" || return 1
	refute_grep -q -e 'Sanitizer' -e 'runtime error' "$ERR" || { show; return 1; }
	local s
	for s; do
		grep -qF -- "$s" "$OUT" || { echo "stdout lacks '$s'"; show; return 1; }
	done
}

@test "the corpus has at least 30 cases over flat, multiboot and bzImage" {
	local total flat mb bz
	total=$(wc -l <"$CORPUS/manifest")
	flat=$(grep -c '^flat-' "$CORPUS/manifest")
	mb=$(grep -c '^mb-' "$CORPUS/manifest")
	bz=$(grep -c '^bz-' "$CORPUS/manifest")
	echo "total $total: flat $flat, multiboot $mb, bzImage $bz"
	[ "$total" -ge 30 ] && [ "$flat" -ge 10 ] && [ "$mb" -ge 10 ] && [ "$bz" -ge 10 ] &&
		[ "$(grep -c '^opt-' "$CORPUS/manifest")" -ge 10 ]
}

@test "corpus: flat images at and past RAM, the boot area and the first MiB" {
	run_cases flat-
}

@test "corpus: multiboot headers, ELF32 and a.out fields, command line and modules" {
	run_cases mb-
}

@test "corpus: bzImage header fields, truncations, command line and initrd (fakelinux)" {
	run_cases bz-fake-
}

@test "corpus: the same for the Linux kernel, when it is cached" {
	grep -q '^bz-linux-' "$CORPUS/manifest" ||
		skip "no ${VMM_CACHE:-$HOME/.cache/vmm}/bzImage-tiny (tests/linux/build-kernel.sh)"
	run_cases bz-linux-
}

# The classes a hostile user found (issue 12), each on its own.

@test "flat images: protected and long mode reach only 4 GiB; RAM in messages is its regions" {
	run_cases flat-4g-
}

@test "multiboot: nothing is loaded where vmm writes the ACPI and MP tables; the information hops over them" {
	run_cases mb-bios-area-
}

@test "multiboot: an a.out kludge kernel with an empty load range is refused" {
	run_cases mb-aout-empty-range
}

@test "multiboot: a non-ELF kernel whose header flags put 2 at EI_CLASS is not called ELF64" {
	run_cases mb-flags-2-not-elf
}

@test "the command line: -m in pages and decimal, limits named, empty names, ambiguity, repeats, QEMU's --initrd" {
	run_cases opt-
}

@test "bzImage: setup_data, hardware_subarch and other loader-written fields never come from the file" {
	run_cases bz-fake-loader-fields-
}
