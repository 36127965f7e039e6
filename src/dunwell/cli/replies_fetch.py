"""`dunwell replies fetch`: copy an IMAP mailbox's messages into a folder of ``.eml`` files, which
`dunwell replies classify DIR` then reads. The IMAP work is in ``dunwell.kit.imap_mailbox``; this
is the edge: options, the password from the environment (never an option, so it stays out of shell
history and process listings), and one clear line when something fails."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, fail, parse_day, print_json
from dunwell.kit.imap_mailbox import FetchResult, MailboxError, fetch_to_folder

DEFAULT_PASSWORD_ENV = "DUNWELL_IMAP_PASSWORD"
#: Exit codes by failure: a refused option is a usage error; an unreachable or refusing server 1.
_EXIT_BY_CODE = {"tls_required": 2, "bad_folder": 2, "imap_mailbox": 4}


def fetch_command(
    host: Annotated[str, typer.Option("--host", help="The IMAP server.")],
    user: Annotated[str, typer.Option("--user", help="The mailbox's login name.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder the .eml files are written to (created if missing).")
    ],
    port: Annotated[int | None, typer.Option("--port", help="Default 993 with TLS, 143 without.")] = None,
    password_env: Annotated[
        str, typer.Option("--password-env", help="Environment variable holding the password.")
    ] = DEFAULT_PASSWORD_ENV,
    tls: Annotated[
        bool,
        typer.Option(
            "--tls/--no-tls", help="IMAP over TLS (IMAPS). --no-tls only for 127.0.0.1 or localhost."
        ),
    ] = True,
    mailbox: Annotated[str, typer.Option("--mailbox", help="The mailbox (folder) to read.")] = "INBOX",
    since: Annotated[
        str | None, typer.Option("--since", help="Only messages received on or after this day (YYYY-MM-DD).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Copy the messages of an IMAP mailbox into OUT as <uidvalidity>-<uid>.eml files.

    Read-only: the mailbox is examined and bodies fetched with BODY.PEEK[], so nothing is marked as
    read. Idempotent: a message whose file exists is not fetched again, so a re-run writes nothing
    new, and a run that stopped half-way is completed by the next one. Each file is written under a
    temporary name and renamed, so a file is either complete or absent. The password is read from
    the environment variable named by --password-env and never printed. Then run
    `dunwell replies classify OUT`.

    JSON: {"mailbox", "uidvalidity", "found", "written", "already_there", "out"}.
    """
    day = parse_day(since, option="--since") if since else None
    password = os.environ.get(password_env, "")
    if not password:
        fail(
            f"set {password_env} to the IMAP password (or name another variable with --password-env)",
            error_code="password_missing",
        )
    try:
        result = fetch_to_folder(
            host=host,
            port=port or (993 if tls else 143),
            user=user,
            password=password,
            out=out,
            mailbox=mailbox,
            since=day,
            tls=tls,
        )
    except MailboxError as exc:
        message = str(exc).replace(password, "***")  # belt and braces: no server should echo it
        fail(message, code=_EXIT_BY_CODE.get(exc.code, 1), error_code=exc.code)
    if as_json:
        print_json(_record(result))
        return
    console.print(_summary(result), highlight=False)


def _record(result: FetchResult) -> dict[str, object]:
    return {
        "mailbox": result.mailbox,
        "uidvalidity": result.uidvalidity,
        "found": result.found,
        "written": result.written,
        "already_there": result.already_there,
        "out": result.out,
    }


def _summary(result: FetchResult) -> str:
    if result.written == 0:
        news = "nothing new" + (f" ({result.already_there} already there)" if result.already_there else "")
    else:
        news = f"wrote {result.written}" + (
            f", {result.already_there} already there" if result.already_there else ""
        )
    return f"{result.mailbox}: {result.found} message(s); {news} in {result.out}"
