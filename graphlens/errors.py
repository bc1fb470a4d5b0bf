"""Every exception type graphlens raises, and `where(var)`: the user's line that built a variable.

An error a user sees names what was wrong, which input or op, and where the variable was built in
the user's own code. Each type below is a `GraphlensError`, so `except GraphlensError` catches all.
"""

from __future__ import annotations

import functools
import os
import sys
import sysconfig
import threading
import warnings

from numpy.linalg import LinAlgError


class GraphlensError(Exception):
    """Base of every error graphlens raises on purpose.

    A message that does not name the user's own line gets it appended, found on the stack when
    the error is made: `concatenate needs at least one tensor (at model.py:14)`. One mechanism
    for every error raised while a graph is built or a function is called, instead of each
    message having to remember. Errors that report a site of their own (a node that failed while
    running, a model file, Graphviz) set `adds_user_line = False`.
    """

    adds_user_line = True

    def __init__(self, *args):
        if self.adds_user_line and len(args) == 1 and isinstance(args[0], str):
            args = (with_user_line(args[0]),)
        super().__init__(*args)


class GraphlensWarning(UserWarning):
    """Base of every warning graphlens gives: something was given up on or took a slower path.

    A silent give-up is a bug, so each says what happened; `warnings.simplefilter('error',
    GraphlensWarning)` turns them into errors.
    """


class RewriteBudgetWarning(GraphlensWarning):
    """A rewrite phase stopped at its pass budget while a rule was still firing."""


class GraphlensTypeError(GraphlensError, TypeError):
    """A value or variable has the wrong dtype or rank: `x = T.fvector(); f(np.zeros(3))`."""


class ComplexError(GraphlensTypeError, NotImplementedError):
    """An operation not defined for complex numbers was given one (`cvector % 2`): Theano's
    `scalar.ComplexError`, a NotImplementedError, and a TypeError as graphlens's dtype errors."""


class NotAnInputError(GraphlensError, ValueError):
    """A mapping keyed by a graph's inputs names a variable that is not one of them
    (`shape_of_variables(fgraph, {v: shape})`; Theano raised ValueError)."""


class ShapeError(GraphlensError, ValueError):
    """Shapes do not agree: at graph build time (static shapes) or while evaluating."""


class ShapeTypeError(ShapeError, TypeError):
    """Shapes that do not agree where Theano raised TypeError (patches that do not tile an
    image in `images2neibs`): a ShapeError (ValueError) and a TypeError, so either `except`
    catches it."""


class UpdateShapeError(ShapeError, GraphlensTypeError):
    """An update whose static shape cannot hold the shared variable's value (a (1, 1) result
    for a 10x10 matrix). Also a TypeError: Theano refused it as an update of another type."""


class RankError(ShapeError, GraphlensTypeError):
    """Tensors of ranks an op cannot take (joining scalars, or a matrix with a vector). Also a
    TypeError: Theano's Join refused them so."""


class TooManyIndicesError(ShapeError, IndexError):
    """An index with more entries than the tensor has axes (`x_vector[0, 0]`). Also an
    IndexError, as numpy's and Theano's."""


class DuplicateUpdateError(GraphlensTypeError, ValueError):
    """Two updates given for one shared variable. Also a ValueError, as Theano raised."""


class GradientCountError(GraphlensTypeError, ValueError):
    """An op's `grad` returned another number of gradients than it has inputs. Also a
    ValueError, as Theano raised."""


class DrawNotImplementedError(GraphlensError, NotImplementedError, ValueError):
    """A random draw Theano's generator did not implement either (MRG binomial with n > 1):
    a NotImplementedError, as Theano raised, and a ValueError (an argument it refuses)."""


class NotATensorError(GraphlensTypeError, AttributeError):
    """A tensor's attribute (dtype, ndim) asked of a variable holding a Python object (Theano's
    generic): a TypeError with the reason, and an AttributeError, so `getattr(v, 'dtype',
    None)` still answers None."""


class AxisError(GraphlensError, ValueError, IndexError):
    """An axis is out of range for a tensor's rank: `T.sum(x_vector, axis=2)`. Also an
    IndexError, as numpy's AxisError (Theano's join and stack raised IndexError)."""


class MissingInputError(GraphlensError):
    """An output depends on a variable that is neither an input, a shared variable nor a constant."""


class StrictScanError(MissingInputError, GraphlensTypeError):
    """`scan(strict=True)`: the step reads a shared variable not given in `non_sequences`;
    Theano raised MissingInputError there."""


