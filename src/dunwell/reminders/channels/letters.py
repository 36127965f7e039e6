"""Letters as PDF files in a folder a print service collects from: one file per letter, named after
its outbox key, written to a temporary name and renamed, so the print service never sees half a
letter and a second delivery of the same letter overwrites the same file instead of adding one."""

from __future__ import annotations

import hashlib
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
        target = self.folder / letter_file_name(message.key)
        temporary = target.with_suffix(".part")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(pdfs[0].data)
            os.replace(temporary, target)
        except OSError as error:
            raise TemporaryFailure(f"cannot write {target}: {error}") from error
        return Delivery(provider_ref=target.name, detail=str(target))
