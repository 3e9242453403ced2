#!/usr/bin/env bash
# Build the two guest initramfs images (cpio newc + gzip) from busybox-static:
#
#   $VMM_CACHE/initramfs.cpio.gz        /init prints facts and powers off:
#       VMM-INIT-OK
#       VMM-CMDLINE: <contents of /proc/cmdline>
#       VMM-MEMTOTAL: <MemTotal of /proc/meminfo, e.g. "12345 kB">
#       VMM-CPUS: <number of CPUs in /proc/cpuinfo>
#     then ends the run as the kernel command line says (vmm.end=...):
#       poweroff (default): `poweroff -f`. Without ACPI (tiny kernel) Linux
#         has no power-off method and turns it into a halt: "reboot: System
#         halted", all CPUs in cli;hlt, the VM never exits by itself.
#       reboot: `reboot -f`: i8042 reset (0xFE to port 0x64), then a triple
#         fault; ends the VM without ACPI (QEMU -no-reboot exits).
#       halt: `halt -f`.
#   $VMM_CACHE/initramfs-shell.cpio.gz  /init runs an interactive busybox sh
#     on the console (job control, Ctrl-C works), powers off when it exits.
#
#   tests/linux/build-initramfs.sh      -> prints both paths
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ensure_pkgs busybox-static cpio gzip

TEST_IMG="$VMM_CACHE/initramfs.cpio.gz"
SHELL_IMG="$VMM_CACHE/initramfs-shell.cpio.gz"
KEY="$(inputs_hash /bin/busybox "$0" "$LINUX_TESTS_DIR/lib.sh")"
if [ -f "$TEST_IMG" ] && [ -f "$SHELL_IMG" ] \
   && [ "$(cat "$VMM_CACHE/initramfs.key" 2>/dev/null)" = "$KEY" ]; then
    log "up to date"
    printf '%s\n' "$TEST_IMG" "$SHELL_IMG"
    exit 0
fi

work="$(mktemp -d "$VMM_CACHE/initramfs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Common start and end of both /init scripts.
read -r -d '' INIT_HEAD <<'SH' || true
#!/bin/sh
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true   # may be mounted already
SH
read -r -d '' INIT_END <<'SH' || true
end=poweroff
for w in $(cat /proc/cmdline); do
    case $w in vmm.end=*) end=${w#vmm.end=} ;; esac
done
echo "VMM-END: $end"
case $end in
    reboot) reboot -f ;;
    halt)   halt -f ;;
    *)      poweroff -f ;;
esac
# Only reached if the syscall returned.
echo VMM-END-FAILED
SH

busybox_rootfs "$work/test"
cat >"$work/test/init" <<SH
$INIT_HEAD
echo VMM-INIT-OK
echo "VMM-CMDLINE: \$(cat /proc/cmdline)"
echo "VMM-MEMTOTAL: \$(awk '/^MemTotal:/ { print \$2, \$3 }' /proc/meminfo)"
echo "VMM-CPUS: \$(grep -c '^processor' /proc/cpuinfo)"
$INIT_END
SH

busybox_rootfs "$work/shell"
cat >"$work/shell/init" <<SH
$INIT_HEAD
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts 2>/dev/null || true
export HOME=/root TERM=vt100 PS1='vmm-guest:\\w# '
echo "VMM-SHELL: busybox sh on the console; 'exit' or Ctrl-D powers off"
# setsid: a new session; cttyhack: reopen stdio on the real console tty
# (e.g. /dev/ttyS0, not /dev/console) so it becomes the controlling tty and
# Ctrl-C / Ctrl-Z reach the foreground job.
cd /root
setsid cttyhack sh
echo "VMM-SHELL-EXIT: \$?"
$INIT_END
SH

chmod 755 "$work/test/init" "$work/shell/init"
pack_cpio "$work/test" "$TEST_IMG"
pack_cpio "$work/shell" "$SHELL_IMG"
echo "$KEY" >"$VMM_CACHE/initramfs.key"
log "built $(stat -c %s "$TEST_IMG") + $(stat -c %s "$SHELL_IMG") bytes"
printf '%s\n' "$TEST_IMG" "$SHELL_IMG"
