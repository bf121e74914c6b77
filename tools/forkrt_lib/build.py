"""Configure and build the meson build directories (build/host, build/<arch>)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Optional

from .common import BUILD, EXIT_FAIL, EXIT_USAGE, REPO, UserError, rel

TARGETS = ("host", "riscv64", "x86_64", "aarch64")


def build_dir(target: str) -> Path:
    return BUILD / target


def resolve_app(app: Optional[str]) -> str:
    """--app FILE.c as an absolute path ('' for the built-in application, user/prog/bench.c)."""
    if not app:
        return ""
    p = Path(app).expanduser()
    if not p.is_absolute():
        p = Path.cwd() / p
    p = p.resolve()
    if not p.is_file():
        raise UserError(f"--app {app}: no such file", EXIT_USAGE)
    if p.suffix != ".c":
        raise UserError(f"--app {app}: expected a C file (FILE.c)", EXIT_USAGE)
    return str(p)


def _run(cmd: list[str], what: str, quiet: bool = False) -> None:
    """Run cmd in the repo; quiet: show its output only if it fails."""
    print("+ " + " ".join(cmd), flush=True)
    if quiet:
        r = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace")
        if r.returncode != 0:
            print(r.stdout, end="", flush=True)
    else:
        r = subprocess.run(cmd, cwd=REPO)
    if r.returncode != 0:
        raise UserError(f"{what} failed (status {r.returncode}); see the output above",
                        EXIT_FAIL)


def _configured(d: Path) -> bool:
    return (d / "build.ninja").is_file() and (d / "meson-private" / "coredata.dat").is_file()


def current_option(d: Path, name: str) -> Optional[str]:
    try:
        opts = json.loads((d / "meson-info" / "intro-buildoptions.json").read_text())
    except (OSError, ValueError):
        return None
    for o in opts:
        if o.get("name") == name:
            return o.get("value")
    return None


def configure(target: str, app: Optional[str] = None) -> Path:
    """Set up build/<target> if needed; keep -Dapp in sync (cross dirs only).

    app: absolute path of the application's C file, '' for the built-in application,
    None to leave the configured one alone (the built-in one in a new build dir).
    """
    d = build_dir(target)
    cross = (["-Db_sanitize=address,undefined", "-Db_lundef=false"] if target == "host"
             else ["--cross-file", str(REPO / "cross" / f"{target}.ini")])
    appopt = [] if target == "host" or app is None else [f"-Dapp={app}"]
    if not _configured(d):
        cmd = ["meson", "setup"]
        if (d / "meson-private" / "coredata.dat").is_file():
            cmd.append("--wipe")    # a half-configured dir from a failed setup
        _run(cmd + cross + appopt + [rel(d)], f"meson setup {rel(d)}", quiet=True)
    elif target != "host" and app is not None and current_option(d, "app") != app:
        _run(["meson", "configure", rel(d)] + appopt, f"meson configure {rel(d)}", quiet=True)
    return d


def build(target: str, app: Optional[str] = None) -> Path:
    d = configure(target, app)
    _run(["ninja", "-C", rel(d)], f"building {target}")
    return d
