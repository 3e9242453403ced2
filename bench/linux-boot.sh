#!/usr/bin/env bash
# bench/linux-boot.sh - row 7 of `make bench`: Linux boot time to the
# initramfs's VMM-INIT-OK marker, vmm against QEMU microvm, both on the
# hardware-semantics /dev/kvm inside tests/linux/tcg-harness.sh (QEMU TCG,
# emulated SVM, kvm_amd), measured in one outer VM run, interleaved.
#
#   bench/linux-boot.sh REPS VMM-STATIC KERNEL INITRD [NC]
#
# Ships vmm-static, the kernel and initramfs, and QEMU (the binary, every
# library ldd lists, the dynamic loader, and the microvm firmware: qboot as
# bios-microvm.bin, the linuxboot option ROMs) into the outer VM with the
# harness's --file HOST:GUEST. Inside, after one untimed warm-up boot of
# each (which also picks QEMU's CPU model: -cpu host, else the default),
# REPS repetitions of vmm QEMU / QEMU vmm alternately (with NC=1, also
# vmm --no-coalesce: vmm QEMU vmmnc / vmmnc QEMU vmm). Each boot is timed
# with /proc/uptime (10 ms) from just before its fork to the line holding
# VMM-INIT-OK, read from a FIFO by the shell; then the VMM is killed (QEMU
# microvm does not exit on the tiny kernel's poweroff). Output lines:
#   BENCH-BOOT: vmm|qemu|vmmnc REP START END      (END "none": no marker)
#   BENCH-QEMU-CPU: host|default|none
# plus everything the harness prints. Exit status: the harness's.
set -euo pipefail
[ $# -eq 4 ] || [ $# -eq 5 ] || { sed -n '/^#   bench/p' "$0" >&2; exit 2; }
REPS=$1 VMM=$2 KERNEL=$3 INITRD=$4 NC=${5:-0}
QEMU_BIN=$(command -v qemu-system-x86_64) || { echo "BENCH-QEMU-CPU: none (no qemu-system-x86_64 on the host)"; QEMU_BIN=; }
HERE=$(cd "$(dirname "$0")" && pwd)
HARNESS=$HERE/../tests/linux/tcg-harness.sh
TIMEOUT_BOOT=${BENCH_BOOT_TIMEOUT:-90}

files=(--file "$VMM:/work/vmm" --file "$KERNEL:/work/kernel" --file "$INITRD:/work/initrd")
if [ -n "$QEMU_BIN" ]; then
    files+=(--file "$(readlink -f "$QEMU_BIN"):/work/qemu/qemu-system-x86_64")
    # Libraries at the paths ldd names (the harness copies with cp -a: give
    # it the resolved file, not the symlink), and the loader.
    while read -r path; do
        files+=(--file "$(readlink -f "$path"):$path")
    done < <(ldd "$QEMU_BIN" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }')
    for f in bios-microvm.bin qboot.rom linuxboot_dma.bin linuxboot.bin; do
        [ -e "/usr/share/qemu/$f" ] && files+=(--file "$(readlink -f "/usr/share/qemu/$f"):/work/qemu/share/$f")
    done
fi

files+=(--file "$HERE/linux-boot-inner.sh:/work/inner.sh")
HAVE_QEMU=0
[ -z "$QEMU_BIN" ] || HAVE_QEMU=1
# --kick 1: a byte to the outer VM every second, so QEMU 7.2 cannot lose its
# timer interrupt and freeze the boots (tests/linux/stall.md).
exec "$HARNESS" --kick 1 --timeout "${BENCH_HARNESS_TIMEOUT:-600}" "${files[@]}" -- "sh /work/inner.sh $REPS $TIMEOUT_BOOT $HAVE_QEMU $NC"
