"""An ``.eml``'s bytes as the few things the reader needs: ids, date, sender, subject and the text
the customer wrote (``text/plain`` first, else the HTML turned into text without its quoted part).

Parsing never raises on a malformed message: a broken header is empty, an unknown charset is read
as UTF-8 with replacement, so one bad file cannot stop a folder."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from html.parser import HTMLParser


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    message_id: str | None
    sent: datetime | None
    sender: str | None
    subject: str
    in_reply_to: str | None
    body: str
    #: True when the body came from HTML (no text/plain part).
    from_html: bool = False
    #: The References header's Message-IDs, oldest first: a client that drops In-Reply-To still
    #: names the thread here.
    references: tuple[str, ...] = ()


class NotAnEmail(ValueError):
    """The bytes hold no header block a mail reader would accept."""


def parse_message(raw: bytes) -> ParsedMessage:
    """The message in ``raw`` (an RFC 5322 message, as an ``.eml`` file holds it)."""
    if not raw.strip() or not re.match(rb"^[\x21-\x39\x3b-\x7e]+:", raw.lstrip()):
        raise NotAnEmail("no e-mail headers found")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body, from_html = _body(message)
    return ParsedMessage(
        message_id=_header(message, "Message-ID"),
        sent=_date(_header(message, "Date")),
        sender=parseaddr(_header(message, "From") or "")[1] or None,
        subject=_header(message, "Subject") or "",
        in_reply_to=_header(message, "In-Reply-To"),
        body=body,
        from_html=from_html,
        references=tuple(_MESSAGE_IDS.findall(_header(message, "References") or "")),
    )


#: A Message-ID inside a header: ``<local@domain>``.
_MESSAGE_IDS = re.compile(r"<[^<>\s]+>")


def _header(message: Message, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # the default policy raises on some broken headers
        return None
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError):
        return None


def _body(message: Message) -> tuple[str, bool]:
    plain = html = None
    parts = message.walk() if message.is_multipart() else iter([message])
    for part in parts:
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _decoded(part)
        elif kind == "text/html" and html is None:
            html = _decoded(part)
    if plain is not None and plain.strip():
        return _normalised(plain), False
    if html is not None:
        return _normalised(html_to_text(html)), True
    return "", False


def _decoded(part: Message) -> str:
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
            if isinstance(content, str):
                return content
        except (LookupError, ValueError, AssertionError):
            pass  # an unknown charset name: fall through to the bytes
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")


#: Elements whose content is quoted history in the mail clients' HTML (Gmail, Apple Mail, Thunderbird).
_QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote")
_BLOCK_TAGS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip_depth = 0  # inside <blockquote>, <style>, <script> or a quote <div>: kept out
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.pieces.append("\n")
        if tag in {"br", "hr", "img", "meta", "link", "input"}:
            return  # void elements never close
        classes = " ".join(v or "" for k, v in attrs if k in {"class", "id"})
        skips = tag in {"blockquote", "style", "script", "head", "title"} or any(
            c in classes for c in _QUOTE_CLASSES
        )
        self._stack.append(skips)
        self._skip_depth += skips

    def handle_endtag(self, tag: str) -> None:
        if tag in {"br", "hr", "img", "meta", "link", "input"}:
            return
        if self._stack:
            self._skip_depth -= self._stack.pop()
        if tag in _BLOCK_TAGS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip_depth == 0:
            self.pieces.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML body, one line per block, without quoted (``blockquote``) parts."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = "".join(collector.pieces)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
