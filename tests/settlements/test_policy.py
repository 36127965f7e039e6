"""The write-off policy: both bounds per reason, per currency, in exact arithmetic; and the YAML
a company writes, refused with the place of the mistake."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.core.documents import SettlementKind
from dunwell.core.settlement import ReasonLimit, SettlementPolicy, SettleReason
from dunwell.settlements.policy import DEFAULT_POLICY, PolicyError, load_policy, parse_policy

POLICY = SettlementPolicy(
    {
        SettleReason.BANK_FEE: ReasonLimit({"*": Decimal("25"), "JPY": Decimal("3000")}, Decimal("0.02")),
        SettleReason.EARLY_PAYMENT_DISCOUNT: ReasonLimit(None, Decimal("0.05")),
        SettleReason.FREIGHT: ReasonLimit({"EUR": Decimal("10")}),
    }
)


@pytest.mark.parametrize(
    ("reason", "amount", "invoice", "currency", "automatic"),
    [
        (SettleReason.BANK_FEE, 2500, 200_000, "USD", True),  # 25.00 of 2,000.00: both bounds hold
        (SettleReason.BANK_FEE, 2501, 200_000, "USD", False),  # a cent over the amount
        (SettleReason.BANK_FEE, 2000, 99_999, "USD", False),  # 2.0001 % of the invoice
        (SettleReason.BANK_FEE, 3000, 1_000_000, "JPY", True),  # 3,000 yen: JPY has no minor unit
        (SettleReason.BANK_FEE, 3001, 1_000_000, "JPY", False),
        (SettleReason.EARLY_PAYMENT_DISCOUNT, 5_000_000, 100_000_000, "USD", True),  # share alone
        (SettleReason.FREIGHT, 1000, 1_000_000, "EUR", True),
        (SettleReason.FREIGHT, 1000, 1_000_000, "USD", False),  # no limit for USD, no "*"
        (SettleReason.PRICING, 1, 1_000_000, "USD", False),  # not in the policy: a person decides
    ],
)
def test_both_bounds_must_hold_in_the_invoice_currency(
    reason: SettleReason, amount: int, invoice: int, currency: str, automatic: bool
) -> None:
    assert POLICY.judge(reason, amount, invoice, currency).automatic is automatic


def test_a_customer_deduction_above_policy_is_a_dispute_candidate_a_bank_fee_is_not() -> None:
    assert POLICY.judge(SettleReason.FREIGHT, 5000, 100_000, "EUR").dispute_candidate
    assert not POLICY.judge(SettleReason.BANK_FEE, 5000, 100_000, "USD").dispute_candidate
    assert not DEFAULT_POLICY.judge(SettleReason.BAD_DEBT, 1, 100, "USD").automatic
    assert SettleReason.BAD_DEBT.settlement_kind is SettlementKind.WRITE_OFF
    assert SettleReason.BANK_FEE.settlement_kind is SettlementKind.DEDUCTION


def test_a_policy_file_overrides_the_reasons_it_names(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text('bank_fee: {max_amount: {"*": 5, JPY: "500"}, max_share: 0.01}\n', encoding="utf-8")
    policy = load_policy(path)
    assert policy.limits[SettleReason.BANK_FEE] == ReasonLimit(
        {"*": Decimal(5), "JPY": Decimal(500)}, Decimal("0.01")
    )
    assert policy.limits[SettleReason.BAD_DEBT] == DEFAULT_POLICY.limits[SettleReason.BAD_DEBT]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bank_fees: {max_share: 0.1}", "bank_fees: unknown reason"),
        ("bank_fee: {max_shar: 0.1}", "bank_fee: unknown key"),
        ("bank_fee: {max_share: 2}", "bank_fee.max_share: a share of the invoice is at most 1"),
        ('bank_fee: {max_amount: {USD: "-1"}}', "bank_fee.max_amount.USD: expected a number of zero or more"),
        ("bank_fee: {max_amount: {USD: lots}}", "bank_fee.max_amount.USD: expected a number"),
        ("bank_fee: {automatic: maybe}", "bank_fee.automatic: expected true or false"),
        ("bank_fee: [1, 2", "line 2: not valid YAML"),
    ],
)
def test_a_bad_policy_file_is_refused_with_where_and_why(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=message.replace(".", r"\.")):
        load_policy(path)


def test_no_file_is_the_shipped_default() -> None:
    assert load_policy(None) is DEFAULT_POLICY
    assert parse_policy({}) == DEFAULT_POLICY
