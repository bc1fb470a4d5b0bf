"""graph/label.py: one name per op, alike in errors, debugprint, pictures and the profiler."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.compile.profiling import ProfileStats
from graphlens.errors import EvaluationError
from graphlens.graph.label import default_label, value_text
from graphlens.render.debugprint import debugprint
from graphlens.render.labels import op_text
from graphlens.rewrite.specialize import Dot22
from graphlens.tensor.reduce import Sum


def test_the_rule_spells_only_props_that_differ_from_their_defaults_compactly():
    assert Sum(axis=(1,)).label == "Sum{axis=1}"
    assert Sum(axis=(0, 2)).label == "Sum{axis=(0, 2)}"
    assert Dot22().label == "Dot22"
    assert Dot22(transpose_b=True, bias=True).label == "Dot22{transpose_b=True, bias=True}"
    assert T.cast(T.dvector(), "float32").owner.op.label == "Cast{dtype=float32}"
    x = T.dmatrix("x")
    assert x[1:3, ::2].owner.op.label == "Subtensor{1:3, ::2}"
    assert x.dimshuffle("x", 0, 1).owner.op.label == "DimShuffle{x,0,1}"


def test_values_print_as_plain_data_and_functions_by_their_name():
    assert value_text(("float32",)) == "float32"
    assert value_text([2.0, 3]) == "[2.0, 3]"
    assert value_text(np.float32(0.5)) == "0.5"
    assert value_text(test_values_print_as_plain_data_and_functions_by_their_name) == \
        "test_values_print_as_plain_data_and_functions_by_their_name"
    assert value_text(object()) == "object"          # never an id()


def test_an_op_that_names_itself_overrides_label_and_every_view_reads_that():
    x = T.dvector("x")
    add = (x + x * 2).owner.op
    assert default_label(add) == "Add" and add.label == "Add"
    f = function([x], T.exp(x) * 2 + x)
    (fused,) = [node for node in f.fgraph.toposort() if node.op.inner_graphs]
    assert fused.op.label == "Composite{exp(i0) * 2.0 + i0}"
    assert default_label(fused.op) == "Composite"          # the formula is the class's own
    assert debugprint(f, file="str").startswith("Composite{exp(i0) * 2.0 + i0} [id A]")
    assert op_text(fused.op) == fused.op.label


def test_an_error_debugprint_pictures_and_the_profiler_name_an_op_alike():
    a, b = T.dmatrices("a", "b")
    stats = ProfileStats(atexit_print=False)
    f = function([a, b], T.dot(a, b.T), profile=stats)
    (node,) = f.fgraph.toposort()
    name = "Dot22{transpose_b=True}"
    assert node.op.label == name and op_text(node.op) == name
    assert debugprint(f, file="str").startswith(f"{name} [id A]")
    f(np.ones((2, 3)), np.ones((4, 3)))
    assert list(stats.op_time()) == [name]
    with pytest.raises(EvaluationError, match=r"^Dot22\{transpose_b=True\} failed at "):
        f(np.ones((2, 3)), np.ones((4, 2)))


def test_an_index_op_is_named_by_its_index_in_an_error():
    x, i = T.dvector("x"), T.lvector("i")
    out = T.inc_subtensor(x[i], 1.0)
    assert out.owner.op.label == "AdvancedIncSubtensor{adv, inc}"
    f = function([x, i], out, mode="FAST_COMPILE")
    with pytest.raises(EvaluationError, match=r"^AdvancedIncSubtensor\{adv, inc"):
        f(np.zeros(3), np.array([5]))
