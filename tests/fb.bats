#!/usr/bin/env bats
# The framebuffer (--fb): its picture through each backing (coalesced MMIO,
# MMIO exits, RAM), what guests read back, PNG snapshots at exit and on
# demand, its options, and what Linux is told about it.

load helpers

FBPNG=$BATS_TEST_DIRNAME/fbpng.py
FAKELINUX=$BATS_TEST_DIRNAME/fakelinux.py
DEMO_DONE=$'fb-demo: done\r\n'
READ_OK=$'fb-read: ok\r\n'
# The three ways to back the aperture; a guest must see no difference.
BACKINGS=("" --no-coalesce --fb-ram)

# total_exits: "exits to userspace" from --stats on $ERR.
total_exits() {
	awk '/^  exits to userspace:/ { print $4; exit }' "$ERR"
}

# ring_drained: "coalesced entries drained" from --stats on $ERR.
ring_drained() {
	awk '/^  coalesced entries drained:/ { print $4; exit }' "$ERR"
}

# --- the picture, whatever backs it --------------------------------------

@test "fbdemo64: the expected picture, pixel for pixel, with each backing" {
	local b i=0
	for b in "${BACKINGS[@]}"; do
		echo "backing: '$b'"
		# shellcheck disable=SC2086  # $b is zero or one option
		vmm $b --fb 320x200 --fb-png "$T/demo$i.png" "$GUESTS/fbdemo64.bin"
		assert_status 0
		assert_stdout "$DEMO_DONE"
		assert_stderr_empty
		"$FBPNG" demo "$T/demo$i.png"
		i=$((i + 1))
	done
	"$FBPNG" same "$T/demo0.png" "$T/demo1.png" "$T/demo2.png"
	[ ! -e "$T/demo0.png.tmp" ]
}

@test "fbdemo64 on a larger framebuffer: geometry from the registers" {
	vmm --fb 640x480 --fb-png "$T/big.png" "$GUESTS/fbdemo64.bin"
	assert_status 0
	[ "$("$FBPNG" size "$T/big.png")" = "640 480" ]
	# The second text line is "640X480 XRGB8888": the guest read the size.
	"$FBPNG" demo "$T/big.png"
	[ "$("$FBPNG" pixel "$T/big.png" 639 479)" = 000000 ]
}

@test "fbdemo64 refuses a framebuffer smaller than its picture (status 7)" {
	vmm --fb 320x199 "$GUESTS/fbdemo64.bin"
	assert_status 7
	assert_stdout ""
}

@test "no framebuffer unless asked for: the registers are not there" {
	vmm "$GUESTS/fbread64.bin"
	assert_status 3
	assert_stderr_has "unclaimed mmio 0xdffff000"
}

# --- how the stores travel -----------------------------------------------

@test "--stats: coalesced, the stores reach the device through the ring" {
	local stores writes ring exits
	stores=$("$FBPNG" demo-stores 320 200)
	vmm --stats --fb 320x200 "$GUESTS/fbdemo64.bin"
	assert_status 0
	writes=$(stats_row framebuffer writes)
	ring=$(stats_row framebuffer ring-writes)
	exits=$(total_exits)
	echo "stores $stores, applied $writes, from the ring $ring, exits $exits"
	[ "$writes" -eq "$stores" ] # every store, each once
	# A full ring (169 entries) costs one exit: ~1 in 170 stores exits.
	[ "$ring" -ge $((stores - stores / 100)) ]
	[ "$exits" -lt $((stores / 50)) ]
	[ "$exits" -gt $((stores / 170)) ]
	# Drained entries: the device's and the UART's, none left behind.
	[ "$(ring_drained)" -ge "$ring" ]
}

@test "--no-coalesce --stats: every store is an exit" {
	local stores
	stores=$("$FBPNG" demo-stores 320 200)
	vmm --no-coalesce --stats --fb 320x200 "$GUESTS/fbdemo64.bin"
	assert_status 0
	[ "$(stats_row framebuffer writes)" -eq "$stores" ]
	[ "$(stats_row framebuffer ring-writes)" -eq 0 ]
	[ "$(total_exits)" -gt "$stores" ]
}

@test "--fb-ram --stats: stores go to RAM, dirty pages are copied at exit" {
	vmm --fb-ram --stats --fb 320x200 --fb-png "$T/ram.png" "$GUESTS/fbdemo64.bin"
	assert_status 0
	[ "$(stats_row framebuffer writes)" -eq 0 ]
	[ "$(total_exits)" -lt 100 ]
	# Stores reach 63 of the aperture's 64 pages (lines 0-199 of 320).
	[ "$(stats_row framebuffer pages-copied)" -eq 63 ]
	assert_stderr_has "KVM_GET_DIRTY_LOG"
}

