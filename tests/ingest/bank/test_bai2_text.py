"""Reading the payer and the remittance out of BAI2 detail text, layout by layout.

The texts are written for these tests after the layouts US banks print (Chase/JPMorgan ACH and
wire narratives, Bank of America ``DES:``/``INDN:`` lines, Wells Fargo ``WT FED#`` wires, Goldman
Sachs tagged ``88`` records, lockbox and check deposits, processors' payouts); names, numbers and
amounts are invented.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.cashapp.files import payments_of
from dunwell.ingest.bank import Direction, StatementFormat
from dunwell.ingest.bank.formats import bai2
from dunwell.ingest.bank.formats.bai2_text import DetailText, PaymentKind, read_detail_text
from dunwell.ingest.bank.formats.bai2_x12 import amount, invoice_list, remittance_items
from dunwell.ingest.bank.model import RemittanceItem
from dunwell.matching.records import RemittedItem

ACH, WIRE, CHECK, PROCESSOR, OTHER = (
    PaymentKind.ACH,
    PaymentKind.WIRE,
    PaymentKind.CHECK,
    PaymentKind.PROCESSOR,
    PaymentKind.OTHER,
)


def item(
    reference: str,
    paid: str | None = None,
    invoiced: str | None = None,
    discount: str | None = None,
    adjustment: str | None = None,
    reason: str | None = None,
) -> RemittanceItem:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return RemittanceItem(
        reference, number(paid), number(invoiced), number(discount), number(adjustment), reason
    )


def read(text: str, type_code: str = "") -> DetailText:
    return read_detail_text(text, type_code)


def said(text: str, type_code: str = "") -> tuple[str | None, str | None, str, PaymentKind]:
    found = read(text, type_code)
    return found.payer_name, found.payer_account, found.remittance, found.kind


# ACH ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # Chase: the originator pays; IND NAME is us, the receiver
            "ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:251203 CO ENTRY DESCR:PAYMENT SEC:CCD "
            "TRACE#:021000021234567 EED:251203 IND ID:INV104233 IND NAME:DUNWELL FOODS TRN: 3371234567TC",
            ("ACME CORP", "1234567890", "PAYMENT INV104233", ACH),
        ),
        (  # fixed-width fields run into the next label, blanks padded
            "ORIG CO NAME:NORTHWIND TRADERS ORIG ID:9876543210 DESC DATE: CO ENTRY DESCR:AP PAYMNT1SEC:CCD "
            "TRACE#:111000028580367 EED:251204 IND ID:V-00042 IND NAME:DUNWELL FOODS INC",
            ("NORTHWIND TRADERS", "9876543210", "AP PAYMNT1 V-00042", ACH),
        ),
        (
            "ORIG CO NAME=GLOBEX LLC ORIG ID=1470001112 CO ENTRY DESCR=VENDORPMT SEC=PPD IND ID=104233",
            ("GLOBEX LLC", "1470001112", "VENDORPMT 104233", ACH),
        ),
        (
            "COMPANY NAME: INITECH INC CO ID: 3456789012 ENTRY DESC: INV PAYMT SEC: CCD "
            "ADDENDA: INV 104233 104240 THANK YOU",
            ("INITECH INC", "3456789012", "INV PAYMT INV 104233 104240 THANK YOU", ACH),
        ),
        (
            "ORIGINATOR: UMBRELLA CORP CO ID: 1122334455 ENTRY DESC: PAYABLES PMT INFO: INV#104233",
            ("UMBRELLA CORP", "1122334455", "PAYABLES INV#104233", ACH),
        ),
        (  # Bank of America: the name before DES:, the SEC code after the company ID
            "HOOLI INC DES:VENDOR PMT ID:0000104233 INDN:DUNWELL FOODS CO ID:1941234567 CCD "
            "PMT INFO:INV 104233 MAR",
            ("HOOLI INC", "1941234567", "VENDOR PMT 0000104233 INV 104233 MAR", ACH),
        ),
    ],
)
def test_ach_layouts_name_the_originator_and_keep_the_remittance(
    text: str, expected: tuple[str, str, str, PaymentKind]
) -> None:
    assert said(text, "165") == expected


def test_the_receiver_is_never_the_payer_and_text_after_its_22_characters_is_addenda() -> None:
    payer, _account, remittance, _kind = said(
        "ORIG CO NAME:ACME CORP ORIG ID:1234567890 CO ENTRY DESCR:PAYMENT SEC:CCD "
        "IND NAME:DUNWELL FOODS DISTRIBUTION INV 104233 104240"
    )
    assert payer == "ACME CORP"
    assert "DUNWELL" not in remittance
    assert remittance == "PAYMENT DISTRIBUTION INV 104233 104240"


def test_ctx_addenda_give_items_with_decimal_amounts_and_adjustments() -> None:
    found = read(
        "ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:251203 CO ENTRY DESCR:EDI PYMNTS SEC:CTX "
        "TRACE#:021000021234567 EED:251203 IND ID:0000000042 IND NAME:0002DUNWELL FOODS "
        "ISA*00* *00* ~ST*820*0001~BPR*C*2950.00*C*ACH*CTX~TRN*1*0042*1234567890~N1*PR*ACME CORP~"
        "N1*PE*DUNWELL FOODS~ENT*1~RMR*IV*104233*PI*1500.00*1550.00*50.00~REF*PO*4500012~"
        "ADX*-50.00*01~ADX*-10*CS~RMR*IV*104240*PI*1500*1500~NTE*ZZZ*SHORT SHIP 2 CASES~SE*10*0001~ "
        "TRN: 3371234567TC",
        "164",
    )
    assert (found.payer_name, found.payer_account, found.kind) == ("ACME CORP", "1234567890", ACH)
    assert found.items == (
        item("104233", "1500.00", "1550.00", "50.00", "-60.00", "01,CS"),
        RemittanceItem("104240", Decimal("1500"), Decimal("1500")),
    )  # fmt: skip
    assert all(type(value) is Decimal for item in found.items for value in (item.paid, item.invoiced))
    # The references read, the envelope and trace left to bank_text.
    assert found.remittance == "EDI PYMNTS 0000000042 104233 4500012 104240 SHORT SHIP 2 CASES"


@pytest.mark.parametrize(
    "addenda",
    [
        r"RMR*IV*104233*PI*1500.00*1550.00*50.00\ADX*-50.00*01\RMR*IV*104240*PI*99.5\ ",
        "RMR*IV*104233*PI*1500.00*1550.00*50.00~ADX*-50.00*01~RMR*IV*104240*PI*99.5~",
        "RMR*IV*104233*PI*1500.00*1550.00*50.00*ADX*-50.00*01*RMR*IV*104240*PI*99.5",  # no terminators
        "RMR*IV*104233*PI*1500.00*1550.00*50.00 ADX*-50.00*01 RMR*IV*104240*PI*99.5",  # 88s joined by a blank
    ],
)
def test_x12_segments_are_found_whatever_ends_them(addenda: str) -> None:
    assert remittance_items(addenda) == (
        item("104233", "1500.00", "1550.00", "50.00", "-50.00", "01"),
        RemittanceItem("104240", Decimal("99.5")),
    )  # fmt: skip


def test_x12_amounts_read_as_sent_or_not_at_all() -> None:
    assert [amount(v) for v in ("1500", "-50.00", "50.00-", "1,500.00", ".5", "", "N/A", "1.2.3")] == [
        *(Decimal(v) for v in ("1500", "-50.00", "-50.00", "1500.00", ".5")), None, None, None,
    ]  # fmt: skip
    # An RMR whose amounts are blank or garbled keeps its reference; an ADX adjusts the RMR before
    # it (its ADX04 names the credit memo, not another item); before any RMR it is an item of its own.
    assert remittance_items("RMR*IV*A-77**X1~ADX*-5.00*CM*CM*A-78~") == (
        RemittanceItem("A-77", adjustment=Decimal("-5.00"), adjustment_reason="CM"),
    )
    assert remittance_items("ADX*-5.00*CM*CM*A-78~RMR*IV*A-77**X1~") == (
        RemittanceItem("A-78", adjustment=Decimal("-5.00"), adjustment_reason="CM"),
        RemittanceItem("A-77"),
    )


def test_chase_prints_ctx_addenda_straight_after_the_receiver_name() -> None:
    found = read(
        "ORIG CO NAME:ROADRUNNER SUPPLY ORIG ID:8263863381 DESC DATE: CO ENTRY DESCR:J1996 OOFFSEC:CCD "
        r"TRACE#:111000028580367 EED:251205 IND ID:CZ10000584DAC IND NAME:DUNWELL FOODS INC. "
        r"TRN*1*CZ1000\RMR*IV*104233**812.40\ TRN: 3398580367TC"
    )
    assert (found.payer_name, found.payer_account) == ("ROADRUNNER SUPPLY", "8263863381")
    assert found.items == (RemittanceItem("104233", paid=Decimal("812.40")),)  # RMR03 (action) blank
    assert found.remittance == "J1996 OOFF CZ10000584DAC 104233"


# Wires ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # Fedwire: B/O is the payer, its address cut; BNF is us; RFB and OBI are its references
            "FEDWIRE CREDIT VIA: BANK OF THE WEST/121100782 B/O: ACME CORP 123 MAIN ST SPRINGFIELD IL 62701 "
            "REF: CHASE NYC/CTR/BNF=DUNWELL FOODS INC CHICAGO IL 60601-1234 US/AC-000000005231 "
            "RFB=O/B BK OF WEST OBI=INV 104233 104240 IMAD: 1203B1QGC01C000123 TRN: 0123456789FF",
            ("ACME CORP", None, "INV 104233 104240", WIRE),
        ),
        (  # the name runs to its legal form; a masked zip code ends it too
            "FEDWIRE CREDIT VIA: FIRST STATE BANK/111900659 B/O: ROLLA BOYS, L.L.C. CENTENNIAL CO 80122-1522 "
            "REF: CHASE NYC/CTR/BNF=DUNWELL FOODS INC RFB=#108 OBI=INVOICE 108 IMAD: 0411QMGFT006001518",
            ("ROLLA BOYS, L.L.C.", None, "#108 INVOICE 108", WIRE),
        ),
        (
            "FEDWIRE CREDIT VIA: PLAINS CAPITAL BANK/XXXXX1122 B/O: PRAIRIE HOUSE FORT WORTH, TX XXXXX4071 "
            "REF: CHASE NYC/CTR/BNF=DUNWELL FOODS INC IMAD: 0805MMQFMPXXXX0012",
            ("PRAIRIE HOUSE FORT WORTH", None, "", WIRE),
        ),
        (  # CHIPS: ORG= carries the ordering customer's account; NBNF= is us
            "CHIPS CREDIT VIA: BANK OF AMERICA, N.A./0959 B/O: GLOBEX LLC LATHROP, CA, 95330 US "
            "REF: NBNF=DUNWELL FOODS INC CHICAGO IL 60601 US/AC-000000005231 ORG=/4471902235 GLOBEX LLC "
            "OGB=BANK OF AMERICA, N.A. NEW YORK NY US OBI=INVOICE 106 BBI=/CHGS/USD0,/ SSN: 0454183",
            ("GLOBEX LLC", "4471902235", "INVOICE 106", WIRE),
        ),
        (  # a book transfer whose B/O is a bank: the originator is in ORG
            "BOOK TRANSFER CREDIT B/O: NATIONAL WESTMINSTER BANK PLC LONDON GB ORG: /GB29NWBK60161331926819 "
            "SIRIUS CYBERNETICS LTD REF: INV 104233/OCMT/USD25850,/ TRN: 3032100207JO",
            ("SIRIUS CYBERNETICS LTD", "GB29NWBK60161331926819", "INV 104233/OCMT/USD25850", WIRE),
        ),
        (  # Wells Fargo
            "WT FED#06710 JPMORGAN CHASE BAN /ORG=STARK INDUSTRIES SRF# D1020140041101 TRN#251203020140 "
            "RFB# 104233",
            ("STARK INDUSTRIES", None, "104233", WIRE),
        ),
        (  # SWIFT-style ordering customer: /account 1/name 2/address 3/country/town
            "YOUR REF=WIRE_7741,REC FROM=COLUMN NATIONAL ASSOCIATION SAN FRANCISCO CA US,"
            "FED ID=121145349,B/O CUSTOMER=/868890190533595 1/WAYNE ENTERPRISES, LLC "
            "2/336 E UNIVERSITY PKWY 3/US/OREM,84058,UT,B/O BANK=ABA/121145349 COLUMN NATIONAL "
            "ASSOCIATION,REMARK=/URI/INV 104233 104240,REC GFP=10150420",
            ("WAYNE ENTERPRISES, LLC", "868890190533595", "WIRE_7741 INV 104233 104240", WIRE),
        ),
        (
            "INCOMING WIRE BY ORDER OF: OCEANIC AIRLINES INC 1 AIRPORT WAY HONOLULU HI 96819 "
            "DETAILS: PAYMENT INV 104233",
            ("OCEANIC AIRLINES INC", None, "PAYMENT INV 104233", WIRE),
        ),
        (  # JPMorgan: ORIG with its account in the ID after it; the sending bank's ID is not remittance
            "WIRE TYPE:WIRE IN DATE:251203 TIME:0842 ET TRN:2025120300123456 SEQ:123456/000123 "
            "ORIG:MONARCH FOODS INC ID:123456789 SND BK:JPMORGAN CHASE BANK, N.A. ID:021000021 "
            "PMT DET:INV 104233 104240",
            ("MONARCH FOODS INC", "123456789", "INV 104233 104240", WIRE),
        ),
        (
            "WIRE TRANSFER CREDIT VISA INTERNATIONAL 900 METRO CENTER BLVD FOSTER CITY CA 94404",
            ("VISA INTERNATIONAL", None, "900 METRO CENTER BLVD FOSTER CITY CA 94404", WIRE),
        ),
    ],
)
def test_wire_layouts_name_the_ordering_customer_never_the_beneficiary(
    text: str, expected: tuple[str, str | None, str, PaymentKind]
) -> None:
    assert said(text, "195") == expected


def test_goldman_style_tags_give_the_debtor_and_its_account() -> None:
    assert said(
        'Incoming Wire,From: TYRELL CORP, Remittance Info: "INV 104233", Client Ref ID: 20251203J1Q5, '
        "GS ID: GI2323300007089 CREF: 20251203J1Q5 REMI: INV 104233 EREF: 20251203J1Q5 CRNM: DUNWELL FOODS "
        "DBNM: TYRELL CORP DACT: 000001000600427 DABA: 021000021",
        "195",
    ) == ("TYRELL CORP", "021000021/000001000600427", "INV 104233", WIRE)
    assert said("RTP Incoming,- EREF: X1 DBNM: SOYLENT CO DACT: 55512", "195")[:2] == ("SOYLENT CO", "55512")


# Lockbox and checks ---------------------------------------------------------------------------


def test_a_check_with_remitter_account_and_invoice_list() -> None:
    found = read(
        "CHECK NO 1234 REMITTER ACME CORP ACCT 123456789 INV 104233 1,500.00 INV 104240 2,000.00", "115"
    )
    assert (found.payer_name, found.payer_account, found.kind) == ("ACME CORP", "123456789", CHECK)
    assert found.remittance == "INV 104233 1,500.00 INV 104240 2,000.00"
    assert found.items == (
        RemittanceItem("104233", paid=Decimal("1500.00")),
        RemittanceItem("104240", paid=Decimal("2000.00")),
    )


def test_a_lockbox_item_with_micr_line_and_labels() -> None:
    found = read(
        "LOCKBOX 68751 DEPOSIT REMITTER: INITECH INC 500 OAK AVE AUSTIN TX 78701 CHK#: 5512 "
        "MICR: 021000021 000123456789 5512 INVOICES 104233, 104240 $812.40",
        "116",
    )
    assert (found.payer_name, found.payer_account, found.kind) == (
        "INITECH INC",
        "021000021/000123456789",
        CHECK,
    )
    assert found.items == (RemittanceItem("104233"), RemittanceItem("104240", paid=Decimal("812.40")))
    assert found.remittance.endswith("INVOICES 104233, 104240 $812.40")


def test_lockbox_and_remote_deposit_totals_name_no_payer() -> None:
    assert said("LOCKBOX DEPOSIT", "115") == (None, None, "LOCKBOX DEPOSIT", CHECK)
    assert said("REMOTE DEPOSIT 3 ITEMS", "175") == (None, None, "REMOTE DEPOSIT 3 ITEMS", CHECK)


def test_invoice_lists_need_a_digit_in_each_reference() -> None:
    assert invoice_list("INVOICE PAYMENT THANK YOU") == ()
    assert invoice_list("INV#A-17 99.00 INV NO. 18") == (
        RemittanceItem("A-17", paid=Decimal("99.00")),
        RemittanceItem("18"),
    )


# Processors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a card payout: the processor is not the customer, the payout id is the remittance
            "ORIG CO NAME:STRIPE ORIG ID:1800948598 DESC DATE:251203 CO ENTRY DESCR:TRANSFER SEC:CCD "
            "TRACE#:091000019876543 EED:251203 IND ID:ST-K2J4H6G8 IND NAME:DUNWELL FOODS",
            (None, None, "TRANSFER ST-K2J4H6G8", PROCESSOR),
        ),
        ("PAYPAL TRANSFER PPD 1XY23456Z", (None, None, "PAYPAL TRANSFER PPD 1XY23456Z", PROCESSOR)),
        ("AMEX SETTLEMENT 4012345678", (None, None, "AMEX SETTLEMENT 4012345678", PROCESSOR)),
        (  # Bill.com pays for a customer it names in the payment info; IND NAME is still us
            "BILL.COM DES:PAYABLES ID:015ZHQBGTWPK38C INDN:DUNWELL FOODS CO ID:1800948598 CCD "
            "PMT INFO:Acme Corp Bill.com 015ZHQBGTWPK38C Inv #104233",
            (
                "Acme Corp",
                None,
                "PAYABLES 015ZHQBGTWPK38C Acme Corp Bill.com 015ZHQBGTWPK38C Inv #104233",
                PROCESSOR,
            ),
        ),
        (  # a payables network's CTX names the payer in N1*PR
            "ORIG CO NAME:AVIDXCHANGE INC ORIG ID:1562023111 CO ENTRY DESCR:AVIDPAY SEC:CTX "
            "IND NAME:DUNWELL FOODS N1*PR*MEGADODO PUBLICATIONS~RMR*IV*104233*PI*640.00~",
            ("MEGADODO PUBLICATIONS", None, "AVIDPAY 104233", PROCESSOR),
        ),
        (  # without addenda naming one, the customer stays unknown
            "ORIG CO NAME:BILL.COM ORIG ID:1800948598 CO ENTRY DESCR:PAYABLES SEC:CCD IND NAME:ACME CORP",
            (None, None, "PAYABLES", PROCESSOR),
        ),
    ],
)
def test_processors_are_not_the_payer(
    text: str, expected: tuple[str | None, str | None, str, PaymentKind]
) -> None:
    assert said(text, "142") == expected


# Unknown text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_code", "kind"),
    [
        ("ACME CORP  INV 1001, INV 1002", "195", WIRE),
        ("SOME PAYMENT ACH OFFSET", "142", ACH),
        ("Fees,Fees For Account: XXXXXXXX-0186", "698", OTHER),
        ("", "", OTHER),
        ("REF: 42 FROM: SOMEONE", "399", OTHER),  # weak labels alone are no layout
    ],
)
def test_unknown_text_is_left_whole_without_a_payer(text: str, type_code: str, kind: PaymentKind) -> None:
    assert said(text, type_code) == (None, None, text, kind)


LABEL_WORDS = ["ORIG CO NAME:", "ORIG ID:", "IND NAME:", "B/O:", "ORG=", "OBI=", "BNF=", "REMITTER",
               "CHK#", "MICR", "ACCT", "DES:", "INDN:", "CO ID:", "PMT INFO:", "RMR*", "ADX*", "N1*PR*", "*",
               "~", "\\", "/", "1/", "2/", "INV", "1,500.00", "-5", "ACME", "CORP", "INC", "TX", "75001",
               "STRIPE", ":", "="]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.lists(st.sampled_from(LABEL_WORDS), max_size=40).map(" ".join))
def test_the_reader_never_raises_and_keeps_amounts_decimal(text: str) -> None:
    found = read_detail_text(text, "195")
    assert isinstance(found.remittance, str)
    assert found.kind in PaymentKind
    for item in found.items:
        for value in (item.paid, item.invoiced, item.discount, item.adjustment):
            assert value is None or isinstance(value, Decimal)


# Through the BAI2 reader to the matcher -------------------------------------------------------


def test_a_bai2_file_carries_payer_remittance_and_items_to_the_matcher(tmp_path: Path) -> None:
    path = tmp_path / "statement.bai2"
    path.write_text(
        "\n".join(
            [
                "01,CHASE,DUNWELL,251203,0100,1,,,2/",
                "02,DUNWELL,CHASE,1,251203,2359,USD,2/",
                "03,123456789,USD,010,100000,,,015,505000,,/",
                "16,165,155000,Z,BR-1,,ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:251203 CO",
                "88,ENTRY DESCR:PAYMENT SEC:CTX TRACE#:021000021234567 EED:251203 IND ID:INV104233",
                "88,IND NAME:DUNWELL FOODS",
                "88,RMR*IV*104233*PI*1500.00*1550.00*50.00~ADX*-50.00*01~RMR*IV*104240*PI*50.00~",
                "16,195,250000,Z,BR-2,,FEDWIRE CREDIT VIA: BANK OF THE WEST/121100782 B/O: GLOBEX LLC",
                "88,1 MAIN ST SPRINGFIELD, IL 62701 REF: CHASE NYC/CTR/BNF=DUNWELL FOODS INC",
                "88,RFB=PO 7781 OBI=INV 104250 IMAD: 1203B1QGC01C000123 TRN: 0123456789FF",
                "49,1010000,9/",
                "98,1010000,1,11/",
                "99,1010000,1,13/",
            ]
        )
        + "\n",
        encoding="ascii",
    )
    parsed = bai2.read(path)
    assert parsed.format is StatementFormat.BAI2
    assert parsed.problems == ()
    ach, wire = parsed.transactions
    assert (ach.payer_name, ach.payer_account) == ("ACME CORP", "1234567890")
    assert ach.direction is Direction.CREDIT
    assert ach.remittance == "PAYMENT INV104233 104233 104240"
    assert ach.bank_text.startswith(
        "ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:251203 CO ENTRY DESCR:"
    )
    assert ach.bank_text.endswith("RMR*IV*104240*PI*50.00~")
    assert ach.remittance_items == (
        item("104233", "1500.00", "1550.00", "50.00", "-50.00", "01"),
        RemittanceItem("104240", Decimal("50.00")),
    )  # fmt: skip
    assert (wire.payer_name, wire.payer_account, wire.remittance) == (
        "GLOBEX LLC",
        None,
        "PO 7781 INV 104250",
    )
    assert "IMAD: 1203B1QGC01C000123" in wire.bank_text

    first, second = payments_of(parsed, path)
    assert (first.payment_ref, first.amount_minor, first.payer_name) == ("BR-1", 155000, "ACME CORP")
    assert first.remittance_items == (
        RemittedItem("104233", 150000, 155000, 5000, -5000, "01"),
        RemittedItem("104240", 5000, None, None, None, None),
    )
    assert second.remittance_items == ()


def test_a_debit_keeps_its_remittance_but_names_no_payer(tmp_path: Path) -> None:
    path = tmp_path / "debit.bai2"
    text = "ORIG CO NAME:ACME CORP ORIG ID:1234567890 CO ENTRY DESCR:REFUND SEC:CCD IND ID:CM-88"
    path.write_text(
        f"01,B,C,251203,0100,1,,,2/\n02,C,B,1,251203,2359,USD,2/\n03,1,USD,/\n16,455,700,Z,BR-9,,{text}\n"
        "49,700,3/\n98,700,1,5/\n99,700,1,7/\n",
        encoding="ascii",
    )
    (entry,) = bai2.read(path).transactions
    assert (entry.direction, entry.payer_name, entry.remittance, entry.bank_text) == (
        Direction.DEBIT, None, "REFUND CM-88", text,
    )  # fmt: skip
