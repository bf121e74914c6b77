"""`forkrt bench`: collect `bench key=value ...` lines, tabulate, JSON, SVG."""
from __future__ import annotations

import html
import json
import re
from typing import Optional

_NUM_INT = re.compile(r"[-+]?\d+")
_NUM_FLOAT = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")


def _value(v: str):
    if _NUM_INT.fullmatch(v):
        return int(v)
    if _NUM_FLOAT.fullmatch(v):
        return float(v)
    return v


def parse_line(line: str) -> Optional[dict]:
    """`bench arch=riscv64 case=fork_exit_wait size_kib=0 ...` -> dict with
    exactly the line's keys, numbers as numbers; None if not a bench line."""
    line = line.strip()
    if not line.startswith("bench "):
        return None
    d = {}
    for tok in line.split()[1:]:
        if "=" not in tok:
            continue
        k, v = tok.split("=", 1)
        if k:
            d[k] = _value(v)
    return d or None


def _fmt(v) -> str:
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.1f}"
    return str(v) if v is not None else "-"


def ratios(rows: list[tuple], arches: list[str], metric: str = "median_ns") -> str:
    """The comparisons the design is judged by, per arch: vfork against fork,
    and each fork kind's 64 MiB (or largest) parent against its empty one."""
    val = {}
    for arch, r in rows:
        if "live" in r:
            continue
        val[(r.get("arch", arch), r.get("case"), r.get("size_kib"))] = r.get(metric)
    lines = []
    for a in arches:
        sizes = sorted({s for (x, _, s) in val if x == a and isinstance(s, int)})
        if not sizes:
            continue
        parts = []
        for size in sizes:
            f, v = val.get((a, "fork_exit_wait", size)), val.get((a, "vfork_exit_wait", size))
            if f and v:
                parts.append(f"vfork/fork {v / f:.2f} at {size} KiB")
        big = sizes[-1]
        for case in ("fork_exit_wait", "vfork_exit_wait", "rfork_mem_exit_wait"):
            z, b = val.get((a, case, 0)), val.get((a, case, big))
            if z and b and big:
                parts.append(f"{case} {big // 1024} MiB/0 MiB {b / z:.2f}")
        p1, p4 = val.get((a, "fork_exit_wait_par1", 0)), val.get((a, "fork_exit_wait_par4", 0))
        if p1 and p4:
            parts.append(f"4 forkers/1 forker throughput {p1 / p4:.2f}")
        spin, sleep = (val.get((a, "fork_lwps_spinning", 0)),
                       val.get((a, "fork_lwps_sleeping", 0)))
        if spin and sleep:
            parts.append(f"fork with lwps spinning/sleeping elsewhere {spin / sleep:.1f}")
        lwps = [r for (x, r) in rows if r.get("arch", x) == a and "live" in r]
        if len(lwps) > 1:
            lo, hi = min(lwps, key=lambda r: r["live"]), max(lwps, key=lambda r: r["live"])
            if lo.get(metric) and hi.get(metric):
                parts.append(f"pid_alloc live={hi['live']}/live={lo['live']} "
                             f"{hi[metric] / lo[metric]:.2f}")
        lines.append(f"{a} ratios: " + "; ".join(parts))
    return "\n".join(lines)


_kvm_verdict: dict = {}


def usable_accel(arch: str, accel: str, kernel: Optional[str] = None) -> str:
    """KVM only for x86_64, only when /dev/kvm opens and, given the kernel
    image, only when that kernel really runs under it (a short boot of the
    `true` program); otherwise TCG, said aloud.  Nested KVM on some hosts
    enters `syscall` without leaving ring 3, which would kill init."""
    import os
    import sys
    from . import console
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
            o = console.boot(arch, kernel, "true", timeout=30, accel="kvm", out=sink)
        _kvm_verdict[kernel] = o.kind == "exit" and o.status == 0
        if not _kvm_verdict[kernel]:
            print(f"forkrt: forkrt does not run correctly under KVM here ({o.summary()} "
                  "booting 'true'); falling back to TCG", file=sys.stderr)
    return "kvm" if _kvm_verdict[kernel] else "tcg"


