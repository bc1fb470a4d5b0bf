"""Fusion, in-place and kernel planning on big graphs (issue #23): fused nodes of one structure
share one plan, and what is shared never changes a value or an in-place decision."""

import sys

import numpy as np

import graphlens.tensor as T
from graphlens import function
from graphlens.compile.mode import Mode
from graphlens.rewrite.composite import Composite

NO_INPLACE = Mode("FAST_RUN", exclude=("inplace",))


def _composites(f):
    return [node for node in f.fgraph.toposort() if isinstance(node.op, Composite)]


def test_fused_nodes_of_one_structure_share_a_plan_and_compute_their_own_values():
    x, y, z = T.dvectors("x", "y", "z")
    outputs = [T.tanh(x + y), T.tanh(y + z), T.tanh(x + 2.0), T.tanh(x + 3.0)]
    f = function([x, y, z], outputs, mode=NO_INPLACE)
    by_output = {node.outputs[0]: node.op for node in _composites(f)}
    xy, yz, two, three = (by_output[var] for var in f.fgraph.outputs)
    assert xy is not yz and xy._plan is yz._plan           # one structure, one plan
    # Equal structure but another constant: a plan of its own (its template holds 3.0).
    assert two._plan is not three._plan and two._plan is not xy._plan
    data = np.array([0.1, -0.7, 2.0]), np.array([1.5, 0.25, -3.0]), np.array([-2.0, 0.5, 0.0])
    a, b, c, d = f(*data)
    np.testing.assert_array_equal(a, np.tanh(data[0] + data[1]))
    np.testing.assert_array_equal(b, np.tanh(data[1] + data[2]))
    np.testing.assert_array_equal(c, np.tanh(data[0] + 2.0))
    np.testing.assert_array_equal(d, np.tanh(data[0] + 3.0))


def test_a_fused_node_that_overwrites_an_input_has_a_plan_of_its_own():
    x, y = T.dvectors("x", "y")
    # cumsum(x) is a temporary the first fused node may overwrite; x is the caller's array.
    f = function([x, y], [T.tanh(T.cumsum(x) + y) * 2.0, T.tanh(x + y) * 2.0])
    first, second = (node.op for node in _composites(f))
    assert first.label == "Composite{tanh(i0 + i1) * 2.0}{destroyed=0}"
    assert second.label == "Composite{tanh(i0 + i1) * 2.0}"
    assert first._plan is not second._plan
    # The overwritten array is the first one the fixed plan writes into.
    assert first._plan.fixed[0][2] == 0 and second._plan.n_arrays == 1
    xv, yv = np.array([0.5, -1.0, 0.2]), np.array([0.3, 0.1, -2.0])
    one, two = f(xv, yv)
    np.testing.assert_array_equal(one, np.tanh(np.cumsum(xv) + yv) * 2.0)
    np.testing.assert_array_equal(two, np.tanh(xv + yv) * 2.0)
    np.testing.assert_array_equal(xv, [0.5, -1.0, 0.2])    # an input is never overwritten


def test_inner_inputs_are_fresh_variables_named_typed_and_sited_like_a_built_one():
    x, y, m = T.dvector("x"), T.dvector("y"), T.lvector("m")
    out = T.tanh(x * y + m)
    f = function([x, y, m], out, mode=NO_INPLACE)
    compiling = out.creation_site[1] + 1
    (node,) = _composites(f)
    inner = node.op.inner_inputs
    assert [var.name for var in inner] == ["x", "y", "m"]
    assert [var.type for var in inner] == [x.type, y.type, m.type]
    assert all(var.owner is None and var is not outer for var, outer in zip(inner, (x, y, m)))
    # Each sited where a variable the rewrite built by hand would be: the compiling line.
    assert {var.creation_site for var in inner} == {(__file__, compiling)}
    assert len({id(var.scope) for var in inner}) == 1
    data = np.array([0.5, -1.0]), np.array([2.0, 3.0]), np.array([3, -4])
    np.testing.assert_array_equal(f(*data), np.tanh(data[0] * data[1] + data[2]))

def _counting_variables_made(monkeypatch) -> list:
    """The list every TensorType.__call__ (a variable made, its site walked to) appends to."""
    from graphlens.tensor.type import TensorType
    made = []
    original = TensorType.__call__

    def counted(self, *args, **kwargs):
        made.append(self)
        return original(self, *args, **kwargs)
    monkeypatch.setattr(TensorType, "__call__", counted)
    return made


