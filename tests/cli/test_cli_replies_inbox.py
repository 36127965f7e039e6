"""`dunwell replies ingest|list|accept|reject` over a migrated SQLite book: a folder goes in (a bad
file reported, exit code 3, the rest stored), a stop is applied at once, a promise is accepted once,
a thank-you rejected with its reason; every command's JSON is what its help says."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from dunwell.orm import PromiseToPay
from inbox.inbox_book import eml, make_book

REPLY_KEYS = {
    "id", "message_id", "file", "sender", "subject", "sent_at", "received_at", "customer_id",
    "reminder_id", "contact_id", "linked_by", "intent", "confidence", "evidence", "promise_date",
    "promise_amount", "currency", "dispute_category", "invoice_refs", "return_date", "new_contact",
    "state", "attention", "decided_by", "decided_at", "decision_note", "outcome",
}  # fmt: skip
FILE_KEYS = {
    "file",
    "status",
    "reply_id",
    "message_id",
    "intent",
    "state",
    "linked_by",
    "customer_id",
    "reason",
}


def _book(url: str) -> int:
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        customer_id = make_book(session).customer.id
    engine.dispose()
    return customer_id


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "7-1.eml").write_bytes(
        eml("We will pay INV-7001 next Friday, 1,250.50 EUR.", message_id="<p@c>")
    )
    (folder / "7-2.eml").write_bytes(eml("Please unsubscribe me.", message_id="<s@c>"))
    (folder / "7-3.eml").write_bytes(eml("Thanks for your message.", message_id="<t@c>"))
    (folder / "7-4.eml").write_bytes(b"\x00\x01 not a message")
    return folder


def test_a_folder_is_ingested_listed_accepted_and_rejected(cli, sqlite_url, tmp_path: Path) -> None:
    assert cli("db", "upgrade").exit_code == 0
    customer_id = _book(sqlite_url)
    folder = _folder(tmp_path)

    ingested = cli("replies", "ingest", folder, "--by", "ana", "--json")
    assert ingested.exit_code == 3, ingested.output  # one bad file; the others are stored
    report = json.loads(ingested.stdout)
    assert {k: report[k] for k in ("stored", "already_stored", "unreadable", "applied_at_once")} == {
        "stored": 3, "already_stored": 0, "unreadable": 1, "applied_at_once": 1,
    }  # fmt: skip
    assert [(f["file"], f["status"]) for f in report["files"]] == [
        ("7-1.eml", "stored"), ("7-2.eml", "stored"), ("7-3.eml", "stored"), ("7-4.eml", "unreadable"),
    ]  # fmt: skip
    assert set(report["files"][0]) == FILE_KEYS
    again = json.loads(cli("replies", "ingest", folder, "--by", "ana", "--json").stdout)
    assert (again["stored"], again["already_stored"]) == (0, 3)

    listed = json.loads(cli("replies", "list", "--json").stdout)
    assert listed["count"] == 3
    assert set(listed["replies"][0]) == REPLY_KEYS
    by_intent = {r["intent"]: r for r in listed["replies"]}
    assert by_intent["unsubscribe"]["state"] == "applied_at_once"
    promise = by_intent["promise_to_pay"]
    assert (promise["customer_id"], promise["linked_by"], promise["promise_amount"], promise["currency"]) == (
        customer_id, "sender", "1250.50", "EUR",
    )  # fmt: skip

    accepted = cli("replies", "accept", promise["id"], "--by", "bo", "--json")
    assert accepted.exit_code == 0, accepted.output
    shown = json.loads(accepted.stdout)
    assert (shown["state"], shown["decided_by"]) == ("accepted", "bo")
    engine = create_engine(sqlite_url)
    with Session(engine) as session:
        assert session.scalars(select(PromiseToPay.id)).all() == [shown["outcome"]["promise_id"]]
    engine.dispose()

    twice = cli("replies", "accept", promise["id"], "--by", "bo", "--json")
    assert twice.exit_code == 5
    assert json.loads(twice.stdout)["error"]["code"] == "reply_decided"

    thanks = by_intent["other"]["id"]
    rejected = json.loads(
        cli("replies", "reject", thanks, "--reason", "a thank-you", "--by", "bo", "--json").stdout
    )
    assert (rejected["state"], rejected["decision_note"]) == ("rejected", "a thank-you")
    assert json.loads(cli("replies", "list", "--state", "suggested", "--json").stdout)["count"] == 0

    bad_state = cli("replies", "list", "--state", "maybe", "--json")
    assert bad_state.exit_code == 2
    assert "state must be one of" in json.loads(bad_state.stdout)["error"]["message"]


def test_accepting_an_unlinked_reply_says_to_give_the_customer(cli, sqlite_url, tmp_path: Path) -> None:
    assert cli("db", "upgrade").exit_code == 0
    customer_id = _book(sqlite_url)
    message = tmp_path / "x.eml"
    message.write_bytes(eml("We will pay next Friday, 300.00 EUR.", sender="cfo@client.example"))
    stored = json.loads(cli("replies", "ingest", message, "--by", "ana", "--json").stdout)
    reply_id = stored["files"][0]["reply_id"]

    refused = cli("replies", "accept", reply_id, "--by", "bo")
    linked = cli(
        "replies",
        "accept",
        reply_id,
        "--customer",
        customer_id,
        "--date",
        "2027-03-19",
        "--by",
        "bo",
        "--json",
    )

    assert refused.exit_code == 2
    assert "--customer ID" in refused.stderr
    assert linked.exit_code == 0, linked.output
    shown = json.loads(linked.stdout)
    assert (shown["linked_by"], shown["customer_id"], shown["outcome"]["promised_date"]) == (
        "by_hand", customer_id, "2027-03-19",
    )  # fmt: skip
