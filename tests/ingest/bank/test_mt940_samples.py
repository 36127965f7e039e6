"""Every public MT940/MT942 sample file with the outcome we expect of it, and the entries and balances
checked against the ``mt-940`` package's own expected parses (its YAML files beside the samples)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from dunwell.ingest.bank import Direction, StatementFormat, StatementUnreadable, read_statement

CHECKED = {"balance_mismatch", "control_total_mismatch", "bad_entry"}

# Every public sample: what we expect of it, and why where it is not a clean read.
SAMPLES = "bank-statements/mt940"
CLEAN, FRAGMENT = "reads, adds up", "rejected: fragment"
_EDITED = "anonymised sample with edited amounts: the mt-940 package reads the same entries and balances"
_HANDMADE = "hand-made edge case whose balances were never meant to add up"
OUTCOMES: dict[str, tuple[str, str]] = {
    **{
        f"oca-bank-statement-import/{name}": (CLEAN, "")
        for name in (
            "account_bank_statement_import_mt940_base/test_files/test-ing.940",
            "account_bank_statement_import_mt940_base/test_files/test-rabo.swi",
            "account_bank_statement_import_mt940_base/test_files/test-sns.940",
            "account_bank_statement_import_mt940_nl_ing/test_files/test-ing-old.940",
            "account_bank_statement_import_mt940_nl_ing/test_files/test-ing.940",
            "account_bank_statement_import_mt940_nl_mollie/examples/Voorbeeld",
            "account_bank_statement_import_mt940_nl_rabo/test_files/test-rabo.swi",
        )
    },
    "oca-bank-statement-import/account_bank_statement_import_mt940_base/test_files/test-wrong-file.940": (
        CLEAN,
        "OCA refuses its ':9401:' header line; the message itself is whole and adds up",
    ),
    **{
        f"wolph-mt940/{name}": (CLEAN, "")
        for name in (
            "ASNB/0708271685_09022020_164516.940.txt",
            "betterplace/sepa_mt9401.sta",
            "betterplace/with_binary_character.sta",
            "cmxl/mt940.sta",
            "jejik/generic.sta",
            "jejik/rabobank-iban.sta",
            "jejik/sns.sta",
            "mBank/mt940.sta",
            "mBank/mt942.sta",
            "sberbank/171011_01234945.sta",
            "self-provided/february_30.sta",
            "self-provided/gv_codes.sta",
            "self-provided/long_statement_number.sta",
            "self-provided/raphaelm.sta",
            "self-provided/transaction_details_wrapped.sta",
            "self-provided/wrapped_timestamp.sta",
        )
    },
    **{
        f"wolph-mt940/{name}": ("balance_mismatch", _EDITED)
        for name in (
            "betterplace/sepa_snippet.sta",
            "jejik/abnamro.sta",
            "jejik/ing.sta",
            "jejik/knab.sta",
            "jejik/postfinance.sta",
            "jejik/rabobank.sta",
            "jejik/triodos.sta",
            "mBank/with_newline_in_tnr.sta",
            "self-provided/raiffeisen-cmi.sta",
        )
    },
    **{
        f"wolph-mt940/self-provided/{name}": ("balance_mismatch", _HANDMADE)
        for name in (
            "details_60-63.sta",
            "malformed_details.sta",
            "overly_long_details.sta",
            "whitespace.sta",
        )
    },
    "wolph-mt940/betterplace/sepa_snippet_broken.sta": (
        "balance_mismatch",
        "deliberately broken: :86: sent as :25:",
    ),
    "wolph-mt940/self-provided/mt942.sta": (
        "control_total_mismatch",
        "hand-made: :90D: 2,30 for one 0,42 debit",
    ),
    **{
        f"wolph-mt940/{name}": (FRAGMENT, "single-tag test snippet without :20:")
        for name in (
            "betterplace/amount_formats.sta",
            "betterplace/currency_in_25.sta",
            "betterplace/empty_86.sta",
            "betterplace/empty_entry_date.sta",
            "betterplace/missing_crlf_at_end.sta",
            "cmxl/account_balance_credit.sta",
            "cmxl/account_balance_debit.sta",
            "cmxl/account_identification_iban.sta",
            "cmxl/account_identification_legacy.sta",
            "cmxl/available_balance.sta",
            "cmxl/closing_balance.sta",
            "cmxl/statement_details.sta",
            "cmxl/statement_line.sta",
            "cmxl/statement_number.sta",
            "self-provided/empty_non_swift.sta",
            "self-provided/sparkassen.sta",
        )
    },
    "wolph-mt940/betterplace/empty_line.sta": ("rejected: no message states", "only a :20: line"),
    "wolph-mt940/cmxl/reference.sta": ("rejected: no message states", "only a :20: line"),
    "wolph-mt940/self-provided/invalid_statement.sta": (
        "rejected",
        "the numbers 1 to 10: no reader claims it",
    ),
}
FORMATS = {
    "wolph-mt940/mBank/mt942.sta": StatementFormat.MT942,
    "wolph-mt940/self-provided/mt942.sta": StatementFormat.MT942,
}


def _statement_files(folder: Path) -> set[str]:
    skip = {".yml", ".md", ".tsv"}
    return {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and p.suffix not in skip and not p.name.startswith("LICENSE")
    }


@pytest.mark.shared
def test_the_outcome_table_lists_every_sample_file(shared_data: Path) -> None:
    assert _statement_files(shared_data / SAMPLES) == set(OUTCOMES)


@pytest.mark.shared
@pytest.mark.parametrize("relative", sorted(OUTCOMES))
def test_every_sample_file_reads_or_is_refused_with_a_reason(shared_data: Path, relative: str) -> None:
    path = shared_data / SAMPLES / relative
    expected, _why = OUTCOMES[relative]
    if expected.startswith("rejected"):
        with pytest.raises(StatementUnreadable) as refused:
            read_statement(path)
        message = str(refused.value)
        assert message.startswith(str(path))
        assert expected.removeprefix("rejected").strip(": ") in message
        return
    parsed = read_statement(path)
    assert parsed.format is FORMATS.get(relative, StatementFormat.MT940)
    found = {problem.code for problem in parsed.problems} & CHECKED
    if expected == CLEAN:
        assert found == set(), [p for p in parsed.problems if p.code in CHECKED]
    else:
        assert expected in found


class _ExpectedParse(yaml.SafeLoader):
    """Reads the mt-940 package's pickled-object YAML as plain data, constructing no objects:
    amounts become Decimals and dates dates (from their pickled bytes); everything else a dict."""


def _python_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if suffix == "object/apply:decimal.Decimal":
        assert isinstance(node, yaml.SequenceNode)
        return Decimal(str(loader.construct_sequence(node)[0]))
    if suffix in ("object/apply:mt940.models.Date", "object/apply:mt940.models.DateTime"):
        assert isinstance(node, yaml.SequenceNode)
        raw = loader.construct_sequence(node)[0]
        return datetime.date(raw[0] * 256 + raw[1], raw[2], raw[3]) if isinstance(raw, bytes) else None
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key == "transactions" and suffix == "object:mt940.models.Transaction":
                continue  # the back-reference to the owning collection: a cycle
            mapping[key] = loader.construct_object(value_node, deep=True)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_ExpectedParse.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)

#: Where we knowingly read a file differently from the package, and why ours is right.
YAML_DIFFERENCES = {
    # ':62F:C02032495000,00' states no currency: the package reads '950' as one, and 0.00 as the amount.
    "wolph-mt940/self-provided/raphaelm.sta": "closing",
}


def _balance(data: dict[str, Any], *keys: str) -> Decimal | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, dict) and isinstance(value.get("amount"), dict):
            amount = value["amount"]["amount"]
            assert isinstance(amount, Decimal)
            return amount
    return None


EXPECTED_PARSES = [name for name in sorted(OUTCOMES) if name.endswith(".sta")]


@pytest.mark.shared
@pytest.mark.parametrize("relative", EXPECTED_PARSES)
def test_entries_and_balances_agree_with_the_packages_expected_parse(
    shared_data: Path, relative: str
) -> None:
    path = shared_data / SAMPLES / relative
    expected_path = path.with_suffix(".yml")
    if not expected_path.exists() or OUTCOMES[relative][0].startswith("rejected"):
        pytest.skip("no expected parse, or a file we refuse")
    expected = yaml.load(expected_path.read_text(encoding="utf-8"), Loader=_ExpectedParse)
    theirs = [t["data"] for t in expected.get("transactions", []) if t["data"].get("amount")]
    parsed = read_statement(path)
    assert len(parsed.transactions) == len(theirs)
    for ours, their in zip(parsed.transactions, theirs, strict=True):
        mark = ("R" if ours.reversal else "") + (
            "C" if (ours.direction is Direction.CREDIT) != ours.reversal else "D"
        )
        assert (ours.amount, ours.value_date, mark) == (
            abs(their["amount"]["amount"]),
            their["date"],
            their["status"],
        )
        if their.get("entry_date"):
            assert ours.booking_date == their["entry_date"]
    data = expected.get("data", {})
    for side, keys in (("opening", ("final_opening_balance", "opening_balance")),
                       ("closing", ("final_closing_balance", "closing_balance"))):  # fmt: skip
        stated = _balance(data, *keys)
        if stated is not None and YAML_DIFFERENCES.get(relative) != side:
            # The package keeps the last message's balance: it must be one of our statements'.
            assert stated in {getattr(s, side) for s in parsed.statements}