def test_the_groups_of_one_compile_share_the_site_found_for_the_first_inner_input(monkeypatch):
    # Every inner input of a compile is sited on the compiling line: the site and scope are
    # found once (by TensorType.__call__, a walk to the user's line), not once per group.
    x, y, m = T.dvector("x"), T.dvector("y"), T.lvector("m")
    outputs = [T.tanh(x * y + m), T.exp(x - y) * 2.0, T.sin(y * m) + x]
    made = _counting_variables_made(monkeypatch)
    compiling = sys._getframe().f_lineno + 1
    f = function([x, y, m], outputs, mode=NO_INPLACE)
    composites = _composites(f)
    inner = [var for node in composites for var in node.op.inner_inputs]
    assert len(composites) == 3 and len(inner) == 8
    assert len(made) == 1
    assert {var.creation_site for var in inner} == {(__file__, compiling)}
    assert len({id(var.scope) for var in inner}) == 1
    data = np.array([0.5, -1.0]), np.array([2.0, 3.0]), np.array([3, -4])
    for value, expected in zip(f(*data), [np.tanh(data[0] * data[1] + data[2]),
                                         np.exp(data[0] - data[1]) * 2.0,
                                         np.sin(data[1] * data[2]) + data[0]]):
        np.testing.assert_allclose(value, expected)


def test_plans_are_shared_within_one_compile_and_kept_by_no_table_after_it():
    from graphlens.rewrite.composite_plans import active_plans, shared_plans
    x, y = T.dvectors("x", "y")
    f = function([x, y], [T.tanh(x + y) * 0.25, T.tanh(y + x) * 0.25], mode=NO_INPLACE)
    first, second = _composites(f)
    assert first.op._plan is second.op._plan
    assert active_plans() is None           # nothing outlives the compile
    # Outside a compile a plan is made for its node alone; nested tables are the outer one.
    g = function([x, y], T.tanh(x + y) * 0.25, mode=NO_INPLACE)
    (third,) = _composites(g)
    assert third.op._plan is not first.op._plan
    with shared_plans():
        table = active_plans()
        with shared_plans():
            assert active_plans() is table
        assert active_plans() is table
    assert active_plans() is None
    # A function compiled before keeps its plan and its values.
    np.testing.assert_array_equal(f(np.array([1.0]), np.array([2.0]))[0], np.tanh(3.0) * 0.25)


def test_a_fused_switch_may_write_its_choice_into_a_branchs_own_array():
    x, y = T.dvectors("x", "y")
    c = T.cumsum(x)                  # a temporary: the fused node may overwrite its array
    f = function([x, y], T.switch(c > 0.5, c, y * 2.0) * 3.0)
    (node,) = _composites(f)
    assert node.op.label == "Composite{switch(i0 > 0.5, i0, i1 * 2.0) * 3.0}{destroyed=0}"
    plan = node.op._plan
    # Every step has a kernel (switch too), so the arrays are fixed at compile time; the
    # switch writes into array 0, which is c's own: its kernel reads c before writing.
    assert plan.fixed is not None
    (switch_step,) = [k for k, step in enumerate(plan.steps) if step.node.op.label == "Switch"]
    assert plan.fixed[switch_step][2] == 0
    xv, yv = np.array([1.0, -2.0, 3.0, 0.2]), np.array([5.0, 6.0, 7.0, 8.0])
    total = np.cumsum(xv)
    np.testing.assert_array_equal(f(xv, yv), np.where(total > 0.5, total, yv * 2.0) * 3.0)
    np.testing.assert_array_equal(f(xv, yv), [3.0, 36.0, 6.0, 2.2 * 3.0])


def test_the_general_call_of_a_fused_node_runs_its_fixed_steps_in_order():
    # A function of more than a few hundred steps calls each node's perform (not its written
    # code): the fixed steps read their arrays there, in their order.
    x, y = T.dvectors("x", "y")
    f = function([x, y], T.tanh(x - y) * 2.0 - y / (x + 3.0), mode=NO_INPLACE)
    (node,) = _composites(f)
    assert node.op._plan.fixed is not None
    xv, yv = np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.25, -3.0])
    (out,) = node.op.perform(node, [xv, yv])
    np.testing.assert_array_equal(out, np.tanh(xv - yv) * 2.0 - yv / (xv + 3.0))
    np.testing.assert_array_equal(out, f(xv, yv))


