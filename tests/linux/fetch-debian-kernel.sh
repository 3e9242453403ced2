#!/usr/bin/env bash
# Fetch Debian's current stock amd64 kernel (the kernel users boot) with
# `apt-get download` and unpack it with `dpkg-deb -x` into the cache.
#
#   tests/linux/fetch-debian-kernel.sh
#
# Prints (and writes to $VMM_CACHE/debian-kernel.env, for `source`):
#   DEBIAN_KVER=6.1.0-NN-amd64
#   DEBIAN_VMLINUZ=$VMM_CACHE/vmlinuz-debian
#   DEBIAN_MODULES=<unpacked>/lib/modules/$DEBIAN_KVER
# The four modules the TCG harness needs for /dev/kvm (irqbypass, kvm, ccp,
# kvm-amd) are made available uncompressed as plain .ko in that tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ensure_pkgs apt dpkg xz-utils
ENV_FILE="$VMM_CACHE/debian-kernel.env"

# apt-cache takes ~2 s here: skip the resolution when the package lists are
# the ones of the last successful run (apt-get update changes them).
lists_id() { stat -c '%n %Y %s' /var/lib/apt/lists/*Packages* 2>/dev/null | sha256sum | cut -c1-16; }
if [ -f "$ENV_FILE" ] && [ "$(cat "$ENV_FILE.lists" 2>/dev/null)" = "$(lists_id)" ]; then
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    if [ -f "$DEBIAN_VMLINUZ" ] && [ -f "$DEBIAN_MODULES/kernel/arch/x86/kvm/kvm-amd.ko" ]; then
        cat "$ENV_FILE"
        exit 0
    fi
fi

# Resolve linux-image-amd64 -> linux-image-X.Y.Z-N-amd64. On a fresh machine
# the package lists may be empty: update them once (as root) and retry.
resolve() {
    apt-cache depends linux-image-amd64 2>/dev/null \
        | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ && !n++ { print $2 }'
}
PKG="$(resolve)"
if [ -z "$PKG" ] && [ "$(id -u)" -eq 0 ]; then
    log "apt lists do not know linux-image-amd64; running apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    PKG="$(resolve)"
fi
[ -n "$PKG" ] || die "cannot resolve linux-image-amd64 (apt-cache depends); run apt-get update"
# The -unsigned variant has the same kernel without the Secure Boot
# signature wrapper; prefer it when the archive has it.
if apt-cache show "$PKG-unsigned" >/dev/null 2>&1; then PKG="$PKG-unsigned"; fi
# (awk reads to the end: an early exit would SIGPIPE apt-cache under pipefail)
VER="$(apt-cache show --no-all-versions "$PKG" | awk '/^Version:/ && !n++ { print $2 }')"
KVER="${PKG#linux-image-}"; KVER="${KVER%-unsigned}"

DIR="$VMM_CACHE/debian-kernel/${PKG}_$VER"
exec 9>"$VMM_CACHE/.fetch-debian-kernel.lock"
flock 9

if [ ! -f "$DIR/.unpacked" ]; then
    log "downloading $PKG $VER with apt-get download"
    rm -rf "$DIR"; mkdir -p "$DIR/deb"
    # Sandbox user root: _apt could not write into a root-owned cache dir.
    (cd "$DIR/deb" && apt-get -q -o APT::Sandbox::User=root download "$PKG=$VER" >&2)
    dpkg-deb -x "$DIR"/deb/*.deb "$DIR/root"
    rm -rf "$DIR/deb"
    touch "$DIR/.unpacked"
fi

VMLINUZ_SRC="$DIR/root/boot/vmlinuz-$KVER"
MODULES="$DIR/root/lib/modules/$KVER"
[ -f "$VMLINUZ_SRC" ] || die "no $VMLINUZ_SRC in $PKG"

# busybox insmod takes plain ELF .ko only: decompress .ko.xz / .ko.zst.
for m in virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp arch/x86/kvm/kvm-amd; do
    f="$MODULES/kernel/$m"
    if [ -f "$f.ko" ]; then continue
    elif [ -f "$f.ko.xz" ]; then xz -dkc "$f.ko.xz" >"$f.ko"
    elif [ -f "$f.ko.zst" ]; then ensure_pkgs zstd; zstd -qdc "$f.ko.zst" >"$f.ko"
    else die "module $m.ko(.xz|.zst) not found in $MODULES"
    fi
done

cp -f "$VMLINUZ_SRC" "$VMM_CACHE/vmlinuz-debian"
cat >"$ENV_FILE" <<ENV
DEBIAN_KVER=$KVER
DEBIAN_VMLINUZ=$VMM_CACHE/vmlinuz-debian
DEBIAN_MODULES=$MODULES
ENV
lists_id >"$ENV_FILE.lists"
log "$PKG $VER ready"
cat "$ENV_FILE"
