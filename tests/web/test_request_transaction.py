"""A request's writes are committed before its answer leaves (FastAPI ends a ``yield`` dependency
after the response by default: a browser then followed the sign-in redirect before the session
row was committed and was sent back to /login, and a failed commit would answer 303 or 200)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from dunwell.access import endpoints as access_endpoints
from dunwell.kit.http import db_session
from dunwell.web import routes as web_routes
from dunwell.web.routers import API_ROUTERS, WEB_ROUTERS
from web.conftest import PASSWORD, People


def _routes() -> Iterator[APIRoute]:
    """Every route the app serves, from the routers ``create_app`` includes."""
    for router in [*API_ROUTERS, *WEB_ROUTERS, access_endpoints.router, web_routes.router]:
        yield from (route for route in router.routes if isinstance(route, APIRoute))


def _session_scopes(dependant: Any) -> Iterator[str | None]:
    for sub in dependant.dependencies:
        if sub.call is db_session:
            yield sub.scope
        yield from _session_scopes(sub)


def test_every_route_ends_its_transaction_before_it_answers() -> None:
    scopes = {route.path: set(_session_scopes(route.dependant)) for route in _routes()}
    using = {path: found for path, found in scopes.items() if found}
    assert len(using) > 20  # the walk reaches the mounted API too
    late = sorted(path for path, found in using.items() if found != {"function"})
    assert late == [], f"Depends(db_session) without scope='function' on {late}"


def test_a_commit_that_fails_is_an_error_not_a_redirect(
    engine: Engine, database_url: str, app_factory: Callable[[str], Any], people: People
) -> None:
    app = app_factory(database_url)

    def refuse(_session: Any) -> None:
        raise RuntimeError("the database refused the commit")

    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text)
        assert token is not None
        event.listen(app.state.sessions, "before_commit", refuse)
        try:
            answer = client.post(
                "/login",
                data={"login": people.collector, "password": PASSWORD, "login_csrf": token[1]},
                follow_redirects=False,
            )
        finally:
            event.remove(app.state.sessions, "before_commit", refuse)
        assert answer.status_code == 500
        assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")
