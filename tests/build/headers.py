#!/usr/bin/env python3
"""The cross compiler sees forkrt's headers and the compiler's own, never
the build machine's: every standard header of include/user compiles on its
own, and one forkrt lacks fails with "file not found" naming it.  TAP.

usage: headers.py INCLUDE_DIR -- COMPILER ARGS...
"""
import subprocess
import sys
import tempfile
from pathlib import Path

HEADERS = [
    "assert.h", "errno.h", "fcntl.h", "inttypes.h", "limits.h", "sched.h",
    "signal.h", "spawn.h", "stdarg.h", "stdbool.h", "stddef.h", "stdint.h", "stdio.h",
    "stdlib.h", "string.h", "sys/cpuset.h", "sys/errno.h", "sys/event.h",
    "sys/mman.h", "sys/resource.h", "sys/sysctl.h", "sys/time.h",
    "sys/times.h", "sys/types.h", "sys/ucontext.h", "sys/wait.h", "time.h", "unistd.h",
    "forkrt.h",
]


def compile_snippet(cc, inc, text):
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "t.c"
        src.write_text(text)
        r = subprocess.run(cc + ["-I", inc, "-Wall", "-Wextra", "-Werror",
                                 "-fsyntax-only", str(src)],
                           capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr


def main():
    sep = sys.argv.index("--")
    inc, cc = sys.argv[1], sys.argv[sep + 1:]
    n = failed = 0

    def ok(cond, what, out=""):
        nonlocal n, failed
        n += 1
        print(f"{'' if cond else 'not '}ok {n} - {what}")
        if not cond:
            failed += 1
            for line in out.splitlines()[:10]:
                print("# " + line)

    for h in HEADERS:
        rc, out = compile_snippet(cc, inc, f"#include <{h}>\nint x;\n")
        ok(rc == 0, f"<{h}> compiles on its own", out)
    rc, out = compile_snippet(cc, inc, "#include <stdio.h>\n#include <netinet/in.h>\nint x;\n")
    ok(rc != 0 and "'netinet/in.h' file not found" in out and "/usr/include" not in out,
       "a header forkrt lacks: 'file not found' naming it, nothing from /usr/include", out)
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
