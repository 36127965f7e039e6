"""Customer master imports end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dunwell.core.collections import UserRole
from dunwell.core.documents import GroupDimension
from dunwell.ingest import ImportKind
from dunwell.orm import Customer, LegalEntity, User
from dunwell.reporting.service import metrics_as_of

CUSTOMERS = ImportKind.CUSTOMERS
AS_OF = date(2024, 3, 1)
HEADER = "customer_id,name,entity,country,currency,time_zone,terms,credit_limit,segment,owner"

MASTER = f"""
{HEADER}
C1,Acme Corp,,US,USD,America/New_York,NET30,10000.00,enterprise,ann
C2,Beta GmbH,DE01,DE,EUR,Europe/Berlin,NET14,,smb,bob
C3,Gamma Ltd,,GB,,,,,,
"""


def customers_by_key(book) -> dict[tuple[str, str], Customer]:
    codes = {e.id: e.code for e in book.all(LegalEntity)}
    return {(codes[c.entity_id], c.external_id): c for c in book.all(Customer)}


def test_customers_load_with_owners_as_collectors(write_csv, do_import, book) -> None:
    report = do_import(CUSTOMERS, write_csv(MASTER), as_of=AS_OF)

    assert report.to_dict() == {
        "read": 3,
        "imported": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "reject_file": None,
    }
    users = {u.id: u for u in book.all(User)}
    assert sorted((u.login, u.role) for u in users.values()) == [
        ("ann", UserRole.COLLECTOR),
        ("bob", UserRole.COLLECTOR),
    ]
    customers = customers_by_key(book)
    acme = customers[("MAIN", "C1")]
    assert (acme.name, acme.country, acme.currency, acme.time_zone, acme.terms, acme.segment) == (
        "Acme Corp",
        "US",
        "USD",
        "America/New_York",
        "NET30",
        "enterprise",
    )
    assert (acme.credit_limit_minor, acme.credit_limit_currency) == (1000000, "USD")
    assert users[acme.owner_id].login == "ann"
    beta = customers[("DE01", "C2")]
    assert (beta.credit_limit_minor, users[beta.owner_id].login) == (None, "bob")
    gamma = customers[("MAIN", "C3")]
    assert (gamma.owner_id, gamma.currency, gamma.segment) == (None, None, None)


def test_reimport_is_idempotent_and_a_changed_row_updates_by_natural_key(write_csv, do_import, book) -> None:
    do_import(CUSTOMERS, write_csv(MASTER), as_of=AS_OF)
    before = book.snapshot()

    again = do_import(CUSTOMERS, write_csv(MASTER), as_of=AS_OF)

    assert (again.read, again.imported, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert book.snapshot() == before

    changed = f"""
    {HEADER}
    C1,Acme Corporation,,US,USD,America/New_York,NET45,25000.00,enterprise,carol
    C2,Beta GmbH,DE01,DE,EUR,Europe/Berlin,NET14,,smb,bob
    C3,Gamma Ltd,,GB,,,,,,
    C4,Delta SA,,FR,EUR,,,,smb,ann
    """
    report = do_import(CUSTOMERS, write_csv(changed, name="v2.csv"), as_of=AS_OF)

    assert (report.read, report.imported, report.updated, report.unchanged) == (4, 1, 1, 2)
    customers = customers_by_key(book)
    assert len(customers) == 4
    acme = customers[("MAIN", "C1")]
    assert acme.id == before["customers"][0][0]  # the same row, updated in place
    assert (acme.name, acme.terms, acme.credit_limit_minor) == ("Acme Corporation", "NET45", 2500000)
    logins = {u.id: u.login for u in book.all(User)}
    assert logins[acme.owner_id] == "carol"  # a new owner becomes a collector on first mention
    assert sorted(logins.values()) == ["ann", "bob", "carol"]
    assert logins[customers[("MAIN", "C4")].owner_id] == "ann"


def test_a_customer_created_by_an_invoice_import_is_completed_not_duplicated(
    write_csv, do_import, book
) -> None:
    invoices = write_csv(
        """
        invoice_id,customer_id,issue_date,due_date,currency,amount
        I-1,C1,2024-01-01,2024-01-31,USD,100.00
        I-2,C3,2024-01-01,2024-01-31,USD,50.00
        """,
        name="invoices.csv",
    )
    do_import(ImportKind.INVOICES, invoices, as_of=AS_OF)
    assert [c.name for c in book.all(Customer)] == ["C1", "C3"]

    report = do_import(CUSTOMERS, write_csv(MASTER), as_of=AS_OF)

    assert (report.imported, report.updated) == (1, 2)  # C2 is new (and in DE01)
    customers = customers_by_key(book)
    assert len(customers) == 3
    assert customers[("MAIN", "C1")].name == "Acme Corp"
    # The book can now be read by collector: ann owns C1, C3 has no owner.
    with book.sessions() as session:
        report = metrics_as_of(session, as_of=date(2024, 1, 15), by=GroupDimension.COLLECTOR)
    assert {k: m.total_ar for k, m in report.groups.items()} == {
        "(none)": Decimal("50.00"),
        "ann": Decimal("100.00"),
    }


def test_bad_customer_rows_are_rejected_with_line_field_and_reason(
    write_csv, do_import, book, read_rejects
) -> None:
    path = write_csv(
        f"""
        {HEADER}
        C1,Acme Corp,,US,USD,,,1000.00,,
        C2,,,US,USD,,,,,
        C3,Gamma,,USA,USD,,,,,
        C4,Delta,,US,USD,Mars/Olympus,,,,
        C5,Eps,,US,USD,,,-1.00,,
        C1,Acme again,,US,USD,,,,,
        C7,Zeta,NEW1,US,,,,500.00,,zed
        C8,Eta,,US,USD,,,12.345,,
        C9,Theta,,US,QQQ,,,,,
        """
    )

    report = do_import(CUSTOMERS, path, as_of=AS_OF)

    assert (report.read, report.imported, report.rejected) == (9, 1, 8)
    rejects = read_rejects(report.reject_file)
    got = [(r["line"], r["field"], r["customer_id"], r["name"]) for r in rejects]
    assert got == [
        ("3", "name", "C2", ""),
        ("4", "country", "C3", "Gamma"),
        ("5", "time_zone", "C4", "Delta"),
        ("6", "credit_limit", "C5", "Eps"),
        ("7", "customer_id", "C1", "Acme again"),
        # Found by the database step, after the file was parsed, yet in line order with its text.
        ("8", "currency", "C7", "Zeta"),
        ("9", "credit_limit", "C8", "Eta"),
        ("10", "currency", "C9", "Theta"),
    ]
    reasons = {r["line"]: r["reason"] for r in rejects}
    assert "missing required field" in reasons["3"]
    assert "credit limit -1.00 is negative" in reasons["6"]
    assert "duplicate customer_id 'C1' (entity MAIN): first on line 2" in reasons["7"]
    assert "more decimals than USD allows" in reasons["9"]
    assert "a credit limit needs the customer's currency" in reasons["8"]
    assert [c.external_id for c in book.all(Customer)] == ["C1"]
    # A rejected row creates nothing: not its entity, not its owner.
    assert [e.code for e in book.all(LegalEntity)] == ["MAIN"]
    assert book.all(User) == []


def test_a_group_company_is_named_by_its_customer_id_in_any_order(
    write_csv, do_import, book, read_rejects
) -> None:
    path = write_csv(
        f"""
        {HEADER},parent_id
        C2,Acme Retail,,US,USD,,,,,,C1
        C1,Acme Holdings,,US,USD,,,,,,
        C3,Loop Ltd,,US,USD,,,,,,C3
        """
    )

    report = do_import(CUSTOMERS, path, as_of=AS_OF)

    assert (report.imported, report.rejected) == (2, 1)
    customers = customers_by_key(book)
    assert customers[("MAIN", "C2")].parent_external_id == "C1"  # the parent comes later in the file
    assert customers[("MAIN", "C1")].parent_external_id is None
    (reject,) = read_rejects(report.reject_file)
    assert (reject["line"], reject["field"]) == ("4", "parent_id")
    assert "cannot be its own parent" in reject["reason"]


def test_a_billing_address_becomes_the_lines_a_letter_shows_in_the_countrys_order(
    write_csv, do_import, book
) -> None:
    text = (
        "customer_id,name,country,address_line1,address_line2,postal_code,city,region\n"
        "A1,Acme,US,1 Main Street,Suite 200,62701,Springfield,IL\n"
        "B1,Beta,DE,Hauptstraße 5,,10115,Berlin,\n"
        "G1,Gamma,GB,10 High Street,,LS1 4AP,Leeds,\n"
        "N1,Nowhere,US,,,,Springfield,IL\n"
    )
    report = do_import(CUSTOMERS, write_csv(text), as_of=AS_OF)
    assert report.rejected == 0
    found = {key[1]: c.postal_address for key, c in customers_by_key(book).items()}
    assert found == {
        "A1": "1 Main Street\nSuite 200\nSpringfield, IL 62701",
        "B1": "Hauptstraße 5\n10115 Berlin",
        "G1": "10 High Street\nLeeds\nLS1 4AP",
        "N1": None,  # no street line: no letter can be delivered
    }
    moved = text.replace("Suite 200", "Suite 300")
    assert do_import(CUSTOMERS, write_csv(moved), as_of=AS_OF).updated == 1  # the address is part of the row
