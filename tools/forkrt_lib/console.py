"""Boot one kernel image in QEMU and follow its console.

The console conventions (see README.md, "Exit status"):
  forkrt: poweroff status=N   the kernel powers off; N is the application's status
  panic: <reason>             a kernel panic (a backtrace follows, then QEMU exits)
"""
from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence, TextIO

from . import apt
from .common import (EXIT_CRASH, EXIT_NOSTART, EXIT_TIMEOUT, TIMEOUT_S, UserError,
                     arch_module)

POWEROFF_RE = re.compile(r"forkrt: poweroff status=(-?\d+)")
PANIC_RE = re.compile(r"^panic: ?(.*)$")

# What meson's TAP parser understands; everything else is console chatter.
_TAP_RES = (
    re.compile(r"(?:not )?ok(?:\s.*)?"),
    re.compile(r"\d+\.\.\d+(?:\s.*)?"),
    re.compile(r"#.*"),
    re.compile(r"Bail out!.*"),
    re.compile(r"TAP version \d+"),
)
_TAP_RESULT_RE = re.compile(r"(not )?ok\b\s*(\d+)?\s*([^#]*)(?:#\s*(\S+))?")


def is_tap(line: str) -> bool:
    return any(r.fullmatch(line) for r in _TAP_RES)


def tap_safe(line: str) -> str:
    """The line as it may appear on a TAP stream: non-TAP lines become comments."""
    if is_tap(line):
        return line
    return "# " + line if line else "#"


def tap_result(line: str) -> Optional[bool]:
    """True for an `ok` line, False for `not ok`, None for anything else.

    Like meson: `# SKIP` counts as passed, `not ok ... # TODO` (an expected
    failure) is not a failure.
    """
    m = _TAP_RESULT_RE.match(line)
    if not m:
        return None
    directive = (m.group(4) or "").upper()
    if m.group(1) is None:
        return True
    return directive.startswith("TODO")


@dataclass
class Outcome:
    kind: str                   # exit | panic | timeout | crash
    exit_code: int              # what qemu-run exits with
    status: Optional[int] = None  # the guest's status when kind == exit
    reason: str = ""
    qemu_rc: Optional[int] = None
    lines: list = field(default_factory=list)

    def summary(self) -> str:
        if self.kind == "exit":
            return f"exit {self.status}"
        if self.kind == "panic":
            return f"kernel panic: {self.reason}"
        return self.reason


def decide(*, poweroff: Optional[int], panic: Optional[str], timed_out: bool,
           timeout: float, qemu_rc: Optional[int], decoded: Optional[int]) -> Outcome:
    """Turn what was seen into an outcome. Order: panic, timeout, poweroff line,
    decode_exit(), otherwise a crash."""
    if panic is not None:
        extra = f" (and the guest hung; killed after {timeout:g} s)" if timed_out else ""
        return Outcome("panic", EXIT_CRASH, reason=(panic or "(no reason given)") + extra,
                       qemu_rc=qemu_rc)
    if poweroff is not None:
        return Outcome("exit", poweroff & 0xFF, status=poweroff & 0xFF, qemu_rc=qemu_rc)
    if timed_out:
        return Outcome("timeout", EXIT_TIMEOUT,
                       reason=f"timeout: guest still running after {timeout:g} s; killed QEMU",
                       qemu_rc=qemu_rc)
    if decoded is not None:
        return Outcome("exit", decoded & 0xFF, status=decoded & 0xFF, qemu_rc=qemu_rc)
    if qemu_rc is not None and qemu_rc < 0:
        how = f"killed by signal {-qemu_rc}"
    else:
        how = f"exited with status {qemu_rc}"
    return Outcome("crash", EXIT_CRASH,
                   reason=f"QEMU {how} without a guest status (crash or triple fault?)",
                   qemu_rc=qemu_rc)


class _Terminated(Exception):
    pass


