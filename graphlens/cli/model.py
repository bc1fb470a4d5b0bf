"""Load a model file for the `graphlens` command: run it, find what it draws, choose what to show.

A model is a Python file. `load_model(path)` runs its code the way `python model.py` would (its
folder first on `sys.path`, `sys.argv == [path]`) with one difference: `__name__` is
`"__graphlens_model__"`, not `"__main__"`, so a training loop kept under
`if __name__ == "__main__":` does not run. Then it looks at the module-level names:

- compiled functions (`train = function([x, y], cost, updates=...)`),
- symbolic expressions (`cost = ...`: a variable computed from others, or a list of them),
- `cost` (a scalar expression) and `params` (a list of shared variables, or a dict of them such
  as the LSTM tutorial's `tparams`): for gradient findings; without `params`, the float shared
  variables of rank >= 1 that `cost` reads (weights, not flags or learning rates),
- `example_inputs` ({symbolic input: numpy value}): a batch for runtime gradient statistics,
- `__graphlens__ = ['train', 'cost']`: the names to show, in that order.

Without `__graphlens__` (or `--name`), the compiled functions are shown if there are any, else
`cost`, else every symbolic expression.

>>> model = load_model("gallery/logreg.py")                     # doctest: +SKIP
>>> [name for name, _ in model.chosen]
['train', 'predict']
"""

from __future__ import annotations

import builtins
import contextlib
import os
import sys
import tokenize
import traceback
import types
from dataclasses import dataclass, field

from graphlens.errors import ModelError, is_user_file

RUN_NAME = "__graphlens_model__"
CHOICE_NAME = "__graphlens__"

_MAX_LISTED = 20


@dataclass
class Model:
    """What a model file defines: `drawable` ({name: function or expression}, in definition
    order), `chosen` [(name, object)] to show, and `cost` / `params` when it has both."""

    path: str
    drawable: dict
    chosen: list
    found: dict = field(default_factory=dict)
    cost: object = None
    params: list | None = None
    no_gradient_reason: str | None = None
    params_inferred: bool = False
    doc: str | None = None
    example_inputs: dict | None = None
    variables: dict = field(default_factory=dict)   # {module-level name: Variable}, for --focus


def load_model(path: str, names=(), *, display_path: str | None = None) -> Model:
    """Run the model file at `path` and pick what to show: `names` if given, else its
    `__graphlens__` list, else the default (functions, else `cost`, else all expressions).

    `display_path` is the file name used in messages and recorded source lines (default: `path`
    relative to the working directory).
    """
    display = display_path or _display(path)
    namespace = run_model_file(path, display)
    from graphlens.cli.bindings import name_unnamed
    # One name in every view: an unnamed shared variable or function is called what the file
    # binds it to.
    name_unnamed(namespace)
    drawable, found = collect(namespace)
    chosen = choose(display, namespace, drawable, found, tuple(names))
    cost, params, reason = _gradient_inputs(namespace)
    inferred = cost is not None and not _given_params(namespace)
    doc = namespace.get("__doc__")
    return Model(display, drawable, chosen, found, cost, params, reason, inferred,
                 doc if isinstance(doc, str) else None, _example_inputs(namespace),
                 _variables(namespace))


def _display(path):
    from graphlens.graph.basic import short_path
    return short_path(os.path.abspath(path))


