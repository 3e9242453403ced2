#!/usr/bin/env python3
"""A small raw Remote Serial Protocol client for tests/gdb.bats: the
protocol edge cases a real gdb never sends, checked byte by byte.

  gdbclient.py SOCKET SCENARIO

SOCKET is a unix socket path or HOST:PORT. Each scenario prints one line
per check and exits 1 at the first that fails (with what it got).
"""
import os
import socket
import struct
import sys
import time

TIMEOUT = 20


def csum(payload):
    return b"%02x" % (sum(payload) & 0xff)


def frame(payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return b"$" + payload + b"#" + csum(payload)


class Client:
    def __init__(self, where):
        if ":" in where and not where.startswith("/"):
            host, port = where.rsplit(":", 1)
            self.s = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        else:
            self.s = socket.socket(socket.AF_UNIX)
            self.s.settimeout(TIMEOUT)
            self.s.connect(where)
        self.buf = b""
        self.acks = True

    def send(self, raw):
        self.s.sendall(raw)

    def byte(self):
        while not self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("connection closed")
            self.buf += d
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def ack(self):
        """The next byte, which must be an ack or a nak."""
        b = self.byte()
        if b not in (b"+", b"-"):
            raise AssertionError("expected an ack, got %r then %r" % (b, self.buf[:40]))
        return b

    def packet(self):
        """The next packet's payload (acks before it skipped); acks it."""
        while self.byte() != b"$":
            pass
        data = b""
        while True:
            b = self.byte()
            if b == b"#":
                break
            data += b
        got = self.byte() + self.byte()
        if got != csum(data):
            raise AssertionError("bad checksum from the stub: %r" % got)
        if self.acks:
            try:
                self.send(b"+")
            except OSError:
                pass  # the stub closed after its last word (a refusal, vKill)
        return unescape(data)

    def cmd(self, payload):
        """Send a packet, check its ack, return the reply (O packets skipped)."""
        self.send(frame(payload))
        if self.acks:
            a = self.ack()
            if a != b"+":
                raise AssertionError("packet %r was nak'ed" % payload)
        while True:
            reply = self.packet()
            if not reply.startswith(b"O") or reply == b"OK":
                return reply


def unescape(data):
    out, i = b"", 0
    while i < len(data):
        if data[i:i + 1] == b"}":
            out += bytes([data[i + 1] ^ 0x20])
            i += 2
        else:
            out += data[i:i + 1]
            i += 1
    return out


ERROR = object()  # in a table of replies: any error


def logged(text, count=1):
    """Wait until vmm's stderr (GDB_ERR, set by tests/gdb.bats) holds text
    count times: the stub has seen what the client did (bounded by the
    run's own timeout, not by this one's)."""
    path = os.environ.get("GDB_ERR")
    while path:
        with open(path, errors="replace") as f:
            if f.read().count(text) >= count:
                return
        time.sleep(0.05)


def check(what, ok, got=None):
    if not ok:
        print("FAIL %s: got %r" % (what, got))
        sys.exit(1)
    print("ok   %s" % what)


def ask(c, payload, what, want):
    """c.cmd(payload) and check that the reply is want."""
    r = c.cmd(payload)
    check(what, r == want, r)


def edges(where):
    c = Client(where)
    c.send(b"+")
    c.send(b"$?#00")  # wrong checksum
    check("a bad checksum is nak'ed", c.ack() == b"-")
    c.send(b"$?#zz")  # not even hex
    check("a checksum that is not hex is nak'ed", c.ack() == b"-")
    r = c.cmd("?")
    check("? after them: the stop reason", r.startswith(b"T05thread:1;"), r)
    c.send(b"$?#z-")  # '-' as a checksum digit: not a nak of the reply to ?
    check("a checksum of 'z-' is nak'ed", c.ack() == b"-")
    ask(c, "qC", "and nothing sent again: qC answers next", b"QC1")
    c.send(b"xyz\x00junk")  # noise between packets
    r = c.cmd("qSupported:swbreak+")
    check("qSupported after noise: PacketSize", b"PacketSize=4000" in r, r)
    r = c.cmd("m0,ffffffffffffffff")
    check("m of 2^64-1 bytes: a reply within PacketSize", 0 < len(r) <= 0x4000, len(r))
    # Malformed or impossible requests, each with its reply: exact, or any
    # error (ERROR: "E" and a code or a message).
    for packet, what, want in (
        ("mzz,4", "m with a non-hex address: error", ERROR),
        ("m100000,4,", "m with trailing characters: error", ERROR),
        ("m%x,10" % (1 << 40), "m past RAM: E14", b"E14"),
        ("mffffffffffffffff,10", "m that wraps around: E14", b"E14"),
        ("m11111111111111111,1", "m with a 17-digit address: error", ERROR),
        ("M%x,4:00000000" % (1 << 40), "M past RAM: E14", b"E14"),
        ("M100000,4:0000", "M whose data is shorter than its length: error", ERROR),
        (b"X100000,0:", "X of 0 bytes (gdb's probe for X): OK", b"OK"),
        ("qNoSuchThing", "an unknown query: the empty reply", b""),
        ("!", "an unknown packet: the empty reply", b""),
        ("", "an empty packet: the empty reply", b""),
        ("p9999", "p of a register that does not exist: error", ERROR),
        ("G00", "G of the wrong size: error", ERROR),
        ("Z9,100000,1", "Z of an unknown type: error", ERROR),
        ("Hg99", "Hg of a thread that does not exist: error", ERROR),
        ("Hc2", "Hc of a thread that does not exist: error", ERROR),
        ("P9999=00", "P of a register that does not exist: error", ERROR),
        ("mfee00000,4", "m of the LAPIC (MMIO, not RAM): E14", b"E14"),
        ("Mfec00000,4:00000000", "M to the IOAPIC (MMIO, not RAM): E14", b"E14"),
        ("mfe000000,4", "m of a PCI BAR window: E14", b"E14"),
        ("z0,123456,1", "z of a breakpoint never set: error", ERROR),
        ("Z2,200000,0", "Z2 of 0 bytes: error", ERROR),
        ("Z0,%x,1" % (1 << 40), "Z0 past RAM: OK (a debug register) or an error (an int3)", None),
        ("z0,%x,1" % (1 << 40), "and z0 of it: the same answer", None),
        ("T99", "T of a thread that does not exist: error", ERROR),
        ("vCont;x", "vCont with an unknown action: error", ERROR),
        ("vCont;c:99", "vCont for a thread that does not exist: error", ERROR),
        ("qRcmd,zz", "qRcmd that is not hex: error", ERROR),
        ("qXfer:features:read:nosuch.xml:0,100", "qXfer of an unknown annex: E00", b"E00"),
        ("qXfer:features:read:target.xml:ffffff,100", "qXfer past the end: l", b"l"),
        ("c1234", "c at an address: error, the guest stays stopped", ERROR),
    ):
        r = c.cmd(packet)
        if want is None:  # this host decides: an answer, not a crash
            check(what, r == b"OK" or r.startswith(b"E"), r)
            continue
        check(what, r.startswith(b"E") if want is ERROR else r == want, r)
    long = b"m" + b"0" * 20000
    c.send(frame(long))
    check("an overlong packet is acked", c.ack() == b"+")
    r = c.packet()
    check("and answered with an error", r.startswith(b"E.packet longer"), r)
    c.send(b"-")
    r = c.packet()
    check("a nak gets the last packet again", r.startswith(b"E.packet longer"), r)
    ask(c, "qC", "the session goes on: qC", b"QC1")
    ask(c, "qRcmd," + b"bogus".hex(), "an unknown monitor command: OK after its message", b"OK")
    ask(c, "QStartNoAckMode", "QStartNoAckMode: OK", b"OK")
    c.acks = False
    c.send(frame("g"))
    b = c.byte()
    check("no ack in no-ack mode, the reply comes straight", b == b"$", b)
    c.buf = b"$" + c.buf
    r = c.packet()
    check("g: 212 bytes of registers in hex", len(r) == 424, len(r))
    c.send(b"$g#00")  # a bad checksum in no-ack mode: dropped
    ask(c, "qC", "a bad packet in no-ack mode is dropped: qC answers next", b"QC1")
    ask(c, "D", "D: OK", b"OK")


def second(where):
    a = Client(where)
    a.send(b"+")
    r = a.cmd("qSupported")
    check("the first client is served", b"PacketSize" in r, r)
    b = Client(where)
    b.send(b"+")
    b.send(frame("qSupported"))
    try:
        check("the second is acked", b.ack() == b"+")
        r = b.packet()
        check("and told why it is refused", r.startswith(b"E.vmm: another gdb"), r)
    except (EOFError, ConnectionError) as e:
        check("the second is refused with a message", False, e)
    r = a.cmd("?")
    check("the first goes on", r.startswith(b"T05"), r)
    ask(a, "D", "and detaches", b"OK")


def disconnect(where):
    a = Client(where)
    a.send(b"+")
    r = a.cmd("?")
    check("attached: the guest is stopped", r.startswith(b"T05"), r)
    a.s.close()
    logged("gdb: connection closed")
    b = Client(where)
    b.send(b"+")
    r = b.cmd("?")
    check("gone without detaching: a new client is served", r.startswith(b"T05"), r)
    b.send(frame("c"))
    check("c is acked", b.ack() == b"+")
    time.sleep(0.3)
    b.send(b"\x03")
    r = b.packet()
    check("0x03 stops the guest: T02", r.startswith(b"T02thread:1;"), r)
    ask(b, "vKill;1", "vKill: OK", b"OK")


def framing(where):
    """How packets arrive: a byte at a time, several in one write, with
    escapes and runs ("Overview"), and acks after QStartNoAckMode."""
    c = Client(where)
    c.send(b"+")
    for b in frame("qC"):
        c.send(bytes([b]))
        time.sleep(0.002)
    check("a packet sent a byte at a time is acked", c.ack() == b"+")
    r = c.packet()
    check("and answered", r == b"QC1", r)
    c.send(frame("qC") + frame("?") + frame("qAttached"))
    got = []
    for _ in range(3):
        check("three packets in one write: each acked", c.ack() == b"+")
        got.append(c.packet())
    check("and answered in order", got == [b"QC1", b"T05thread:1;", b"1"], got)
    plain = c.cmd("m100000,4")
    r = c.cmd("m10*!,4")  # '0' and 33 - 29 = 4 more: m100000,4
    check("a run ('*' and a count) is expanded", r == plain and len(r) == 8, (r, plain))
    for packet, what in ((b"*!", "a run with no byte before it: error"),
                         (b"m10*\x01,4", "a run count below 3: error"),
                         (b"m10*\x7f,4", "a run count above 126: error")):
        r = c.cmd(packet)
        check(what, r.startswith(b"E.bad run-length"), r)
    c.send(b"$m10*#" + csum(b"m10*"))
    check("'#' where a count belongs ends the packet: acked", c.ack() == b"+")
    r = c.packet()
    check("and refused", r.startswith(b"E.bad run-length"), r)
    c.send(frame(b"m" + b"0*~" * 200))
    check("a run past PacketSize is acked", c.ack() == b"+")
    r = c.packet()
    check("and refused as overlong", r.startswith(b"E.packet longer"), r)
    # X: '}' then the byte XOR 0x20 for '}', '#', '$' and '*'; a run of
    # binary bytes expands too.
    ask(c, b"X200000,4:}]}\x03}\x04}\x0a", "X with the escaped '}' '#' '$' '*': OK", b"OK")
    ask(c, "m200000,4", "and memory holds them", b"7d23242a")
    ask(c, b"X200004,6:A*\"", "X with a run of 'A': OK", b"OK")
    ask(c, "m200004,6", "and memory holds six of them", b"414141414141")
    r = c.cmd(b"X200000,2:}\x03")
    check("X whose length counts escaped bytes once: mismatch refused", r.startswith(b"E"), r)
    ask(c, "QStartNoAckMode", "QStartNoAckMode: OK", b"OK")
    c.acks = False
    c.send(b"-+-" + frame("qC"))
    r = c.packet()
    check("'-' and '+' in no-ack mode: nothing sent again, qC answered", r == b"QC1", r)
    c.send(frame("qC") + frame("qC"))
    r = (c.packet(), c.packet())
    check("two packets in one write, no acks: both answered", r == (b"QC1", b"QC1"), r)
    ask(c, "D", "D: OK", b"OK")


def running(where):
    """0x03 when stopped, packets while running, a double Ctrl-C, and a
    client reset mid-packet while the guest runs."""
    c = Client(where)
    c.send(b"+\x03")  # gdb only interrupts a running target: nothing to say
    ask(c, "qC", "0x03 while stopped: ignored, qC answers next", b"QC1")
    c.send(frame("c"))
    check("c is acked", c.ack() == b"+")
    c.send(frame("?"))
    check("? while running is acked", c.ack() == b"+")
    r = c.packet()
    check("and refused (all-stop: interrupt first)", r.startswith(b"E.the guest is running"), r)
    c.send(b"\x03\x03")
    r = c.packet()
    check("two 0x03 in one write: one stop, T02", r.startswith(b"T02thread:1;"), r)
    ask(c, "qC", "and no second stop reply", b"QC1")
    c.send(frame("vCont;c"))
    check("vCont;c is acked", c.ack() == b"+")
    c.send(b"$m10")  # half a packet, then a reset
    c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.s.close()
    logged("gdb: connection closed")
    c = Client(where)
    c.send(b"+")
    r = c.cmd("?")
    check("reset mid-packet while running: the next client finds it stopped", r.startswith(b"T05"), r)
    ask(c, "qC", "with a parser of its own (no half packet left over)", b"QC1")
    c.send(frame("k"))
    check("k is acked", c.ack() == b"+")


def noread(where):
    """A client that sends and never reads: the stub gives up on it after
    one write timeout, not one per reply (which held the stub, and the end
    of the run, for minutes), and serves the next client."""
    c = Client(where)
    c.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.s.setblocking(False)
    request = frame("m100000,1ff8")  # a reply of 16 KiB each
    sent = 0
    while True:
        try:
            sent += c.s.send(request * 256)
        except BlockingIOError:
            break  # the stub stopped reading: it is stuck on its replies
    check("requests sent until the stub stopped reading (%d bytes)" % sent, sent > 0)
    logged("gdb: connection lost")
    b = Client(where)
    b.send(b"+")
    r = b.cmd("?")
    check("dropped after one timeout: a new client is served", r.startswith(b"T05"), r)
    ask(b, "vKill;1", "vKill: OK", b"OK")


def threads(where):
    """--smp 4: the thread list, ids that exist and do not, a step of one
    vCPU, more watchpoints than DR0-DR3, D and a reconnection."""
    c = Client(where)
    c.send(b"+")
    for packet, what, want in (
        ("qfThreadInfo", "qfThreadInfo: all four", b"m1,2,3,4"),
        ("qsThreadInfo", "qsThreadInfo: the end", b"l"),
        ("vCont?", "vCont?: c, C, s, S", b"vCont;c;C;s;S"),
        ("T4", "T4: alive", b"OK"),
        ("T5", "T5: no such thread", ERROR),
        ("Hg3", "Hg3: OK", b"OK"),
        ("qC", "qC after Hg3: thread 3", b"QC3"),
        ("Hg5", "Hg5: no such thread", ERROR),
        ("qC", "and Hg3 stands", b"QC3"),
        ("Hc0", "Hc0 (any): OK", b"OK"),
        ("vCont;s:5", "vCont for thread 5: error, nothing resumed", ERROR),
        ("Hg1", "Hg1: OK", b"OK"),
        ("vCont;s:1", "vCont;s:1: vCPU 0 steps, the stop names it", b"T05thread:1;"),
    ):
        r = c.cmd(packet)
        check(what, r.startswith(b"E") if want is ERROR else r == want, r)
    for i in range(4):  # one byte each: four debug registers, or four stepped ones
        ask(c, "Z2,%x,1" % (0x200000 + 8 * i), "watchpoint %d of 4: OK" % (i + 1), b"OK")
    r = c.cmd("Z2,200040,1")
    check("a fifth: refused with a reason", r.startswith(b"E."), r)
    for i in range(4):
        ask(c, "z2,%x,1" % (0x200000 + 8 * i), "and removed", b"OK")
    ask(c, "Z2,200040,1", "then there is room again", b"OK")
    ask(c, "D", "D: OK", b"OK")
    logged("gdb: detached")
    c = Client(where)
    c.send(b"+")
    r = c.cmd("?")
    check("after D a new client is served", r.startswith(b"T05"), r)
    ask(c, "qC", "on thread 1 again", b"QC1")
    ask(c, "vKill;1", "vKill: OK", b"OK")


SCENARIOS = {"threads": threads, "noread": noread, "edges": edges, "second": second, "disconnect": disconnect,
             "framing": framing, "running": running}

if __name__ == "__main__":
    try:
        SCENARIOS[sys.argv[2]](sys.argv[1])
    except (EOFError, OSError, AssertionError) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
