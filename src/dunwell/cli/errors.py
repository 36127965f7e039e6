"""How a command fails: one clear line on stderr, or under ``--json`` one JSON object on stdout,
``{"error": {"code", "kind", "message"}}``, with the same exit code either way."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NoReturn

import typer
from rich.markup import escape
from sqlalchemy.exc import OperationalError
from typer._click.exceptions import ClickException  # Typer vendors click; its usage errors are these
from typer.core import TyperGroup

from dunwell.cli.output import err_console, print_json
from dunwell.core.errors import DunwellError, ErrorKind

#: Exit codes: 2 is a usage or input error (as click uses it), 3 an import with rejected rows.
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_BY_KIND = {
    ErrorKind.INVALID: EXIT_USAGE,
    ErrorKind.NOT_FOUND: 4,
    ErrorKind.CONFLICT: 5,
    ErrorKind.FORBIDDEN: 6,
}
KIND_BY_EXIT = {code: kind.value for kind, code in EXIT_BY_KIND.items()}
#: The kind of a failure that is none of the above (a database that cannot be reached).
KIND_FAILURE = "failure"


#: Set by the root group for the command being run: was it given ``--json``?
_json_output: ContextVar[bool] = ContextVar("json_output", default=False)


def json_requested() -> bool:
    """Whether the running command was given ``--json`` (errors are then JSON on stdout)."""
    return _json_output.get()


def error_payload(message: str, *, code: str, kind: str) -> dict[str, Any]:
    return {"error": {"code": code, "kind": kind, "message": message}}


def fail(
    message: str, *, code: int = EXIT_USAGE, error_code: str = "usage", kind: str | None = None
) -> NoReturn:
    """Stop the command: one clear line on stderr (no traceback), or the error as JSON on stdout
    under ``--json``. ``code`` is the exit code; ``error_code`` and ``kind`` are for machines."""
    if json_requested():
        print_json(error_payload(message, code=error_code, kind=kind or KIND_BY_EXIT.get(code, KIND_FAILURE)))
    else:
        err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one line (or one JSON object) and an exit code."""
    try:
        yield
    except DunwellError as exc:
        fail(str(exc), code=EXIT_BY_KIND.get(exc.kind, 1), error_code=exc.code, kind=exc.kind.value)
    except OperationalError as exc:
        fail(
            f"database error: {str(exc.orig).strip().splitlines()[0]}",
            code=1,
            error_code="database_error",
            kind=KIND_FAILURE,
        )


class JsonErrorsGroup(TyperGroup):
    """The root group: with ``--json`` among the arguments, a usage error click finds while parsing
    (a missing option, a value of the wrong type) is JSON on stdout too."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        as_json = "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv
        token = _json_output.set(as_json)
        try:
            if not standalone_mode or not as_json:
                return super().main(
                    argv, prog_name, complete_var, standalone_mode, windows_expand_args, **extra
                )
            try:
                result = super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
            except ClickException as exc:
                kind = KIND_BY_EXIT.get(exc.exit_code, KIND_FAILURE)
                print_json(error_payload(exc.format_message(), code="usage", kind=kind))
                sys.exit(exc.exit_code)
            except typer.Abort:
                print_json(error_payload("aborted", code="aborted", kind=KIND_FAILURE))
                sys.exit(1)
            sys.exit(result if isinstance(result, int) else 0)
        finally:
            _json_output.reset(token)
