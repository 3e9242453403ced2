#!/usr/bin/env python3
"""Malformed-image corpus for vmm's loaders, made from real images.

  tests/corpus/gen.py OUTDIR GUESTS-DIR [BZIMAGE]

Writes each case's files into OUTDIR and one line per case to
OUTDIR/manifest, tab-separated:

  name  status  kind  expected  args

kind is "error" (exactly one line "vmm: ..." on stderr, nothing on stdout,
containing every expected string) or "run" (the image is accepted: the
guest runs to that status; the expected strings must appear on stdout).
Fields are separated by \\x1e, expected strings and args within a field by
\\x1f (tabs would run together when a field is empty); args name files by
absolute path. Every status is one the README documents: 4 for a bad image
or input file, 2 for a bad command line, a guest's (V << 1) | 1 from the
debug exit port, 0 for a halt, 124 for --timeout.

The bases are real: the flat and multiboot guests of build/guests
(hello64.bin, mbelf.elf, mbaout.bin), a minimal bzImage from
tests/fakelinux.py, and the small Linux kernel BZIMAGE when given (the
cache of tests/linux/build-kernel.sh). Each case changes one header field
to 0, its maximum or one past a limit, truncates at a boundary, or puts a
command line, initrd or module at the edge of what fits. The expected
messages quote the numbers the loaders print, computed from the base's
own header, so a change of base changes them too.
"""
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FS = "\x1e"  # between fields
SEP = "\x1f"  # within one
MiB = 1 << 20
# A stub that means the same in real, protected and long mode:
# mov $0x2a, %al; out %al, $0xf4; cli; hlt -> status (0x2a << 1) | 1.
EXIT_STUB = bytes.fromhex("b02ae6f4faf4")
EXIT_STUB_STATUS = 85
MBELF_OK = 1  # guests/mbelf.S: every check passed
MBELF_BSS = 11  # guests/mbelf.S: .bss not zeroed (mbaout.bin fills it with 0xff)


def hx(v):
    """C's %#x / %#llx."""
    return "0" if v == 0 else "%#x" % v


class Corpus:
    def __init__(self, outdir):
        self.outdir = outdir
        self.lines = []
        self.names = set()

    def file(self, name, data):
        """A file of the corpus; a case's own image is named as the case."""
        path = os.path.join(self.outdir, name)
        assert name not in self.names, name
        with open(path, "wb") as f:
            f.write(data)
        return path

    def add(self, name, status, kind, expected, args):
        assert name not in self.names, name
        assert kind in ("error", "run")
        assert all(FS not in a and SEP not in a for a in list(expected) + list(args))
        self.names.add(name)
        self.lines.append(FS.join([name, str(status), kind, SEP.join(expected),
                                     SEP.join(args)]))

    def error(self, name, data, expected, args=(), status=4):
        """An image that must be refused with one message naming the problem."""
        path = self.file(name, data)
        self.add(name, status, "error", list(expected), list(args) + [path])

    def run(self, name, data, status, args=(), stdout=()):
        """An image at the edge of a limit, on the side that is accepted."""
        path = self.file(name, data)
        self.add(name, status, "run", list(stdout), list(args) + [path])

    def write(self):
        with open(os.path.join(self.outdir, "manifest"), "w") as f:
            f.write("\n".join(self.lines) + "\n")


def put(data, offset, fmt, value):
    b = bytearray(data)
    struct.pack_into("<" + fmt, b, offset, value)
    return bytes(b)


# --- flat images ----------------------------------------------------------

