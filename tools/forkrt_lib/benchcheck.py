"""`forkrt bench --check`: the instruction-count regression guard.

Under `-icount shift=0,sleep=off` on one CPU the benchmark's cycle counter
counts instructions, and `bench --check` (user/prog/bench.c) runs a short,
fixed set of cases whose medians repeat exactly from run to run.  Each
case's `median_cycles` is compared with the committed baseline
(tools/bench_baseline.json): more than LIMIT_PCT worse fails, more than
LIMIT_PCT better passes with a note saying the baseline could be lowered.
`--update-baseline` rewrites the file from a run.

The baseline file (JSON):
  conditions   how the figures were measured; a run under other conditions
               (another command line, CPU count, memory, metric) is refused
  measured     per arch: the commit and QEMU version of the last update
  riscv64, x86_64   {"CASE size_kib=S": instructions}
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Optional, TextIO

from . import bench as benchmod
from . import console
from .common import (ARCHES, EXIT_FAIL, ICOUNT, NO_ASLR, NO_ASLR_NOTE, REPO, TIMEOUT_S, TOOLS,
                     UserError, arch_module, kernel_path, rel)

BASELINE = TOOLS / "bench_baseline.json"
LIMIT_PCT = 3.0
METRIC = "median_cycles"
# What the figures depend on; recorded in the file and checked on every run.
CONDITIONS = {
    "cmdline": "kern.witness=0 bench --check",
    "cpus": 1,
    "mem_mib": 256,
    "icount": ICOUNT,
    "metric": METRIC,
}
# The boot line: the conditions' command line with user ASLR off
# (bench.NO_ASLR), which gives the layout every baseline so far was
# measured with.
BOOT_CMDLINE = f"{NO_ASLR} {CONDITIONS['cmdline']}"
TIMEOUT = TIMEOUT_S
CONSOLE_TAIL = 30


def update_command(path) -> str:
    """The command that rewrites this baseline file."""
    same = rel(path) == rel(BASELINE)
    return "tools/forkrt bench --update-baseline" + ("" if same else f" --check {rel(path)}")


def case_key(r: dict) -> str:
    return f"{r.get('case')} size_kib={r.get('size_kib')}"


@dataclass
class Run:
    """One arch's `bench --check` boot."""
    arch: str
    outcome: Optional[console.Outcome]
    rows: list = field(default_factory=list)     # the bench lines, parsed
    error: str = ""                              # why there are no usable figures

    @property
    def ok(self) -> bool:
        return not self.error


def measure(arch: str, out: TextIO = sys.stdout, timeout: float = TIMEOUT,
            prefix: Optional[str] = None) -> Run:
    """Boot `bench --check` once under the fixed conditions; the kernel must
    already be built.  Console lines go to out (prefixed with [arch])."""
    rows = []

    def keep(line):
        r = benchmod.parse_line(line)
        if r is not None:
            rows.append(r)
    try:
        o = console.boot(arch, str(kernel_path(arch)), BOOT_CMDLINE,
                         timeout=timeout, mem=CONDITIONS["mem_mib"], icount=True,
                         smp=CONDITIONS["cpus"], out=out,
                         prefix=f"[{arch}] " if prefix is None else prefix, on_line=keep)
    except UserError as e:
        return Run(arch, None, error=str(e))
    run = Run(arch, o, rows)
    if o.kind != "exit" or o.status != 0:
        run.error = f"bench --check did not finish: {o.summary()}"
    elif not rows:
        run.error = "bench --check printed no 'bench ...' lines"
    elif any(METRIC not in r for r in rows):
        run.error = f"a bench line lacks {METRIC}"
    return run


