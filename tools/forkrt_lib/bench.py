"""`forkrt bench`: collect `bench key=value ...` lines, tabulate, JSON, SVG."""
from __future__ import annotations

import html
import json
import re
from typing import Optional

from .common import NO_ASLR, NO_ASLR_NOTE  # noqa: F401  (bench.NO_ASLR for its users)

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


def size_label(kib) -> str:
    """1024 -> '1 MiB', 1048576 -> '1 GiB', 0 -> '0 KiB'."""
    if not isinstance(kib, int):
        return str(kib)
    if kib and kib % (1024 * 1024) == 0:
        return f"{kib // (1024 * 1024)} GiB"
    if kib and kib % 1024 == 0:
        return f"{kib // 1024} MiB"
    return f"{kib} KiB"


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
        def case_sizes(case):
            return sorted(s for (x, c, s) in val if x == a and c == case
                          and isinstance(s, int) and val[(x, c, s)])
        for case in ("fork_exit_wait", "vfork_exit_wait", "rfork_mem_exit_wait"):
            cs = case_sizes(case)
            z = val.get((a, case, 0))
            if z and cs and cs[-1]:
                parts.append(f"{case} {size_label(cs[-1])}/0 MiB {val[(a, case, cs[-1])] / z:.2f}")
        # Copy-on-write after fork (issue 11): a one-page step at the largest
        # parent against 1 MiB (1.0 when it does not grow with the parent),
        # and the parent's read after fork against the same read without one.
        for case, what in (("fork_exit_wait", "fork"),
                           ("fork_touch_one_page", "child's first write"),
                           ("fork_parent_touch_one_page", "parent's first write")):
            cs = [x for x in case_sizes(case) if x >= 1024]
            if len(cs) > 1 and cs[0] == 1024:
                parts.append(f"{what} {size_label(cs[-1])}/1 MiB "
                             f"{val[(a, case, cs[-1])] / val[(a, case, 1024)]:.2f}")
        for size in case_sizes("fork_parent_read_all"):
            base = val.get((a, "read_all_nofork", size))
            if base:
                parts.append(f"read after fork/without fork {val[(a, 'fork_parent_read_all', size)] / base:.1f}"
                             f" at {size_label(size)}")
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
    extra = _extra_table(rows, arches, metric)
    return "\n".join(lines) + ("\n\n" + extra if extra else "")


def _extra_fields(metric: str) -> list[str]:
    """The per-line fields shown beside metric: per page and worst write,
    in metric's unit (median_ns -> per_page_ns, worst_write_ns)."""
    unit = metric.split("_", 1)[1] if metric.startswith("median_") else "ns"
    return [f"per_page_{unit}", f"worst_write_{unit}"]


def _extra_table(rows: list[tuple], arches: list[str], metric: str = "median_ns") -> str:
    """The lines' per-page cost (whole-region cases) and worst single write
    (snapshot), one row per case+size+field, one column per arch."""
    fields = _extra_fields(metric)
    keys, cells = [], {}
    for arch, r in rows:
        for f in fields:
            if f in r:
                key = (str(r.get("case", "?")), r.get("size_kib", ""), f)
                if key not in keys:
                    keys.append(key)
                cells[(key, r.get("arch", arch))] = r[f]
    if not keys:
        return ""
    head = ["case", "size_kib", "field"] + list(arches)
    body = [[c, str(s), f] + [_fmt(cells.get(((c, s, f), a))) for a in arches]
            for c, s, f in keys]
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]

    def fmt(row):
        return "  ".join(x.ljust(w) if i < 3 else x.rjust(w)
                         for i, (x, w) in enumerate(zip(row, widths))).rstrip()
    return "\n".join([fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in body])


PAGE_KIB = 4
# The cases drawn per page of the parent (plot_mpl.py has the same list).
PER_PAGE_CASES = ("fork_exit_wait", "fork_touch_one_page", "fork_parent_touch_one_page",
                  "read_all_nofork", "fork_parent_read_all", "fork_parent_write_all",
                  "snapshot")
_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
           "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"]
_DASHES = {"riscv64": "", "x86_64": "7,3", "aarch64": "3,3", "x86_64-linux": "2,3"}
_OTHER_DASHES = ["9,3,2,3", "4,4"]


def _series(rows: list[tuple], metric: str) -> dict:
    """{(case, arch): [(size_kib, metric, per page or None)]} sorted by size;
    per page is the line's per_page_<unit>, else metric / pages (size > 0)."""
    unit = metric.split("_", 1)[1] if metric.startswith("median_") else "ns"
    out: dict = {}
    for arch, r in rows:
        size, v = r.get("size_kib"), r.get(metric)
        if "live" in r or not isinstance(size, int) or not isinstance(v, (int, float)):
            continue
        pp = r.get(f"per_page_{unit}")
        if not isinstance(pp, (int, float)):
            pp = v / (size / PAGE_KIB) if size > 0 else None
        out.setdefault((r.get("case", "?"), r.get("arch", arch)), []).append(
            (size, v, pp if size > 0 else None))
    for pts in out.values():
        pts.sort()
    return out


