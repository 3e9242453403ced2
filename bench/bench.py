#!/usr/bin/env python3
"""bench.py - vmm's benchmark table (`make bench`).

Every figure is a ratio of two things measured in the same run, interleaved
(A B B A ...), repeated, and summarised by the median of the per-repetition
ratios with its spread (interquartile range and min-max). Per-operation
costs come from runs of a guest doing N operations and runs of the same
guest doing none: the difference cancels process start-up and teardown. N
is calibrated so that the loop takes about --target seconds of CPU.
Processes are started and timed by build/bench/launch (CPU time of all
threads, wall time from execve to reaped and to the first byte of output),
so Python's own overhead is outside every timed interval.

A benchmark never fails the test suite: a row that cannot be measured says
why. The exit status is non-zero only when nothing can run at all (no vmm,
no /dev/kvm, no helpers).
"""
import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

import plots

QEMU = os.environ.get("BENCH_QEMU", "qemu-system-x86_64")
STATUS_OK = 1  # 0 written to the debug-exit port: (0 << 1) | 1
FOOTPRINT_RAM_KB = 3072  # -m 3M: a size no other mapping has, to find guest RAM


class RunError(Exception):
    pass


def quartiles(xs):
    if len(xs) < 2:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


def summary(xs):
    """Median, IQR and min-max of a list, as a dict."""
    lo, med, hi = quartiles(xs)
    return {"med": med, "q1": lo, "q3": hi, "min": min(xs), "max": max(xs), "n": len(xs)}


def fmt_time(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.2f} µs"


def fmt_ratio(st):
    return f"{st['med']:.2f}×"


def fmt_spread(st, unit="×"):
    if st["n"] == 1:
        return "n=1 (one sample: no spread)"
    return (f"IQR {st['q1']:.2f}–{st['q3']:.2f}{unit}, "
            f"min–max {st['min']:.2f}–{st['max']:.2f}{unit}, n={st['n']}")


