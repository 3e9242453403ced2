#!/usr/bin/env bash
# How often does a harness run stall, and where? (issue 12.) Runs one arm N
# times, one harness at a time under nice, and appends one line per run to a
# TSV file; tests/linux/stall.md tabulates the file.
#
#   tests/linux/stall-runs.sh ARM N [RESULTS.tsv]
#   tests/linux/stall-runs.sh --table [RESULTS.tsv]    (the rates per arm)
#
# ARM is VMM-KERNEL-CPUS[+VARIANT...]:
#   VMM      vmm (./vmm-static of this tree) or qemu (this machine's QEMU,
#            -enable-kvm, inside the same outer VM: the control arm)
#   KERNEL   tiny (bzImage-tiny) or deb (Debian's stock kernel, -m 512M)
#   CPUS     inner vCPUs: 1 or 2
#   VARIANT  idlepoll   outer kernel with idle=poll
#            innerpoll  inner kernel with idle=poll
#            osmp2      outer VM with -smp 2
#            single     outer QEMU with -accel tcg,thread=single
#            rome       outer CPU EPYC-Rome,+svm
#            opteron    outer CPU Opteron_G5,+svm
#            pin        all of the outer QEMU's threads on one host CPU
#                       (taskset; run i on CPU i mod nproc)
#            kick       the watcher sends the outer VM a byte every second
# e.g. vmm-tiny-1, qemu-deb-2+osmp2. Each run ends as one of: ok (the
# expected status), status-N, outer-vm-froze, inner-silent, harness-N.
# The logs of every run that is not ok are kept in
# $VMM_CACHE/stall-runs/ARM-DATE/. STALL_COMMIT names the vmm sources when
# the scripts run from a copy (a long series, while the tree is edited).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
if [ "${1:-}" = --table ]; then   # --table [RESULTS.tsv]: the rates per arm, markdown
    exec python3 - "${2:-$LINUX_TESTS_DIR/stall-runs.tsv}" <<'PY'
import csv, math, sys
arms = {}
for row in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    arms.setdefault(row["arm"], []).append(row["outcome"])
def wilson(k, n, z=1.96):  # 95 % interval of a proportion
    p, d = k / n, 1 + z * z / n
    c, h = (p + z * z / (2 * n)) / d, z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0, c - h), min(1, c + h)
print("| arm | runs | ok | outer-vm-froze | inner-silent | other | froze (95 % interval) |")
print("|---|---|---|---|---|---|---|")
for arm, out in arms.items():
    n, k = len(out), out.count("outer-vm-froze")
    lo, hi = wilson(k, n)
    other = n - k - out.count("ok") - out.count("inner-silent")
    print(f"| {arm} | {n} | {out.count('ok')} | {k} | {out.count('inner-silent')} | {other} "
          f"| {100 * k / n:.0f} % ({100 * lo:.0f}-{100 * hi:.0f} %) |")
PY
fi
# shellcheck disable=SC2016  # a sed address, not an expansion
[ $# -ge 2 ] || { sed -n '/^#   tests/,/^# \$VMM_CACHE/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
ARM=$1 N=$2 RESULTS=${3:-$LINUX_TESTS_DIR/stall-runs.tsv}
ROOT=$(cd "$LINUX_TESTS_DIR/../.." && pwd)
C=$VMM_CACHE

IFS=+ read -r base variants <<<"$ARM"
IFS=- read -r vmm kernel cpus <<<"$base"
append="console=ttyS0 reboot=k panic=-1 noxsave"
outer=() files=(--file "$C/initramfs.cpio.gz:/work/initrd") pin=
for v in ${variants//+/ }; do
    case $v in
        idlepoll)  outer+=(--outer-append idle=poll) ;;
        innerpoll) append+=" idle=poll" ;;
        osmp2)     outer+=(--outer-smp 2) ;;
        single)    outer+=(--outer-accel 'tcg,thread=single') ;;
        rome)      outer+=(--outer-cpu 'EPYC-Rome,+svm') ;;
        opteron)   outer+=(--outer-cpu 'Opteron_G5,+svm') ;;
        pin)       pin=1 ;;
        kick)      outer+=(--kick 1) ;;
        *) die "unknown variant $v" ;;
    esac
