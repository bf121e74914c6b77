"""Build each target, boot it once, stream its console, collect the outcome:
the loop `forkrt run`, `forkrt bench` and `forkrt fuzz` share, and the
accelerator each boot gets."""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from . import build as buildmod
from . import console
from .common import EXIT_FAIL, EXIT_USAGE, KVM_PROBE_TIMEOUT_S, UserError, kernel_path, warn

_kvm_verdict: dict = {}


def check_accel(arches: list, accel: str) -> None:
    """--accel kvm without x86_64 is a mistake (riscv64 and aarch64 run
    under TCG only, qemu_<arch>.py); with x86_64 the others fall back to TCG."""
    if accel == "kvm" and "x86_64" not in arches:
        raise UserError(f"--accel kvm: {', '.join(arches)} runs under TCG only (KVM runs a "
                        "guest of the host's own architecture); drop --accel kvm", EXIT_USAGE)


def usable_accel(arch: str, accel: str, kernel: Optional[str] = None) -> str:
    """KVM only for x86_64, only when /dev/kvm opens and, given the kernel
    image, only when that kernel really runs under it (a short boot of the
    `true` program); otherwise TCG, said aloud.  Nested KVM on some hosts
    enters `syscall` without leaving ring 3, which would kill init."""
    if accel != "kvm":
        return accel
    if arch != "x86_64":
        print(f"forkrt: --accel kvm applies to x86_64 only; {arch} runs under TCG",
              file=sys.stderr)
        return "tcg"
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
    except OSError as e:
        print(f"forkrt: /dev/kvm is not usable ({e.strerror}); falling back to TCG",
              file=sys.stderr)
        return "tcg"
    if kernel is None:
        return "kvm"
    if kernel not in _kvm_verdict:
        with open(os.devnull, "w") as sink:
            o = console.boot(arch, kernel, "true", timeout=KVM_PROBE_TIMEOUT_S, accel="kvm",
                             out=sink)
        _kvm_verdict[kernel] = o.kind == "exit" and o.status == 0
        if not _kvm_verdict[kernel]:
            print(f"forkrt: forkrt does not run correctly under KVM here ({o.summary()} "
                  "booting 'true'); falling back to TCG", file=sys.stderr)
    return "kvm" if _kvm_verdict[kernel] else "tcg"


@dataclass
class Booted:
    """What came of one arch: its outcome, or why there is none."""
    arch: str
    outcome: Optional[console.Outcome] = None
    failed: str = ""        # "build failed" or "could not boot" when outcome is None
    code: int = 0           # the exit status that failure stands for
    wall: float = 0.0       # seconds the boot took


def build_and_boot(arches: list, cmdline: str, *, app: Optional[str] = None,
                   accel: str = "tcg", raise_alone: bool = True, prefixed: bool = True,
                   header: Optional[Callable[[str, str], None]] = None,
                   on_line: Optional[Callable[[str, str], None]] = None,
                   **boot_kw) -> Iterator[Booted]:
    """For each arch in turn: build it (app as build.build takes it), call
    header(arch, kernel), boot the kernel once with cmdline under
    usable_accel(accel), passing each console line to on_line(arch, line),
    and yield a Booted.  prefixed: each console line shown after "[arch] ".
    A failed build or boot is warned about and yielded
    as failed; with raise_alone and a single arch it is raised instead.
    boot_kw go to console.boot (timeout, mem, smp, ...)."""
    alone = raise_alone and len(arches) == 1
    for arch in arches:
        try:
            buildmod.build(arch, app)
        except UserError as e:
            if alone:
                raise
            warn(str(e))
            yield Booted(arch, failed="build failed", code=EXIT_FAIL)
            continue
        kernel = str(kernel_path(arch))
        if header:
            header(arch, kernel)
        keep = (lambda line, arch=arch: on_line(arch, line)) if on_line else None
        t0 = time.monotonic()
        try:
            o = console.boot(arch, kernel, cmdline,
                             accel=usable_accel(arch, accel, kernel),
                             prefix=f"[{arch}] " if prefixed else "", on_line=keep, **boot_kw)
        except UserError as e:
            if alone:
                raise
            warn(str(e))
            yield Booted(arch, failed="could not boot", code=e.code)
            continue
        yield Booted(arch, o, wall=time.monotonic() - t0)


def first_failure(codes) -> int:
    """The first non-zero status of codes, else 0."""
    return next((c for c in codes if c), 0)
