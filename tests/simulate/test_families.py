"""Remittance families: the simulator's month re-rendered in other bank-file styles, through real
statement files and the project's readers, with the truth unchanged."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from stdnum import iban
from stdnum.be import ogm_vcs
from stdnum.iso7064 import mod_97_10

from dunwell.cashapp.families import FAMILY_NAMES, FamilyFiles, family_case, family_files
from dunwell.cashapp.simulated import month_case
from dunwell.ingest.bank import StatementFormat
from dunwell.simulate.company import generate_company
from dunwell.simulate.families_numbers import finnish_reference, quoted, renumbered
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.records import Company

MONTH = date(2025, 1, 1)
RENDERED = tuple(f for f in FAMILY_NAMES if f != "sim")
FORMATS = {
    "erp_numbers": StatementFormat.CSV,
    "eu_free_text": StatementFormat.CAMT053,
    "bank_names": StatementFormat.CAMT053,
    "us_ach": StatementFormat.BAI2,
    "sepa_structured": StatementFormat.CAMT053,
}


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(
        preset=PRESETS["distributor"], customers=40, months=14, seed=3, start=date(2024, 1, 1)
    )


@pytest.fixture(scope="module")
def rendered(company: Company) -> dict[str, FamilyFiles]:
    return {family: family_files(company, MONTH, family) for family in RENDERED}


def test_the_families_are_the_ones_promised() -> None:
    assert FAMILY_NAMES == ("sim", "erp_numbers", "eu_free_text", "bank_names", "us_ach", "sepa_structured")


def test_sim_is_month_case_itself(company: Company) -> None:
    assert family_case(company, MONTH, "sim", months=2) == month_case(company, MONTH, months=2)


def test_a_family_renders_the_same_every_time_and_differs_by_seed(
    company: Company, rendered: dict[str, FamilyFiles]
) -> None:
    for family in RENDERED:
        again = family_files(company, MONTH, family)
        assert again.texts == rendered[family].texts
        assert again.case == rendered[family].case
    other = family_files(company, MONTH, "eu_free_text", seed=1)
    assert other.texts != rendered["eu_free_text"].texts


def test_every_file_reads_back_cleanly_in_the_familys_format(rendered: dict[str, FamilyFiles]) -> None:
    for family, files in rendered.items():
        assert files.statements, family
        for name, parsed in files.statements.items():
            assert parsed.format is FORMATS[family], name
            assert parsed.problems == (), (name, parsed.problems)


def test_truth_joins_every_customer_payment_and_extras_have_none(
    company: Company, rendered: dict[str, FamilyFiles]
) -> None:
    sim = month_case(company, MONTH)
    for family, files in rendered.items():
        case, extras = files.case, files.rendering.extras if files.rendering else frozenset()
        refs = [p.payment_ref for p in case.payments]
        assert len(refs) == len(set(refs))
        paid = {ref for ref, _, _ in case.truth}
        assert set(refs) - extras == {p.payment_ref for p in sim.payments} == paid, family
        assert extras
        assert extras <= set(refs)
        assert not extras & paid
        assert 0.02 <= len(extras) / len(refs) <= 0.08, family
        assert [a for _, _, a in case.truth] == [a for _, _, a in sim.truth]  # the truth's amounts stay
        by_ref = {p.payment_ref: p for p in case.payments}
        for p in sim.payments:  # amounts and dates as simulated
            assert (by_ref[p.payment_ref].amount_minor, by_ref[p.payment_ref].value_date) == (
                p.amount_minor,
                p.value_date,
            )


def test_documents_are_renumbered_consistently(company: Company, rendered: dict[str, FamilyFiles]) -> None:
    sim_items = {i.item_id for i in month_case(company, MONTH).items}
    for family, files in rendered.items():
        items = {i.item_id for i in files.case.items}
        assert len(items) == len(files.case.items)
        assert {invoice for _, invoice, _ in files.case.truth} <= items, family
        numbers = files.rendering.numbers if files.rendering else {}
        assert len(set(numbers.values())) == len(numbers)  # a bijection
        if family in ("erp_numbers", "eu_free_text", "us_ach"):
            assert not items & sim_items, family
        else:
            assert items == sim_items, family


def test_payers_quote_renumbered_documents_the_ways_payers_do() -> None:
    number = renumbered("inv_dash", "90004211", date(2025, 3, 1))
    assert number == "INV-004211"
    assert renumbered("year_dash", "CM80000012", date(2025, 3, 1)) == "GS-2025-00012"
    rng = random.Random(1)
    assert {quoted(rng, number, "no_prefix") for _ in range(20)} == {"004211", "4211"}
    assert quoted(rng, "2025-004211", "separators") in {
        "2025004211",
        "2025 004211",
        "2025/004211",
        "2025-004211",
        "2025.004211",
    }
    assert finnish_reference("12345") == "123453"


def test_eu_free_text_is_european(rendered: dict[str, FamilyFiles]) -> None:
    case = rendered["eu_free_text"].case
    texts = " ".join(p.remittance for p in case.payments)
    assert re.search(r"\b(Rechnung|Factuur|Fact\.|Rg\.-Nr\.|Règlement|Paiement fact)\b", texts)
    assert {p.currency for p in case.payments} == {"EUR"} == {i.currency for i in case.items}
    accounts = [p.payer_account for p in case.payments if p.payer_account]
    assert accounts
    assert all(iban.is_valid(a) for a in accounts)
    known = {a for c in case.customers for a in c.accounts}
    assert known
    assert all(iban.is_valid(a) for a in known)
    # What earlier months showed is what the customers are known by.
    learned = {c.customer_id: set(c.accounts) for c in case.customers}
    ours = [p for p in case.payments if p.payment_ref in case.truth_customers]
    hits = sum(p.payer_account in learned[case.truth_customers[p.payment_ref]] for p in ours)
    assert hits / len(ours) > 0.6


def test_us_ach_prints_originators_as_us_banks_do(rendered: dict[str, FamilyFiles]) -> None:
    text = "\n".join(rendered["us_ach"].texts.values())
    assert "ORIG CO NAME:" in text
    assert "SEC:CCD" in text
    assert "RMR*IV*" in text
    assert "CHECK NO" in text
    assert "B/O:" in text or "ORIG:" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert re.search(r"^88,", text, re.MULTILINE)
    # Whether the BAI2 reader takes the payer out of the text or leaves it in, the payer is there.
    payments = rendered["us_ach"].case.payments
    shown = [
        p for p in payments if p.payer_name or re.search(r"ORIG CO NAME:|B/O:|ORIG:|REMITTER", p.remittance)
    ]
    assert len(shown) / len(payments) > 0.9
    rendering = rendered["us_ach"].rendering
    assert rendering is not None
    orig_ids = {a for accounts in rendering.accounts.values() for a in accounts}
    assert orig_ids
    assert all(re.fullmatch(r"\d{6,13}", a) for a in orig_ids)


def test_bank_names_are_printed_as_banks_print_them(rendered: dict[str, FamilyFiles]) -> None:
    case = rendered["bank_names"].case
    names = [p.payer_name or "" for p in case.payments]
    assert sum(n.isupper() for n in names) / len(names) > 0.6
    assert all(len(n) <= 70 for n in names)
    masters = {c.name for c in case.customers}
    assert any(m.endswith(("GmbH", "B.V.", "S.A.S.")) for m in masters)
    aliases = {a for c in case.customers for a in c.aliases}
    assert aliases
    assert aliases != masters


def test_sepa_structured_quotes_valid_creditor_references(rendered: dict[str, FamilyFiles]) -> None:
    references = [
        p.structured_reference for p in rendered["sepa_structured"].case.payments if p.structured_reference
    ]
    assert len(references) >= 10
    for reference in references:
        if reference.startswith("RF"):
            assert mod_97_10.is_valid(reference[4:] + reference[:4])
        elif len(reference) == 12:
            assert ogm_vcs.is_valid(reference)
        else:
            assert finnish_reference(reference[:-1]) == reference
    assert any(not r.startswith("RF") for r in references)
