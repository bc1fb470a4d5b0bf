"""Compilation modes: which rewrites run when a function is built.

`function(..., mode='FAST_RUN')` (the default) runs every phase; 'FAST_COMPILE' only the cheap,
always-safe rules (merge, constant folding, canonical forms, dead code); 'NONE' none. A `Mode`
includes or excludes rewrites by name or tag: `Mode('FAST_RUN', exclude=('fusion',))`,
`Mode('NONE', include=('stability',))`. Tags are the phase names (merge, canonicalize,
stabilize, cancel, specialize, share, fusion, inplace) and themes (fast_compile, constant_fold, shape, dce,
stability, xent, blas).
"""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError, dataclass, field, fields

from graphlens.errors import ConfigError
from graphlens.graph.provenance import RewriteLog
from graphlens.compile.hooks import progress_reporter
from graphlens.rewrite.db import optimize
from graphlens.scan import rewrites as scan_rewrites
from graphlens.compile import inline
from graphlens.config import THEANO_OPTIMIZERS, config
from graphlens.gof.opt import optdb  # noqa: F401  (Theano's compile.mode.optdb)
from graphlens.gof.optdb import Query

MODE_NAMES = ("FAST_RUN", "FAST_COMPILE", "NONE")
# Theano's linkers. graphlens has one evaluator (compile/vm.py, numpy), so every linker name is
# accepted and runs on it: no C code is generated.
THEANO_LINKERS = ("py", "c", "c|py", "c|py_nogc", "vm", "vm_nogc", "cvm", "cvm_nogc")

_UNSET = "<unset>"


@dataclass(frozen=True)
class Mode:
    """A named set of rewrites, adjusted by `include` / `exclude` (rewrite names or tags).

    Theano's keywords work too: `Mode(linker='py', optimizer='fast_compile')` (see
    THEANO_OPTIMIZERS for how each optimizer name maps onto a mode; every linker runs on
    graphlens's one evaluator).

    >>> Mode('FAST_RUN', exclude=('inplace',))
    Mode(name='FAST_RUN', include=(), exclude=('inplace',), linker=None)
    >>> Mode(optimizer=None).name
    'NONE'
    """

    name: str = "FAST_RUN"
    include: tuple = ()
    exclude: tuple = ()
    linker: str | None = None
    optimizer: object = field(default=_UNSET, repr=False, compare=False)
    # Functions compiled in this mode stop at the first NaN or Inf (Theano's NanGuardMode).
    nan_guard: bool = field(default=False, repr=False)

    def __post_init__(self):
        if self.name in THEANO_LINKERS:           # Theano's positional Mode('py', 'fast_run')
            optimizer = self.include if isinstance(self.include, str) else self.optimizer
            object.__setattr__(self, "linker", self.name)
            object.__setattr__(self, "name", "FAST_RUN")
            object.__setattr__(self, "include", ())
            object.__setattr__(self, "optimizer", optimizer)
        if self.linker is not None and self.linker not in THEANO_LINKERS:
            raise ConfigError(f"unknown linker {self.linker!r}; linkers: "
                              f"{', '.join(THEANO_LINKERS)} (all run graphlens's evaluator)")
        if self.optimizer is not _UNSET:
            if self.optimizer not in THEANO_OPTIMIZERS:
                names = ", ".join(repr(k) for k in THEANO_OPTIMIZERS)
                raise ConfigError(f"unknown optimizer {self.optimizer!r}; optimizers: {names}")
            name, include, exclude = THEANO_OPTIMIZERS[self.optimizer]
            object.__setattr__(self, "name", name)
            object.__setattr__(self, "include", tuple(include) + tuple(self.include))
            object.__setattr__(self, "exclude", tuple(exclude) + tuple(self.exclude))
            object.__setattr__(self, "optimizer", _UNSET)
        if self.name not in MODE_NAMES:
            raise ConfigError(f"unknown mode {self.name!r}; modes: {', '.join(MODE_NAMES)}")
        for option in ("include", "exclude"):
            words = getattr(self, option)
            if isinstance(words, str):
                object.__setattr__(self, option, (words,))
            else:
                object.__setattr__(self, option, tuple(words))

    @property
    def rule_modules(self) -> tuple:
        """The rule modules of rooms above rewrite/ that this mode runs too (loops' rules, and
        the inlining of packaged graphs)."""
        return (scan_rewrites, inline)

    def including(self, *words) -> "Mode":
        """This mode with more rewrites or tags included."""
        return self._with(include=self.include + words)

    def excluding(self, *words) -> "Mode":
        """This mode with rewrites or tags excluded: `get_mode('FAST_RUN').excluding('fusion')`."""
        return self._with(exclude=self.exclude + words)

    def _with(self, **changes) -> "Mode":
        # A copy keeps the class and every option (a DebugMode stays one), unlike a new Mode.
        changed = copy.copy(self)
        for option, value in changes.items():
            object.__setattr__(changed, option, value)
        return changed

    def requiring(self, *words) -> "Mode":
        """Theano's name for a mode that must run these rewrites: here, `including` them."""
        return self.including(*words)

    def rewrite(self, fgraph, initial=None):
        """Rewrite `fgraph` in place; returns the RewriteLog of what was replaced.

        `initial` maps each node of `fgraph` to the node of the user's graph it was cloned from,
        so that the log can tell where every optimized node came from.
        """
        log = RewriteLog(initial=dict(initial or {}))
        if self.name == "NONE" and not self.include:
            return log
        return optimize(fgraph, self, log, progress=progress_reporter())


