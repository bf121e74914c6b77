"""`forkrt profile CASE`: where one bench case's instructions go, per kernel
function and per arch.

Debian's QEMU has no TCG plugins, so the count comes from QEMU's own log,
`-d in_asm,exec,nochain` under `-icount shift=0,sleep=off` on one CPU:

  in_asm   each translation block (TB) as it is translated: "IN:", on
           riscv64 a "Priv: N; Virt: 0" line, then one "0xADDR: ..." line
           per guest instruction (on x86_64 an instruction longer than 8
           bytes goes on with lines of bytes only, not counted)
  exec     "Trace 0: HOSTPTR [CS_BASE/PC/FLAGS/CFLAGS] ..." each time a TB
           runs; nochain sends every run through the loop that logs it
           (chained TBs would run unlogged)

A TB is translated right before it first runs, so the in_asm block just
before a Trace line with its pc is that TB, and its host pointer names it
from then on (until a new translation takes the pointer).  Each run of a
TB adds its instructions to the function each instruction belongs to
(symbols from the kernel ELF); user-mode code counts as one "[user]" line,
riscv64's M-mode firmware (OpenSBI) as "[opensbi]".  Two log lines take a
run back: "Stopped execution of TB chain before HOSTPTR" (the TB was left
at its start, icount's budget or an interrupt) and "cpu_io_recompile:
rewound execution of TB" (icount restarts a TB at an I/O instruction that
was not its last).  Instructions after one that faults inside a TB still
count (a few per page fault); the guest's own cycle counter, printed
beside the total, bounds that error.

Only the measured region counts: the bench program's `--profile CASE
SIZE_KIB N` mode warms up and then runs N untimed iterations; two boots,
with N = 1 and N = 1 + ITERATIONS, are identical but for the extra
iterations, so their difference divided by ITERATIONS is one iteration,
with boot, set-up, warm-up and power-off gone.
"""
from __future__ import annotations

import bisect
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from . import apt
from . import console
from .common import (ARCHES, BENCH_OPTIONS, EXIT_FAIL, EXIT_NOSTART, GUEST_MEM_MIB,
                     PROFILE_TIMEOUT_S, UserError, kernel_path, rel)

USER = "[user]"
FIRMWARE = "[opensbi]"
NOSYM = "[kernel, no symbol]"
MEM_MIB = GUEST_MEM_MIB  # guest memory beyond the parent's (the boot log grows with it)
# Default parent size per case (KiB): fork_touch_one_page needs memory to touch.
DEFAULT_SIZE = {"fork_touch_one_page": 1024}
CASES = ("fork_exit_wait", "vfork_exit_wait", "rfork_mem_exit_wait", "lwp_create_exit",
         "pthread_create_join", "signal_roundtrip",
         "fork_exec_wait", "vfork_exec_wait", "posix_spawn_wait", "fork_touch_one_page")
# x86_64's in_asm (capstone) prints the bytes of an instruction longer than 8
# on more lines, each with its own address: "0xffffffff8020153d:  00 00".
_CONTINUATION = re.compile(r"(?:\s+[0-9a-f]{2})+\s*")
_PROFILE_LINE = re.compile(r"bench: profile case=(\S+) size_kib=(\d+) iters=(\d+) cycles=(\d+)")


# ---------------------------------------------------------------- symbols