def load(path) -> dict:
    """The baseline file, checked for shape; UserError if unusable."""
    try:
        with open(path) as f:
            data = json.load(f)
    except FileNotFoundError:
        raise UserError(f"no baseline {rel(path)}: create it with {update_command(path)}",
                        EXIT_FAIL)
    except (OSError, ValueError) as e:
        raise UserError(f"cannot read baseline {rel(path)}: {e}", EXIT_FAIL)
    if not isinstance(data, dict):
        raise UserError(f"baseline {rel(path)}: expected a JSON object", EXIT_FAIL)
    for arch in ARCHES:
        cases = data.get(arch, {})
        if not isinstance(cases, dict) or not all(
                isinstance(v, int) and v > 0 for v in cases.values()):
            raise UserError(f"baseline {rel(path)}: '{arch}' must map case names to "
                            "positive instruction counts", EXIT_FAIL)
    return data


def conditions_differ(data: dict) -> list[str]:
    """What the file says it was measured under that this tool does not do."""
    theirs = data.get("conditions")
    if not isinstance(theirs, dict):
        return ["the file records no conditions"]
    return [f"{k}: file {theirs.get(k)!r}, tool {v!r}" for k, v in CONDITIONS.items()
            if theirs.get(k) != v]


@dataclass
class Verdict:
    key: str
    base: Optional[int]
    now: Optional[int]
    ok: bool
    text: str

    @property
    def pct(self) -> Optional[float]:
        if not self.base or self.now is None:
            return None
        return (self.now - self.base) * 100.0 / self.base


def compare(arch: str, rows: list[dict], baseline: dict, path=BASELINE,
            limit: float = LIMIT_PCT) -> list[Verdict]:
    """One verdict per case measured or expected, in the order measured."""
    base = baseline.get(arch, {})
    update = update_command(path)
    path = rel(path)
    out = []
    seen = set()
    for r in rows:
        key = case_key(r)
        seen.add(key)
        now = r[METRIC]
        b = base.get(key)
        if b is None:
            out.append(Verdict(key, None, now, False,
                               f"{now:,} instructions, no baseline in {path} "
                               f"(a new case? record it with {update})"))
            continue
        pct = (now - b) * 100.0 / b
        text = f"{now:,} instructions, baseline {b:,} ({pct:+.1f} %)"
        if pct > limit:
            out.append(Verdict(key, b, now, False, text + f": more than {limit:g} % worse"))
        elif pct < -limit:
            out.append(Verdict(key, b, now, True,
                               text + f" # better by more than {limit:g} %: if meant, "
                               f"record it with {update} and say why in the commit"))
        else:
            out.append(Verdict(key, b, now, True, text))
    for key, b in base.items():
        if key not in seen:
            out.append(Verdict(key, b, None, False,
                               f"in {path} (baseline {b:,}) but not measured: "
                               f"bench --check no longer runs it? ({update} drops it)"))
    return out


def tap_lines(arch: str, run: Run, verdicts: list[Verdict]) -> list[str]:
    """TAP for one arch: a line per case, or one failure for a run that broke."""
    if not run.ok:
        return [f"not ok 1 - bench --check on {arch}: {run.error}"]
    return [f"{'ok' if v.ok else 'not ok'} {i} - {v.key}: {v.text}"
            for i, v in enumerate(verdicts, 1)]


def check_arch(arch: str, path, timeout: float = TIMEOUT) -> tuple[Run, list[str], str]:
    """Measure one arch and compare: (the run, its TAP lines, its console).
    Problems with the baseline file itself come back as a failed TAP line."""
    try:
        data = load(path)
    except UserError as e:
        return Run(arch, None, error=str(e)), [f"not ok 1 - bench --check on {arch}: {e}"], ""
    differ = conditions_differ(data)
    if differ:
        why = (f"{rel(path)} was measured under other conditions ({'; '.join(differ)}); "
               f"regenerate it with {update_command(path)}")
        return Run(arch, None, error=why), [f"not ok 1 - bench --check on {arch}: {why}"], ""
    buf = io.StringIO()
    run = measure(arch, out=buf, timeout=timeout, prefix="")
    verdicts = compare(arch, run.rows, data, path) if run.ok else []
    return run, tap_lines(arch, run, verdicts), buf.getvalue()


