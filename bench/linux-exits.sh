#!/usr/bin/env bash
# bench/linux-exits.sh - rows 7b-7d of `make bench`: a Linux boot's exits,
# counted by vmm --stats on the hardware-semantics /dev/kvm inside
# tests/linux/tcg-harness.sh (QEMU TCG, emulated SVM, kvm_amd).
#
#   bench/linux-exits.sh VMM-STATIC TINY DEBIAN INITRD CONSOLE-INITRD LINES
#
# Boots (bench/linux-exits-inner.sh, one outer VM run): the tiny kernel
# with and without --no-coalesce; the tiny kernel with CONSOLE-INITRD,
# whose /init writes vmm.kmsg=LINES lines to /dev/kmsg after the console
# is open (0 and LINES, with and without --no-coalesce); Debian's kernel.
# Output: BENCH-RUN and BENCH-STATS lines (see the inner script), plus
# everything the harness prints. Exit status: the harness's.
set -euo pipefail
[ $# -eq 6 ] || { sed -n '/^#   bench/p' "$0" >&2; exit 2; }
VMM=$1 TINY=$2 DEBIAN=$3 INITRD=$4 CONSOLE=$5 LINES=$6
HERE=$(cd "$(dirname "$0")" && pwd)
# --kick 1: see tests/linux/stall.md (the outer VM would freeze now and then).
exec "$HERE/../tests/linux/tcg-harness.sh" --kick 1 --timeout "${BENCH_HARNESS_TIMEOUT:-600}" \
    --file "$VMM:/work/vmm" --file "$TINY:/work/tiny" --file "$DEBIAN:/work/debian" \
    --file "$INITRD:/work/initrd" --file "$CONSOLE:/work/console-initrd" \
    --file "$HERE/linux-exits-inner.sh:/work/inner.sh" \
    -- "sh /work/inner.sh ${BENCH_BOOT_TIMEOUT:-120} $LINES"
