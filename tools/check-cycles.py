#!/usr/bin/env python3
# Fails on an import cycle between the modules (files) of a crate: reads each file's
# `use` declarations and inline `crate::`/`super::`/`self::` paths (a file's unit tests,
# `#[cfg(test)] mod tests`, excepted), resolves each to the module file it names
# (through a parent's `pub use` re-exports), and prints every strongly connected
# component of more than one file. A parent's `mod child;` is not a use.
# Usage: tools/check-cycles.py SRC_DIR...   (run by `make lint` on every crate's src/)
import os
import re
import sys


def module_path(src, file):
    rel = os.path.relpath(file, src)[: -len(".rs")]
    parts = rel.split(os.sep)
    if parts[-1] in ("lib", "main", "mod"):
        parts = parts[:-1]
    return tuple(parts)


def strip(text):
    """The text without comments, strings and unit tests."""
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def expand(tree):
    """`a::{b, c::{d, e}}` -> a::b, a::c::d, a::c::e."""
    tree = tree.strip()
    i = tree.find("{")
    if i < 0:
        return [re.split(r"\s+as\s+", tree)[0].strip()]
    head, body = tree[:i], tree[i + 1 : tree.rindex("}")]
    items, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
            continue
        depth += (ch == "{") - (ch == "}")
        cur += ch
    items.append(cur)
    return [p for item in items if item.strip() for p in expand(head + item.strip())]


def paths(text):
    """Every path a file names: its `use` trees and inline crate/super/self paths."""
    found = []
    for tree in re.findall(r"\buse\s+([^;]+);", text):
        found.extend(expand(tree))
    text = re.sub(r"\buse\s+[^;]+;", "", text)
    found.extend(re.findall(r"\b(?:crate|super|self)(?:::\w+)+", text))
    return found


def absolute(path, here):
    """A path as segments from the crate root, or None if it does not start there."""
    parts = path.split("::")
    if parts[0] == "crate":
        return parts[1:]
    if parts[0] == "self":
        return list(here) + parts[1:]
    if parts[0] == "super":
        cur = list(here)
        while parts and parts[0] == "super":
            cur, parts = cur[:-1], parts[1:]
        return cur + parts
    return None


def check(src):
    files = {}
    for dirpath, _, names in os.walk(src):
        for name in names:
            if name.endswith(".rs"):
                file = os.path.join(dirpath, name)
                files[module_path(src, file)] = file
    texts = {m: strip(open(f).read()) for m, f in files.items()}
    # Re-exports: (module, name) -> where the name comes from.
    reexports = {}
    for m, text in texts.items():
        for tree in re.findall(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
            for p in expand(tree):
                target = absolute(p, m)
                if target is None:
                    target = list(m) + p.split("::")
                reexports[(m, p.split("::")[-1])] = target

    def resolve(parts, depth=0):
        for n in range(len(parts), -1, -1):
            module = tuple(parts[:n])
            if module in files:
                if n < len(parts) and (module, parts[n]) in reexports and depth < 8:
                    return resolve(reexports[(module, parts[n])], depth + 1)
                return module
        return None

    edges = {m: set() for m in files}
    for m, text in texts.items():
        for p in paths(text):
            parts = absolute(p, m)
            if parts is None:
                continue
            target = resolve(parts)
            # A parent's use of its children is how a module is made of files.
            if target is not None and target != m and target[: len(m)] != m:
                edges[m].add(target)
    return files, edges


def cycles(edges):
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    failed = False
    for src in sys.argv[1:]:
        files, edges = check(src)
        for comp in cycles(edges):
            failed = True
            names = [os.path.relpath(files[m]) for m in comp]
            print(f"import cycle in {src}: " + ", ".join(names))
            for m in comp:
                inside = sorted(os.path.relpath(files[t]) for t in edges[m] if t in comp)
                print(f"  {os.path.relpath(files[m])} uses {', '.join(inside)}")
    if failed:
        sys.exit(1)
    print(f"no import cycles in {', '.join(sys.argv[1:])}")


main()
