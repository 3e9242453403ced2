#!/usr/bin/env python3
"""Seed inputs for the libFuzzer harnesses, made from the real guests:

  fuzz/seeds.py OUTDIR GUESTS-DIR

writes OUTDIR/NAME/* for each harness in fuzz/*.c. The loader seeds are
the option header each harness reads (see its OPT_ and HEADER_LEN
definitions) followed by a real image: the flat guests, the multiboot
guests and a minimal bzImage from tests/fakelinux.py. The device seeds are
short operation streams a driver would make.
"""
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def write(outdir, name, seed_name, data):
    os.makedirs(os.path.join(outdir, name), exist_ok=True)
    with open(os.path.join(outdir, name, seed_name), "wb") as f:
        f.write(data)


def flat(outdir, guests):
    # opt (mode bits 0-1, load 0x04, entry 0x08, near 0x10), memory choice,
    # load, entry (u64 each), image
    for guest, opt, load in (("hello64.bin", 0x00, 0), ("hello32.bin", 0x02, 0),
                             ("hello16.bin", 0x01, 0), ("hello16.bin", 0x05, 0x7c00),
                             ("exit64.bin", 0x04, 0x200000)):
        img = open(os.path.join(guests, guest), "rb").read()
        head = struct.pack("<BBQQ", opt, 0x20, load, load)
        write(outdir, "flat", "%s-%02x" % (guest, opt), head + img)


def bzimage(outdir):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bzImage")
        subprocess.run([sys.executable, os.path.join(HERE, "..", "tests", "fakelinux.py"),
                        "build", path], check=True)
        img = open(path, "rb").read()
    # opt (boot32 1, initrd 2, fb 4, cmdline 0x18), memory choice, initrd
    # length (u32), cmdline length byte, fb width and height (u16 each)
    for opt, initrd in ((0x00, 0), (0x02, 0x3000), (0x04, 0), (0x08, 0), (0x10, 0),
                        (0x01, 0)):
        head = struct.pack("<BBIBHH", opt, 0x40, initrd, 40, 320, 200)
        write(outdir, "bzimage", "fakelinux-%02x" % opt, head + img)


def multiboot(outdir, guests):
    # opt (cmdline 1, long name 2, modules 0x0c), memory choice, cmdline
    # length (u16), three module lengths (u16 each)
    for guest in ("mbelf.elf", "mbaout.bin"):
        img = open(os.path.join(guests, guest), "rb").read()
        for opt in (0x00, 0x01, 0x0d):
            head = struct.pack("<BBHHHH", opt, 0x20, 100, 13, 5000, 1)
            write(outdir, "multiboot", "%s-%02x" % (guest, opt), head + img)


def serial(outdir):
    # op: port offset + 4 (bits 0-3), width (bits 4-5), write 0x40, receive 0x80
    def w(reg, value):
        return bytes([0x40 | (reg + 4), value])

    def r(reg):
        return bytes([reg + 4])
    init = w(3, 0x80) + w(0, 1) + w(1, 0) + w(3, 3) + w(2, 0xc7) + w(4, 0x0b) + w(1, 1)
    write(outdir, "serial", "linux-init", init + w(0, ord("x")) + r(5) + r(2))
    loop = w(2, 1) + w(4, 0x10) + b"".join(w(0, c) for c in range(20)) + r(5) + r(0) * 3
    write(outdir, "serial", "loopback", loop)
    rx = w(2, 1) + w(1, 0x05) + bytes([0x80, 5]) + b"hello" + r(2) + r(5) + r(0) * 5
    write(outdir, "serial", "receive", rx)
    write(outdir, "serial", "divisor0", w(3, 0x80) + w(0, 0) + w(1, 0) + r(0) + r(1) + w(3, 3))


def devices(outdir):
    # 4 bytes of machine first: RAM in MiB and CPUs - 1 for fw_cfg, RAM in
    # 64 KiB units for the CMOS (u16); then a stream of operations.
    # op: device (bits 0-2: fw_cfg, rtc, i8042, pci, acpi_pm, debug exit,
    # post, hypercall), width (bits 3-4), write 0x20, vcpu 0x40, raw port
    # 0x80; then the offset byte (+4), then the data
    def op(dev, off, width, write, data=b""):
        return bytes([dev | {1: 0, 2: 8, 4: 16, 8: 24}[width] << 0 | (0x20 if write else 0),
                      off + 4]) + data
    head = bytes([128, 0]) + struct.pack("<H", 0x800)

    def write_seed(name, ops):
        write(outdir, "devices", name, head + ops)
    fw = op(0, 0, 2, True, b"\x00\x00") + op(0, 1, 1, False, b"\0") * 4
    write_seed("fw_cfg", fw)
    rtc = op(1, 0, 1, True, b"\x0b") + op(1, 1, 1, True, b"\x06") + op(1, 0, 1, True, b"\x00") + \
        op(1, 1, 1, False, b"\0")
    write_seed("rtc", rtc)
    kbd = op(2, 4, 1, True, b"\xaa") + op(2, 0, 1, False, b"\0") + op(2, 4, 1, True, b"\x60") + \
        op(2, 0, 1, True, b"\x47") + op(2, 4, 1, True, b"\xfe")
    write_seed("i8042", kbd)
    pci = op(3, 0, 4, True, struct.pack("<I", 0x80000000)) + op(3, 4, 4, False, b"\0" * 4) + \
        op(3, 1, 1, True, b"\x06")
    write_seed("pci", pci)
    pm = op(4, 4, 2, True, struct.pack("<H", 0x2000 | 5 << 10)) + op(4, 2, 2, False, b"\0\0")
    write_seed("acpi_pm", pm)
    write_seed("debug_exit", op(5, 0, 4, True, struct.pack("<I", 0xc0000000)))
    hc = bytes([7 | 0x20 | 0x40, 4, 0, 1]) + struct.pack("<QQ", 40, 2)
    write_seed("hypercall", hc)


