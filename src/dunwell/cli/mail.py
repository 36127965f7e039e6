"""`dunwell mail sink`: a local SMTP server that keeps every message it receives as an .eml file,
for a demo or a trial run (point DUNWELL_SMTP_HOST/PORT at it with DUNWELL_SMTP_SECURITY=none).
Nothing is relayed anywhere; it listens on loopback unless told otherwise."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from aiosmtpd.controller import Controller

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, print_json

app = typer.Typer(help="Mail helpers for trying Dunwell out.", no_args_is_help=True)


class EmlFolder:
    """An aiosmtpd handler writing each message to ``folder`` as ``<n>-<recipient>.eml``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = len(list(folder.glob("*.eml")))
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
            name = re.sub(r"[^A-Za-z0-9@._-]+", "_", ",".join(envelope.rcpt_tos))[:80]
            (self.folder / f"{self.count:05d}-{name}.eml").write_bytes(
                envelope.original_content or envelope.content
            )
        return "250 Message accepted"


@app.command("sink")
def sink_command(
    folder: Annotated[Path, typer.Option("--folder", help="Where the .eml files go.")] = Path("mail"),
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8025,
    as_json: JSON = False,
) -> None:
    """Receive mail on HOST:PORT and keep each message as an .eml file in FOLDER until stopped
    (Ctrl-C). Open the files with any mail program.

    JSON: {"host", "port", "folder"} (one line, once it is listening).
    """
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(EmlFolder(folder), hostname=host, port=port)
    controller.start()
    if as_json:
        print_json({"host": host, "port": port, "folder": str(folder.resolve())})
    else:
        console.print(
            f"SMTP sink on {host}:{port}: messages are written to {folder.resolve()}/", highlight=False
        )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
