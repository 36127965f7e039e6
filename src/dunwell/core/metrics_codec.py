"""ARMetrics to and from plain JSON without losing a digit: every Decimal as its string, so a
figure read back from a stored snapshot is the very figure that was computed (``metrics_to_dict``
is the API's rounded view; this is the exact one)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from dunwell.core.aging import BUCKET_NAMES, AgingBuckets
from dunwell.core.metrics import ARMetrics

_DATES = {"as_of"}
_PLAIN = {"period_days", "currency", "document_count"}


def encode_metrics(metrics: ARMetrics) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in fields(ARMetrics):
        value = getattr(metrics, field.name)
        if field.name in _DATES:
            out[field.name] = value.isoformat()
        elif field.name == "aging":
            out[field.name] = {name: str(amount) for name, amount in value.as_dict().items()}
        elif field.name in _PLAIN or value is None:
            out[field.name] = value
        else:
            out[field.name] = str(value)
    return out


def decode_metrics(data: dict[str, Any]) -> ARMetrics:
    values: dict[str, Any] = {}
    for field in fields(ARMetrics):
        raw = data[field.name]
        if field.name in _DATES:
            values[field.name] = date.fromisoformat(raw)
        elif field.name == "aging":
            values[field.name] = AgingBuckets(*(Decimal(raw[name]) for name in BUCKET_NAMES))
        elif field.name in _PLAIN or raw is None:
            values[field.name] = raw
        else:
            values[field.name] = Decimal(raw)
    return ARMetrics(**values)
