#!/usr/bin/env bash
# Reference boot of a test kernel + initramfs under plain QEMU TCG (no KVM),
# to tell "kernel/initramfs broken" apart from "vmm broken".
#
#   tests/linux/qemu-boot.sh [--kernel tiny|debian|PATH] [--initrd test|shell|PATH]
#       [--machine pc|microvm[,OPTS]] [--smp N] [--mem MB] [--timeout S]
#       [--append 'KERNEL CMDLINE']
#
# Defaults: tiny kernel (build-kernel.sh), test initramfs, microvm, 2 CPUs,
# 256 MB, 120 s, cmdline "console=ttyS0 vmm.end=reboot reboot=t" (a triple
# fault ends the VM without ACPI; QEMU runs with -no-reboot).
# With the test initramfs: streams the console, reports the seconds to
# VMM-INIT-OK and whether QEMU exited by itself, stops QEMU 5 s after the
# VMM-END line (a poweroff without ACPI only halts), exits 0 iff VMM-INIT-OK
# appeared. With --initrd shell: interactive, console on this terminal.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KERNEL=tiny INITRD=test MACHINE=microvm SMP=2 MEM=256 TIMEOUT=120
APPEND="console=ttyS0 vmm.end=reboot reboot=t"
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || die "option $1 needs a value"
    case $1 in
        --kernel) KERNEL=$2 ;; --initrd) INITRD=$2 ;; --machine) MACHINE=$2 ;;
        --smp) SMP=$2 ;; --mem) MEM=$2 ;; --timeout) TIMEOUT=$2 ;; --append) APPEND=$2 ;;
        *) die "unknown option $1 (see the header of $0)" ;;
    esac
    shift 2
done

ensure_pkgs qemu-system-x86 bc
case $KERNEL in
    tiny)   KERNEL="$("$LINUX_TESTS_DIR/build-kernel.sh")" ;;
    debian) kernel_env="$("$LINUX_TESTS_DIR/fetch-debian-kernel.sh")"
            eval "$kernel_env"; KERNEL=$DEBIAN_VMLINUZ ;;
esac
interactive=false
case $INITRD in
    # (not `| head -n1`: with pipefail, SIGPIPE in the writer would fail us)
    test|shell) images="$("$LINUX_TESTS_DIR/build-initramfs.sh")" ;;&
    test)  INITRD="$(sed -n 1p <<<"$images")" ;;
    shell) INITRD="$(sed -n 2p <<<"$images")"; interactive=true ;;
esac
[ -f "$KERNEL" ] || die "no such kernel: $KERNEL"
[ -f "$INITRD" ] || die "no such initrd: $INITRD"

CONSOLE=(-serial stdio)
if $interactive; then
    # signal=off: Ctrl-C reaches the guest's shell instead of killing QEMU;
    # the monitor is muxed in: Ctrl-A x quits QEMU.
    # shellcheck disable=SC2054  # commas are QEMU's, inside one argument
    CONSOLE=(-chardev stdio,id=con,mux=on,signal=off -serial chardev:con
             -mon chardev=con,mode=readline)
fi
QEMU=(qemu-system-x86_64 -accel tcg -M "$MACHINE" -smp "$SMP" -m "$MEM"
      -nodefaults -display none "${CONSOLE[@]}" -no-reboot
      -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND")
log "${QEMU[*]}"
if $interactive; then
    log "interactive: 'exit' in the shell ends the VM, Ctrl-A x quits QEMU"
    exec "${QEMU[@]}"
fi

LOG="$(mktemp "$VMM_CACHE/qemu-boot.XXXXXX.log")"
trap 'rm -f "$LOG"' EXIT
start=$EPOCHREALTIME
"${QEMU[@]}" </dev/null >"$LOG" 2>&1 &
qpid=$!
tail -n +1 -f --pid="$qpid" "$LOG" | sed -u 's/\r$//' &
t_init="" t_end="" exited=false
while :; do
    now=$EPOCHREALTIME
    if [ -z "$t_init" ] && grep -q VMM-INIT-OK "$LOG"; then t_init=$now; fi
    if [ -z "$t_end" ] && grep -q VMM-END: "$LOG"; then t_end=$now; fi
    if ! kill -0 "$qpid" 2>/dev/null; then exited=true; break; fi
    if [ -n "$t_end" ] && [ "$(echo "$now - $t_end > 5" | bc)" = 1 ]; then break; fi
    if [ "$(echo "$now - $start > $TIMEOUT" | bc)" = 1 ]; then log "timeout ${TIMEOUT}s"; break; fi
    sleep 0.2
done
$exited || kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true
sleep 0.3   # let tail print the last lines
elapsed() { printf '%.1f s' "$(echo "$1 - $start" | bc)"; }
if $exited; then how="QEMU exited by itself after $(elapsed "$EPOCHREALTIME")"
else how="QEMU did not exit by itself (halted or hung), stopped after $(elapsed "$EPOCHREALTIME")"; fi
if [ -n "$t_init" ]; then
    log "VMM-INIT-OK after $(elapsed "$t_init"); $how"
else
    log "no VMM-INIT-OK; $how"; exit 1
fi
