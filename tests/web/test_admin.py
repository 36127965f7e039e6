"""The admin page and the user endpoints: admins only; passwords and tokens shown once; a grant
widens a collector's portfolio at once; a disabled user is out."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.orm import AuditEntry
from web.conftest import People
from web.small_book import AS_OF, build_book

Client = Callable[[str], TestClient]


@pytest.mark.parametrize("login", ["max", "cleo", "vic"])
def test_only_admins_reach_the_admin_page_and_the_user_endpoints(
    people: People, signed_in: Client, bearer: Client, login: str
) -> None:
    page = signed_in(login).get("/admin")
    assert page.status_code == 403
    assert "Not allowed" in page.text
    api = bearer(login)
    assert api.get("/api/v1/users").status_code == 403
    assert api.get("/api/v1/grants").status_code == 403
    assert api.post("/api/v1/users", json={"login": "eve", "name": "Eve", "role": "admin"}).status_code == 403
    assert api.post("/api/v1/users/cleo/disable").status_code == 403
    assert api.post("/api/v1/users/otto/password", json={}).status_code == 403
    assert (
        signed_in(login)
        .post("/admin/users", data={"login": "eve", "name": "Eve", "role": "admin"})
        .status_code
        == 403
    )


def test_an_admin_adds_a_user_whose_generated_password_is_shown_once(
    people: People, signed_in: Client, bearer: Client
) -> None:
    admin = signed_in("ada")
    page = admin.get("/admin")
    assert page.status_code == 200
    for login in ("ada", "max", "cleo", "otto", "vic"):
        assert f'data-user="{login}"' in page.text
    assert 'for="new-login"' in page.text
    assert 'name="csrf_token"' in page.text
    added = admin.post("/admin/users", data={"login": "nina", "name": "Nina", "role": "collector"})
    assert added.status_code == 200
    assert added.headers["cache-control"] == "no-store"
    password = re.search(r'data-secret="password">([^<]+)<', added.text)
    assert password is not None
    assert signed_in("nina", password[1]).get("/api/v1/me").json()["role"] == "collector"
    assert password[1] not in admin.get("/admin").text  # once

    api = bearer("ada")
    via_api = api.post("/api/v1/users", json={"login": "pat", "name": "Pat", "role": "viewer"})
    assert via_api.status_code == 201
    assert signed_in("pat", via_api.json()["password"]).get("/api/v1/me").json()["role"] == "viewer"
    again = api.post("/api/v1/users", json={"login": "pat", "name": "Pat", "role": "viewer"})
    assert again.status_code == 409


def test_disabling_enabling_and_setting_a_password(
    people: People, signed_in: Client, bearer: Client, sessions: sessionmaker[Session]
) -> None:
    cleo = signed_in("cleo")
    api = bearer("ada")
    assert api.post("/api/v1/users/cleo/disable").json()["active"] is False
    assert cleo.get("/api/v1/me").status_code == 401
    assert api.post("/api/v1/users/cleo/enable").json()["active"] is True
    changed = api.post("/api/v1/users/cleo/password", json={})
    assert changed.status_code == 200
    assert signed_in("cleo", changed.json()["password"]).get("/api/v1/me").status_code == 200
    assert api.post("/api/v1/users/cleo/password", json={"password": "short"}).status_code == 400
    assert api.post("/api/v1/users/nobody/disable").status_code == 404

    admin = signed_in("ada")
    off = admin.post("/admin/users/otto/active", data={"active": "false"}, follow_redirects=False)
    assert (off.status_code, off.headers["location"]) == (303, "/admin")
    assert '<span class="error">disabled</span>' in admin.get("/admin").text
    typed = admin.post(
        "/admin/users/otto/password", data={"password": "a long new password"}, follow_redirects=False
    )
    assert typed.status_code == 303
    generated = admin.post("/admin/users/vic/password", data={"password": ""})
    assert 'data-secret="password"' in generated.text
    assert admin.post("/admin/users/ada/active", data={"active": "false"}).status_code == 409  # not yourself
    users = {u["login"]: u for u in api.get("/api/v1/users").json()}
    assert users["otto"]["active"] is False
    with sessions() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"user.added", "user.disabled", "user.enabled", "user.password_set"} <= actions


def test_a_grant_widens_a_collectors_portfolio(
    people: People, signed_in: Client, bearer: Client, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        build_book(session)
    cleo, api = bearer("cleo"), bearer("ada")
    assert cleo.get("/api/v1/invoices/B-1").status_code == 404
    admin = signed_in("ada")
    assert "No grants" in admin.get("/admin").text
    done = admin.post(
        "/admin/grants", data={"grantee": "cleo", "owner": "otto", "allow": "true"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert api.get("/api/v1/grants").json()[0]["owner"] == "otto"
    # the principal is resolved per request: the grant counts at once
    assert cleo.get("/api/v1/invoices/B-1").status_code == 200
    overall = cleo.get("/api/v1/metrics", params={"as_of": AS_OF.isoformat()}).json()["overall"]
    assert overall["total_ar"] == "3100.00"
    taken = api.post("/api/v1/grants", json={"grantee": "cleo", "owner": "otto", "allow": False})
    assert taken.json() == []
    assert cleo.get("/api/v1/invoices/B-1").status_code == 404


def test_tokens_are_issued_once_listed_and_revoked(people: People, signed_in: Client, bearer: Client) -> None:
    admin, api, manager = signed_in("ada"), bearer("ada"), bearer("max")
    issued = admin.post("/admin/tokens", data={"login": "otto", "name": "nightly", "days": "30"})
    assert issued.status_code == 200
    secret = re.search(r'data-secret="token">([^<]+)<', issued.text)
    assert secret is not None
    script = TestClient(admin.app, headers={"Authorization": f"Bearer {secret[1]}"})
    assert script.get("/api/v1/me").json()["actor"] == "token:nightly@otto"
    listed = api.get("/api/v1/tokens").json()
    nightly = next(t for t in listed if t["name"] == "nightly")
    assert nightly["login"] == "otto"
    assert nightly["live"] is True
    assert secret[1].startswith(nightly["prefix"])
    assert secret[1] not in admin.get("/admin").text
    assert [t["name"] for t in manager.get("/api/v1/tokens").json()] == ["test-max"]  # one's own only
    revoked = admin.post(f"/admin/tokens/{nightly['id']}/revoke", follow_redirects=False)
    assert revoked.status_code == 303
    assert script.get("/api/v1/me").status_code == 401
    assert admin.post("/admin/tokens", data={"login": "otto", "name": "x", "days": "ever"}).status_code == 400
    for_vic = api.post("/api/v1/users/vic/tokens", json={"name": "reports"})
    assert for_vic.status_code == 201
    assert manager.post("/api/v1/users/vic/tokens", json={"name": "sneaky"}).status_code == 403


def test_a_viewer_cannot_write_and_a_forged_form_is_refused(
    people: People, signed_in: Client, bearer: Client
) -> None:
    assert bearer("vic").post("/api/v1/tokens", json={"name": "mine"}).status_code == 403
    admin = signed_in("ada")
    del admin.headers["X-CSRF-Token"]
    forged = admin.post("/admin/users", data={"login": "eve", "name": "Eve", "role": "admin"})
    assert forged.status_code == 403
