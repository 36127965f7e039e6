"""`dunwell serve`: the web app and the REST API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from dunwell.cli.runtime import console, open_runtime, user_errors


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes (PostgreSQL; SQLite: keep 1).")
    ] = 1,
) -> None:
    """Serve the web workplace at / and the REST API at /api/v1 (OpenAPI at /api/v1/openapi.json,
    interactive docs at /api/v1/docs). Migrates the database first. Stops with Ctrl-C.
    """
    import uvicorn  # the server is only needed here

    with user_errors():
        runtime = open_runtime()  # creates and migrates the database once, before any worker starts
    console.print(
        f"Dunwell on http://{host}:{port}/ (API: http://{host}:{port}/api/v1/docs)", highlight=False
    )
    uvicorn.run("dunwell.api:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="info")  # fmt: skip
    del runtime
