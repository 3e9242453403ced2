#!/usr/bin/env bash
# Self-test of the Linux test infrastructure (not of vmm): builds everything,
# boots the tiny and the Debian kernel with the test initramfs under plain
# QEMU TCG, and runs kvm-smoke (a real KVM_RUN loop) inside the TCG harness.
# Ends with "N passed, N failed"; exit status 0 iff nothing failed.
#
#   tests/linux/selftest.sh            (~1-5 min with warm caches; the first
#                                       run builds the kernel: ~4 min more)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
T="$LINUX_TESTS_DIR"

passed=0 failed=0
check() {   # check NAME COMMAND...: run, print its output only on failure
    local name=$1 out; shift
    log "running: $name"
    if out="$("$@" 2>&1)"; then
        passed=$((passed + 1)); log "ok: $name"
    else
        failed=$((failed + 1)); printf '%s\n' "$out" | tail -n 40 >&2; log "FAILED: $name"
    fi
}
# Helper: a boot whose console must contain every given marker.
boot_has() {   # boot_has "MARKER..." qemu-boot.sh ARGS...
    local markers=$1 out m; shift
    out="$("$T/qemu-boot.sh" "$@" 2>&1)" || { printf '%s\n' "$out"; return 1; }
    for m in $markers; do
        grep -q -- "$m" <<<"$out" || { printf '%s\n' "$out"; echo "missing $m"; return 1; }
    done
}

check "build-kernel.sh" "$T/build-kernel.sh"
check "build-initramfs.sh" "$T/build-initramfs.sh"
check "fetch-debian-kernel.sh" "$T/fetch-debian-kernel.sh"
check "tiny kernel, microvm, 2 CPUs: markers, MP table CPUs, reboot ends QEMU" \
    boot_has "VMM-INIT-OK VMM-CMDLINE: VMM-MEMTOTAL: VMM-CPUS:.2 exited.by.itself" \
    --machine microvm --smp 2
check "tiny kernel, pc: markers" boot_has "VMM-INIT-OK VMM-CPUS:" --machine pc
check "Debian kernel, pc (ACPI): poweroff ends QEMU" \
    boot_has "VMM-INIT-OK VMM-CPUS:.2 Power.down exited.by.itself" \
    --kernel debian --machine pc --mem 512 --append console=ttyS0

# kvm-smoke, built static into the cache, inside the TCG harness.
SMOKE="$VMM_CACHE/kvm-smoke-$(inputs_hash "$T/kvm-smoke.c")"
ensure_pkgs gcc libc6-dev
[ -x "$SMOKE" ] || gcc -static -O2 -Wall -o "$SMOKE" "$T/kvm-smoke.c"
smoke_in_harness() { "$T/tcg-harness.sh" --file "$SMOKE:/work/kvm-smoke" -- ./kvm-smoke | grep KVM-SMOKE-OK; }
status_passed()    { local rc=0; "$T/tcg-harness.sh" -- 'exit 7' || rc=$?; [ "$rc" -eq 7 ]; }
check "tcg-harness: kvm-smoke runs a guest on the nested /dev/kvm" smoke_in_harness
check "tcg-harness: inner exit status is passed through" status_passed

echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
