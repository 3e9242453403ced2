#!/usr/bin/env bash
# Build a tiny x86-64 Linux 6.1 kernel (bzImage) for vmm's boot tests.
#
#   tests/linux/build-kernel.sh      -> prints $VMM_CACHE/bzImage-tiny
#
# Source: Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz),
# config: `make tinyconfig` + tests/linux/kernel.config. Unpacked source and
# the out-of-tree build live in the cache; a second run with the same inputs
# returns at once, a changed fragment rebuilds incrementally.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FRAGMENT="$LINUX_TESTS_DIR/kernel.config"
TARBALL=/usr/src/linux-source-6.1.tar.xz
SRC="$VMM_CACHE/linux-source-6.1"       # pristine source (O= builds)
OUT="$VMM_CACHE/kbuild-tiny"            # build tree (.config, objects)
IMAGE="$VMM_CACHE/bzImage-tiny"

ensure_pkgs linux-source-6.1 gcc make libc6-dev flex bison bc libelf-dev lz4 xz-utils
[ -f "$TARBALL" ] || die "$TARBALL missing although linux-source-6.1 is installed"

# One build at a time per cache.
exec 9>"$VMM_CACHE/.build-kernel.lock"
flock 9

# Cache key: the exact source package version, the fragment, this script.
SRC_ID="$(dpkg-query -W -f='${Version}' linux-source-6.1)"
KEY="$SRC_ID $(inputs_hash "$FRAGMENT" "$0")"
if [ -f "$IMAGE" ] && [ "$(cat "$IMAGE.key" 2>/dev/null)" = "$KEY" ]; then
    log "up to date ($KEY)"
    echo "$IMAGE"
    exit 0
fi

if [ "$(cat "$SRC/.vmm-source-id" 2>/dev/null)" != "$SRC_ID" ]; then
    log "unpacking $TARBALL ($SRC_ID) into $VMM_CACHE"
    rm -rf "$SRC" "$OUT"
    tar -xJf "$TARBALL" -C "$VMM_CACHE"
    echo "$SRC_ID" >"$SRC/.vmm-source-id"
fi

# Stable banner; ARCH=x86_64 makes tinyconfig 64-bit.
MAKE=(make -C "$SRC" O="$OUT" ARCH=x86_64 KBUILD_BUILD_USER=vmm KBUILD_BUILD_HOST=vmm)

log "configuring: tinyconfig + $(basename "$FRAGMENT")"
mkdir -p "$OUT"
# stdout carries only the image path: Kconfig's chatter goes to a log.
{ "${MAKE[@]}" tinyconfig \
  && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" "$FRAGMENT" \
  && "${MAKE[@]}" olddefconfig; } >"$OUT/config.log" 2>&1 \
    || { tail -n 30 "$OUT/config.log" >&2; die "configuration failed (log: $OUT/config.log)"; }

# Every option of the fragment must have survived Kconfig's dependencies.
bad=()
while IFS= read -r line; do
    if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
        grep -qxF "$line" "$OUT/.config" \
            || bad+=("${BASH_REMATCH[1]} (wanted ${BASH_REMATCH[2]}, got: $(grep -E "(^|# )${BASH_REMATCH[1]}[= ]" "$OUT/.config" || echo unset))")
    elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
        ! grep -qE "^${BASH_REMATCH[1]}=" "$OUT/.config" \
            || bad+=("${BASH_REMATCH[1]} (wanted unset, got: $(grep -E "^${BASH_REMATCH[1]}=" "$OUT/.config"))")
    fi
done <"$FRAGMENT"
if [ ${#bad[@]} -gt 0 ]; then
    printf '[%s] ERROR: fragment options not in the final .config:\n' "$(basename "$0")" >&2
    printf '    %s\n' "${bad[@]}" >&2
    exit 1
fi
log "all $(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$FRAGMENT") fragment options verified in $OUT/.config"

log "building bzImage with -j$(nproc) (a few minutes on 2 cores)"
start=$SECONDS
"${MAKE[@]}" -j"$(nproc)" bzImage >"$OUT/build.log" 2>&1 \
    || { tail -n 40 "$OUT/build.log" >&2; die "kernel build failed (full log: $OUT/build.log)"; }
log "built in $((SECONDS - start)) s"

cp "$OUT/arch/x86/boot/bzImage" "$IMAGE.tmp"
mv "$IMAGE.tmp" "$IMAGE"
echo "$KEY" >"$IMAGE.key"
log "$(stat -c %s "$IMAGE") bytes"
echo "$IMAGE"