class AsTensorError(GraphlensTypeError):
    """`as_tensor_variable` cannot make a tensor of a value (Theano's
    `theano.tensor.AsTensorError`, a TypeError)."""


class NotNumbersError(GraphlensTypeError, ValueError):
    """A value given for a tensor (an argument, a shared variable's new value) that cannot be
    read as an array of numbers ('abc', a ragged list); Theano's conversion raised numpy's
    ValueError there."""


class ScanStateTypeError(GraphlensTypeError, ValueError):
    """`scan`: fn's new value for a state has another dtype or rank than the state's initial
    value; Theano raised ValueError there (an upcast in the step)."""


class NotScalarConstantError(GraphlensError):
    """`get_scalar_constant_value` found no constant scalar: the value depends on an input."""


class UnusedInputError(GraphlensError):
    """An input of `function` is not used by any output (`on_unused_input='raise'`)."""


class OutputKeyError(GraphlensTypeError, AssertionError):
    """`function(inputs, {key: variable})` with a key that is no string; Theano asserted the
    keys were strings (AssertionError)."""


class ArgumentError(GraphlensError, TypeError):
    """A compiled function was called with the wrong number or names of arguments."""


class DuplicateInputError(ArgumentError, UnusedInputError):
    """`function([x, x], ...)`: an input listed twice (its second value would be ignored). Also
    an UnusedInputError, as Theano raised."""


