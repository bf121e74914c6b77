"""Paths, errors and the per-arch QEMU modules shared by the tools."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent
REPO = TOOLS.parent
BUILD = REPO / "build"
ARCHES = ("riscv64", "x86_64")

# Exit codes of the tools (besides a guest's own status).
EXIT_FAIL = 1        # tests failed, build failed, no bench lines
EXIT_USAGE = 2       # bad command line, missing --app file (argparse uses 2 too)
EXIT_SETUP = 3       # prerequisites missing and not installable
EXIT_TIMEOUT = 124   # the guest ran past --timeout (like coreutils timeout)
EXIT_CRASH = 125     # kernel panic, or QEMU ended without a guest status
EXIT_NOSTART = 126   # QEMU, the kernel image or tools/qemu_<arch>.py missing


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
    """Import tools/qemu_<arch>.py by path (written by the platform engineers)."""
    check_arch(arch)
    if arch in _modules:
        return _modules[arch]
    path = TOOLS / f"qemu_{arch}.py"
    if not path.is_file():
        if not required:
            return None
        raise UserError(f"{path.relative_to(REPO)} not found: the {arch} platform "
                        "does not describe how to boot it yet", EXIT_NOSTART)
    spec = importlib.util.spec_from_file_location(f"qemu_{arch}", path)
    mod = importlib.util.module_from_spec(spec)
    dont = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec.loader.exec_module(mod)
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
