"""The bench plot with matplotlib: two panels against parent size.

Left: latency (median_ns) against the memory the parent has touched, one
line per case and arch, the Linux peer's (arch x86_64-linux) beside
forkrt's.  Right: the same per page of the parent (per_page_ns where the
line has it, else median_ns / pages) for the cases whose cost may grow with
the parent: a step bounded by a constant falls there as 1/size, a step
proportional to the parent is a flat line.  Under --icount, ns are
instructions.

Run by Debian's own python3 (/usr/bin/python3, where python3-matplotlib
installs), not necessarily the one running tools/forkrt:

    /usr/bin/python3 plot_mpl.py ROWS.json OUT.svg|OUT.png

ROWS.json is the list `tools/forkrt bench --json` writes.  tools/forkrt_lib/
bench.py draws the same two panels without matplotlib (svg()).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

PAGE_KIB = 4
# The cases of the per-page panel (bench.py's PER_PAGE_CASES says the same).
PER_PAGE_CASES = ("fork_exit_wait", "fork_touch_one_page", "fork_parent_touch_one_page",
                  "read_all_nofork", "fork_parent_read_all", "fork_parent_write_all",
                  "snapshot")
ARCH_STYLE = {"riscv64": ("-", "o"), "x86_64": ("--", "s"), "x86_64-linux": (":", "^")}
OTHER_STYLES = [("-.", "D"), ((0, (1, 3)), "v")]


def series(rows):
    """{(case, arch): [(size_kib, median_ns, per_page_ns or None)]}, sorted."""
    out = {}
    for r in rows:
        if "live" in r or not isinstance(r.get("size_kib"), int):
            continue
        if not isinstance(r.get("median_ns"), (int, float)):
            continue
        pp = r.get("per_page_ns")
        if not isinstance(pp, (int, float)) and r["size_kib"] > 0:
            pp = r["median_ns"] / (r["size_kib"] / PAGE_KIB)
        out.setdefault((r["case"], r["arch"]), []).append(
            (r["size_kib"], r["median_ns"], pp if r["size_kib"] > 0 else None))
    for pts in out.values():
        pts.sort()
    return out


def size_label(kib):
    if kib == 0:
        return "0"
    if kib % (1024 * 1024) == 0:
        return f"{kib // (1024 * 1024)} GiB"
    if kib % 1024 == 0:
        return f"{kib // 1024} MiB"
    return f"{kib} KiB"


def size_ticks(ax, sizes):
    """Ticks at the sizes measured, labelled 0, 1 MiB, 1 GiB."""
    sizes = sorted(set(sizes))
    ax.set_xticks([max(s, 1) / 1024 for s in sizes])
    ax.set_xticklabels([size_label(s) for s in sizes])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())


def main(src, out):
    with open(src) as f:
        rows = json.load(f)
    ser = series(rows)
    cases = []
    for case, _ in ser:
        if case not in cases:
            cases.append(case)
    arches = []
    for _, arch in ser:
        if arch not in arches:
            arches.append(arch)
    styles = {a: ARCH_STYLE.get(a) or OTHER_STYLES[i % len(OTHER_STYLES)]
              for i, a in enumerate(arches)}
    cmap = plt.get_cmap("tab20")
    color = {c: cmap(i % 20) for i, c in enumerate(cases)}

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(15, 6.5))
    for (case, arch), pts in ser.items():
        ls, mk = styles[arch]
        xs = [max(s, 1) / 1024 for s, _, _ in pts]
        ys = [v / 1000 for _, v, _ in pts]
        ax.plot(xs, ys, linestyle=ls, marker=mk, color=color[case], markersize=4)
        if case in PER_PAGE_CASES:
            pp = [(s / 1024, p) for s, _, p in pts if p is not None]
            if pp:
                ax2.plot([x for x, _ in pp], [y for _, y in pp], linestyle=ls, marker=mk,
                         color=color[case], markersize=4)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    size_ticks(ax, [s for pts in ser.values() for s, _, _ in pts])
    ax.set_xlabel("memory the parent has touched (0 drawn at 1 KiB)")
    ax.set_ylabel("median latency (µs; thousands of instructions under --icount)")
    ax.set_title("latency: flat = bounded, rising = grows with the parent")
    ax.grid(True, which="both", alpha=0.3)
    ax2.set_xscale("log", base=2)
    ax2.set_yscale("log")
    size_ticks(ax2, [s for (c, _), pts in ser.items() if c in PER_PAGE_CASES
                     for s, _, p in pts if p is not None])
    ax2.set_xlabel("memory the parent has touched")
    ax2.set_ylabel("ns per page of the parent (instructions under --icount)")
    ax2.set_title("per page: flat = proportional to the parent, falling = bounded")
    ax2.grid(True, which="both", alpha=0.3)
    case_handles = [Line2D([], [], color=color[c], linewidth=3, label=c) for c in cases]
    arch_handles = [Line2D([], [], color="black", linestyle=styles[a][0], marker=styles[a][1],
                           label=a) for a in arches]
    fig.legend(handles=arch_handles, loc="upper left", bbox_to_anchor=(0.84, 0.92),
               fontsize=8, title="arch")
    fig.legend(handles=case_handles, loc="upper left", bbox_to_anchor=(0.84, 0.72),
               fontsize=7, title="case")
    fig.suptitle("forkrt bench: process creation and copy-on-write against parent size")
    fig.tight_layout(rect=(0, 0, 0.83, 0.96))
    fig.savefig(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