def flat_cases(c, guests):
    hello = open(os.path.join(guests, "hello64.bin"), "rb").read()
    stub = EXIT_STUB
    n = len(stub)
    hello_out = ["Hello from long mode!"]

    c.error("flat-empty", b"", ["empty file"])
    # 2 MiB of RAM, loaded at 1 MiB: exactly 1 MiB fits, one byte more does not.
    c.run("flat-fills-ram", hello + bytes(MiB - len(hello)), 0, ["-m", "2M"], hello_out)
    c.error("flat-ram-plus-one", hello + bytes(MiB + 1 - len(hello)),
            ["image of %d bytes at 0x100000 does not fit in guest RAM" % (MiB + 1)],
            ["-m", "2M"])
    c.error("flat-larger-than-ram", hello + bytes(MiB + 1 - len(hello)),
            ["larger than guest RAM"], ["-m", "1M"])
    c.run("flat-load-at-ram-end", stub, EXIT_STUB_STATUS, ["-m", "2M", "--load", hex(2 * MiB - n)])
    c.error("flat-load-past-ram-end", stub, ["does not fit in guest RAM"],
            ["-m", "2M", "--load", hex(2 * MiB - n + 1)])
    c.error("flat-load-ram-size", stub, ["load address 0x200000 is outside guest RAM"],
            ["-m", "2M", "--load", "0x200000"])
    c.error("flat-load-max", stub, ["load address 0xffffffffffffffff is outside guest RAM"],
            ["--load", "0xffffffffffffffff"])
    c.error("flat-entry-max", stub, ["entry point 0xffffffffffffffff is outside guest RAM"],
            ["--entry", "0xffffffffffffffff"])
    c.error("flat-entry-ram-size", stub, ["entry point 0x200000 is outside guest RAM"],
            ["-m", "2M", "--entry", "0x200000"])
    # The boot area 0x1000-0x7fff (GDT, page tables) is the VMM's.
    c.run("flat-below-boot-area", stub, EXIT_STUB_STATUS, ["--load", hex(0x1000 - n)])
    c.error("flat-into-boot-area", stub, ["overlaps the GDT and page tables"],
            ["--load", hex(0x1000 - n + 1)])
    c.run("flat-above-boot-area", stub, EXIT_STUB_STATUS, ["--load", "0x8000"])
    c.error("flat-end-of-boot-area", stub, ["image at 0x7fff-", "overlaps"],
            ["--mode", "protected", "--load", "0x7fff"])
    # Real mode reaches the first MiB: an image may end there, not past it.
    sector = stub + bytes(512 - n)
    c.run("flat-real-ends-at-1m", sector, EXIT_STUB_STATUS,
          ["--mode", "real", "--load", hex(MiB - 512)])
    c.error("flat-real-past-1m", sector, ["real mode reaches only the first MiB"],
            ["--mode", "real", "--load", hex(MiB - 511)])
    c.error("flat-real-entry-1m", sector, ["real mode reaches only the first MiB", "entry 0x100000"],
            ["--mode", "real", "--entry", "0x100000"])
    # RAM above the 3-4 GiB hole (-m 4G: 0x100000000-0x13fffffff) is RAM,
    # but protected mode and vmm's long-mode page tables end at 4 GiB: an
    # image there would fault on its first instruction.
    high = "0-0xbfffffff, 0x100000000-0x13fffffff"
    c.error("flat-4g-long-in-high-ram", stub,
            ["long mode reaches only the first 4 GiB", "image at 0x100000000-"],
            ["-m", "4G", "--load", "0x100000000"])
    c.error("flat-4g-protected-in-high-ram", stub,
            ["protected mode reaches only the first 4 GiB", "entry 0x100000000"],
            ["-m", "4G", "--mode", "protected", "--load", "0x100000000"])
    c.error("flat-4g-entry-in-high-ram", stub, ["long mode reaches only the first 4 GiB",
                                              "entry 0x100000000"],
            ["-m", "4G", "--entry", "0x100000000"])
    c.run("flat-4g-ends-at-the-hole", stub, EXIT_STUB_STATUS, ["-m", "4G", "--load", hex(0xc0000000 - n)])
    # Messages about RAM name its regions, not the size of the low one.
    c.error("flat-4g-load-past-high-ram", stub,
            ["load address 0x140000000 is outside guest RAM (%s)" % high],
            ["-m", "4G", "--load", "0x140000000"])
    c.error("flat-4g-high-ram-too-small", stub,
            ["image of %d bytes at 0x13ffffffc does not fit in guest RAM (%s)" % (n, high)],
            ["-m", "4G", "--load", "0x13ffffffc"])


# --- multiboot ------------------------------------------------------------

MB_MAGIC = 0x1badb002


def mb_header_at(img):
    off = img.find(struct.pack("<I", MB_MAGIC))
    assert off >= 0 and off % 4 == 0
    return off


