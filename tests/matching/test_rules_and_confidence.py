"""The rules matcher (baseline and structural check), reading numbers as payers write them, and
the learned confidence model: monotone, stored as data, its threshold held to the precision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.matching.test_engine import CUSTOMERS, ITEMS, item, pay

from dunwell.matching import shipped_confidence
from dunwell.matching.confidence import ConfidenceModel, module_source, shipped_model, strengths
from dunwell.matching.confidence_fit import NEVER, Outcome, choose_threshold, fit
from dunwell.matching.engine import Matcher
from dunwell.matching.evidence import WEIGHTS
from dunwell.matching.payers import PayerIndex
from dunwell.matching.records import CustomerProfile, Evidence, MatchStatus
from dunwell.matching.references import extract, number_key
from dunwell.matching.rules import RulesMatcher

# -- reading references --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("Rechnung 2025-04211 vom 03.11.2025 abzgl. Skonto 1.500,00 EUR", "202504211", "03112025"),
        ("INV 104233 1,500.00 INV 104240 250.00", "104240", "150000"),
        ("RE-2025/04211", "RE202504211", None),
        ("Fact. n° 4211 du 03/11", "4211", "0311"),
    ],
)
def test_numbers_are_read_whole_and_dates_and_amounts_are_not_references(
    text: str, expected: str, absent: str | None
) -> None:
    tokens = extract(text).tokens
    assert expected in tokens
    if absent:
        assert absent not in tokens


@pytest.mark.parametrize(
    ("key", "number"),
    [("INV0104233", "104233"), ("RE202504211", "202504211"), ("90001234", "90001234"), ("INV12", None)],
)
def test_the_number_inside_a_reference(key: str, number: str | None) -> None:
    assert number_key(key) == number


def test_a_number_quoted_without_its_prefix_names_the_document_outright() -> None:
    items = [item("INV-0104233", "C1", 50_000), item("INV-0104240", "C1", 20_000)]
    result = Matcher(items, CUSTOMERS).match(pay(70_000, "104233 104240", name=None, account=None))
    assert result.status is MatchStatus.AUTO
    assert {e.signal for e in result.candidates[0].evidence} >= {"reference_number", "amount_exact"}


# -- the rules -----------------------------------------------------------------------------


def _rules(payment_amount: int, remittance: str = "", **who: str | None) -> tuple[str | None, set[str]]:
    result = RulesMatcher(ITEMS, CUSTOMERS).match(pay(payment_amount, remittance, **who))
    if result.status is not MatchStatus.AUTO:
        return None, set()
    best = result.candidates[0]
    return result.reason, {a.item_id for a in best.allocations}


def test_rules_apply_named_documents_that_add_up_whoever_paid() -> None:
    assert _rules(205_050, "90000101 90000102", name=None, account=None) == (
        "references_reconcile",
        {"90000101", "90000102"},
    )


def test_rules_apply_a_named_document_paid_less_its_discount() -> None:
    rule, items = _rules(44_100, "90000302", name=None, account=None)
    assert (rule, items) == ("references_reconcile", {"90000302"})


def test_rules_apply_the_one_item_of_the_amount_for_a_known_payer() -> None:
    assert _rules(80_050) == ("unique_amount", {"90000102"})
    assert _rules(99_900, name="Initech Payables", account=None) == ("unique_amount", {"90000301"})


def test_rules_apply_the_only_combination_that_adds_up() -> None:
    assert _rules(113_383) == ("unique_combination", {"90000102", "90000103"})


def test_rules_leave_alone_what_is_not_unique_or_not_known() -> None:
    assert _rules(125_000 + 80_050 - 5_050 + 1)[0] is None  # nothing adds up
    assert _rules(80_050, name="Someone Else", account="XX00UNKNOWN")[0] is None  # payer unknown
    assert _rules(125_000, "", name=None, account=None)[0] is None  # C1 and C2 both owe 125,000


def test_rules_refuse_a_payer_several_customers_share() -> None:
    shared = [*CUSTOMERS, CustomerProfile("C9", "Acme Twin", accounts=("US11BANK0000000001",))]
    result = RulesMatcher(ITEMS, shared).match(pay(80_050, name=None, account="US11BANK0000000001"))
    assert result.status is MatchStatus.UNMATCHED


def test_the_engine_applies_what_independent_identifiers_agree_on_and_says_so() -> None:
    cautious = ConfidenceModel(0.0, {}, auto_threshold=1.0)  # the calibration alone applies nothing
    payment = pay(80_050)
    applied = Matcher(ITEMS, CUSTOMERS, model=cautious).match(payment)
    assert applied.status is MatchStatus.AUTO
    assert applied.candidates[0].evidence[-1].signal == "structural_agreement"
    held = Matcher(ITEMS, CUSTOMERS, model=cautious, structural=False).match(payment)
    assert held.status is MatchStatus.SUGGESTED
    never = Matcher(ITEMS, CUSTOMERS, model=ConfidenceModel(0.0, {}, auto_threshold=1.01)).match(payment)
    assert never.status is MatchStatus.SUGGESTED


# -- the confidence model ------------------------------------------------------------------

SIGNALS = sorted(s for s, w in WEIGHTS.items() if w != 0 and s != "structural_agreement")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SIGNALS), max_size=6), st.sampled_from(SIGNALS))
def test_agreeing_evidence_never_lowers_confidence_and_doubt_never_raises_it(
    present: list[str], extra: str
) -> None:
    model = shipped_model()
    base = [Evidence(s, "", WEIGHTS[s]) for s in present]
    before = model.confidence(base)
    after = model.confidence([*base, Evidence(extra, "", WEIGHTS[extra])])
    if WEIGHTS[extra] > 0:
        assert after >= before
    else:
        assert after <= before


def test_the_shipped_model_is_data_and_refuses_what_it_does_not_know() -> None:
    model = shipped_model()
    assert ConfidenceModel.from_json(json.loads(json.dumps(model.to_json()))) == model
    with pytest.raises(ValueError, match="format"):
        ConfidenceModel.from_json({"format": "pickle", "coefficients": {}})
    bad = {**model.to_json(), "coefficients": {"payer_telepathy": 1.0}}
    with pytest.raises(ValueError, match="payer_telepathy"):
        ConfidenceModel.from_json(bad)


def test_the_shipped_model_module_is_exactly_what_the_calibration_writes() -> None:
    # bench/cashapp_calibrate.py --write renders the fitted model with module_source: the module
    # in the package is that text, so regenerating it changes only the numbers.
    source = Path(shipped_confidence.__file__).read_text(encoding="utf-8")
    assert module_source(shipped_model()) == source
    assert shipped_model().to_json() == shipped_confidence.MODEL


def test_a_fitted_model_keeps_the_signs_even_when_the_data_pulls_the_other_way() -> None:
    good = [Evidence("reference_exact", "", 4.0), Evidence("amount_exact", "", 3.0)]
    # A positive signal that happens to come with wrong answers here must not turn negative.
    noisy = [Evidence("payer_name_fuzzy", "", 1.0), Evidence("partial_payment", "", -5.0)]
    outcomes = [Outcome(tuple(good), True, "a")] * 300 + [Outcome(tuple(noisy), False, "b")] * 100
    model = fit(outcomes)
    assert model.coefficients.get("payer_name_fuzzy", 0.0) >= 0.0
    assert model.coefficients["partial_payment"] < 0.0
    assert model.confidence(good) > 0.99 > model.confidence(noisy)
    assert strengths(noisy) == {"payer_name_fuzzy": 1.0, "partial_payment": 1.0}


def test_the_threshold_keeps_the_precision_or_applies_nothing() -> None:
    confidences = [0.999] * 800 + [0.98] * 200
    right = [True] * 800 + [True] * 180 + [False] * 20
    threshold = choose_threshold(confidences, right, target=0.995)
    assert threshold == 0.999  # the 90 %-right band below is never applied
    assert choose_threshold([0.99] * 100, [False] * 100, target=0.995) == NEVER


def test_a_processors_account_names_no_one_and_a_shared_one_says_less() -> None:
    processor = "US00BILL0000000000003"
    many = [CustomerProfile(f"P{i}", f"Client {i}", accounts=(processor,)) for i in range(12)]
    payers = PayerIndex([*CUSTOMERS, *many])
    assert payers.identify(None, processor) == []
    group = [CustomerProfile(f"G{i}", f"Group Member {i}", accounts=("US99GROUP",)) for i in range(2)]
    guesses = PayerIndex(group).identify(None, "US99GROUP")
    assert {e.signal for g in guesses for e in g.evidence} == {"payer_account_shared"}
    # The processor paid with the invoice number: the documents name the customer.
    items = [item("90000101", "C1", 125_000)]
    result = Matcher(items, [*CUSTOMERS, *many]).match(
        pay(125_000, "90000101", name="BILL.COM", account=processor)
    )
    assert result.candidates[0].customer_id == "C1"


def test_a_number_broken_where_the_banks_record_ended_is_glued_back() -> None:
    items = [item("INV-0104233", "C1", 50_000), item("INV-0104240", "C1", 20_000)]
    result = Matcher(items, CUSTOMERS).match(pay(50_000, "AP PAYMENT INV-0104 233", name=None, account=None))
    assert result.candidates[0].allocations[0].item_id == "INV-0104233"
    assert "reference_exact" in {e.signal for e in result.candidates[0].evidence}
    assert "42114230" not in extract("4211 4230").tokens  # glued words are looked up, never read loosely
