"""Lazy ifelse (graphlens/tensor/conditional.py, compile/lazy.py, the VM's lazy path): only the
branch taken runs, nested and shared branches, freeing, rewrites that must not make a branch
eager, gradients, printing, and the conditionals tutorial (ifelse vs switch)."""

from dataclasses import dataclass

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import debugprint, function, grad, pp, verify_grad
from graphlens.errors import EvaluationError
from graphlens.graph.basic import Apply
from graphlens.graph.op import Op
from graphlens.ifelse import IfElse, ifelse
from graphlens.tensor.variable import as_tensor_variable
from tests.tensor.loop_cases import FLOATS, point

MODES = ["NONE", "FAST_RUN"]


@dataclass(frozen=True)
class Counted(Op):
    """Identity that counts its evaluations: how a test sees which nodes ran."""

    tag: str

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        RUNS[self.tag] = RUNS.get(self.tag, 0) + 1
        return [inputs[0] * 1]

    def grad(self, inputs, output_grads):
        return [output_grads[0]]


RUNS = {}


@pytest.fixture(autouse=True)
def _reset_runs():
    RUNS.clear()


@pytest.mark.parametrize("mode", MODES)
def test_only_the_branch_taken_runs(mode):
    c, x = T.iscalar("c"), T.dvector("x")
    out = ifelse(c, T.exp(Counted("then")(x)) * 2, T.log(Counted("else")(x)) + 1)
    f = function([c, x], out, mode=mode)
    np.testing.assert_allclose(f(1, [0.0, 1.0]), np.exp([0.0, 1.0]) * 2)
    assert RUNS == {"then": 1}
    np.testing.assert_allclose(f(0, [1.0, 2.0]), np.log([1.0, 2.0]) + 1)
    assert RUNS == {"then": 1, "else": 1}


@pytest.mark.parametrize("mode", MODES)
def test_a_branch_that_would_raise_is_never_run_when_not_taken(mode):
    c, x, y = T.iscalar("c"), T.dmatrix("x"), T.dmatrix("y")
    f = function([c, x, y], ifelse(c, x.sum(), T.dot(x, y).sum()), mode=mode)
    assert f(1, np.ones((2, 3)), np.ones((2, 3))) == 6.0
    with pytest.raises(EvaluationError, match="inner lengths differ"):
        f(0, np.ones((2, 3)), np.ones((2, 3)))


@pytest.mark.parametrize("mode", MODES)
def test_an_expensive_branch_is_skipped(mode):
    c, m = T.iscalar("c"), T.dmatrix("m")
    expensive = m
    for i in range(3):
        expensive = Counted(f"matmul{i}")(T.dot(expensive, m))
    f = function([c, m], ifelse(c, m.sum(), expensive.sum()), mode=mode)
    assert f(1, np.eye(3)) == 3.0 and RUNS == {}
    assert f(0, np.eye(3)) == 3.0 and RUNS == {"matmul0": 1, "matmul1": 1, "matmul2": 1}


@pytest.mark.parametrize("mode", MODES)
def test_nested_ifelse_and_a_value_shared_by_both_branches_run_once(mode):
    a, b, x = T.iscalar("a"), T.iscalar("b"), T.dvector("x")
    shared_work = Counted("shared")(x * 3)
    inner = ifelse(b, shared_work + Counted("inner_then")(x), Counted("inner_else")(x) - 1)
    out = ifelse(a, inner, shared_work * 2)
    f = function([a, b, x], out, mode=mode)
    xv = np.array([1.0, 2.0])
    np.testing.assert_allclose(f(1, 1, xv), xv * 3 + xv)
    assert RUNS == {"shared": 1, "inner_then": 1}
    RUNS.clear()
    np.testing.assert_allclose(f(1, 0, xv), xv - 1)
    assert RUNS == {"inner_else": 1}
    RUNS.clear()
    np.testing.assert_allclose(f(0, 1, xv), xv * 6)
    assert RUNS == {"shared": 1}


