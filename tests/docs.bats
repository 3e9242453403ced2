#!/usr/bin/env bats
# docs/ kept true (docs/CONTRIBUTING.md): every ```console block of every
# page runs and prints what the page shows, figures agree with
# bench/results.md, code references exist, each exercise's solution
# builds and does what its page says. Then the checker itself: a page
# that lies must fail.

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
DOCS_PY=$ROOT/tests/docs.py
FIGURE=$ROOT/bench/figure.py

setup() {
	T=$BATS_TEST_TMPDIR
}

# page NAME: run docs/NAME's blocks. The pages show ./vmm; make check's
# sanitizer build (VMM=...) is left to the other suites.
page() {
	if [ -n "${VMM:-}" ] && [ "$(realpath "$VMM")" != "$ROOT/vmm" ]; then
		skip "the pages run ./vmm, not VMM=$VMM"
	fi
	if [ ! -x "$ROOT/vmm" ] || [ ! -f "$ROOT/build/guests/zeropage64.bin" ]; then
		echo "no vmm or guests: run make first"
		return 1
	fi
	run "$DOCS_PY" check "$ROOT/docs/$1"
	echo "$output"
	[ "$status" -ne 3 ] || skip "$(grep 'skipped' <<<"$output" | head -3)"
	[ "$status" -eq 0 ]
}

# --- the pages -------------------------------------------------------------

