#!/usr/bin/env python3
"""Fail when an engine touches the file system: ``dunwell/core``, ``simulate``, ``matching`` and
``ml`` take values and return values; reading and writing files belongs to the application modules
(``dunwell.simulation`` writes the simulator's folders, ``cashapp`` reads and writes its files).
``dunwell/ingest`` is the parser layer and reads files by design, so it is not checked.

Reads the source with ``ast`` (not a regex), so comments and strings do not count, and resolves
import aliases (``from json import dump as d`` is still ``json.dump``). An offence is:

- ``open(...)``, and ``open/read_text/write_text/read_bytes/write_bytes/mkdir/unlink/...`` called on
  anything (a ``Path``, a zip member);
- ``json.dump/load`` and the like (they take a file; ``dumps/loads`` are fine), any ``os`` call but
  the pure path-string helpers, ``shutil``, ``tempfile``, ``importlib.resources``, ``pkgutil.get_data``;
- a CSV writer or reader over anything but an in-memory buffer (``io.StringIO``);
- importing a module whose only use is I/O (``shutil``, ``tempfile``, ``importlib.resources``...).

Prints each offence as ``path:line: what`` and exits 1; exits 0 when there is none. Used by
``make lint`` and ``tests/kit/test_engines_do_no_io.py``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ENGINES = ("core", "simulate", "matching", "ml", "analytics", "forecast", "drafting", "replies")
#: Methods that reach the file system whatever they are called on.
FILE_METHODS = frozenset(
    {
        "open", "read_text", "write_text", "read_bytes", "write_bytes", "mkdir", "unlink", "rmdir",
        "touch", "iterdir", "glob", "rglob", "exists", "is_file", "is_dir", "stat", "chmod",
        "symlink_to", "hardlink_to", "save_model", "to_csv", "to_parquet", "to_pickle", "to_excel",
        "read_csv", "read_parquet", "read_pickle", "read_excel",
    }
)  # fmt: skip
#: Module functions that read or write files.
FILE_CALLS = frozenset(
    {
        "json.dump", "json.load", "pickle.dump", "pickle.load", "marshal.dump", "marshal.load",
        "joblib.dump", "joblib.load", "pkgutil.get_data", "io.open", "io.FileIO", "codecs.open",
        "gzip.open", "bz2.open", "lzma.open", "tarfile.open", "zipfile.ZipFile", "sqlite3.connect",
        "numpy.save", "numpy.savez", "numpy.savez_compressed", "numpy.load", "numpy.loadtxt",
        "numpy.savetxt", "numpy.genfromtxt", "numpy.fromfile",
    }
)  # fmt: skip
#: Modules that are I/O through and through: importing one is the offence.
IO_MODULES = (
    "shutil", "tempfile", "importlib.resources", "glob", "fileinput", "socket", "subprocess",
    "urllib.request", "http.client", "requests", "httpx",
)  # fmt: skip
#: ``os`` functions that only compute strings.
PURE_OS = frozenset(
    {"os.path.join", "os.path.basename", "os.path.dirname", "os.path.splitext", "os.path.split",
     "os.path.normpath", "os.fspath", "os.fsdecode", "os.fsencode"}
)  # fmt: skip
CSV_CALLS = frozenset({"csv.writer", "csv.DictWriter", "csv.reader", "csv.DictReader"})
IN_MEMORY = frozenset({"io.StringIO", "io.BytesIO"})


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> the dotted name it was imported as."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """``json.dump``, ``os.path.exists``... for a name or attribute chain; None for anything else."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _imported(tree: ast.Module) -> list[tuple[int, str]]:
    """Every module imported, with its line (``from a import b`` counts as ``a.b``, so that
    ``from importlib import resources`` is ``importlib.resources``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _in_memory_names(tree: ast.Module, aliases: dict[str, str]) -> set[str]:
    """Names bound to an ``io.StringIO()`` (or ``BytesIO``) anywhere in the module."""
    bound: list[tuple[ast.expr, ast.expr]] = []  # (target, value)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            bound.extend((target, node.value) for target in node.targets)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            bound.append((node.target, node.value))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bound.append((node.optional_vars, node.context_expr))
    return {
        target.id
        for target, value in bound
        if isinstance(target, ast.Name) and _is_buffer(value, aliases, set())
    }


def _is_buffer(node: ast.expr, aliases: dict[str, str], buffers: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in buffers
    return isinstance(node, ast.Call) and _dotted(node.func, aliases) in IN_MEMORY


def _is_io_module(name: str) -> bool:
    return any(name == module or name.startswith(f"{module}.") for module in IO_MODULES)


def _call_offence(node: ast.Call, aliases: dict[str, str], buffers: set[str]) -> str | None:
    name = _dotted(node.func, aliases)
    if name is not None and (
        name == "open"
        or name in FILE_CALLS
        or _is_io_module(name)
        or (name.startswith("os.") and name not in PURE_OS)
    ):
        return f"{name}(...)"
    if name in CSV_CALLS and not (node.args and _is_buffer(node.args[0], aliases, buffers)):
        return f"{name}(...) over a file (write into io.StringIO and return the text)"
    if isinstance(node.func, ast.Attribute) and node.func.attr in FILE_METHODS:
        return f"{ast.unparse(node.func)}(...)"
    return None


def offences(path: Path) -> list[str]:
    """``path:line: what`` for every file operation in the module, in line order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases = _aliases(tree)
    buffers = _in_memory_names(tree, aliases)
    found = {(line, f"import {name}") for line, name in _imported(tree) if _is_io_module(name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            offence = _call_offence(node, aliases, buffers)
            if offence is not None:
                found.add((node.lineno, offence))
    return [f"{path}:{line}: {what}" for line, what in sorted(found)]


def engine_files(package: Path) -> list[Path]:
    return [path for engine in ENGINES for path in sorted((package / engine).rglob("*.py"))]


def main(argv: list[str]) -> int:
    package = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "src" / "dunwell"
    found = [o for path in engine_files(package) for o in offences(path)]
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} file operation(s) in the engines: return values and let the caller write them")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
