"""Entry point of an import's reader process: ``python -m dunwell.imports.reader_process``.

Reads its arguments (pickled) on stdin and writes parsed chunks on stdout; see ``chunking``.
"""

from __future__ import annotations

import sys

from dunwell.imports.chunking import serve

if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
