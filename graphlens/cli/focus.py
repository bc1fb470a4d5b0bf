"""`graphlens show --focus NAME [--hops N]` and `--path FROM TO`: the focus a command line asks for.

- `--focus W1`, W1 a parameter of the model's `cost` (`params`): the gradient's route from the
  cost to W1, in the forward and the gradient graph, with where the gradient dies marked;
- `--focus NAME --hops N` (or NAME any other variable): everything within N hops of it
  (2 when --hops is not given);
- `--path FROM TO`: the ops on a path between two variables.

A name is a variable's own name (`W_2` for the second variable called `W`, as the printers
number them) or a module-level name of the model file (`cost`, `code`).

>>> focus_for(model, 'W1', None, None)                                    # doctest: +SKIP
Focus(kind='route', targets=('cost', 'W1'), hops=2)
"""

from __future__ import annotations

import click

from graphlens.errors import FocusError
from graphlens.render.focus import HOPS, Focus, select
from graphlens.render.subject import views


def check_options(focus_name, hops, path) -> None:
    """Refuse combinations that say two things at once, naming the options.

    >>> check_options(None, 2, None)                                      # doctest: +SKIP
    click.exceptions.UsageError: --hops counts steps around the --focus variable; ...
    """
    if focus_name is not None and path:
        raise click.UsageError("--focus and --path each choose what to draw; give one of them")
    if hops is not None and focus_name is None:
        raise click.UsageError("--hops counts steps around the --focus variable; give "
                               "--focus NAME too")


def focus_for(model, focus_name, hops, path):
    """The `Focus` the options ask for on `model` (a loaded model file), or None.

    >>> focus_for(model, None, None, ('cost', 'W1')).describe()           # doctest: +SKIP
    'focus: the path between cost and W1'
    """
    if not focus_name and not path:
        return None
    bindings = dict(model.variables)
    if model.cost is not None:
        bindings.setdefault("cost", model.cost)
    if path:
        return Focus.path(path[0], path[1], bindings=bindings)
    if hops is None and _is_parameter(model, focus_name):
        cost_name = next((name for name, value in bindings.items() if value is model.cost),
                         "cost")
        return Focus.route(cost_name, focus_name, bindings={**bindings, cost_name: model.cost})
    return Focus.around(focus_name, HOPS if hops is None else hops, bindings=bindings)


def _is_parameter(model, name) -> bool:
    """True when `name` means one of the model's `params` (by its name, `W_2` numbering among
    the parameters, or the model file's binding)."""
    if model.cost is None or not model.params:
        return False
    if model.variables.get(name) is not None:
        return any(model.variables[name] is param for param in model.params)
    same = [param for param in model.params if param.name == name]
    if same:
        return True
    base, _, number = name.rpartition("_")
    if base and number.isdigit():
        return 2 <= int(number) <= len([p for p in model.params if p.name == base])
    return False


def focus_in(function, focus, name, stage) -> tuple:
    """(the focus to draw `function` with, [summary lines]). A route that cannot run through
    this function (a `predict` computes neither the cost nor an update) becomes the parameter's
    neighbourhood, and the lines say so. Errors name the function.

    >>> focus_in(predict, Focus.route('cost', 'w'), 'predict', 'both')[0].kind  # doctest: +SKIP
    'around'
    """
    counts = []
    try:
        for view in views(function, stage):
            nodes = view.nodes()
            kept = len(select(focus, view, nodes=nodes).nodes)
            counts.append(f"{kept:,} of {len(nodes):,} ops {view.stage}")
    except FocusError as exc:
        if focus.kind != "route" or "no gradient's route" not in str(exc):
            # An unnamed function's message says "the graph": name it by its model binding.
            raise exc if f"'{name}'" in str(exc) else FocusError(f"{name}: {exc}") from None
        around = Focus.around(focus.targets[1], HOPS, bindings=focus.bindings)
        return around, [f"  {around.describe()}: {name} computes neither "
                        f"{focus.names()[0]} nor an update of {focus.names()[1]}"]
    return focus, [f"  {describe(focus)}", f"    drawn: {', '.join(counts)}"]


def describe(focus) -> str:
    """The summary line for a focused `show`, with how to widen it.

    >>> describe(Focus.around('W1', hops=1))
    'focus: within 1 hop of W1'
    """
    if focus.kind == "route":
        return (f"{focus.describe()} (forward and gradient graph); --hops N draws its "
                f"neighbourhood instead")
    return focus.describe()
