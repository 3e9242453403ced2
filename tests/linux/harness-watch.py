#!/usr/bin/env python3
"""Watch one tcg-harness.sh run and tell an outer-VM freeze from a hang inside.

The outer VM's /init runs an agent on its second serial port (ttyS1, a QEMU
pipe chardev): a HARNESS-HEARTBEAT line every second, and the state of vmm's
threads when it reads "dump". This watcher reads those lines and the size of
the console log, and decides:

  outer-vm-froze  no heartbeat for --freeze s (or none at all --boot s after
                  QEMU started): the outer kernel stopped getting control,
                  so nothing inside can run, vmm's own timers included. The
                  emulator's fault (the environment), never vmm's:
                  linux.bats runs such a test once more.
  inner-silent    heartbeats go on but the console said nothing for
                  --silence s once the command started (HARNESS-READY): the
                  outer VM is fine, the command (vmm or its guest) hung.
                  Never retried: the agent's dump of every vmm thread
                  (state, CPU time, wchan, kernel stack) is the report.

Either way it then samples the outer CPU through QEMU's monitor (HMP on a
unix socket: info cpus, info registers, info lapic; RIP mapped to symbols),
logs 2 s of the emulated CPU's interrupts and VMRUN/#VMEXITs, and quits QEMU.
It writes the verdict word to --verdict and the report to --report.
Heartbeats go to --heartbeat-log with the host's time.
"""
import argparse
import base64
import bisect
import gzip
import os
import re
import select
import socket
import sys
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--console", required=True, help="console log the harness appends to")
    p.add_argument("--agent", required=True, help="QEMU pipe chardev base: PATH.in, PATH.out")
    p.add_argument("--hmp", required=True, help="QEMU HMP monitor unix socket")
    p.add_argument("--pidfile", required=True, help="QEMU's -pidfile")
    p.add_argument("--verdict", required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--heartbeat-log", required=True)
    p.add_argument("--map", action="append", default=[], help="NAME=System.map")
    p.add_argument("--kallsyms", help="the outer kernel's text symbols (gzip): read, or "
                   "asked of the agent and written if missing")
    p.add_argument("--freeze", type=float, default=30)
    p.add_argument("--silence", type=float, default=120, help="0: never")
    p.add_argument("--boot", type=float, default=180)
    p.add_argument("--kick", type=float, default=0,
                   help="send the agent a newline this often (s); 0: never")
    return p.parse_args()


class SymbolMap:
    """System.map: address -> nearest text symbol below it."""

    def __init__(self, name, lines):
        self.name, self.addrs, self.names = name, [], []
        for line in lines:
            f = line.split()
            if len(f) >= 3 and f[1] in "tTwW":
                self.addrs.append(int(f[0], 16))
                self.names.append(f[2] + (f[3] if len(f) > 3 else ""))  # [module]
        order = sorted(range(len(self.addrs)), key=self.addrs.__getitem__)
        self.addrs = [self.addrs[i] for i in order]
        self.names = [self.names[i] for i in order]

    def lookup(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        if i < 0 or addr - self.addrs[i] > 0x10000:
            return None
        return f"{self.names[i]}+{addr - self.addrs[i]:#x}"


class Hmp:
    """QEMU's human monitor on a unix socket: a command, text until the prompt."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(10)
        self.s.connect(path)
        self._until_prompt()

    def _until_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self.s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return buf.decode(errors="replace")

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        out = self._until_prompt()
        # The monitor echoes the command line (with terminal escapes) first.
        out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out).replace("\r", "")
        lines = out.split("\n")[1:]
        return "\n".join(l for l in lines if l != "(qemu) ").rstrip() + "\n"


def cpu_summary(regs, maps):
    """One line from `info registers`: RIP and its symbols, IF, HLT, CR3."""
    get = lambda k: (re.search(rf"\b{k}=\s*([0-9a-fA-F]+)", regs) or [None, None])[1]
    rip, rfl, hlt, cr3 = get("RIP"), get("RFL"), get("HLT"), get("CR3")
    if rip is None:
        return "no registers"
    syms = [f"{m.name}:{m.lookup(int(rip, 16)) or '?'}" for m in maps]
    iflag = int(rfl, 16) >> 9 & 1 if rfl else "?"
    return f"RIP {rip} ({' '.join(syms) or 'no map'}) IF={iflag} HLT={hlt} CR3={cr3}"


def qemu_threads(pid):
    """{tid: (name, state, utime + stime ticks, wchan)} of the QEMU process."""
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/task/{tid}/wchan") as f:
                wchan = f.read().strip() or "-"
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        threads[tid] = (name, fields[0], int(fields[11]) + int(fields[12]), wchan)
    return threads


# CPUX86State (QEMU 7.2 target/i386/cpu.h) begins: regs[16], eip, eflags,
# cc_dst, cc_src, cc_src2, cc_op, df, hflags, hflags2.
HFLAGS_AT = 16 * 8 + 8 + 8 + 3 * 8 + 4 + 4
HF = {3: "INHIBIT_IRQ", 19: "SMM", 20: "SVME", 21: "GUEST"}
HF2 = {0: "GIF", 1: "HIF", 2: "NMI_MASK", 3: "VINTR", 6: "NPT", 8: "VGIF"}


# CPUState (QEMU 7.2 include/hw/core/cpu.h) has, 8-aligned: int nr_cores,
# nr_threads; QemuThread *thread; int thread_id; bool running, has_waiter;
# QemuCond *halt_cond; bool thread_kicked, created, stop, stopped,
# start_powered_off, unplug, crash_occurred, exit_request; int
# exclusive_context; uint32_t cflags_next_tb, interrupt_request.
IRQ = {0x2: "HARD", 0x4: "EXITTB", 0x10: "POLL", 0x40: "SMI", 0x100: "VIRQ", 0x200: "NMI",
       0x400: "INIT", 0x800: "SIPI", 0x1000: "MCE", 0x2000: "TPR"}


def scan(pid, find):
    """find(data) -> [(offset, result)] over QEMU's rw private memory but
    guest RAM (the mappings over 256 MiB); results with addresses."""
    found = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            f = line.split()
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            if f[1] != "rw-p" or hi - lo > 256 << 20:
                continue
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, OverflowError, ValueError):
                continue
            found += [(lo + at, r) for at, r in find(data)]
    return found


def cpu_irq_request(pid, thread_id):
    """CPUState.interrupt_request of the vCPU whose thread is thread_id."""
    key = (1).to_bytes(4, "little") * 2

    def find(data):
        tid = thread_id.to_bytes(4, "little")
        at = data.find(tid)
        while at >= 0:
            x = at
            if x % 8 == 0 and data[x - 16:x - 8] == key and data[x + 17] == 1:  # created
                req = int.from_bytes(data[x + 32:x + 36], "little")
                yield x, (req, data[x + 18], data[x + 19], data[x + 23])
            at = data.find(tid, at + 1)
    out = []
    for addr, (req, stop, stopped, exit_req) in scan(pid, lambda d: list(find(d))):
        names = [n for b, n in IRQ.items() if req & b] or ["none"]
        out.append(f"CPUState.nr_cores@{addr - 16:#x}: interrupt_request {req:#x} ({' '.join(names)}) "
                   f"exit_request {exit_req} stop {stop} stopped {stopped}")
    return "; ".join(out) or "CPUState not found in QEMU's memory"


def cpu_flags(pid, regs):
    """QEMU's own view of what masks interrupts (GIF, HIF, VINTR), which no
    monitor command shows: find CPUX86State in QEMU's memory by the register
    values `info registers` printed, and read hflags/hflags2 behind them."""
    names = ["RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI"] + \
        [f"R{i}" for i in range(8, 16)] + ["RIP"]
    vals = []
    for n in names:
        m = re.search(rf"\b{n}\s*=([0-9a-f]{{16}})", regs)
        if not m:
            return "no registers to look for"
        vals.append(int(m[1], 16))
    pattern = b"".join(v.to_bytes(8, "little") for v in vals)

    def find(data):
        at = data.find(pattern)
        while at >= 0:
            flags = data[at + HFLAGS_AT:at + HFLAGS_AT + 8]
            yield at, (int.from_bytes(flags[:4], "little"), int.from_bytes(flags[4:], "little"))
            at = data.find(pattern, at + 1)
    out = []
    for addr, (hf, hf2) in scan(pid, lambda d: list(find(d))):
        a = [n for b, n in HF.items() if hf >> b & 1]
        b = [n for b, n in HF2.items() if hf2 >> b & 1]
        out.append(f"env@{addr:#x}: hflags {hf:#x} ({' '.join(a)}) hflags2 {hf2:#x} ({' '.join(b)})")
    return "; ".join(out) or "CPUX86State not found in QEMU's memory"


def outer_cpu_report(args, maps, out):
    """Three samples of the outer CPU 1 s apart, then 2 s of its event log."""
    try:
        hmp = Hmp(args.hmp)
    except OSError as e:
        out.append(f"monitor: {e}")
        return
    try:
        with open(args.pidfile) as f:
            pid = int(f.read())
        before, t0 = qemu_threads(pid), time.monotonic()
    except (OSError, ValueError) as e:
        pid, before = None, {}
        out.append(f"QEMU threads: {e}")
    try:
        for n in range(3):
            cpus = hmp.cmd("info cpus").strip()
            regs = hmp.cmd("info registers")
            out.append(f"sample {n}: {cpus} | {cpu_summary(regs, maps)}")
            if pid:
                try:
                    out.append(f"  QEMU's flags: {cpu_flags(pid, regs)}")
                    tid = re.search(r"thread_id=(\d+)", cpus)
                    if tid:
                        out.append(f"  QEMU's requests: {cpu_irq_request(pid, int(tid[1]))}")
                except OSError as e:
                    out.append(f"  QEMU's flags: {e}")
            if n == 0:  # the registers that say where it is, not FPU/SSE
                keep = [l for l in regs.split("\n") if l and not re.match(r"(FPR|YMM|XMM|FCW)", l)]
                out.append("info registers:\n" + "\n".join(keep))
                lapic = hmp.cmd("info lapic")
                out.append("info lapic:\n" + lapic.rstrip())
            time.sleep(1)
        if pid:
            after, secs = qemu_threads(pid), time.monotonic() - t0
            out.append(f"QEMU's threads over {secs:.1f} s (CPU ticks of {os.sysconf('SC_CLK_TCK')}/s):")
            for tid, (name, state, ticks, wchan) in sorted(after.items()):
                used = ticks - before.get(tid, (0, 0, ticks))[2]
                out.append(f"  {tid} {name}: {state} used {used} wchan {wchan}")
        # int: every interrupt/exception taken; in_asm: VMRUN and #VMEXIT
        # (and any newly translated code) -- all quiet if the CPU is stuck.
        log = os.path.join(os.path.dirname(args.report), "qemu-events.log")
        hmp.cmd(f"logfile {log}")
        hmp.cmd("log int,in_asm")
        time.sleep(2)
        hmp.cmd("log none")
        out.append(summarize_events(log))
    except OSError as e:
        out.append(f"monitor: {e}")


def summarize_events(path):
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError as e:
        return f"event log: {e}"
    vectors = re.findall(r"^\s*\d+: v=([0-9a-f]+)", text, re.M)
    counts = {}
    for v in vectors:
        counts[v] = counts.get(v, 0) + 1
    vmruns = len(re.findall(r"^vmrun!", text, re.M))
    vmexits = re.findall(r"^vmexit\(([0-9a-f]+)", text, re.M)
    exits = {}
    for e in vmexits:
        exits[e] = exits.get(e, 0) + 1
    return (f"2 s of the outer CPU's events: {len(vectors)} interrupts/exceptions "
            f"(by vector: {counts or 'none'}), {vmruns} VMRUN, {len(vmexits)} #VMEXIT "
            f"(by exit code: {exits or 'none'}); {text.count(chr(10))} log lines in {path}")


def ready(console):
    """The command started: the kvm modules are loaded."""
    with open(console, errors="replace") as f:
        return "HARNESS-READY:" in f.read()


def save_kallsyms(path, b64_lines):
    data = base64.b64decode("".join(b64_lines))
    gzip.decompress(data)  # whole, or raise
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def main():
    args = parse_args()
    maps = []
    if args.kallsyms and os.path.exists(args.kallsyms):
        with gzip.open(args.kallsyms, "rt") as f:
            maps.append(SymbolMap("outer", f))
    for spec in args.map:
        name, path = spec.split("=", 1)
        if os.path.exists(path):
            with open(path) as f:
                maps.append(SymbolMap(name, f))
    want_kallsyms = bool(args.kallsyms) and not (maps and maps[0].name == "outer")
    kallsyms = None  # base64 lines while they come
    # O_RDWR: the open never blocks and EOF never comes while QEMU lives.
    agent_out = os.open(args.agent + ".out", os.O_RDWR | os.O_NONBLOCK)
    agent_in = os.open(args.agent + ".in", os.O_RDWR | os.O_NONBLOCK)
    hb_log = open(args.heartbeat_log, "a", buffering=1)
    start = time.monotonic()
    last_beat = None
    console_size, console_change = -1, start
    started = False  # HARNESS-READY on the console: the command runs
    pending = b""
    dump_lines = None
    verdict, report = None, []

    def read_agent(timeout):
        nonlocal pending, last_beat, kallsyms
        got = []
        if select.select([agent_out], [], [], timeout)[0]:
            try:
                pending += os.read(agent_out, 65536)
            except BlockingIOError:
                pass
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw.decode(errors="replace").rstrip("\r")
            if kallsyms is not None:
                if line == "HARNESS-KALLSYMS-END":
                    save_kallsyms(args.kallsyms, kallsyms)
                    kallsyms = None
                else:
                    kallsyms.append(line)
                continue
            if line == "HARNESS-KALLSYMS-BEGIN":
                kallsyms = []
                continue
            hb_log.write(f"{time.monotonic() - start:8.1f} {line}\n")
            if line.startswith("HARNESS-HEARTBEAT"):
                last_beat = time.monotonic()
            got.append(line)
        return got

    last_kick = start
    while verdict is None:
        read_agent(0.5)
        now = time.monotonic()
        # A byte in on ttyS1 is a serial interrupt in the outer VM, and every
        # interrupt makes QEMU re-evaluate the LAPIC: a timer interrupt lost
        # to QEMU 7.2's race on interrupt_request gets delivered after all.
        if args.kick > 0 and last_beat is not None and now - last_kick >= args.kick:
            os.write(agent_in, b"\n")
            last_kick = now
        try:
            size = os.path.getsize(args.console)
        except OSError:
            size = -1
        if size != console_size:
            console_size, console_change = size, now
            started = started or ready(args.console)
        if want_kallsyms and started and last_beat is not None:
            os.write(agent_in, b"kallsyms\n")
            want_kallsyms = False
        if last_beat is None and now - start > args.boot:
            verdict = "outer-vm-froze"
            report.append(f"the outer VM's agent never started within {args.boot:g} s "
                          f"(console silent for {now - console_change:.0f} s)")
        elif last_beat is not None and now - last_beat > args.freeze:
            verdict = "outer-vm-froze"
            report.append(f"no heartbeat from the outer VM for {now - last_beat:.0f} s "
                          f"(console silent for {now - console_change:.0f} s): its kernel "
                          "stopped getting control, nothing inside it can run")
        # Silence is the command's: the outer kernel boots quietly ("quiet"),
        # and a loaded host can take longer than --silence to get it to
        # /init; the quiet boot then read as a silent command.
        elif (args.silence > 0 and started and last_beat is not None
              and now - console_change > args.silence):
            verdict = "inner-silent"
            report.append(f"the console said nothing for {now - console_change:.0f} s while the "
                          "outer VM's heartbeat went on: the command (vmm or its guest) hung")

    if verdict == "inner-silent":
        os.write(agent_in, b"dump\n")
        dump_lines, deadline = [], time.monotonic() + 20
        while time.monotonic() < deadline:
            got = read_agent(0.5)
            dump_lines += [l for l in got if not l.startswith("HARNESS-HEARTBEAT")]
            if "HARNESS-DUMP-END" in got:
                break
        report.append("the outer VM's view of the command's processes:")
        report += ["  " + l for l in dump_lines] or ["  (no answer from the agent)"]
    report.append("the outer CPU, through QEMU's monitor:")
    outer_cpu_report(args, maps, report)
    if verdict == "outer-vm-froze" and last_beat is not None:
        # The test of the diagnosis: any interrupt makes QEMU look at the
        # LAPIC again, so a lost timer interrupt is delivered after one.
        beats_before, sent = last_beat, time.monotonic()
        os.write(agent_in, b"\n")
        while time.monotonic() - sent < 5 and last_beat == beats_before:
            read_agent(0.5)
        if last_beat != beats_before:
            report.append(f"one byte in on ttyS1 (a serial interrupt) woke it: a heartbeat "
                          f"{last_beat - sent:.1f} s later")
        else:
            report.append("one byte in on ttyS1 (a serial interrupt) did not wake it")
    with open(args.report, "w") as f:
        f.write("\n".join(report) + "\n")
    with open(args.verdict, "w") as f:
        f.write(verdict + "\n")
    try:
        Hmp(args.hmp).cmd("quit")
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
