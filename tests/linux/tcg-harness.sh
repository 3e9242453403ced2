#!/usr/bin/env bash
# Run a shell command against a /dev/kvm with hardware semantics: an outer
# VM under QEMU TCG with an emulated AMD SVM CPU, running Debian's stock
# kernel with kvm_amd loaded. The machines' own /dev/kvm is a software KVM
# that cannot run everything a Linux guest runs (see shared/PLATFORM.md).
#
#   tests/linux/tcg-harness.sh [--timeout SECONDS] [--interactive] \
#       [--file HOSTPATH[:GUESTPATH]]... [watch and outer-VM options] \
#       -- 'shell command run inside'
#
# Files go to GUESTPATH (default /work/BASENAME; a relative GUESTPATH is
# relative to /work). The command runs with `sh -c` in /work, PATH includes
# /work, stdin is /dev/null; with --interactive, stdin is the outer VM's
# console, a tty fed from the caller's stdin (run it in a terminal).
# Everything the outer VM prints (the command's output, plus harness lines
# starting with HARNESS-) streams to stdout.
#
# Watching (tests/linux/harness-watch.py): an agent in the outer VM beats on
# its ttyS1 every second.
#   --freeze S   no heartbeat for S s (default 30): the outer VM froze
#                (HARNESS-VERDICT: outer-vm-froze; the emulator's fault)
#   --silence S  no console output for S s, once the command started,
#                while the heartbeat goes on (default 120; 0 = never; never by default with
#                --interactive): the command hung (HARNESS-VERDICT:
#                inner-silent), with every thread's state in the report
#   --kick S     send the agent a byte every S s (default 0 = never): a
#                serial interrupt that gets a lost timer interrupt delivered
#   --keep DIR   copy the console, heartbeat and report files to DIR
# Either verdict dumps the outer CPU (QEMU monitor) and ends the run.
# Outer VM (for experiments, tests/linux/stall-runs.sh):
#   --outer-cpu MODEL (EPYC,+svm)  --outer-smp N (1)  --outer-append ARGS
#   --outer-accel ACCEL (tcg)  --outer-host-cpus LIST (taskset)
#   --qemu-inside   this machine's QEMU in the outer VM too (a control arm)
#
# Exit status: the command's exit status, read from the "HARNESS-STATUS: N"
# line; 125 when the outer VM did not print that line (boot failure, no
# /dev/kvm, a verdict, timeout: default 900 s for the whole QEMU run).
set -euo pipefail
DIE_STATUS=125   # any failure of the harness itself: "could not test"
. "$(dirname "$0")/lib.sh"

usage() { sed -n '/^#   tests/,/^#       --/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 125; }

TIMEOUT=900 SILENCE=120 FREEZE=30 BOOT_LIMIT=180 KICK=0
FILES=()
INTERACTIVE='' KEEP='' SILENCE_SET='' QEMU_INSIDE=''
OUTER_ACCEL=tcg OUTER_CPU=EPYC,+svm OUTER_SMP=1 OUTER_APPEND='' OUTER_HOST_CPUS=''
while [ $# -gt 0 ]; do
    case $1 in --|--interactive|--qemu-inside) ;; *) [ $# -ge 2 ] || usage ;; esac
    case $1 in
        --timeout) TIMEOUT=$2 ;;
        --silence) SILENCE=$2 SILENCE_SET=1 ;;
        --freeze)  FREEZE=$2 ;;
        --kick)    KICK=$2 ;;
        --file)    FILES+=("$2") ;;
        --keep)    KEEP=$2 ;;
        --outer-accel)  OUTER_ACCEL=$2 ;;
        --outer-cpu)    OUTER_CPU=$2 ;;
        --outer-smp)    OUTER_SMP=$2 ;;
        --outer-append) OUTER_APPEND=$2 ;;
        --outer-host-cpus) OUTER_HOST_CPUS=$2 ;;
        --interactive) INTERACTIVE=1; shift; continue ;;
        --qemu-inside) QEMU_INSIDE=1; shift; continue ;;
        --)        shift; break ;;
        *)         usage ;;
    esac
    shift 2
