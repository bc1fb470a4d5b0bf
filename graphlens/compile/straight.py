"""Straight-line code for a compiled function: its call written out as one Python function.

The evaluator's program is a list of steps (perform, node, input slots, output slot, frees).
Running it in a loop costs, per step, a tuple unpack, a list of inputs read from a storage list,
a store and a loop over the slots to free: about half a microsecond, as much as numpy's own call
on a small array, and the whole cost of `f(x, y) = x + y` on scalars. So a small program is
written out once, when the function is built, as the Python a person would write by hand: each
slot a local variable, each step one call, each free an assignment of None. The call of a
`Function` goes further: its argument checks (the common case inline: an array of the right
dtype and rank, or a numpy scalar for a scalar input), the shared variables' values, the program,
the copies of aliased outputs and the updates are one function.

Nothing changes in what a call does: an argument that is not the common case goes through
`TensorType.filter` as before (same conversions, same errors naming the input), a failing step
raises `step_failure`'s error naming the node and the user's line, updates are stored only
after the whole call succeeded, under the variables' locks.

>>> run = straight_run(program, input_positions, output_positions, template)  # doctest: +SKIP
>>> run([np.array(1.0), np.array(2.0)])                                      # doctest: +SKIP
[array(3.)]
"""

from __future__ import annotations

import functools
import os

import numpy as np

from graphlens.errors import EvaluationError
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.tensor.scalar_type import Scalar
from graphlens.tensor.kernels import same_dtypes
from graphlens.tensor.reduce import AxisSize, Sum, accumulator_dtype

# Above this many steps a program keeps the evaluator's loop: writing out and compiling the
# code costs more than the loop's overhead saves on the few calls such graphs usually get,
# and a function of tens of thousands of locals is slow to compile.
MAX_STEPS = 400


def straight_run(program, input_positions, output_positions, template, step_failure):
    """run(input_values) -> output values: `program` written out as one function."""
    namespace, lines = {}, ["def run(input_values):"]
    for index, slot in enumerate(input_positions):
        lines.append(f"    s{slot} = input_values[{index}]")
    lines += _program_lines(program, template, namespace, "    ", step_failure, len(lines))
    lines.append(f"    return [{', '.join(f's{slot}' for slot in output_positions)}]")
    return _compiled(lines, namespace, "run")


def straight_call(function):
    """call(*args) for the `Function` `function`: binding, evaluation and updates in one."""
    vm = function.vm
    namespace = dict(ndarray=np.ndarray, asarray=np.asarray, array=np.array,
                     bind=function._bind, run=vm.run)
    lines = ["def call(*args, **kwargs):"]
    if function._n_arguments == len(function.inputs):
        lines += [f"    if kwargs or len(args) != {len(function.inputs)}:",
                  "        args = bind(args, kwargs)"]
    else:
        # Implicit inputs (In(..., implicit=True)) are never arguments: bind fills them.
        lines.append("    args = bind(args, kwargs)")
    names = [f"a{i}" for i in range(len(function.inputs))]
    if names:
        lines.append(f"    {', '.join(names)}{',' if len(names) == 1 else ''} = args")
    for i, item in enumerate(function.inputs):
        lines += _check_lines(i, item.variable.type, function, namespace)
    locks = function._update_locks
    indent = "    "
    if locks:
        namespace.update({f"lock{i}": lock for i, lock in enumerate(locks)})
        lines += [f"    lock{i}.acquire()" for i in range(len(locks))]
        lines.append("    try:")
        indent = "        "
    values = names + [f"shared{j}._value" + (".copy()" if var in function._read_as_copies else "")
                      for j, var in enumerate(function.shared_inputs)]
    namespace.update({f"shared{j}": var for j, var in enumerate(function.shared_inputs)})
    if getattr(vm, "inline", False) and len(vm.program) <= MAX_STEPS:
        for slot, value in zip(vm.input_positions, values):
            lines.append(f"{indent}s{slot} = {value}")
        lines += _program_lines(vm.program, vm.template, namespace, indent, vm.step_failure_of,
                                len(lines))
        results = [f"s{slot}" for slot in vm.output_positions]
    else:
        lines.append(f"{indent}results = run([{', '.join(values)}])")
        results = [f"results[{k}]" for k in range(len(vm.output_positions))]
    n_outputs = function._n_outputs
    for k, value in enumerate(results):
        copy = k < len(function._copy_output) and function._copy_output[k]
        if k < n_outputs and type(function.outputs[k].variable.type) is Scalar:
            # Theano returns a scalar variable's value as a numpy scalar (np.float64(2.5)).
            lines.append(f"{indent}r{k} = {value}[()]")
            continue
        out_type = function.fgraph.outputs[k].type
        if k < n_outputs and hasattr(out_type, "user_value"):
            # A type whose users see another object than the engine carries (a RandomState
            # for its words: random/raw.py) makes it, new on every call.
            namespace[f"user_value{k}"] = out_type.user_value
            lines.append(f"{indent}r{k} = user_value{k}({value})")
            continue
        # A type whose values are not arrays (a scipy.sparse matrix) copies them itself.
        if copy and not getattr(out_type, "array_values", True):
            namespace[f"copy{k}"] = out_type.copy_value
            lines.append(f"{indent}r{k} = copy{k}({value})")
        else:
            lines.append(f"{indent}r{k} = {f'array({value}, copy=True)' if copy else value}")
    for j, (variable, _) in enumerate(function.updates):
        namespace[f"updated{j}"] = variable
        lines.append(f"{indent}updated{j}._value = r{n_outputs + j}")
    outputs = [f"r{k}" for k in range(n_outputs)]
    lines.append(f"{indent}return " + (outputs[0] if function.single_output
                                       else f"[{', '.join(outputs)}]"))
    if locks:
        lines.append("    finally:")
        lines += [f"        lock{i}.release()" for i in reversed(range(len(locks)))]
    return _compiled(lines, namespace, "call")


