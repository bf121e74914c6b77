#!/usr/bin/env python3
"""tools/forkrt's command line knows every arch: each subcommand that takes
--arch accepts every name in ARCHES (a merge once left `test` with two of
three), and `all` means all of them.  TAP on stdout."""
import importlib.machinery
import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
loader = importlib.machinery.SourceFileLoader("forkrt_cli", str(REPO / "tools" / "forkrt"))
spec = importlib.util.spec_from_loader("forkrt_cli", loader)
cli = importlib.util.module_from_spec(spec)
loader.exec_module(cli)

n = failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    failed += not cond
    print(f"{'ok' if cond else 'not ok'} {n} - {what}")


p = cli.parser()
subs = next(a for a in p._actions if a.dest == "cmd").choices
for name, sp in sorted(subs.items()):
    arch = next((a for a in sp._actions if "--arch" in a.option_strings), None)
    if arch is None:
        continue
    missing = [a for a in cli.ARCHES if a not in arch.choices]
    ok(not missing, f"{name} --arch accepts {', '.join(cli.ARCHES)}"
       + (f" (not {', '.join(missing)})" if missing else ""))
    ok(arch.default == "all", f"{name} --arch defaults to all")
ok(cli.arches_of("all") == list(cli.ARCHES), "--arch all is every arch in ARCHES")
print(f"1..{n}")
print(f"{n - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
