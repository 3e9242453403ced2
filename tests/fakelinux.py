#!/usr/bin/env python3
"""A stand-in for Linux that shows what vmm tells Linux about the
framebuffer, for tests/fb.bats.

  fakelinux.py build FILE      a bzImage (boot protocol 2.10, 64-bit entry)
                               whose entry writes the 64 bytes of
                               boot_params.screen_info to COM1 and halts
  fakelinux.py screen-info FILE
                               those 64 bytes as "field value" lines

Offsets are those of Documentation/arch/x86/boot.rst and
include/uapi/linux/screen_info.h.
"""
import struct
import sys

SETUP_SECTS = 4
# mov $0x3f8, %dx; mov $64, %ecx; rep outsb (RSI = boot_params, whose
# first member is screen_info); cli; hlt
ENTRY64 = bytes.fromhex("66baf803" "b940000000" "f36e" "faf4")

SCREEN_INFO = [  # (offset, struct format, name) of the fields vesafb reads
    (0x0f, "B", "orig_video_isVGA"), (0x12, "H", "lfb_width"),
    (0x14, "H", "lfb_height"), (0x16, "H", "lfb_depth"),
    (0x18, "I", "lfb_base"), (0x1c, "I", "lfb_size"),
    (0x24, "H", "lfb_linelength"), (0x26, "B", "red_size"), (0x27, "B", "red_pos"),
    (0x28, "B", "green_size"), (0x29, "B", "green_pos"), (0x2a, "B", "blue_size"),
    (0x2b, "B", "blue_pos"), (0x2c, "B", "rsvd_size"), (0x2d, "B", "rsvd_pos"),
    (0x2e, "H", "vesapm_seg"), (0x32, "H", "pages"), (0x36, "I", "capabilities"),
    (0x3a, "I", "ext_lfb_base"),
]


def build(path):
    payload = bytearray(0x1000)
    payload[0x200:0x200 + len(ENTRY64)] = ENTRY64  # startup_64 is at +0x200
    img = bytearray((SETUP_SECTS + 1) * 512) + payload

    def put(offset, fmt, value):
        struct.pack_into("<" + fmt, img, offset, value)

    put(0x1f1, "B", SETUP_SECTS)
    put(0x1f4, "I", len(payload) // 16)  # syssize
    put(0x1fe, "H", 0xaa55)              # boot_flag
    img[0x200:0x202] = b"\xeb\x66"        # jmp to the end of the header (0x268)
    img[0x202:0x206] = b"HdrS"
    put(0x206, "H", 0x020a)              # protocol 2.10
    put(0x211, "B", 0x01)                # loadflags: LOADED_HIGH
    put(0x22c, "I", 0x7fffffff)          # initrd_addr_max
    put(0x230, "I", 0x200000)            # kernel_alignment
    put(0x236, "H", 0x0001)              # xloadflags: XLF_KERNEL_64
    put(0x238, "I", 2048)                # cmdline_size
    put(0x258, "Q", 0x100000)            # pref_address
    put(0x260, "I", 0x100000)            # init_size
    open(path, "wb").write(img)


def screen_info(path):
    data = open(path, "rb").read()
    if len(data) != 64:
        sys.exit("fakelinux: %s: %d bytes, expected 64" % (path, len(data)))
    for offset, fmt, name in SCREEN_INFO:
        value, = struct.unpack_from("<" + fmt, data, offset)
        print(name, hex(value))


if __name__ == "__main__":
    {"build": build, "screen-info": screen_info}[sys.argv[1]](sys.argv[2])
