"""A Linux peer for the x86_64 fork benchmark (issue 6, point 5).

Boots Debian's kernel (linux-image-amd64) in the same QEMU as forkrt's x86_64
run (same accelerator, same -cpu less ERMS, same -icount when asked) with an initramfs
holding only /init (tools/peer/linux_bench.c, static glibc), /true (the
program fork_exec_wait execs) and /dev/console, and returns the `bench ...`
lines /init prints (arch=x86_64-linux), parsed by bench.parse_line.

    from forkrt_lib.linuxpeer import run_linux_peer
    rows = run_linux_peer(timeout=BENCH_TIMEOUT_S, icount=False)
"""
from __future__ import annotations

import glob
import os
import re
import selectors
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional

from . import apt
from . import bench as benchmod
from .common import (BENCH_MEM_MIB, BENCH_TIMEOUT_S, BUILD, EXIT_FAIL, EXIT_SETUP,
                     EXIT_TIMEOUT, ICOUNT, REPO, UserError, arch_module)

PEER_DIR = BUILD / "linux-peer"
SRC = REPO / "tools" / "peer"
KERNEL_PACKAGE = "linux-image-amd64"
LIBC_A = "/usr/lib/x86_64-linux-gnu/libc.a"
ARCH = "x86_64-linux"
MEM_MIB = BENCH_MEM_MIB   # like forkrt's bench --mem default
# Without ERMS (enhanced rep movsb/stosb) Linux clears and copies pages with
# its 8-byte paths instead of one `rep stosb`/`rep movsb`, of which -icount
# counts every iteration as an instruction: 4096 for a page, where a loop
# of 8-byte moves counts about 600.  With ERMS Linux's fork+exit+wait
# counted 264 k instructions here against 153 k without, and one
# copy-on-write fault 11.1 k against 4.0 k: an inflated Linux, which made
# forkrt's ratios look better than they are.  forkrt has no rep-string
# loops on any measured path.
CPU_FLAGS = ",-erms"
# microvm, like forkrt: Debian's kernel boots there (qboot) and powers off through ACPI (GED).
MACHINE = "microvm"
# transparent_hugepage=never: forkrt maps 4 KiB pages only, so Linux does too.
# (Debian's kernel has THP "always", which Linux itself turns off below
# 512 MiB of RAM: the peer had 4 KiB pages until it got the memory for 1 GiB
# parents.  With 2 MiB pages fork copies 512 entries for 1 GiB, not 262 144.)
APPEND = "console=ttyS0 quiet panic=-1 transparent_hugepage=never"
DONE_RE = re.compile(r"^bench: done status=(-?\d+)")


def _say(msg: str) -> None:
    print(f"linux-peer: {msg}", file=sys.stderr, flush=True)


def _apt_install(packages: list[str], why: str) -> None:
    if not apt.can_install():
        raise UserError(f"{why}; run as root to install it, or: " + apt.command(packages),
                        EXIT_SETUP)
    _say(f"{why}: {apt.command(packages)}")
    _, rc = apt.install(packages, options=["--no-install-recommends"],
                        update=apt.UPDATE_ON_FAILURE, stdout=sys.stderr, stderr=sys.stderr)
    if rc != 0:
        raise UserError(f"{apt.command(packages)} failed", EXIT_SETUP)


def _version_key(path: str):
    v = os.path.basename(path)[len("vmlinuz-"):]
    return [int(x) if x.isdigit() else x for x in re.split(r"[.\-+~]", v)]


def find_kernel(install: bool = True) -> str:
    """The newest /boot/vmlinuz-*-amd64 (Debian's), installing linux-image-amd64 if none."""
    found = sorted(glob.glob("/boot/vmlinuz-*"), key=_version_key)
    debian = [k for k in found if k.endswith("-amd64")]
    if not (debian or found) and install:
        _apt_install([KERNEL_PACKAGE], "no kernel in /boot/vmlinuz-*")
        found = sorted(glob.glob("/boot/vmlinuz-*"), key=_version_key)
        debian = [k for k in found if k.endswith("-amd64")]
    kernels = debian or found
    if not kernels:
        raise UserError(f"no /boot/vmlinuz-*; {apt.command([KERNEL_PACKAGE])}", EXIT_SETUP)
    k = kernels[-1]
    if not os.access(k, os.R_OK):
        raise UserError(f"{k} is not readable (Debian installs it mode 0600): run as root",
                        EXIT_SETUP)
    return k