def _on_sigterm(signum, frame):
    raise _Terminated()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def boot(arch: str, kernel: str, cmdline: str = "", *, timeout: float = TIMEOUT_S,
         mem: Optional[int] = None, gdb: bool = False, icount: bool = False,
         accel: str = "tcg", smp: int = 1, tap: bool = False, prefix: str = "",
         out: TextIO = sys.stdout, interactive: bool = False,
         on_line: Optional[Callable[[str], None]] = None,
         poweroff_grace: float = 10.0, qemu_extra: Sequence[str] = ()) -> Outcome:
    """Run QEMU once, print the console line by line, return the outcome.

    timeout <= 0 means no limit. The poweroff line is authoritative; when it has
    been seen and QEMU does not exit within poweroff_grace seconds it is killed
    and the status stands.  qemu_extra: more QEMU options, after the
    platform's (tools/forkrt profile adds its -d trace).
    """
    mod = arch_module(arch)
    if not os.path.isfile(kernel):
        raise UserError(f"kernel image {kernel} not found; build it with "
                        f"tools/forkrt build --arch {arch}", EXIT_NOSTART)
    kwargs = dict(gdb=gdb, icount=icount, accel=accel)
    if mem is not None:
        kwargs["mem_mib"] = mem
    if smp != 1:
        kwargs["smp"] = smp
    argv = [str(a) for a in mod.qemu_argv(str(kernel), cmdline, **kwargs)]
    argv += [str(a) for a in qemu_extra]

    stdin = None if interactive else subprocess.DEVNULL
    saved_tty = None
    if interactive and sys.stdin.isatty():
        try:
            import termios
            saved_tty = termios.tcgetattr(sys.stdin.fileno())
        except Exception:
            saved_tty = None

    try:
        proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, bufsize=0)
    except FileNotFoundError:
        pkgs = getattr(mod, "PACKAGES", []) or []
        hint = f" ({apt.command(pkgs)}, or tools/forkrt setup)" if pkgs else ""
        raise UserError(f"{argv[0]} not found{hint}", EXIT_NOSTART)
    except OSError as e:
        raise UserError(f"cannot start {argv[0]}: {e}", EXIT_NOSTART)

    old_term = signal.signal(signal.SIGTERM, _on_sigterm)
    start = time.monotonic()
    deadline = start + timeout if timeout and timeout > 0 else None
    poweroff = panic = None
    timed_out = False
    grace_deadline = None
    lines: list[str] = []
    buf = b""

    def emit(raw: bytes) -> None:
        nonlocal poweroff, panic
        line = raw.decode("utf-8", "replace").rstrip("\r\n").replace("\r", "")
        lines.append(line)
        m = POWEROFF_RE.search(line)
        if m and poweroff is None:
            poweroff = int(m.group(1))
        m = PANIC_RE.match(line)
        if m and panic is None:
            panic = m.group(1).strip()
        if on_line:
            on_line(line)
        shown = tap_safe(line) if tap else line
        out.write(prefix + shown + "\n")
        out.flush()

    sel = selectors.DefaultSelector()
    fd = proc.stdout.fileno()
    sel.register(fd, selectors.EVENT_READ)
    try:
        while True:
            now = time.monotonic()
            if poweroff is not None and grace_deadline is None:
                # the poweroff line was seen: QEMU has poweroff_grace s to exit
                grace_deadline = now + poweroff_grace
                deadline = grace_deadline if deadline is None else min(deadline, grace_deadline)
            wait = None if deadline is None else max(0.0, deadline - now)
            if wait == 0.0:
                timed_out = poweroff is None
                break
            events = sel.select(timeout=wait)
            if not events:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                emit(raw)
        if buf:
            emit(buf)
        if timed_out or proc.poll() is None:
            if not timed_out:
                # stdout closed (or poweroff grace over) but QEMU lingers
                remaining = 5.0 if deadline is None else max(0.5, deadline - time.monotonic())
                try:
                    proc.wait(timeout=remaining)
                except subprocess.TimeoutExpired:
                    timed_out = poweroff is None
            _stop(proc)
        qemu_rc = proc.wait()
    except (KeyboardInterrupt, _Terminated):
        _stop(proc)
        raise
    finally:
        sel.close()
        signal.signal(signal.SIGTERM, old_term)
        if saved_tty is not None:
            import termios
            try:
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved_tty)
            except Exception:
                pass

    decoded = None
    if not timed_out:
        try:
            decoded = mod.decode_exit(qemu_rc)
        except Exception:
            decoded = None
    o = decide(poweroff=poweroff, panic=panic, timed_out=timed_out, timeout=timeout,
               qemu_rc=qemu_rc, decoded=decoded)
    o.lines = lines
    return o


def tap_epilogue(o: Outcome, lines: list, what: str) -> list:
    """Lines that make a bad run show as a failed test on a TAP stream."""
    if o.kind == "panic":
        return [f"not ok - kernel panic: {o.reason}", f"Bail out! kernel panic: {o.reason}"]
    if o.kind in ("timeout", "crash"):
        return [f"not ok - {o.reason}", f"Bail out! {o.reason}"]
    if o.status and not any(tap_result(l) is False for l in lines):
        return [f"not ok - {what} exited with status {o.status}"]
    return []
