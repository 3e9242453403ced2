#!/usr/bin/env bash
# bench/trace-teardown.sh - where a process sleeps in the kernel while it
# creates and closes a VM: the evidence behind bench/results.md's "Closing
# a VM" (not run by make bench: it needs root and changes the machine's
# tracing state while it runs).
#
#   bench/trace-teardown.sh [RUNS] -- COMMAND...
#
# Runs COMMAND RUNS times (default 10) with the sched_switch event enabled
# for its process name and a stacktrace trigger on every switch away from
# it, then prints, per kernel call chain, in how many runs the process
# slept there and for how long (median and maximum). Example:
#   bench/trace-teardown.sh 12 -- build/bench/teardown --irqchip --pit --vcpu --reps 1
set -euo pipefail
RUNS=10
[ "${1:-}" = "--" ] || { RUNS=$1; shift; }
[ "${1:-}" = "--" ] || { sed -n '/^#   bench/p' "$0" >&2; exit 2; }
shift
T=/sys/kernel/tracing
[ -w "$T/trace" ] || mount -t tracefs nodev "$T" 2>/dev/null || { echo "no tracefs at $T" >&2; exit 1; }
comm=$(basename "$1" | cut -c1-15)
ev=$T/events/sched/sched_switch
cleanup() {
    echo 0 >"$ev/enable"
    echo "!stacktrace if prev_comm == \"$comm\"" >"$ev/trigger" 2>/dev/null || true
    echo 0 >"$ev/filter"
}
trap cleanup EXIT
echo >"$T/trace"
echo "prev_comm == \"$comm\" || next_comm == \"$comm\"" >"$ev/filter"
echo "stacktrace if prev_comm == \"$comm\"" >"$ev/trigger"
echo 1 >"$ev/enable"
for _ in $(seq "$RUNS"); do "$@" >/dev/null; done
cleanup
trap - EXIT
python3 - "$comm" "$T/trace" <<'PY'
import collections, re, statistics, sys
comm, path = sys.argv[1], sys.argv[2]
# Frames that say how a task sleeps, not why: skipped to name the caller.
SKIP = re.compile(r"(trace_event|__traceiter|__schedule|schedule$|schedule_timeout|"
                  r"schedule_preempt|wait_for_completion|__wait_for_common|do_syscall|entry_SYSCALL|"
                  r"x64_sys|__x64_sys|__fput|kvm_vm_ioctl|kvm_vm_release|task_work|syscall_exit|"
                  r"exit_to_user|do_exit|do_group_exit|__synchronize_srcu|synchronize_srcu|"
                  r"kvm_arch_vm_ioctl|__cond_resched|preempt_schedule|irqentry)")
out, per = {}, collections.defaultdict(lambda: collections.defaultdict(float))
cur = None
for line in open(path):
    m = re.search(r"\s(\d+\.\d+): sched_switch: prev_comm=(\S+) prev_pid=(\d+) .*"
                  r"prev_state=(\S+) ==> next_comm=(\S+) next_pid=(\d+)", line)
    if m:
        t = float(m.group(1))
        if m.group(5) == comm and m.group(6) in out:
            t0, state, frames = out.pop(m.group(6))
            chain = " < ".join([f for f in frames if not SKIP.match(f)][:4])
            per[m.group(6)][f"{state} {chain}"] += t - t0
        cur = m.group(3) if m.group(2) == comm else None
        if cur:
            out[cur] = (t, m.group(4), [])
    elif line.startswith(" => ") and cur in out:
        out[cur][2].append(line[4:].strip())
seen = collections.Counter(k for p in per.values() for k in p)
print(f"{len(per)} runs of {comm}; sleeps of 0.2 ms or more somewhere:")
for key, n in seen.most_common():
    ms = [per[p].get(key, 0.0) * 1e3 for p in per]
    if max(ms) >= 0.2:
        print(f"  in {n:2d}/{len(per)} runs: median {statistics.median(ms):6.2f} ms, "
              f"max {max(ms):6.2f} ms  {key}")
PY
