"""The branches of a lazy ifelse on the picture (graph/branches.py finds the ops, render/
branch_overlay.py draws them; Theano's pydotprint `cond_highlight`): which ops run only for the
then branch, only for the else branch, or for either; nested ifelses; the warning on
graphlens's logger when there is no ifelse, as Theano gave; graphlens's logger itself."""

import io
import logging

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, pydotprint
from graphlens.graph.branches import branch_marks
from graphlens.ifelse import ifelse
from graphlens.render.branch_overlay import KINDS, branch_overlay

THEN, ELSE, EITHER = (colour for _, colour, _ in KINDS)


@pytest.fixture
def model():
    """gate = ifelse(a < b, dot(tanh(s), x) + sum(s), mean(x)), s = exp(x) * 2; outer =
    ifelse(a > 0, gate, sum(log(s))): s feeds both of outer's branches, mean only gate's else."""
    a, b = T.dscalars("a", "b")
    x = T.dvector("x")
    s = T.exp(x) * 2
    tanh = T.tanh(s)
    mean = T.mean(x)
    log = T.log(s)
    gate = ifelse(T.lt(a, b), T.dot(tanh, x) + T.sum(s), mean, name="gate")
    outer = ifelse(T.gt(a, 0), gate, T.sum(log))
    return dict(a=a, b=b, x=x, s=s, tanh=tanh, mean=mean, log=log, gate=gate, outer=outer,
                product=a * b)


def _names(marks, var, choice):
    return dict((c, names) for c, names in marks[var.owner])[choice.owner]


def test_each_op_is_marked_by_the_branches_that_read_it(model):
    m = model
    marks = branch_marks([m["outer"], m["product"]])
    assert _names(marks, m["tanh"], m["gate"]) == ("then",)
    assert _names(marks, m["mean"], m["gate"]) == ("else",)
    assert _names(marks, m["log"], m["outer"]) == ("else",)
    # s is read through gate (outer's then) and through log (outer's else).
    assert _names(marks, m["s"], m["outer"]) == ("then", "else")
    # Nested: tanh runs only for gate's then, which runs only for outer's then; innermost first.
    assert [names for _, names in marks[m["tanh"].owner]] == [("then",), ("then",)]
    assert [c for c, _ in marks[m["tanh"].owner]] == [m["gate"].owner, m["outer"].owner]
    # a * b is an output: it always runs, as do the conditions of the outer choice.
    assert m["product"].owner not in marks
    assert m["outer"].owner.inputs[0].owner not in marks
    # s also read by an output: it always runs, so it is no longer marked for outer.
    assert m["s"].owner not in branch_marks([m["outer"], m["s"]])


def test_the_picture_draws_borders_and_a_legend_and_leaves_the_rest(model):
    m = model
    f = function([m["a"], m["b"], m["x"]], [m["outer"], m["product"]])
    overlay = branch_overlay(f, "before")
    before = f.fgraph_before
    by_label = {}
    for node in before.apply_nodes:
        by_label.setdefault(node.op.label, []).append(overlay.nodes.get(node, {}).get("color"))
    assert by_label["Tanh"] == [THEN] and by_label["Mean{axis=0}"] == [ELSE]
    assert by_label["Exp"] == [EITHER] and by_label["Log"] == [ELSE]
    assert sorted(map(str, by_label["Mul"])) == sorted([EITHER, "None"])   # s's Mul, a * b
    (tanh,) = [n for n in before.apply_nodes if n.op.label == "Tanh"]
    assert overlay.nodes[tanh]["tooltip_lines"] == [
        "only for the then branch of ifelse 'gate' (tests/render/test_branch_overlay.py:32)",
        "only for the then branch of the ifelse (tests/render/test_branch_overlay.py:33)"]
    dot = pydotprint(f, stage="both", cond_highlight=True, format="dot")
    assert "runs only when the condition holds (then)" in dot and THEN in dot and ELSE in dot
    assert "colour = the rewrite that made the node" in dot     # the fills keep their meaning
    # Named: only gate's ops; the outer's own else (Log) is left plain.
    named = branch_overlay(f, "before", "gate")
    (log,) = [n for n in before.apply_nodes if n.op.label == "Log"]
    assert log not in named.nodes and named.nodes[tanh]["color"] == THEN
    # The compiled graph is marked too: its Tanh runs only for gate's then.
    after = branch_overlay(f, "after")
    compiled = [n for n in f.fgraph.apply_nodes if n in after.nodes]
    assert compiled and all(after.nodes[n]["color"] in (THEN, ELSE, EITHER) for n in compiled)
    np.testing.assert_allclose(f(1.0, 2.0, np.zeros(3))[0], 0.0 + 6.0)


def test_no_ifelse_warns_on_graphlens_logger_as_theano_did():
    x = T.dvector()
    f = function([x], x * 2)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    graphlens.graphlens_logger.removeHandler(graphlens.logging_default_handler)
    graphlens.graphlens_logger.addHandler(handler)
    try:
        svg = pydotprint(f, cond_highlight=True, print_output_file=False)
        pydotprint(ifelse(T.lt(x.sum(), 0), x, -x), cond_highlight="gate", format="dot")
    finally:
        graphlens.graphlens_logger.addHandler(graphlens.logging_default_handler)
        graphlens.graphlens_logger.removeHandler(handler)
    assert stream.getvalue() == (
        "pydotprint: cond_highlight is set but there is no IfElse node in the graph\n"
        "pydotprint: cond_highlight is set but there is no IfElse node named 'gate' in the "
        "graph\n")
    assert svg.startswith("<?xml") or svg.startswith("<svg")


def test_graphlens_logger_is_theanos_with_its_default_handler():
    assert graphlens.graphlens_logger is logging.getLogger("graphlens")
    assert graphlens.logging_default_handler in graphlens.graphlens_logger.handlers
    record = logging.getLogger("graphlens.printing").makeRecord(
        "graphlens.printing", logging.WARNING, "m.py", 1, "hello %s", ("there",), None)
    assert (graphlens.logging_default_handler.format(record)
            == "WARNING (graphlens.printing): hello there")
    graphlens.disable_log_handler()
    try:
        assert graphlens.logging_default_handler not in graphlens.graphlens_logger.handlers
    finally:
        graphlens.graphlens_logger.addHandler(graphlens.logging_default_handler)


def test_the_legend_lists_only_the_kinds_drawn():
    a, x = T.dscalar("a"), T.dvector("x")
    overlay = branch_overlay(ifelse(T.gt(a, 0), T.sum(T.exp(x)), T.mean(x)), "after")
    assert [text for text, _ in overlay.legend] == [
        "runs only when the condition holds (then)", "runs only when the condition fails (else)"]
