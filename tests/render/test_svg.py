"""Tests for graphlens/render/svg.py: SVG text of graphs, deterministic and safely escaped."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import config, function, grad, shared
from graphlens.render.dot import to_dot
from graphlens.render.svg import chosen_backend, to_svg

REPO = Path(__file__).resolve().parents[2]

# A child process builds a small trained model and prints the SHA-256 of its DOT and SVG.
HASH_SCRIPT = textwrap.dedent("""
    import hashlib, sys
    import numpy as np
    import graphlens.tensor as T
    from graphlens import function, grad, shared
    from graphlens.render import to_dot, to_svg
    x, y = T.dmatrix("x"), T.dvector("y")
    w = shared(np.zeros(3), name="layer/w"); b = shared(0.0, name="layer/b")
    p = T.sigmoid(T.dot(x, w) + b)
    cost = T.mean(-y * T.log(p) - (1 - y) * T.log(1 - p))
    gw, gb = grad(cost, [w, b])
    f = function([x, y], cost, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    dot = to_dot(f, stage="both")
    svg = to_svg(f, stage="both", backend="wasm")
    print(hashlib.sha256(dot.encode()).hexdigest(), hashlib.sha256(svg.encode()).hexdigest())
""")

NASTY_NAMES = ["<script>alert(1)</script>", 'a"b&c', "new\nline", "back\\slash", "&lt;b&gt;"]


def test_svg_has_one_group_per_node_with_our_ids_and_tooltips():
    x = T.dvector("x")
    svg = to_svg(T.exp(x) - x, backend="wasm")
    assert svg.startswith("<?xml") and svg.endswith("</svg>\n")
    ids = re.findall(r'<g id="(\w+)" class="node (\w+)">', svg)
    assert ids == [("g_v0", "input"), ("g_n0", "op"), ("g_n1", "op"), ("g_o0", "output")]
    assert 'xlink:title="Sub&#10;output: float64[?]&#10;built at ' in svg
    # Sub's inputs are ordered: its edges say which argument is which.
    assert sorted(re.findall(r'font-size="9.00" fill="#555555">(\d)</text>', svg)) == ["0", "1"]


def test_same_function_gives_identical_dot_and_svg_across_processes_and_hash_seeds():
    children = []
    for seed in ("0", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO))
        env.pop("GRAPHLENS_FLAGS", None)
        # Both at once: each pays the wasm module's one-off compile.
        children.append(subprocess.Popen([sys.executable, "-c", HASH_SCRIPT], env=env, cwd=REPO,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True))
    results = [child.communicate(timeout=120) for child in children]
    for child, (_, stderr) in zip(children, results):
        assert child.returncode == 0, stderr
    digests = [stdout.split() for stdout, _ in results]
    assert len(digests[0]) == 2 and digests[0] == digests[1]


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_any_name_shows_as_typed_and_never_as_markup(name):
    var = T.dvector(name)
    svg = to_svg(T.exp(var), backend="wasm")
    shown = name.replace("\n", "\\n")                  # control characters print escaped
    escaped = (shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               .replace('"', "&quot;"))
    assert f">{escaped}</text>" in svg
    assert "<script" not in svg and "alert(1)</" not in svg


def test_config_layout_chooses_the_backend_unless_one_is_given():
    assert chosen_backend("system") == "system"
    assert chosen_backend(None) is None
    with config.change_flags(layout="wasm"):
        assert chosen_backend(None) == "wasm"
        assert chosen_backend("auto") == "auto"


def test_config_layout_wasm_draws_through_webassembly_even_with_dot_on_path():
    y = T.exp(T.dvector("x"))
    with config.change_flags(layout="wasm"):
        forced = to_svg(y)
    assert forced == to_svg(y, backend="wasm")
    assert forced.startswith("<?xml") and ">Exp</text>" in forced


def test_mlp_after_rewrites_renders_with_the_wasm_backend():
    rng = np.random.default_rng(0)
    x, t = T.dmatrix("x"), T.dmatrix("t")
    W1 = shared(rng.normal(size=(4, 5)), name="layer1/W")
    W2 = shared(rng.normal(size=(5, 3)), name="layer2/W")
    h = T.tanh(T.dot(x, W1))
    out = T.nnet.softmax(T.dot(h, W2))
    cost = T.mean(T.nnet.categorical_crossentropy(out, t))
    g1, g2 = grad(cost, [W1, W2])
    train = function([x, t], cost, updates=[(W1, W1 - 0.1 * g1), (W2, W2 - 0.1 * g2)])
    svg = to_svg(train, stage="both", backend="wasm")
    assert svg.count('class="cluster"') >= 2
    assert '<title>cluster_b</title>' in svg and '<title>cluster_a</title>' in svg


def test_function_name_with_a_backslash_shows_one_backslash_in_the_title():
    x = T.dvector("x")
    svg = to_svg(function([x], x * 2, name="a\\b"), stage="after", backend="wasm")
    titles = re.findall(r"function &#39;(.*?)&#39;", svg)
    assert titles == ["a\\b"]


def _box_top(svg, key):
    """The smallest y of the outline of the box `key` in Graphviz's SVG (y grows downward)."""
    group = svg[svg.index(f'id="{key}"'):]
    points = re.search(r'<(?:path|polygon) [^>]*(?:d|points)="([^"]+)"', group).group(1)
    return min(float(y) for y in re.findall(r"[ ,ML]?-?[\d.]+,(-?[\d.]+)", points))


def test_before_stays_above_after_when_ranks_run_across():
    """Graphviz stacks what TB sets side by side; the 'before' box must still come first."""
    x = T.dvector("x")
    f = function([x], T.exp(x) * 2 + 1)
    svg = to_svg(f, stage="both", rankdir="LR")
    assert _box_top(svg, "cluster_b") < _box_top(svg, "cluster_a")
    # Ranks running down keep the DOT's own order: before to the left.
    dot = to_dot(f, stage="both", rankdir="TB")
    assert dot.index("subgraph cluster_b") < dot.index("subgraph cluster_a")
