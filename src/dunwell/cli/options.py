"""Options every command of a kind takes, spelled and explained once."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

JSON = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print the result as JSON (its shape is in the help above); errors too, as "
        '{"error": {"code", "kind", "message"}}, with the same exit code.',
    ),
]


def current_user() -> str:
    """Who runs the command when --by and DUNWELL_USER say nothing: the operating system's user."""
    try:
        return getpass.getuser()
    except (OSError, KeyError) as exc:  # no login name and no passwd entry (some containers)
        raise typer.BadParameter("cannot tell who you are: pass --by NAME or set DUNWELL_USER") from exc


#: Who does what a writing command does; the audit log records the name.
ACTOR = Annotated[
    str,
    typer.Option(
        "--by",
        envvar="DUNWELL_USER",
        default_factory=current_user,
        show_default="DUNWELL_USER, else your login name",
        help="Who does this (recorded in the audit log).",
    ),
]