def _stale(out: Path, *srcs: Path) -> bool:
    return not out.exists() or any(s.stat().st_mtime > out.stat().st_mtime for s in srcs)


def _cc(src: Path, out: Path, *deps: Path) -> None:
    if not _stale(out, src, *deps):
        return
    if shutil.which("clang") is None:
        _apt_install(["clang"], "clang not found")
    if not os.path.exists(LIBC_A):
        _apt_install(["libc6-dev"], f"{LIBC_A} not found (static glibc)")
    cmd = ["clang", "-static", "-O2", "-Wall", "-o", str(out), str(src)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise UserError(f"{' '.join(cmd)} failed:\n{r.stdout}", EXIT_FAIL)


def _cpio_entry(name: str, mode: int, data: bytes = b"", ino: int = 1,
                rdev: tuple = (0, 0), nlink: int = 1) -> bytes:
    """One cpio "newc" (070701) member."""
    namez = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(namez), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = hdr + namez
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def write_cpio(path: Path, files: dict) -> None:
    """files: {name in the archive: host path}; adds /dev and /dev/console (5, 1)."""
    parts = [_cpio_entry("dev", stat.S_IFDIR | 0o755, ino=1, nlink=2),
             _cpio_entry("dev/console", stat.S_IFCHR | 0o600, ino=2, rdev=(5, 1))]
    for i, (name, src) in enumerate(sorted(files.items()), start=3):
        parts.append(_cpio_entry(name, stat.S_IFREG | 0o755, Path(src).read_bytes(), ino=i))
    parts.append(_cpio_entry("TRAILER!!!", 0, ino=0, nlink=1))
    blob = b"".join(parts)
    blob += b"\0" * (-len(blob) % 512)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)


def build() -> Path:
    """Compile /init and /true, pack build/linux-peer/initramfs.cpio; return its path."""
    PEER_DIR.mkdir(parents=True, exist_ok=True)
    init, true = PEER_DIR / "init", PEER_DIR / "true"
    # The cases themselves are forkrt's bench_cases.h, included by linux_bench.c.
    _cc(SRC / "linux_bench.c", init, REPO / "user" / "prog" / "bench_cases.h")
    _cc(SRC / "true.c", true)
    cpio = PEER_DIR / "initramfs.cpio"
    if _stale(cpio, init, true):
        write_cpio(cpio, {"init": init, "true": true})
    return cpio


def qemu_argv(kernel: str, initrd: str, icount: bool = False, accel: str = "tcg",
              append: str = APPEND, machine: str = MACHINE, smp: int = 1) -> list:
    """The peer's QEMU command: -smp, -accel and -icount exactly as
    forkrt_lib/qemu_x86_64.py has them for forkrt, and its -cpu without ERMS
    (CPU_FLAGS)."""
    mod = arch_module("x86_64")
    ref = mod.qemu_argv("forkrt.elf", "", icount=icount, accel=accel, smp=smp)
    cpu = (ref[ref.index("-cpu") + 1] if "-cpu" in ref else "max") + CPU_FLAGS
    accel = ref[ref.index("-accel") + 1] if "-accel" in ref else accel
    argv = [mod.QEMU, "-M", machine, "-accel", accel, "-cpu", cpu, "-smp", str(smp),
            "-m", f"{MEM_MIB}M",
            "-nodefaults", "-no-user-config",
            "-kernel", kernel, "-initrd", initrd, "-append", append,
            "-no-reboot", "-display", "none", "-serial", "stdio"]
    if icount:
        argv += ["-icount", ref[ref.index("-icount") + 1] if "-icount" in ref
                 else ICOUNT]
    return argv