@pytest.mark.parametrize("mode", MODES)
def test_a_value_used_by_a_branch_and_later_eager_work_stays_intact(mode):
    """x2 feeds the branch and an elementwise op the condition waits for: the schedule lists
    the branch's log(x2) first, but it runs when the ifelse does, so that op must not write its
    result into x2's array (in place) before."""
    x = T.dvector("x")
    x2 = T.exp(x) * 2
    later = T.tanh(x2) + 1
    f = function([x], ifelse(T.gt(later.sum(), 0), T.log(x2), T.zeros_like(x)), mode=mode)
    xv = np.array([0.5, -1.0])
    np.testing.assert_allclose(f(xv), np.log(np.exp(xv) * 2))


def test_two_ifelses_sharing_a_conditional_value_keep_it_until_the_last():
    a, b, x = T.iscalar("a"), T.iscalar("b"), T.dvector("x")
    work = Counted("work")(T.exp(x))
    first = ifelse(a, work, x)
    second = ifelse(b, work + 1, x)
    f = function([a, b, x], [first, second])
    xv = np.array([0.0, 1.0])
    one, two = f(0, 1, xv)
    np.testing.assert_allclose(one, xv)
    np.testing.assert_allclose(two, np.exp(xv) + 1)
    one, two = f(1, 1, xv)
    np.testing.assert_allclose(two, np.exp(xv) + 1)
    assert RUNS == {"work": 2}        # once per call


def test_lists_of_branches_give_a_list():
    c, x, y = T.iscalar("c"), T.dvector("x"), T.dvector("y")
    hi, lo = ifelse(c, [x, y], [y, x])
    f = function([c, x, y], [hi, lo])
    assert [v.tolist() for v in f(0, [1.0], [2.0])] == [[2.0], [1.0]]
    assert isinstance(ifelse(c, (x, y), (y, x)), tuple)
    with pytest.raises(ValueError, match="must pair up"):
        ifelse(c, [x, y], [x])


def test_branch_types_and_condition_rank_are_checked():
    c, x = T.iscalar("c"), T.dvector("x")
    with pytest.raises(TypeError, match="same type"):
        ifelse(c, x, T.fvector("f"))
    with pytest.raises(ValueError, match="condition must be a scalar"):
        ifelse(x, x, x)


@pytest.mark.parametrize("dtype", FLOATS)
def test_gradient_follows_the_branch_taken(dtype):
    x, y = T.TensorType(dtype, (None,))("x"), T.TensorType(dtype, (None,))("y")
    c = T.iscalar("c")
    cost = ifelse(c, (x ** 2).sum(), (y * 3).sum())
    gx, gy = grad(cost, [x, y])
    f = function([c, x, y], [gx, gy])
    xv, yv = point((3,), dtype, 1), point((3,), dtype, 2)
    gxv, gyv = f(1, xv, yv)
    np.testing.assert_allclose(gxv, 2 * xv, rtol=1e-6)
    np.testing.assert_array_equal(gyv, np.zeros(3))
    gxv, gyv = f(0, xv, yv)
    np.testing.assert_array_equal(gxv, np.zeros(3))
    np.testing.assert_allclose(gyv, np.full(3, 3.0))
    for taken in (0, 1):
        verify_grad(lambda x, y: ifelse(np.int32(taken), T.tanh(x) * y, y ** 2), [xv, yv])


def test_pp_debugprint_and_picture_show_the_condition_and_both_branches():
    from graphlens.render.dot import to_dot
    a, b = T.dscalars("a", "b")
    x, y = T.dmatrices("x", "y")
    z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))
    assert pp(z) == "ifelse(a < b, mean(x), mean(y))"
    tree = debugprint(z, file="str")
    assert tree.splitlines()[0].startswith("IfElse")
    assert all(f"{name} [id" in tree for name in "abxy")
    dot = to_dot(z, stage="before")
    assert "IfElse" in dot
    for name in ("a", "b", "x", "y"):
        assert f'label="{name}' in dot, name
    # The box names its three inputs in cells, and each input's edge ends at its own cell.
    assert "{<i0> cond|<i1> then|<i2> else}|IfElse" in dot
    heads = sorted(line.split('headport="')[1][:4] for line in dot.splitlines()
                   if "headport" in line)
    assert heads == ["i0:n", "i1:n", "i2:n"]


