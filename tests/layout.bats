#!/usr/bin/env bats
# The house rules that keep the tree readable (README "Layout"): checked on
# the sources, so a change that breaks one fails here.

ROOT=$BATS_TEST_DIRNAME/..

# The layers, bottom up: a file may include its own layer or a lower one.
LAYERS=(lib vm devices boot host)

@test "layout: the root holds vmm.c, the build and docs files, and folders" {
	local extra
	extra=$(cd "$ROOT" && git ls-files | grep -v / |
		grep -vxE 'vmm\.c|Makefile|README\.md|\.gitignore|\.clang-format' || true)
	[ -z "$extra" ] || { echo "files at the root: $extra"; return 1; }
}

@test "layout: every include is a path from the root, none climbs with ../" {
	run grep -rn --include='*.[chS]' '#include "\.\./' "$ROOT"
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
}

@test "layout: no layer includes a higher one" {
	local bad="" i j f inc
	for ((i = 0; i < ${#LAYERS[@]}; i++)); do
		for f in "$ROOT/${LAYERS[i]}"/*.[ch]; do
			for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f"); do
				for ((j = i + 1; j < ${#LAYERS[@]}; j++)); do
					[ "$inc" != "${LAYERS[j]}" ] || bad+="${f#"$ROOT"/} includes $inc/"$'\n'
				done
			done
		done
	done
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

@test "layout: each machine-map constant is defined once (lib/machine.h)" {
	local name dup=""
	for name in $(sed -n 's/^#define \([A-Z0-9_]*\) .*/\1/p' "$ROOT/lib/machine.h"); do
		[ "$name" != U64 ] || continue
		if grep -rqE --include='*.[chS]' "^#define[[:space:]]+$name\b" \
			"$ROOT"/{vm,devices,boot,host,guests,bench,fuzz,tests} "$ROOT/vmm.c"; then
			dup+="$name "
		fi
	done
	[ -z "$dup" ] || { echo "defined again outside lib/machine.h: $dup"; return 1; }
}

@test "layout: the sources are formatted (make check-format)" {
	command -v clang-format >/dev/null || skip "clang-format is not installed"
	run make -s -C "$ROOT" check-format
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}
