"""Copy the messages of an IMAP mailbox into a folder of ``.eml`` files, read-only and idempotent.

The folder is the replies' file contract (``dunwell replies classify DIR`` reads it), so fetching
and reading stay apart: this module only moves bytes. Each message becomes
``<uidvalidity>-<uid>.eml``: the pair names one message for the life of the mailbox (RFC 3501
2.3.1.1), so a re-run recognises what it already has without any state besides the files, and a
mailbox that was recreated (a new UIDVALIDITY) cannot overwrite older files.

Read-only on the server: the mailbox is opened with EXAMINE and bodies fetched with BODY.PEEK[],
so nothing is marked as read: a person working the same mailbox still sees the replies as new.
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import os
import re
import ssl
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# IMAP dates are English whatever the locale (strftime's %b would follow LC_TIME).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


class MailboxError(Exception):
    """A failure the user can act on; the message is one line and never holds the password."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class FetchResult:
    mailbox: str
    uidvalidity: int
    found: int
    written: int
    already_there: int
    out: str


def is_loopback(host: str) -> bool:
    """Only a server on this machine may be reached without TLS: the password crosses no network."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def imap_date(day: date) -> str:
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def message_file_name(uidvalidity: int, uid: int) -> str:
    return f"{uidvalidity}-{uid}.eml"


def _quoted(mailbox: str) -> str:
    # imaplib sends the name as given; quoting keeps names with spaces ("Customer replies") one atom.
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data: object) -> str:
    """The server's words from an imaplib error or response (bytes or str), on one line."""
    if isinstance(data, list) and data:
        data = data[0]
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    text = str(data)
    if text.startswith(("b'", 'b"')) and text[-1:] in {"'", '"'}:  # imaplib formats bytes into its errors
        text = text[2:-1]
    return " ".join(text.split()) or "no reason given"


def _connect(host: str, port: int, *, tls: bool, timeout: float) -> imaplib.IMAP4:
    where = f"{host}:{port}"
    try:
        if tls:
            return imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)
        return imaplib.IMAP4(host, port, timeout=timeout)
    except ssl.SSLError as exc:
        raise MailboxError(
            f"TLS with {where} failed ({exc.reason or exc}); is it an IMAPS port?", code="imap_tls"
        ) from None
    except TimeoutError:
        raise MailboxError(f"cannot connect to {where}: timed out", code="imap_unreachable") from None
    except OSError as exc:
        raise MailboxError(
            f"cannot connect to {where}: {exc.strerror or exc}", code="imap_unreachable"
        ) from None
    except imaplib.IMAP4.error as exc:
        raise MailboxError(
            f"{where} did not greet as an IMAP server ({_text(exc)})", code="imap_protocol"
        ) from None


def _uidvalidity(imap: imaplib.IMAP4, mailbox: str) -> int:
    _, data = imap.response("UIDVALIDITY")  # sent with EXAMINE's answer (RFC 3501 6.3.1)
    if data and data[0]:
        return int(data[0])
    status, data = imap.status(_quoted(mailbox), "(UIDVALIDITY)")
    found = _UIDVALIDITY.search(data[0] or b"") if status == "OK" and isinstance(data[0], bytes) else None
    if not found:
        raise MailboxError(f"the server gave no UIDVALIDITY for {mailbox!r}", code="imap_protocol")
    return int(found.group(1))


def _message_bytes(parts: list[object]) -> bytes | None:
    # FETCH answers mix (envelope, literal) tuples with bare bytes such as b")" or a FLAGS update:
    # only a tuple carries the message.
    for part in parts:
        if isinstance(part, tuple) and len(part) == 2 and isinstance(part[1], bytes):
            return part[1]
    return None


def write_atomically(folder: Path, name: str, content: bytes) -> None:
    """A file is either absent or complete: written under a hidden temporary name (which
    ``replies classify`` ignores, it is no ``.eml``), flushed to disk, then renamed into place."""
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, folder / name)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def fetch_to_folder(
    *,
    host: str,
    port: int,
    user: str,
    password: str,
    out: Path,
    mailbox: str = "INBOX",
    since: date | None = None,
    tls: bool = True,
    timeout: float = 30.0,
) -> FetchResult:
    """Copy every message of ``mailbox`` (received on or after ``since``) not yet in ``out``.

    Messages are written one by one as they arrive, so an interrupted run keeps what it wrote and
    the next run fetches only the rest."""
    if not tls and not is_loopback(host):
        raise MailboxError(
            f"--no-tls would send the password to {host} in clear text; it is allowed for 127.0.0.1 and "
            "localhost only",
            code="tls_required",
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MailboxError(
            f"{out}: cannot create this folder ({exc.strerror or exc})", code="bad_folder"
        ) from None
    imap = _connect(host, port, tls=tls, timeout=timeout)
    try:
        return _fetch(
            imap, user=user, password=password, out=out, mailbox=mailbox, since=since, where=f"{host}:{port}"
        )
    except imaplib.IMAP4.abort as exc:
        raise MailboxError(
            f"the connection to {host}:{port} broke ({_text(exc)})", code="imap_protocol"
        ) from None
    except TimeoutError:
        raise MailboxError(f"{host}:{port} stopped answering (timed out)", code="imap_unreachable") from None
    except OSError as exc:
        raise MailboxError(
            f"the connection to {host}:{port} failed ({exc.strerror or exc})", code="imap_unreachable"
        ) from None
    finally:
        # The answer is already decided; a failed goodbye changes nothing.
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()


def _fetch(
    imap: imaplib.IMAP4, *, user: str, password: str, out: Path, mailbox: str, since: date | None, where: str
) -> FetchResult:
    try:
        imap.login(user, password)
    except imaplib.IMAP4.error as exc:
        # The server's reason ("[AUTHENTICATIONFAILED] Authentication failed.") never echoes the password.
        raise MailboxError(f"login as {user!r} at {where} failed ({_text(exc)})", code="imap_login") from None
    try:
        status, data = imap.select(_quoted(mailbox), readonly=True)  # EXAMINE: flags stay as they are
    except imaplib.IMAP4.error as exc:
        status, data = "NO", [str(exc).encode()]
    if status != "OK":
        raise MailboxError(
            f"mailbox {mailbox!r} cannot be opened at {where} ({_text(data)})", code="imap_mailbox"
        )
    uidvalidity = _uidvalidity(imap, mailbox)
    criteria = ("SINCE", imap_date(since)) if since else ("ALL",)
    status, data = imap.uid("SEARCH", *criteria)
    if status != "OK":
        raise MailboxError(f"searching {mailbox!r} at {where} failed ({_text(data)})", code="imap_protocol")
    uids = sorted({int(uid) for uid in (data[0] or b"").split()})
    written = already_there = 0
    for uid in uids:
        name = message_file_name(uidvalidity, uid)
        if (out / name).exists():
            already_there += 1
            continue
        status, parts = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
        content = _message_bytes(list(parts)) if status == "OK" else None
        if content is None:  # expunged between SEARCH and FETCH: nothing to keep
            continue
        write_atomically(out, name, content)
        written += 1
    return FetchResult(mailbox, uidvalidity, len(uids), written, already_there, str(out))
