"""Tests for graphlens/render/pp.py (with formula.py, forms.py, latex.py and naming.py)."""

from dataclasses import dataclass
import gc
import re

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.graph.basic import Apply
from graphlens.graph.inner import InnerGraph
from graphlens.graph.notation import ADD, Func, Infix
from graphlens.graph.op import Op
from graphlens.printer.expression import formula_label
from graphlens.render.pp import pp
from graphlens.printer.styled import collector_paused
from graphlens.tensor.elemwise import BinaryElemwise
from graphlens.tensor.type import TensorType

from tests.render import golden_cases
from tests.render.golden_cases import CASES, LATEX_CASES, check_golden

x, y, z = T.dscalars("x", "y", "z")
a, b, c = T.dscalars("a", "b", "c")


def test_pp_is_the_lazy_top_level_name():
    # Theano's theano.pp is theano.printing.pp, a PPrinter users assign op printers to; with
    # nothing assigned it prints exactly as render.pp.pp.
    from graphlens.render.pprinter import pprint
    assert graphlens.pp is pprint
    assert graphlens.pp(x + y) == pp(x + y) == "x + y"


@pytest.mark.parametrize("expr, text", [
    (x + y * z, "x + y * z"),
    ((x + y) * z, "(x + y) * z"),
    (a - (b - c), "a - (b - c)"),
    ((a - b) - c, "a - b - c"),
    ((a * b) + c, "a * b + c"),
    (a + (b + c), "a + b + c"),
    (a + (b - c), "a + (b - c)"),
    (a / (b * c), "a / (b * c)"),
    ((a / b) * c, "a / b * c"),
    (a ** b ** c, "a ** b ** c"),
    ((a ** b) ** c, "(a ** b) ** c"),
    (-a, "-a"),
    (-(a + b), "-(a + b)"),
    (-a * b, "-a * b"),
    (-(a * b), "-(a * b)"),
    (-(-a), "-(-a)"),
    (a - (-b), "a - (-b)"),
    (a ** -b, "a ** (-b)"),
    ((-a) ** b, "(-a) ** b"),
    (-(a ** b), "-a ** b"),
    ((a < b) & (b < c), "(a < b) & (b < c)"),
    (T.lt(T.lt(a, b), c), "(a < b) < c"),
    ((a + b) < c, "a + b < c"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_parentheses_follow_precedence_and_associativity(expr, text):
    assert pp(expr) == text


def test_named_ops_print_as_calls_with_their_params():
    m = T.fmatrix("m")
    v = T.fvector("v")
    assert pp(T.exp(x)) == "exp(x)"
    assert pp(T.sum(m, axis=1)) == "sum(m, axis=1)"
    assert pp(m.sum()) == "sum(m)"
    assert pp(v.mean()) == "mean(v)"
    assert pp(T.argmax(m, axis=0)) == "argmax(m, axis=0)"
    assert pp(T.maximum(x, y)) == "maximum(x, y)"
    assert pp(T.cast(m, "int32")) == "cast(m, dtype='int32')"
    assert pp(T.nnet.softmax(m)) == "softmax(m)"


def test_indexing_prints_slices_symbolic_bounds_and_index_arrays():
    m = T.fmatrix("m")
    i = T.lscalar("i")
    labels = T.ivector("labels")
    assert pp(m[1:3, ::2]) == "m[1:3, ::2]"
    assert pp(m[i:, -1]) == "m[i:, -1]"
    assert pp(m[i, i + 1:]) == "m[i, i + 1:]"
    assert pp(m[T.arange(m.shape[0]), labels]) == "m[arange(m.shape[0]), labels]"
    assert pp((m + m)[0]) == "(m + m)[0]"
    assert pp(T.set_subtensor(m[1:3], m[0:2])) == "set_subtensor(m[1:3], m[0:2])"
    assert pp(T.inc_subtensor(m[labels], m[0])) == "inc_subtensor(m[labels], m[0][None, :])"


def test_transposes_and_broadcasting_print_as_numpy_would():
    m = T.fmatrix("m")
    v = T.fvector("v")
    t3 = T.ftensor3("t3")
    assert pp(m.T) == "m.T"
    assert pp(v[:, None]) == "v[:, None]"
    assert pp(v.dimshuffle("x", 0)) == "v[None, :]"
    assert pp(m + v) == "m + v[None, :]"
    assert pp(t3.transpose(1, 0, 2)) == "t3.transpose(1, 0, 2)"
    assert pp(t3.dimshuffle(2, "x", 0, 1)) == "t3.dimshuffle(2, 'x', 0, 1)"
    assert pp(T.row("r").dimshuffle(1)) == "r[0, :]"
    assert pp((m * 2).T) == "(m * 2.0).T"


def test_dot_prints_as_at_in_every_rank():
    m, n = T.dmatrices("m", "n")
    v = T.dvector("v")
    assert pp(T.dot(m, n)) == "m @ n"
    assert pp(m @ v) == "m @ v"
    assert pp(T.dot(v, m)) == "v @ m"
    assert pp(m * (n @ n)) == "m * (n @ n)"
    assert pp((m * n) @ n) == "(m * n) @ n"
    assert pp((m @ n) * m) == "(m @ n) * m"


def test_constants_are_compact():
    v = T.fvector("v")
    m = T.fmatrix("m")
    assert pp(v * 2) == "v * 2.0"
    assert pp(v * np.float32(0.1)) == "v * 0.1"
    assert pp(v + T.constant(np.arange(3, dtype="float32"))) == "v + [0.0, 1.0, 2.0]"
    assert pp(m @ T.constant(np.ones((3, 4), dtype="float32"))) == "m @ float32[3, 4]"
    assert pp(T.constant([[1, 2], [3, 4]])) == "[[1, 2], [3, 4]]"
    assert pp(T.constant(7)) == "7"
    assert pp(T.iscalar("k") + T.constant(np.int32(-3))) == "k + (-3)"


@pytest.mark.parametrize("value, text", [
    (np.float64(0.1), "0.1"), (np.float64(1e16), "1e+16"), (np.float64(1e15), "1000000000000000.0"),
    (np.float64(1e-05), "1e-05"), (np.float64(-0.0), "-0.0"), (np.float64(np.inf), "inf"),
    (np.float64(np.nan), "nan"), (np.float64(1 / 3), "0.3333333333333333"),
    (np.float32(1 / 3), "0.33333334"), (np.float16(0.1), "0.1"),
    (np.int8(-128), "-128"), (np.uint64(2**64 - 1), "18446744073709551615"), (np.bool_(True), "True"),
])
def test_one_element_constants_print_their_shortest_exact_text(value, text):
    # A float32 is not printed through the float64 it converts to (0.3333333432674408).
    assert pp(T.constant(value)) == text
    assert pp(T.constant(np.array([value]))) == text


def test_unnamed_variables_get_stable_names_that_avoid_user_names():
    first, second = T.dmatrix(), T.dmatrix()
    named_v1 = T.dmatrix("v1")
    expr = first @ second + named_v1
    assert pp(expr) == "v2 @ v3 + v1"
    assert pp(expr) == pp(expr)
    s = shared(np.ones(2))
    assert pp(s * 2) == "s1 * 2.0"


def test_two_variables_with_one_name_print_differently():
    first, second = T.dvector("x"), T.dvector("x")
    assert pp(first + second) == "x + x_2"


def test_sub_expression_used_twice_is_bound_once():
    m, W = T.dmatrices("m", "W")
    s = T.nnet.sigmoid(m @ W)
    assert pp(s * (1 - s)) == "%1 = sigmoid(m @ W)\n%1 * (1.0 - %1)"


def test_short_postfix_pieces_repeat_instead_of_binding():
    m = T.dmatrix("m")
    t = m.T
    assert pp(t @ t) == "m.T @ m.T"
    assert pp(t[0] + t[0]) == "m.T[0] + m.T[0]"


def test_named_intermediate_used_twice_is_bound_under_its_name():
    v = T.dvector("v")
    h = T.tanh(v * 3)
    h.name = "h"
    assert pp(h * h + T.exp(h)) == "h = tanh(v * 3.0)\nh * h + exp(h)"
    assert pp(h + 1) == "tanh(v * 3.0) + 1.0"


def test_two_layer_mlp_gradient_fits_on_a_screen():
    m = golden_cases.mlp()
    text = pp(m["grads"][0])
    lines = text.splitlines()
    assert len(lines) <= 25
    assert max(len(line) for line in lines) <= 100
    # The backward pass reads the forward tanh and softmax (one each), not copies of them.
    assert lines[0] == "%1 = tanh(x @ W1 + b1[None, :])"
    assert lines[1] == "%2 = softmax(%1 @ W2 + b2[None, :])"
    assert lines[-1].endswith("+ %7")
    assert "x.T @ " in text and "(1.0 - sqr(%1))" in text and text.count("softmax(") == 1


def test_long_formulas_are_split_at_their_widest_part():
    v = T.dvector("a_rather_long_variable_name")
    expr = v
    for _ in range(12):
        expr = T.tanh(expr) + v
    lines = pp(expr).splitlines()
    assert len(lines) == 7
    assert all(len(line) <= 100 for line in lines)
    assert lines[0] == "%1 = tanh(tanh(a_rather_long_variable_name) + a_rather_long_variable_name)"
    assert lines[1] == ("%2 = tanh(tanh(%1 + a_rather_long_variable_name) + "
                        "a_rather_long_variable_name)")
    assert lines[-1] == "%6 + a_rather_long_variable_name"


def test_compiled_function_prints_outputs_and_updates():
    data = T.dvector("data")
    w = shared(np.zeros(3), name="w")
    cost = ((data - w) ** 2).sum()
    f = function([data], cost, updates=[(w, w - 0.1 * grad(cost, w))], mode="NONE")
    assert pp(f) == (
        "%1 = data - w\n"
        "%2 = %1 ** 2.0\n"
        "out1 = sum(%2)\n"
        "w <- w - 0.1 * (-(fill(%2, 1.0) * 2.0 * %1 ** (2.0 - 1.0)))")


def test_compiled_function_prints_the_graph_after_rewrites_by_default():
    v = T.dvector("v")
    f = function([v], T.exp(v) * 2, mode="NONE")
    # A rewrite, made by hand through the FunctionGraph's public replace.
    old = f.fgraph.outputs[0]
    f.fgraph.replace(old, 2 * T.exp(f.fgraph.inputs[0]), reason="test")
    assert pp(f) == "out1 = 2.0 * exp(v)"
    assert pp(f, stage="before") == "out1 = exp(v) * 2.0"
    with pytest.raises(ValueError, match="stage"):
        pp(f, stage="during")


def test_outputs_are_labelled_by_name_or_position():
    v = T.dvector("v")
    loss = (v ** 2).sum()
    loss.name = "loss"
    assert pp([loss, v, T.exp(v)]) == "loss = sum(v ** 2.0)\nout1 = v\nout2 = exp(v)"


def test_an_output_listed_twice_refers_to_its_first_label():
    e = T.exp(T.dvector("v"))
    assert pp([e, e, e + 1]) == "out1 = exp(v)\nout2 = out1\nout3 = out1 + 1.0"


def test_an_apply_node_prints_its_output():
    v = T.dvector("v")
    assert pp(T.exp(v).owner) == "exp(v)"


def test_names_with_control_characters_stay_on_one_line():
    v = T.dvector("two\nlines")
    assert pp(T.exp(v)) == "exp(two\\nlines)"


def test_printing_leaves_the_garbage_collector_as_it_was():
    v = T.dvector("v")
    gc.enable()
    pp(T.exp(v))
    assert gc.isenabled()
    gc.disable()
    try:
        pp(T.exp(v))
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError):
        with collector_paused():
            raise RuntimeError("inside")
    assert gc.isenabled()


def test_pp_refuses_what_it_cannot_print_with_a_clear_message():
    with pytest.raises(TypeError, match="pp and debugprint print a variable.*got int"):
        pp(3)


def test_latex_output():
    v = T.dvector("v")
    W1 = T.dmatrix("W1")
    alpha = T.dscalar("alpha")
    assert pp(T.exp(x) / (1 + y), latex=True) == r"\frac{\exp\left(x\right)}{1.0 + y}"
    assert pp(x ** (y + 1), latex=True) == r"{x}^{y + 1.0}"
    assert pp(W1.T @ v, latex=True) == r"{W_{1}}^{\top} \, v"
    assert pp(T.sqrt(alpha) * abs(v), latex=True) == r"\sqrt{\alpha} \cdot \left|v\right|"
    assert pp(v * 1e-5, latex=True) == r"v \cdot 10^{-5}"
    assert pp(v * 2.5e-7, latex=True) == r"v \cdot 2.5 \cdot 10^{-7}"
    assert pp(T.sum(W1, axis=1), latex=True) == \
        r"\operatorname{sum}\left(W_{1}, \mathrm{axis}=1\right)"
    s = T.nnet.sigmoid(v)
    assert pp(s * (1 - s), latex=True) == (
        "\\begin{aligned}\n"
        "t_{1} &= \\operatorname{sigmoid}\\left(v\\right) \\\\\n"
        "& t_{1} \\cdot \\left(1.0 - t_{1}\\right)\n"
        "\\end{aligned}")


@dataclass(frozen=True)
class Hypot(BinaryElemwise):
    """sqrt(x**2 + y**2): a new op that only declares its notation."""

    nfunc = staticmethod(np.hypot)
    notation = Func("hypot")


@dataclass(frozen=True)
class ShiftLeft(BinaryElemwise):
    """x << y, a new infix op between + and comparisons."""

    nfunc = staticmethod(np.left_shift)
    notation = Infix("<<", ADD - 5, associative=False)


@dataclass(frozen=True)
class Scale(BinaryElemwise):
    """x * factor, optionally clipped: params with defaults print only when changed."""

    factor: float = 1.0
    clip: bool = False
    notation = Func("scale", params=("factor", "clip"))


@dataclass(frozen=True)
class Blur(Op):
    """An op without any notation: printed by the fallback."""

    radius: int = 2

    def make_node(self, v):
        return Apply(self, [v], [v.type()])


def test_a_new_op_prints_from_its_notation_without_printer_changes():
    assert pp(Hypot()(x, y) * 2) == "hypot(x, y) * 2.0"
    i, j = T.lscalars("i", "j")
    assert pp(ShiftLeft()(i + 1, j) < j) == "i + 1 << j < j"
    assert pp(ShiftLeft()(i, j) * 2) == "(i << j) * 2"
    assert pp(ShiftLeft()(i, ShiftLeft()(i, j))) == "i << (i << j)"


def test_params_left_at_their_defaults_are_not_printed():
    assert pp(Scale()(x, y)) == "scale(x, y)"
    assert pp(Scale(2.5)(x, y)) == "scale(x, y, factor=2.5)"
    assert pp(Scale(clip=True)(x, y)) == "scale(x, y, clip=True)"


def test_an_op_without_notation_prints_by_the_fallback_with_its_non_default_params():
    v = T.dvector("v")
    assert pp(Blur(radius=3)(v) + 1) == "Blur{radius=3}(v) + 1.0"
    assert pp(Blur()(v) + 1) == "Blur(v) + 1.0", "a param at its default says nothing"


@dataclass(frozen=True)
class Fused(Op):
    """A stand-in for the fusion rewrite's composite: it exposes its inner graph."""

    inner_inputs: tuple
    inner_outputs: tuple

    @property
    def inner_graphs(self):
        return (InnerGraph(self.inner_inputs, self.inner_outputs,
                           tuple(range(len(self.inner_inputs)))),)

    @property
    def label(self):
        # As the fusion's Composite names itself: by its inner formula, `Fused{i0 * exp(i1)}`.
        return formula_label(self, "Fused")

    def make_node(self, *inputs):
        return Apply(self, list(inputs), [self.inner_outputs[0].type()])


def _fused(build, *outer):
    inner = tuple(TensorType(v.dtype, v.type.shape)() for v in outer)
    return Fused(inner, (build(*inner),))(*outer)


def test_fused_op_prints_its_inner_formula_with_the_arguments_substituted():
    m, n = T.dmatrices("m", "n")
    fused = _fused(lambda p, q: p * T.exp(q) + 1, m @ n, m)
    assert pp(fused) == "(m @ n) * exp(m) + 1.0"
    assert pp(fused.T) == "((m @ n) * exp(m) + 1.0).T"


def test_wide_fused_formula_is_split_at_its_outer_arguments():
    m = T.dmatrix("matrix")
    first, second, third = T.exp(m) @ T.tanh(m) @ m, T.sin(m) @ T.cos(m) @ m, T.sqrt(m) @ m.T
    fused = _fused(lambda p, q, r: T.sqrt(p * 2 + 1) / (T.exp(q) + T.log1p(r + 3)),
                   first, second, third)
    assert pp(fused).splitlines() == [
        "%1 = exp(matrix) @ tanh(matrix) @ matrix",
        "%2 = sin(matrix) @ cos(matrix) @ matrix",
        "sqrt(%1 * 2.0 + 1.0) / (exp(%2) + log1p(sqrt(matrix) @ matrix.T + 3.0))"]


def test_fused_op_argument_used_several_times_inside_is_bound_first():
    m = T.dmatrix("m")
    fused = _fused(lambda p: T.tanh(p * 2) * T.tanh(p * 2) + p, T.exp(m) @ m)
    assert pp(fused) == "%1 = exp(m) @ m\ntanh(%1 * 2.0) * tanh(%1 * 2.0) + %1"


def test_fused_op_with_a_repeated_inner_value_prints_its_inner_graph():
    m = T.dmatrix("m")
    shared_inner = T.dmatrix()
    product = T.tanh(shared_inner) @ m
    repeated = Fused((shared_inner,), (product * product,))(T.exp(m))
    assert pp(repeated) == "Fused{u1 = tanh(i0) @ m; u1 * u1}(exp(m))"


def test_wide_fused_inner_graph_keeps_the_outer_numbering_in_order():
    m = T.dmatrix("matrix")
    inner_x, inner_y = T.dmatrix(), T.dmatrix()
    product = T.tanh(inner_x) @ inner_y
    op = Fused((inner_x, inner_y), (product * product,))
    wide = T.exp(m) @ T.tanh(m) @ T.sin(m) @ T.cos(m)
    text = pp(op(wide, T.sqrt(m) @ T.sqrt(m) @ m.T) * 2)
    assert text.splitlines() == [
        "%1 = exp(matrix) @ tanh(matrix) @ sin(matrix) @ cos(matrix)",
        "Fused{u1 = tanh(i0) @ i1; u1 * u1}(%1, sqrt(matrix) @ sqrt(matrix) @ matrix.T) * 2.0"]


def test_100k_node_graph_prints_each_node_once():
    out, counts = golden_cases.big_graph()
    text = pp(out)
    lines = text.splitlines()
    bindings = [line for line in lines if re.match(r"%\d+ = ", line)]
    assert len(bindings) == len(lines) - 1
    assert lines[-1] == f"%{len(bindings)} * %{len(bindings)}"
    assert max(len(line) for line in lines) <= 100
    assert text.count("tanh(") == counts["tanh"]
    assert text.count(" + v") == counts["add"]
    assert text.count(" * ") == counts["mul"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_pp_golden(name):
    check_golden("pp", name, graphlens.pp(CASES[name]()) + "\n")


@pytest.mark.parametrize("name", sorted(LATEX_CASES))
def test_pp_latex_golden(name):
    check_golden("pp", name, pp(LATEX_CASES[name](), latex=True) + "\n")