def test_conditionals_tutorial_ifelse_and_switch_agree_and_switch_stays_eager():
    """The tutorial's example: z_switch and z_lazy pick the same mean; switch computes both."""
    # The tutorial writes T.scalars / T.matrices (another room's constructors); the singular
    # forms build the same variables.
    a, b = T.scalar("a"), T.scalar("b")
    x, y = T.matrix("x"), T.matrix("y")
    z_switch = T.switch(T.lt(a, b), T.mean(x), T.mean(y))
    z_lazy = ifelse(T.lt(a, b), T.mean(x), T.mean(y))
    f_switch = graphlens.function([a, b, x, y], z_switch, mode=graphlens.Mode(linker='vm'))
    f_lazy = graphlens.function([a, b, x, y], z_lazy, mode=graphlens.Mode(linker='vm'))
    big_mat1 = np.ones((100, 50), dtype=x.dtype)
    big_mat2 = np.zeros((100, 50), dtype=x.dtype)
    for val1, val2, expected in ((0.0, 1.0, 1.0), (1.0, 0.0, 0.0)):
        assert f_switch(val1, val2, big_mat1, big_mat2) == expected
        assert f_lazy(val1, val2, big_mat1, big_mat2) == expected
    c, v = T.iscalar("c"), T.dvector("v")
    g = function([c, v], T.switch(c, v.sum(), Counted("switch_side")(v).sum()))
    assert g(1, [1.0, 2.0]) == 3.0 and RUNS == {"switch_side": 1}


def test_ifelses_nested_deeper_than_pythons_recursion_limit_run():
    c, x = T.iscalar("c"), T.dscalar("x")
    y = x
    for _ in range(3_000):
        y = ifelse(c, y + 1.0, y)
    f = function([c, x], y, mode="NONE")
    assert f(1, 0.0) == 3_000.0
    assert f(0, 2.0) == 2.0


def test_a_hundred_thousand_node_branch_compiles_and_runs_on_demand():
    c, x = T.iscalar("c"), T.dscalar("x")
    y = x
    for _ in range(100_000):
        y = y + 1.0
    f = function([c, x], ifelse(c, y, x), mode="NONE")
    assert f(0, 2.0) == 2.0
    assert f(1, 0.0) == 100_000.0


def test_nan_guard_checks_the_branch_taken_and_names_its_op():
    from graphlens.errors import NaNError
    c, x = T.iscalar("c"), T.dvector("x")
    f = function([c, x], ifelse(c, T.log(x), x * 2), nan_guard=True)
    np.testing.assert_allclose(f(0, [-1.0]), [-2.0])       # log(-1) is never computed
    with pytest.raises(NaNError, match="Log"), np.errstate(invalid="ignore"):
        f(1, [-1.0])


def test_static_shape_is_what_both_branches_agree_on():
    c = T.iscalar("c")
    a = T.TensorType("float64", (3, 4))("a")
    b = T.TensorType("float64", (3, None))("b")
    assert ifelse(c, a, b).type.shape == (3, None)
    assert ifelse(c, a, a * 2).type.shape == (3, 4)
    value = function([c, a], ifelse(c, a, a * 2))(0, np.ones((3, 4)))
    assert value.shape == (3, 4) and value.sum() == 24.0


def test_a_constant_condition_or_equal_branches_leave_no_ifelse():
    from graphlens.tensor.conditional import IfElse
    c, x = T.iscalar("c"), T.dvector("x")
    chosen = function([x], ifelse(np.int8(0), Counted("then")(x), T.exp(x)))
    same = function([c, x], ifelse(c, T.exp(x), T.exp(x)))
    for f in (chosen, same):
        assert [node.op.label for node in f.fgraph.toposort()] == ["Exp"]
        assert not any(isinstance(node.op, IfElse) for node in f.fgraph.toposort())
    np.testing.assert_allclose(chosen([0.0, 1.0]), np.exp([0.0, 1.0]))
    np.testing.assert_allclose(same(1, [1.0]), np.exp([1.0]))
    assert RUNS == {}