def run_linux_peer(timeout, icount: bool = False, *, accel: str = "tcg",
                   on_line: Optional[Callable[[str], None]] = None,
                   append: str = APPEND, machine: str = MACHINE, smp: int = 1) -> list[dict]:
    """Build, boot Debian's kernel with the peer initramfs, return its bench lines
    (dicts from bench.parse_line, arch=x86_64-linux).  on_line sees every console
    line (default: none are shown).  Raises UserError on timeout, a failed run
    or no bench lines."""
    kernel = find_kernel()
    initrd = build()
    argv = qemu_argv(kernel, str(initrd), icount=icount, accel=accel, append=append,
                     machine=machine, smp=smp)
    rows, tail, status = [], [], None
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout if timeout else None
    buf = b""
    timed_out = False

    def handle(raw: bytes):
        nonlocal status
        line = raw.decode(errors="replace").rstrip("\r\n").replace("\r", "")
        tail.append(line)
        del tail[:-20]
        if on_line:
            on_line(line)
        r = benchmod.parse_line(line)
        if r is not None:
            rows.append(r)
        m = DONE_RE.match(line)
        if m:
            status = int(m.group(1))
            # reboot(RB_POWER_OFF) ends QEMU; do not wait long if it does not.
            nonlocal deadline
            deadline = min(deadline or float("inf"), time.monotonic() + 15)

    try:
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                timed_out = status is None
                break
            if not sel.select(left):
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                handle(raw)
        if buf:
            handle(buf)
    finally:
        sel.close()
        if p.poll() is None:
            p.kill()
        p.wait()
        p.stdout.close()
    if timed_out:
        raise UserError(f"Linux peer: no end after {timeout} s ({len(rows)} bench lines); "
                        "last console lines:\n  " + "\n  ".join(tail), EXIT_TIMEOUT)
    if status != 0 or not rows:
        raise UserError(f"Linux peer: {'/init status ' + str(status) if status is not None else 'QEMU exited ' + str(p.returncode)}"
                        f", {len(rows)} bench lines; last console lines:\n  "
                        + "\n  ".join(tail), EXIT_FAIL)
    return rows


# forkrt/linux targets (issue 11): fork_exit_wait with an empty parent, snapshot at 1 GiB.
TARGETS = {("fork_exit_wait", 0): 0.2, ("snapshot", 1024 * 1024): 0.5}


def ratio_line(rows: list[tuple], metric: str = "median_ns") -> str:
    """forkrt/linux on x86_64 for every case both ran, one line a case, its
    sizes side by side (`  fork_exit_wait  0 KiB 0.31 (target <= 0.2), 1 MiB
    0.40, ...`), from (arch, dict) rows holding both x86_64 and x86_64-linux
    lines; snapshot also compares the worst single write."""
    unit = metric.split("_", 1)[1] if metric.startswith("median_") else "ns"
    fields = [(metric, "")] + [(f"worst_write_{unit}", "worst write")]
    val = {}
    for a, r in rows:
        if "live" in r:
            continue
        for f, _ in fields:
            if isinstance(r.get(f), (int, float)):
                val[(r.get("arch", a), r.get("case"), r.get("size_kib"), f)] = r[f]
    per_case = {}
    for (a, case, size, f), lx in val.items():
        fr = val.get(("x86_64", case, size, f))
        if a != ARCH or not fr or not lx:
            continue
        q = fr / lx
        part = f"{benchmod.size_label(size)} " + (f"{q:.0f}" if q >= 100 else f"{q:.2f}"
                                                   if q >= 0.1 else f"{q:.2g}")
        if f == metric and (case, size) in TARGETS:
            part += f" (target <= {TARGETS[(case, size)]})"
        per_case.setdefault((case, f), []).append((size if isinstance(size, int) else 0, part))
    if not per_case:
        return "x86_64 vs Linux: no common cases"
    names = {f: what for f, what in fields}
    width = max(len(c + (" " + names[f] if names[f] else "")) for c, f in per_case)
    lines = [f"x86_64 vs Linux, forkrt/linux {metric}:"]
    for (case, f), parts in per_case.items():
        label = case + (" " + names[f] if names[f] else "")
        lines.append(f"  {label.ljust(width)}  " + ", ".join(p for _, p in sorted(parts)))
    return "\n".join(lines)
