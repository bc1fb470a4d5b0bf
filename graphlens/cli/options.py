"""Options and helpers every `graphlens` command on a model file shares.

>>> @click.command()
... @model_argument
... @name_option
... def show(model, names): ...                                     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib

import click

model_argument = click.argument("model", metavar="MODEL.py",
                                type=click.Path(dir_okay=True, path_type=str))

name_option = click.option(
    "--name", "names", multiple=True, metavar="NAME",
    help="Show this module-level name of the model (repeat for several); overrides the "
         "model's __graphlens__ list.")

# For the printers (pp, debugprint): which graph of a compiled function to print.
print_stage_option = click.option(
    "--stage", type=click.Choice(["after", "before"]), default="after", show_default=True,
    help="For compiled functions: the graph after the rewrites, or as given.")


class MaxNodes(click.ParamType):
    """A positive number of ops, or `all` (None: no limit)."""

    name = "max_nodes"

    def convert(self, value, param, ctx):
        if value is None or isinstance(value, int):
            return value
        if str(value).strip().lower() == "all":
            return None
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            self.fail(f"{value!r} is not a positive number of ops or 'all'", param, ctx)
        return number


@contextlib.contextmanager
def progress(message: str, since: float | None = None):
    """A rich spinner with `message` on stderr while the block runs, only when stderr is a
    terminal: piped or captured output stays clean. Functions compiled in the block (a model
    file compiles its own) print their rewrite counts and the elapsed time above it, about
    once a second once the work has taken 2 s (cli/live.py); elapsed since `since` (a
    `time.perf_counter()` reading: the command's start), else since the block began."""
    from rich.console import Console

    from graphlens.cli.live import LiveProgress
    from graphlens.compile.hooks import reporting_progress
    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(message), reporting_progress(LiveProgress(
            lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True),
            since=since)):
        yield


def load(path: str, names=(), since: float | None = None):
    """load_model(path, names) with a progress spinner: running a model may take a while
    (`since`: see `progress`)."""
    from graphlens.cli.model import load_model
    with progress(f"running {path}", since=since):
        return load_model(path, names)