def test_the_gradient_tracer_does_not_call_ifelse_a_blocker():
    from graphlens.trace.vanishing import vanishing
    x = T.dmatrix("x")
    c = T.iscalar("c")
    w = T.dmatrix("w")
    h = T.dot(x, w)
    cost = ifelse(c, abs(h).mean(), (h ** 2).mean())
    report = vanishing(cost, [w])
    assert report.findings == [] and len(report.flowing) == 1


def test_a_long_branch_drops_its_intermediates_as_it_goes():
    c, x = T.iscalar("c"), T.dvector("x")
    y = x
    for _ in range(5):
        y = T.exp(Counted("step")(y)) * 0.5
    f = function([c, x], ifelse(c, y, x), mode="NONE")
    branch = f.vm.branches.of(f.fgraph.outputs[0].owner.inputs[1])
    assert len(branch) == 15
    # Every intermediate but the branch's result is dropped by its reader inside the branch.
    assert sum(len(step[4]) for step in branch) == 14
    expected = np.array([0.1, -0.2])
    for _ in range(5):
        expected = np.exp(expected) * 0.5
    np.testing.assert_allclose(f(1, [0.1, -0.2]), expected)
    np.testing.assert_allclose(f(1, [0.1, -0.2]), expected)
    assert RUNS == {"step": 10}


def test_a_python_number_branch_takes_the_other_branchs_dtype():
    c, s = T.iscalar("c"), T.fscalar("s")
    out = ifelse(c, s * 2, 0.0)
    assert out.dtype == "float32"
    f = function([c, s], [out, ifelse(c, 1, s)])
    assert [float(v) for v in f(1, 1.5)] == [3.0, 1.0]
    assert [float(v) for v in f(0, 1.5)] == [0.0, 1.5]


@pytest.mark.parametrize("mode", MODES)
def test_an_ifelse_whose_condition_is_computed_inside_a_branch(mode):
    c, x = T.iscalar("c"), T.dvector("x")
    inner_condition = T.gt(Counted("inner_condition")(x * 2).sum(), 0)
    inner = ifelse(inner_condition, T.exp(x), -x)
    f = function([c, x], ifelse(c, inner * 3, x), mode=mode)
    for _ in range(2):
        np.testing.assert_allclose(f(1, [1.0, 2.0]), np.exp([1.0, 2.0]) * 3)
        np.testing.assert_allclose(f(1, [-1.0, -2.0]), [3.0, 6.0])
        np.testing.assert_allclose(f(0, [-1.0, -2.0]), [-1.0, -2.0])
    assert RUNS == {"inner_condition": 4}


# An ifelse of several pairs is one node, as Theano's (IfElse(n_outs, ...)).

@pytest.mark.parametrize("mode", MODES)
def test_an_ifelse_of_pairs_is_one_lazy_node_giving_each_pair(mode):
    c, x, y = T.iscalar("c"), T.dvector("x"), T.dvector("y")
    hi, lo = ifelse(c, [Counted("then0")(x) * 2, Counted("then1")(y)],
                    [Counted("else0")(y), Counted("else1")(x) + 1])
    assert hi.owner is lo.owner and hi.owner.op.n_outs == 2
    assert hi.owner.op.label == "IfElse{n_outs=2}"
    f = function([c, x, y], [hi, lo], mode=mode)
    got = f(1, [1.0, 2.0], [5.0, 7.0])
    np.testing.assert_allclose(got[0], [2.0, 4.0])
    np.testing.assert_allclose(got[1], [5.0, 7.0])
    assert RUNS == {"then0": 1, "then1": 1}
    got = f(0, [1.0, 2.0], [5.0, 7.0])
    np.testing.assert_allclose(got[0], [5.0, 7.0])
    np.testing.assert_allclose(got[1], [2.0, 3.0])
    assert RUNS == {"then0": 1, "then1": 1, "else0": 1, "else1": 1}


