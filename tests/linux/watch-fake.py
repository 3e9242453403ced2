#!/usr/bin/env python3
"""harness-watch.py against a fake outer VM, no QEMU: a console file and the
agent's two pipes, driven by this script.

  watch-fake.py WATCHER DIR

The fake boots quietly for longer than --silence (a loaded host), beats,
then prints HARNESS-READY and goes silent. The watcher must not call the
quiet boot a silent command (it did: tests/linux.bats once failed in CI
with a dump taken before the command ran); it must ask for the dump
--silence s after the command's last output, and report it. Prints what
happened; exits 1 on the first thing that is wrong.
"""
import os
import select
import subprocess
import sys
import time

SILENCE = 1  # the watcher's --silence (s)
BOOT = 2.5  # the quiet boot before the agent's first beat (s), > SILENCE


WATCHER = None


def fail(msg):
    print(f"FAIL: {msg}")
    if WATCHER:
        WATCHER.kill()
    sys.exit(1)


def main():
    global WATCHER
    watcher, d = sys.argv[1], sys.argv[2]
    console = os.path.join(d, "console")
    open(console, "w").close()
    for end in ("in", "out"):
        os.mkfifo(os.path.join(d, f"agent.{end}"))
    w = subprocess.Popen([sys.executable, watcher, "--console", console,
                          "--agent", os.path.join(d, "agent"),
                          "--hmp", os.path.join(d, "no-monitor.sock"),
                          "--pidfile", os.path.join(d, "no-qemu.pid"),
                          "--verdict", os.path.join(d, "verdict"),
                          "--report", os.path.join(d, "report"),
                          "--heartbeat-log", os.path.join(d, "heartbeat.log"),
                          "--silence", str(SILENCE), "--freeze", "30", "--boot", "60"])
    WATCHER = w
    # O_RDWR: as the watcher does, so neither side's open waits for the other.
    beat_out = os.open(os.path.join(d, "agent.out"), os.O_RDWR)
    cmd_in = os.open(os.path.join(d, "agent.in"), os.O_RDWR | os.O_NONBLOCK)
    n = 0

    def beat_for(secs):
        """Beat every 0.25 s for secs; what the watcher sent meanwhile."""
        nonlocal n
        got, end = b"", time.monotonic() + secs
        while time.monotonic() < end:
            n += 1
            os.write(beat_out, f"HARNESS-HEARTBEAT {n} loc {n}\n".encode())
            if select.select([cmd_in], [], [], 0.25)[0]:
                got += os.read(cmd_in, 4096)
            if w.poll() is not None:
                break
        return got

    time.sleep(BOOT)
    got = beat_for(2 * SILENCE)
    if got or w.poll() is not None:
        fail(f"the watcher judged the quiet boot (sent {got!r}, exit {w.poll()})")
    print(f"quiet boot of {BOOT} s, then {n} beats: no verdict")
    with open(console, "a") as f:
        f.write("HARNESS-READY: uptime 1.00 s\ngoing quiet\n")
    ready = time.monotonic()
    got = b""
    while b"dump" not in got and time.monotonic() - ready < 60 and w.poll() is None:
        got += beat_for(0.25)
    asked = time.monotonic() - ready
    if b"dump" not in got:
        fail(f"no dump asked for {asked:.1f} s after the command went silent")
    if asked < SILENCE:
        fail(f"dump asked {asked:.1f} s after the command's last output, < --silence")
    print(f"dump asked {asked:.1f} s after the command's last output (--silence {SILENCE})")
    os.write(beat_out, b"HARNESS-DUMP-BEGIN\npid 42: sleep 200\nHARNESS-DUMP-END\n")
    try:
        w.wait(60)
    except subprocess.TimeoutExpired:
        w.kill()
        fail("the watcher did not end after the dump")
    with open(os.path.join(d, "verdict")) as f:
        verdict = f.read().strip()
    with open(os.path.join(d, "report")) as f:
        report = f.read()
    print(f"verdict {verdict}")
    if verdict != "inner-silent" or "pid 42: sleep 200" not in report:
        fail(f"verdict {verdict!r}, report:\n{report}")
    print("the report has the agent's dump")


if __name__ == "__main__":
    main()
