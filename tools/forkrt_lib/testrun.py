"""`forkrt test`: run meson's tests per target and count TAP subtests.

meson 1.0.1 writes one JSON object per test to <builddir>/meson-logs/<logbase>.json
(JsonLogfileBuilder) with the test's name, result (OK, FAIL, ERROR, TIMEOUT, SKIP,
EXPECTEDFAIL, UNEXPECTEDPASS) and its whole stdout; that file, not meson's console
output, is what we read.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import benchcheck
from .common import EXIT_USAGE, UserError
from .console import tap_result

LOGBASE = "forkrt-test"
TAIL = 30
GOOD_RESULTS = {"OK", "SKIP", "EXPECTEDFAIL"}
_PLAN_RE = re.compile(r"1\.\.(\d+)")
_PROGRESS_RE = re.compile(r"\s*\d+/\d+\s")


@dataclass
class TestCount:
    name: str
    result: str
    passed: int = 0
    failed: int = 0
    lines: list = field(default_factory=list)   # the ok / not ok lines
    note: str = ""
    stdout: str = ""
    stderr: str = ""


def count_test(entry: dict) -> TestCount:
    """Count one meson test: its ok / not ok lines; a failure meson saw that no
    `not ok` line explains (crash, timeout, missing planned tests, bad exit
    status) counts as one failed test more; a test printing no TAP counts as
    one test by its result."""
    name = entry.get("name", "?")
    result = str(entry.get("result", "?"))
    stdout = entry.get("stdout") or ""
    tc = TestCount(name, result, stdout=stdout, stderr=entry.get("stderr") or "")
    plan = None
    ran = 0
    for line in stdout.splitlines():
        r = tap_result(line)
        if r is None:
            m = _PLAN_RE.fullmatch(line.strip().split("#")[0].strip())
            if m and plan is None:
                plan = int(m.group(1))
            continue
        ran += 1
        tc.lines.append(line)
        if r:
            tc.passed += 1
        else:
            tc.failed += 1
    bad = result not in GOOD_RESULTS
    if ran == 0:
        if bad:
            tc.failed += 1
            tc.note = f"{result}, no TAP results"
        elif result == "SKIP":
            tc.note = "skipped"
        else:
            tc.passed += 1
            tc.note = "no TAP output; counted by its exit status"
    elif bad and tc.failed == 0:
        tc.failed += 1
        if plan is not None and ran < plan:
            tc.note = f"{result}: planned {plan}, ran {ran}"
        else:
            tc.note = f"{result} with no failing subtest"
    return tc


def read_log(path: Path) -> list[dict]:
    entries = []
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return entries
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def run_meson_test(target: str, d: Path, suite: str | None, out=sys.stdout) -> list[TestCount]:
    """Run `meson test` in d, echo its one-line-per-test progress, return counts."""
    log = d / "meson-logs" / f"{LOGBASE}.json"
    try:
        log.unlink()
    except FileNotFoundError:
        pass
    cmd = ["meson", "test", "-C", str(d), "--no-rebuild", "--logbase", LOGBASE,
           "--num-processes", str(max(1, os.cpu_count() or 1))]
    if suite:
        cmd += ["--suite", suite]
    out.write(f"[{target}] + {' '.join(cmd)}\n")
    out.flush()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace")
    chatter = []
    for line in proc.stdout:
        line = line.rstrip("\n")
        chatter.append(line)
        if _PROGRESS_RE.match(line):
            out.write(f"[{target}] {line.strip()}\n")
            out.flush()
    rc = proc.wait()
    entries = read_log(log)
    if not entries:
        # meson said why (no tests defined, bad suite, ...): show it
        for line in chatter[-15:]:
            out.write(f"[{target}] {line}\n")
        out.write(f"[{target}] meson test ran no tests (status {rc})\n")
    return [count_test(e) for e in entries]


def show(target: str, tests: list[TestCount], out=sys.stdout) -> None:
    """Every ok / not ok line, named by target and test; a failed test's whole
    output (console lines arrive as TAP comments) and stderr."""
    for t in tests:
        if t.failed > 0:
            # every result line, plus the last TAIL lines of console for context
            lines = t.stdout.splitlines()
            start = max(0, len(lines) - TAIL)
            shown = [l for i, l in enumerate(lines) if i >= start or tap_result(l) is not None]
            if start:
                out.write(f"[{target}] {t.name}: # ({start} earlier console lines in "
                          f"meson-logs/{LOGBASE}.txt)\n")
        else:
            shown = t.lines
        for line in shown:
            out.write(f"[{target}] {t.name}: {line}\n")
        if t.failed > 0:
            for line in t.stderr.strip("\n").splitlines()[-40:]:
                out.write(f"[{target}] {t.name}: stderr: {line}\n")
        if t.note:
            out.write(f"[{target}] {t.name}: # {t.note}\n")
    out.flush()


def guest_tests(d: Path) -> list[dict]:
    """meson's list of the tests in build dir d (meson-info/intro-tests.json)."""
    try:
        return json.loads((d / "meson-info" / "intro-tests.json").read_text())
    except (OSError, ValueError):
        return []


