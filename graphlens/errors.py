"""Every exception type graphlens raises, and `where(var)`: the user's line that built a variable.

An error a user sees names what was wrong, which input or op, and where the variable was built in
the user's own code. Each type below is a `GraphlensError`, so `except GraphlensError` catches all.
"""

from __future__ import annotations

import functools
import os


class GraphlensError(Exception):
    """Base of every error graphlens raises on purpose."""


class GraphlensWarning(UserWarning):
    """Base of every warning graphlens gives: something was given up on or took a slower path.

    A silent give-up is a bug, so each says what happened; `warnings.simplefilter('error',
    GraphlensWarning)` turns them into errors.
    """


class RewriteBudgetWarning(GraphlensWarning):
    """A rewrite phase stopped at its pass budget while a rule was still firing."""


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
    """An op failed while a compiled function ran; the message names the node and the user's line.

    Build one with `EvaluationError.caused_by(message, exc)`: the error is then also an instance
    of the built-in class `exc` belongs to (`ValueError` for a shape mismatch, `IndexError` for
    an index out of bounds, ...), so `except ValueError:` written for Theano still catches it.
    """

    @staticmethod
    def caused_by(message: str, cause: BaseException) -> "EvaluationError":
        """An EvaluationError with `message` that is also of the built-in class of `cause`.

        >>> isinstance(EvaluationError.caused_by("Dot failed", ValueError("shapes")), ValueError)
        True
        """
        for builtin, error_class in _EVALUATION_ERRORS:
            if isinstance(cause, builtin):
                return error_class(message)
        return EvaluationError(message)


class EvaluationValueError(EvaluationError, ValueError):
    """A run-time failure numpy reports as ValueError: shapes that do not broadcast, a dot of
    mismatched lengths, a reshape to the wrong size."""


class EvaluationIndexError(EvaluationError, IndexError):
    """A run-time index out of bounds."""


class EvaluationTypeError(EvaluationError, TypeError):
    """A run-time value of the wrong type for an op."""


class EvaluationArithmeticError(EvaluationError, ArithmeticError):
    """A run-time arithmetic failure (integer division by zero, overflow)."""


class EvaluationMemoryError(EvaluationError, MemoryError):
    """A run-time allocation that did not fit in memory."""


# Most specific first: numpy's AxisError is both an IndexError and a ValueError, and user code
# written for numpy catches it as IndexError.
_EVALUATION_ERRORS = (
    (IndexError, EvaluationIndexError), (ValueError, EvaluationValueError),
    (TypeError, EvaluationTypeError), (ArithmeticError, EvaluationArithmeticError),
    (MemoryError, EvaluationMemoryError),
)


class TestValueError(GraphlensError):
    """An op failed on its inputs' test values while the graph was built
    (`config.compute_test_value` not 'off'); the message names the op, its inputs' shapes and
    dtypes, and the user's line that built the node.

    Build one with `TestValueError.caused_by(message, exc)`: like `EvaluationError`, it is then
    also an instance of the built-in class of `exc` (a numpy shape mismatch is a `ValueError`,
    and a `ShapeError` too), so Theano-era `except ValueError:` still catches it.
    """

    __test__ = False  # not a pytest test class, despite its Theano name

    @staticmethod
    def caused_by(message: str, cause: BaseException) -> "TestValueError":
        """A TestValueError with `message` that is also of the built-in class of `cause`.

        >>> isinstance(TestValueError.caused_by("Dot failed", ValueError("shapes")), ShapeError)
        True
        """
        for builtin, error_class in _TEST_VALUE_ERRORS:
            if isinstance(cause, builtin):
                return error_class(message)
        return TestValueError(message)


class TestValueShapeError(TestValueError, ShapeError):
    """An op's test-value evaluation failed with a ValueError: shapes that do not agree."""


class TestValueIndexError(TestValueError, IndexError):
    """An op's test-value evaluation indexed out of bounds."""


class TestValueTypeError(TestValueError, TypeError):
    """An op's test-value evaluation got a value of the wrong type."""


class TestValueArithmeticError(TestValueError, ArithmeticError):
    """An op's test-value evaluation failed arithmetically (integer division by zero)."""


class TestValueMemoryError(TestValueError, MemoryError):
    """An op's test-value evaluation did not fit in memory."""


class MissingTestValueError(TestValueError, ValueError):
    """`compute_test_value='raise'` and an input of a new node has no test value (Theano raised
    ValueError here); the message names the input and the line that built it."""


class TestValueWarning(GraphlensWarning):
    """`compute_test_value='warn'` and an input of a new node has no test value: the node and
    everything built on it get none."""

    __test__ = False


_TEST_VALUE_ERRORS = (
    (IndexError, TestValueIndexError), (ValueError, TestValueShapeError),
    (TypeError, TestValueTypeError), (ArithmeticError, TestValueArithmeticError),
    (MemoryError, TestValueMemoryError),
)


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


def short_path(filename: str) -> str:
    """`filename` relative to the working directory when below it, else as given."""
    return _short_path(filename, os.getcwd())


@functools.lru_cache(maxsize=1024)
def _short_path(filename, cwd):
    try:
        relative = os.path.relpath(filename, cwd)
    except ValueError:
        return filename
    return filename if relative.startswith("..") else relative


def where(var) -> str:
    """The user's source line that built `var`, as `model.py:14`, or '<unknown>'.

    >>> x = T.dscalar('x'); where(x)     # doctest: +SKIP
    'model.py:3'
    """
    site = getattr(var, "creation_site", None)
    if not site:
        return "<unknown>"
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