def _default_mode() -> Mode:
    """config.mode, or Theano's config.optimizer when set, with config.optimizer_including and
    optimizer_excluding (':'-separated, as Theano wrote them)."""
    optimizer = config.optimizer
    if config.mode.upper() in CHECKING_MODES:
        base = CHECKING_MODES[config.mode.upper()]()
    elif optimizer == "default":
        base = Mode("FAST_RUN" if config.mode == "Mode" else config.mode.upper())
    else:
        base = Mode(optimizer=optimizer)
    including = tuple(filter(None, config.optimizer_including.split(":")))
    excluding = tuple(filter(None, config.optimizer_excluding.split(":")))
    if not (including or excluding):
        return base
    return base._with(include=base.include + including, exclude=base.exclude + excluding)


# Theano's predefined modes, as values (`theano.compile.mode.FAST_RUN`).
FAST_RUN = Mode("FAST_RUN")
FAST_COMPILE = Mode("FAST_COMPILE")


def mode_of_query(include, exclude) -> Mode:
    """The mode a Theano optdb query names: 'fast_run' / 'fast_compile' choose the rewrite
    set, other included tags add to it (or alone make it, from no rewrites); `exclude` drops."""
    words = [word.lower() for word in include]
    name = "FAST_RUN" if "fast_run" in words else "FAST_COMPILE" if "fast_compile" in words \
        else "NONE"
    extra = tuple(word for word in include if word.lower() not in ("fast_run", "fast_compile"))
    return Mode(name, include=extra, exclude=tuple(exclude))


# Theano's queries of optdb, at their compile.mode names.
OPT_NONE = Query(include=(), exclude=("inplace",))
OPT_MERGE = Query(include=("merge",), exclude=("inplace",))
OPT_FAST_RUN = Query(include=("fast_run",))
OPT_FAST_RUN_STABLE = OPT_FAST_RUN.requiring("stable")
OPT_FAST_COMPILE = Query(include=("fast_compile",))
OPT_STABILIZE = Query(include=("fast_run",), exclude=("inplace",))
optdb.mode_of_query = mode_of_query      # the plug-in gof/opt.py waits for


def get_default_mode() -> Mode:
    """The mode functions compile with when given none: `config.mode` (Theano's name).

    >>> get_default_mode().excluding('fusion')              # doctest: +SKIP
    Mode(name='FAST_RUN', include=(), exclude=('fusion',), linker=None)
    """
    return get_mode(None)


def NanGuardMode(nan_is_error=True, inf_is_error=True, big_is_error=False,
                 optimizer="default", linker=None):
    """Theano's mode that stops at the first NaN or Inf a node computes: a Mode whose functions
    are compiled with `nan_guard=True` (NaNError naming the op, its inputs and the user's
    line). NaN and Inf are both caught whatever `nan_is_error`/`inf_is_error` say; values above
    1e10 (`big_is_error`) are not checked.

    >>> f = function([x], T.log(x), mode=NanGuardMode(nan_is_error=True))   # doctest: +SKIP
    """
    return Mode(linker=linker, optimizer=optimizer, nan_guard=True)


