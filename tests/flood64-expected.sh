#!/bin/bash
# Prints what guests/flood64.S must write, byte for byte: 64 lines of
# "ii: " and 59 letters cycling A..Z from letter i mod 26, then
# "divisor 39" (the divisor latch holds 1 + 56 = 0x39 at the end).
set -euo pipefail
letters=ABCDEFGHIJKLMNOPQRSTUVWXYZ
letters=$letters$letters$letters$letters
for ((i = 0; i < 64; i++)); do
	printf '%02d: %s\n' "$i" "${letters:i % 26:59}"
done
printf 'divisor 39\n'
