#!/bin/sh
# bench/linux-exits-inner.sh - runs inside the TCG harness's outer VM for
# bench/linux-exits.sh (busybox sh): sh linux-exits-inner.sh TIMEOUT LINES
# Boots under vmm --stats, one after the other, each to its end (the tiny
# kernel halts, Debian's powers off through ACPI), printing per boot
#   BENCH-RUN: NAME T0 T_INIT T_END STATUS     (/proc/uptime, 10 ms)
#   BENCH-STATS-BEGIN NAME ... vmm's stderr ... BENCH-STATS-END NAME
T=$1 LINES=$2
A="console=ttyS0 reboot=k panic=-1 noxsave"
cd /work

# run NAME VMM-ARGS...: T_INIT when the line holding VMM-INIT-OK passes.
run() {
    name=$1
    shift
    read t0 _ </proc/uptime
    { timeout -s KILL "$T" ./vmm --stats "$@" </dev/null 2>/work/stats; echo "BENCH-END $?"; } | {
        ti=none st=none
        while IFS= read -r l; do
            case $l in
            BENCH-END*) st=${l#BENCH-END }; break ;;
            *VMM-INIT-OK*) read ti _ </proc/uptime ;;
            esac
        done
        read t1 _ </proc/uptime
        echo "BENCH-RUN: $name $t0 $ti $t1 $st"
    }
    echo "BENCH-STATS-BEGIN $name"
    cat /work/stats
    echo "BENCH-STATS-END $name"
}

tiny="--kernel tiny --initrd initrd --append"
# The console initrd's /init writes vmm.kmsg=N lines to /dev/kmsg once the
# console is open: the kernel prints them as it prints any message then.
kmsg="--kernel tiny --initrd console-initrd --append"
# The coalesced boots first: an outer VM that stalls midway (a known
# problem) then costs only --no-coalesce figures.
run tiny $tiny "$A"
run kmsg-0 $kmsg "$A vmm.kmsg=0"
run kmsg-n $kmsg "$A vmm.kmsg=$LINES"
run debian -m 512M --kernel debian --initrd initrd --append "$A"
run tiny-nc --no-coalesce $tiny "$A"
run kmsg-0-nc --no-coalesce $kmsg "$A vmm.kmsg=0"
run kmsg-n-nc --no-coalesce $kmsg "$A vmm.kmsg=$LINES"
