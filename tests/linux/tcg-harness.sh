#!/usr/bin/env bash
# Run a shell command against a /dev/kvm with hardware semantics: an outer
# VM under QEMU TCG with an emulated AMD SVM CPU, running Debian's stock
# kernel with kvm_amd loaded. The machines' own /dev/kvm is a software KVM
# that cannot run everything a Linux guest runs (see shared/PLATFORM.md).
#
#   tests/linux/tcg-harness.sh [--timeout SECONDS] [--interactive] \
#       [--file HOSTPATH[:GUESTPATH]]... -- 'shell command run inside'
#
# Files go to GUESTPATH (default /work/BASENAME; a relative GUESTPATH is
# relative to /work). The command runs with `sh -c` in /work, PATH includes
# /work, stdin is /dev/null; with --interactive, stdin is the outer VM's
# console, a tty fed from the caller's stdin (run it in a terminal). Everything the outer VM prints (the command's
# output, plus harness lines starting with HARNESS-) streams to stdout.
# Exit status: the command's exit status, read from the "HARNESS-STATUS: N"
# line; 125 when the outer VM did not print that line (boot failure, no
# /dev/kvm, timeout: default 900 s for the whole QEMU run).
set -euo pipefail
DIE_STATUS=125   # any failure of the harness itself: "could not test"
. "$(dirname "$0")/lib.sh"

usage() { sed -n '/^#   tests/,/^#       --/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 125; }

TIMEOUT=900
FILES=()
INTERACTIVE=
while [ $# -gt 0 ]; do
    case $1 in
        --timeout) [ $# -ge 2 ] || usage; TIMEOUT=$2; shift 2 ;;
        --file)    [ $# -ge 2 ] || usage; FILES+=("$2"); shift 2 ;;
        --interactive) INTERACTIVE=1; shift ;;
        --)        shift; break ;;
        *)         usage ;;
    esac