@dataclass(frozen=True, init=False)
class DebugMode(Mode):
    """Theano's DebugMode: every call is checked, and the first thing found wrong is raised
    (graphlens/trace/debugmode.py does the checking):

    - each rewrite's replacement computes the same values as what it replaced, on this call's
      inputs (BadOptimization names the rule, both expressions and where they differ); where
      they differ, a replacement nearer the exact value than the original (the original
      recomputed in longdouble: log(1 - sigmoid(30)) rounds badly, -softplus(30) does not) is
      a stability rewrite doing its job and passes;
    - no op overwrites an input it did not declare in `destroy_map` (BadDestroyMap), or
      returns a view of an input it did not declare in `view_map` (BadViewMap);
    - every value fits its variable's type: dtype, rank, declared lengths, and with
      `check_isfinite` no NaN or Inf (InvalidValueError);
    - every node computes in the optimized program what it computes on intact inputs
      (BadThunkOutput: an in-place op overwrote a value still needed).

    Rewrites are FAST_RUN's (`optimizer='fast_run'`). graphlens generates no C code, so
    `check_c_code`, `check_py_code`, `check_preallocated_output`, `require_matching_strides`
    and `stability_patience` are accepted and have nothing to check: every op runs its Python
    `perform`, once per call, in one order.

    >>> f = function([x], T.exp(x), mode=DebugMode(check_isfinite=False))   # doctest: +SKIP
    """

    check_isfinite: bool = True

    def __init__(self, optimizer="fast_run", stability_patience=None, check_c_code=None,
                 check_py_code=None, check_isfinite=None, check_preallocated_output=None,
                 require_matching_strides=None, linker=None):
        Mode.__init__(self, linker=linker, optimizer=optimizer)
        object.__setattr__(self, "check_isfinite",
                           True if check_isfinite is None else bool(check_isfinite))


def _theano_setattr(mode, name, value):
    """Theano's modes were plain objects its programs set options on (`mode = copy(mode);
    mode.check_isfinite = False`). A mode's rewrites stay fixed once made; an option a mode
    does not have is kept and read by nothing, as Theano's Mode ignored it; DebugMode's
    `check_isfinite` is an option it has, and takes effect in functions compiled afterwards."""
    settable = name == "check_isfinite" and isinstance(mode, DebugMode)
    if not settable and name in {f.name for f in fields(mode)}:
        raise FrozenInstanceError(f"cannot assign to field {name!r}: make a new Mode(...)")
    object.__setattr__(mode, name, value)


Mode.__setattr__ = _theano_setattr
DebugMode.__setattr__ = _theano_setattr

# Theano's mode names that stand for a mode checking every call, by their upper case.
CHECKING_MODES = {"NANGUARDMODE": NanGuardMode, "DEBUGMODE": DebugMode, "DEBUG_MODE": DebugMode}


def get_mode(mode) -> Mode:
    """A Mode from a name (any case; 'NanGuardMode', 'DebugMode' and Theano's 'Mode' too), a
    Mode, or None (config.mode); without elementwise fusion when Theano's flag
    `tensor.local_elemwise_fusion` is False, whatever the mode (Theano's fusion read it)."""
    if isinstance(mode, Mode):
        chosen = mode
    elif mode is None or (isinstance(mode, str) and mode == "Mode"):
        # Theano's 'Mode' is its default Mode(): config.optimizer's rewrites.
        chosen = _default_mode()
    elif isinstance(mode, str):
        checking = CHECKING_MODES.get(mode.upper())
        chosen = checking() if checking is not None else Mode(mode.upper())
    else:
        raise ConfigError(f"mode must be a name ({', '.join(MODE_NAMES)}) or a Mode, got "
                          f"{mode!r}")
    if not config.tensor.local_elemwise_fusion and "fuse_elementwise" not in chosen.exclude:
        chosen = chosen.excluding("fuse_elementwise")
    return chosen