# --- what guests read back -----------------------------------------------

@test "fbread64: 1-8 byte stores at any offset read back, with each backing" {
	local b g i
	for g in 320x200 256x256; do
		i=0
		for b in "${BACKINGS[@]}"; do
			echo "backing: '$b', $g"
			# shellcheck disable=SC2086
			vmm $b --fb "$g" --fb-png "$T/$g-$i.png" "$GUESTS/fbread64.bin"
			assert_status 0
			assert_stdout "$READ_OK"
			assert_stderr_has "read-only framebuffer registers"
			i=$((i + 1))
		done
		"$FBPNG" same "$T/$g-0.png" "$T/$g-1.png" "$T/$g-2.png"
	done
	# Pixels (1, 1)-(4, 1) hold bytes 11 22 33 44 55 66 cd ab 99 aa bb cc
	# dd ee ff: B, G, R, X each.
	[ "$("$FBPNG" pixel "$T/320x200-0.png" 1 1)" = 332211 ]
	[ "$("$FBPNG" pixel "$T/320x200-0.png" 2 1)" = cd6655 ]
	[ "$("$FBPNG" pixel "$T/320x200-0.png" 3 1)" = bbaa99 ]
	[ "$("$FBPNG" pixel "$T/320x200-0.png" 4 1)" = ffeedd ]
	[ "$("$FBPNG" pixel "$T/320x200-0.png" 23 10)" = 336699 ]
}

@test "fbread64: the last pixel, and a store across the end of the aperture" {
	# 320x200 fills 256000 of the aperture's 262144 bytes: the straddling
	# store lands past the picture. 256x256 fills it: the store's first 4
	# bytes are the last pixel. Its other 4 go nowhere, in every backing.
	local b
	for b in "${BACKINGS[@]}"; do
		echo "backing: '$b'"
		# shellcheck disable=SC2086
		vmm $b --fb 320x200 --fb-png "$T/a.png" "$GUESTS/fbread64.bin"
		assert_status 0
		assert_stderr_has "guest wrote unclaimed mmio 0xe0040000 (4 bytes)"
		[ "$("$FBPNG" pixel "$T/a.png" 319 199)" = 123456 ]
		# shellcheck disable=SC2086
		vmm $b --fb 256x256 --fb-png "$T/b.png" "$GUESTS/fbread64.bin"
		assert_status 0
		assert_stderr_has "guest wrote unclaimed mmio 0xe0040000 (4 bytes)"
		[ "$("$FBPNG" pixel "$T/b.png" 255 255)" = abcdef ]
		[ "$("$FBPNG" pixel "$T/b.png" 254 255)" = 000000 ]
	done
}

# --- geometry and options ------------------------------------------------

@test "--fb: 0, malformed or huge sizes are usage errors (status 2)" {
	local g
	for g in 0x200 320x0 0x0 320 x200 320x 320x200x32 -320x200 +320x200 " 320x200" \
		"320 x200" 320X200 0x140x200 4097x100 100x4097 99999999999999999999x1 ""; do
		echo "--fb '$g'"
		vmm --fb "$g" "$GUESTS/fbdemo64.bin"
		assert_error 2 "framebuffer size '$g'"
	done
	vmm --fb 4096x4096 "$GUESTS/fbdemo64.bin"
	assert_status 0
	vmm --fb 1x1 --fb-png "$T/min.png" "$GUESTS/hello64.bin"
	assert_status 0
	[ "$("$FBPNG" size "$T/min.png")" = "1 1" ]
}

@test "--fb-png and --fb-ram need --fb" {
	vmm --fb-png "$T/x.png" "$GUESTS/hello64.bin"
	assert_error 2 "--fb-png needs a framebuffer"
	vmm --fb-ram "$GUESTS/hello64.bin"
	assert_error 2 "--fb-ram needs a framebuffer"
	[ ! -e "$T/x.png" ]
}

@test "--help lists the framebuffer options" {
	vmm --help
	assert_status 0
	grep -q -- '--fb WxH' "$OUT"
	grep -q -- '--fb-png FILE' "$OUT"
	grep -q -- '--fb-ram' "$OUT"
}

# --- snapshots -----------------------------------------------------------

@test "a snapshot that cannot be written at exit: a warning, the status stands" {
	vmm --fb 320x200 --fb-png "$T/no/such/dir/x.png" "$GUESTS/fbdemo64.bin"
	assert_status 0
	assert_stdout "$DEMO_DONE"
	assert_stderr_has "framebuffer snapshot not written" "$T/no/such/dir/x.png.tmp"
	# A guest's own status survives the failed snapshot too.
	vmm --fb 320x100 --fb-png "$T/no/such/dir/x.png" "$GUESTS/fbdemo64.bin"
	assert_status 7
}

