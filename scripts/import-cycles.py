#!/usr/bin/env python3
"""Import cycles between the crate's modules, from `crate::…` paths in the source.

A module here is a top-level module of src/ (`bot`, `officers`, `store`, …); the simulator,
which stands apart, is a crate of its own (crates/zalo-sim). Prints the module graph and every
cycle; exits 1 when there is one.

    python3 scripts/import-cycles.py
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"


def module_of(parts):
    return parts[0] if parts else None


def file_module(path):
    rel = path.relative_to(SRC).with_suffix("")
    parts = [p for p in rel.parts if p not in ("mod", "lib", "main")]
    return module_of(parts) or "lib"


graph = {}
for path in SRC.rglob("*.rs"):
    source = path.read_text(encoding="utf-8")
    # Comments do not import anything.
    source = re.sub(r"//[^\n]*", "", source)
    here = file_module(path)
    for match in re.finditer(r"\bcrate::((?:\w+::)*\w+)", source):
        there = module_of(match.group(1).split("::"))
        top = there.split("::")[0] if there else ""
        is_module = (SRC / top).is_dir() or (SRC / f"{top}.rs").exists()
        if there and there != here and is_module:
            graph.setdefault(here, set()).add(there)

cycles = []


def visit(node, stack, seen):
    for nxt in sorted(graph.get(node, ())):
        if nxt in stack:
            cycle = stack[stack.index(nxt):] + [nxt]
            key = frozenset(cycle)
            if key not in seen:
                seen.add(key)
                cycles.append(cycle)
        elif len(stack) < 20:
            visit(nxt, stack + [nxt], seen)


seen = set()
for start in sorted(graph):
    visit(start, [start], seen)
for node in sorted(graph):
    print(f"{node:16} -> {', '.join(sorted(graph[node]))}")
print()
if cycles:
    for cycle in cycles:
        print("cycle:", " -> ".join(cycle))
    sys.exit(1)
print("no import cycles between modules")