def _check_lines(i, tensor_type, function, namespace):
    """The check of argument `i`: inline for the common case, `filter` for the rest."""
    namespace[f"filter{i}"] = function._filters[i]
    # Fixed lengths, or a type whose values are not arrays (sparse, a Theano-style type):
    # `filter` checks them all.
    if getattr(tensor_type, "_fixed_lengths", True):
        return [f"    a{i} = filter{i}(a{i})"]
    namespace[f"dtype{i}"] = tensor_type.numpy_dtype
    test = f"type(a{i}) is not ndarray or a{i}.dtype is not dtype{i} or a{i}.ndim != " \
           f"{tensor_type.ndim}"
    if tensor_type.ndim:
        return [f"    if {test}:", f"        a{i} = filter{i}(a{i})"]
    # A numpy scalar of the input's dtype (np.float64(1.5) for a dscalar) is the other common
    # case; filter does the same asarray.
    namespace[f"scalar{i}"] = tensor_type.numpy_dtype.type
    return [f"    if {test}:",
            f"        a{i} = asarray(a{i}) if type(a{i}) is scalar{i} else filter{i}(a{i})"]


def _program_lines(program, template, namespace, indent, step_failure, first_line):
    """The steps of `program` as lines: constants bound once, one call per step, the frees,
    and an except clause that names the failing step. Lines are numbered from `first_line`
    (the lines before them); the failing step is found from the line its call is on, so no
    line per step records which step runs."""
    lines = []
    for slot, value in enumerate(template):
        if value is not None:
            namespace[f"c{slot}"] = value
            lines.append(f"{indent}s{slot} = c{slot}")
    if not program:
        return lines
    lines.append(f"{indent}try:")
    inner = indent + "    "
    step_of_line = {}
    for k, (perform, node, inputs, output, frees) in enumerate(program):
        arguments = ", ".join(f"s{slot}" for slot in inputs)
        direct = _direct(perform, node)
        step_of_line[first_line + len(lines) + 1] = k       # code lines count from 1
        expression = _several_outputs(perform, node, arguments, k, namespace)
        if expression is None:
            expression = _inline(perform, node, arguments, k, namespace)
        if expression is not None:
            lines.append(f"{inner}s{output} = {expression}")
        elif direct is not None:
            namespace[f"d{k}"] = direct
            lines.append(f"{inner}s{output} = d{k}({arguments})")
        else:
            namespace[f"p{k}"], namespace[f"n{k}"] = perform, node
            lines.append(f"{inner}s{output} = p{k}(n{k}, [{arguments}])[0]")
        if frees:
            lines.append(f"{inner}{' = '.join(f's{slot}' for slot in frees)} = None")

    def fail(line, local_values, exc):
        return step_failure(step_of_line[line], local_values, exc)
    namespace.update(EvaluationError=EvaluationError, fail=fail)
    lines += [f"{indent}except EvaluationError:", f"{inner}raise",
              f"{indent}except Exception as exc:",
              f"{inner}raise fail(exc.__traceback__.tb_lineno, locals(), exc) from exc"]
    return lines


