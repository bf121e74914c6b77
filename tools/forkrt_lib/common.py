"""Paths, errors and the per-arch QEMU modules shared by the tools."""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent
REPO = TOOLS.parent
BUILD = REPO / "build"
# Every arch the tools build and boot: --arch NAME, and all of them for
# --arch all (the default).
ARCHES = ("riscv64", "x86_64", "aarch64")

# ---------------------------------------------------------------- defaults
# Every default the commands share, defined here and nowhere else.

TIMEOUT_S = 120           # seconds per boot: run, qemu-run, bench --check; fuzz adds N/200
BENCH_TIMEOUT_S = 600     # seconds per boot of bench (the full set), and of its Linux peer
PROFILE_TIMEOUT_S = 300   # seconds per traced boot of profile
KVM_PROBE_TIMEOUT_S = 30  # the boot of 'true' that tells whether forkrt runs under KVM here
GUEST_MEM_MIB = 256       # guest memory without --mem (profile: beyond the parent's)
# bench (and its Linux peer): a 1 GiB parent and the full copy
# fork_parent_write_all makes of it, 10000 processes for pid_alloc.
BENCH_MEM_MIB = 3072
SMP = 4                   # CPUs of run and bench without --smp
ICOUNT = "shift=0,sleep=off"   # -icount: one ns of guest time per instruction, no sleeping
OPENSBI_FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"  # Debian's opensbi

# Benchmarks boot with user ASLR off (core/exec.c): every exec then gets
# the fixed layout, so that figures repeat from run to run and from build
# to build (under -icount the random source's jitter follows the
# instruction count, so a layout drawn at random would move with any change
# to the kernel).  The fixed layout is the one the baseline was measured with.
NO_ASLR = "kern.elf64.aslr.enable=0"
NO_ASLR_NOTE = ("forkrt: bench boots with kern.elf64.aslr.enable=0: user ASLR off, "
                "every exec gets the fixed layout, for figures that repeat")
# The kernel options bench and profile boot with, before 'bench ARGS': the
# lock-order checker off while measuring, and user ASLR off.  (bench
# --check's command line is part of its baseline's conditions: benchcheck.py.)
BENCH_OPTIONS = f"kern.witness=0 {NO_ASLR}"

# Exit codes of the tools (besides a guest's own status).
EXIT_FAIL = 1        # tests failed, build failed, no bench lines
EXIT_USAGE = 2       # bad command line, missing --app file (argparse uses 2 too)
EXIT_SETUP = 3       # prerequisites missing and not installable
EXIT_TIMEOUT = 124   # the guest ran past --timeout (like coreutils timeout)
EXIT_CRASH = 125     # kernel panic, or QEMU ended without a guest status
EXIT_NOSTART = 126   # QEMU, the kernel image or tools/forkrt_lib/qemu_<arch>.py missing


class UserError(Exception):
    """A mistake or missing piece the user can fix; printed without a traceback."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


def prog_name() -> str:
    return os.path.basename(sys.argv[0]) or "forkrt"


def warn(message: str) -> None:
    sys.stdout.flush()
    print(f"{prog_name()}: {message}", file=sys.stderr, flush=True)


def check_arch(arch: str) -> str:
    if arch not in ARCHES:
        raise UserError(f"unknown arch '{arch}'; choose one of: {', '.join(ARCHES)}")
    return arch


_modules: dict[str, object] = {}


def arch_module(arch: str, required: bool = True):
    """tools/forkrt_lib/qemu_<arch>.py, how to boot each arch (written by the
    platform engineers): the module, or with required=False None when it is
    missing or broken."""
    check_arch(arch)
    if arch in _modules:
        return _modules[arch]
    name = f"qemu_{arch}"
    path = Path(__file__).resolve().parent / f"{name}.py"
    if not path.is_file():
        if not required:
            return None
        raise UserError(f"{path.relative_to(REPO)} not found: the {arch} platform "
                        "does not describe how to boot it yet", EXIT_NOSTART)
    dont = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        mod = importlib.import_module(f".{name}", __package__)
    except Exception as e:  # a broken platform module is not the user's fault, but say where
        if not required:
            return None
        raise UserError(f"cannot load {path.relative_to(REPO)}: {type(e).__name__}: {e}",
                        EXIT_NOSTART)
    finally:
        sys.dont_write_bytecode = dont
    for name in ("QEMU", "qemu_argv", "decode_exit"):
        if not hasattr(mod, name):
            if not required:
                return None
            raise UserError(f"{path.relative_to(REPO)} lacks {name}", EXIT_NOSTART)
    _modules[arch] = mod
    return mod


def kernel_path(arch: str) -> Path:
    return BUILD / arch / "forkrt.elf"


def rel(path: Path | str) -> str:
    """A path relative to the repo when it is inside it (for messages)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(REPO))
    except ValueError:
        return str(p)
