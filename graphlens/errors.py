"""Every exception type graphlens raises, and `where(var)`: the user's line that built a variable.

An error a user sees names what was wrong, which input or op, and where the variable was built in
the user's own code. Each type below is a `GraphlensError`, so `except GraphlensError` catches all.
"""

from __future__ import annotations


class GraphlensError(Exception):
    """Base of every error graphlens raises on purpose."""


class GraphlensTypeError(GraphlensError, TypeError):
    """A value or variable has the wrong dtype or rank: `x = T.fvector(); f(np.zeros(3))`."""


class ShapeError(GraphlensError, ValueError):
    """Shapes do not agree: at graph build time (static shapes) or while evaluating."""


class AxisError(GraphlensError, ValueError):
    """An axis is out of range for a tensor's rank: `T.sum(x_vector, axis=2)`."""


class MissingInputError(GraphlensError):
    """An output depends on a variable that is neither an input, a shared variable nor a constant."""


class UnusedInputError(GraphlensError):
    """An input of `function` is not used by any output (`on_unused_input='raise'`)."""


class ArgumentError(GraphlensError, TypeError):
    """A compiled function was called with the wrong number or names of arguments."""


class EvaluationError(GraphlensError):
    """An op failed while a compiled function ran; the message names the node and the user's line."""


class DisconnectedInputError(GraphlensError):
    """`grad(cost, wrt)`: the cost does not depend on `wrt`."""


class UndefinedGradientError(GraphlensError):
    """The gradient asked for is mathematically undefined (with respect to an integer index, say)."""


class NaNError(EvaluationError):
    """A node produced NaN or Inf while a function ran in NaN-guard mode."""


class RewriteError(GraphlensError):
    """A rewrite produced an invalid replacement, or `replace` was asked for a variable not in the graph."""


class LayoutBackendError(GraphlensError):
    """No Graphviz layout backend is available for the requested render."""


class LayoutError(GraphlensError):
    """Graphviz refused the DOT text (a syntax error, say)."""


class ConfigError(GraphlensError, ValueError):
    """A config flag has an unknown name or an invalid value."""


def where(var) -> str:
    """The user's source line that built `var`, as `model.py:14`, or '<unknown>'.

    >>> x = T.dscalar('x'); where(x)     # doctest: +SKIP
    'model.py:3'
    """
    site = getattr(var, "creation_site", None)
    if not site:
        return "<unknown>"
    from graphlens.graph.basic import short_path
    filename, lineno = site
    return f"{short_path(filename)}:{lineno}"


def describe(var) -> str:
    """A one-phrase description of a variable for error messages: `'x' (float64[?, 3], built at m.py:4)`."""
    name = getattr(var, "name", None)
    label = repr(name) if name else "an unnamed variable"
    owner = getattr(var, "owner", None)
    if not name and owner is not None:
        label = f"the output of {owner.op.label}"
    return f"{label} ({var.type}, built at {where(var)})"


class ModelError(GraphlensError):
    """A model file given to the `graphlens` command is missing, does not compile, raises while
    it runs, or defines nothing to draw; the message says which, at the model's own line."""


class GradientCheckError(GraphlensError, AssertionError):
    """`verify_grad` found the symbolic and the finite-difference gradients apart; the message
    shows both gradients and the worst element."""


class InvalidArgumentError(GraphlensError, ValueError):
    """An argument has a value the function refuses where Theano raised ValueError: a float
    `reps` for `T.tile`, `T.diag` of a scalar, a tensordot axis out of range."""