def _several_outputs(perform, node, arguments, k, namespace):
    """A step of a several-output node (compile/vm.py's several_output_steps) as one
    expression: the node's perform storing its list of results, then each output one entry
    of that list; two Python calls fewer per output than the wrappers' own."""
    keeps_all = getattr(perform, "keeps_all", None)
    if keeps_all is not None:
        namespace[f"p{k}"], namespace[f"n{k}"] = keeps_all, node
        return f"p{k}(n{k}, [{arguments}])"
    index = getattr(perform, "takes", None)
    if index is not None:
        return f"{arguments}[{index}]"
    return None


def _inline(perform, node, arguments, k, namespace):
    """The step as one expression of its input slots, for the ops whose direct function only
    wraps one numpy call: a broadcast view or transpose, a length, a sum, one ufunc of arrays of
    its dtype. Each saves a Python frame per call (about 0.1 us, and more on a step whose code
    a large product has just pushed out of the cache). What is computed is the direct
    function's own call, so the values are the same; other ops, and steps a hook wraps, are
    called as before."""
    op = node.op
    if perform != op.perform:
        return None
    if isinstance(op, DimShuffle):
        kept = [i for i in op.new_order if i != "x"]
        if kept == list(range(op.input_ndim)):
            namespace[f"i{k}"] = tuple(None if i == "x" else slice(None) for i in op.new_order)
            return f"{arguments}[i{k}]"
        if "x" not in op.new_order and sorted(kept) == list(range(op.input_ndim)):
            return f"{arguments}.transpose({tuple(kept)!r})"
        return None
    dtype = getattr(node.outputs[0].type, "numpy_dtype", None)
    if dtype is None:           # values that are not arrays (a Theano-style type's floats)
        return None
    namespace.update(asarray=np.asarray)
    if type(op) is AxisSize and len(op.axis) == 1:
        namespace["int64"] = np.dtype("int64")
        return f"asarray({arguments}.shape[{op.axis[0]}], int64)"
    if type(op) is Sum:
        namespace[f"t{k}"] = dtype
        namespace[f"acc{k}"] = np.dtype(accumulator_dtype(dtype.name))
        namespace["add_reduce"] = np.add.reduce
        return f"asarray(add_reduce({arguments}, {op.axis!r}, acc{k}), t{k})"
    compute = op.numpy_function(node) if isinstance(op, Elemwise) else None
    if isinstance(compute, np.ufunc) and compute.nin == len(node.inputs) \
            and type(op).perform is Elemwise.perform and same_dtypes(node) \
            and sum(any(n != 1 for n in v.type.shape) for v in node.inputs) <= 1:
        namespace[f"u{k}"] = compute
        if node.outputs[0].ndim and dtype.kind in "fc":
            # Float arrays of rank >= 1 in, of the output's dtype: the ufunc returns an array
            # of that dtype, so the direct function's asarray has nothing to do. (Not so for
            # every dtype: the square of a bool array is int8.)
            return f"u{k}({arguments})"
        namespace[f"t{k}"] = dtype          # a ufunc of 0-d arrays returns a numpy scalar
        return f"asarray(u{k}({arguments}), t{k})"
    return None


def _direct(perform, node):
    """The op's direct function of the input values for `node` (no list, no wrapper), when the
    step runs the op's own perform (not a hook's wrapper) and the op offers one."""
    if perform != node.op.perform:
        return None
    return node.op.direct_perform(node)


def _compiled(lines, namespace, name):
    exec(_code("\n".join(lines) + "\n", name), namespace)
    return namespace[name]


@functools.lru_cache(maxsize=256)
def _code(source, name):
    """Python's compilation of `source` (about 20 µs a line, most of the writing's cost),
    shared by every function written the same way: the source names the graph's values by
    slot and step number, the namespace binds them, so the same graph compiled again (or a
    loop's step function, per loop) compiles no code."""
    # The code's file name lies inside the package, so the walk that finds the user's line
    # for an error (errors.creation_site) passes over these frames as graphlens's own.
    filename = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"<written {name}>")
    return compile(source, filename, "exec")