done
[ $# -eq 1 ] || usage
COMMAND=$1
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout wants seconds, got '$TIMEOUT'"

ensure_pkgs qemu-system-x86 busybox-static cpio gzip bc
kernel_env="$("$LINUX_TESTS_DIR/fetch-debian-kernel.sh")" || die "fetch-debian-kernel.sh failed"
eval "$kernel_env"     # DEBIAN_KVER, DEBIAN_VMLINUZ, DEBIAN_MODULES

KVM_MODULES=(virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp arch/x86/kvm/kvm-amd)

# --- Outer base initramfs (busybox, kvm modules, /init), cached ----------
read -r -d '' OUTER_INIT <<'SH' || true
#!/bin/sh
export PATH=/work:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
for m in irqbypass kvm ccp kvm-amd; do
    insmod /lib/kvm/$m.ko || echo "HARNESS-ERROR: insmod $m.ko failed"
done
if [ -c /dev/kvm ]; then
    echo "HARNESS-READY: uptime $(cut -d' ' -f1 /proc/uptime) s"
    cd /work
    if [ -e /harness/interactive ]; then
        # The console as the command's controlling tty: a real terminal
        # for vmm's raw mode, with keys from the caller's terminal.
        setsid cttyhack sh -c "$(cat /harness/command)"
    else
        sh -c "$(cat /harness/command)" </dev/null
    fi
    echo "HARNESS-STATUS: $?"
else
    echo "HARNESS-ERROR: no /dev/kvm in the outer VM"
fi
poweroff -f
SH

BASE="$VMM_CACHE/outer-base.cpio.gz"
mods=(); for m in "${KVM_MODULES[@]}"; do mods+=("$DEBIAN_MODULES/kernel/$m.ko"); done
KEY="$(inputs_hash /bin/busybox "$LINUX_TESTS_DIR/lib.sh" "${mods[@]}" <(printf '%s' "$OUTER_INIT"))"
exec 9>"$VMM_CACHE/.tcg-harness.lock"
flock 9
if [ ! -f "$BASE" ] || [ "$(cat "$BASE.key" 2>/dev/null)" != "$KEY" ]; then
    log "building outer initramfs $BASE"
    stage="$(mktemp -d "$VMM_CACHE/outer.XXXXXX")"
    busybox_rootfs "$stage"
    mkdir -p "$stage/lib/kvm" "$stage/work" "$stage/harness"
    cp "${mods[@]}" "$stage/lib/kvm/"
    printf '%s\n' "$OUTER_INIT" >"$stage/init"
    chmod 755 "$stage/init"
    pack_cpio "$stage" "$BASE"
    rm -rf "$stage"
    echo "$KEY" >"$BASE.key"
fi
flock -u 9

# --- Per-run initramfs: base + a second cpio with the command and files --
run="$(mktemp -d "$VMM_CACHE/tcg-run.XXXXXX")"
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/root/harness" "$run/root/work"
printf '%s\n' "$COMMAND" >"$run/root/harness/command"
QEMU_STDIN=/dev/null SERIAL=(-serial stdio)
# --foreground: a background process group would be stopped (SIGTTIN) on
# reading the terminal.
# signal=off: Ctrl-C goes to the guest, not to QEMU as SIGINT; no mux, so
# Ctrl-A reaches vmm.
[ -z "$INTERACTIVE" ] || { : >"$run/root/harness/interactive"; QEMU_STDIN=/dev/stdin
    SERIAL=(-chardev stdio,id=con,signal=off -serial chardev:con); }
for spec in "${FILES[@]+"${FILES[@]}"}"; do
    host=${spec%%:*}
    if [ "$host" = "$spec" ]; then guest=/work/$(basename "$host"); else guest=${spec#*:}; fi
    case $guest in /*) ;; *) guest=/work/$guest ;; esac
    [ -e "$host" ] || die "--file $spec: $host does not exist"
    mkdir -p "$run/root$(dirname "$guest")"
    cp -a "$host" "$run/root$guest"
done
pack_cpio "$run/root" "$run/extra.cpio.gz"
# Linux unpacks concatenated (compressed) cpio archives in order.
cat "$BASE" "$run/extra.cpio.gz" >"$run/outer.cpio.gz"

# --- Boot --------------------------------------------------------------
log "booting the outer VM (QEMU TCG, EPYC+svm, Debian $DEBIAN_KVER), timeout ${TIMEOUT}s"
LOG="$run/console.log"
# relay: QEMU's output to the caller and the log. Line by line, noting when
# the command started; interactively byte by byte (tee), since a prompt has
# no newline to wait for.
relay() {
    if [ -n "$INTERACTIVE" ]; then
        tee -a "$LOG"
        return
    fi
    sed -u -e 's/\r$//' -e "/^qemu-system-x86_64: warning: TCG doesn't support requested feature/d" |
        while IFS= read -r line || [ -n "$line" ]; do
            printf '%s\n' "$line"; printf '%s\n' "$line" >>"$LOG"
            [[ $line == *HARNESS-READY:* && -z $ready_wall ]] && ready_wall=$EPOCHREALTIME
        done
}
start=$EPOCHREALTIME ready_wall=""
shopt -s lastpipe   # the while loop below runs in this shell: keeps ready_wall
set +e
# -nodefaults -display none -serial stdio instead of -nographic: no VGA, so
# SeaBIOS does not mirror itself on the serial port (its terminal-reset
# escapes would clear the caller's screen), no NIC/floppy/CD-ROM to probe
# (boot ~1 s faster), no QEMU monitor multiplexed on stdio.
# stdin from /dev/null: never read the caller's stdin, no tty needed (CI).
# The warnings filtered out are about EPYC CPUID bits TCG cannot emulate.
timeout ${INTERACTIVE:+--foreground} -k 10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu EPYC,+svm -m 2048 -smp 1 \
    -nodefaults -display none "${SERIAL[@]}" -no-reboot \
    -kernel "$DEBIAN_VMLINUZ" -initrd "$run/outer.cpio.gz" \
    -append "console=ttyS0 quiet panic=-1" <"$QEMU_STDIN" 2>&1 | relay
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(echo "$EPOCHREALTIME - $start" | bc)
to_ready=$([ -n "$ready_wall" ] && printf '%.1f s' "$(echo "$ready_wall - $start" | bc)" || echo never)

# .* : the command's last line may lack its newline.
ready=$(sed -n 's/.*HARNESS-READY: uptime \([0-9.]*\) s$/\1/p' "$LOG" | tail -n1)
status=$(tr -d '\r' <"$LOG" | sed -n 's/.*HARNESS-STATUS: \([0-9][0-9]*\)$/\1/p' | tail -n1)
log "outer VM: command started after $to_ready (guest uptime ${ready:-?} s); QEMU ran $(printf '%.1f' "$elapsed") s (exit $qemu_rc)"
if [ -z "$status" ]; then
    [ "$qemu_rc" -eq 124 ] && log "timed out after ${TIMEOUT}s"
    cp "$LOG" "$VMM_CACHE/tcg-harness-failed.log"
    log "no HARNESS-STATUS line: outer VM failed (console log: $VMM_CACHE/tcg-harness-failed.log)"
    exit 125
fi
exit "$status"
