"""`dunwell users add|list|disable|enable|set-password|set-capacity|grant` and `dunwell tokens
create|list|revoke`: people who sign in to the web app and scripts that call the API."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from dunwell.access import users as user_service
from dunwell.access.repository import AccessRepository
from dunwell.access.signin import create_token, revoke_token
from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.runtime import console, fail, open_reader, open_runtime, print_json, transaction, user_errors
from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.orm.access import ApiToken
from dunwell.worklist.service import set_capacity

app = typer.Typer(
    help="Users of the web app and their roles: admin, manager, collector, viewer.", no_args_is_help=True
)
tokens = typer.Typer(help="API tokens for scripts (`Authorization: Bearer <token>`).", no_args_is_help=True)
ROLES = ", ".join(r.value for r in UserRole)


@app.command("add")
def add_command(
    login: Annotated[str, typer.Argument(help="What they sign in with.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {ROLES}.")],
    by: ACTOR,
    name: Annotated[str | None, typer.Option("--name", help="Their name (default: the login).")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password", help="At least 12 characters; default: one is generated and printed once."
        ),
    ] = None,
    locale: Annotated[
        str, typer.Option("--locale", help="Money and dates on their pages: en_US, de_DE, ...")
    ] = "en_US",
    as_json: JSON = False,
) -> None:
    """Add a person who signs in (a customer owner imported with the book becomes one).

    JSON: {"user": {"id", "login", "name", "email", "role", "active", "can_sign_in", "locale"},
    "password"} (the password only when it was generated).
    """
    chosen = _role(role)
    secret = password or user_service.generated_password()
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            view = user_service.add_user(
                session,
                Principal.operator(by),
                login=login,
                name=name or login,
                role=chosen,
                password=secret,
                email=email,
                locale=locale,
            )
    shown = None if password else secret
    if as_json:
        print_json({"user": view.to_dict(), "password": shown})
        return
    console.print(f"Added {view.login} ({view.role}).", highlight=False)
    if shown:
        console.print(f"Password (shown once): {shown}", highlight=False)


@app.command("list")
def list_command(as_json: JSON = False) -> None:
    """Everyone who may sign in or own customers (reads only).

    JSON: {"users": [{"id", "login", "name", "email", "role", "active", "can_sign_in", "locale"}]}.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            views = user_service.list_users(session, Principal.operator("cli-reader"))
    if as_json:
        print_json({"users": [v.to_dict() for v in views]})
        return
    table = Table("login", "name", "role", "active", "signs in")
    for v in views:
        table.add_row(v.login, v.name, v.role, "yes" if v.active else "no", "yes" if v.can_sign_in else "no")
    console.print(table)


@app.command("disable")
def disable_command(login: str, by: ACTOR, as_json: JSON = False) -> None:
    """Stop a user at once: their sessions and tokens no longer work.

    JSON: the user, as `users list` prints each.
    """
    _set_active(login, by, active=False, as_json=as_json)


@app.command("enable")
def enable_command(login: str, by: ACTOR, as_json: JSON = False) -> None:
    """Let a disabled user sign in again.

    JSON: the user, as `users list` prints each.
    """
    _set_active(login, by, active=True, as_json=as_json)


