# Shared helpers for the tests/linux/ scripts. Source it; do not run it.
# shellcheck shell=bash

# Everything built or downloaded lives here, never in the repo.
VMM_CACHE="${VMM_CACHE:-$HOME/.cache/vmm}"
mkdir -p "$VMM_CACHE"
export VMM_CACHE

# shellcheck disable=SC2034  # used by the scripts that source this file
LINUX_TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log()  { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
# DIE_STATUS: exit status of die (tcg-harness.sh uses 125, "could not test").
die()  { printf '[%s] ERROR: %s\n' "$(basename "$0")" "$*" >&2; exit "${DIE_STATUS:-1}"; }

# ensure_pkgs PKG...: install the Debian packages that are missing.
# Quick (one dpkg-query) when all are present. Installs only as root; as
# another user it names what is missing and fails.
ensure_pkgs() {
    local missing=() p
    for p in "$@"; do
        [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
    log "installing Debian packages: ${missing[*]}"
    # DPkg::Lock::Timeout waits for a concurrent apt/dpkg instead of failing.
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >&2
}

# inputs_hash FILE...: a short hash of the files' contents (not their names,
# so a script run as ./x.sh or tests/linux/x.sh keys the same), for caches.
inputs_hash() { sha256sum "$@" | cut -d' ' -f1 | sha256sum | cut -c1-16; }

# busybox_rootfs DIR: a minimal root tree with static busybox and a symlink
# per applet in /bin (Debian's busybox-static).
busybox_rootfs() {
    local dir=$1 a
    ensure_pkgs busybox-static
    mkdir -p "$dir"/{bin,sbin,dev,proc,sys,tmp,root,etc}
    cp /bin/busybox "$dir/bin/busybox"
    for a in $("$dir/bin/busybox" --list); do
        [ -e "$dir/bin/$a" ] || ln -s busybox "$dir/bin/$a"
    done
    # /dev/console is not needed in the archive: the kernel unpacks its
    # built-in default initramfs (/dev/console, /root) before ours.
}

# pack_cpio DIR OUT: gzip'ed cpio "newc" archive of DIR, reproducible
# (sorted names, owner root, no timestamps in gzip), written atomically.
pack_cpio() {
    local dir=$1 out=$2
    ensure_pkgs cpio gzip
    (cd "$dir" && find . -mindepth 1 | LC_ALL=C sort \
        | cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n >"$out.tmp"
    mv "$out.tmp" "$out"
}
