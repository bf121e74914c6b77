"""`forkrt setup`: find what is missing, install it on Debian as root."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from . import apt
from .common import ARCHES, EXIT_SETUP, OPENSBI_FIRMWARE, UserError, arch_module

# (what, how to find it, Debian package)
REQUIREMENTS = [
    ("qemu-system-riscv64", "bin", "qemu-system-misc"),
    ("qemu-system-x86_64", "bin", "qemu-system-x86"),
    ("qemu-system-aarch64", "bin", "qemu-system-arm"),
    (OPENSBI_FIRMWARE, "file", "opensbi"),
    ("meson", "bin", "meson"),
    ("ninja", "bin", "ninja-build"),
    ("clang", "bin", "clang"),
    ("ld.lld", "bin", "lld"),
    ("llvm-objcopy", "bin", "llvm"),
    ("llvm-ar", "bin", "llvm"),
    ("python3", "bin", "python3"),
]
GDB = ("gdb-multiarch", "bin", "gdb-multiarch")


def _present(what: str, kind: str) -> bool:
    if kind == "file":
        return os.path.isfile(what)
    return shutil.which(what) is not None


def _dpkg_missing(packages: list[str]) -> list[str]:
    """Packages dpkg does not know as installed (empty when dpkg is absent)."""
    if not packages or not shutil.which("dpkg-query"):
        return []
    r = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n", *packages],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    installed = {l.split()[0].split(":")[0] for l in r.stdout.splitlines()
                 if len(l.split()) >= 2 and l.split()[1].startswith("ii")}
    return [p for p in packages if p not in installed]


def missing(gdb: bool = False) -> list[tuple[str, str]]:
    """[(what, package)] for everything absent; no apt, no network."""
    reqs = REQUIREMENTS + ([GDB] if gdb else [])
    out = [(w, pkg) for w, kind, pkg in reqs if not _present(w, kind)]
    # The platform modules may name more packages to boot their arch.
    extra = []
    for arch in ARCHES:
        try:
            mod = arch_module(arch, required=False)
        except UserError:
            mod = None
        for pkg in getattr(mod, "PACKAGES", None) or []:
            if pkg not in extra and pkg not in [p for _, p in out]:
                extra.append(pkg)
    out += [(f"Debian package {p}", p) for p in _dpkg_missing(extra)]
    return out


def ensure(gdb: bool = False, verbose: bool = False) -> None:
    """Check the prerequisites; install the missing ones when root on Debian."""
    miss = missing(gdb)
    if not miss:
        if verbose:
            print("setup: everything needed is installed")
        return
    packages = sorted({p for _, p in miss})
    if not apt.can_install():
        lines = [f"{w} not found; run as root to install it, or {apt.command([p])}"
                 for w, p in miss]
        if len(packages) > 1:
            lines.append("all at once: " + apt.command(packages))
        raise UserError("\n".join(lines), EXIT_SETUP)
    print(f"setup: installing {' '.join(packages)} (missing: {', '.join(w for w, _ in miss)})",
          flush=True)
    cmd, rc = apt.install(packages, update=apt.UPDATE_FIRST,
                          echo=lambda c: print("setup: " + " ".join(c), flush=True))
    if rc != 0:
        raise UserError(f"'{' '.join(cmd)}' failed (status {rc}); install "
                        f"{' '.join(packages)} by hand", EXIT_SETUP)
    still = missing(gdb)
    if still:
        raise UserError("still missing after apt-get install: "
                        + ", ".join(w for w, _ in still), EXIT_SETUP)
    print("setup: done", flush=True)


def run_setup(gdb: bool = False) -> int:
    ensure(gdb=gdb, verbose=True)
    return 0


if __name__ == "__main__":
    sys.exit(run_setup())
