"""The progress bar of the commands that run for a while (check_references, synthetic_catalogue)."""

import sys

from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress


def progress_bar(options: dict) -> Progress:
    """A bar on the command's output when that is a terminal, gone when done; nothing otherwise (cron,
    a pipe, the tests), where only the command's summary is written."""
    out = options.get("stdout") or sys.stdout  # the stream itself: rich writes its own line endings
    return Progress(
        *Progress.get_default_columns(),
        MofNCompleteColumn(),
        console=Console(file=out),
        disable=not out.isatty(),
        transient=True,
    )