done
[ $# -eq 1 ] || usage
COMMAND=$1
# A person at a prompt may say nothing for long: no silence limit unless asked.
[ -z "$INTERACTIVE" ] || [ -n "$SILENCE_SET" ] || SILENCE=0
for n in TIMEOUT SILENCE FREEZE KICK OUTER_SMP; do
    [[ ${!n} =~ ^[0-9]+$ ]] || die "--$(tr 'A-Z_' 'a-z-' <<<"${n#OUTER_}") wants a number, got '${!n}'"
done

ensure_pkgs qemu-system-x86 busybox-static cpio gzip bc
kernel_env="$("$LINUX_TESTS_DIR/fetch-debian-kernel.sh")" || die "fetch-debian-kernel.sh failed"
eval "$kernel_env"     # DEBIAN_KVER, DEBIAN_VMLINUZ, DEBIAN_MODULES

KVM_MODULES=(virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp arch/x86/kvm/kvm-amd)

# --- Outer base initramfs (busybox, kvm modules, /init), cached ----------
read -r -d '' OUTER_INIT <<'SH' || true
#!/bin/sh
export PATH=/work:/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
# The agent on ttyS1, for harness-watch.py: a heartbeat every second (if
# it stops, the outer VM froze); on "dump", every user thread's state.
dump() {
    echo HARNESS-DUMP-BEGIN
    read -r l </proc/loadavg; echo "loadavg $l"
    grep -E '^ *(LOC|RES|CAL|NMI):' /proc/interrupts
    for p in /proc/[0-9]*; do
        c=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)
        [ -n "$c" ] || continue   # kernel threads have no command line
        echo "pid ${p#/proc/}: $c"
        for t in "$p"/task/*; do
            read -r s <"$t/stat" || continue
            # shellcheck disable=SC2086  # split the stat line into fields
            set -- $s
            echo "  tid $1 $2 state $3 utime ${14} stime ${15} wchan $(cat "$t/wchan")"
            sed 's/^/      /' "$t/stack"
        done
    done
    echo HARNESS-DUMP-END
}
agent() {
    stty raw -echo
    n=0
    while :; do
        n=$((n + 1))
        read -r _ user _ sys idle _ _ _ _ guest _ </proc/stat
        while read -r name loc _; do [ "$name" = LOC: ] && break; done </proc/interrupts
        echo "HARNESS-HEARTBEAT $n jiffies user $user sys $sys idle $idle guest $guest loc $loc"
        read -r -t 1 cmd || continue
        case $cmd in
            dump) dump ;;
            # With nokaslr, the same addresses every boot: the watcher
            # caches them to name the RIP of a frozen CPU.
            kallsyms) echo HARNESS-KALLSYMS-BEGIN
                      grep -i ' t ' /proc/kallsyms | gzip | base64
                      echo HARNESS-KALLSYMS-END ;;
        esac
    done
}
[ -c /dev/ttyS1 ] && { agent </dev/ttyS1 >/dev/ttyS1 2>&1 & echo $! >/harness/agent.pid; }
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

mods=(); for m in "${KVM_MODULES[@]}"; do mods+=("$DEBIAN_MODULES/kernel/$m.ko"); done
KEY="$(inputs_hash /bin/busybox "$LINUX_TESTS_DIR/lib.sh" "${mods[@]}" <(printf '%s' "$OUTER_INIT"))"
# The key in the name: harnesses of other branches share the cache.
BASE="$VMM_CACHE/outer-base-$KEY.cpio.gz"
exec 9>"$VMM_CACHE/.tcg-harness.lock"
flock 9
if [ ! -f "$BASE" ]; then
    log "building outer initramfs $BASE"
    stage="$(mktemp -d "$VMM_CACHE/outer.XXXXXX")"
    busybox_rootfs "$stage"
    mkdir -p "$stage/lib/kvm" "$stage/work" "$stage/harness"
    cp "${mods[@]}" "$stage/lib/kvm/"
    printf '%s\n' "$OUTER_INIT" >"$stage/init"
    chmod 755 "$stage/init"
    pack_cpio "$stage" "$BASE"
    rm -rf "$stage"
fi
flock -u 9

# --- Per-run initramfs: base + a second cpio with the command and files --
run="$(mktemp -d "$VMM_CACHE/tcg-run.XXXXXX")"
watch_pid=''
trap '[ -z "$watch_pid" ] || kill "$watch_pid" 2>/dev/null || true; rm -rf "$run"' EXIT
mkdir -p "$run/root/harness" "$run/root/work"
printf '%s\n' "$COMMAND" >"$run/root/harness/command"
QEMU_STDIN=/dev/null SERIAL=(-serial stdio)
# --foreground: a background process group would be stopped (SIGTTIN) on
# reading the terminal.
# signal=off: Ctrl-C goes to the guest, not to QEMU as SIGINT; no mux, so
# Ctrl-A reaches vmm.
[ -z "$INTERACTIVE" ] || { : >"$run/root/harness/interactive"; QEMU_STDIN=/dev/stdin
    SERIAL=(-chardev 'stdio,id=con,signal=off' -serial chardev:con); }
for spec in "${FILES[@]+"${FILES[@]}"}"; do
    host=${spec%%:*}
    if [ "$host" = "$spec" ]; then guest=/work/$(basename "$host"); else guest=${spec#*:}; fi
    case $guest in /*) ;; *) guest=/work/$guest ;; esac
    [ -e "$host" ] || die "--file $spec: $host does not exist"
    mkdir -p "$run/root$(dirname "$guest")"
    cp -a "$host" "$run/root$guest"
done
pack_cpio "$run/root" "$run/extra.cpio.gz"
# --qemu-inside: this machine's QEMU (binary, libraries, x86 firmware) in
# the outer VM too, cached like the base: the control arm that runs the
# same inner kernels on the same nested KVM with another VMM.
QEMU_CPIO=
if [ -n "$QEMU_INSIDE" ]; then
    qemu_bin=$(command -v qemu-system-x86_64)
    libs=$(ldd "$qemu_bin" | awk '$(NF-1) ~ /^\// { print $(NF-1) } $1 ~ /^\// { print $1 }' | sort -u)
    fw=(/usr/share/seabios/bios-256k.bin /usr/share/qemu/{qboot.rom,bios-microvm.bin,linuxboot_dma.bin,kvmvapic.bin,pvh.bin})
    # shellcheck disable=SC2086  # one library per word
    QEMU_CPIO="$VMM_CACHE/outer-qemu-$(inputs_hash "$qemu_bin" $libs "${fw[@]}").cpio.gz"
    flock 9
    if [ ! -f "$QEMU_CPIO" ]; then
        log "building $QEMU_CPIO"
        stage="$(mktemp -d "$VMM_CACHE/outer-qemu.XXXXXX")"
        for f in "$qemu_bin" $libs "${fw[@]}"; do
            mkdir -p "$stage$(dirname "$f")"; cp -L "$f" "$stage$f"
        done
        pack_cpio "$stage" "$QEMU_CPIO"
        rm -rf "$stage"
    fi
    flock -u 9
fi
# Linux unpacks concatenated (compressed) cpio archives in order.
cat "$BASE" ${QEMU_CPIO:+"$QEMU_CPIO"} "$run/extra.cpio.gz" >"$run/outer.cpio.gz"

# --- Boot --------------------------------------------------------------
log "booting the outer VM (QEMU $OUTER_ACCEL, $OUTER_CPU, -smp $OUTER_SMP, Debian $DEBIAN_KVER), timeout ${TIMEOUT}s"
LOG="$run/console.log"
: >"$LOG"
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
# The watcher (harness-watch.py) reads the agent's heartbeat on the outer
# ttyS1 (a pipe chardev: $run/agent.in, .out) and the console log's size;
# on a freeze or a silent command it dumps the state and quits QEMU through
# the monitor socket.
mkfifo "$run/agent.in" "$run/agent.out"
python3 "$LINUX_TESTS_DIR/harness-watch.py" --console "$LOG" --agent "$run/agent" \
    --hmp "$run/hmp.sock" --pidfile "$run/qemu.pid" --verdict "$run/verdict" \
    --report "$run/report" --heartbeat-log "$run/heartbeat.log" \
    --freeze "$FREEZE" --silence "$SILENCE" --boot "$BOOT_LIMIT" --kick "$KICK" \
    --kallsyms "$VMM_CACHE/outer-kallsyms-$(inputs_hash "$DEBIAN_VMLINUZ" "${mods[@]}").gz" \
    --map "tiny=$VMM_CACHE/kbuild-tiny/System.map" </dev/null &
watch_pid=$!
start=$EPOCHREALTIME ready_wall=""
shopt -s lastpipe   # the while loop below runs in this shell: keeps ready_wall
set +e
# -nodefaults -display none -serial stdio instead of -nographic: no VGA, so
# SeaBIOS does not mirror itself on the serial port (its terminal-reset
# escapes would clear the caller's screen), no NIC/floppy/CD-ROM to probe
# (boot ~1 s faster), no QEMU monitor multiplexed on stdio.
# stdin from /dev/null: never read the caller's stdin, no tty needed (CI).
# The warnings filtered out are about EPYC CPUID bits TCG cannot emulate.
# nokaslr: the outer kernel's addresses are System.map's (for the watcher).
# no_timer_check: on a loaded host the PIT may not tick within the outer
# kernel's check_timer() delay, which then panics ("IO-APIC + timer doesn't
# work!", seen once in 240 boots).
# shellcheck disable=SC2086  # QEMU_EXTRA: words on purpose
PIN=(); [ -z "$OUTER_HOST_CPUS" ] || PIN=(taskset -c "$OUTER_HOST_CPUS")
timeout ${INTERACTIVE:+--foreground} -k 10 "$TIMEOUT" "${PIN[@]}" qemu-system-x86_64 -accel "$OUTER_ACCEL" \
    -cpu "$OUTER_CPU" -m 2048 -smp "$OUTER_SMP" \
    -nodefaults -display none "${SERIAL[@]}" -no-reboot \
    -chardev "pipe,id=agent,path=$run/agent" -serial chardev:agent \
    -monitor "unix:$run/hmp.sock,server=on,wait=off" -pidfile "$run/qemu.pid" \
    -kernel "$DEBIAN_VMLINUZ" -initrd "$run/outer.cpio.gz" \
    -append "console=ttyS0 quiet panic=-1 nokaslr no_timer_check $OUTER_APPEND" <"$QEMU_STDIN" 2>&1 | relay
qemu_rc=${PIPESTATUS[0]}
# The watcher quits QEMU after a verdict; otherwise it is still watching.
kill "$watch_pid" 2>/dev/null
wait "$watch_pid" 2>/dev/null
set -e
elapsed=$(echo "$EPOCHREALTIME - $start" | bc)
to_ready=$([ -n "$ready_wall" ] && printf '%.1f s' "$(echo "$ready_wall - $start" | bc)" || echo never)

# .* : the command's last line may lack its newline.
ready=$(sed -n 's/.*HARNESS-READY: uptime \([0-9.]*\) s$/\1/p' "$LOG" | tail -n1)
status=$(tr -d '\r' <"$LOG" | sed -n 's/.*HARNESS-STATUS: \([0-9][0-9]*\)$/\1/p' | tail -n1)
# Heartbeats and the longest gap between two (host seconds): a gap of
# several seconds that ended is a freeze that cured itself.
# The outer CPU's local timer interrupts per second (LOC, over the beats).
read -r beats gap locs < <(awk '/HARNESS-HEARTBEAT/ { if (n++ && $1 - t > g) g = $1 - t; t = $1
        if (n == 1) { t0 = $1; l0 = $NF } else { t1 = $1; l1 = $NF } }
    END { printf "%d %.1f %.0f\n", n, g, (t1 > t0 ? (l1 - l0) / (t1 - t0) : 0) }' \
    "$run/heartbeat.log" 2>/dev/null || echo "0 0 0")
log "outer VM: command started after $to_ready (guest uptime ${ready:-?} s); QEMU ran $(printf '%.1f' "$elapsed") s (exit $qemu_rc); $beats heartbeats, longest gap $gap s, $locs timer interrupts/s"
[ -z "$KEEP" ] || { mkdir -p "$KEEP"; cp "$run"/*.log "$run"/report "$run"/verdict "$KEEP/" 2>/dev/null || true; }
if [ -z "$status" ]; then
    # No watcher verdict: QEMU ended by itself (an outer kernel panic, a
    # boot failure) or the --timeout killed it.
    verdict=$(cat "$run/verdict" 2>/dev/null ||
        { [ "$qemu_rc" -eq 124 ] && echo timeout; } || echo outer-vm-died)
    [ "$qemu_rc" -eq 124 ] && log "timed out after ${TIMEOUT}s"
    echo "HARNESS-VERDICT: $verdict"
    [ ! -s "$run/report" ] || sed 's/^/  /' "$run/report" >&2
    failed="$VMM_CACHE/tcg-harness-failed.log"
    { cat "$LOG"; echo "HARNESS-VERDICT: $verdict"; cat "$run/report" 2>/dev/null
      echo "--- heartbeat (host seconds since start)"; tail -n 20 "$run/heartbeat.log" 2>/dev/null; } >"$failed"
    log "no HARNESS-STATUS line: $verdict (console log and report: $failed)"
    exit 125
fi
exit "$status"