@app.command("set-password")
def set_password_command(
    login: str,
    by: ACTOR,
    password: Annotated[
        str | None, typer.Option("--password", help="Default: generated and printed once.")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Set a user's password.

    JSON: {"user": {...}, "password"} (the password only when it was generated).
    """
    secret = password or user_service.generated_password()
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            view = user_service.set_password(session, Principal.operator(by), login, secret)
    shown = None if password else secret
    if as_json:
        print_json({"user": view.to_dict(), "password": shown})
        return
    console.print(f"Password set for {view.login}." + (f" Password (shown once): {shown}" if shown else ""))


@app.command("grant")
def grant_command(
    grantee: Annotated[str, typer.Argument(help="The collector who gets access.")],
    owner: Annotated[str, typer.Argument(help="The collector whose customers they may also work.")],
    by: ACTOR,
    revoke: Annotated[bool, typer.Option("--revoke", help="Take the access back.")] = False,
    as_json: JSON = False,
) -> None:
    """Let a collector also work another collector's portfolio (or take it back).

    JSON: {"grantee", "owner", "granted"}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            principal = Principal.operator(by)
            user_service.grant_portfolio(session, principal, grantee=grantee, owner=owner, allow=not revoke)
    if as_json:
        print_json({"grantee": grantee, "owner": owner, "granted": not revoke})
        return
    console.print(f"{grantee} {'no longer works' if revoke else 'may now work'} {owner}'s customers.")


@app.command("set-capacity")
def set_capacity_command(
    login: Annotated[str, typer.Argument(help="The collector.")],
    minutes: Annotated[int, typer.Argument(help="Minutes a day they work the worklist (default 240).")],
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Set how many minutes a day a person works the worklist: their day's plan fills them.

    JSON: {"login", "minutes"}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            found = set_capacity(session, Principal.operator(by), login, minutes)
    if as_json:
        print_json({"login": found.login, "minutes": found.minutes})
        return
    console.print(f"{found.login} works the worklist {found.minutes} minutes a day.", highlight=False)


@tokens.command("create")
def token_create_command(
    login: Annotated[str, typer.Argument(help="Whose token: the script acts as this user.")],
    name: Annotated[str, typer.Option("--name", help="What it is for (unique per user).")],
    by: ACTOR,
    days: Annotated[int | None, typer.Option("--days", min=1, help="Expires after this many days.")] = None,
    as_json: JSON = False,
) -> None:
    """Issue an API token; it is printed once and stored only as a hash.

    JSON: {"id", "name", "login", "token", "expires_at"}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            issued = create_token(session, Principal.operator(by), name=name, login=login, days=days)
    expires = issued.expires_at.isoformat() if issued.expires_at else None
    payload = {
        "id": issued.id,
        "name": issued.name,
        "login": login,
        "token": issued.token,
        "expires_at": expires,
    }
    if as_json:
        print_json(payload)
        return
    console.print(f"Token {issued.id} ({name}) for {login}; shown once:\n{issued.token}", highlight=False)


@tokens.command("list")
def token_list_command(as_json: JSON = False) -> None:
    """Every token (never the secret): whose, name, prefix, expiry, revoked, last used.

    JSON: {"tokens": [{"id", "login", "name", "prefix", "created_at", "expires_at", "revoked_at",
    "last_used_at"}]}.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            rows = [_token_row(t, login) for t, login in AccessRepository(session).tokens()]
    if as_json:
        print_json({"tokens": rows})
        return
    table = Table("id", "login", "name", "prefix", "expires", "revoked", "last used")
    for r in rows:
        columns = ("id", "login", "name", "prefix", "expires_at", "revoked_at", "last_used_at")
        table.add_row(*(str(r[k] or "") for k in columns))
    console.print(table)


@tokens.command("revoke")
def token_revoke_command(token_id: int, by: ACTOR, as_json: JSON = False) -> None:
    """Revoke a token: it stops working at once.

    JSON: {"id", "revoked"}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            revoke_token(session, Principal.operator(by), token_id)
    if as_json:
        print_json({"id": token_id, "revoked": True})
        return
    console.print(f"Token {token_id} revoked.")


def _token_row(token: ApiToken, login: str) -> dict[str, object]:
    return {
        "id": token.id,
        "login": login,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "last_used_at": token.last_used_at,
    }


def _set_active(login: str, by: str, *, active: bool, as_json: bool) -> None:
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            view = user_service.set_active(session, Principal.operator(by), login, active=active)
    if as_json:
        print_json(view.to_dict())
        return
    console.print(f"{view.login} is {'enabled' if active else 'disabled'}.")


def _role(value: str) -> UserRole:
    try:
        return UserRole(value)
    except ValueError:
        fail(f"--role must be one of {ROLES}, not {value!r}")
