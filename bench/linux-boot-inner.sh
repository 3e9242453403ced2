#!/bin/sh
# bench/linux-boot-inner.sh - runs inside the TCG harness's outer VM for
# bench/linux-boot.sh (busybox sh): sh linux-boot-inner.sh REPS TIMEOUT QEMU(0|1) [NC(0|1)]
# NC=1 adds a third arm, vmm --no-coalesce ("vmmnc").
REPS=$1 T=$2 HAVE_QEMU=$3 NC=${4:-0}
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
VMM_APPEND="console=ttyS0 reboot=k panic=-1 noxsave"
QEMU_APPEND="console=ttyS0 reboot=t panic=-1 noxsave"
cd /work

# boot NAME REP LOG COMMAND...: one boot from just before the fork to the
# line holding VMM-INIT-OK (/proc/uptime, 10 ms), then SIGKILL to the VMM.
boot() {
    name=$1 rep=$2 log=$3
    shift 3
    : >"$log"
    read t0 _ </proc/uptime
    # The VMM's pid in /work/pid: busybox timeout execs the program itself.
    sh -c 'echo $$ >/work/pid; t=$1; shift; exec timeout -s KILL "$t" "$@" </dev/null 2>&1' \
        sh "$T" "$@" | {
        t1=none
        while IFS= read -r l; do
            printf '%s\n' "$l" >>"$log"
            case $l in *VMM-INIT-OK*)
                read t1 _ </proc/uptime
                kill -9 "$(cat /work/pid)" 2>/dev/null
                break ;;
            esac
        done
        echo "BENCH-BOOT: $name $rep $t0 $t1"
    }
}
run_vmm() {
    boot vmm "$@" ./vmm -m 128M --kernel kernel --initrd initrd --append "$VMM_APPEND"
}
run_vmmnc() {
    boot vmmnc "$@" ./vmm --no-coalesce -m 128M --kernel kernel --initrd initrd --append "$VMM_APPEND"
}
run_qemu() {
    # shellcheck disable=SC2086  # QCPU: zero or two words
    boot qemu "$@" /work/qemu/qemu-system-x86_64 -L /work/qemu/share -M microvm -enable-kvm \
        $QCPU -m 128 -nodefaults -no-user-config -display none -serial stdio \
        -kernel kernel -initrd initrd -append "$QEMU_APPEND"
}

run_vmm warmup /work/vmm-warmup.log
grep -q VMM-INIT-OK /work/vmm-warmup.log ||
    { echo "BENCH-FAIL: vmm warm-up boot reached no marker:"; tail -n 20 /work/vmm-warmup.log; }
QOK=
if [ "$HAVE_QEMU" = 1 ]; then
    for QCPU in "-cpu host" ""; do
        run_qemu warmup /work/qemu-warmup.log
        if grep -q VMM-INIT-OK /work/qemu-warmup.log; then QOK=1; break; fi
        echo "BENCH-QEMU-TRY: '$QCPU' reached no marker:"; tail -n 15 /work/qemu-warmup.log
    done
fi
if [ -n "$QOK" ]; then echo "BENCH-QEMU-CPU: ${QCPU:-default}"; else echo "BENCH-QEMU-CPU: none"; fi
arms="vmm"
[ -z "$QOK" ] || arms="$arms qemu"
[ "$NC" != 1 ] || arms="$arms vmmnc"
rev=
for a in $arms; do rev="$a $rev"; done
i=1
while [ "$i" -le "$REPS" ]; do
    order=$arms
    [ $((i % 2)) = 1 ] || order=$rev
    for a in $order; do "run_$a" "$i" /work/boot.log; done
    i=$((i + 1))
done
