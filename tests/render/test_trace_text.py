"""Tests for graphlens/render/trace_text.py: trace reports in colour on a terminal, plain elsewhere."""

import io
import re

import numpy as np

import graphlens.tensor as T
from graphlens import shared
from graphlens.render.trace_text import emit_report, report_patterns
from graphlens.trace.vanishing import vanishing

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def sgn_report():
    x = T.dmatrix("X")
    w_enc = shared(np.ones((3, 2)), name="W_enc")
    w_dec = shared(np.ones((2, 3)), name="W_dec")
    cost = T.sqr(T.dot(T.sgn(T.dot(x, w_enc)), w_dec) - x).mean()
    return str(vanishing(cost, [w_enc, w_dec]))


def test_a_terminal_shows_the_same_words_with_blocked_in_red(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    text = sgn_report()
    terminal = _Terminal()
    emit_report(text, terminal)
    printed = terminal.getvalue()
    assert ESCAPE.sub("", printed) == text + "\n"
    assert "  \x1b[1;31mBLOCKED\x1b[0m: its gradient is identically zero" in printed
    assert "\x1b[1;32m     fix:\x1b[0m" in printed
    assert re.search(r"\x1b\[36m[^\x1b]*test_trace_text\.py:\d+\x1b\[0m", printed)


def test_a_pipe_gets_the_plain_text(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")      # rich's override applies to terminals only
    text = sgn_report()
    pipe = io.StringIO()
    emit_report(text, pipe)
    assert pipe.getvalue() == text + "\n"


def test_no_color_keeps_a_terminal_plain(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = _Terminal()
    emit_report("  BLOCKED: its gradient is identically zero.", terminal)
    assert "\x1b[3" not in terminal.getvalue()     # no colour (bold alone may stay)


def test_every_status_word_and_suspect_kind_has_its_style():
    styled = {}
    for pattern, style in report_patterns():
        for sample in ("  BLOCKED: x", "  PARTLY BLOCKED: x", "  DISCONNECTED: x",
                       "  INTEGER: x", "  1. nonfinite: h", "  2. zero gradient: W",
                       "  3. saturated: h", "  4. dead units: h", "  5. exploding: g",
                       "  6. vanishing: g"):
            found = re.search(pattern, sample)
            if found:
                styled[found.group(0)] = style
    assert styled == {"BLOCKED": "bold red", "PARTLY BLOCKED": "bold yellow",
                      "DISCONNECTED": "bold magenta", "INTEGER": "bold magenta",
                      "nonfinite": "bold red", "zero gradient": "bold red",
                      "saturated": "yellow", "dead units": "yellow", "exploding": "red",
                      "vanishing": "yellow"}