def _describe_source() -> str:
    """The commit the figures come from, '+' when the tree has other changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"
    return (head or "unknown") + ("+" if dirty else "")


def _qemu_version(arch: str) -> str:
    try:
        r = subprocess.run([arch_module(arch).QEMU, "--version"], capture_output=True,
                           text=True)
        return r.stdout.splitlines()[0].strip() if r.stdout else "unknown"
    except (OSError, UserError):
        return "unknown"


def update(path, runs: list[Run]) -> list[str]:
    """Rewrite the baseline from runs (their arches only; others are kept).
    Returns lines saying what moved."""
    try:
        data = load(path)
    except UserError:
        data = {}
    if conditions_differ(data):
        # other conditions: the other arch's figures are not comparable either
        data = {a: {} for a in ARCHES}
    new = {
        "about": "tools/forkrt bench --check compares each case's median_cycles "
                 "(instructions: -icount shift=0 on one CPU) with these and fails on "
                 f"more than {LIMIT_PCT:g} % worse. Regenerate with tools/forkrt bench "
                 "--update-baseline; the commit says why the figures moved.",
        "conditions": dict(CONDITIONS),
        "measured": dict(data.get("measured", {})),
    }
    said = []
    for arch in ARCHES:
        old = data.get(arch, {})
        run = next((r for r in runs if r.arch == arch), None)
        if run is None:
            new[arch] = old
            continue
        new[arch] = {case_key(r): r[METRIC] for r in run.rows}
        new["measured"][arch] = {"commit": _describe_source(), "qemu": _qemu_version(arch)}
        for key, now in new[arch].items():
            b = old.get(key)
            if b is None:
                said.append(f"{arch} {key}: {now:,} (new)")
            elif b != now:
                said.append(f"{arch} {key}: {b:,} -> {now:,} ({(now - b) * 100.0 / b:+.1f} %)")
        said += [f"{arch} {key}: dropped (was {b:,})" for key, b in old.items()
                 if key not in new[arch]]
    with open(path, "w") as f:
        json.dump(new, f, indent=1)
        f.write("\n")
    return said


def cmd_check(a, path) -> int:
    """`forkrt bench --check [FILE] [--update-baseline]` for the chosen arches
    (the kernels already built)."""
    arches = list(ARCHES) if a.arch == "all" else [a.arch]
    print(NO_ASLR_NOTE, flush=True)
    if a.update_baseline:
        runs = []
        for arch in arches:
            print(f"=== {arch}: {BOOT_CMDLINE} (icount, 1 CPU)", flush=True)
            run = measure(arch, timeout=a.timeout)
            if run.ok and len({case_key(r) for r in run.rows}) != len(run.rows):
                run.error = "bench --check printed a case twice"
            if not run.ok:
                raise UserError(f"{arch}: {run.error}; {rel(path)} left as it was", EXIT_FAIL)
            runs.append(run)
        said = update(path, runs)
        print(f"wrote {rel(path)}" + (": no figure moved" if not said else ""))
        for line in said:
            print("  " + line)
        if said:
            print("commit it saying why the figures moved")
        return 0
    failed = passed = 0
    for arch in arches:
        print(f"=== {arch}: {BOOT_CMDLINE} (icount, 1 CPU) against {rel(path)}",
              flush=True)
        run, lines, text = check_arch(arch, path, timeout=a.timeout)
        if not run.ok and text:
            tail = text.splitlines()[-CONSOLE_TAIL:]
            print(f"[{arch}] # the last {len(tail)} console lines:")
            for line in tail:
                print(f"[{arch}] # {line}")
        for line in lines:
            print(f"[{arch}] {line}", flush=True)
            if console.tap_result(line):
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    if failed:
        print(f"bench --check: instruction counts moved past {LIMIT_PCT:g} % of {rel(path)} "
              "(or could not be measured); see the 'not ok' lines. If the change is "
              f"meant: {update_command(path)}, and say in the commit why the figures "
              "moved", file=sys.stderr)
        return EXIT_FAIL
    return 0
