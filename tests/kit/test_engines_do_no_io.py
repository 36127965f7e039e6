"""The rule `make lint` enforces: the engines (core, simulate, matching, ml) do no file I/O; the
application modules read and write the files (ingest, the parser layer, reads them by design)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_engine_io", ROOT / "scripts" / "check_engine_io.py")
assert _spec is not None
assert _spec.loader is not None
checker = importlib.util.module_from_spec(_spec)
sys.modules["check_engine_io"] = checker
_spec.loader.exec_module(checker)

OFFENDING = """\
import csv
import io
import json as j
import shutil
from importlib import resources
from os import remove
from pathlib import Path


def render(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)  # in memory: fine
    # open("x") in a comment does not count, nor "Path.read_text" in a string
    return buffer.getvalue(), j.dumps(rows)


def save(rows, path: Path, handle):
    path.parent.mkdir(parents=True)
    with open(path, "w") as out:
        csv.writer(out).writerows(rows)
    j.dump(rows, handle)
    Path("m.json").read_text()
    resources.files("pkg").joinpath("m.json").read_bytes()
    remove(path)
"""


def test_the_engines_do_no_file_io() -> None:
    assert checker.main(["check", str(ROOT / "src" / "dunwell")]) == 0


def test_file_io_in_an_engine_is_caught_and_in_memory_text_or_the_parser_layer_is_not(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    for folder in ("core", "simulate", "matching", "ml", "ingest"):
        (package / folder).mkdir(parents=True)
    (package / "simulate" / "export.py").write_text(OFFENDING, encoding="utf-8")
    (package / "ingest" / "reader.py").write_text(
        "def read(p):\n    return open(p).read()\n", encoding="utf-8"
    )
    (package / "ml" / "model.py").write_text(
        "import numpy as np\n\ndef keep(x, p):\n    np.save(p, x)\n    return np.asarray(x)\n",
        encoding="utf-8",
    )

    found = [line.split(": ", 1)[1] for line in checker.offences(package / "simulate" / "export.py")]

    assert found == [
        "import shutil",
        "import importlib.resources",
        "path.parent.mkdir(...)",
        "open(...)",
        "csv.writer(...) over a file (write into io.StringIO and return the text)",
        "json.dump(...)",
        "Path('m.json').read_text(...)",
        "importlib.resources.files(...)",
        "resources.files('pkg').joinpath('m.json').read_bytes(...)",
        "os.remove(...)",
    ]
    assert [Path(p).name for p in checker.engine_files(package)] == ["export.py", "model.py"]
    assert checker.offences(package / "ml" / "model.py")[0].endswith(":4: numpy.save(...)")
    assert checker.main(["check", str(package)]) == 1
