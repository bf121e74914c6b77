"""Latency against parent size, one line per case per arch, with matplotlib.

Run by Debian's own python3 (/usr/bin/python3, where python3-matplotlib
installs), not necessarily the one running tools/forkrt:

    /usr/bin/python3 plot_mpl.py ROWS.json OUT.svg|OUT.png

ROWS.json is the list `tools/forkrt bench --json` writes.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src, out):
    with open(src) as f:
        rows = json.load(f)
    series = {}
    for r in rows:
        if "live" in r or not isinstance(r.get("size_kib"), int):
            continue
        series.setdefault((r["case"], r["arch"]), []).append((r["size_kib"], r["median_ns"]))
    cases = sorted({c for c, _ in series})
    arches = sorted({a for _, a in series})
    styles = ["-", "--", ":", "-."]
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for (case, arch), pts in sorted(series.items()):
        pts.sort()
        xs = [max(s, 1) / 1024 for s, _ in pts]
        ys = [v / 1000 for _, v in pts]
        ax.plot(xs, ys, styles[arches.index(arch) % len(styles)], marker="o",
                color=f"C{cases.index(case)}", label=f"{case} ({arch})")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("memory the parent has touched (MiB; 0 drawn at 1/1024)")
    ax.set_ylabel("median latency (µs)")
    ax.set_title("forkrt: process creation against parent size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
