"""NaN/Inf origin: the first node whose output is not finite, its inputs' values, the user's line.

Compile with `function(..., nan_guard=True)`: the evaluator runs each node through
`guarded_perform`, which raises `NaNError` at the first float output holding NaN or Inf. The error's
`origin` attribute is a `NaNOrigin` (data); its text names the op, summarises each input
(min, max, zeros, NaN and Inf counts) and gives the line of the user's code that built the op.

>>> f = function([x], (T.log(x) * x).sum(), nan_guard=True)      # doctest: +SKIP
>>> f(np.array([0.0, 1.0]))                                       # doctest: +SKIP
NaNError: NaN guard: Log produced -inf ... at model.py:3
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from graphlens.compile.function import function
from graphlens.compile.hooks import plug_perform_wrapper
from graphlens.errors import NaNError, where
from graphlens.trace.naming import short_expression, variable_title


@dataclass(frozen=True)
class ValueSummary:
    """Counts and range of one array: what a NaN report shows of each input."""

    name: str
    type: str
    where: str
    shape: tuple
    size: int
    minimum: float | None     # over the finite entries; None when there are none
    maximum: float | None
    zeros: int
    nan: int
    posinf: int
    neginf: int

    @property
    def finite(self) -> bool:
        """True when no entry is NaN or infinite."""
        return not (self.nan or self.posinf or self.neginf)

    def counts(self) -> str:
        """'3 zeros, 2 NaN, 1 -inf' (only the counts that are not zero), or 'all finite'."""
        parts = [f"{n} {label}" for n, label in ((self.zeros, "zeros"), (self.nan, "NaN"),
                                                 (self.posinf, "+inf"), (self.neginf, "-inf"))
                 if n]
        if self.finite:
            parts.append("all finite")
        return ", ".join(parts)

    def __str__(self):
        span = "no finite entries" if self.minimum is None else \
            f"min {self.minimum:.6g}, max {self.maximum:.6g}"
        return (f"{self.name} ({self.type}, built at {self.where}): shape {self.shape}, {span}, "
                f"{self.counts()}")


def summarize(var, value) -> ValueSummary:
    """A ValueSummary of `value`, the run-time value of `var`."""
    if hasattr(value, "tocoo"):
        # A scipy.sparse matrix: its stored values, and the others, which are zeros.
        stored = summarize(var, np.asarray(value.data))
        size = value.shape[0] * value.shape[1]
        implicit = size - value.data.size
        low, high = stored.minimum, stored.maximum
        if implicit:
            low, high = min(0.0, low if low is not None else 0.0), \
                max(0.0, high if high is not None else 0.0)
        return replace(stored, shape=tuple(value.shape), size=size, minimum=low, maximum=high,
                       zeros=stored.zeros + implicit)
    array = np.asarray(value)
    numeric = array.dtype.kind in "fciub"
    finite = np.isfinite(array) if array.dtype.kind in "fc" else np.ones(array.shape, bool)
    good = array[finite] if numeric else array.reshape(-1)[:0]
    real = np.real(array) if array.dtype.kind == "c" else array
    return ValueSummary(
        name=variable_title(var), type=str(var.type), where=where(var),
        shape=tuple(array.shape), size=int(array.size),
        minimum=float(np.min(np.real(good))) if good.size else None,
        maximum=float(np.max(np.real(good))) if good.size else None,
        zeros=int(np.count_nonzero(array == 0)) if numeric else 0,
        nan=int(np.count_nonzero(np.isnan(array))) if array.dtype.kind in "fc" else 0,
        posinf=int(np.count_nonzero(np.isposinf(real))) if array.dtype.kind in "fc" else 0,
        neginf=int(np.count_nonzero(np.isneginf(real))) if array.dtype.kind in "fc" else 0)


@dataclass(frozen=True)
class NaNOrigin:
    """The first node of a run that produced NaN or Inf, as data."""

    op: str                   # the op's label: 'Log'
    expression: str           # 'log(p)'
    where: str                # the user's line that built the node
    output: ValueSummary
    inputs: tuple             # ValueSummary per input
    node: object = field(default=None, compare=False, repr=False)

    @property
    def from_finite_inputs(self) -> bool:
        """True when this node made the non-finite values itself (its inputs were finite)."""
        return all(summary.finite for summary in self.inputs)

    def __str__(self):
        produced = ", ".join(f"{n} {label}" for n, label in (
            (self.output.nan, "NaN"), (self.output.posinf, "+inf"), (self.output.neginf, "-inf"))
            if n)
        cause = ("from finite inputs: this op made them" if self.from_finite_inputs else
                 "passed on from a non-finite input (it came from outside the function: an "
                 "input, a shared variable or a constant)")
        lines = [f"NaN guard: {self.op} produced {produced} (of {self.output.size} values) in "
                 f"{self.expression} at {self.where}, {cause}"]
        for position, summary in enumerate(self.inputs):
            lines.append(f"  input {position}: {summary}")
        return "\n".join(lines)


def guarded_perform(node):
    """`node.op.perform` followed by a check of its outputs: what `nan_guard=True` runs.

    An op that may overwrite its inputs (`destroy_map`) gets copies, so the report shows the
    values it read; a fused op (with `inner_inputs` and `inner_nodes()`) is re-run op by op on a
    failure, so the report names the inner op (Log, not Composite) and the line that built it.
    """
    perform = node.op.perform
    destroys = bool(node.op.destroy_map)

    def run(node, inputs):
        originals = [np.array(value, copy=True) for value in inputs] if destroys else inputs
        results = perform(node, inputs)
        if not all(is_finite(value) for value in results):
            raise _nan_error(non_finite_origin(node, originals, results))
        return results
    return run


# The evaluator runs this wrapper for `function(..., nan_guard=True)` (compile/hooks.py).
plug_perform_wrapper("nan_guard", guarded_perform)


def is_finite(value) -> bool:
    """True when `value` holds no NaN or Inf (any non-float value is finite).

    >>> is_finite(np.array([1.0, np.inf]))
    False
    """
    array = np.asarray(value.data if hasattr(value, "tocoo") else value)     # scipy.sparse
    return array.dtype.kind not in "fc" or bool(np.isfinite(array).all())


def _nan_error(origin):
    error = NaNError(str(origin))
    error.origin = origin
    return error


def non_finite_origin(node, input_values, output_values) -> NaNOrigin:
    """The NaNOrigin of `node`'s non-finite outputs: inside a fused node, the inner op that
    made them (re-run op by op on `input_values`), else the node itself."""
    inner_inputs = getattr(node.op, "inner_inputs", None)
    inner_nodes = getattr(node.op, "inner_nodes", None)
    if inner_inputs is not None and callable(inner_nodes):
        values = dict(zip(inner_inputs, input_values))
        for inner in inner_nodes():
            arguments = [values[var] if var in values else var.data for var in inner.inputs]
            results = inner.op.perform(inner, arguments)
            if not all(is_finite(value) for value in results):
                # Inner inputs were made when fusing; the outer inputs carry the user's lines.
                outer = dict(zip(inner_inputs, node.inputs))
                return _origin(inner, arguments, results, fallback=node,
                               shown=[outer.get(var, var) for var in inner.inputs])
            values.update(zip(inner.outputs, results))
    return _origin(node, input_values, output_values)


def _origin(node, input_values, output_values, fallback=None, shown=None) -> NaNOrigin:
    out = node.outputs[0]
    site = where(out)
    if site == "<unknown>" and fallback is not None:
        site = where(fallback.outputs[0])
    return NaNOrigin(op=node.op.label, expression=short_expression(out), where=site,
                     output=summarize(out, output_values[0]),
                     inputs=tuple(summarize(var, value)
                                  for var, value in zip(shown or node.inputs, input_values)),
                     node=node)


def nan_origin(inputs, outputs, values, *, givens=None, mode=None) -> NaNOrigin | None:
    """Run `outputs` on `values` (one per input) with the NaN guard; the origin, or None if finite.

    >>> origin = nan_origin([x], cost, [np.zeros(3)]); origin.op      # doctest: +SKIP
    'Log'
    """
    guarded = function(list(inputs), outputs, givens=givens, mode=mode, nan_guard=True,
                       on_unused_input="ignore")
    try:
        guarded(*values)
    except NaNError as error:
        origin = getattr(error, "origin", None)
        if origin is None:
            raise
        return origin
    return None