done
case $cpus in 1|2) ;; *) die "CPUS is 1 or 2, not '$cpus'" ;; esac
case $kernel in
    tiny) files+=(--file "$C/bzImage-tiny:/work/kernel"); mem=128M ;;
    deb)  files+=(--file "$C/vmlinuz-debian:/work/kernel"); mem=512M ;;
    *) die "KERNEL is tiny or deb, not '$kernel'" ;;
esac
# The tests' commands: vmm powers off through ACPI (Debian) or halts
# (tiny: poweroff -f is a halt, vmm ends on all vCPUs halted); QEMU's
# microvm has no ACPI here, so the tiny kernel reboots (reboot=t: a triple
# fault, which -no-reboot ends).
case $vmm in
    vmm)  files+=(--file "$ROOT/vmm-static:/work/vmm")
          cmd="./vmm -m $mem --smp $cpus --kernel kernel --initrd initrd --append '$append'"
          expect=0 ;;
    qemu) outer+=(--qemu-inside)
          if [ "$kernel" = tiny ]; then
              machine="-M microvm" append="${append/reboot=k/reboot=t} vmm.end=reboot"
          else
              machine="-M pc"
          fi
          cmd="qemu-system-x86_64 -enable-kvm $machine -cpu host -m $mem -smp $cpus -nodefaults \
-display none -serial stdio -no-reboot -kernel kernel -initrd initrd -append '$append'"
          expect=0 ;;
    *) die "VMM is vmm or qemu, not '$vmm'" ;;
esac
[ "$vmm" = qemu ] || [ -x "$ROOT/vmm-static" ] || die "no $ROOT/vmm-static: make vmm-static"

[ -f "$RESULTS" ] || printf 'date\tarm\toutcome\tseconds\tinner_last_line\tdetail\tvmm_commit\tmax_gap\touter_timer_irqs_per_s\n' >"$RESULTS"
# The vmm sources the runs used (vmm-static must be built from them).
commit=${STALL_COMMIT:-$(git -C "$ROOT" log -1 --format=%h -- vm devices boot host lib vmm.c)}
for ((i = 1; i <= N; i++)); do
    stamp=$(date -u +%Y-%m-%dT%H:%M:%S)
    keep="$C/stall-runs/$ARM-$stamp"
    out=$(mktemp) err=$(mktemp)
    t0=$EPOCHREALTIME rc=0
    host=(); [ -z "$pin" ] || host=(--outer-host-cpus $((i % $(nproc))))
    nice -n 10 "$LINUX_TESTS_DIR/tcg-harness.sh" --timeout 600 --keep "$keep" "${outer[@]}" "${host[@]}" \
        "${files[@]}" -- "$cmd" >"$out" 2>"$err" || rc=$?
    secs=$(printf '%.0f' "$(echo "$EPOCHREALTIME - $t0" | bc)")
    verdict=$(sed -n 's/^HARNESS-VERDICT: //p' "$out" | tail -n1)
    if [ -n "$verdict" ]; then outcome=$verdict
    elif [ "$rc" -eq "$expect" ]; then outcome=ok
    elif [ "$rc" -eq 125 ]; then outcome=harness-125
    else outcome=status-$rc; fi
    # The inner kernel's last line before the end (or the stall).
    last=$(grep -v '^HARNESS-' "$out" | grep -v '^\[ *[0-9.]*\] reboot:' | tail -n1 | tr -d '\r' | tr '\t' ' ' | cut -c1-100)
    detail=$(grep -m1 '^  sample 0:' "$err" | sed 's/^  sample 0: //' | tr '\t' ' ' | cut -c1-160 || true)
    gap=$(sed -n 's/.*longest gap \([0-9.]*\) s.*/\1/p' "$err" | tail -n1)
    locs=$(sed -n 's/.* \([0-9]*\) timer interrupts\/s$/\1/p' "$err" | tail -n1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stamp" "$ARM" "$outcome" "$secs" "$last" \
        "$detail" "$commit" "${gap:-}" "${locs:-}" >>"$RESULTS"
    log "$ARM run $i/$N: $outcome (${secs}s) last: $last"
    if [ "$outcome" = ok ]; then rm -rf "$keep"; else mkdir -p "$keep"; cp "$out" "$keep/stdout"; cp "$err" "$keep/stderr"; fi
    rm -f "$out" "$err"
done