def run_one_suite(target: str, d: Path, suite: str, cases: list[str], smp: int,
                  out=sys.stdout) -> TestCount:
    """Boot one guest suite, SUITE@smpN as meson would, with `cases` after its name
    on the kernel command line: init passes them on as argv, and the suite runs those
    cases only (tests/guest/tap.h); a case it does not have is a failure."""
    name = f"{suite}@smp{smp}"
    tests = guest_tests(d)
    t = next((t for t in tests if t.get("name") == name), None)
    if t is None:
        suites = sorted({x["name"].split("@")[0] for x in tests if "@smp" in x.get("name", "")})
        raise UserError(f"no guest suite {suite!r} on {target}; the suites: {', '.join(suites)}",
                        EXIT_USAGE)
    cmd = list(t["cmd"]) + cases
    what = f"{suite} {' '.join(cases)}" if cases else f"{suite} (every case)"
    out.write(f"[{target}] + {name}: {what}\n")
    out.flush()
    proc = subprocess.Popen(cmd, cwd=t.get("workdir") or d, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace",
                            env={**os.environ, **(t.get("env") or {})})
    try:
        stdout, stderr = proc.communicate(timeout=(t.get("timeout") or 300) + 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    # the suite's own comments (which case ran; a bad case's list) are worth seeing
    listing = False
    for line in stdout.splitlines():
        listing = line.startswith("# its cases") or (listing and line.startswith("#   "))
        if listing or line.startswith(("# running ", "Bail out!")):
            out.write(f"[{target}] {name}: {line}\n")
    out.flush()
    return count_test({"name": name, "result": "OK" if proc.returncode == 0 else "FAIL",
                       "stdout": stdout, "stderr": stderr})


BENCH_CHECK = "forkrt:bench / check@smp1"


def run_bench_check(target: str, out=sys.stdout) -> TestCount:
    """The instruction-count regression guard (`forkrt bench --check`) on one
    guest target, as one test whose subtests are its cases."""
    out.write(f"[{target}] + tools/forkrt bench --check --arch {target} "
              f"(against {benchcheck.rel(benchcheck.BASELINE)})\n")
    out.flush()
    run, lines, console_text = benchcheck.check_arch(target, benchcheck.BASELINE)
    stdout = console_text + "".join(line + "\n" for line in lines)
    tc = count_test({"name": BENCH_CHECK, "result": "OK" if run.ok else "FAIL",
                     "stdout": stdout})
    if tc.failed:
        tc.note = ("instructions moved past the baseline: if meant, "
                   f"{benchcheck.update_command(benchcheck.BASELINE)} and say why in the commit"
                   if run.ok else "")
        tc.result = "FAIL"
    return tc