def test_plans_of_other_structures_share_one_kernel_per_ufunc_and_keep_their_values():
    # tanh(x + y) and tanh(x * y + 1.0) are planned apart, but their tanh steps run one kernel
    # (it holds only np.tanh); softplus's kernel, with its leading 0, is made for itself.
    from graphlens.tensor.kernels import ufunc_kernel
    x, y = T.dvectors("x", "y")
    f = function([x, y], [T.tanh(x + y), T.tanh(x * y + 1.0) * T.nnet.softplus(x)],
                 mode=NO_INPLACE)
    first, second = (node.op._plan for node in _composites(f))
    assert first is not second
    tanh_kernels = [step.kernel for plan in (first, second) for step in plan.steps
                    if type(step.node.op).__name__ == "Tanh"]
    assert len(tanh_kernels) == 2 and tanh_kernels[0] is tanh_kernels[1]
    assert tanh_kernels[0].ufunc is np.tanh and tanh_kernels[0] is ufunc_kernel(np.tanh)
    assert ufunc_kernel(np.logaddexp, 0) is not ufunc_kernel(np.logaddexp, 0)
    data = np.array([0.1, -0.7, 2.0]), np.array([1.5, 0.25, -3.0])
    a, b = f(*data)
    np.testing.assert_allclose(a, np.tanh(data[0] + data[1]), rtol=0, atol=0)
    np.testing.assert_allclose(b, np.tanh(data[0] * data[1] + 1.0) * np.logaddexp(0, data[0]),
                               rtol=1e-15)


def test_fused_nodes_are_planned_while_compiling_and_no_call_plans_again(monkeypatch):
    # Issue #23: kernels are planned by `function`, not on the first call, for the written
    # call of a small function and the evaluator's loop of a big one (over MAX_STEPS steps).
    from graphlens.compile.straight import MAX_STEPS
    made = []
    original = Composite._make_plan

    def counted(self):
        made.append(self)
        return original(self)
    monkeypatch.setattr(Composite, "_make_plan", counted)
    x, y, z = T.dvectors("x", "y", "z")
    small = function([x, y, z], [T.tanh(x + y) * 2.0, T.tanh(y + z) * 2.0,
                                 T.exp(x - y) * T.sin(x)])
    assert len(_composites(small)) == 3 and len(made) == 2      # two structures, two plans
    big = function([x, y], [T.tanh(x * float(k) + y) for k in range(MAX_STEPS + 20)])
    assert len(big.vm.program) > MAX_STEPS                      # the loop, not written code
    planned = len(made)
    assert planned == 2 + MAX_STEPS + 20                        # one per constant
    xv, yv, zv = np.array([0.5, -1.0]), np.array([0.25, 2.0]), np.array([1.0, -3.0])
    one, two, three = small(xv, yv, zv)
    values = big(xv, yv)
    assert len(made) == planned                                 # the calls planned nothing
    np.testing.assert_array_equal(one, np.tanh(xv + yv) * 2.0)
    np.testing.assert_array_equal(two, np.tanh(yv + zv) * 2.0)
    np.testing.assert_allclose(three, np.exp(xv - yv) * np.sin(xv), rtol=1e-15)
    np.testing.assert_array_equal(values[7], np.tanh(xv * 7.0 + yv))


def test_one_node_in_place_composites_take_inner_inputs_sited_once_per_pass(monkeypatch):
    # An elementwise node alone (nothing to fuse with) that may overwrite a temporary becomes
    # a Composite of one node: its inner inputs are made as fusion makes them, the compiling
    # line's site and scope found for the first, not walked to again for each input.
    x, y = T.dvectors("x", "y")
    outputs = [T.maximum(T.cumsum(x), y), T.minimum(T.cumprod(y), x)]
    made = _counting_variables_made(monkeypatch)
    compiling = sys._getframe().f_lineno + 1
    f = function([x, y], outputs)
    composites = _composites(f)
    labels = sorted(node.op.label for node in composites)
    assert labels == ["Composite{maximum(i0, i1)}{destroyed=0}",
                      "Composite{minimum(i0, i1)}{destroyed=0}"]
    inner = [var for node in composites for var in node.op.inner_inputs]
    assert len(inner) == 4 and len(made) == 1
    assert {var.creation_site for var in inner} == {(__file__, compiling)}
    assert len({id(var.scope) for var in inner}) == 1
    assert [var.type for node in composites for var in node.op.inner_inputs] == \
        [var.type for node in composites for var in node.inputs]
    xv, yv = np.array([0.5, -1.0, 2.0]), np.array([0.25, 2.0, -3.0])
    one, two = f(xv, yv)
    np.testing.assert_array_equal(one, np.maximum(np.cumsum(xv), yv))
    np.testing.assert_array_equal(two, np.minimum(np.cumprod(yv), xv))