def run_model_file(path: str, display: str) -> dict:
    """Execute the file's code in a fresh module named `__graphlens_model__`; its namespace.

    Raises ModelError for a missing file, a syntax error (as Python prints it) or an exception
    raised by the model (its traceback cut to the user's own frames).
    """
    if not os.path.exists(path):
        raise ModelError(f"no model file at {path!r} (looked for {os.path.abspath(path)})")
    if os.path.isdir(path):
        raise ModelError(f"{path!r} is a folder; give a model file, like {path.rstrip('/')}"
                         f"/model.py")
    try:
        with tokenize.open(path) as handle:
            text = handle.read()
    except (SyntaxError, UnicodeDecodeError) as exc:
        raise ModelError(f"{display} cannot be read as Python source: {exc}") from None
    except OSError as exc:
        raise ModelError(f"cannot read {display}: {exc.strerror}") from None
    # Register the source so tracebacks show the model's lines even when `display` is not a
    # path from the working directory.
    import linecache
    linecache.cache[display] = (len(text), None, text.splitlines(True), display)
    try:
        code = compile(text, display, "exec", dont_inherit=True)
    except SyntaxError as exc:
        shown = "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
        raise ModelError(f"{display} is not valid Python:\n{shown}") from None
    module = types.ModuleType(RUN_NAME)
    module.__file__ = os.path.abspath(path)
    module.__builtins__ = builtins
    with _process_state_kept(path):
        sys.modules[RUN_NAME] = module
        try:
            exec(code, module.__dict__)
        except KeyboardInterrupt:
            raise
        except (SystemExit, _HardExit) as exc:
            call = "os._exit" if isinstance(exc, _HardExit) else "sys.exit"
            raise ModelError(f"{display} called {call}({exc.code!r}) while graphlens ran it; "
                             f"keep exits under `if __name__ == \"__main__\":`") from None
        except BaseException as exc:  # noqa: BLE001 - any error of the model's is reported
            raise ModelError(f"{display} raised an error while graphlens ran it:\n"
                             f"{format_user_traceback(exc)}") from None
    return module.__dict__