@test "SIGUSR1 writes a snapshot while the guest runs on" {
	vmm_bg --stats --fb 64x32 --fb-png "$T/live.png" "$GUESTS/fbspin64.bin"
	wait_until grep -q "fb-spin: drawn" "$OUT"
	kill -USR1 "$VMM_PID"
	wait_until test -s "$T/live.png"
	[ "$("$FBPNG" pixel "$T/live.png" 0 0)" = ff8000 ]
	[ "$("$FBPNG" pixel "$T/live.png" 31 15)" = ff8000 ]
	[ "$("$FBPNG" pixel "$T/live.png" 32 0)" = 000000 ]
	[ "$("$FBPNG" pixel "$T/live.png" 0 16)" = 000000 ]
	kill -0 "$VMM_PID" # still running
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
	[ "$(stats_row framebuffer snapshots)" -eq 2 ] # SIGUSR1's and the exit's
	"$FBPNG" size "$T/live.png"
}

@test "SIGUSR1 with --fb-ram: the dirty pages so far" {
	vmm_bg --fb-ram --fb 64x32 --fb-png "$T/live.png" "$GUESTS/fbspin64.bin"
	wait_until grep -q "fb-spin: drawn" "$OUT"
	kill -USR1 "$VMM_PID"
	wait_until test -s "$T/live.png"
	[ "$("$FBPNG" pixel "$T/live.png" 31 15)" = ff8000 ]
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
}

@test "SIGUSR1 snapshot to an unwritable path: a warning, the guest runs on" {
	vmm_bg --fb 64x32 --fb-png "$T/no/such/dir/x.png" "$GUESTS/fbspin64.bin"
	wait_until grep -q "fb-spin: drawn" "$OUT"
	kill -USR1 "$VMM_PID"
	wait_until grep -q "framebuffer snapshot not written" "$ERR"
	sleep 0.2
	kill -0 "$VMM_PID"
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
}

@test "SIGUSR1 without a framebuffer: a warning, the guest runs on" {
	vmm_bg "$GUESTS/spin64.bin"
	wait_until grep -q spinning "$OUT"
	kill -USR1 "$VMM_PID"
	wait_until grep -q "no framebuffer" "$ERR"
	kill -0 "$VMM_PID"
	kill -TERM "$VMM_PID"
	vmm_reap
	assert_status 143
}

@test "Ctrl-A s writes a snapshot" {
	status=0
	# shellcheck disable=SC2094  # the typist waits for the guest's output
	{
		wait_until grep -q "fb-spin: drawn" "$OUT"
		printf '\x01s'
		wait_until test -s "$T/key.png"
		printf '\x01x'
	} | timeout --preserve-status -s KILL "$VMM_LIMIT" "$VMM" --stats --fb 64x32 \
		--fb-png "$T/key.png" "$GUESTS/fbspin64.bin" >"$OUT" 2>"$ERR" || status=$?
	assert_status 14
	[ "$(stats_row framebuffer snapshots)" -eq 2 ] # Ctrl-A s's and the exit's
	[ "$("$FBPNG" pixel "$T/key.png" 0 0)" = ff8000 ]
}

# --- Linux ---------------------------------------------------------------

@test "a bzImage is told about the framebuffer in screen_info (VESA VLFB)" {
	"$FAKELINUX" build "$T/bzImage"
	vmm --fb 640x480 "$T/bzImage"
	assert_status 0
	"$FAKELINUX" screen-info "$OUT" >"$T/si"
	cat "$T/si"
	# What vesafb reads: VIDEO_TYPE_VLFB, the geometry, the base below
	# 4 GiB, 1228800 bytes rounded up to 19 blocks of 64 KiB, XRGB8888.
	diff - "$T/si" <<-'EOF'
		orig_video_isVGA 0x23
		lfb_width 0x280
		lfb_height 0x1e0
		lfb_depth 0x20
		lfb_base 0xe0000000
		lfb_size 0x13
		lfb_linelength 0xa00
		red_size 0x8
		red_pos 0x10
		green_size 0x8
		green_pos 0x8
		blue_size 0x8
		blue_pos 0x0
		rsvd_size 0x8
		rsvd_pos 0x18
		vesapm_seg 0x0
		pages 0x0
		capabilities 0x0
		ext_lfb_base 0x0
	EOF
	# Without --fb, nothing.
	vmm "$T/bzImage"
	assert_status 0
	"$FAKELINUX" screen-info "$OUT" | grep -qx 'orig_video_isVGA 0x0'
}