def mb_flags(img, flags):
    """The image with its multiboot flags (and checksum) replaced."""
    h = mb_header_at(img)
    img = put(img, h + 4, "I", flags)
    return put(img, h + 8, "I", (-(MB_MAGIC + flags)) & 0xffffffff)


def aout_field(img, index, value):
    """Field index of the a.out kludge (0 header_addr, 1 load_addr,
    2 load_end_addr, 3 bss_end_addr, 4 entry_addr)."""
    return put(img, mb_header_at(img) + 12 + 4 * index, "I", value)


def mb_aout_kernel(load_addr, code, flags=0x10003):
    """A multiboot kernel of a header at offset 0 (a.out kludge: loaded
    whole at load_addr, entered right after the header) and code."""
    img = struct.pack("<8I", MB_MAGIC, flags, (-(MB_MAGIC + flags)) & 0xffffffff, load_addr,
                      load_addr, load_addr + 32 + len(code), 0, load_addr + 32)
    return img + code


# 32-bit code for mb_aout_kernel: debug exit (0 << 1) | 1 unless module 0
# (bit 0) or the information structure (bit 1) lies in the BIOS area
# 0x9fc00-0xfffff, where vmm writes the firmware tables after loading.
NOT_IN_BIOS_AREA = bytes.fromhex(
    "8b73188b068b4e0431d23d00001000730b81f900fc0900760383ca0181fb00fc0900"
    "720b81fb00001000730383ca0289d0e6f4faf4")
EBDA = 0x9fc00


def phdr(img, i):
    phoff, = struct.unpack_from("<I", img, 28)
    return phoff + 32 * i