class _HardExit(BaseException):
    """Raised in place of `os._exit` while a model runs: the process must live to report."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _hard_exit(code=0):
    raise _HardExit(code)


@contextlib.contextmanager
def _process_state_kept(path):
    """Run a model without letting it change what graphlens relies on afterwards.

    Scripts commonly `os.chdir(...)` at their top, replace `sys.stdout` (a logger), or call
    `os._exit` at the end. Each of these would otherwise move the picture to another folder,
    swallow the report, or end graphlens silently with status 0, so each is put back (and
    `os._exit` becomes an error that names the model) once the model's code has run.
    """
    saved_cwd = os.getcwd()
    saved_argv, saved_path = sys.argv, list(sys.path)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_module = sys.modules.get(RUN_NAME)
    saved_exit = os._exit
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    os._exit = _hard_exit
    try:
        yield
    finally:
        os._exit = saved_exit
        os.chdir(saved_cwd)
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv = saved_argv
        sys.path[:] = saved_path
        if saved_module is None:
            sys.modules.pop(RUN_NAME, None)
        else:
            sys.modules[RUN_NAME] = saved_module


def format_user_traceback(exc: BaseException) -> str:
    """The traceback of `exc` with only the user's frames, then the error line as Python prints it.

    >>> print(format_user_traceback(error))                          # doctest: +SKIP
    Traceback (most recent call last, graphlens's own frames left out):
      File "model.py", line 12, in <module>
        h = T.dot(x, W)
    graphlens.errors.ShapeError: dot: ...
    """
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if is_user_file(frame.filename)]
    lines = ["Traceback (most recent call last, graphlens's own frames left out):\n"]
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


def kind_of(value) -> str | None:
    """What a module-level value is, for listings: 'compiled function', 'expression float64[?]',
    'shared variable float64[?, ?]', 'input float64[?]', 'list of 4 expressions', or the type."""
    from graphlens.compile.compiled import Function
    from graphlens.compile.shared import SharedVariable
    from graphlens.graph.basic import Constant, Variable

    if isinstance(value, Function):
        return "compiled function"
    if isinstance(value, SharedVariable):
        return f"shared variable {value.type}"
    if isinstance(value, Constant):
        return f"constant {value.type}"
    if isinstance(value, Variable):
        return f"{'expression' if value.owner is not None else 'input'} {value.type}"
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Variable) for v in value):
        if any(v.owner is not None for v in value):
            return f"list of {len(value)} expressions"
        return f"list of {len(value)} variables"
    if isinstance(value, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)):
        return None
    return type(value).__name__


def is_drawable(value) -> bool:
    """A compiled function, an expression (a variable with an owner), or a list of expressions."""
    kind = kind_of(value)
    return kind is not None and (kind == "compiled function" or kind.startswith("expression")
                                 or (kind.startswith("list of") and kind.endswith("expressions")))


def collect(namespace: dict) -> tuple[dict, dict]:
    """({name: drawable}, {name: kind of every other listed value}), in definition order."""
    drawable, found = {}, {}
    for name, value in namespace.items():
        if name.startswith("_"):
            continue
        kind = kind_of(value)
        if kind is None:
            continue
        found[name] = kind
        if is_drawable(value):
            drawable[name] = value
    return drawable, found


def listing(found: dict) -> str:
    """`'x (input float64[?, ?]), w (shared variable float64[?])'`, at most 20 entries."""
    items = [f"{name} ({kind})" for name, kind in found.items()]
    if len(items) > _MAX_LISTED:
        items = items[:_MAX_LISTED] + [f"... {len(items) - _MAX_LISTED} more"]
    return ", ".join(items) if items else "no module-level values"


def choose(display, namespace, drawable, found, names) -> list:
    """[(name, object)] to show: `names`, else `__graphlens__`, else the default."""
    if not names and CHOICE_NAME in namespace:
        names = namespace[CHOICE_NAME]
        if isinstance(names, str) or not isinstance(names, (list, tuple)) or \
                not all(isinstance(n, str) for n in names):
            raise ModelError(f"{display}: {CHOICE_NAME} must be a list of names, like "
                             f"['train', 'cost']; got {names!r:.80}")
    if names:
        return [(name, _look_up(display, name, namespace, drawable, found)) for name in names]
    if not drawable:
        raise ModelError(
            f"{display} defines nothing graphlens can draw. graphlens draws module-level "
            f"compiled functions (train = function(...)) and symbolic expressions "
            f"(cost = ...).\nIt found: {listing(found)}")
    functions = [(n, v) for n, v in drawable.items() if found[n] == "compiled function"]
    if functions:
        return functions
    if "cost" in drawable:
        return [("cost", drawable["cost"])]
    return list(drawable.items())


def _look_up(display, name, namespace, drawable, found):
    if name in drawable:
        return drawable[name]
    names = ", ".join(drawable) or "none"
    if name in namespace:
        kind = found.get(name) or type(namespace[name]).__name__
        raise ModelError(f"{display}: {name!r} is a {kind}, not something to draw (a compiled "
                         f"function or an expression); drawable names: {names}")
    raise ModelError(f"{display} defines no {name!r}; drawable names: {names}")


def _variables(namespace) -> dict:
    """{name: Variable} bound at module level (`cost = ...`, `X = T.dmatrix()`), in order."""
    from graphlens.graph.basic import Variable

    return {name: value for name, value in namespace.items()
            if not name.startswith("_") and isinstance(value, Variable)}


def _example_inputs(namespace):
    """The model's `example_inputs` ({symbolic input: value}) when it has a valid one, else None."""
    from graphlens.graph.basic import Variable

    inputs = namespace.get("example_inputs")
    if isinstance(inputs, dict) and inputs and all(isinstance(k, Variable) for k in inputs):
        return inputs
    return None


def _given_params(namespace):
    """The model's own `params`: a list of shared variables, or a dict's values (`tparams`)."""
    params = namespace.get("params")
    return list(params.values()) if isinstance(params, dict) else params


def _gradient_inputs(namespace):
    """(cost, params, None), or (None, None, why there are no gradient findings)."""
    from graphlens.compile.shared import SharedVariable
    from graphlens.graph.basic import graph_inputs
    from graphlens.tensor.variable import TensorVariable

    cost, params = namespace.get("cost"), _given_params(namespace)
    if cost is None:
        return None, None, "the model defines no module-level cost"
    if not isinstance(cost, TensorVariable) or cost.ndim != 0:
        return None, None, "`cost` is not a scalar expression"
    if params is None:
        # What a Theano model trains: its float weights and biases. Scalars (a learning rate,
        # a dropout switch like the LSTM tutorial's use_noise) and integer state are left out.
        params = [v for v in graph_inputs([cost]) if isinstance(v, SharedVariable)
                  and v.ndim >= 1 and v.dtype.startswith("float")]
        if not params:
            return None, None, "the model defines no `params` and cost reads no float weights"
    if not isinstance(params, (list, tuple)) or not params or \
            not all(isinstance(p, SharedVariable) for p in params):
        return None, None, "`params` is not a list of shared variables"
    return cost, list(params), None
