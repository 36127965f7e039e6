"""The format readers, in the order they are asked whether a file is theirs.

Each reader module lives beside this file and exposes ``sniff`` and ``read`` (see
``dunwell.ingest.bank.StatementReader``). The order matters only where two formats could claim a
file: the structured formats go first, the delimited exports (which claim any table) last.
"""

from __future__ import annotations

from dunwell.ingest.bank.formats import bai2, camt, delimited, mt940, ofx, qif

READERS = (camt, ofx, bai2, mt940, qif, delimited)
