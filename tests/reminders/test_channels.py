"""The channels against real peers on loopback: email through a real SMTP server (aiosmtpd), SMS
through an HTTP provider (a stdlib server), letters into a folder; their failures sorted into
temporary and permanent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from dunwell.reminders.channels import Attachment, OutboundMessage, PermanentFailure, TemporaryFailure
from dunwell.reminders.channels.email import EmailChannel, SmtpSettings, message_id
from dunwell.reminders.channels.letters import LetterFolder, letter_file_name
from dunwell.reminders.channels.sms import HttpJsonSms
from reminders.smtp_sink import free_port, smtp_sink

PDF = Attachment("statement-C1.pdf", "application/pdf", b"%PDF-1.4 test")


def _message(to: str = "ap@customer.example", **changes: object) -> OutboundMessage:
    values: dict[str, object] = {
        "key": "7:EUR:firm:2026-12",
        "channel": "email",
        "to_address": to,
        "subject": "Overdue invoices – €1,349.50",
        "body": "Dear Ms Müller,\n\nplease pay.\n",
        "language": "en",
        "attachments": (PDF,),
    }
    values.update(changes)
    return OutboundMessage(**values)  # type: ignore[arg-type]


def _smtp(port: int) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1", port=port, sender="AR <ar@supplier.example>", security="none", timeout=5
    )


def test_an_email_arrives_with_its_statement_and_a_message_id_from_its_key() -> None:
    with smtp_sink() as (sink, port):
        delivery = EmailChannel(_smtp(port)).send(_message())
    (mail,) = sink.received
    assert mail["To"] == "ap@customer.example"
    assert mail["Subject"] == "Overdue invoices – €1,349.50"
    assert (
        mail["Message-ID"] == delivery.provider_ref == message_id("7:EUR:firm:2026-12", "ar@supplier.example")
    )
    assert "Ms Müller" in mail.get_body(("plain",)).get_content()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "statement-C1.pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"


def test_a_refused_recipient_is_permanent_and_a_4xx_reply_temporary() -> None:
    with smtp_sink() as (sink, port):
        sink.refuse["gone@customer.example"] = "550 5.1.1 mailbox unavailable"
        sink.refuse["busy@customer.example"] = "451 4.3.0 try again later"
        with pytest.raises(PermanentFailure, match="550"):
            EmailChannel(_smtp(port)).send(_message("gone@customer.example"))
        with pytest.raises(TemporaryFailure, match="451"):
            EmailChannel(_smtp(port)).send(_message("busy@customer.example"))
    assert sink.received == []


def test_no_server_is_a_temporary_failure() -> None:
    with pytest.raises(TemporaryFailure):
        EmailChannel(_smtp(free_port())).send(_message())


class _Provider(BaseHTTPRequestHandler):
    answers: ClassVar[list[tuple[int, dict[str, str]]]] = []
    received: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append({**body, "auth": self.headers.get("Authorization", "")})
        status, answer = self.answers.pop(0)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Provider.answers, _Provider.received = [], []
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()


def test_an_sms_goes_to_the_provider_with_its_reference_and_failures_are_sorted(provider: str) -> None:
    sms = HttpJsonSms(url=provider, token="secret", timeout=5)
    _Provider.answers = [(200, {"id": "msg-1"}), (400, {"error": "invalid number"}), (503, {"error": "busy"})]
    text = _message(
        "+4915112345678", channel="sms", body="Supplier: €99.00 is overdue. Reply STOP to stop texts."
    )
    assert sms.send(text).provider_ref == "msg-1"
    assert _Provider.received[0] == {
        "to": "+4915112345678",
        "body": "Supplier: €99.00 is overdue. Reply STOP to stop texts.",
        "reference": "7:EUR:firm:2026-12",
        "auth": "Bearer secret",
    }
    with pytest.raises(PermanentFailure, match="400"):
        sms.send(text)
    with pytest.raises(TemporaryFailure, match="503"):
        sms.send(text)


def test_a_letter_is_one_file_named_after_its_key_and_a_second_delivery_replaces_it(tmp_path: Path) -> None:
    folder = LetterFolder(tmp_path / "print")
    address = "Hauptstr. 5\n10115 Berlin"
    first = folder.send(_message(address, channel="letter", recipient_name="Müller GmbH"))
    second = folder.send(_message(address, channel="letter", recipient_name="Müller GmbH"))
    assert first.provider_ref == second.provider_ref == letter_file_name("7:EUR:firm:2026-12")
    pdf = tmp_path / "print" / first.provider_ref
    assert sorted(p.name for p in (tmp_path / "print").iterdir()) == sorted(
        [pdf.name, pdf.with_suffix(".json").name]
    )
    assert pdf.read_bytes() == b"%PDF-1.4 test"
    envelope = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    assert envelope["address_lines"] == ["Hauptstr. 5", "10115 Berlin"]
    assert envelope["recipient"] == "Müller GmbH"
    with pytest.raises(PermanentFailure, match="needs its PDF"):
        folder.send(_message(address, channel="letter", attachments=()))
    with pytest.raises(PermanentFailure, match="postal address"):
        folder.send(_message("", channel="letter"))
