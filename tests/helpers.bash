# Shared by tests/*.bats. Every test runs the VMM as "$VMM" (make check points
# it at the sanitizer build) and its guests from "$GUESTS".
VMM=${VMM:-$BATS_TEST_DIRNAME/../vmm}
GUESTS=${GUESTS:-$BATS_TEST_DIRNAME/../build/guests}
# Upper bound for one vmm run: every guest here finishes in well under 1 s.
VMM_LIMIT=${VMM_LIMIT:-30}

setup() {
	[ -x "$VMM" ] || { echo "no $VMM: run make first"; return 1; }
	[ -f "$GUESTS/hello64.bin" ] || { echo "no guests in $GUESTS: run make first"; return 1; }
	T=$BATS_TEST_TMPDIR
	OUT=$T/stdout
	ERR=$T/stderr
	IN=/dev/null
}

# vmm ARGS...: run the VMM with stdin from $IN, stdout to $OUT, stderr to
# $ERR; its exit status goes to $status. A hang is killed with SIGKILL and
# shows as status 137, a status vmm itself never uses (timeout(1)'s own 124
# would be mistaken for vmm's --timeout).
vmm() {
	status=0
	timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" "$@" <"$IN" >"$OUT" 2>"$ERR" ||
		status=$?
}

# vmm_bg ARGS...: start the VMM in the background; VMM_PID is vmm itself (not a
# wrapper), so signals sent to it reach it. vmm_reap collects the status.
vmm_bg() {
	rm -f "$T/bg.status" "$T/bg.pid"
	( "$VMM" "$@" <"$IN" >"$OUT" 2>"$ERR" & echo $! >"$T/bg.pid"
	  st=0; wait $! || st=$?; echo $st >"$T/bg.status" ) 3>&- &
	wait_until test -s "$T/bg.pid"
	VMM_PID=$(cat "$T/bg.pid")
}

# vmm_reap: wait (bounded) for the background VMM to end; sets $status.
vmm_reap() {
	if ! wait_until test -s "$T/bg.status"; then
		kill -KILL "$VMM_PID" 2>/dev/null || true
		wait_until test -s "$T/bg.status" || true
		echo "vmm (pid $VMM_PID) did not end within ${VMM_LIMIT}s"
		return 1
	fi
	status=$(cat "$T/bg.status")
}

# wait_until CMD...: poll CMD until it succeeds, for at most $VMM_LIMIT s.
# Only CMD runs again each time: a "$(...)" among its words is expanded once,
# before the first try, so poll one with eval '[ "$(...)" ... ]'.
wait_until() {
	local i
	for ((i = 0; i < VMM_LIMIT * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

show() {
	echo "status: $status"
	echo "--- stdout:"; head -c 2000 "$OUT" | cat -A | head -40
	echo "--- stderr:"; head -c 4000 "$ERR" | cat -v | head -40
}

assert_status() {
	[ "$status" -eq "$1" ] && return 0
	echo "expected status $1"; show; return 1
}

# assert_stdout BYTES: stdout is exactly BYTES.
assert_stdout() {
	cmp -s "$OUT" <(printf '%s' "$1") && return 0
	echo "expected stdout: $(printf '%s' "$1" | cat -A)"; show; return 1
}

# assert_stdout_file FILE: stdout is byte for byte FILE.
assert_stdout_file() {
	cmp "$OUT" "$1" && return 0
	echo "stdout differs from $1"; diff <(cat -A "$1") <(cat -A "$OUT") | head -20
	show; return 1
}

assert_stderr_empty() {
	[ ! -s "$ERR" ] && return 0
	echo "expected no stderr"; show; return 1
}

# assert_stderr_has TEXT...: each TEXT (fixed string) appears on stderr.
assert_stderr_has() {
	local s
	for s; do
		grep -qF -- "$s" "$ERR" || { echo "stderr lacks '$s'"; show; return 1; }
	done
}

# assert_error STATUS TEXT...: the run failed with STATUS, wrote nothing to
# stdout and exactly one line "vmm: ..." to stderr, containing each TEXT.
assert_error() {
	local want=$1
	shift
	assert_status "$want" || return 1
	if [ "$(wc -l <"$ERR")" -ne 1 ] || ! grep -q '^vmm: ' "$ERR"; then
		echo "expected exactly one line 'vmm: ...' on stderr"; show; return 1
	fi
	if grep -q '[[:cntrl:]]' <(tr -d '\n' <"$ERR"); then
		echo "control characters in the message"; show; return 1
	fi
	[ ! -s "$OUT" ] || { echo "expected no stdout"; show; return 1; }
	assert_stderr_has "$@"
}

# stats_row SECTION KEY: the count on row KEY under the --stats heading that
# starts with SECTION (e.g. "port I/O exits by port" 0x3f8); empty if none.
stats_row() {
	awk -v sec="$1" -v key="$2" '
		/^  [^ ]/ { in_sec = index($0, "  " sec) == 1 }
		in_sec && $1 == key { print $2; exit }' "$ERR"
}

# ioctls_seen FILE: KVM_* ioctl names in an strace log, one per line, sorted.
ioctls_seen() {
	grep -oE 'ioctl\([0-9]+, KVM_[A-Z0-9_]+' "$1" | sed 's/.*, //' | sort -u
}

need_strace() {
	command -v strace >/dev/null || skip "strace is not installed"
	strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
	# LeakSanitizer (make check) refuses to run under ptrace.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
}

# refute_grep GREP-ARGS...: fails when grep finds a match (a bare "! grep"
# does not fail a bats test unless it is the last command).
refute_grep() {
	if grep "$@"; then
		echo "unexpected match: grep $*"; return 1
	fi
	return 0
}

teardown() {
	# A background vmm left by a failed test.
	if [ -n "${VMM_PID:-}" ] && [ ! -s "$T/bg.status" ]; then
		kill -KILL "$VMM_PID" 2>/dev/null || true
	fi
}
