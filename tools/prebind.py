#!/usr/bin/python3
# Pre-binds libnode.so.108 (what -Bsymbolic would have done at link time): rewrites each
# symbol relocation (R_X86_64_64, GLOB_DAT, JUMP_SLOT) that the loader is sure to bind
# to libnode's own definition into an R_X86_64_RELATIVE one, so that start-up skips
# ~55,000 symbol lookups. BIND_NOW and RELRO stay as they are: nothing is bound lazily.
#
# A relocation keeps its symbol (and its lookup) when another object could interpose
# the definition: the symbol is weak outside libnode's internal names (inline functions
# and templates, which a program compiled against V8's or Node's public headers may
# define too: minideno defines 35), or it is also defined by a library in
# libnode's dependency closure (which a program may load before libnode, as minideno
# loads libstdc++), or it is TLS, an IFUNC or GNU_UNIQUE. tests/prebind.rs proves, with
# LD_DEBUG=bindings, that minideno binds every symbol as with the unmodified library.
#
# Usage: prebind.py UNMODIFIED OUT INCLUDE_DIR (libnode-dev's include/node)
import os
import re
import subprocess
import sys

from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

R_64, GLOB_DAT, JUMP_SLOT, RELATIVE = 1, 6, 7, 8
# Weak symbols in these namespaces are libnode's internals (V8's, and libraries it
# bundles): V8's public headers declare nothing in them that a program could define
# (v8-internal.h's inline functions are always inlined). Matched on the mangled name,
# after any vtable/typeinfo/thunk/guard/local-static prefix.
PREFIX = r"_Z(?:T[VIS]|Thn?\d+_|Tvn?\d+_n?\d+_|GV|Z)*N?K?"
INTERNAL = re.compile(PREFIX + r"(?:2v8(?:8internal|4base|6bigint)|8v8_crdtp|7simdutf|3ada)")
# Node's own names (node::X): internal unless X appears in node's public headers.
NODE = re.compile(PREFIX + r"4node(\d+)")
KINDS = {R_64: "R_X86_64_64", GLOB_DAT: "GLOB_DAT", JUMP_SLOT: "JUMP_SLOT"}


def defined_names(path):
    """The names of the dynamic symbols the library at `path` defines."""
    with open(path, "rb") as f:
        dynsym = ELFFile(f).get_section_by_name(".dynsym")
        return {s.name for s in dynsym.iter_symbols() if s["st_shndx"] != "SHN_UNDEF"}


def dependency_closure(path):
    """The resolved paths of every library `path` loads (ldd lists the whole closure)."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
    deps = []
    for line in out.splitlines():
        if "=>" in line:
            target = line.split("=>")[1].split("(")[0].strip()
            if target == "not found" or not target:
                sys.exit(f"prebind: {path} needs {line.split()[0]}, which is not installed")
            deps.append(target)
    return deps


def public_node_names(include):
    """Every identifier in node's public headers (node.h, node_api.h, ...) in `include`."""
    names = set()
    for header in os.listdir(include):
        if header.startswith(("node", "js_native_api")) and header.endswith(".h"):
            with open(os.path.join(include, header)) as f:
                names |= set(re.findall(r"[A-Za-z_]\w*", f.read()))
    return names


def internal(name, public_node):
    """Whether a weak symbol is libnode's own: no program could define it from public headers."""
    if INTERNAL.match(name):
        return True
    node = NODE.match(name)
    if node is None:
        return False
    at, length = node.end(), int(node.group(1))
    return name[at : at + length] not in public_node


def main(src, dst, include):
    public_node = public_node_names(include)
    others = set()
    for dep in dependency_closure(src):
        others |= defined_names(dep)
    data = bytearray(open(src, "rb").read())
    counts = {kind: 0 for kind in KINDS.values()}
    kept = 0
    with open(src, "rb") as f:
        elf = ELFFile(f)
        dynsym = elf.get_section_by_name(".dynsym")
        symbols = list(dynsym.iter_symbols())
        for section in (elf.get_section_by_name(".rela.dyn"), elf.get_section_by_name(".rela.plt")):
            assert isinstance(section, RelocationSection) and section.is_RELA()
            entry = section["sh_entsize"]
            for i, rel in enumerate(section.iter_relocations()):
                kind = rel["r_info_type"]
                if kind not in KINDS:
                    continue
                sym = symbols[rel["r_info_sym"]]
                own = (
                    sym["st_shndx"] != "SHN_UNDEF"
                    and (sym["st_info"]["bind"] == "STB_GLOBAL" or internal(sym.name, public_node))
                    and sym["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE")
                    and sym.name not in others
                )
                if not own:
                    kept += 1
                    continue
                # S (+ A for R_X86_64_64) becomes B + A: the definition's address in the file.
                addend = sym["st_value"] + (rel["r_addend"] if kind == R_64 else 0)
                at = section["sh_offset"] + i * entry
                data[at + 8 : at + 24] = RELATIVE.to_bytes(8, "little") + addend.to_bytes(8, "little", signed=True)
                counts[KINDS[kind]] += 1
    with open(dst, "wb") as f:
        f.write(data)
        # Out of the page cache once on disk: a file just written has every page cached,
        # and the kernel's fault-around would then map ~6 MiB more of it into each
        # process than it maps of a library read only as used (what peak RSS counts).
        f.flush()
        os.fsync(f.fileno())
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    done = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    print(f"prebind: {done} made relative; {kept} symbol relocations kept")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: prebind.py UNMODIFIED OUT INCLUDE_DIR")
    main(*sys.argv[1:])