def table(rows: list[tuple], arches: list[str], metric: str = "median_ns") -> str:
    """rows: (arch booted, bench dict). One row per case+size, one column per
    arch, cells = metric."""
    keys = []
    cells = {}
    for arch, r in rows:
        key = (str(r.get("case", "?")) + (f" live={r['live']}" if "live" in r else ""),
               r.get("size_kib", ""))
        if key not in keys:
            keys.append(key)
        cells[(key, r.get("arch", arch))] = r.get(metric)
    # Group by case, in the order cases first appear, then by parent size.
    order = {}
    for c, _ in keys:
        order.setdefault(c.split(" ")[0], len(order))
    keys.sort(key=lambda k: (order[k[0].split(" ")[0]], k[0],
                             k[1] if isinstance(k[1], int) else 0))
    head = ["case", "size_kib"] + [f"{a} {metric}" for a in arches]
    body = [[c, str(s)] + [_fmt(cells.get(((c, s), a))) for a in arches] for c, s in keys]
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    def fmt(row):
        return "  ".join(x.ljust(w) if i < 2 else x.rjust(w)
                         for i, (x, w) in enumerate(zip(row, widths))).rstrip()
    lines = [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in body]
    return "\n".join(lines)


def svg(rows: list[tuple], arches: list[str], metric: str = "median_ns") -> str:
    """A grouped bar chart (one group per case+size, one bar per arch), stdlib only."""
    keys = []
    val = {}
    for arch, r in rows:
        key = f"{r.get('case', '?')} {r.get('size_kib', '')}KiB"
        if key not in keys:
            keys.append(key)
        v = r.get(metric)
        if isinstance(v, (int, float)):
            val[(key, r.get("arch", arch))] = v
    colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"]
    vmax = max(val.values(), default=1) or 1
    bw, gap, left, top, h = 22, 26, 90, 40, 300
    gw = bw * len(arches) + gap
    width = left + gw * max(1, len(keys)) + 20
    height = top + h + 150
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="20" font-size="14">forkrt bench: {html.escape(metric)}</text>',
           f'<line x1="{left}" y1="{top + h}" x2="{width - 10}" y2="{top + h}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="black"/>']
    for i in range(5):
        y = top + h - h * i / 4
        out.append(f'<text x="{left - 5}" y="{y + 4:.0f}" text-anchor="end">'
                   f'{_fmt(vmax * i / 4 if isinstance(vmax, float) else round(vmax * i / 4))}</text>')
    for gi, key in enumerate(keys):
        x0 = left + gap / 2 + gi * gw
        for ai, a in enumerate(arches):
            v = val.get((key, a))
            if v is None:
                continue
            bh = h * v / vmax
            out.append(f'<rect x="{x0 + ai * bw:.0f}" y="{top + h - bh:.1f}" width="{bw - 2}" '
                       f'height="{bh:.1f}" fill="{colors[ai % len(colors)]}">'
                       f'<title>{html.escape(a)} {html.escape(key)}: {_fmt(v)}</title></rect>')
        cx = x0 + bw * len(arches) / 2
        out.append(f'<text transform="translate({cx:.0f},{top + h + 12}) rotate(40)">'
                   f'{html.escape(key)}</text>')
    for ai, a in enumerate(arches):
        x = left + 10 + ai * 110
        out.append(f'<rect x="{x}" y="{top - 14}" width="10" height="10" '
                   f'fill="{colors[ai % len(colors)]}"/>')
        out.append(f'<text x="{x + 14}" y="{top - 5}">{html.escape(a)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


DEBIAN_PYTHON = "/usr/bin/python3"


def _matplotlib_python() -> Optional[str]:
    """Debian's python3 with python3-matplotlib, installing the package when
    we are root on Debian; None when it cannot be had."""
    import os
    import shutil
    import subprocess
    import sys
    if not os.path.exists(DEBIAN_PYTHON):
        return None
    probe = [DEBIAN_PYTHON, "-c", "import matplotlib"]
    if subprocess.run(probe, capture_output=True).returncode == 0:
        return DEBIAN_PYTHON
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("forkrt: --plot wants python3-matplotlib (apt-get install python3-matplotlib); "
              "drawing a plain SVG instead", file=sys.stderr)
        return None
    print("forkrt: installing python3-matplotlib for --plot", file=sys.stderr, flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-qq", "python3-matplotlib"], env=env,
                   stdout=subprocess.DEVNULL)
    if subprocess.run(probe, capture_output=True).returncode == 0:
        return DEBIAN_PYTHON
    return None


def plot(path: str, rows: list[tuple], arches: list[str]) -> None:
    """Latency against parent size, one line per case per arch: matplotlib
    from Debian's packages when it can be had, else the stdlib SVG."""
    import os
    import subprocess
    import tempfile
    py = _matplotlib_python()
    if py is not None:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump([dict(r, arch=r.get("arch", a)) for a, r in rows], f)
        try:
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot_mpl.py")
            if subprocess.run([py, script, f.name, path]).returncode == 0:
                return
        finally:
            os.unlink(f.name)
    with open(path, "w") as out:
        out.write(svg(rows, arches))


def write_json(path: str, rows: list[dict]) -> None:
    with open(path, "w") as f:
        json.dump(rows, f, indent=1)
        f.write("\n")