class EvaluationError(GraphlensError):
    """An op failed while a compiled function ran; the message names the node and the user's line.

    The line is the one that built the failing node (the caller's line would mislead).

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
        return _of_cause(_EVALUATION_ERRORS, EvaluationError, message, cause)

    adds_user_line = False


class EvaluationShapeTypeError(EvaluationError, ValueError, TypeError):
    """A run-time ShapeTypeError: both classes Theano code may catch."""


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


class EvaluationAssertionError(EvaluationError, AssertionError):
    """A run-time check of the graph failed (Theano's `Assert` op with a false condition): an
    AssertionError, as Theano raised, that names the node and the user's line."""


class EvaluationLinAlgError(EvaluationError, LinAlgError):
    """A run-time linear-algebra failure (a singular matrix to invert, a matrix that is not
    positive definite): numpy's LinAlgError, as Theano raised, so `except LinAlgError:` catches
    it; it is also a ValueError."""


# Most specific first: numpy's AxisError is both an IndexError and a ValueError, and user code
# written for numpy catches it as IndexError.
_EVALUATION_ERRORS = (
    (LinAlgError, EvaluationLinAlgError), (IndexError, EvaluationIndexError),
    (ShapeTypeError, EvaluationShapeTypeError), (ValueError, EvaluationValueError),
    (TypeError, EvaluationTypeError), (ArithmeticError, EvaluationArithmeticError),
    (MemoryError, EvaluationMemoryError), (AssertionError, EvaluationAssertionError),
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
        return _of_cause(_TEST_VALUE_ERRORS, TestValueError, message, cause)


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


class TestValueAssertionError(TestValueError, AssertionError):
    """An `Assert` op's condition was false on the test values, while the graph was built."""


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
    (MemoryError, TestValueMemoryError), (AssertionError, TestValueAssertionError),
)


class DisconnectedInputError(GraphlensError, ValueError):
    """`grad(cost, wrt)`: the cost does not depend on `wrt`; `Rop(f, wrt, v)`: f does not.
    A ValueError, as Theano's."""


class UndefinedGradientError(GraphlensError, TypeError):
    """The gradient asked for is mathematically undefined (with respect to an integer index, say).
    A TypeError, as Theano's NullTypeGradError."""


class UndefinedRopError(DisconnectedInputError):
    """`Rop(f, wrt, v)` through an op without a derivative: J v is undefined. A ValueError, as
    Theano's Rop raised (it found no R_op result for f)."""


class NaNError(EvaluationError, AssertionError):
    """A node produced NaN or Inf while a function ran in NaN-guard mode. Also the
    AssertionError Theano's NanGuardMode raised."""


class InconsistencyError(GraphlensError):
    """Theano's `gof.InconsistencyError`: ops that overwrite their inputs (`destroy_map`)
    cannot run as the graph asks: an input of the function, a constant or a shared value would
    be overwritten, one value overwritten twice, or a reader would need the overwritten value
    after the overwrite."""


class RewriteError(GraphlensError):
    """A rewrite produced an invalid replacement, or `replace` was asked for a variable not in the graph."""


class LayoutBackendError(GraphlensError):
    """No Graphviz layout backend works for the requested render; the message says why and how
    to get one (install Graphviz's `dot`, or `layout='system'`)."""

    adds_user_line = False


class LayoutError(GraphlensError):
    """Graphviz refused the DOT text (a syntax error, say)."""

    adds_user_line = False


class LayoutTimeoutError(LayoutError):
    """Graphviz's layout ran past its time budget (`time_budget=`, the `layout_time_budget`
    flag) and was stopped; pictures then fall back to the folded summary."""


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


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def creation_site() -> tuple[str, int] | None:
    """The (file, line) of the innermost frame outside graphlens: where the user built a variable.

    The file is kept as Python reports it; `where` shortens it when it is shown.
    """
    frame = getattr(_BULK, "frame", None) or _innermost_user_frame(
        sys._getframe(1), _is_graphlens_file, _GRAPHLENS_CODE)
    return None if frame is None else (frame.f_code.co_filename, frame.f_lineno)


def creation_frame():
    """The innermost frame outside graphlens (the user's code building a variable), or None.

    One walk serves both facts a variable records: its site (file, line) and its inferred
    scope (graph/scopes.py reads the frame's code and identity).
    """
    return getattr(_BULK, "frame", None) or _innermost_user_frame(
        sys._getframe(1), _is_graphlens_file, _GRAPHLENS_CODE)


def user_frame(frame):
    """The innermost frame from `frame` outwards that is not graphlens's, or None: what
    `creation_frame` finds, walked from a given frame (Op.__call__ walks once per node).

    >>> user_frame(sys._getframe()) is sys._getframe()      # called from the user's code
    True
    """
    return _innermost_user_frame(frame, _is_graphlens_file, _GRAPHLENS_CODE)


# On this thread: `frame`, the user's frame of a bulk build in progress (see `BulkBuild`), or
# None, and `site`, that frame's (file, line); `made`, while Op.__call__ runs a make_node from
# the user's code, the (creation site, scope tag) every variable it makes shares (graph/op.py),
# else None.
_BULK = BULK = threading.local()


class BulkBuild:
    """While graphlens builds many variables for one user call (`grad`, rewriting), each is
    sited at the `frame` of that call, found once, instead of walking the stack per variable
    (a third of `grad`'s time on a 10,000-node graph, issue #23). Only graphlens frames lie
    between such a call and the variables it makes, so the walk would find the same frame;
    where graphlens runs the user's own code meanwhile (an op class defined outside
    graphlens), it does so under `BulkBuild(None)`, which walks again. Nests; restores the
    previous frame on exit (also on an error).

    >>> with BulkBuild(creation_frame()):       # doctest: +SKIP
    ...     grads = build_the_gradient()
    """

    def __init__(self, frame):
        self.frame = frame
        self.previous = None

    def __enter__(self):
        # A bulk build changes the scope as it goes (grad's backward tags): the site and scope
        # of the op call around it, if any, no longer hold for what it makes.
        self.previous = (getattr(_BULK, "frame", None), getattr(_BULK, "made", None),
                         getattr(_BULK, "site", None))
        _BULK.frame = self.frame
        _BULK.made = None
        # The frame's (file, line), one tuple for every variable of the build (graph/basic.py).
        code = getattr(self.frame, "f_code", None)
        _BULK.site = None if code is None else (code.co_filename, self.frame.f_lineno)
        return self

    def __exit__(self, *exc):
        _BULK.frame, _BULK.made, _BULK.site = self.previous
        return False


def is_graphlens_code(function) -> bool:
    """True when `function` (a plain function or method) is written in graphlens's files."""
    code = getattr(function, "__code__", None)
    return code is not None and _is_graphlens_file(code.co_filename)


def with_user_line(message: str) -> str:
    """`message` ending with the user's line on the stack now, unless it already names it.

    >>> with_user_line("concatenate needs at least one tensor")    # doctest: +SKIP
    'concatenate needs at least one tensor (at model.py:14)'
    """
    site = _user_frame_site()
    if site is None:
        return message
    line = f"{short_path(site[0])}:{site[1]}"
    return message if line in message else f"{message} (at {line})"


def _user_frame_site() -> tuple[str, int] | None:
    """The innermost frame that is neither graphlens's nor Python's nor an installed library's.

    Unlike `creation_site`, library frames are skipped: an error raised by the `graphlens`
    command's own option handling would otherwise name a line of click as the user's.
    """
    return _innermost_frame(sys._getframe(1), _is_not_user_file, _NOT_USER_CODE)


def is_user_file(filename: str) -> bool:
    """False for graphlens's own files and Python's, an installed library's or a console
    script's files: what tracebacks and error lines leave out as not the user's code."""
    return not _is_not_user_file(filename)


def _is_graphlens_file(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR) or filename.startswith("<frozen")


def _is_not_user_file(filename: str) -> bool:
    absolute = os.path.abspath(filename)
    return (_is_graphlens_file(filename) or absolute.startswith(_PACKAGE_DIR)
            or absolute.startswith(_library_dirs()))


def _innermost_frame(frame, skipped, cache) -> tuple[str, int] | None:
    """(file, line) of the innermost frame from `frame` outwards whose file `skipped` refuses;
    `cache` keeps the answer per code object (every variable walks the stack)."""
    frame = _innermost_user_frame(frame, skipped, cache)
    return None if frame is None else (frame.f_code.co_filename, frame.f_lineno)


def _innermost_user_frame(frame, skipped, cache):
    """The innermost frame from `frame` outwards whose file `skipped` refuses and that is no
    generated code, or None."""
    while frame is not None:
        code = frame.f_code
        skip = cache.get(code)
        if skip is None:
            skip = cache[code] = skipped(code.co_filename) or _is_generated(code)
        if not skip:
            return frame
        frame = frame.f_back
    return None


def _is_generated(code) -> bool:
    """True for a method Python wrote itself: a dataclass's `__init__` (which calls
    `__post_init__`), `__setattr__`, `__eq__`, ..., compiled from text with the file name
    `<string>`. Such a frame is nobody's line; the user's is the one that called it
    (`Pool(ws=(2,))` in model.py, not `<string>:4`).

    >>> _is_generated(dataclasses.make_dataclass("P", ["x"]).__init__.__code__)   # doctest: +SKIP
    True
    """
    name = code.co_name
    return code.co_filename == "<string>" and name.startswith("__") and name.endswith("__")


# Code object -> whether its frames are skipped: a cache, not state (one per kind of walk).
_GRAPHLENS_CODE = {}
_NOT_USER_CODE = {}


@functools.lru_cache(maxsize=1)
def _library_dirs() -> tuple[str, ...]:
    # Python's own modules, installed libraries and console scripts (the `graphlens` script).
    paths = sysconfig.get_paths()
    return tuple(sorted({os.path.abspath(paths[key]) + os.sep
                         for key in ("stdlib", "platstdlib", "purelib", "platlib", "scripts")
                         if paths.get(key)}))


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

    adds_user_line = False


class GradientCheckError(GraphlensError, AssertionError):
    """`verify_grad` found the symbolic and the finite-difference gradients apart; the message
    shows both gradients and the worst element."""


class FocusError(GraphlensError, ValueError):
    """A focused picture cannot be drawn as asked: no variable has that name, the name means
    several (the message lists them as `W`, `W_2`), or no path joins the two variables."""

    adds_user_line = False


class InvalidArgumentError(GraphlensError, ValueError):
    """An argument has a value the function refuses where Theano raised ValueError: a float
    `reps` for `T.tile`, `T.diag` of a scalar, a tensordot axis out of range."""


def _of_cause(classes, fallback, message, cause):
    """The error of `classes` [(built-in class, our class)] whose built-in class `cause` is an
    instance of (most specific first), else `fallback`, made with `message`."""
    for builtin, error_class in classes:
        if isinstance(cause, builtin):
            return error_class(message)
    return fallback(message)


# The values of an option saying what to do about a doubtful but legal request (Theano's
# `disconnected_inputs` of grad, `on_unused_input` of function): one rule, one wording.
POLICIES = ("raise", "warn", "ignore")


def check_policy(where: str, option: str, value) -> None:
    """Refuse a raise-or-warn option other than 'raise', 'warn' or 'ignore'.

    >>> check_policy("grad", "disconnected_inputs", "warn")       # 'nope' would raise
    """
    if value not in POLICIES:
        raise InvalidArgumentError(f"{where}: {option} must be 'raise', 'warn' or 'ignore', "
                                   f"got {value!r:.40}")


def raise_or_warn(policy: str, error_class, message: str) -> None:
    """Act on a checked policy: raise `error_class(message)`, warn it (a UserWarning pointed
    at the user's call: the innermost frame outside graphlens), or nothing for 'ignore'.

    >>> raise_or_warn("ignore", UnusedInputError, "input 'y' is not used")
    """
    if policy == "raise":
        raise error_class(message)
    if policy == "warn":
        level, frame = 2, sys._getframe(1)
        while frame.f_back is not None and _is_graphlens_file(frame.f_code.co_filename):
            level, frame = level + 1, frame.f_back
        warnings.warn(message, stacklevel=level)
