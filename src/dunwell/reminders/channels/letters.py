"""Letters as PDF files in a folder a print service collects from: one file per letter, named after
its outbox key, written to a temporary name and renamed, so the print service never sees half a
letter and a second delivery of the same letter overwrites the same file instead of adding one.
Beside each PDF a JSON file gives the recipient and the address lines (the PDF shows them in the
envelope window too), written first, so a print service that finds the PDF finds its address."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from dunwell.reminders.channels.base import Delivery, OutboundMessage, PermanentFailure, TemporaryFailure


def letter_file_name(key: str) -> str:
    return f"letter-{hashlib.sha256(key.encode()).hexdigest()[:20]}.pdf"


@dataclass
class LetterFolder:
    folder: Path
    name: str = "letter"

    def send(self, message: OutboundMessage) -> Delivery:
        pdfs = [a for a in message.attachments if a.content_type == "application/pdf"]
        if not pdfs:
            raise PermanentFailure("a letter needs its PDF")
        if not (message.to_address or "").strip():
            raise PermanentFailure("a letter needs the customer's postal address")
        target = self.folder / letter_file_name(message.key)
        envelope = {
            "key": message.key,
            "recipient": message.recipient_name,
            "address_lines": message.to_address.strip().splitlines() if message.to_address else [],
            "pdf": target.name,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(target.with_suffix(".json"), json.dumps(envelope, ensure_ascii=False).encode())
            _write_atomically(target, pdfs[0].data)
        except OSError as error:
            raise TemporaryFailure(f"cannot write {target}: {error}") from error
        return Delivery(provider_ref=target.name, detail=str(target))


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = target.with_suffix(target.suffix + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, target)
