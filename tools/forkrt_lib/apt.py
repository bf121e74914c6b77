"""Installing Debian packages: the one place the tools run apt-get.

The rule everywhere (setup, the Linux peer, --plot's matplotlib, --gdb's
gdb-multiarch through setup): install only as root on a system with
apt-get; otherwise the caller names the missing packages (`command()`)
and the user installs them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from typing import Callable, Optional, Sequence

# What update= can say about `apt-get update`.
UPDATE_FIRST = "first"            # before the install; its failure stops there
UPDATE_ON_FAILURE = "on_failure"  # only when the install failed, then install again
UPDATE_NEVER = "never"


def can_install() -> bool:
    """True when we may install: root, and apt-get is there (Debian)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def command(packages: Sequence[str]) -> str:
    """The command the user runs by hand: `apt-get install P1 P2`."""
    return "apt-get install " + " ".join(packages)


def install(packages: Sequence[str], *, options: Sequence[str] = (),
            update: str = UPDATE_FIRST, echo: Optional[Callable[[list], None]] = None,
            stdout=None, stderr=None) -> tuple[list, int]:
    """Run `apt-get install -y OPTIONS PACKAGES` non-interactively, with
    `apt-get update` as update= says; echo(cmd) is called before each
    command.  Returns (the last command run, its status); the caller
    decides what a failure means.  Call only when can_install()."""
    if update not in (UPDATE_FIRST, UPDATE_ON_FAILURE, UPDATE_NEVER):
        raise ValueError(f"update={update!r}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    refresh = ["apt-get", "update"]
    inst = ["apt-get", "install", "-y", *options, *packages]

    def run(cmd):
        if echo:
            echo(cmd)
        return subprocess.run(cmd, env=env, stdout=stdout, stderr=stderr).returncode

    if update == UPDATE_FIRST:
        rc = run(refresh)
        if rc != 0:
            return refresh, rc
    rc = run(inst)
    if rc != 0 and update == UPDATE_ON_FAILURE:
        run(refresh)
        rc = run(inst)
    return inst, rc
