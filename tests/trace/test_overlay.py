"""Overlays: blocked paths and runtime statistics as styles on the picture of a graph."""

import time

from graphlens.trace import vanishing
from graphlens.render.trace_overlay import (BLOCKER_STYLE, FRONTIER_STYLE, PATH_STYLE, RED, Overlay,
                                     stats_overlay, trace_dot, vanishing_overlay)
from graphlens.trace.stats import gradient_stats
from gallery_models import load


def _sgn_nodes(model):
    sgn_node = model.code.owner
    dot_node = sgn_node.inputs[0].owner
    return sgn_node, dot_node


def test_vanishing_overlay_marks_the_blocker_the_blocked_path_and_the_parameter():
    model = load("sgn_autoencoder")
    overlay = vanishing_overlay(vanishing(model.cost, model.params))
    sgn_node, dot_node = _sgn_nodes(model)
    assert {k: v for k, v in overlay.nodes[sgn_node].items() if k != "tooltip_lines"} == \
        BLOCKER_STYLE
    assert overlay.nodes[sgn_node]["tooltip_lines"][1].startswith(
        "fix: use the straight-through estimator")
    assert overlay.edges[(sgn_node, 0)]["penwidth"] == FRONTIER_STYLE["penwidth"]
    # The path from W1 (input 1 of the encoder's dot) up to sgn is dashed red; X's is not.
    assert overlay.edges[(dot_node, 1)]["style"] == PATH_STYLE["style"]
    assert (dot_node, 0) not in overlay.edges
    assert overlay.variables[model.W1]["color"] == RED and model.W2 not in overlay.variables
    assert [label for label, _ in overlay.legend] == [
        "blocks the gradient (op);\nits parameter gets none",
        "dashed red edges: the dead path\nfrom the parameter to the block"]


def test_trace_dot_draws_the_sgn_in_red_with_its_fix_in_the_tooltip():
    model = load("sgn_autoencoder")
    text = trace_dot(model.cost, model.params, inputs=model.example_inputs)
    (sgn_line,) = [line for line in text.splitlines() if 'label="Sgn' in line]
    assert f'color="{RED}"' in sgn_line and 'penwidth="2.6"' in sgn_line
    assert "fix: use the straight-through estimator" in sgn_line
    red_edges = [line for line in text.splitlines() if "->" in line and RED in line]
    assert len(red_edges) == 2              # W1 -> dot (dashed), dot -> sgn (bold)
    assert 'label="gradient trace: W1 blocked; runtime: 1 zero gradient"' in text
    assert text == trace_dot(model.cost, model.params, inputs=model.example_inputs)


def test_fixed_model_picture_has_no_blocked_path():
    model = load("sgn_autoencoder_fixed")
    text = trace_dot(model.cost, model.params)
    assert RED not in text and "every parameter gets a gradient" in text


def test_stats_overlay_shows_dead_units_in_the_label_and_numbers_in_the_tooltip():
    model = load("dead_relu")
    stats = gradient_stats(model.cost, model.params, model.example_inputs)
    overlay = stats_overlay(stats)
    relu = overlay.nodes[model.hidden.owner]
    (relu_stats,) = [n for n in stats.nodes if n.op == "Relu"]
    assert relu["label_lines"] == [f"{relu_stats.dead_units}/64 units dead"]
    assert relu["color"] == RED and relu["fillcolor"].startswith("#")
    assert relu["tooltip_lines"][0] == f"value: {relu_stats.value}"
    assert overlay.variables[model.W1]["tooltip_lines"][1].startswith("gradient: norm ")
    text = trace_dot(model.cost, model.params, inputs=model.example_inputs)
    assert f"units dead" in text and "runtime: 1 dead units" in text


def test_merged_overlays_keep_both_tooltips():
    first = Overlay(nodes={"n": {"color": "a", "tooltip_lines": ["one"]}})
    second = Overlay(nodes={"n": {"color": "b", "tooltip_lines": ["two"]}})
    assert first.merged(second).nodes["n"] == {"color": "b", "tooltip_lines": ["one", "two"]}


def test_trace_dot_renders_to_svg():
    from graphlens.render.layout import render_dot
    model = load("int_labels")
    svg = render_dot(trace_dot(model.cost, model.params), format="svg").decode()
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:400]
    # The blocker's colour and its explanation survive layout into the picture's tooltips.
    assert RED in svg
    assert 'xlink:title="the gradient stops here: a cast to int32 rounds to whole numbers' in svg


def test_vanishing_overlay_of_a_100000_node_chain(long_chain):
    w, cost = long_chain
    report = vanishing(cost, [w])
    start = time.perf_counter()
    overlay = vanishing_overlay(report)
    assert time.perf_counter() - start < 5
    (sgn_node,) = [node for node in overlay.nodes if node.op.label == "Sgn"]
    assert overlay.nodes[sgn_node]["color"] == RED and len(overlay.edges) == 1