@test "docs: the static rules hold on every page (tests/docs.py lint)" {
	run "$DOCS_PY" lint
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "docs: every page has its test in this file" {
	local f missing=""
	for f in "$ROOT"/docs/*.md; do
		grep -q "^	page $(basename "$f")\$" "$BATS_TEST_FILENAME" || missing+=" $(basename "$f")"
	done
	[ -z "$missing" ] || { echo "no test for:$missing"; return 1; }
}

@test "docs/README.md: the tour" {
	page README.md
}

@test "docs/kvm-run.md: kvm_run and sync_regs" {
	page kvm-run.md
}

@test "docs/coalesced.md: coalesced MMIO and PIO" {
	page coalesced.md
}

@test "docs/vcpus.md: per-vCPU file descriptors" {
	page vcpus.md
}

@test "docs/exits.md: exits" {
	page exits.md
}

@test "docs/linux.md: booting Linux" {
	page linux.md
}

@test "docs/one-reg.md: KVM_GET/SET_ONE_REG" {
	page one-reg.md
}

@test "docs/debugging.md: debugging a guest" {
	page debugging.md
}

@test "docs/CONTRIBUTING.md: the conventions' own examples" {
	page CONTRIBUTING.md
}

@test "README.md: Benchmarks and Framebuffer quote bench/results.md through bench/figure.py, type no figure in" {
	run "$DOCS_PY" check "$ROOT/README.md"
	echo "$output"
	[ "$status" -eq 0 ]
	sed -n '/^## Benchmarks$/,/^## [^B]/p' "$ROOT/README.md" >"$T/bench.md"
	grep -q '^\$ bench/figure.py ' "$T/bench.md" || { echo "no figure block in Benchmarks"; return 1; }
	sed -n '/^## Framebuffer$/,/^## [^F]/p' "$ROOT/README.md" >"$T/fb.md"
	grep -q '^\$ bench/figure.py ' "$T/fb.md" || { echo "no figure block in Framebuffer"; return 1; }
	run "$DOCS_PY" prose "$T/bench.md" "$T/fb.md"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "bench/figure.py reads every row of bench/results.md" {
	local rows
	rows=$("$FIGURE" --rows | cut -d. -f1)
	[ -n "$rows" ]
	# shellcheck disable=SC2086  # one argument per row
	run "$FIGURE" $rows
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^[0-9][0-9a-z]*\. ' <<<"$output")" -eq "$(wc -w <<<"$rows")" ]
	[[ "${lines[-1]}" == "measured by make bench on "* ]]
}

# --- the checker: pages that lie must fail ----------------------------------

# write_page NAME: stdin to $T/NAME.
write_page() {
	cat >"$T/$1"
}

@test "docs.py check: the page's output passes, other output fails with a diff" {
	write_page good.md <<'EOF'
```console
$ printf 'one\ntwo\n'
one
two
$ echo three >&2
three
```
EOF
	run "$DOCS_PY" check "$T/good.md"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	write_page bad.md <<'EOF'
```console
$ printf 'one\ntwo\n'
one
too
```
EOF
	run "$DOCS_PY" check "$T/bad.md"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -qx -- '  -too' <<<"$output"
	grep -qx -- '  +two' <<<"$output"
	grep -q 'bad.md:1: the block prints something else' <<<"$output"
}

@test "docs.py check: … matches text within a line (blanks around it too), or whole lines" {
	write_page any.md <<'EOF'
```console
$ printf 'a 12345 b\n     17 x\nl1\nl2\nl3\nend\n'
a … b
      … x
…
end
$ true
…
```
EOF
	run "$DOCS_PY" check "$T/any.md"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	write_page any2.md <<'EOF'
```console
$ printf 'a b c\n'
a … d
```
EOF
	run "$DOCS_PY" check "$T/any2.md"
	[ "$status" -eq 1 ]
}

@test "docs.py check: a failing command fails the block unless the next one shows \$?" {
	write_page fail.md <<'EOF'
```console
$ false
$ echo after
after
```
EOF
	run "$DOCS_PY" check "$T/fail.md"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q 'exit status 1, and the page does not show it' <<<"$output"
	write_page shown.md <<'EOF'
```console
$ (exit 3)
$ echo "status $?"
status 3
$ cd tests
$ basename "$PWD"
tests
```
EOF
	run "$DOCS_PY" check "$T/shown.md"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "docs.py check: docs-if skips a block whose condition fails, and says so" {
	write_page cond.md <<'EOF'
<!-- docs-if: false -->
```console
$ echo never run
something else
```

<!-- docs-if: true -->
```console
$ echo run
run
```
EOF
	run "$DOCS_PY" check "$T/cond.md"
	echo "$output"
	[ "$status" -eq 3 ]
	grep -q 'cond.md:2: skipped, docs-if failed: false' <<<"$output"
}

@test "docs.py lint: prompts outside console, figures in prose, line numbers, dead references and images" {
	mkdir "$T/d" "$T/d/exercises"
	write_page d/README.md <<'EOF'
# Tour
[page](page.md)
EOF
	write_page d/page.md <<'EOF'
# A page that breaks every rule

It is 1.56× faster and takes 7.2 µs, see `vm/run.c:42` and
[`no_such_function`](ROOTDIR/vm/run.c) in [gone](../../nowhere.c), and
`vm/nowhere.c`.

```sh
$ ./vmm hello
```

```console
no command first
```

![a figure make bench never drew](../bench/fig-none.svg)
EOF
	sed -i "s|ROOTDIR|$ROOT|" "$T/d/page.md"
	touch "$T/d/exercises/orphan.patch"
	write_page d/lonely.md <<'EOF'
# Not in the tour
```console
$ docs/exercises/try missing
```
EOF
	run "$DOCS_PY" lint "$T/d"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q "page.md:3: a measured figure in prose ('1.56×')" <<<"$output"
	grep -q 'page.md:3: a line number' <<<"$output"
	grep -q "page.md:4: no_such_function is not in $ROOT/vm/run.c" <<<"$output"
	grep -q 'page.md:4: link to ../../nowhere.c: no such file' <<<"$output"
	grep -q 'page.md:5: `vm/nowhere.c` does not exist' <<<"$output"
	grep -q "page.md:7: '\$ ' prompts only in \`\`\`console blocks" <<<"$output"
	grep -q 'page.md:11: a console block starts with' <<<"$output"
	grep -q 'page.md:15: link to ../bench/fig-none.svg: no such file' <<<"$output"
	grep -q 'the tour does not link lonely.md' <<<"$output"
	grep -q 'exercises/orphan.patch: no page runs' <<<"$output"
	grep -q 'try missing, but there is no missing.patch' <<<"$output"
	run "$DOCS_PY" prose "$T/d/page.md"
	[ "$status" -eq 1 ]
	grep -q "page.md:3: a measured figure in prose ('1.56×')" <<<"$output"
}

@test "bench/figure.py: a row with its machine; an unknown row or table fails" {
	cat >"$T/results.md" <<'EOF'
# vmm benchmark results

- CPU: Test CPU × 2
- Kernel: 6.1.0-test
- KVM hardware-assisted: yes (`grep` = 2)
- vmm: abc1234; QEMU: none
- Date: 2026-01-02T03:04:05+00:00

## Results

| # | What | A | B | Ratio (median) | Spread | Goal | Met | Notes |
|---|---|---|---|---|---|---|---|---|
| 9 | A thing, x ÷ y | x 1.00 µs | y 2.00 µs | 2.00× | IQR 1.90–2.10×, min–max 1.80–2.20×, n=5 | ≥ 1.5× | yes | |

## Notes

- Row 9: a note.
EOF
	run "$FIGURE" --results "$T/results.md" 9 --note "Row 9"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "9. A thing, x ÷ y" ]
	[ "${lines[1]}" = "   x 1.00 µs; y 2.00 µs" ]
	[ "${lines[2]}" = "   ratio 2.00× (IQR 1.90–2.10×, min–max 1.80–2.20×, n=5); goal ≥ 1.5×: yes" ]
	[ "${lines[3]}" = "Row 9: a note." ]
	[ "${lines[4]}" = "measured by make bench on 2026-01-02: Test CPU × 2, Linux 6.1.0-test, hardware-assisted KVM: yes, vmm abc1234" ]
	run "$FIGURE" --results "$T/results.md" 8
	[ "$status" -eq 1 ]
	grep -q 'no row 8' <<<"$output"
	sed -i 's/| Ratio (median) |/| Ratio |/' "$T/results.md"
	run "$FIGURE" --results "$T/results.md" 9
	[ "$status" -eq 1 ]
	grep -q 'no column Ratio (median)' <<<"$output"
}

@test "docs.py: a figure that disagrees with the results fails; 'figures' rewrites it" {
	cp "$ROOT/bench/results.md" "$T/results.md"
	write_page fig.md <<EOF
\`\`\`console
\$ bench/figure.py --results $T/results.md 3
3. Hypercall (port 0x500, add), --no-sync-regs ÷ default
   sync_regs 1.00 µs/call; GET/SET_REGS 9.00 µs/call
…
\`\`\`
EOF
	run "$DOCS_PY" check "$T/fig.md"
	[ "$status" -eq 1 ] || { echo "a wrong figure passed: $output"; return 1; }
	run "$DOCS_PY" figures "$T/fig.md"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run "$DOCS_PY" check "$T/fig.md"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	grep -q '^measured by make bench on ' "$T/fig.md"
}
