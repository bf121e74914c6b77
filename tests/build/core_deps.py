#!/usr/bin/env python3
"""No circle of files in core/ and mm/: the files of the portable kernel
form layers, each calling only into files below it.  The graph is the
one the compiler made: file A depends on file B when A's object refers
to a global symbol (a function called or whose address is taken, or a
variable) that B's object defines, read from the objects with nm, so
that static inline functions of headers count where they are used and
nothing a comment or a declaration claims does.

Calls into panic (every file may panic: KASSERT does) and into the
stack protector the compiler inserts (__stack_chk_fail, __stack_chk_guard)
are not dependencies.  TAP; with --graph, the graph instead (A -> B:
symbols, one line per pair), for a person to read.

usage: core_deps.py NM OBJDIR [--graph]
  OBJDIR: the kernel's object directory (build/<arch>/forkrt.elf.p), whose
  core_*.c.o and mm_*.c.o are core/*.c and mm/*.c
"""
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

EXEMPT = {"panic", "__stack_chk_fail", "__stack_chk_guard"}


def source_name(obj: Path) -> str:
    """core_vm_fork.c.o -> core/vm_fork.c"""
    return obj.name[:-len(".o")].replace("_", "/", 1)


def read_graph(nm: str, objdir: Path):
    """{file: {file it depends on: [symbols]}} over core/ and mm/, and the files."""
    objs = sorted(objdir.glob("core_*.c.o")) + sorted(objdir.glob("mm_*.c.o"))
    defined, undefined = {}, {}
    for obj in objs:
        name = source_name(obj)
        out = subprocess.run([nm, str(obj)], capture_output=True, text=True, check=True).stdout
        undefined[name] = set()
        for line in out.splitlines():
            f = line.split()
            if len(f) == 2 and f[0] == "U":
                undefined[name].add(f[1])
            elif len(f) == 3 and f[1].isupper() and f[1] != "U":
                defined[f[2]] = name
    graph = {name: defaultdict(list) for name in undefined}
    for name, syms in undefined.items():
        for s in sorted(syms - EXEMPT):
            if s in defined and defined[s] != name:
                graph[name][defined[s]].append(s)
    return graph


def cycles(graph):
    """The strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    args = [a for a in sys.argv[1:] if a != "--graph"]
    if len(args) != 2:
        sys.exit(__doc__)
    graph = read_graph(args[0], Path(args[1]))
    if "--graph" in sys.argv:
        for a in sorted(graph):
            for b in sorted(graph[a]):
                print(f"{a} -> {b}: {' '.join(graph[a][b])}")
        for comp in cycles(graph):
            print(f"cycle: {' '.join(comp)}")
        return 0
    print("1..2")
    n = len(graph)
    print(f"{'ok' if n >= 40 else 'not ok'} 1 - the objects of core/ and mm/ are there "
          f"({n} files in {args[1]})")
    found = cycles(graph)
    if not found:
        print("ok 2 - no circle of files in core/ and mm/ (calls and data, panic exempt)")
        return 0
    print(f"not ok 2 - {len(found)} circle(s) of files in core/ and mm/")
    for comp in found:
        print(f"# circle: {' '.join(comp)}")
        for a in comp:
            for b in sorted(graph[a]):
                if b in comp:
                    print(f"#   {a} -> {b}: {' '.join(graph[a][b])}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