def test_a_function_given_every_branch_uses_them_all_as_theano_did():
    # Theano checked unused inputs on the graph as given, where one node reads all branches.
    c, x, y, z = T.iscalar("c"), T.dvector("x"), T.dvector("y"), T.dvector("z")
    hi, _ = ifelse(c, [x, y], [y, z])
    f = function([c, x, y, z], hi * 2)
    np.testing.assert_allclose(f(0, [1.0], [2.0], [3.0]), [4.0])
    # Compiled, each pair is its own ifelse: z (the unread pair's) is no longer read.
    ifelses = [node for node in f.fgraph.toposort() if isinstance(node.op, IfElse)]
    assert [node.op.n_outs for node in ifelses] == [1]
    assert not [node for node in f.fgraph.toposort()
                if any(var is f.fgraph.inputs[3] for var in node.inputs)]


def test_theanos_constructor_and_the_branch_count_check():
    c, a, b, x, y = T.iscalar("c"), *T.dvectors("a", "b", "x", "y")
    first, second = IfElse(2)(c, a, b, x, y)
    f = function([c, a, b, x, y], [first, second])
    values = [np.array([1.0]), np.array([2.0]), np.array([3.0]), np.array([4.0])]
    assert [v.tolist() for v in f(1, *values)] == [[1.0], [2.0]]
    assert [v.tolist() for v in f(0, *values)] == [[3.0], [4.0]]
    with pytest.raises(TypeError, match="takes the condition and 4 branches, got 3"):
        IfElse(2)(c, a, b, x)
    with pytest.raises(TypeError, match="n_outs must be a positive int"):
        IfElse(0)


def test_pairs_print_each_as_its_own_ifelse():
    c, x, y, z = T.iscalar("c"), *T.dvectors("x", "y", "z")
    hi, lo = ifelse(c, [x * 2, y], [y, z])
    assert pp(hi + lo) == "ifelse(c, x * 2.0, y) + ifelse(c, y, z)"


@pytest.mark.parametrize("taken", [1, 0])
def test_the_gradient_of_pairs_follows_the_branches_taken(taken):
    def cost(a, b, x, y):
        first, second = ifelse(np.int32(taken), [T.tanh(a) * b, b ** 2], [x * y, T.sin(x)])
        return first * second

    rng = np.random.default_rng(3)
    verify_grad(cost, [rng.normal(size=3) for _ in range(4)])


@pytest.mark.parametrize("mode", MODES)
def test_a_loop_of_several_outputs_and_a_lazy_ifelse_compile_together(mode):
    # Several-output nodes in a function with a lazy ifelse used to be refused.
    c, x = T.iscalar("c"), T.dvector("x")
    (doubled, counted), _ = graphlens.scan(lambda h, g: (h * 2, g + 1), outputs_info=[x, x],
                                           n_steps=3)
    f = function([c, x], ifelse(c, doubled[-1].sum(), counted[-1].sum()), mode=mode)
    assert f(1, np.ones(2)) == 16.0
    assert f(0, np.ones(2)) == 8.0


def test_ifelse_of_python_objects_and_typed_lists_as_theano():
    # Theano's test_lazy_if_on_generics: its IfElse took branches of any one type.
    import graphlens
    from graphlens import typed_list
    c = T.iscalar("c")
    x, y = graphlens.generic(), graphlens.generic()
    f = function([c, x, y], ifelse(c, x, y))
    then_value, else_value = ["testX"], {"k": 1}
    assert f(1, then_value, else_value) == ["testX"]
    assert f(0, then_value, else_value) == {"k": 1}
    assert f(1, then_value, else_value) is not then_value      # a copy, as Theano's
    lists = typed_list.TypedListType(T.dvector)
    a, b = lists("a"), lists("b")
    g = function([c, a, b], ifelse(c, a, b))
    chosen = g(0, [np.ones(2)], [np.zeros(1), np.arange(3.0)])
    assert [v.tolist() for v in chosen] == [[0.0], [0.0, 1.0, 2.0]]
    with pytest.raises(TypeError, match="the same type"):
        ifelse(c, x, a)