def multiboot_cases(c, guests):
    elf = open(os.path.join(guests, "mbelf.elf"), "rb").read()
    aout = open(os.path.join(guests, "mbaout.bin"), "rb").read()
    h = mb_header_at(elf)
    flags, = struct.unpack_from("<I", elf, h + 4)
    ok = ["magic 2badb002", "ok"]

    # The header: checksum, place, flags.
    c.error("mb-bad-checksum", put(elf, h + 8, "I", (struct.unpack_from("<I", elf, h + 8)[0] + 1)
                                   & 0xffffffff), ["ELF file"])
    big = elf + bytes(9000 - len(elf))
    moved = big[:h] + bytes(12) + big[h + 12:]
    hdr = elf[h:h + 12]
    c.run("mb-header-ends-at-8k", moved[:8180] + hdr + moved[8192:], MBELF_OK, [], ok)
    c.error("mb-header-past-8k", moved[:8184] + hdr + moved[8196:], ["ELF file"])
    c.error("mb-unknown-required-flag", mb_flags(elf, flags | 0x8),
            ["requires features vmm does not know (flags 0x8)"])
    c.error("mb-all-required-flags", mb_flags(elf, 0xffff),
            ["requires features vmm does not know (flags 0xfff8)"])
    c.error("mb-elf64", put(elf, 4, "B", 2), ["ELF64 kernels cannot be loaded"])

    # The ELF32 kernel.
    c.error("mb-elf-machine", put(elf, 18, "H", 62), ["not an i386 executable"])
    c.error("mb-elf-type", put(elf, 16, "H", 3), ["not an i386 executable"])
    c.error("mb-elf-phentsize-0", put(elf, 42, "H", 0), ["not an i386 executable"])
    c.error("mb-elf-phoff-max", put(elf, 28, "I", 0xffffffff),
            ["ELF program headers past the end of the file"])
    c.error("mb-elf-phnum-max", put(elf, 44, "H", 0xffff),
            ["ELF program headers past the end of the file"])
    p0 = phdr(elf, 0)
    p_offset, p_vaddr, p_paddr, p_filesz, p_memsz = struct.unpack_from("<5I", elf, p0 + 4)
    c.error("mb-elf-filesz-over-memsz", put(elf, p0 + 16, "I", p_memsz + 1),
            ["ELF segment 0: file size %s past the end of the file or memory size"
             % hx(p_memsz + 1)])
    c.error("mb-elf-offset-max", put(elf, p0 + 4, "I", 0xffffffff), ["ELF segment 0"])
    c.error("mb-elf-segment-truncated", elf[:p_offset + p_filesz - 1], ["ELF segment 0"])
    c.error("mb-elf-paddr-past-ram", put(elf, p0 + 12, "I", 0x7ffff000),
            ["segment at 0x7ffff000-", "is outside guest RAM"])
    c.error("mb-elf-paddr-wraps", put(put(elf, p0 + 12, "I", 0xfffff000), p0 + 20, "I", 0x2000),
            ["segment at 0xfffff000-", "outside guest RAM"])
    c.error("mb-elf-memsz-max", put(elf, p0 + 20, "I", 0xffffffff), ["outside guest RAM"])
    c.error("mb-elf-in-boot-area", put(elf, p0 + 12, "I", 0x7ff0),
            ["segment at 0x7ff0-", "overlaps the GDT the VMM writes at 0x1000-0x7fff"])
    no_load = put(put(elf, p0, "I", 4), phdr(elf, 1), "I", 4)  # PT_NOTE
    c.error("mb-elf-nothing-to-load", no_load, ["the kernel has nothing to load"])
    c.error("mb-elf-entry-max", put(elf, 24, "I", 0xfffffff0),
            ["entry point 0xfffffff0 is outside guest RAM"])
    c.error("mb-elf-truncated-header", elf[:40], ["ELF file"])

    # The a.out kludge: header_addr, load_addr, load_end_addr, bss_end_addr, entry.
    ha = mb_header_at(aout)
    header_addr, load_addr, load_end, bss_end, entry = struct.unpack_from("<5I", aout, ha + 12)
    off = ha - (header_addr - load_addr)
    c.error("mb-aout-header-before-load", aout_field(aout, 1, header_addr + 4),
            ["a.out kludge: header_addr %s is before load_addr" % hx(header_addr)])
    c.error("mb-aout-load-before-file", aout_field(aout, 1, header_addr - ha - 4),
            ["is before load_addr", "or the file start"])
    c.error("mb-aout-load-end-below-load", aout_field(aout, 2, load_addr - 1),
            ["load_end_addr %s is below load_addr" % hx(load_addr - 1)])
    file_end = load_addr + len(aout) - off
    # Loaded to the file's end, the .bss the file fills with 0xff is the kernel's.
    c.run("mb-aout-load-end-at-file-end", aout_field(aout, 2, file_end), MBELF_BSS, [],
          ["magic 2badb002"])
    c.error("mb-aout-load-end-past-file", aout_field(aout, 2, file_end + 1),
            ["load_end_addr %s is past the end of the file" % hx(file_end + 1)])
    c.error("mb-aout-bss-below-load-end", aout_field(aout, 3, load_end - 1),
            ["bss_end_addr %s is below load_end_addr" % hx(load_end - 1)])
    c.error("mb-aout-bss-end-max", aout_field(aout, 3, 0xffffffff), ["outside guest RAM"])
    c.error("mb-aout-entry-max", aout_field(aout, 4, 0xffffffff),
            ["entry point 0xffffffff is outside guest RAM"])
    low = aout
    for i, v in enumerate((header_addr, load_addr, load_end, bss_end, entry)):
        low = aout_field(low, i, v - load_addr + 0x7000)  # the whole kernel moved to 0x7000
    c.error("mb-aout-in-boot-area", low, ["segment at 0x7000-", "overlaps the GDT"])
    c.error("mb-aout-header-truncated", aout[:ha + 31], ["a.out kludge: multiboot header truncated"])
    c.error("mb-aout-header-only", aout[:ha + 32],
            ["load_end_addr %s is past the end of the file" % hx(load_end)])
    c.error("mb-aout-empty-range", aout_field(aout, 2, load_addr),
            ["a.out kludge: nothing to load: the load range %s-%s is empty"
             % (hx(load_addr), hx(load_addr))])
    # A header at offset 0 with flags 2 (memory info) puts 2 at EI_CLASS:
    # without ELF's magic, that is no ELF64 file.
    plain = struct.pack("<3I", MB_MAGIC, 2, (-(MB_MAGIC + 2)) & 0xffffffff) + bytes(64)
    c.error("mb-flags-2-not-elf", plain,
            ["not an ELF32 file, and the multiboot header has no a.out kludge"])

    # The BIOS area 0x9fc00-0xfffff: vmm writes the ACPI (0xe0000) and MP
    # (0xf0000) tables there after loading, so nothing may be loaded there,
    # and what the loader adds above a low kernel hops over it.
    module = c.file("file-module-16", b"sixteen bytes..\n")
    low = mb_aout_kernel(EBDA - 32 - len(NOT_IN_BIOS_AREA), NOT_IN_BIOS_AREA)
    c.run("mb-bios-area-kernel-ends-at-ebda", low, 1, ["--module", module])
    c.run("mb-bios-area-info-hops-over", mb_aout_kernel(0x9e000, NOT_IN_BIOS_AREA), 1,
          ["--module", module, "--append", "x" * 3000])
    c.error("mb-bios-area-kernel-ends-in-ebda", mb_aout_kernel(EBDA - 31 - len(NOT_IN_BIOS_AREA),
                                                     NOT_IN_BIOS_AREA),
            ["overlaps the BIOS area, where the VMM writes the ACPI and MP tables, at 0x9fc00-0xfffff"])
    c.error("mb-bios-area-aout-at-acpi-tables", mb_aout_kernel(0xe0000, NOT_IN_BIOS_AREA),
            ["segment at 0xe0000-", "overlaps the BIOS area"])
    c.run("mb-bios-area-kernel-at-1m", mb_aout_kernel(0x100000, NOT_IN_BIOS_AREA), 1, ["--module", module])
    c.error("mb-bios-area-elf-at-mp-table", put(elf, p0 + 12, "I", 0xf0000),
            ["segment at 0xf0000-", "overlaps the BIOS area"])

    # Command line and modules at the loader's limits.
    path = os.path.join(c.outdir, "mb-cmdline-4095")
    room = 4095 - len(path) - 1  # "PATH ARGS" in a 4096-byte buffer
    c.run("mb-cmdline-4095", elf, MBELF_OK, ["--append", "a" * room], ok)
    path = os.path.join(c.outdir, "mb-cmdline-4096")
    c.error("mb-cmdline-4096", elf, ["command line longer than 4095 bytes"],
            ["--append", "a" * (4096 - len(path) - 1)])
    empty = c.file("file-empty-module", b"")
    c.error("mb-module-empty", elf, ["file-empty-module: empty file"], ["--module", empty])
    module = c.file("file-module", b"module data\n")
    c.error("mb-33-modules", elf, ["more than 32 --module options"],
            [x for _ in range(33) for x in ("--module", module)], status=2)
    # One page of RAM too few for the module (ELF kernel at 1 MiB, info above it).
    c.error("mb-module-past-ram", elf, ["does not fit in guest RAM"],
            ["-m", "2M", "--module", c.file("file-module-1m", bytes(MiB))])