class Bench:
    def __init__(self, args):
        self.vmm = os.path.abspath(args.vmm)
        self.build = args.build
        self.guests = os.path.join(args.build, "guests")
        self.launch_bin = os.path.join(args.build, "launch")
        self.bare = os.path.join(args.build, "bare")
        self.teardown_bin = os.path.join(args.build, "teardown")
        self.fig_dir = os.path.dirname(os.path.abspath(args.out))
        self.figures = []   # (file, caption) embedded in results.md
        self.sections = []  # extra markdown sections (tables), after the notes
        self.per_exit = []  # per-exit cost of each arm, for the figure
        self.last_runs = {}
        self.reps = args.reps
        self.target = args.target
        self.verbose = args.verbose
        self.qemu = shutil.which(QEMU)
        self.qemu_missing = f"{QEMU} not found"
        self.baseline = os.environ.get("BENCH_BASELINE") or None  # an older vmm, for row 11
        self.rows = []
        self.notes = []
        self.built = {}
        self.entries = {}

    def log(self, msg):
        print(msg, file=sys.stderr, flush=True)

    # ---- guests and processes ----------------------------------------
    def guest(self, name, n=None, ext="bin"):
        stem = name if n is None else f"{name}-{n}"
        path = os.path.join(self.guests, f"{stem}.{ext}")
        if path in self.built:
            return path
        r = subprocess.run(["make", "-s", "--no-print-directory", "-f", "bench/bench.mk", path],
                           capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(path):
            raise RunError(f"cannot build {path}: {r.stderr.strip()}")
        self.built[path] = True
        return path

    def entry(self, elf):
        """_start of a multiboot guest: vmm enters its flat image there."""
        if elf in self.entries:
            return self.entries[elf]
        out = subprocess.run(["nm", elf], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[2] == "_start":
                self.entries[elf] = "0x" + f[0].lstrip("0")
                return self.entries[elf]
        raise RunError(f"{elf}: no _start")

    def launch(self, cmd, want_status=STATUS_OK, want_bytes=None):
        """Run cmd under build/bench/launch; times in seconds."""
        r = subprocess.run([self.launch_bin] + cmd, capture_output=True, text=True)
        f = r.stdout.split()
        if r.returncode != 0 or len(f) != 6:
            raise RunError(f"cannot run {' '.join(cmd)}: {r.stderr.strip()}")
        res = {"first": int(f[0]) / 1e9 if int(f[0]) >= 0 else None,
               "exit": int(f[1]) / 1e9, "status": int(f[2]), "bytes": int(f[3]),
               "maxrss_kb": int(f[4]), "cpu": int(f[5]) / 1e9, "stderr": r.stderr}
        if want_status is not None and res["status"] != want_status:
            raise RunError(f"{' '.join(cmd)}: exit status {res['status']}, expected "
                           f"{want_status}: {r.stderr.strip()[-300:]}")
        if want_bytes is not None and res["bytes"] != want_bytes:
            raise RunError(f"{' '.join(cmd)}: wrote {res['bytes']} bytes, expected {want_bytes}")
        return res

    def check_qemu(self):
        """QEMU is a reference, not a requirement: without a working one the
        QEMU columns say why and the rest runs."""
        if not self.qemu:
            return
        try:
            self.launch(self.pio32_qemu(0), want_bytes=1)
        except RunError as e:
            self.qemu_missing = (f"{os.path.basename(self.qemu)} did not run the multiboot "
                                 f"guest ({str(e).split(': ')[-1][:200]})")
            self.qemu = None

    # ---- the measurement schemes ---------------------------------
    def calibrate(self, make_cmd, want_bytes=None):
        """N such that the guest loop of one run takes about self.target s of
        CPU: N = 0 against N = 2000, 10000, ... until the loop shows."""
        base = min(self.launch(make_cmd(0), want_bytes=want_bytes and want_bytes(0))["cpu"]
                   for _ in range(3))
        n = 2000
        while True:
            t = self.launch(make_cmd(n), want_bytes=want_bytes and want_bytes(n))["cpu"]
            loop = t - base
            if loop > 0.05 or n >= 2_000_000:
                break
            n *= 5
        per = max(loop, 1e-4) / n
        n = int(self.target / per)
        digits = len(str(n)) - 2  # two significant figures: builds get reused
        return max(1000, min(2_000_000, round(n, -digits) if digits > 0 else n))

    def per_op(self, arms, n, want_bytes=None):
        """Per-operation cost of each arm: runs of N operations and runs of
        none, interleaved A B B A, B A A B, ...; per rep (t(N) - t0) / N with
        t0 the arm's median over its runs of none (start-up and teardown).
        Returns two dicts of per-rep lists in seconds: from CPU time (user +
        system of all the process's threads: the figure the table uses, as
        waiting for a CPU on a shared machine is not in it) and from wall
        time."""
        names = list(arms)
        runs = {(a, size): [] for a in names for size in (0, n)}
        for rep in range(self.reps):
            order = names if rep % 2 == 0 else names[::-1]
            for a, size in [(a, n) for a in order] + [(a, 0) for a in order[::-1]]:
                runs[(a, size)].append(self.launch(arms[a](size),
                                                   want_bytes=want_bytes and want_bytes(size)))
        self.last_runs = runs
        out = []
        for key in ("cpu", "exit"):
            per = {}
            for a in names:
                t0 = statistics.median(r[key] for r in runs[(a, 0)])
                per[a] = [(r[key] - t0) / n for r in runs[(a, n)]]
            out.append(per)
        if self.verbose:
            for a in names:
                self.log(f"    {a}: cpu per op " + " ".join(f"{x * 1e6:.2f}" for x in out[0][a])
                         + " µs")
        return out

    def singles(self, arms, reps, want_bytes=None, want_status=STATUS_OK):
        """One run of each arm per rep, A B C, C B A, ...: lists of results."""
        names = list(arms)
        res = {a: [] for a in names}
        for rep in range(reps):
            for a in (names if rep % 2 == 0 else names[::-1]):
                res[a].append(self.launch(arms[a](), want_status=want_status,
                                          want_bytes=want_bytes))
        return res

    def add_row(self, number, what, a, b, ratio, goal, met, notes=""):
        """ratio: summary() of per-rep ratios or None; met: a function of
        a ratio (or value) telling whether the goal holds, or a string."""
        if ratio is None:
            cells = [number, what, a, b, "n/a", "", goal, met, notes]
        else:
            if callable(met):
                verdict = met(ratio["med"])
                if met(ratio["q1"]) != met(ratio["q3"]):
                    verdict = f"{'yes' if verdict else 'no'} (IQR spans the goal)"
                else:
                    verdict = "yes" if verdict else "no"
            else:
                verdict = met
            cells = [number, what, a, b, fmt_ratio(ratio), fmt_spread(ratio), goal, verdict,
                     notes]
        self.rows.append(cells)
        self.log("  -> " + " | ".join(str(x) for x in cells))

    # ---- rows ----------------------------------------------------------
    def vmm_pm(self, guest_bin, elf, *extra):
        return [self.vmm, "--mode", "protected", "--entry", self.entry(elf), *extra, guest_bin]

    def qemu_cmd(self, elf, mem="128M"):
        return [self.qemu, "-M", "microvm", "-accel", "kvm", "-m", mem, "-nodefaults",
                "-no-user-config", "-display", "none", "-serial", "stdio",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", elf]

    def pio32_vmm(self, n):
        return self.vmm_pm(self.guest("pio32", n), self.guest("pio32", n, "elf"))

    def pio32_qemu(self, n):
        return self.qemu_cmd(self.guest("pio32", n, "elf"))

    @staticmethod
    def ratios(num, den):
        return summary([x / y for x, y in zip(num, den)])

    def row_exit(self):
        self.log("1. exit round trip: vmm against a bare KVM_RUN loop")
        pio = lambda *args: lambda n: [*args, self.guest("pio64", n)]
        arms = {"bare": pio(self.bare), "bare+vmm-kvm": pio(self.bare, "--irqchip", "--sync-regs"),
                "vmm": pio(self.vmm)}
        n = self.calibrate(arms["vmm"])
        cpu, wall = self.per_op(arms, n)
        ratio = self.ratios(cpu["vmm"], cpu["bare"])
        kvm_side = self.ratios(cpu["bare+vmm-kvm"], cpu["bare"])
        self.add_row("1", "Exit round trip (`out` to UART SCR + `loop`), vmm ÷ bare",
                     f"vmm {fmt_time(statistics.median(cpu['vmm']))}/exit",
                     f"bare {fmt_time(statistics.median(cpu['bare']))}/exit",
                     ratio, "≤ 1.05×", lambda r: r <= 1.05,
                     f"N={n}; wall-time ratio {fmt_ratio(self.ratios(wall['vmm'], wall['bare']))}")
        self.whole_process(n)
        for a, label in (("bare", "bare KVM_RUN loop"), ("bare+vmm-kvm", "bare + irqchip, PIT, sync_regs"),
                         ("vmm", "vmm")):
            self.add_per_exit(f"{label} (row 1)", cpu[a])
        extra = statistics.median(cpu["vmm"]) - statistics.median(cpu["bare+vmm-kvm"])
        self.notes.append(
            f"Row 1 split: the bare loop with vmm's KVM configuration (in-kernel irqchip "
            f"and PIT, KVM_SYNC_X86_REGS) costs {fmt_ratio(kvm_side)} of plain bare per exit "
            f"({fmt_spread(kvm_side)}); vmm costs {fmt_time(extra)} per exit more than that "
            f"arm, which is vmm's own user-space work.")

    def add_per_exit(self, label, per_rep):
        """An arm's per-operation costs (s), for the per-exit figure."""
        st = summary([x * 1e6 for x in per_rep])
        self.per_exit.append({"label": label, "med": st["med"], "q1": st["q1"], "q3": st["q3"],
                              "lo": st["min"], "hi": st["max"]})

    def whole_process(self, n):
        """Row 1b: row 1's runs of N exits taken whole, start-up and exit
        included (what a user waits for), wall time and CPU time."""
        runs = self.last_runs
        wall = self.ratios([r["exit"] for r in runs[("vmm", n)]],
                           [r["exit"] for r in runs[("bare", n)]])
        cpu = self.ratios([r["cpu"] for r in runs[("vmm", n)]],
                          [r["cpu"] for r in runs[("bare", n)]])
        med = lambda a, k: statistics.median(r[k] for r in runs[(a, n)])
        self.add_row("1b", f"Whole process, {n} exits (exec to reaped, wall time), vmm ÷ bare",
                     f"vmm {fmt_time(med('vmm', 'exit'))}", f"bare {fmt_time(med('bare', 'exit'))}",
                     wall, "≤ 1.05×", lambda r: r <= 1.05,
                     f"row 1's runs, nothing subtracted; CPU-time ratio {fmt_ratio(cpu)} "
                     f"({fmt_spread(cpu)})")

    def row_qemu(self):
        self.log("2. vmm against QEMU (microvm, the same multiboot guest)")
        if not self.qemu:
            self.add_row("2", "vs QEMU", "n/a", "n/a", None, "", "n/a", self.qemu_missing)
            return
        arms = {"vmm": self.pio32_vmm, "qemu": self.pio32_qemu}
        one = lambda n: 1  # the byte the guest sends first
        n = self.calibrate(arms["vmm"], one)
        cpu, wall = self.per_op(arms, n, one)
        ratio = self.ratios(cpu["qemu"], cpu["vmm"])
        self.add_per_exit("vmm, protected mode (row 2a)", cpu["vmm"])
        self.add_per_exit("QEMU microvm, protected mode (row 2a)", cpu["qemu"])
        self.add_row("2a", "Per exit (protected mode, SCR writes), QEMU ÷ vmm",
                     f"vmm {fmt_time(statistics.median(cpu['vmm']))}/exit",
                     f"QEMU {fmt_time(statistics.median(cpu['qemu']))}/exit",
                     ratio, "≥ 1.5×", lambda r: r >= 1.5,
                     f"N={n}; wall-time ratio {fmt_ratio(self.ratios(wall['qemu'], wall['vmm']))}")
        self.startup()

    def startup(self):
        """Start-up runs of the N = 0 guest (rows 2b and 6b), wall time."""
        reps = max(self.reps, 11)
        arms = {"vmm": lambda: self.pio32_vmm(0),
                "bare": lambda: [self.bare, "--mark", self.guest("pio64", 0)],
                "bare+irqchip": lambda: [self.bare, "--mark", "--irqchip", self.guest("pio64", 0)]}
        if self.qemu:
            arms["qemu"] = lambda: self.pio32_qemu(0)
        res = self.singles(arms, reps, want_bytes=1)
        self.start = res
        med = lambda a, k: statistics.median(r[k] for r in res[a])
        if self.qemu:
            ratio = self.ratios([r["exit"] for r in res["qemu"]], [r["exit"] for r in res["vmm"]])
            self.add_row("2b", "Process start to exit, guest exits at once, QEMU ÷ vmm",
                         f"vmm {fmt_time(med('vmm', 'exit'))}",
                         f"QEMU {fmt_time(med('qemu', 'exit'))}",
                         ratio, "≥ 10×", lambda r: r >= 10, f"{reps} runs each, wall time")
        gone = lambda a: statistics.median(r["exit"] - r["first"] for r in res[a])
        vs = summary([r["exit"] * 1e3 for r in res["vmm"]])
        self.add_row("2c", "Guest exits at once: exec to reaped, vmm ÷ bare KVM_RUN loop",
                     f"vmm {fmt_time(med('vmm', 'exit'))}", f"bare {fmt_time(med('bare', 'exit'))}",
                     self.ratios([r["exit"] for r in res["vmm"]], [r["exit"] for r in res["bare"]]),
                     "vmm ≤ 5 ms", "yes" if vs["med"] <= 5 else "no",
                     f"{reps} runs each, wall time; vmm alone: {fmt_spread(vs, ' ms')}")
        note = (f"Start-up (medians, wall time): vmm reaches its guest in "
                f"{fmt_time(med('vmm', 'first'))} and is reaped {fmt_time(gone('vmm'))} after "
                f"the guest is done. The bare loop reaches its first KVM_RUN in "
                f"{fmt_time(med('bare', 'first'))} and is reaped {fmt_time(gone('bare'))} after; "
                f"with the in-kernel irqchip and PIT that vmm creates, "
                f"{fmt_time(med('bare+irqchip', 'first'))} and "
                f"{fmt_time(gone('bare+irqchip'))}: closing such a VM in the process costs "
                f"{fmt_time(gone('bare+irqchip') - gone('bare'))} (see \"Closing a VM\"), "
                f"which vmm leaves to a kernel worker after it is reaped.")
        if self.qemu:
            note += (f" QEMU microvm (split irqchip, PIC and PIT in user space) is reaped "
                     f"{fmt_time(gone('qemu'))} after its guest's byte.")
        self.notes.append(note)
        labels = {"vmm": "vmm", "bare": "bare KVM_RUN loop",
                  "bare+irqchip": "bare + irqchip and PIT", "qemu": "QEMU microvm"}
        rows = []
        for a in res:
            st = summary([r["exit"] * 1e3 for r in res[a]])
            rows.append({"label": labels[a], "med": st["med"], "q1": st["q1"], "q3": st["q3"],
                         "lo": st["min"], "hi": st["max"]})
        self.figure("fig-start-to-reaped.svg",
                    "Start to reaped: a guest that exits at once",
                    f"exec to reaped, wall time, {reps} runs per arm interleaved; bar: median, "
                    f"whisker: IQR, dots: min and max",
                    "ms", rows, log=True, fmt=lambda v: f"{v:.3g}")

    def figure(self, name, title, caption, unit, rows, **kw):
        """Draw a figure next to results.md and embed it there."""
        try:
            plots.bars(os.path.join(self.fig_dir, name), title, caption, unit, rows, **kw)
            self.figures.append((name, f"{title}: {caption}"))
        except (OSError, ValueError, ZeroDivisionError) as e:
            self.notes.append(f"Figure {name} could not be drawn: {e}")

    def row_teardown(self):
        """Closing a VM, by configuration: build/bench/teardown creates and
        closes one VM per process (a fresh process each time, as vmm), and
        times each ioctl and the close."""
        self.log("2d. closing a VM, by configuration (bench/teardown.c)")
        configs = [("no in-kernel device", []), ("coalesced zone only", ["--coalesced"]),
                   ("irqchip", ["--irqchip"]), ("irqchip + PIT (vmm)", ["--irqchip", "--pit"]),
                   ("irqchip + PIT, KVM_REINJECT_CONTROL(0)", ["--irqchip", "--pit", "--reinject-off"]),
                   ("split irqchip", ["--split"]), ("split irqchip + coalesced zone", ["--split", "--coalesced"])]
        reps = 11
        steps = {c: {} for c, _ in configs}
        for rep in range(reps):
            for c, opts in (configs if rep % 2 == 0 else configs[::-1]):
                r = subprocess.run([self.teardown_bin, *opts, "--vcpu", "--reps", "1"],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    raise RunError(f"teardown {' '.join(opts)}: {r.stderr.strip()[:200]}")
                for line in r.stdout.splitlines():
                    name, med, _, _ = line.split()
                    steps[c].setdefault(name, []).append(float(med) / 1e3)
        lines = ["## Closing a VM", "",
                 f"`build/bench/teardown` (bench/teardown.c): per configuration, {reps} processes, "
                 f"interleaved, each creating one VM (a memslot, the devices, one vCPU) and closing "
                 f"it; ms, median (min–max). This kernel: {platform.release()}.", "",
                 "| configuration | create (all steps) | close(vm) |", "|---|---|---|"]
        for c, _ in configs:
            close = steps[c].pop("close(vm)")
            create = [sum(x) for x in zip(*steps[c].values())]
            cs, ks = summary(close), summary(create)
            lines.append(f"| {c} | {ks['med']:.2f} ({ks['min']:.2f}–{ks['max']:.2f}) | "
                         f"{cs['med']:.2f} ({cs['min']:.2f}–{cs['max']:.2f}) |")
        lines += ["", TEARDOWN_MECHANISM, ""]
        self.sections.append("\n".join(lines))

    def row_sync_regs(self):
        self.log("3. hypercalls: sync_regs against --no-sync-regs")
        arms = {"sync": lambda n: [self.vmm, self.guest("hcall64", n)],
                "nosync": lambda n: [self.vmm, "--no-sync-regs", self.guest("hcall64", n)]}
        n = self.calibrate(arms["sync"])
        cpu, wall = self.per_op(arms, n)
        ratio = self.ratios(cpu["nosync"], cpu["sync"])
        self.add_per_exit("vmm hypercall, sync_regs (row 3)", cpu["sync"])
        self.add_per_exit("vmm hypercall, GET/SET_REGS (row 3)", cpu["nosync"])
        self.add_row("3", "Hypercall (port 0x500, add), --no-sync-regs ÷ default",
                     f"sync_regs {fmt_time(statistics.median(cpu['sync']))}/call",
                     f"GET/SET_REGS {fmt_time(statistics.median(cpu['nosync']))}/call",
                     ratio, "≥ 1.3×", lambda r: r >= 1.3,
                     f"N={n}; wall-time ratio {fmt_ratio(self.ratios(wall['nosync'], wall['sync']))}")
        diff = [b - a for a, b in zip(cpu["sync"], cpu["nosync"])]
        self.notes.append(
            f"Row 3: KVM_GET_REGS + KVM_SET_REGS cost {fmt_time(statistics.median(diff))} per "
            f"hypercall here (median of per-rep differences, IQR "
            f"{fmt_time(quartiles(diff)[0])}–{fmt_time(quartiles(diff)[2])}).")

    @staticmethod
    def guest_exits(stderr):
        """Exits from --stats, less the host thread's kicks (INTR): those
        come from the clock, not from what the guest does."""
        m = re.search(r"exits to userspace: (\d+)", stderr)
        if not m:
            raise RunError("no exit count in --stats output")
        kicks = re.search(r"^    INTR +(\d+)$", stderr, re.M)
        return int(m.group(1)) - (int(kicks.group(1)) if kicks else 0)

    def exits_per_op(self, make_cmd, n):
        counts = []
        for size in (0, n):
            res = self.launch(make_cmd(size), want_bytes=size)
            counts.append(self.guest_exits(res["stderr"]))
        return (counts[1] - counts[0]) / n

    def serial_arms(self, guest):
        """One serial guest coalesced and with --no-coalesce: N bytes, the
        ratio, exits per byte and kB/s per arm."""
        arms = {"coalesced": lambda n: [self.vmm, self.guest(guest, n)],
                "exiting": lambda n: [self.vmm, "--no-coalesce", self.guest(guest, n)]}
        count = lambda n: n
        n = self.calibrate(arms["exiting"], count)
        cpu, wall = self.per_op(arms, n, count)
        epb = {a: self.exits_per_op(lambda s, a=a: [*arms[a](s)[:-1], "--stats", arms[a](s)[-1]], n)
               for a in arms}
        rate = {a: 1 / statistics.median(cpu[a]) / 1e3 for a in arms}
        note = (f"N={n} bytes; wall-time ratio "
                f"{fmt_ratio(self.ratios(wall['exiting'], wall['coalesced']))}")
        return cpu, self.ratios(cpu["exiting"], cpu["coalesced"]), epb, rate, note

    def row_serial(self):
        self.log("4. serial: coalesced THR against --no-coalesce")
        cpu, ratio, epb, rate, note = self.serial_arms("serial64")
        self.add_row("4", "Serial, LSR-polled as Linux's console, bytes/s coalesced ÷ --no-coalesce",
                     f"coalesced {rate['coalesced']:.1f} kB/s, {epb['coalesced']:.2f} exits/byte",
                     f"exiting {rate['exiting']:.1f} kB/s, {epb['exiting']:.2f} exits/byte",
                     ratio, "≥ 1.8×", lambda r: r >= 1.8, note)
        self.add_per_exit("vmm serial byte, LSR poll + coalesced THR (row 4)", cpu["coalesced"])
        self.add_per_exit("vmm serial byte, LSR poll + THR exit (row 4)", cpu["exiting"])
        self.serial_fifo()

    def serial_fifo(self):
        """Row 4b: the console's FIFO pattern (one THRE wait per 16 bytes)."""
        _, ratio, epb, rate, note = self.serial_arms("serialfifo64")
        self.add_row("4b", "Serial, FIFO-filled as Linux's console once its tty is open (one LSR "
                     "wait per 16 bytes), bytes/s coalesced ÷ --no-coalesce",
                     f"coalesced {rate['coalesced']:.1f} kB/s, {epb['coalesced']:.3f} exits/byte",
                     f"exiting {rate['exiting']:.1f} kB/s, {epb['exiting']:.3f} exits/byte",
                     ratio, "coalesced ≤ 0.1 exits/byte", "yes" if epb["coalesced"] <= 0.1 else "no",
                     note)

    FB_GEOM = (160, 100)
    # Frames per run (K; the long runs do 2K) per arm: the exiting arm costs
    # ~15x more per frame here, so it gets fewer frames for a similar time.
    FB_K = {"coalesced": 32, "exiting": 4, "ram": 32}

    def row_fb(self):
        self.log("5. framebuffer: full-frame fills, coalesced against --no-coalesce and --fb-ram")
        w, h = self.FB_GEOM
        flags = {"coalesced": [], "exiting": ["--no-coalesce"], "ram": ["--fb-ram"]}
        cmd = lambda a, k, *extra: [self.vmm, *extra, "--fb", f"{w}x{h}", *flags[a],
                                    self.guest("fbfill64", k)]
        names = list(flags)
        reps = min(self.reps, 11)
        runs = {(a, k): [] for a in names for k in (self.FB_K[a], 2 * self.FB_K[a])}
        for rep in range(reps):
            order = names if rep % 2 == 0 else names[::-1]
            for a, k in ([(a, 2 * self.FB_K[a]) for a in order]
                         + [(a, self.FB_K[a]) for a in order[::-1]]):
                runs[(a, k)].append(self.launch(cmd(a, k), want_bytes=0))
        per = {}
        for key in ("cpu", "exit"):
            per[key] = {}
            for a in names:
                k = self.FB_K[a]
                t0 = statistics.median(r[key] for r in runs[(a, k)])
                per[key][a] = [(r[key] - t0) / k for r in runs[(a, 2 * k)]]
        if self.verbose:
            for a in names:
                self.log(f"    {a}: cpu per frame "
                         + " ".join(f"{x * 1e3:.2f}" for x in per["cpu"][a]) + " ms")
        epf = {}
        for a in names:
            k = self.FB_K[a]
            counts = []
            for size in (k, 2 * k):
                res = self.launch(cmd(a, size, "--stats"), want_bytes=0)
                counts.append(self.guest_exits(res["stderr"]))
            epf[a] = (counts[1] - counts[0]) / k
        cpu, wall = per["cpu"], per["exit"]
        med = lambda a: statistics.median(cpu[a])
        names = {"coalesced": "coalesced MMIO (default)", "exiting": "--no-coalesce",
                 "ram": "--fb-ram (RAM memslot)"}
        self.figure("fig-fb-exits-per-frame.svg", "Framebuffer: exits per full frame",
                    f"{w}x{h} frame filled by one rep stosq ({(w * h + 1) // 2} 8-byte stores); "
                    f"(exits at 2K frames - exits at K) / K from --stats, one run each",
                    "exits per frame", [{"label": names[a], "med": epf[a]} for a in names],
                    log=True, fmt=lambda v: f"{v:.4g}")
        desc = lambda a, who: (f"{who} {fmt_time(med(a))}/frame "
                               f"(wall {fmt_time(statistics.median(wall[a]))}), "
                               f"{epf[a]:.0f} exits/frame")
        stores = (w * h + 1) // 2
        self.add_row("5a", f"Framebuffer full-frame fill ({w}x{h}, `rep stosq`: {stores} "
                     f"8-byte stores/frame), time per frame, --no-coalesce ÷ coalesced",
                     desc("coalesced", "coalesced"), desc("exiting", "--no-coalesce"),
                     self.ratios(cpu["exiting"], cpu["coalesced"]), "≥ 2×",
                     lambda r: r >= 2,
                     f"K={self.FB_K['coalesced']}/{self.FB_K['exiting']} vs 2K frames, {reps} reps;"
                     f" wall-time ratio {fmt_ratio(self.ratios(wall['exiting'], wall['coalesced']))}")
        self.add_row("5b", f"Framebuffer full-frame fill ({w}x{h}), time per frame, "
                     f"coalesced ÷ --fb-ram",
                     desc("ram", "--fb-ram"), desc("coalesced", "coalesced"),
                     self.ratios(cpu["coalesced"], cpu["ram"]), "--fb-ram 0 exits/frame",
                     "yes" if epf["ram"] < 0.5 else "no",
                     f"K={self.FB_K['ram']} vs 2K frames, {reps} reps; wall-time ratio "
                     f"{fmt_ratio(self.ratios(wall['coalesced'], wall['ram']))}")

    def footprint(self, cmd, ram_kb):
        """Start cmd, wait for its first output byte (the guest runs), read
        /proc, terminate it. Returns VmHWM, guest RAM Rss, RssAnon, RssFile
        in kB."""
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        try:
            if not p.stdout.read(1):
                raise RunError(f"{cmd[0]}: no output from the spinning guest")
            time.sleep(0.05)
            status = open(f"/proc/{p.pid}/status").read()
            smaps = open(f"/proc/{p.pid}/smaps").read()
        finally:
            p.terminate()
            p.wait()
        kb = lambda k: int(re.search(rf"^{k}:\s+(\d+) kB", status, re.M).group(1))
        guest = []
        size = None
        for line in smaps.splitlines():
            if line.startswith("Size:"):
                size = int(line.split()[1])
            elif line.startswith("Rss:") and size == ram_kb:
                guest.append(int(line.split()[1]))
        if len(guest) != 1:
            raise RunError(f"{cmd[0]}: {len(guest)} mappings of {ram_kb} kB, expected 1")
        return {"hwm": kb("VmHWM"), "guest": guest[0], "anon": kb("RssAnon"),
                "file": kb("RssFile"), "beyond": kb("VmHWM") - guest[0]}

    def row_footprint(self):
        self.log("6. footprint: RSS beyond guest RAM, exec to first KVM_RUN")
        elf = self.guest("spin32", None, "elf")
        arms = {"vmm": lambda: self.vmm_pm(self.guest("spin32"), elf, "-m", "3M", "--timeout", "30")}
        if self.qemu:
            arms["qemu"] = lambda: self.qemu_cmd(elf, "3M")
        fp = {a: [] for a in arms}
        for rep in range(5):
            for a in (list(arms) if rep % 2 == 0 else list(arms)[::-1]):
                fp[a].append(self.footprint(arms[a](), FOOTPRINT_RAM_KB))
        med = {a: {k: statistics.median(x[k] for x in fp[a]) for k in fp[a][0]} for a in fp}
        desc = lambda a, who: (f"{who} {med[a]['beyond'] / 1024:.2f} MiB (VmHWM {med[a]['hwm']:.0f}"
                               f" kB − {med[a]['guest']:.0f} kB guest RAM; RssAnon "
                               f"{med[a]['anon']:.0f} kB, RssFile {med[a]['file']:.0f} kB)")
        ok = "yes" if med["vmm"]["beyond"] <= 2048 else "no"
        if self.qemu:
            ratio = self.ratios([x["beyond"] for x in fp["qemu"]], [x["beyond"] for x in fp["vmm"]])
            self.add_row("6a", "RSS beyond guest RAM (-m 3M, spinning guest), QEMU ÷ vmm",
                         desc("vmm", "vmm"), desc("qemu", "QEMU"), ratio, "vmm ≤ 2 MiB", ok,
                         "5 runs each, peak RSS")
        else:
            self.add_row("6a", "RSS beyond guest RAM (-m 3M, spinning guest)",
                         desc("vmm", "vmm"), "QEMU n/a", None, "vmm ≤ 2 MiB", ok,
                         f"5 runs; {self.qemu_missing}")
        start = getattr(self, "start", None)
        if not start:  # row 2 did not run
            self.startup()
            start = self.start
        first = {a: [r["first"] for r in start[a]] for a in ("vmm", "qemu") if a in start}
        fv = statistics.median(first["vmm"])
        fs = summary([x * 1e3 for x in first["vmm"]])
        ok = "yes" if fv <= 2e-3 else "no"
        spread = f"vmm alone: {fmt_spread(fs, ' ms')}"
        if self.qemu:
            ratio = self.ratios(first["qemu"], first["vmm"])
            self.add_row("6b", "exec to guest running (≈ first KVM_RUN), QEMU ÷ vmm",
                         f"vmm {fmt_time(fv)}",
                         f"QEMU {fmt_time(statistics.median(first['qemu']))} (firmware included)",
                         ratio, "vmm ≤ 2 ms", ok, f"{len(first['vmm'])} runs each; {spread}")
        else:
            self.add_row("6b", "exec to guest running (≈ first KVM_RUN)", f"vmm {fmt_time(fv)}",
                         "QEMU n/a", None, "vmm ≤ 2 ms", ok, f"{spread}; {self.qemu_missing}")

    IDLE_SETTLE, IDLE_SPAN = 0.3, 2.0  # s: after the guest's byte, then measured

    def idle_arms(self):
        """vmm, and the baseline vmm when BENCH_BASELINE names one."""
        arms = {"vmm": self.vmm}
        if self.baseline:
            arms["before"] = self.baseline
        return arms

    @staticmethod
    def cpu_ns(pid):
        """CPU time of all of pid's threads so far, in ns: the first field
        of each /proc/PID/task/TID/schedstat (exact, where /proc/PID/stat
        counts in 10 ms ticks)."""
        total = 0
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass  # a thread that just ended
        return total

    def idle_cpu(self, cmd):
        """CPU seconds per second of a running guest, measured from IDLE_SETTLE
        s after its first byte, over IDLE_SPAN s."""
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        try:
            if not p.stdout.read(1):
                raise RunError(f"{' '.join(cmd)}: no output from the idle guest")
            time.sleep(self.IDLE_SETTLE)
            t0, c0 = time.monotonic(), self.cpu_ns(p.pid)
            time.sleep(self.IDLE_SPAN)
            t1, c1 = time.monotonic(), self.cpu_ns(p.pid)
        finally:
            p.terminate()
            p.wait()
        return (c1 - c0) / 1e9 / (t1 - t0)

    def row_idle(self):
        self.log("11. idle guest: host CPU per second of `sti; hlt`, and the end after `cli; hlt`")
        bins = self.idle_arms()
        reps = min(self.reps, 9)
        for number, smp, n in (("11a", 1, 0), ("11b", 4, 0), ("11d", 1, 2)):
            per = {a: [] for a in bins}
            for rep in range(reps):
                for a in (list(bins) if rep % 2 == 0 else list(bins)[::-1]):
                    per[a].append(self.idle_cpu([bins[a], "--smp", str(smp), "--timeout", "60",
                                                 self.guest("idle64", n)]))
            desc = lambda a, who: (f"{who} {statistics.median(per[a]) * 1e3:.3f} ms of CPU per s "
                                   f"({statistics.median(per[a]) * 100:.3f}% of a CPU)")
            what = (f"Idle guest (`sti; hlt`, {smp} vCPU{'s' if smp > 1 else ''}"
                    f"{', the APs never started' if smp > 1 else ''}"
                    f"{', woken by the PIT 18.2 times a second' if n else ', nothing wakes it'}"
                    f"): host CPU per second")
            note = (f"{reps} runs each, {self.IDLE_SPAN} s each from /proc/PID/task/*/schedstat; "
                    f"vmm alone: {fmt_spread(summary([x * 1e3 for x in per['vmm']]), ' ms/s')}")
            if "before" in bins:
                self.add_row(number, what + ", before ÷ after", desc("vmm", "after"),
                             desc("before", "before"), self.ratios(per["before"], per["vmm"]),
                             "≥ 5×", lambda r: r >= 5, note + f"; before: {self.baseline}")
            else:
                self.add_row(number, what, desc("vmm", "vmm"), "before: n/a", None, "", "n/a",
                             note + "; BENCH_BASELINE=OLD-VMM gives the ratio")
        self.row_idle_end(bins, reps)

    def row_idle_end(self, bins, reps):
        """From the guest's byte to vmm reaped: `cli; hlt` noticed (11c)."""
        arms = {a: (lambda a=a: [bins[a], self.guest("idle64", 1)]) for a in bins}
        res = self.singles(arms, self.reps, want_bytes=1, want_status=0)
        gone = {a: [r["exit"] - r["first"] for r in res[a]] for a in bins}
        med = lambda a: fmt_time(statistics.median(gone[a]))
        what = "End of a run by `cli; hlt` (1 vCPU): guest's last byte to vmm reaped"
        note = (f"{self.reps} runs each, wall time; includes closing the VM (~20 ms here, "
                f"see the start-up note)")
        if "before" in bins:
            self.add_row("11c", what + ", before ÷ after", f"after {med('vmm')}",
                         f"before {med('before')}", self.ratios(gone["before"], gone["vmm"]),
                         "≥ 0.9× (no later, within noise)", lambda r: r >= 0.9, note)
        else:
            self.add_row("11c", what, f"vmm {med('vmm')}", "before: n/a", None, "", "n/a", note)


    LINUX_REPS = int(os.environ.get("BENCH_LINUX_REPS", 10))

    def linux_inputs(self, number, title, extra=()):
        """The harness's inputs, built if need be; None (and an n/a row)
        when a kernel or initramfs is missing."""
        cache = os.environ.get("VMM_CACHE", os.path.expanduser("~/.cache/vmm"))
        files = {"tiny": (os.path.join(cache, "bzImage-tiny"), "tests/linux/build-kernel.sh"),
                 "initrd": (os.path.join(cache, "initramfs.cpio.gz"),
                            "tests/linux/build-initramfs.sh"),
                 "debian": (os.path.join(cache, "vmlinuz-debian"),
                            "tests/linux/fetch-debian-kernel.sh")}
        for k in ("tiny", "initrd", *extra):
            f, how = files[k]
            if not os.path.exists(f):
                self.add_row(number, title, f"n/a ({f} missing: run {how})", "", None, "", "n/a")
                return None
        r = subprocess.run(["make", "-s", "vmm-static"], capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists("vmm-static"):
            raise RunError(f"make vmm-static failed: {r.stderr.strip()[-300:]}")
        return {k: v[0] for k, v in files.items()}

    def harness(self, cmd, limit, log):
        """Run a harness script; its output, and whether it finished (an
        outer VM that stalls is killed at limit + 30 s: what it printed so
        far is kept, and the row says so). The output is kept in LOG too."""
        out, err, why = self.harness_run(cmd, limit)
        with open(os.path.join(self.build, log), "w") as f:
            f.write(out + "\n--- stderr\n" + err)
        return out, err, why

    def harness_run(self, cmd, limit):
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True,
                             env={**os.environ, "BENCH_HARNESS_TIMEOUT": str(limit)})
        try:
            out, err = p.communicate(timeout=limit + 30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)  # the harness and its QEMU: our own process group
            out, err = p.communicate()
            return out, err, f"killed after {limit + 30} s"
        if not re.search(r"HARNESS-STATUS: \d+", out):
            timed_out = "timed out" in err
            return out, err, ("the outer VM stalled (killed at its time limit)" if timed_out
                              else "the outer VM gave no status") + " (build/bench/*.log)"
        return out, err, None

    def row_linux(self):
        self.log("7. Linux boot to init in the TCG harness: vmm against QEMU microvm")
        title = "Linux boot to init (tiny 6.1 + busybox initramfs, hardware-semantics KVM in TCG)"
        f = self.linux_inputs("7", title)
        if not f:
            return
        limit = 120 + 100 * self.LINUX_REPS
        out, err, stalled = self.harness(["bench/linux-boot.sh", str(self.LINUX_REPS),
                                          "vmm-static", f["tiny"], f["initrd"], "1"], limit,
                                         "linux-boot.log")
        boots = {"vmm": {}, "qemu": {}, "vmmnc": {}}
        cpu = "none"
        for line in out.splitlines():
            m = re.search(r"BENCH-BOOT: (vmm|qemu|vmmnc) (\d+) ([\d.]+) ([\d.]+)$", line)
            if m:
                boots[m.group(1)][int(m.group(2))] = float(m.group(4)) - float(m.group(3))
            m = re.search(r"BENCH-QEMU-CPU: (.*)$", line)
            if m:
                cpu = m.group(1).strip()
        if self.verbose or not boots["vmm"] or stalled:
            self.log("\n".join(l for l in out.splitlines() if "BENCH" in l or "HARNESS" in l))
        if stalled:
            self.notes.append(f"Row 7: the harness run did not finish ({stalled}); the boots "
                              f"it completed before are counted, none was retried.")
        if not boots["vmm"]:
            raise RunError(f"no vmm boot reached VMM-INIT-OK ({stalled or 'see bench log'})")
        vmm = [boots["vmm"][i] for i in sorted(boots["vmm"])]
        vs = summary(vmm)
        a = f"vmm {vs['med']:.2f} s (min–max {vs['min']:.2f}–{vs['max']:.2f} s)"
        note = (f"{len(vmm)} boots each, interleaved, after one warm-up each; /proc/uptime in the "
                f"outer VM (10 ms), fork to VMM-INIT-OK; vmm -m 128M, 1 vCPU"
                + (f"; harness {stalled}" if stalled else ""))
        self.linux_boots = {"vmm": vmm}
        self.linux_by_rep = boots  # for row 7b: the boots with --no-coalesce
        if boots["vmmnc"]:
            self.linux_boots["vmmnc"] = [boots["vmmnc"][i] for i in sorted(boots["vmmnc"])]
        both = sorted(set(boots["vmm"]) & set(boots["qemu"]))
        if cpu == "none" or not both:
            self.add_row("7", title, a, "QEMU n/a", None, "", "n/a",
                         note + "; QEMU did not boot inside the outer VM (see bench log)")
            return
        qemu = [boots["qemu"][i] for i in both]
        self.linux_boots["qemu"] = qemu
        qs = summary(qemu)
        ratio = self.ratios(qemu, [boots["vmm"][i] for i in both])
        self.add_row("7", title + ", QEMU ÷ vmm", a,
                     f"QEMU microvm {qs['med']:.2f} s (min–max {qs['min']:.2f}–{qs['max']:.2f} s)",
                     ratio, "≥ 1.5×", lambda x: x >= 1.5,
                     note + f"; QEMU -m 128 {'-cpu host' if cpu == '-cpu host' else '(default CPU)'}")

    KMSG_LINES = 200
    CONSOLE_INIT = """#!/bin/sh
# bench's console initrd: after the console is open, vmm.kmsg=N kernel
# messages (lines written to /dev/kmsg), printed by the kernel's console.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev 2>/dev/null
n=0
for w in $(cat /proc/cmdline); do case $w in vmm.kmsg=*) n=${w#vmm.kmsg=} ;; esac; done
echo VMM-INIT-OK
i=0
while [ $i -lt $n ]; do
    echo "vmm console line $i: the quick brown fox jumps over the lazy dog 0123456789" >/dev/kmsg
    i=$((i + 1))
done
echo VMM-KMSG-DONE
poweroff -f
"""

    def console_initrd(self, base):
        """The test initramfs with bench's /init appended (a later cpio
        entry replaces an earlier one; Linux unpacks concatenated archives)."""
        work = os.path.join(self.build, "console-initrd")
        os.makedirs(work, exist_ok=True)
        with open(os.path.join(work, "init"), "w") as f:
            f.write(self.CONSOLE_INIT)
        os.chmod(os.path.join(work, "init"), 0o755)
        cpio = subprocess.run("echo init | cpio -o -H newc --quiet | gzip -9n", shell=True,
                              cwd=work, capture_output=True)
        if cpio.returncode != 0:
            raise RunError(f"cannot pack the console initrd: {cpio.stderr.decode()[-200:]}")
        path = os.path.join(self.build, "console-initrd.cpio.gz")
        with open(base, "rb") as b, open(path, "wb") as out:
            out.write(b.read() + cpio.stdout)
        return path

    @staticmethod
    def parse_stats(text):
        """vmm --stats output: exits, exit reasons, port exits (count, reads,
        writes) and ring entries by address."""
        st = {"exits": 0, "reasons": {}, "ports": {}, "ring": {}}
        section = None
        for line in text.splitlines():
            m = re.match(r"  exits to userspace: (\d+)", line)
            if m:
                st["exits"], section = int(m.group(1)), "reasons"
                continue
            m = re.match(r"  (\S.*):$", line)
            if m:
                section = {"port I/O exits by port": "ports",
                           "coalesced entries by address": "ring"}.get(m.group(1))
                continue
            if line.startswith("  ") and not line.startswith("    ") and section != "reasons":
                section = None
            m = re.match(r"    (0x[0-9a-f]+) +(\d+)(?: \(reads (\d+), writes (\d+)\))?$", line)
            if m and section == "ports":
                st["ports"][int(m.group(1), 16)] = (int(m.group(2)), int(m.group(3)),
                                                    int(m.group(4)))
            elif m and section == "ring":
                st["ring"][int(m.group(1), 16)] = int(m.group(2))
            m = re.match(r"    ([A-Z_]+) +(\d+)$", line)
            if m and section == "reasons":
                st["reasons"][m.group(1)] = int(m.group(2))
        return st

    # The machine map's ports by device (lib/machine.h), and the absent
    # ones Linux probes.
    PORT_DEVICES = [
        (0x3f8, 0x3ff, "UART COM1"), (0x60, 0x60, "i8042"), (0x64, 0x64, "i8042"),
        (0x70, 0x71, "CMOS RTC"), (0x80, 0x80, "POST port"), (0xf4, 0xf7, "debug exit"),
        (0x500, 0x500, "hypercall"), (0x510, 0x511, "fw_cfg"), (0x600, 0x605, "ACPI PM"),
        (0xcf8, 0xcff, "PCI config (mechanism 1)"), (0xc000, 0xcfff, "absent: PCI mechanism 2"),
        (0x2f8, 0x2ff, "absent: COM2-4"), (0x3e8, 0x3ef, "absent: COM2-4"),
        (0x2e8, 0x2ef, "absent: COM2-4"), (0x2e, 0x2f, "absent: Super I/O"),
        (0x4e, 0x4f, "absent: Super I/O"), (0x80, 0x8f, "absent: DMA page registers")]

    def device_of(self, port):
        for lo, hi, name in self.PORT_DEVICES:
            if lo <= port <= hi:
                return name
        return "absent: other"

    def exit_table(self, name, st):
        """Markdown: a boot's exits by device, with the ports of each."""
        dev = {}
        for port, (n, rd, wr) in st["ports"].items():
            d = dev.setdefault(self.device_of(port), {"n": 0, "ports": []})
            d["n"] += n
            d["ports"].append(f"{port:#x} {rd}r/{wr}w")
        ring = sum(st["ring"].values())
        lines = [f"**{name}**: {st['exits']} exits to user space "
                 f"({', '.join(f'{k} {v}' for k, v in st['reasons'].items())}); "
                 f"{ring} coalesced ring entries (UART THR).", "",
                 "| device | exits | ports (reads r / writes w) |", "|---|---|---|"]
        for d, v in sorted(dev.items(), key=lambda kv: -kv[1]["n"]):
            lines.append(f"| {d} | {v['n']} | {', '.join(v['ports'])} |")
        if st["reasons"].get("INTR"):
            lines.append(f"| (host thread kicks: KVM_RUN interrupted) | {st['reasons']['INTR']} | |")
        return lines, dev

    @staticmethod
    def thr_bytes(st):
        """Bytes through THR: ring entries plus write exits at 0x3f8 (a
        handful of those are divisor-latch writes)."""
        return st["ring"].get(0x3f8, 0) + st["ports"].get(0x3f8, (0, 0, 0))[2]

    def row_linux_exits(self):
        self.log("7b-d. a Linux boot's exits and console in the TCG harness (vmm --stats)")
        title = "Linux's console in a real boot (tiny 6.1 kernel, whole boot)"
        f = self.linux_inputs("7b", title, extra=("debian",))
        if not f:
            return
        console = self.console_initrd(f["initrd"])
        out, err, stalled = self.harness(["bench/linux-exits.sh", "vmm-static", f["tiny"],
                                          f["debian"], f["initrd"], console,
                                          str(self.KMSG_LINES)], 360, "linux-exits.log")
        runs, stats = {}, {}
        for m in re.finditer(r"BENCH-RUN: (\S+) ([\d.]+) (\S+) ([\d.]+) (\S+)", out):
            t0 = float(m.group(2))
            runs[m.group(1)] = {"init": float(m.group(3)) - t0 if m.group(3) != "none" else None,
                                "end": float(m.group(4)) - t0, "status": m.group(5)}
        for m in re.finditer(r"BENCH-STATS-BEGIN (\S+)\n(.*?)BENCH-STATS-END \1", out, re.S):
            stats[m.group(1)] = self.parse_stats(m.group(2))
        if self.verbose or stalled:
            self.log("\n".join(l for l in out.splitlines() if "BENCH-RUN" in l or "HARNESS" in l))
        if stalled:
            self.notes.append(f"Rows 7b-7c: the harness run did not finish ({stalled}); "
                              f"finished boots: {', '.join(runs) or 'none'}; none was retried.")
        if "tiny" not in stats:
            raise RunError(f"the tiny kernel's --stats boot did not finish ({stalled})")
        need = [k for k in ("tiny", "tiny-nc") if k in stats]
        per = {}
        for k in need:
            st = stats[k]
            b = self.thr_bytes(st)
            lsr = st["ports"].get(0x3fd, (0, 0, 0))[1]
            per[k] = (st["exits"] / b, lsr / b)
        # Boot times: row 7's interleaved boots, with and without coalescing.
        by_rep = getattr(self, "linux_by_rep", {})
        both = sorted(set(by_rep.get("vmm", {})) & set(by_rep.get("vmmnc", {})))
        boot_time = lambda k: (f"; boot to init {statistics.median(by_rep[k][i] for i in both):.2f} s "
                          f"(row 7's {len(both)} boots)" if both else "")
        desc = lambda k, arm, who: (f"{who} {per[k][0]:.2f} exits/byte, {per[k][1]:.2f} LSR "
                                    f"reads per THR write{boot_time(arm)}")
        ratio = summary([by_rep["vmmnc"][i] / by_rep["vmm"][i] for i in both]) if both else None
        b = self.thr_bytes(stats["tiny"])
        self.add_row("7b", title + ": exits per console byte; boot to init, --no-coalesce ÷ "
                     "coalesced", desc("tiny", "vmm", "coalesced"),
                     desc("tiny-nc", "vmmnc", "--no-coalesce") if "tiny-nc" in per else
                     "--no-coalesce n/a (the harness run ended before that boot)", ratio,
                     "≤ 0.1 exits/byte coalesced", "yes" if per["tiny"][0] <= 0.1 else
                     "no (before /init opens the console, one LSR wait per byte: 7c)",
                     f"{b} console bytes; exits from one --stats boot each, to the kernel's halt"
                     + ("" if both else "; boot times n/a (row 7 did not run)"))
        self.kmsg_row(stats, runs)
        self.linux_exit_tables(stats)

    def kmsg_row(self, stats, runs):
        """Row 7c: the console after /init has opened it, from the
        difference of a boot printing N kernel messages and one printing none."""
        title = (f"Linux's console once its tty is open ({self.KMSG_LINES} lines to /dev/kmsg "
                 f"from /init, printed by the kernel), exits per console byte")
        if not all(k in stats for k in ("kmsg-0", "kmsg-n")):
            self.add_row("7c", title, "n/a", "", None, "", "n/a",
                         "the harness run ended before these boots")
            return
        def delta(n0, n1):
            s0, s1 = stats[n0], stats[n1]
            db = self.thr_bytes(s1) - self.thr_bytes(s0)
            lsr = s1["ports"].get(0x3fd, (0, 0, 0))[1] - s0["ports"].get(0x3fd, (0, 0, 0))[1]
            ier = s1["ports"].get(0x3f9, (0, 0, 0))[0] - s0["ports"].get(0x3f9, (0, 0, 0))[0]
            return (s1["exits"] - s0["exits"]) / db, lsr / db, ier, db
        c = delta("kmsg-0", "kmsg-n")
        n = delta("kmsg-0-nc", "kmsg-n-nc") if "kmsg-n-nc" in stats else None
        self.add_row("7c", title + ", --no-coalesce ÷ coalesced",
                     f"coalesced {c[0]:.3f} exits/byte, {c[1]:.3f} LSR reads per THR write "
                     f"({c[2]} IER reads and writes for {self.KMSG_LINES} lines)",
                     f"--no-coalesce {n[0]:.3f} exits/byte" if n else
                     "--no-coalesce n/a (the harness run ended before)",
                     summary([n[0] / c[0]]) if n else None,
                     "≤ 0.1 exits/byte coalesced", "yes" if c[0] <= 0.1 else "no",
                     f"{c[3]} bytes: (boot with N lines − boot with none), exact counts from one "
                     f"--stats boot each")

    def linux_exit_tables(self, stats):
        lines = ["## A Linux boot's exits", "",
                 "vmm --stats, one boot each in the TCG harness (hardware-semantics KVM), "
                 "to the kernel's halt (tiny) or ACPI power-off (Debian), command line "
                 "`console=ttyS0 reboot=k panic=-1 noxsave`; ports vmm does not claim are "
                 "\"absent\". The in-kernel PIC, PIT, IOAPIC and LAPIC never reach user space.", ""]
        rows = []
        for key, name in (("tiny", "tiny 6.1 kernel (coalesced)"),
                          ("tiny-nc", "tiny 6.1 kernel, --no-coalesce"),
                          ("debian", "Debian 6.1 kernel (coalesced)")):
            if key not in stats:
                lines += [f"**{name}**: did not finish (see the notes).", ""]
                continue
            table, dev = self.exit_table(name, stats[key])
            lines += table + [""]
            if key != "tiny-nc":
                short = "tiny" if key == "tiny" else "Debian"
                for d, v in sorted(dev.items(), key=lambda kv: -kv[1]["n"]):
                    rows.append({"label": f"{short}: {d}", "med": v["n"],
                                 "color": 0 if key == "tiny" else 1})
                rows.append({"label": f"{short}: UART THR (ring entries)",
                             "med": sum(stats[key]["ring"].values()),
                             "color": 0 if key == "tiny" else 1})
        self.sections.append("\n".join(lines))
        if rows:
            self.figure("fig-linux-exits-by-device.svg", "A Linux boot's exits by device",
                        "vmm --stats, one boot of each kernel to its end in the TCG harness; "
                        "ring entries are not exits", "exits (ring entries)", rows, log=True,
                        fmt=lambda v: f"{v:.0f}")
    def row_gdb(self):
        self.log("8. --gdb with no client: what it adds to an exit")
        sock = os.path.abspath(os.path.join(self.build, "gdb.sock"))
        pio = lambda *args: lambda n: [self.vmm, *args, self.guest("pio64", n)]
        arms = {"default": pio(), "gdb": pio("--gdb", "unix:" + sock)}
        n = self.calibrate(arms["default"])
        cpu, wall = self.per_op(arms, n)
        ratio = self.ratios(cpu["gdb"], cpu["default"])
        self.add_row("8", "Exit round trip with `--gdb` and no client, --gdb ÷ default",
                     f"--gdb {fmt_time(statistics.median(cpu['gdb']))}/exit "
                     f"({1 / statistics.median(cpu['gdb']):,.0f} exits/s)",
                     f"default {fmt_time(statistics.median(cpu['default']))}/exit "
                     f"({1 / statistics.median(cpu['default']):,.0f} exits/s)",
                     ratio, "≤ 1.05× (nothing per exit)", lambda r: r <= 1.05,
                     f"N={n}, pio64 as row 1; wall-time ratio "
                     f"{fmt_ratio(self.ratios(wall['gdb'], wall['default']))}")

    def row_msrs(self):
        self.log("9. N MSRs: one KVM_SET_MSRS against N KVM_SET_ONE_REG")
        tool = os.path.join(self.build, "msrs")
        r = subprocess.run([tool, str(self.reps), "2000"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RunError(f"{tool}: {r.stderr.strip()[-300:]}")
        if r.stdout.startswith("unsupported"):
            self.add_row("9", "N MSRs, KVM_SET_ONE_REG × N ÷ KVM_SET_MSRS", "n/a", "", None, "",
                         "n/a", r.stdout.strip())
            return
        t = {}
        for line in r.stdout.splitlines():
            f = line.split()
            t.setdefault(int(f[2]), []).append([float(x) for x in f[3:7]])
        for number, n, way, what in (("9a", 10, 0, "set"), ("9b", 10, 2, "get"),
                                     ("9c", 1, 0, "set")):
            lists, one = [x[way] for x in t[n]], [x[way + 1] for x in t[n]]
            verb = "SET" if what == "set" else "GET"
            self.add_row(number, f"{n} MSR{'s' if n > 1 else ''} {what}, "
                         f"{n} × KVM_{verb}_ONE_REG ÷ 1 × KVM_{verb}_MSRS",
                         f"KVM_{verb}_MSRS {fmt_time(statistics.median(lists) / 1e9)}",
                         f"ONE_REG × {n} {fmt_time(statistics.median(one) / 1e9)}",
                         self.ratios(one, lists), "(the price of one register per ioctl)",
                         "n/a", "2000 batches per measurement, CPU time of the thread, "
                         "4 ways interleaved (bench/msrs.c)")

    # Row 8: test kernels through QEMU's command line, as a runner starts them.
    BATCH = [("pctestdev", []), ("pcitestdev", []),
             ("cpumodel", ["-cpu", "qemu64", "-append", "+lm"]), ("mbelf", [])]
    BATCH_KVM_REPS = int(os.environ.get("BENCH_QEMU_KVM_REPS", 3))

    def batch_cmds(self, qemu, accel):
        """x86/run's command line (kvm-unit-tests) for each kernel of the batch."""
        env = os.path.join(self.build, "environ")
        with open(env, "w") as f:
            f.write("QEMU_MAJOR=7\nQEMU_MINOR=2\n")
        cmds = []
        for name, extra in self.BATCH:
            kernel = os.path.join("build", "guests", f"{name}.elf")
            r = subprocess.run(["make", "-s", kernel], capture_output=True, text=True)
            if r.returncode != 0:
                raise RunError(f"cannot build {kernel}: {r.stderr.strip()}")
            cmds.append([qemu, "--no-reboot", "-nodefaults", "-global",
                         "kvm-pit.lost_tick_policy=discard", "-device", "pc-testdev", "-device",
                         "isa-debug-exit,iobase=0xf4,iosize=0x4", "-display", "none", "-serial",
                         "stdio", "-device", "pci-testdev", "-machine", f"accel={accel}",
                         "-kernel", kernel, "-smp", "1", "-initrd", env, *extra])
        return cmds

    def batch(self, cmds):
        """Wall time of the batch, one kernel after another, as a runner goes."""
        return sum(self.launch(c)["exit"] for c in cmds)

    def row_runner(self):
        self.log("10. a batch of test kernels through QEMU's command line: vmm against QEMU")
        title = (f"Batch of {len(self.BATCH)} test kernels through QEMU's command line "
                 f"(x86/run's options), wall time")
        link = os.path.join(self.build, "qemu-system-x86_64")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(self.vmm, link)
        if not self.qemu:
            self.add_row("10", title, "n/a", "n/a", None, "", "n/a", self.qemu_missing)
            return
        arms = {"vmm": self.batch_cmds(link, "kvm"), "tcg": self.batch_cmds(self.qemu, "tcg")}
        reps = max(11, self.reps // 3)
        res = {a: [] for a in arms}
        for rep in range(reps):
            for a in (list(arms) if rep % 2 == 0 else list(arms)[::-1]):
                res[a].append(self.batch(arms[a]))
        ratio = self.ratios(res["tcg"], res["vmm"])
        med = lambda a: fmt_time(statistics.median(res[a]))
        note = f"{reps} batches each, interleaved"
        kvm = []
        try:
            kvm_cmds = self.batch_cmds(self.qemu, "kvm")
            for _ in range(self.BATCH_KVM_REPS):
                v = self.batch(arms["vmm"])
                kvm.append((self.batch(kvm_cmds), v))
        except RunError as e:
            note += f"; QEMU with -accel kvm failed: {str(e)[-200:]}"
        if kvm:
            kr = self.ratios([k for k, _ in kvm], [v for _, v in kvm])
            note += (f"; QEMU -accel kvm (SeaBIOS on this host's emulating KVM): "
                     f"{fmt_time(statistics.median(k for k, _ in kvm))} per batch, "
                     f"{fmt_ratio(kr)} of vmm ({fmt_spread(kr)})")
        self.add_row("10", title + ", QEMU (TCG) ÷ vmm", f"vmm {med('vmm')}",
                     f"QEMU TCG {med('tcg')}", ratio, "≥ 2× (a fraction of QEMU's time)",
                     lambda r: r >= 2, note)

    def run_row(self, fn, number, title):
        try:
            fn()
        except (RunError, OSError, subprocess.SubprocessError) as e:
            self.add_row(number, title, "failed", "", None, "", "n/a", str(e)[:400])

    # ---- output --------------------------------------------------------
    def machine(self):
        cpu = "?"
        flags = 0
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and cpu == "?":
                    cpu = line.split(":", 1)[1].strip()
                if line.startswith("flags") and re.search(r"\b(vmx|svm)\b", line):
                    flags += 1
        # Dirty only by sources: the run's own figures are rewritten by then.
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip() or "?"
        if subprocess.run(["git", "status", "--porcelain", "--", ".", ":!bench/results.md",
                           ":!bench/*.svg"], capture_output=True, text=True).stdout.strip():
            rev += "-dirty"
        qv = self.qemu_missing
        if self.qemu:
            qv = subprocess.run([self.qemu, "--version"], capture_output=True,
                                text=True).stdout.splitlines()[0]
        return [
            f"- CPU: {cpu} × {os.cpu_count()}",
            f"- Kernel: {platform.release()}",
            f"- KVM hardware-assisted: {'yes' if flags else 'no'} "
            f"(`grep -c -E 'vmx|svm' /proc/cpuinfo` = {flags})",
            f"- Load average at start: {self.load0}; at end: {self.load1}",
            f"- vmm: {rev}; QEMU: {qv}",
            f"- Date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
            f"- Repetitions: {self.reps} per row (start-up: max({self.reps}, 11), footprint: 5); "
            f"N for about {self.target} s of CPU per run; whole bench {self.elapsed:.0f} s",
        ]

    def table(self):
        head = ["#", "What", "A", "B", "Ratio (median)", "Spread", "Goal", "Met", "Notes"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in self.rows:
            lines.append("| " + " | ".join(str(x).replace("|", "/") for x in r) + " |")
        return lines

    def draw_summaries(self):
        """The figures drawn from several rows' data, once all have run."""
        if self.per_exit:
            self.figure("fig-per-exit.svg", "Cost per exit (per operation) of each arm",
                        f"CPU time (t(N) - t(0)) / N per repetition, {self.reps} repetitions "
                        f"interleaved; bar: median, whisker: IQR, dots: min and max",
                        "µs per operation", self.per_exit, fmt=lambda v: f"{v:.2f}")
        boots = getattr(self, "linux_boots", None)
        if boots:
            rows = []
            for a, label in (("vmm", "vmm"), ("vmmnc", "vmm --no-coalesce"),
                             ("qemu", "QEMU microvm")):
                if a in boots:
                    st = summary(boots[a])
                    rows.append({"label": label, "med": st["med"], "q1": st["q1"],
                                 "q3": st["q3"], "lo": st["min"], "hi": st["max"]})
            self.figure("fig-linux-boot.svg", "Linux boot to init, tiny 6.1 kernel",
                        f"fork to VMM-INIT-OK in the TCG harness, {len(boots['vmm'])} boots "
                        f"each interleaved; bar: median, whisker: IQR, dots: min and max",
                        "s", rows, fmt=lambda v: f"{v:.2f}")

    def report(self):
        out = ["# vmm benchmark results", "", "Generated by `make bench` (bench/bench.py).", ""]
        out += self.machine() + ["", "## Results", ""] + self.table()
        if self.figures:
            out += ["", "## Figures", ""]
            for name, caption in self.figures:
                out += [f"![{caption}]({name})", "", f"*{caption}*", ""]
        out += ["", "## Notes", ""] + [f"- {n}" for n in self.notes] + [""]
        for sec in self.sections:
            out += [sec, ""]
        out += METHOD.splitlines() + [""]
        return "\n".join(out)


TEARDOWN_MECHANISM = """Where the time goes (bench/trace-teardown.sh: the sched_switch event with a
stacktrace trigger, on 6.18.44, 12 runs per configuration; the kernel call
chain in which the closing process sleeps):

- Every in-kernel device on KVM's I/O buses (the PIC's ports, the IOAPIC,
  the PIT, and also a coalesced MMIO/PIO zone) is registered with
  kvm_io_bus_register_dev, which on 6.18 frees the bus array it replaces
  with call_srcu(&kvm->srcu). kvm_destroy_vm ends with
  srcu_barrier(&kvm->srcu): closing a VM less than one normal SRCU grace
  period (~4 jiffies at HZ=250, 14-16 ms here) after its last registration
  sleeps for the rest of it. Traced: `srcu_barrier < kvm_destroy_vm`,
  median 14.5 ms with the irqchip alone, 15.0 ms with one coalesced zone
  alone (no irqchip): the split irqchip does not escape it while vmm keeps
  its coalesced zones.
- The in-kernel PIT registers an IRQ ack notifier and a mask notifier at
  creation (reinject mode, the default); kvm_free_pit unregisters both,
  each followed by synchronize_srcu(&kvm->irq_srcu). The first is
  expedited (the SRCU looks idle); the second comes less than
  srcutree.exp_holdoff (25 us) after the first ended, so it waits for a
  normal grace period: up to 16-24 ms (`kvm_pit_set_reinject <
  kvm_free_pit`). KVM_REINJECT_CONTROL(0) right after KVM_CREATE_PIT2 (what
  QEMU's lost_tick_policy=discard does) moves that pair to creation, where
  it costs 0.1 ms or 13-22 ms depending on how fast the waiter is woken,
  and leaves the srcu_barrier above untouched.
- Neither wait uses the CPU: the process sleeps in D state.

So no KVM configuration that keeps an in-kernel irqchip, or a coalesced
zone, closes in under ~15 ms when the guest exits at once; only user-space
PIC, IOAPIC and PIT with no coalescing would (split irqchip, no zones:
0.2 ms above), at the cost of exits for every PIT, PIC and UART write. vmm
keeps its devices and leaves the wait to the kernel instead: vm_create
registers the VM's file with an io_uring (IORING_REGISTER_FILES); at exit
the ring's release is finished by a kernel worker (io_ring_exit_work), so
the VM's last reference is dropped there, and kvm_destroy_vm runs in a
kworker (`kvm_destroy_vm < kvm_vm_release < __fput < delayed_fput`,
traced) after vmm has been reaped. Nothing is left behind: the worker
finishes the teardown ~15-25 ms later (tests/core.bats watches the VM's
kvm-pit thread go). Without io_uring (ENOSYS, EPERM) the close happens at
exit, as before. The other candidates: a PIT created on the guest's first
PIT access would have to emulate that access in user space (there is no
ioctl that hands a port write to an in-kernel device), and QEMU-compat
mode needs the PIT programmed from the start; a user-space PIT turns every PIT access of a Linux boot into an
exit; a child process holding the VM's file would outlive vmm, an orphan
that this machine's PID 1 reaps only late."""


METHOD = """## Method

- Timing: `build/bench/launch` forks, takes CLOCK_MONOTONIC in the child
  right before execve, and reports the wall time to the first byte on the
  child's stdout and to the child reaped, and the child's user + system CPU
  time (all threads; guest time is in it). Per-operation rows (1–4) use CPU
  time: these machines are shared, and wall time there mostly measures who
  else had the CPU (the Notes column gives the wall-time ratio as well).
  Each repetition runs every arm with N operations and with none, in the
  order A B … B A, reversed every other repetition; an arm's cost per
  operation in a repetition is (t(N) − t₀) / N, t₀ being the median of its
  runs with none (start-up and teardown). The ratio is taken per
  repetition; the table shows its median, IQR and min–max. "IQR spans the
  goal" means the machine was too noisy to decide. Start-up rows (2b, 6b)
  are wall time, one run per arm per repetition, interleaved the same way.
- Row 1: `bench/guests/pio64.S`, N × `out` to the UART scratch register 0x3ff
  (claimed by vmm, never coalesced), then the debug-exit port. `bench/bare.c`
  runs the same flat image in long mode with one memslot and a KVM_RUN loop
  that handles KVM_EXIT_IO only (no irqchip, no PIT, no signals). Per exit
  includes the guest's `loop` instruction, the same in both. A third arm,
  `bare --irqchip --sync-regs`, adds vmm's KVM configuration to the bare
  loop and so separates kernel-side from vmm's user-space cost. Row 1b
  takes row 1's runs of N exits whole (exec to reaped, nothing
  subtracted): start-up and exit included, as a user waits for them.
- Row 2: `bench/guests/pio32.S` is a multiboot ELF32: QEMU 7.2 `-M microvm
  -accel kvm -kernel` loads it (qboot firmware, multiboot option ROM) with
  `-device isa-debug-exit,iobase=0xf4,iosize=4`; vmm runs its objcopy'd
  flat image with `--mode protected --entry _start`. The guest first writes
  one byte to the UART, then N scratch-register writes, then exits. Start-up
  uses N = 0 (two exits in all), with `bare` and `bare --irqchip` running
  pio64 with N = 0 beside them to show what KVM itself costs (row 2c: vmm
  against the bare loop, exec to reaped). "Closing a VM" (2d):
  `build/bench/teardown` creates and closes one VM per process in each
  configuration and times each step; bench/trace-teardown.sh (root, not
  run by make bench) shows where the close sleeps.
- Row 3: `bench/guests/hcall64.S`, N × hypercall function 1 (add, RDI + RSI)
  on port 0x500; the guest checks the sum and exits with status 3 if wrong.
- Row 4: `bench/guests/serial64.S` writes N bytes as Linux's 8250 console does
  (LSR read until THRE, then THR write); the byte count on stdout is checked
  against N. Exits per byte = (exits at N − exits at 0) / N from `--stats`,
  less the host thread's kicks (INTR, 10 ms ticks: the clock's, not the
  guest's; exits per frame in row 5 alike).
  Row 4b: `bench/guests/serialfifo64.S`, the same bytes as Linux's console
  writes them once its tty is open (serial8250_console_fifo_write): one
  LSR.THRE wait, then 16 bytes (the 16550A's FIFO) into THR.
- Row 5: `bench/guests/fbfill64.S` reads the geometry from the register
  block and fills the whole 160x100 frame (stride x height bytes from
  0xe0000000) with one `rep stosq` per frame, K and 2K times; per frame =
  (t(2K) − median t(K)) / K, per arm (K = 32 coalesced and --fb-ram, 4 with
  --no-coalesce), arms interleaved, 11 repetitions. Exits per frame from
  `--stats` at K and 2K.
- Row 7: `bench/linux-boot.sh` runs `bench/linux-boot-inner.sh` inside
  `tests/linux/tcg-harness.sh` (QEMU TCG, EPYC+svm, kvm_amd): vmm-static and
  QEMU 7.2 (binary, the libraries ldd lists, the loader, qboot and the
  linuxboot ROMs, shipped with `--file HOST:GUEST`) boot the tiny 6.1 kernel
  and the test initramfs (`-m 128M`, 1 vCPU, append "console=ttyS0 reboot=k
  panic=-1 noxsave"; QEMU `-M microvm -enable-kvm -cpu host`, default CPU if
  that fails), one warm-up each, then vmm/QEMU alternately; fork to the
  VMM-INIT-OK line by /proc/uptime (10 ms), the VMM then SIGKILLed.
  A harness run that stalls (the outer QEMU freezes, a known problem being
  investigated) is killed at its time limit; the boots it finished count,
  nothing is retried, and the notes say so.
- Rows 7b-7c and "A Linux boot's exits": `bench/linux-exits.sh` runs
  `bench/linux-exits-inner.sh` in the same harness: vmm-static --stats
  boots the tiny kernel to its halt (with and without --no-coalesce),
  Debian's kernel to its ACPI power-off, and the tiny kernel with a
  console initramfs (the test initramfs plus bench's own /init, appended)
  whose /init writes vmm.kmsg=N lines to /dev/kmsg after the console is
  open, N = 0 and 200, with and without --no-coalesce. Console bytes are
  the THR writes vmm saw (ring entries plus THR exits); LSR reads are the
  reads of port 0x3fd; row 7c takes the difference between N = 200 and
  N = 0. One boot each: the counts are exact, the times single samples.
- Figures: `bench/plots.py` draws them as SVG (standard library only) next
  to this file; each gives its method in its caption.
- Row 8: row 1's guest and method, vmm against vmm with `--gdb
  unix:PATH` and no client: the stub's thread sleeps in poll(), the vCPUs
  run without guest debugging, so the ratio should be 1.
- Row 9: `bench/msrs.c` on a vCPU that never runs (CPUID set, as long
  mode's MSRs need): N MSRs (SYSENTER_CS/ESP/EIP, STAR, LSTAR, CSTAR,
  SFMASK, FS_BASE, GS_BASE, KERNEL_GS_BASE; N = 10 or 1) set or read by one
  KVM_SET/GET_MSRS against N KVM_SET/GET_ONE_REG; 2000 batches per
  measurement, thread CPU time, the four ways interleaved and reversed
  every other repetition. ONE_REG needs a host that serves MSRs that way
  (Linux 6.18 and later); elsewhere the row says so.
- Row 6a: `bench/guests/spin32.S` (one byte out, then `jmp .`) with `-m 3M`;
  once its byte arrives, VmHWM from /proc/PID/status minus the Rss of the one
  3072 kB mapping in /proc/PID/smaps (the guest RAM: pages the guest and
  loader touched). Shared library pages count in full, as RSS counts them;
  kernel memory (KVM's vCPU, MMU and irqchip state) is not in RSS.
- Row 6b: exec to first KVM_RUN is measured without tracing: with the N = 0
  guest of row 2, vmm's first byte of output reaches the pipe when its run
  loop ends, i.e. after the first KVM_RUN plus two guest exits (tens of µs
  here), so exec→first byte bounds exec→first KVM_RUN from above. For QEMU
  the same figure includes its firmware (qboot, multiboot option ROM): it
  is QEMU's time until the guest runs, not until its first KVM_RUN.
- Row 10: the test kernels pctestdev, pcitestdev, cpumodel (`-cpu qemu64`)
  and mbelf (none waits for a timer: biosstate, rtc and s3 spend their time
  waiting for PIT ticks and RTC seconds, the same under both), each started with kvm-unit-tests' x86/run command line
  (`--no-reboot -nodefaults -global kvm-pit.lost_tick_policy=discard -device
  pc-testdev -device isa-debug-exit,iobase=0xf4,iosize=0x4 -display none
  -serial stdio -device pci-testdev -machine accel=... -kernel K -smp 1
  -initrd ENV`), one after another; a batch's time is the sum of the runs'
  exec-to-reaped wall times. vmm runs as `qemu-system-x86_64` (a link);
  QEMU 7.2 with `accel=tcg` (its firmware, SeaBIOS, and the kernels on TCG:
  the faster QEMU on this host), batches interleaved; then a few batches of
  QEMU with `accel=kvm` against vmm for the Notes (SeaBIOS on this host's
  emulating KVM is slow).
- Row 11: `bench/guests/idle64.S` writes one byte and halts. With interrupts
  on and the PICs masked (11a, 11b) nothing wakes it, and with the PIT as a
  BIOS leaves it (11d) its timer wakes it 18.2 times a second (an EOI and
  `iretq`, then `hlt` again): it idles, and the host CPU per second is
  the CPU time of all of vmm's threads (the first field of each
  `/proc/PID/task/TID/schedstat`, in ns) over 2 s, from 0.3 s after the
  guest's byte; with interrupts off (11c) vmm must notice the halt to end
  the run. The "before" arm is another vmm binary given as
  `BENCH_BASELINE=PATH make bench` (the results here: the commit before the
  watch of vm/watch.c, which kicked every vCPU every 10 ms and asked
  KVM_GET_MP_STATE); without it the rows give vmm's own figure."""



def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vmm", default="./vmm")
    ap.add_argument("--build", default="build/bench")
    ap.add_argument("--out", default="bench/results.md")
    ap.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", 31)))
    ap.add_argument("--target", type=float, default=float(os.environ.get("BENCH_TARGET", 0.3)))
    ap.add_argument("--rows", default=os.environ.get("BENCH_ROWS", "all"),
                    help="rows to run: all, or numbers separated by commas (e.g. 1,3,10)")
    ap.add_argument("-v", "--verbose", action="store_true", default=bool(os.environ.get("BENCH_V")))
    args = ap.parse_args()

    chosen = args.rows.split(",")
    want = lambda row: "all" in chosen or row in chosen
    b = Bench(args)
    for path in (b.vmm, b.launch_bin, b.bare, b.teardown_bin, os.path.join(b.build, "msrs")):
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: {path} missing: build it first (make bench does)")
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        sys.exit("bench: /dev/kvm not accessible: nothing to measure")
    try:
        b.launch([b.vmm, b.guest("pio64", 0)])
    except RunError as e:
        sys.exit(f"bench: vmm cannot run a guest: {e}")
    b.check_qemu()

    t0 = time.monotonic()
    b.load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [("1", b.row_exit, "Exit round trip"), ("2", b.row_qemu, "vs QEMU"),
            ("3", b.row_sync_regs, "sync_regs"), ("4", b.row_serial, "Coalesced serial"),
            ("6", b.row_footprint, "Footprint")]
    for number, fn, title in rows:
        if want(number):
            b.run_row(fn, number, title)
        if number == "4" and want("5"):
            b.run_row(b.row_fb, "5", "Framebuffer")
    if want("2"):
        b.run_row(b.row_teardown, "2d", "Closing a VM")
    if want("8"):
        b.run_row(b.row_gdb, "8", "--gdb")
    if want("9"):
        b.run_row(b.row_msrs, "9", "MSRs")
    if want("10"):
        b.run_row(b.row_runner, "10", "Test kernels through QEMU's command line")
    if want("7"):
        b.run_row(b.row_linux, "7", "Linux boot")
        b.run_row(b.row_linux_exits, "7b", "Linux boot's exits")
    if want("11"):
        b.run_row(b.row_idle, "11", "Idle guest")
    b.draw_summaries()
    b.load1 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    b.elapsed = time.monotonic() - t0
    text = b.report()
    print(text)
    with open(args.out, "w") as f:
        f.write(text)
    b.log(f"bench: wrote {args.out}")


if __name__ == "__main__":
    main()