def _si(v: float) -> str:
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def _log_panel(out: list, x0: float, y0: float, w: float, h: float, title: str,
               ylabel: str, lines: list) -> None:
    """One log-log panel at (x0, y0) of w x h: lines are (color, dash, label,
    [(size_kib, y)]); x is log2 of the size (0 drawn at 1 KiB), y log10."""
    import math
    pts = [(s, y) for _, _, _, ps in lines for s, y in ps if y and y > 0]
    out.append(f'<text x="{x0 + w / 2:.0f}" y="{y0 - 8:.0f}" text-anchor="middle" '
               f'font-size="12">{html.escape(title)}</text>')
    out.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="black"/>')
    if not pts:
        return
    sizes = sorted({s for s, _ in pts})
    lx = [math.log2(max(s, 1)) for s in sizes]
    xmin, xmax = min(lx), max(lx)
    if xmax - xmin < 1:
        xmin, xmax = xmin - 1, xmax + 1
    ylo = math.floor(math.log10(min(y for _, y in pts)))
    yhi = math.ceil(math.log10(max(y for _, y in pts)))
    if yhi <= ylo:
        yhi = ylo + 1

    def X(size):
        return x0 + 10 + (w - 20) * (math.log2(max(size, 1)) - xmin) / (xmax - xmin)

    def Y(v):
        return y0 + h - h * (math.log10(v) - ylo) / (yhi - ylo)
    for e in range(ylo, yhi + 1):
        y = Y(10 ** e)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + w}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end">{_si(10 ** e)}</text>')
    for s in sizes:
        x = X(s)
        out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + h}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{y0 + h + 14}" text-anchor="middle">'
                   f'{html.escape(size_label(s) if s else "0")}</text>')
    out.append(f'<text x="{x0 + w / 2:.0f}" y="{y0 + h + 30}" text-anchor="middle">'
               'memory the parent has touched</text>')
    out.append(f'<text transform="translate({x0 - 48},{y0 + h / 2:.0f}) rotate(-90)" '
               f'text-anchor="middle">{html.escape(ylabel)}</text>')
    for color, dash, label, ps in lines:
        ps = [(X(s), Y(y), s, y) for s, y in ps if y and y > 0]
        if not ps:
            continue
        da = f' stroke-dasharray="{dash}"' if dash else ""
        if len(ps) > 1:
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.6"{da} points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in ps) + '"/>')
        for x, y, s, v in ps:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}">'
                       f'<title>{html.escape(label)} at {html.escape(size_label(s))}: '
                       f'{_fmt(v)}</title></circle>')


def svg(rows: list[tuple], arches: list[str], metric: str = "median_ns") -> str:
    """The plot without matplotlib, stdlib only, the same two panels as
    plot_mpl.py: metric against the parent's size, one line per case and
    arch (the Linux peer's beside forkrt's), and per page of the parent for
    PER_PAGE_CASES (flat: a cost proportional to the parent; falling as
    1/size: a bounded one)."""
    ser = _series(rows, metric)
    cases = []
    for case, _ in ser:
        if case not in cases:
            cases.append(case)
    arch_list = list(arches) + [a for _, a in ser if a not in arches]
    arch_list = list(dict.fromkeys(arch_list))
    dash = {a: _DASHES.get(a, _OTHER_DASHES[i % len(_OTHER_DASHES)])
            for i, a in enumerate(arch_list)}
    color = {c: _COLORS[i % len(_COLORS)] for i, c in enumerate(cases)}
    unit = "instructions under --icount" if metric == "median_cycles" else \
        "ns; instructions under --icount"
    left = [(color[c], dash[a], f"{c} ({a})", [(s, v) for s, v, _ in pts])
            for (c, a), pts in ser.items()]
    right = [(color[c], dash[a], f"{c} ({a}) per page", [(s, p) for s, _, p in pts if p])
             for (c, a), pts in ser.items() if c in PER_PAGE_CASES]
    pw, ph, top, gap = 440, 340, 60, 110
    width = 80 + pw + gap + pw + 260
    height = top + ph + 60
    height = max(height, top + 30 + 14 * (len(cases) + len(arch_list) + 3))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="10">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{80}" y="20" font-size="14">forkrt bench: {html.escape(metric)} '
           'against parent size</text>']
    _log_panel(out, 80, top, pw, ph, "latency: flat = bounded, rising = grows with the parent",
               f"{metric} ({unit})", left)
    _log_panel(out, 80 + pw + gap, top, pw, ph,
               "per page: flat = proportional to the parent, falling = bounded",
               f"per page of the parent ({unit})", right)
    lx, ly = 80 + 2 * pw + gap + 20, top
    for a in arch_list:
        da = f' stroke-dasharray="{dash[a]}"' if dash[a] else ""
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 28}" y2="{ly}" stroke="black" '
                   f'stroke-width="1.6"{da}/>')
        out.append(f'<text x="{lx + 34}" y="{ly + 4}">{html.escape(a)}</text>')
        ly += 14
    ly += 10
    for c in cases:
        out.append(f'<rect x="{lx}" y="{ly - 5}" width="28" height="6" fill="{color[c]}"/>')
        out.append(f'<text x="{lx + 34}" y="{ly + 2}">{html.escape(c)}</text>')
        ly += 14
    out.append("</svg>")
    return "\n".join(out) + "\n"


DEBIAN_PYTHON = "/usr/bin/python3"
MATPLOTLIB_PACKAGE = "python3-matplotlib"


def _matplotlib_python() -> Optional[str]:
    """Debian's python3 with python3-matplotlib, installing the package when
    we are root on Debian; None when it cannot be had."""
    import os
    import subprocess
    import sys
    from . import apt
    if not os.path.exists(DEBIAN_PYTHON):
        return None
    probe = [DEBIAN_PYTHON, "-c", "import matplotlib"]
    if subprocess.run(probe, capture_output=True).returncode == 0:
        return DEBIAN_PYTHON
    if not apt.can_install():
        print(f"forkrt: --plot wants {MATPLOTLIB_PACKAGE} ({apt.command([MATPLOTLIB_PACKAGE])}); "
              "drawing a plain SVG instead", file=sys.stderr)
        return None
    print(f"forkrt: installing {MATPLOTLIB_PACKAGE} for --plot", file=sys.stderr, flush=True)
    apt.install([MATPLOTLIB_PACKAGE], options=["-qq"], update=apt.UPDATE_NEVER,
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
