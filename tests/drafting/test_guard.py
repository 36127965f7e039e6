"""The fact guard on the product's own reminders (no false alarm in any language, tone, currency
or channel) and on small drafts, one problem kind at a time."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from drafting.drafting_cases import clean_cases, document, facts_for, render
from dunwell.drafting import (
    Discount,
    DraftFacts,
    Item,
    MoneyFact,
    PaymentInstructions,
    ProblemKind,
    check_draft,
    guarded_text,
)
from dunwell.drafting.facts import OPT_OUT_NOTICES


@pytest.mark.parametrize(
    ("label", "text", "facts"),
    list(clean_cases()),
    ids=lambda v: v if isinstance(v, str) and len(v) < 60 else "",
)
def test_the_templates_own_reminders_pass(label: str, text: str, facts: DraftFacts) -> None:
    verdict = check_draft(text, facts)
    assert verdict.passed, (label, verdict.reasons(), text)


def test_the_opt_out_table_is_what_the_templates_print() -> None:
    for language in ("en", "de", "fr", "es"):
        doc = document(language=language)
        assert OPT_OUT_NOTICES[(language, "email")] in render(doc, "email")
        assert OPT_OUT_NOTICES[(language, "sms")] in render(doc, "sms")


def small_facts(**changes: object) -> DraftFacts:
    facts = DraftFacts(
        language="en",
        locale="en_GB",
        customer_name="Acme Ltd",
        contact_name="Jane Doe",
        sender_name="Nordlicht GmbH",
        items=(Item("INV-1001", MoneyFact(125050, "EUR"), date(2027, 1, 15), 45),),
        total=MoneyFact(125050, "EUR"),
        today=date(2027, 3, 1),
        deadline=date(2027, 3, 11),
    )
    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]


GOOD = (
    "Dear Jane Doe,\nInvoice INV-1001 (due 15 Jan 2027) is open: €1,250.50. Please pay by 11 Mar 2027.\n"
    "Kind regards,\nNordlicht GmbH\n"
)


def kinds(text: str, facts: DraftFacts | None = None) -> set[str]:
    return {p.kind.value for p in check_draft(text, facts or small_facts()).problems}


def test_a_correct_small_draft_passes() -> None:
    assert kinds(GOOD) == set()


def test_the_same_amount_written_in_another_locale_is_the_same_fact() -> None:
    assert kinds(GOOD.replace("€1,250.50", "1.250,50 €")) == set()
    assert kinds(GOOD.replace("€1,250.50", "EUR 1,250.50")) == set()


def test_relative_dates_pass_only_when_they_land_on_a_fact() -> None:
    assert kinds(GOOD.replace("by 11 Mar 2027", "within 10 days")) == set()
    assert kinds(GOOD.replace("by 11 Mar 2027", "today")) == set()
    assert kinds(GOOD.replace("by 11 Mar 2027", "within 9 days")) == {"unknown_date"}
    assert kinds(GOOD.replace("by 11 Mar 2027", "next week")) == {"unknown_date"}
    lenient = small_facts(relative_dates_allowed=True)
    assert kinds(GOOD.replace("by 11 Mar 2027", "next week"), lenient) == set()


def test_a_date_the_reader_would_misread_is_refused() -> None:
    # 11/03/2027 is 11 March in Britain (a fact); 03/11/2027 reads 3 November there.
    assert kinds(GOOD.replace("11 Mar 2027", "11/03/2027")) == set()
    assert kinds(GOOD.replace("11 Mar 2027", "03/11/2027")) == {"unknown_date"}
    assert kinds(GOOD.replace("11 Mar 2027", "03/11/2027"), small_facts(locale="en_US")) == set()


def test_a_date_without_a_year_matches_a_facts_day() -> None:
    assert kinds(GOOD.replace("11 Mar 2027", "March 11th")) == set()
    assert kinds(GOOD.replace("11 Mar 2027", "March 12th")) == {"unknown_date"}


def test_payment_instructions_are_required_when_the_facts_have_them() -> None:
    facts = small_facts(payment=PaymentInstructions(iban="DE89 3704 0044 0532 0130 00", reference="INV-1001"))
    with_iban = GOOD.replace("Kind regards", "Pay to DE89370400440532013000 quoting INV-1001.\nKind regards")
    assert kinds(with_iban, facts) == set()
    assert kinds(GOOD, facts) == {"missing_payment_instructions"}


def test_the_opt_out_notice_must_be_there_word_for_word_where_required() -> None:
    notice = OPT_OUT_NOTICES[("en", "email")]
    facts = small_facts(opt_out_required=True, opt_out_text=notice)
    assert kinds(GOOD + "\n\n" + notice, facts) == set()
    assert kinds(GOOD + "\n\n" + notice.replace('"stop"', "“stop”"), facts) == set()
    assert kinds(GOOD, facts) == {"missing_opt_out"}
    assert kinds(GOOD) == set()  # not required: a letter


def test_legal_words_pass_only_where_the_step_allows_them() -> None:
    threat = GOOD + "\nOtherwise we will instruct our solicitors.\n"
    assert kinds(threat) == {"legal_threat"}
    assert kinds(threat, small_facts(legal_allowed=True)) == set()
    for words in ("Inkasso", "huissier", "abogado", "deurwaarder", "court"):
        assert "legal_threat" in kinds(GOOD + "\n" + words + "\n"), words


def test_our_own_final_demand_words_are_not_legal_threats() -> None:
    for words in (
        "we will take further steps",
        "werden wir weitere Schritte einleiten",
        "d'autres démarches de recouvrement",
        "otras acciones de cobro",
        "Mise en demeure avant poursuites",
    ):
        assert "legal_threat" not in kinds(GOOD + "\n" + words + "\n"), words


def test_discounts_only_as_the_policy_offers_them() -> None:
    offer = GOOD + "\nPay within 10 days and take a 2 % discount.\n"
    offered = small_facts(discounts=(Discount(Decimal(2), 10),))
    assert kinds(offer) == {"discount_not_offered", "unknown_percentage"}
    assert kinds(offer, offered) == set()
    assert "discount_not_offered" in kinds(offer.replace("2 %", "5 %"), offered)


def test_unknown_contact_points_and_accounts_are_refused() -> None:
    facts = small_facts(
        phones=("+49 30 1234567",), emails=("ar@nordlicht.example",), urls=("https://nordlicht.example/pay",)
    )
    ok = GOOD + "\nCall 030 1234567, write to AR@nordlicht.example or pay at nordlicht.example/pay/\n"
    assert kinds(ok, facts) == set()
    assert kinds(GOOD + "\nCall +49 30 7654321\n", facts) == {"unknown_contact"}
    assert kinds(GOOD + "\nPay to GB33 BUKB 2020 1555 5555 55\n", facts) == {"unknown_account"}


def test_names_after_greetings_titles_and_closings() -> None:
    assert kinds(GOOD.replace("Dear Jane Doe", "Dear Ms Doe")) == set()
    assert kinds(GOOD.replace("Dear Jane Doe", "Dear Sir or Madam")) == set()
    assert kinds(GOOD.replace("Dear Jane Doe", "Dear John")) == {"unknown_name"}
    assert kinds(GOOD.replace("Nordlicht GmbH\n", "Max Mustermann\n")) == {"unknown_name"}
    assert kinds(GOOD + "\nFrau Schmidt will call you.\n") == {"unknown_name"}
    assert (
        kinds(
            GOOD.replace("Nordlicht GmbH\n", "Max Mustermann\n"),
            small_facts(sender_people=("Max Mustermann",)),
        )
        == set()
    )


def test_every_problem_reads_as_a_sentence_with_where_it_is() -> None:
    verdict = check_draft(GOOD.replace("€1,250.50", "€1,250.51"), small_facts())
    (amount, total) = verdict.problems
    assert amount.kind is ProblemKind.UNKNOWN_AMOUNT
    assert amount.span is not None
    assert "€1,250.51" in amount.detail
    assert amount.detail.endswith(".")
    assert total.kind is ProblemKind.MISSING_TOTAL
    assert total.span is None


def test_a_failed_draft_falls_back_to_the_template_with_the_reason_kept() -> None:
    facts = small_facts()
    kept = guarded_text(GOOD, "TEMPLATE", facts)
    refused = guarded_text(GOOD + "\nAs an AI, I made this up.\n", "TEMPLATE", facts)
    nothing = guarded_text(None, "TEMPLATE", facts)
    assert (kept.text, kept.used_template) == (GOOD, False)
    assert (refused.text, refused.used_template) == ("TEMPLATE", True)
    assert refused.verdict.kinds() == {ProblemKind.INSTRUCTION_LEAK}
    assert nothing.used_template
    assert not nothing.verdict.passed


def test_facts_from_a_document() -> None:
    doc = document(language="de-CH", plan=True)
    facts = facts_for(doc, "sms")
    assert (facts.language, facts.locale, facts.currency) == ("de", "de_CH", "EUR")
    assert facts.opt_out_text == OPT_OUT_NOTICES[("de", "sms")]
    assert not facts.items_required
    assert facts.deadline == date(2027, 3, 11)
    assert len(facts.other_dates) == 2
    assert MoneyFact(4000, "EUR") in facts.other_amounts
