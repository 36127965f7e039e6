"""`dunwell serve`: the web app and the REST API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, open_runtime, print_json, user_errors


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes (PostgreSQL; SQLite: keep 1).")
    ] = 1,
    as_json: JSON = False,
) -> None:
    """Serve the web workplace at / and the REST API at /api/v1 (OpenAPI at /api/v1/openapi.json,
    interactive docs at /api/v1/docs). Migrates the database first. Stops with Ctrl-C.

    JSON: {"url", "api", "openapi"} on one line when it starts (then the server's log).
    """
    import uvicorn  # the server is only needed here

    with user_errors():
        open_runtime()  # creates and migrates the database once, before any worker starts
    address = f"http://{host}:{port}"
    if as_json:
        print_json(
            {"url": f"{address}/", "api": f"{address}/api/v1", "openapi": f"{address}/api/v1/openapi.json"}
        )
    else:
        console.print(f"Dunwell on {address}/ (API: {address}/api/v1/docs)", highlight=False)
    uvicorn.run(
        "dunwell.api:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )
