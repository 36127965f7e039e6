"""A progress bar for long commands: drawn on stderr when a person watches a terminal, never
under ``--json`` or when output goes to a file or pipe.

Services know nothing of it: they take a plain ``progress(done, total)`` callback, which is what
``progress_bar`` yields. A service without one leaves the bar pulsing until the work is done.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from dunwell.cli.output import err_console


def terminal_attached() -> bool:
    """Both stdout and stderr are terminals: a person is watching, nothing is captured."""
    return sys.stdout.isatty() and sys.stderr.isatty()


class ProgressBar:
    """Call it as ``bar(done, total)`` (the services' callback); ``stage`` renames what it shows."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def __call__(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total)

    def stage(self, description: str) -> None:
        self._progress.update(self._task, description=description)


@contextmanager
def progress_bar(description: str, *, quiet: bool) -> Iterator[ProgressBar]:
    """A transient bar for the block; ``quiet`` (--json) or no terminal: nothing is drawn."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet or not terminal_attached(),
        transient=True,
        redirect_stdout=False,  # stdout is the command's output (JSON, tables), never the bar's
        redirect_stderr=False,
    ) as progress:
        yield ProgressBar(progress, progress.add_task(description, total=None))
