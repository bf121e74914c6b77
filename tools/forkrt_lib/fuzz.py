"""`forkrt fuzz`: boot each arch with the guest fuzzer and judge the run.

The guest program (tests/guest/fuzz.c) prints `# seed S`, a `# N calls in
T ms` line and three TAP lines; a panic, a timeout or any `not ok` fails
the arch.  One result line per arch, then the exit status: 0 only if every
arch passed, else the first failure's (1 for a failed check, 124 timeout,
125 panic or crash).
"""
from __future__ import annotations

import re

from . import console, runloop, setup
from .common import ARCHES, EXIT_FAIL, TIMEOUT_S, UserError

SEED_RE = re.compile(r"^# seed (\d+)")
CALLS_RE = re.compile(r"^# (\d+) calls in (\d+) ms")
DEFAULT_SEED = 0x5eed2024


def add_arguments(p) -> None:
    """The options of `forkrt fuzz` (for tools/forkrt's subparser)."""
    p.add_argument("--arch", choices=(*ARCHES, "all"), default="all")
    p.add_argument("--iterations", type=int, default=20000, metavar="N",
                   help="system calls in all, per arch (default 20000)")
    p.add_argument("--seed", type=int, default=None, metavar="S",
                   help="master seed (default: a fixed one, %d)" % DEFAULT_SEED)
    p.add_argument("--procs", type=int, default=8, metavar="P",
                   help="fuzzer processes at a time (default 8, at most 32)")
    p.add_argument("--timeout", type=float, default=None, metavar="S",
                   help=f"seconds per boot (default {TIMEOUT_S} + N/200)")
    p.add_argument("--mem", type=int, default=None, metavar="MIB",
                   help="guest memory (default: the platform's)")
    p.add_argument("--smp", type=int, default=1, metavar="N",
                   help="CPUs (default 1); the lock-order checker stays on")


def cmd_fuzz(a, rest=None) -> int:
    if a.iterations <= 0:
        raise UserError("--iterations must be positive")
    if not 1 <= a.procs <= 32:
        raise UserError("--procs must be between 1 and 32")
    seed = DEFAULT_SEED if a.seed is None else a.seed
    if seed < 0:
        raise UserError("--seed must not be negative")
    timeout = a.timeout if a.timeout is not None else TIMEOUT_S + a.iterations / 200
    # The guest stops fuzzing a little before the host's timeout, so that a
    # slow run still reports its counts instead of being killed.
    guest_time = max(10, int(timeout) - 30)
    cmdline = (f"fuzz --iterations {a.iterations} --seed {seed} --procs {a.procs} "
               f"--time {guest_time}")
    arches = list(ARCHES) if a.arch == "all" else [a.arch]
    setup.ensure()
    seen = {arch: {"seed": None, "calls": None, "ms": None, "ok": 0, "notok": []}
            for arch in arches}

    def keep(arch, line):
        s = seen[arch]
        m = SEED_RE.match(line)
        if m:
            s["seed"] = int(m.group(1))
        m = CALLS_RE.match(line)
        if m:
            s["calls"], s["ms"] = int(m.group(1)), int(m.group(2))
        r = console.tap_result(line)
        if r is True:
            s["ok"] += 1
        elif r is False:
            s["notok"].append(line)

    results = []
    for b in runloop.build_and_boot(
            arches, cmdline, raise_alone=False, on_line=keep, timeout=timeout, mem=a.mem,
            smp=a.smp,
            header=lambda arch, _: print(f"=== {arch} ({a.smp} CPUs): {cmdline}", flush=True)):
        arch, o, s = b.arch, b.outcome, seen[b.arch]
        if o is None:
            results.append((arch, b.failed, b.code))
            continue
        what = (f"seed {s['seed'] if s['seed'] is not None else seed}, "
                f"{s['calls'] if s['calls'] is not None else '?'} calls"
                + (f" in {s['ms'] / 1000:.1f} s" if s["ms"] is not None else "")
                + f", {b.wall:.1f} s wall")
        if o.kind != "exit":
            results.append((arch, f"FAIL ({o.summary()}); {what}", o.exit_code))
        elif s["notok"] or s["ok"] < 3 or o.status != 0:
            why = "; ".join(s["notok"]) or f"exit {o.status}, {s['ok']} ok lines"
            results.append((arch, f"FAIL ({why}); {what}", o.exit_code or EXIT_FAIL))
        else:
            results.append((arch, f"ok; {what}", 0))
    print()
    for arch, text, _ in results:
        print(f"{arch}: fuzz {text}", flush=True)
    return runloop.first_failure(code for _, _, code in results)
