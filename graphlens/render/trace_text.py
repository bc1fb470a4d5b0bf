"""The text reports of `graphlens trace` in colour on a terminal: BLOCKED in red, fixes in green.

The report's words come from `trace/report.py` (one text, for pipes, logs and golden tests);
this module only says which of them to colour, by pattern, so a terminal shows the very text a
pipe receives. Statuses and suspect kinds take the styles `trace/report.py` gives them.

>>> emit_report(str(vanishing(cost, params)))       # on a terminal: BLOCKED red  # doctest: +SKIP
"""

from __future__ import annotations

import re

from graphlens.render.console import emit_text
from graphlens.trace.report import SUSPECT_STYLE, status_styles

# A user's file and line, `model.py:12`, wherever the report names one.
_WHERE = r"[\w.<>/\\-]+\.py:\d+"


def report_patterns() -> list:
    """[(regex, rich style)] for the vanishing, statistics and NaN-birthplace reports.

    >>> ('(?m)(?<=^  )BLOCKED(?=:)', 'bold red') in report_patterns()
    True
    """
    patterns = [(r"(?m)^(Vanishing gradients|Gradient statistics) of .*$", "bold"),
                (r"(?m)^where the NaN/Inf is born:$", "bold"),
                (r"(?m)^clean:", "bold green"),
                (r"(?m)^No suspects:", "bold green"),
                (r"(?m)^Gradient flows on every path to:", "green"),
                (r"(?m)^\s+why:", "dim"),
                (r"(?m)^\s+fix:", "bold green"),
                (_WHERE, "cyan")]
    # The status word opens its line, two spaces in: "  BLOCKED: its gradient is ...".
    patterns += [(rf"(?m)(?<=^  ){re.escape(word)}(?=:)", style)
                 for word, style in status_styles().items()]
    # A suspect opens its numbered line: "  1. saturated: h1 at model.py:9: ...".
    patterns += [(rf"(?m)(?<=\d\. ){re.escape(kind.replace('_', ' '))}(?=:)", style)
                 for kind, style in SUSPECT_STYLE.items()]
    # NaN birthplaces: "  forward: Log produced ...", "  backward: the gradient of ...".
    patterns.append((r"(?m)(?<=^  )(forward|backward)(?=:)", "bold red"))
    return patterns


def emit_report(text: str, file=None):
    """Print a trace report's text: coloured on a terminal, plain in a pipe or a file.

    >>> emit_report(str(vanishing(cost, params)))     # BLOCKED in red on a tty  # doctest: +SKIP
    """
    emit_text(text, report_patterns(), file)
