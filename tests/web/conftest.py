"""The app over a real database (SQLite and PostgreSQL, like every database test): users of
each role, a signed-in browser-like client, and a bearer-token client."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dunwell.access import users
from dunwell.access.signin import create_token
from dunwell.core.access import Principal
from dunwell.core.collections import UserRole

PASSWORD = "correct horse battery"
ADMIN = Principal.operator("test-admin")


@dataclass(frozen=True)
class People:
    admin: str = "ada"
    manager: str = "max"
    collector: str = "cleo"
    other_collector: str = "otto"
    viewer: str = "vic"


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> People:
    found = People()
    with sessions.begin() as session:
        for login, role in (
            (found.admin, UserRole.ADMIN),
            (found.manager, UserRole.MANAGER),
            (found.collector, UserRole.COLLECTOR),
            (found.other_collector, UserRole.COLLECTOR),
            (found.viewer, UserRole.VIEWER),
        ):
            users.add_user(session, ADMIN, login=login, name=login.title(), role=role, password=PASSWORD)
    return found


@pytest.fixture
def app_client(engine: Engine, database_url: str, app_factory: Callable[[str], Any]) -> Iterator[TestClient]:
    app = app_factory(database_url)
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def signed_in(
    engine: Engine, database_url: str, app_factory: Callable[[str], Any]
) -> Callable[[str], TestClient]:
    """``signed_in("cleo")``: a client with that person's session cookie and CSRF header."""
    app = app_factory(database_url)
    clients: list[TestClient] = []

    def sign_in(login: str, password: str = PASSWORD) -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        form = client.get("/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
        assert token is not None
        done = client.post("/login", data={"login": login, "password": password, "login_csrf": token[1]},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303, done.text
        page = client.get("/api/v1/me")
        assert page.status_code == 200, page.text
        home = client.get("/")
        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text)
        if csrf:
            client.headers["X-CSRF-Token"] = csrf[1]
        return client

    yield sign_in  # type: ignore[misc]
    for client in clients:
        client.close()


@pytest.fixture
def bearer(
    sessions: sessionmaker[Session], engine: Engine, database_url: str, app_factory: Callable[[str], Any]
) -> Callable[[str], TestClient]:
    app = app_factory(database_url)

    def client_for(login: str) -> TestClient:
        with sessions.begin() as session:
            issued = create_token(session, ADMIN, name=f"test-{login}", login=login)
        return TestClient(
            app, base_url="http://testserver", headers={"Authorization": f"Bearer {issued.token}"}
        )

    return client_for
