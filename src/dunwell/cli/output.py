"""Where commands write: tables and lines on stdout, errors and progress on stderr, JSON on stdout."""

from __future__ import annotations

import json
import sys

from rich.console import Console

#: Wide enough for grouped tables when output goes to a file or pipe (rich assumes 80 there).
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, soft_wrap=True)


def print_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
