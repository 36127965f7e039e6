"""What an import run did, in the shape the CLI prints with ``--json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MAX_SAMPLES = 20


@dataclass(frozen=True, slots=True)
class DatabaseRejection:
    """A row that parsed but conflicts with what the database holds."""

    line: int
    field: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    reject_file: Path | None = None
    batch_id: int | None = None
    #: Documents a full snapshot import cleared because the file no longer lists them (None: not a snapshot).
    closed: int | None = None
    #: Things the operator should know that are not row rejections.
    notes: list[str] = field(default_factory=list)
    #: The first few rejections, ``"line 7, due_date: due date before issue date"``, for the console.
    rejection_samples: list[str] = field(default_factory=list)
    #: Rows loaded as they are but worth a look (a prepayment: paid before its issue date).
    warnings: int = 0
    warning_samples: list[str] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.warnings += 1
        if len(self.warning_samples) < MAX_SAMPLES:
            self.warning_samples.append(f"line {line}: {message}")

    def to_dict(self) -> dict[str, object]:
        payload: dict[str, object] = {
            "read": self.read,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "reject_file": str(self.reject_file) if self.reject_file else None,
        }
        if self.closed is not None:
            payload["closed"] = self.closed
        if self.warnings:
            payload["warnings"] = self.warnings
            payload["warning_samples"] = list(self.warning_samples)
        return payload