# --- bzImage --------------------------------------------------------------

HDR = 0x1f1
SETUP_HEADER_SIZE = 0x7b  # sizeof(struct setup_header), asm/bootparam.h


class BzImage:
    """The header fields vmm's loader reads (Documentation/arch/x86/boot.rst)."""
    FIELDS = {"setup_sects": (0x1f1, "B"), "syssize": (0x1f4, "I"), "boot_flag": (0x1fe, "H"),
              "jump": (0x201, "B"), "version": (0x206, "H"), "loadflags": (0x211, "B"),
              "initrd_addr_max": (0x22c, "I"), "kernel_alignment": (0x230, "I"),
              "relocatable_kernel": (0x234, "B"), "xloadflags": (0x236, "H"),
              "cmdline_size": (0x238, "I"), "pref_address": (0x258, "Q"),
              "init_size": (0x260, "I")}

    def __init__(self, data):
        self.data = data
        for name, (off, fmt) in self.FIELDS.items():
            setattr(self, name, struct.unpack_from("<" + fmt, data, off)[0])
        self.setup_len = ((self.setup_sects or 4) + 1) * 512
        self.payload = len(data) - self.setup_len
        self.start = max(self.pref_address, MiB)
        self.kernel_end = self.start + max(self.init_size, self.payload)

    def set(self, **fields):
        data = self.data
        for name, value in fields.items():
            off, fmt = self.FIELDS[name]
            data = put(data, off, fmt, value)
        return data


