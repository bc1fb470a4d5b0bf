"""`graphlens show MODEL.py --profile N`: the drawn function compiled again with Theano's
profiler (compile/profiling.py), called N times on the model's `example_inputs`, so the picture
shades each node by its share of the time and the summary names the slowest nodes.

A training step's updates run as the calls run: the weights in this process move N steps, as
they would in the user's own loop; the model file is untouched.
"""

from __future__ import annotations

import click

from graphlens.compile.profiling import apply_name
from graphlens.errors import describe

# The slowest nodes the summary names.
SLOWEST = 3


def profiled_calls(compiled, example_inputs, calls: int, name: str):
    """`compiled` compiled again with profile=True and called `calls` times on
    `example_inputs` ({input variable: value}); a click error naming a missing input.

    >>> timed = profiled_calls(train, {x: xv, y: yv}, 20, "train")     # doctest: +SKIP
    """
    from graphlens.compile.function import function

    given = example_inputs or {}
    missing = [item.variable for item in compiled.inputs if item.variable not in given]
    if missing:
        names = ", ".join(describe(var) for var in missing)
        raise click.UsageError(
            f"--profile calls {name} on the model's example_inputs ({{input: value}} at module "
            f"level), which give no value for {names}")
    timed = function([item.variable for item in compiled.inputs],
                     [out.variable for out in compiled.outputs], updates=compiled.updates,
                     on_unused_input="ignore", name=name, profile=f"{name} (graphlens show)")
    arguments = [given[item.variable] for item in compiled.inputs]
    for _ in range(calls):
        timed(*arguments)
    return timed


def timing_lines(timed) -> list:
    """The summary's lines: time per call, and the slowest nodes with their share.

    >>> timing_lines(timed)[0]                                          # doctest: +SKIP
    'timed 20 calls: 3.1 ms per call, 2.9 ms in its 12 nodes'
    """
    stats = timed.profile
    total = sum(stats.apply_time.values()) or 1.0
    lines = [f"  timed {stats.fct_callcount} calls: "
             f"{1e3 * stats.fct_call_time / stats.fct_callcount:.3g} ms per call, "
             f"{1e3 * total / stats.fct_callcount:.3g} ms in its {len(stats.apply_time)} nodes"]
    slowest = sorted(stats.apply_time.items(), key=lambda item: -item[1])[:SLOWEST]
    for node, seconds in slowest:
        text = apply_name(node)
        text = text if len(text) <= 70 else text[:67] + "..."
        lines.append(f"    {100 * seconds / total:5.1f}%  {text}")
    return lines