def _elf_exec_ranges(path: str) -> list[tuple[int, int]]:
    """[(vaddr, end)] of the ELF64's executable PT_LOAD segments."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            raise UserError(f"{path} is not a 64-bit ELF file", EXIT_FAIL)
        end = "<" if head[5] == 1 else ">"
        phoff, = struct.unpack_from(end + "Q", head, 0x20)
        phentsize, phnum = struct.unpack_from(end + "HH", head, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        p_type, p_flags, _, p_vaddr, _, _, p_memsz = struct.unpack_from(
            end + "IIQQQQQ", table, i * phentsize)
        if p_type == 1 and p_flags & 1:        # PT_LOAD, PF_X
            out.append((p_vaddr, p_vaddr + p_memsz))
    return out


def _nm() -> str:
    for tool in ("llvm-nm", "nm"):
        if shutil.which(tool):
            return tool
    raise UserError(f"neither llvm-nm nor nm found ({apt.command(['llvm'])})", EXIT_NOSTART)


class Symbols:
    """Kernel text addresses to function names, from the ELF's symbol table."""

    def __init__(self, addrs: list[int], names: list[str], text: list[tuple[int, int]]):
        self.addrs, self.names, self.text = addrs, names, text
        self._cache: dict[int, str] = {}

    @classmethod
    def from_elf(cls, path: str) -> "Symbols":
        r = subprocess.run([_nm(), "-n", "--defined-only", path], capture_output=True,
                           text=True)
        if r.returncode != 0:
            raise UserError(f"{_nm()} {path} failed: {r.stderr.strip()}", EXIT_FAIL)
        return cls.from_nm(r.stdout, _elf_exec_ranges(path))

    @classmethod
    def from_nm(cls, nm_output: str, text: list[tuple[int, int]]) -> "Symbols":
        """nm's "ADDR TYPE NAME" lines; only text symbols (t, T, w, W), and
        not the assembler's local labels (.L*: riscv64's -mno-relax keeps
        them in the symbol table) or mapping symbols ($x)."""
        syms = {}
        for line in nm_output.splitlines():
            parts = line.split()
            if (len(parts) == 3 and parts[1] in "tTwW"
                    and not parts[2].startswith((".L", "$"))):
                syms.setdefault(int(parts[0], 16), parts[2])
        addrs = sorted(syms)
        return cls(addrs, [syms[a] for a in addrs], text)

    def name(self, pc: int) -> str:
        hit = self._cache.get(pc)
        if hit is None:
            hit = NOSYM
            if any(lo <= pc < hi for lo, hi in self.text):
                i = bisect.bisect_right(self.addrs, pc) - 1
                if i >= 0:
                    hit = self.names[i]
            self._cache[pc] = hit
        return hit


# ---------------------------------------------------------------- the log

@dataclass
class _TB:
    runs: tuple          # ((label, instructions), ...) in address order
    execs: int = 0


@dataclass
class Counts:
    """Instructions by label over a whole log."""
    by_label: Counter = field(default_factory=Counter)
    execs: int = 0
    unknown: int = 0     # runs of a TB whose translation was not in the log
    undone: int = 0      # runs taken back (stopped at the start, rewound for I/O)

    @property
    def total(self) -> int:
        return sum(self.by_label.values())


def _privilege(arch: str, in_priv: Optional[int], flags: int, pc: int = 0) -> str:
    """'user', 'firmware' or 'kernel' for a TB.  riscv64's in_asm says the
    privilege (0 U, 1 S, 3 M); x86_64's TB flags are QEMU's hflags, whose
    low two bits are the CPL; aarch64 has no firmware and its kernel runs
    in the upper half (TTBR1), so the TB's address says it."""
    if arch == "riscv64":
        return {0: "user", 3: "firmware"}.get(in_priv, "kernel")
    if arch == "aarch64":
        return "kernel" if pc >= 1 << 63 else "user"
    return "user" if flags & 3 == 3 else "kernel"


def _hex(text: str, line: str) -> int:
    try:
        return int(text, 16)
    except ValueError:
        raise UserError("unexpected line in QEMU's exec log (another QEMU version?): "
                        + line.rstrip()[:200], EXIT_FAIL)


