"""Printer lines on a console: through rich (colour) on a terminal, as plain text elsewhere.

`emit` is what `debugprint`, `print_pp` and the CLI call; pipes and files never receive escape
codes, and rich honours NO_COLOR and FORCE_COLOR. rich is imported only when a terminal is
written to: loading it costs more than the rest of the printers, and most output is plain.

>>> emit(formula_lines(cost))         # doctest: +SKIP
"""

from __future__ import annotations

import sys

from graphlens.printer.styled import plain_lines

# The rich style of each style name the printers use.
RICH_STYLES = {
    "op": "bold cyan",
    "name": "yellow",
    "const": "blue",
    "bind": "magenta",
    "type": "green",
    "id": "dim",
    "mark": "dim italic",
    "guide": "dim",
    "keyword": "",
}


def rich_text(lines):
    """Printer lines (ropes) as one rich `Text`, styled."""
    from rich.text import Text
    # Folded, never cropped, when rich prints it in a narrower console: no text is lost.
    text = Text(overflow="fold")
    for position, line in enumerate(lines):
        if position:
            text.append("\n")
        for piece, style in line.segments():
            text.append(piece, RICH_STYLES.get(style) or None)
    return text


def emit(lines, file=None):
    """Write printer lines to `file` (stdout by default): styled on a terminal, else plain."""
    stream = sys.stdout if file is None else file
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        stream.write(plain_lines(lines) + "\n")
        return
    from rich.console import Console
    console = Console(file=stream, highlight=False)
    console.print(rich_text(lines), soft_wrap=True)


def emit_text(text: str, patterns, file=None):
    """Write `text` to `file` (stdout by default); on a terminal, each `(regex, rich style)` of
    `patterns` colours what it matches. The words are the same either way: only colour differs.

    >>> emit_text("BLOCKED: no gradient", [(r"BLOCKED", "bold red")])   # doctest: +SKIP
    """
    stream = sys.stdout if file is None else file
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        stream.write(text + "\n")
        return
    from rich.console import Console
    from rich.text import Text
    styled = Text(text, overflow="fold")
    for pattern, style in patterns:
        styled.highlight_regex(pattern, style)
    Console(file=stream, highlight=False).print(styled, soft_wrap=True)