def fb(outdir):
    # opt (RAM 1, large 2), width, height (u16 each); then op (length - 1
    # in bits 0-2, write 8, vcpu 0x10, sync 0x20), offset from the
    # registers (u32), data
    head = struct.pack("<BHH", 0, 63, 63)
    ops = bytes([0x03]) + struct.pack("<I", 0) + b"\0" * 4            # read the magic
    ops += bytes([0x0f]) + struct.pack("<I", 0x1000 + 0x10000 - 4) + b"\x11" * 8  # across the end
    ops += bytes([0x17]) + struct.pack("<I", 0x1000 + 0x10000 - 4) + b"\0" * 8
    write(outdir, "fb", "mmio", head + ops)
    head = struct.pack("<BHH", 1, 63, 63)
    write(outdir, "fb", "ram", head + bytes([0x20]) + struct.pack("<Q", 0xffff))


def ring(outdir):
    # opt (trace 1, indexes modulo 2), then the ring page: first, last, and
    # entries of phys_addr (u64), len (u32), pio (u32), data (8 bytes)
    def entry(addr, data, pio=True):
        return struct.pack("<QII8s", addr, len(data), 1 if pio else 0, data)
    entries = b"".join(entry(0x3f8, bytes([c])) for c in b"ring\n")
    entries += entry(0xe0000000, b"\xff\x00\x00\x00", pio=False)
    write(outdir, "ring", "uart", bytes([0]) + struct.pack("<II", 0, 6) + entries)
    write(outdir, "ring", "wrap", bytes([1]) + struct.pack("<II", 167, 2) + entries)


def paging(outdir):
    # opt (PG 1, PAE 2, LMA 4, LA57 8, PSE 0x10, near 0x20), memory choice,
    # CR3 (u64), 4 linear addresses (u64 each), then RAM from 0: the tables
    def tables(entries):
        ram = bytearray(0x6000)
        for addr, value in entries:
            ram[addr:addr + 8] = struct.pack("<Q", value)
        return bytes(ram)
    lins = struct.pack("<4Q", 0x100000, 0x7c00, 0xfee00000, 0xffffffff80000000)
    # vmm's own long-mode tables (boot/cpu.c): 4 GiB in 2 MiB pages
    boot = [(0x2000, 0x3003)] + [(0x3000 + 8 * i, 0x4003 + 0x1000 * i) for i in range(4)]
    boot += [(0x4000 + 8 * i, (i << 21) | 0x83) for i in range(8)]
    write(outdir, "paging", "long-boot", struct.pack("<BBQ", 0x07, 0x20, 0x2000) + lins +
          tables(boot))
    write(outdir, "paging", "long-near", struct.pack("<BBQ", 0x27, 0x20, 0x2000) + lins +
          tables(boot))
    # 32-bit paging, a 4 KiB page and a 4 MiB page (PSE)
    pd = [(0x1000, 0x2003), (0x1008, 0x400083), (0x2000 + 0x100 * 4, 0x100003)]
    write(outdir, "paging", "32bit-pse", struct.pack("<BBQ", 0x11, 0x20, 0x1000) + lins +
          tables(pd))
    # PAE: PDPT, a 2 MiB page
    pae = [(0x1000, 0x2001), (0x2000, 0x83)]
    write(outdir, "paging", "pae", struct.pack("<BBQ", 0x03, 0x20, 0x1000) + lins + tables(pae))
    write(outdir, "paging", "off", struct.pack("<BBQ", 0x00, 0x20, 0) + lins)


def rsp(outdir):
    # the bytes a gdb client sends: packets as gdb frames them
    def frame(payload):
        return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xff)
    session = [b"qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386",
               b"vMustReplyEmpty", b"QStartNoAckMode", b"Hgp0.0", b"qXfer:features:read:target.xml:0,ffb",
               b"qTStatus", b"?", b"qfThreadInfo", b"qsThreadInfo", b"qAttached", b"Hc-1", b"qC",
               b"g", b"m100000,40", b"p18", b"P0=4100000000000000", b"Z0,100040,1",
               b"Z2,1000dc,4", b"vCont?", b"vCont;s:1;c", b"vCont;c", b"z0,100040,1",
               b"X100000,4:\x90}\x03\x90\x90", b"M100000,2:9090", b"qRcmd,6d7372203078633030303030313030",
               b"qThreadExtraInfo,1", b"T1", b"D", b"k", b"vKill;1"]
    data = b"+" + b"".join(b"+" + frame(p) for p in session) + b"\x03"
    write(outdir, "rsp", "session", data)
    write(outdir, "rsp", "malformed", b"$?#00$m#6d$mzz,4#xx$vCont;x#00}$}#" + frame(b"G0") + b"\x03-+")
    # runs ('*' and a count): a good one, one with no byte before it, counts
    # out of range, '#' and '$' where a count belongs, a run past PacketSize
    write(outdir, "rsp", "runs", frame(b"m10000*\"0,4") + frame(b"*#x") + frame(b"m0*\x01")
          + frame(b"m0*\x7f") + b"$m0*#00$m0*$?#3f" + frame(b"X0,1:0" + b"0*~" * 200))


def main():
    outdir, guests = sys.argv[1], sys.argv[2]
    flat(outdir, guests)
    bzimage(outdir)
    multiboot(outdir, guests)
    serial(outdir)
    devices(outdir)
    fb(outdir)
    ring(outdir)
    paging(outdir)
    rsp(outdir)


if __name__ == "__main__":
    main()