def bz_cases(c, tag, data, accepted):
    """accepted: (status, args, stdout) of a run of an image vmm takes."""
    bz = BzImage(data)
    ok_status, ok_args, ok_out = accepted
    p = "bz-%s-" % tag

    def run(name, img, args=()):
        c.run(p + name, img, ok_status, list(args) + ok_args, ok_out)

    def error(name, img, expected, args=()):
        c.error(p + name, img, expected, args)

    error("truncated-at-version", data[:0x206], ["setup header truncated (file is 518 bytes)"])
    error("header-one-short", data[:HDR + SETUP_HEADER_SIZE - 1], ["setup header truncated"])
    # The setup header's own end: after the jump at 0x200 (past the fields
    # vmm reads, so that the file can end between the two).
    long_hdr = bz.set(jump=0x7f)
    end = 0x202 + 0x7f
    error("header-end-one-short", long_hdr[:end - 1],
          ["setup header length %s (jump at 0x200) is inconsistent" % hx(end - HDR)])
    error("header-end", long_hdr[:end],
          ["setup_sects %d puts the setup past the end of the file" % bz.setup_sects])
    for v in (0, 0xaa54, 0xffff):
        error("boot-flag-%x" % v, bz.set(boot_flag=v),
              ["boot_flag is %s, expected 0xaa55" % hx(v)])
    error("version-2.09", bz.set(version=0x0209), ["boot protocol 2.09 is too old"])
    error("version-0", bz.set(version=0), ["boot protocol 0.00 is too old"])
    run("version-max", bz.set(version=0xffff))
    error("jump-short", bz.set(jump=0x61), ["setup header length 0x72 (jump at 0x200)"])
    run("jump-min", bz.set(jump=0x62))
    to_end = (len(data) + 511) // 512 - 1  # the fewest that reach the end
    if to_end <= 0xff:
        error("setup-sects-to-end", bz.set(setup_sects=to_end),
              ["setup_sects %d puts the setup past the end of the file" % to_end])
    if 256 * 512 >= len(data):
        error("setup-sects-max", bz.set(setup_sects=0xff),
              ["setup_sects 255 puts the setup past the end of the file"])
    elif bz.syssize * 16 > len(data) - 256 * 512:
        error("setup-sects-max", bz.set(setup_sects=0xff),
              ["syssize %s puts the kernel payload past the end" % hx(bz.syssize)])
    if bz.setup_sects == 4:
        run("setup-sects-0-means-4", bz.set(setup_sects=0))
    error("truncated-at-setup", data[:bz.setup_len], ["puts the setup past the end of the file"])
    if bz.syssize:
        error("truncated-payload", data[:bz.setup_len + bz.syssize * 16 - 1],
              ["syssize %s puts the kernel payload past the end of the file" % hx(bz.syssize)])
    run("syssize-exact", bz.set(syssize=bz.payload // 16))
    error("syssize-one-more", bz.set(syssize=bz.payload // 16 + 1),
          ["syssize %s puts the kernel payload past the end" % hx(bz.payload // 16 + 1)])
    error("syssize-4g", bz.set(syssize=0x10000000), ["syssize 0x10000000 puts"])
    error("syssize-max", bz.set(syssize=0xffffffff), ["syssize 0xffffffff puts"])
    run("syssize-0", bz.set(syssize=0))
    error("loadflags-0", bz.set(loadflags=0), ["loadflags lacks LOADED_HIGH"])
    error("alignment-odd", bz.set(relocatable_kernel=1, kernel_alignment=0x200001),
          ["kernel_alignment 0x200001 is not a power of two"])
    error("alignment-max", bz.set(relocatable_kernel=1, kernel_alignment=0xffffffff),
          ["kernel_alignment 0xffffffff is not a power of two"])
    error("init-size-max", bz.set(init_size=0xffffffff),
          ["init_size: the kernel needs 0xffffffff bytes from %s" % hx(bz.start)])
    error("pref-address-max", bz.set(pref_address=(1 << 64) - 1),
          ["from 0xffffffffffffffff, guest RAM ends at"])
    # RAM that holds the kernel exactly, and a byte less of it.
    ram = (bz.start + max(bz.init_size, bz.payload) + MiB - 1) // MiB * MiB
    fit = ram - bz.start
    run("init-size-fills-ram", bz.set(init_size=fit), ["-m", "%dM" % (ram // MiB)])
    error("init-size-past-ram", bz.set(init_size=fit + 1),
          ["init_size: the kernel needs %s bytes" % hx(fit + 1)], ["-m", "%dM" % (ram // MiB)])
    small = max(1, (len(data) + MiB - 1) // MiB)  # holds the file, not the kernel
    error("ram-too-small", data, ["init_size: the kernel needs"], ["-m", "%dM" % small])
    # The command line: cmdline_size is the longest the kernel takes, and
    # vmm's own room at 0x9000 ends before 0x10000.
    default_len = len("console=ttyS0 reboot=k panic=-1")
    error("cmdline-size-0", bz.set(cmdline_size=0),
          ["command line is %d bytes, the kernel's cmdline_size is 0" % default_len])
    run("cmdline-at-size", data, ["--append", "a" * bz.cmdline_size])
    error("cmdline-past-size", data,
          ["command line is %d bytes, the kernel's cmdline_size is %d"
           % (bz.cmdline_size + 1, bz.cmdline_size)], ["--append", "a" * (bz.cmdline_size + 1)])
    big = bz.set(cmdline_size=0xffffffff)
    run("cmdline-vmm-max", big, ["--append", "a" * 0x6fff])
    error("cmdline-past-vmm-max", big, ["command line is 28672 bytes"], ["--append", "a" * 0x7000])
    # The initrd: highest page below initrd_addr_max and RAM, above the kernel.
    one = c.file(p + "file-initrd-1", b"i")
    error("initrd-addr-max-0", bz.set(initrd_addr_max=0), ["initrd of 1 bytes does not fit"],
          ["--initrd", one])
    run("initrd-addr-max-max", bz.set(initrd_addr_max=0xffffffff), ["--initrd", one])
    ram = (bz.kernel_end + 2 * MiB - 1) // MiB * MiB
    room = ram - bz.kernel_end
    exact = c.file(p + "file-initrd-exact", b"i" * room)
    run("initrd-fills-ram", data, ["-m", "%dM" % (ram // MiB), "--initrd", exact])
    over = c.file(p + "file-initrd-page-more", b"i" * (room + 1))
    error("initrd-past-ram", data, ["initrd of %d bytes does not fit between the kernel" % (room + 1)],
          ["-m", "%dM" % (ram // MiB), "--initrd", over])
    # Room enough, but the page-aligned start would fall inside the kernel.
    odd = BzImage(bz.set(init_size=max(bz.init_size, bz.payload) + 0x800))
    ram = (odd.kernel_end + 2 * MiB - 1) // MiB * MiB
    unaligned = c.file(p + "file-initrd-unaligned", b"i" * (ram - odd.kernel_end - 0x400))
    error("initrd-page-below-kernel", odd.data,
          ["initrd of %d bytes does not fit above the kernel" % (ram - odd.kernel_end - 0x400)],
          ["-m", "%dM" % (ram // MiB), "--initrd", unaligned])
    empty = c.file(p + "file-initrd-empty", b"")
    error("initrd-empty", data, ["file-initrd-empty: empty file"], ["--initrd", empty])
    huge = c.file(p + "file-initrd-2m-plus-1", bytes(2 * MiB + 1))
    error("initrd-larger-than-ram", data,
          ["file-initrd-2m-plus-1: 2097153 bytes, larger than guest RAM"], ["-m", "2M", "--initrd", huge])


# 64-bit code for fakelinux's entry (RSI = the zero page): debug exit
# (0 << 1) | 1 when setup_data, hardware_subarch, hardware_subarch_data,
# ext_loader_ver and ext_loader_type are 0 there, else (1 << 1) | 1.
LOADER_FIELDS_ZERO = bytes.fromhex(
    "488b8650020000480b86400200008b8e3c0200004809c80fb78e260200004809c8"
    "4885c00f95c0e6f4faf4")


def bz_loader_fields(c, data):
    """Fields boot.rst makes the loader's to write: whatever the file holds
    there must not reach the kernel (setup_data would be followed as a
    list of blobs in guest memory)."""
    bz = BzImage(data)
    entry = bz.setup_len + 0x200  # startup_64
    img = bytearray(data)
    img[entry:entry + len(LOADER_FIELDS_ZERO)] = LOADER_FIELDS_ZERO
    bz = BzImage(bytes(img))
    c.run("bz-fake-loader-fields-clean", bz.data, 1)
    for name, off, fmt, v in (("setup-data", 0x250, "Q", 0x4141414141414141),
                              ("hardware-subarch", 0x23c, "I", 2),
                              ("hardware-subarch-data", 0x240, "Q", 0x10000),
                              ("ext-loader", 0x226, "H", 0xffff)):
        c.run("bz-fake-loader-fields-file-" + name, put(bz.data, off, fmt, v), 1)


# --- the command line ---------------------------------------------------

def option_cases(c, guests):
    """Options that a hostile user found misread: each must end in one
    message naming the option (status 2), or run as documented."""
    hello = open(os.path.join(guests, "hello64.bin"), "rb").read()
    fwcfg = open(os.path.join(guests, "fwcfg64.bin"), "rb").read()
    elf = open(os.path.join(guests, "mbelf.elf"), "rb").read()
    for m in ("4097K", "0x100001"):
        c.error("opt-m-not-page-multiple-" + m, hello,
                ["memory size '%s' for -m is not a multiple of the 4K page" % m], ["-m", m], 2)
    # fwcfg64 prints the RAM size fw_cfg gives and exits with (CPUs << 1) | 1.
    c.run("opt-m-010M-is-decimal", fwcfg, 3, ["-m", "010M"], ["ram 0000000000a00000"])
    c.run("opt-smp-010-is-decimal", fwcfg, 21, ["--smp", "010"], ["cpus 10"])
    c.error("opt-timeout-past-limit", hello, ["--timeout takes more than 0 and at most 10000000"],
            ["--timeout", "1e8"], 2)
    c.error("opt-empty-fb-png", hello, ["--fb-png needs a file name, not ''"],
            ["--fb", "8x8", "--fb-png", ""], 2)
    c.error("opt-empty-kvm-device", hello, ["--kvm-device needs a file name, not ''"],
            ["--kvm-device", ""], 2)
    c.error("opt-ambiguous", hello, ["ambiguous option '--fb-'", "--fb-png, --fb-ram"],
            ["--fb-", "x"], 2)
    c.error("opt-append-twice", elf, ["--append given twice ('a', then 'b')"],
            ["--append", "a", "--append", "b"], 2)
    c.error("opt-initrd-empty-module", elf, ["module 1 has no file name"], ["--initrd", ","], 2)
    comma = c.file("file-module,comma", b"comma!")
    c.run("opt-initrd-escaped-comma", elf, MBELF_OK,
          ["--initrd", comma.replace(",", ",,") + " x,,y"],
          ["mod 0 '%s x,y' len 6 data 'comma!'" % comma])


def fakelinux(outdir):
    path = os.path.join(outdir, "fakelinux.bzImage")
    subprocess.run([sys.executable, os.path.join(HERE, "..", "fakelinux.py"), "build", path],
                   check=True)
    return open(path, "rb").read()


def main():
    outdir, guests = sys.argv[1], sys.argv[2]
    tiny = sys.argv[3] if len(sys.argv) > 3 else None
    os.makedirs(outdir, exist_ok=True)
    c = Corpus(outdir)
    flat_cases(c, guests)
    multiboot_cases(c, guests)
    option_cases(c, guests)
    # fakelinux's entry writes screen_info (64 bytes) to COM1 and halts.
    fake = fakelinux(outdir)
    bz_cases(c, "fake", fake, (0, [], []))
    bz_loader_fields(c, fake)
    c.error("opt-module-for-bzimage", fake, ["--module is for multiboot kernels"],
            ["--module", os.path.join(outdir, "file-module")], 2)
    if tiny and os.path.exists(tiny):
        # Linux itself: accepted means it starts; the run is cut short.
        bz_cases(c, "linux", open(tiny, "rb").read(), (124, ["--timeout", "0.5"], []))
    c.write()
    print("%d cases in %s" % (len(c.lines), outdir))


if __name__ == "__main__":
    main()
