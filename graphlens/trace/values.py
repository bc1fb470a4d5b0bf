"""What every node holds on one example: min, max, mean, fraction of zeros and NaN count.

`value_summaries(obj, inputs)` evaluates the graph of `obj` (a variable, a list of them, a
FunctionGraph or a compiled function: both its graphs, as given and as compiled) once on
`inputs` ({input: value}, a model's `example_inputs`), or on the inputs' test values where no
value is given, and summarizes each variable's value. `graphlens show --values` and
`pydotprint(f, values=True)` draw the summaries on the picture (render/values_overlay.py).

Nodes run in topological order through their own `perform` (as test values are computed), an
input an op overwrites being copied first, and each value is dropped after its last reader: the
walk holds what one evaluation holds, never the whole graph's values at once.

>>> summaries = value_summaries(T.tanh(x), {x: np.zeros((2, 3))})        # doctest: +SKIP
>>> str(summaries[x])                                                      # doctest: +SKIP
'min 0, max 0, mean 0, zeros 100%, NaN 0'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import EvaluationError, MissingInputError, describe, where
from graphlens.graph.basic import Variable, toposort
from graphlens.graph.fg import FunctionGraph
from graphlens.graph.test_value import test_value_of
from graphlens.tensor.type import TensorType


@dataclass(frozen=True)
class ValueSummary:
    """One array's summary; min, max and mean are over its non-NaN entries (None if none)."""

    shape: tuple
    dtype: str
    min: float | None
    max: float | None
    mean: float | None
    zero_fraction: float
    nan_count: int

    def __str__(self):
        return ", ".join(self.parts())

    def parts(self) -> list[str]:
        """The summary as short phrases: `min -0.98`, `max 1`, `mean 0.012`, `zeros 25%`,
        `NaN 0`; a one-element value is just `value 0.693` (with its NaN when it is one)."""
        if int(np.prod(self.shape)) == 1:
            return [f"value {_number(self.min)}" if self.nan_count == 0 else "value NaN"]
        if self.min is None:
            return [f"all NaN ({self.nan_count})"]
        return [f"min {_number(self.min)}", f"max {_number(self.max)}",
                f"mean {_number(self.mean)}", f"zeros {self.zero_fraction:.0%}",
                f"NaN {self.nan_count}"]


def _number(value) -> str:
    return "-" if value is None else f"{value:.3g}"


def value_summary(value) -> ValueSummary:
    """The ValueSummary of an array (complex values by their magnitude).

    >>> str(value_summary(np.array([0.0, 2.0, np.nan, 4.0])))
    'min 0, max 4, mean 2, zeros 25%, NaN 1'
    """
    if hasattr(value, "tocoo"):
        return _sparse_summary(value)
    array = np.asarray(value)
    numbers = np.abs(array) if array.dtype.kind == "c" else array.astype(np.float64, copy=False)
    nan = np.isnan(numbers)
    nan_count = int(np.count_nonzero(nan))
    present = numbers[~nan] if nan_count else numbers.ravel()
    with np.errstate(all="ignore"):       # a sum of infinities is inf or NaN: both say it
        stats = (float(present.min()), float(present.max()), float(present.mean())) \
            if present.size else (None, None, None)
    return ValueSummary(tuple(array.shape), str(array.dtype), *stats,
                        zero_fraction=float(np.count_nonzero(array == 0) / max(array.size, 1)),
                        nan_count=nan_count)


def _sparse_summary(matrix) -> ValueSummary:
    """The ValueSummary of a scipy.sparse matrix, read from its stored values and the count of
    the others (zeros), never from a dense copy (a bag-of-words matrix may not fit densely)."""
    stored = value_summary(np.asarray(matrix.data))
    size = max(matrix.shape[0] * matrix.shape[1], 1)
    implicit = size - matrix.data.size            # entries not stored: zeros
    low, high, total = stored.min, stored.max, None
    if stored.mean is not None:
        total = stored.mean * (matrix.data.size - stored.nan_count)
    if implicit:
        low, high = min(low, 0.0) if low is not None else 0.0, max(high, 0.0) if high is not None \
            else 0.0
    counted = size - stored.nan_count
    mean = (total or 0.0) / counted if counted else None
    zeros = stored.zero_fraction * matrix.data.size + implicit
    return ValueSummary(tuple(matrix.shape), str(matrix.dtype), low, high, mean,
                        zero_fraction=float(zeros / size), nan_count=stored.nan_count)


def value_summaries(obj, inputs=None) -> dict:
    """{variable: ValueSummary} for every variable of `obj`'s graph(s), from one evaluation on
    `inputs` ({input: value}) or, where an input has none there, its test value (a shared
    variable's current value counts as its own).

    >>> value_summaries(f, {x: data_x})[f.fgraph.outputs[0]].mean          # doctest: +SKIP
    0.4
    """
    given = dict(inputs or {})
    summaries = {}
    for outputs in _graphs(obj):
        summaries.update(_evaluate(outputs, given))
    return summaries


def _graphs(obj) -> list[list]:
    """The output lists of the graphs to evaluate: a compiled function's two graphs."""
    if all(hasattr(obj, name) for name in ("fgraph_before", "fgraph")):
        return [list(obj.fgraph_before.outputs), list(obj.fgraph.outputs)]
    if isinstance(obj, FunctionGraph):
        return [list(obj.outputs)]
    if isinstance(obj, Variable):
        return [[obj]]
    return [list(obj)]


def _evaluate(outputs, given) -> dict:
    nodes = toposort(outputs)
    # Readers left per variable: a value is dropped after its last one (outputs stay to the end).
    readers = {}
    for node in nodes:
        for var in node.inputs:
            readers[var] = readers.get(var, 0) + 1
    for var in outputs:
        readers[var] = readers.get(var, 0) + 1
    values, summaries = {}, {}

    def leaf(var):
        value = given[var] if var in given else test_value_of(var)
        if value is None:
            raise MissingInputError(
                f"cannot summarize values: {describe(var)} has no value. Give it one in the "
                f"inputs (a model's `example_inputs`) or as `{var.name or 'x'}.tag.test_value`")
        if isinstance(var.type, TensorType):
            # Lists and numbers become arrays of the input's dtype, as a call would make them.
            value = var.type.filter(value, allow_downcast=True, what=f"the value of "
                                    f"{describe(var)}")
        values[var] = value
        summaries[var] = value_summary(values[var])

    for var in outputs:
        if var.owner is None:
            leaf(var)
    for node in nodes:
        arguments = []
        for var in node.inputs:
            if var not in values:
                leaf(var)
            arguments.append(values[var])
        for positions in node.op.destroy_map.values():
            for position in positions:
                arguments[position] = np.array(arguments[position], copy=True)
        try:
            # NaN and Inf are what the summary counts, not a warning to print.
            with np.errstate(all="ignore"):
                results = node.op.perform(node, arguments)
        except Exception as exc:
            raise EvaluationError.caused_by(
                f"{node.op.label} built at {where(node.outputs[0])} failed while summarizing "
                f"values: {type(exc).__name__}: {exc}", exc) from exc
        for var, value in zip(node.outputs, results):
            values[var] = value
            summaries[var] = value_summary(value)
        for var in node.inputs:
            readers[var] -= 1
            if readers[var] == 0:
                values.pop(var, None)
    return summaries
