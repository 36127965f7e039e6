"""Signing in and who is asking: sessions, throttling, CSRF, tokens, headers (both databases)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.orm import AuditEntry, User
from web.conftest import PASSWORD, People


def _login(client: TestClient, login: str, password: str) -> int:
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    data = {"login": login, "password": password, "login_csrf": token[1]}
    return client.post("/login", data=data, follow_redirects=False).status_code


def test_only_health_login_and_static_answer_without_signing_in(
    app_client: TestClient, people: People
) -> None:
    assert app_client.get("/health").json() == {"status": "ok"}
    assert app_client.get("/login").status_code == 200
    assert app_client.get("/static/app-1.css").status_code == 200
    assert app_client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert app_client.get("/api/v1/me").status_code == 401
    assert app_client.get("/api/v1/openapi.json").status_code == 200  # the contract is public, not the data


def test_a_person_signs_in_and_out_and_the_session_cookie_is_safe(
    app_client: TestClient, people: People, sessions: sessionmaker[Session]
) -> None:
    token = re.search(r'name="login_csrf" value="([^"]+)"', app_client.get("/login").text)
    assert token is not None
    done = app_client.post("/login", data={"login": "cleo", "password": PASSWORD, "login_csrf": token[1],
                                           "next": "//evil.example/"}, follow_redirects=False)  # fmt: skip
    assert (done.status_code, done.headers["location"]) == (303, "/")  # never an open redirect
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    me = app_client.get("/api/v1/me").json()
    assert (me["actor"], me["role"]) == ("cleo", "collector")
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', app_client.get("/").text)
    assert csrf is not None

    refused = app_client.post("/logout", follow_redirects=False)  # no CSRF token: a forged request
    assert refused.status_code == 403
    out = app_client.post("/logout", data={"csrf_token": csrf[1]}, follow_redirects=False)
    assert out.status_code == 303
    assert app_client.get("/api/v1/me").status_code == 401
    with sessions() as session:
        actions = [a.action for a in session.scalars(select(AuditEntry))]
    assert "auth.signed_in" in actions


def test_repeated_failures_throttle_the_login(app_client: TestClient, people: People) -> None:
    assert [_login(app_client, "cleo", "wrong password!") for _ in range(5)] == [401] * 5
    assert _login(app_client, "cleo", PASSWORD) == 429  # even the right password waits now
    assert _login(app_client, "max", PASSWORD) == 303  # others are not affected


def test_a_disabled_user_is_out_at_once(
    signed_in: Callable[[str], TestClient], people: People, sessions: sessionmaker[Session]
) -> None:
    client = signed_in("cleo")
    with sessions.begin() as session:
        user = session.scalars(select(User).where(User.login == "cleo")).one()
        user.active = False
    assert client.get("/api/v1/me").status_code == 401


def test_tokens_work_until_revoked_and_are_stored_hashed(
    bearer: Callable[[str], TestClient], people: People, sessions: sessionmaker[Session]
) -> None:
    script = bearer("max")
    assert script.get("/api/v1/me").json()["actor"] == "token:test-max@max"
    issued = script.post("/api/v1/tokens", json={"name": "nightly", "days": 30})
    assert issued.status_code == 201
    secret = issued.json()["token"]
    with sessions() as session:
        stored = session.execute(select(AuditEntry.details).where(AuditEntry.action == "token.created")).all()
    assert all(secret not in str(row) for row in stored)
    nightly = TestClient(script.app, headers={"Authorization": f"Bearer {secret}"})
    assert nightly.get("/api/v1/me").status_code == 200
    assert script.delete(f"/api/v1/tokens/{issued.json()['id']}").status_code == 204
    assert nightly.get("/api/v1/me").status_code == 401


def test_every_response_carries_the_security_headers(app_client: TestClient) -> None:
    for path in ("/login", "/health", "/api/v1/me", "/static/app-1.css"):
        headers = app_client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
