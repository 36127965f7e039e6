"""The company's write-off policy: the shipped default, or a YAML file a company keeps.

```yaml
# Per reason: how much may be settled with no person. Amounts per currency in major units
# ("*": any currency not named); max_share of the invoice; automatic: false = always a person.
bank_fee: {max_amount: {"*": "50", JPY: "5000"}, max_share: "0.02"}
early_payment_discount: {max_share: "0.05"}     # no amount bound: the terms offered it
bad_debt: {automatic: false}
```

Reasons the file does not name keep the shipped limits; an unknown reason or key, a negative or
non-numeric amount, or a share outside 0..1 is refused with the file, the reason and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.settlement import ReasonLimit, SettlementPolicy, SettleReason
from dunwell.matching.tolerances import DEFAULT_WRITE_OFF, WRITE_OFF_DEFAULTS

#: A bank fee: the cash-application tolerance per currency (50 units, more where 50 is a rounding).
_FEE_AMOUNTS: Mapping[str, Decimal] = {"*": DEFAULT_WRITE_OFF, **WRITE_OFF_DEFAULTS}
#: A customer's small deduction: half of that, and never more than 1 % of the invoice.
_SMALL_AMOUNTS: Mapping[str, Decimal] = {k: v / 2 for k, v in _FEE_AMOUNTS.items()}

DEFAULT_POLICY = SettlementPolicy(
    {
        SettleReason.BANK_FEE: ReasonLimit(_FEE_AMOUNTS, Decimal("0.02")),
        # Verified against the terms on file by the matcher: bounded by share only.
        SettleReason.EARLY_PAYMENT_DISCOUNT: ReasonLimit(None, Decimal("0.05")),
        SettleReason.UNEARNED_DISCOUNT: ReasonLimit(_SMALL_AMOUNTS, Decimal("0.01")),
        SettleReason.FREIGHT: ReasonLimit(_SMALL_AMOUNTS, Decimal("0.01")),
        SettleReason.PRICING: ReasonLimit(_SMALL_AMOUNTS, Decimal("0.01")),
        SettleReason.DAMAGED_GOODS: ReasonLimit(_SMALL_AMOUNTS, Decimal("0.01")),
        SettleReason.OTHER: ReasonLimit(_SMALL_AMOUNTS, Decimal("0.01")),
        SettleReason.BAD_DEBT: ReasonLimit(automatic=False),
    }
)
_KEYS = {"max_amount", "max_share", "automatic"}


class PolicyError(DunwellError):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}", code="invalid_write_off_policy", kind=ErrorKind.INVALID)


def load_policy(path: Path | str | None) -> SettlementPolicy:
    """The policy in ``path`` over the shipped default; the default alone when ``path`` is None."""
    if path is None or str(path) == "":
        return DEFAULT_POLICY
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(str(file), f"cannot read it ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise PolicyError(f"{file}{line}", "not valid YAML") from exc
    return parse_policy(data or {}, where=str(file))


def parse_policy(data: Any, *, where: str = "policy") -> SettlementPolicy:
    if not isinstance(data, dict):
        raise PolicyError(where, "expected a mapping of reason -> limits")
    limits = dict(DEFAULT_POLICY.limits)
    for name, spec in data.items():
        try:
            reason = SettleReason(str(name))
        except ValueError:
            known = ", ".join(r.value for r in SettleReason)
            raise PolicyError(f"{where}: {name}", f"unknown reason; one of {known}") from None
        limits[reason] = _limit(spec, f"{where}: {name}")
    return SettlementPolicy(limits)


def _limit(spec: Any, where: str) -> ReasonLimit:
    if not isinstance(spec, dict):
        raise PolicyError(where, "expected a mapping with max_amount, max_share or automatic")
    unknown = set(spec) - _KEYS
    if unknown:
        raise PolicyError(where, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    automatic = spec.get("automatic", True)
    if not isinstance(automatic, bool):
        raise PolicyError(f"{where}.automatic", "expected true or false")
    amounts = spec.get("max_amount")
    if amounts is not None and not isinstance(amounts, dict):
        raise PolicyError(f"{where}.max_amount", 'expected currency -> amount, e.g. {"*": "50"}')
    parsed = (
        {str(c).upper(): _decimal(v, f"{where}.max_amount.{c}") for c, v in amounts.items()}
        if amounts is not None
        else None
    )
    share = spec.get("max_share")
    max_share = _decimal(share, f"{where}.max_share") if share is not None else None
    if max_share is not None and max_share > 1:
        raise PolicyError(f"{where}.max_share", f"a share of the invoice is at most 1, not {max_share}")
    return ReasonLimit(parsed, max_share, automatic)


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, float):
        value = repr(value)  # YAML 0.02 arrives as a float: read its digits, never its binary value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise PolicyError(where, f"expected a number, not {value!r}") from None
    if not number.is_finite() or number < 0:
        raise PolicyError(where, f"expected a number of zero or more, not {value!r}")
    return number
