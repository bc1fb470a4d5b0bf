"""Tests for graphlens/render/style.py: rewrite colours stay apart from the colours that mean a
kind of node or a trace mark, so a coloured op is never read as an input or a blocked node."""

import itertools
import math

import pytest

from graphlens.render import trace_overlay
from graphlens.render.style import (CLUSTER_ATTRS, KIND_ATTRS, RULE_COLOR_DISTANCE,
                                    RULE_PALETTE, rule_colors)


def lab(colour):
    """CIE L*a*b* (D65) of an sRGB '#rrggbb'."""
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in (red, green, blue)]
    x = (0.4124 * linear[0] + 0.3576 * linear[1] + 0.1805 * linear[2]) / 0.95047
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    z = (0.0193 * linear[0] + 0.1192 * linear[1] + 0.9505 * linear[2]) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def distance(first, second):
    """CIE76 colour difference: about 2.3 is just noticeable; 20 reads as another colour."""
    return math.dist(lab(first), lab(second))


def meaningful_colours():
    """{what it means: colour} for every fill or border that says what a node is or what a
    trace found."""
    colours = {f"{kind} fill": attrs["fillcolor"] for kind, attrs in KIND_ATTRS.items()
               if attrs.get("fillcolor", "").startswith("#")}
    colours.update({f"{kind} box": attrs["fillcolor"] for kind, attrs in CLUSTER_ATTRS.items()
                    if attrs.get("fillcolor", "").startswith("#")})
    colours.update({"trace red": trace_overlay.RED, "trace orange": trace_overlay.ORANGE,
                    "blocked fill": trace_overlay.BLOCKED_FILL,
                    "saturated": "#%02x%02x%02x" % trace_overlay.SATURATED_COLOR,
                    "dead units": "#%02x%02x%02x" % trace_overlay.DEAD_COLOR})
    return colours


def test_known_distances_match_the_cie76_formula():
    assert distance("#000000", "#ffffff") == pytest.approx(100.0, abs=1e-4)
    assert distance("#c7e9c0", "#c7e9c0") == 0.0
    assert 7.5 < distance("#c9d4f5", "#c6dbef") < 8.5     # the old periwinkle vs output blue


def test_no_rewrite_colour_is_confusable_with_a_kind_or_trace_colour():
    kinds = meaningful_colours()
    assert {"input fill", "output fill", "shared fill", "random fill", "op fill",
            "blocked fill"} <= set(kinds)
    for colour in RULE_PALETTE:
        meaning, nearest = min(kinds.items(), key=lambda item: distance(colour, item[1]))
        assert distance(colour, nearest) >= RULE_COLOR_DISTANCE, (colour, meaning)


def test_rewrite_colours_are_apart_from_each_other_and_light_enough_for_black_text():
    for first, second in itertools.combinations(RULE_PALETTE, 2):
        assert distance(first, second) >= 15, (first, second)
    assert all(lab(colour)[0] >= 70 for colour in RULE_PALETTE)


def test_each_rule_of_a_picture_gets_its_own_colour_while_the_palette_lasts():
    rules = [f"rule_{number}" for number in range(len(RULE_PALETTE))]
    assert sorted(rule_colors(rules).values()) == sorted(RULE_PALETTE)
