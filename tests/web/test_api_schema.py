"""The REST API keeps its published contract: schemathesis generates requests for every operation in
/api/v1/openapi.json (as a manager, with a bearer token, over a seeded book) and checks that none
answers 500, every status is documented and every response matches its schema.

A small fixed budget (derandomized, four examples per operation) keeps each operation to seconds;
both databases.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cashapp.helpers import ENTITY, Entry, camt053, make_book
from dunwell.access.signin import create_token
from dunwell.api import create_app
from dunwell.cashapp.service import import_statement, run_matching
from dunwell.config import Settings
from dunwell.orm import User
from factories import make_payment
from web.conftest import ADMIN, People

SCHEMA_PATH = "/api/v1/openapi.json"
_issued = itertools.count(1)
BUSINESS_ERRORS = {400, 401, 403, 404, 409, 429}
# Known contract gaps, each a test that fails until fixed (xfail, not strict: it passes once fixed).
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def documented_status(ctx: Any, response: Any, case: Any) -> bool | None:
    """Status-code conformance, except for the business errors (400/401/403/404/409/429 with
    {"error": ...}) while an operation documents none of them: the app does not add them to the
    OpenAPI yet. An operation that documents any is held to all of them."""
    documented = {str(code) for code in case.operation.responses.status_codes}
    if response.status_code in BUSINESS_ERRORS and not documented & {str(c) for c in BUSINESS_ERRORS}:
        return None
    result: bool | None = status_code_conformance(ctx, response, case)
    return result


CHECKS = [not_a_server_error, documented_status, response_schema_conformance, content_type_conformance]


@pytest.fixture
def seeded_book(sessions: sessionmaker[Session], people: People, tmp_path: Path) -> str:
    """A book with rows in every list (customers in two portfolios, invoices, a credit memo,
    payments, a matched statement with a suggestion waiting); returns the manager's login."""
    with sessions.begin() as session:
        book = make_book(session)
        owners = dict(session.execute(select(User.login, User.id)).all())
        book.acme.owner_id = book.bolt.owner_id = owners[people.collector]
        book.crane.owner_id = owners[people.other_collector]
        make_payment(session, customer=book.crane, amount="40.00")
        statement = tmp_path / "statement.xml"
        bolt = {"payer": "Bolt Industries", "payer_account": "US22BANK0002"}
        statement.write_text(
            camt053([Entry("E-1", "99.00", **bolt), Entry("E-2", "12.34", payer="Nobody")]), encoding="utf-8"
        )
        import_statement(session, statement, entity_code=ENTITY, actor="test")
        run_matching(session, as_of=date(2024, 2, 29), actor="test")
    return people.manager


def _operations() -> list[str]:
    """Every operation's label ("GET /me"), read from the app's schema at collection time."""
    schema = schemathesis.openapi.from_asgi(SCHEMA_PATH, create_app(Settings(database_url="sqlite://")))
    return [result.ok().label for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", _operations())
def test_the_operation_keeps_its_contract(
    operation: str,
    database_url: str,
    sessions: sessionmaker[Session],
    seeded_book: str,
    request: pytest.FixtureRequest,
    app_factory: Callable[[str], Any],
) -> None:
    gap = KNOWN_GAPS.get((database_url.split(":", 1)[0].split("+", 1)[0], operation))
    if gap:
        request.applymarker(pytest.mark.xfail(reason=gap, strict=False))
    method, path = operation.split(" ", 1)
    app = app_factory(database_url)
    schema = schemathesis.openapi.from_asgi(SCHEMA_PATH, app, timeout=120)  # a busy machine is slow

    @settings(
        max_examples=4,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=schema[path][method].as_strategy())
    def check(case: Any) -> None:
        # A fresh token each time: an earlier example may have revoked the last one (DELETE /tokens/{id}).
        with sessions.begin() as session:
            token = create_token(
                session, ADMIN, name=f"schemathesis-{next(_issued)}", login=seeded_book
            ).token
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    check()