def parse_log(lines: Iterable[str], arch: str, symbols: Symbols) -> Counts:
    """Stream a `-d in_asm,exec,nochain` log into instruction counts by label."""
    counts = Counts()
    tbs: dict[str, _TB] = {}      # host pointer -> the TB living there now
    retired: list[_TB] = []       # TBs whose host pointer was taken by a newer one
    pending: list[int] = []       # instruction addresses of the in_asm block just read
    in_priv: Optional[int] = None
    last: Optional[_TB] = None    # the TB of the last Trace line
    in_block = False
    for line in lines:
        c = line[:1]
        if c == "T" and line.startswith("Trace "):
            in_block = False
            try:
                _, _, ptr, rest = line.split(" ", 3)
                fields = rest[1:rest.index("]")].split("/")
                fields[3]                   # CS_BASE/PC/FLAGS/CFLAGS
            except (ValueError, IndexError):
                raise UserError("unexpected line in QEMU's exec log (another QEMU version?): "
                                + line.rstrip()[:200], EXIT_FAIL)
            tb = tbs.get(ptr)
            if pending and _hex(fields[1], line) == pending[0]:
                # this TB's translation was just logged: learn what it holds
                priv = _privilege(arch, in_priv, _hex(fields[2], line), pending[0])
                runs: list = []
                for pc in pending:
                    label = (USER if priv == "user" else FIRMWARE if priv == "firmware"
                             else symbols.name(pc))
                    if runs and runs[-1][0] == label:
                        runs[-1][1] += 1
                    else:
                        runs.append([label, 1])
                if tb is not None:
                    retired.append(tb)
                tb = tbs[ptr] = _TB(tuple((l, n) for l, n in runs))
            pending = []
            if tb is None:
                counts.unknown += 1
                last = None
                continue
            tb.execs += 1
            last = tb
        elif c == "0" and in_block:
            colon = line.index(":")
            if not _CONTINUATION.fullmatch(line, colon + 1):
                pending.append(int(line[:colon], 16))
        elif c == "I" and line.startswith("IN:"):
            in_block = True
            pending = []
            in_priv = None
        elif c == "P" and in_block and line.startswith("Priv: "):
            in_priv = int(line[6:line.index(";")])
        elif c == "S" and line.startswith("Stopped execution of TB chain before "):
            tb = tbs.get(line.split()[6])
            if tb is not None and tb.execs > 0:
                tb.execs -= 1
                counts.undone += 1
        elif c == "c" and line.startswith("cpu_io_recompile: rewound execution of TB"):
            if last is not None and last.execs > 0:
                last.execs -= 1
                counts.undone += 1
            last = None
        elif not line.strip():
            in_block = False
    for tb in list(tbs.values()) + retired:
        if tb.execs:
            counts.execs += tb.execs
            for label, n in tb.runs:
                counts.by_label[label] += n * tb.execs
    return counts


# ---------------------------------------------------------------- running

@dataclass
class ArchProfile:
    arch: str
    case: str
    size_kib: int
    iterations: int
    per_iter: dict          # label -> instructions per iteration (float)
    cycles_per_iter: Optional[float]   # the guest's own count, same difference
    notes: list = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.per_iter.values())


def _one_run(arch: str, case: str, size: int, iters: int, symbols: Symbols, tmp: str,
             timeout: float) -> tuple[Counts, int]:
    """Boot `bench --profile CASE SIZE ITERS` with the trace on; parse it."""
    log = os.path.join(tmp, f"{arch}-{iters}.log")
    cmdline = f"{BENCH_OPTIONS} bench --profile {case} {size} {iters}"
    buf = io.StringIO()
    o = console.boot(arch, str(kernel_path(arch)), cmdline, timeout=timeout,
                     mem=MEM_MIB + (size + 1023) // 1024,
                     icount=True, smp=1, out=buf,
                     qemu_extra=["-d", "in_asm,exec,nochain", "-D", log])
    cycles = None
    for line in o.lines:
        m = _PROFILE_LINE.search(line)
        if m and m.group(1) == case:
            cycles = int(m.group(4))
    if o.kind != "exit" or o.status != 0 or cycles is None:
        tail = "\n".join("  " + l for l in o.lines[-15:])
        raise UserError(f"{arch}: '{cmdline}' did not finish ({o.summary()}); its console "
                        f"ended:\n{tail}", EXIT_FAIL)
    try:
        with open(log, errors="replace") as f:
            counts = parse_log(f, arch, symbols)
    finally:
        os.unlink(log)
    return counts, cycles


def profile_arch(arch: str, case: str, size: int, iterations: int,
                 timeout: float = PROFILE_TIMEOUT_S) -> ArchProfile:
    kernel = kernel_path(arch)
    if not kernel.is_file():
        raise UserError(f"{rel(kernel)} not found; build it with tools/forkrt build "
                        f"--arch {arch}", EXIT_NOSTART)
    symbols = Symbols.from_elf(str(kernel))
    # The logs are a few hundred MB each (mostly boot): memory beats disk.
    where = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="forkrt-profile-", dir=where) as tmp:
        lo, lo_cycles = _one_run(arch, case, size, 1, symbols, tmp, timeout)
        hi, hi_cycles = _one_run(arch, case, size, 1 + iterations, symbols, tmp, timeout)
    if not hi.execs:
        raise UserError(f"{arch}: QEMU's log had no 'Trace' lines: does this QEMU support "
                        "-d in_asm,exec,nochain?", EXIT_FAIL)
    labels = set(lo.by_label) | set(hi.by_label)
    per = {l: (hi.by_label[l] - lo.by_label[l]) / iterations for l in labels}
    per = {l: v for l, v in per.items() if v != 0}
    p = ArchProfile(arch, case, size, iterations, per,
                    (hi_cycles - lo_cycles) / iterations)
    if p.cycles_per_iter and abs(p.total - p.cycles_per_iter) > 0.02 * p.cycles_per_iter:
        p.notes.append(f"the trace counts {p.total:,.0f} instructions an iteration, the guest's "
                       f"cycle counter {p.cycles_per_iter:,.0f}: more than 2 % apart, so read "
                       "the figures with care")
    if hi.unknown or lo.unknown:
        p.notes.append(f"{hi.unknown + lo.unknown} TB runs had no translation in the log "
                       "and were not counted")
    return p


# ---------------------------------------------------------------- output

def _fmt(v: float) -> str:
    return f"{v:,.0f}"


def side_by_side(profiles: list[ArchProfile], top: int) -> str:
    """Top functions per arch in columns: function, instructions per
    iteration, % of the iteration's total."""
    cols = []
    for p in profiles:
        total = p.total or 1
        ranked = sorted(p.per_iter.items(), key=lambda kv: (-kv[1], kv[0]))
        shown, rest = ranked[:top], ranked[top:]
        rows = [(name, _fmt(v), f"{v * 100 / total:.1f}") for name, v in shown]
        if rest:
            v = sum(x for _, x in rest)
            rows.append((f"({len(rest)} more)", _fmt(v), f"{v * 100 / total:.1f}"))
        rows.append(("total", _fmt(p.total), "100.0"))
        if p.cycles_per_iter is not None:
            rows.append(("guest cycle counter", _fmt(p.cycles_per_iter), ""))
        cols.append([(p.arch, "instr/iter", "%")] + rows)
    height = max(len(c) for c in cols)
    for c in cols:
        c += [("", "", "")] * (height - len(c))
    widths = [(max(len(r[0]) for r in c), max(len(r[1]) for r in c), max(len(r[2]) for r in c))
              for c in cols]
    out = []
    for i in range(height):
        parts = []
        for c, (w0, w1, w2) in zip(cols, widths):
            name, v, pct = c[i]
            parts.append(f"{name:<{w0}}  {v:>{w1}}  {pct:>{w2}}")
        out.append("    ".join(parts).rstrip())
    return "\n".join(out)


def cmd_profile(a, build) -> int:
    arches = list(ARCHES) if a.arch == "all" else [a.arch]
    if a.case not in CASES:
        raise UserError(f"unknown case '{a.case}'; choose one of: {', '.join(CASES)}")
    size = a.size if a.size is not None else DEFAULT_SIZE.get(a.case, 0)
    if size < 0 or a.iterations < 1 or a.top < 1:
        raise UserError("--size must be >= 0, --iterations and --top >= 1")
    if a.case == "fork_touch_one_page" and size == 0:
        raise UserError("fork_touch_one_page needs a parent with memory: --size KIB > 0")
    for arch in arches:
        build(arch)
    profiles = []
    for arch in arches:
        print(f"=== {arch}: tracing bench --profile {a.case} {size} with 1 and "
              f"{1 + a.iterations} iterations (icount, 1 CPU, -d in_asm,exec,nochain)",
              flush=True)
        profiles.append(profile_arch(arch, a.case, size, a.iterations, a.timeout))
    print()
    print(f"{a.case}, parent {size} KiB: instructions per iteration by function "
          f"(the difference of runs with {1 + a.iterations} and 1 iterations, "
          f"/ {a.iterations})")
    print()
    print(side_by_side(profiles, a.top))
    for p in profiles:
        for note in p.notes:
            print(f"{p.arch}: note: {note}")
    return 0
