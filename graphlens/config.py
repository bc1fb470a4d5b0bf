"""`graphlens.config`: flags such as floatX, read from files, the environment and assignments.

Precedence, strongest first:
1. assignment at run time: `graphlens.config.floatX = 'float32'` (or `config.change_flags`)
2. the environment: `GRAPHLENS_FLAGS="floatX=float32,layout=wasm"`, then Theano's
   `THEANO_FLAGS` (a renamed Theano program still sets `os.environ["THEANO_FLAGS"]`)
3. `.graphlensrc` in the current directory
4. `.graphlensrc` in the home directory (`~/.graphlensrc`)
5. a Theano user's `~/.theanorc` (or the files `THEANORC` names)
6. the defaults below

A flag graphlens does not know, met in THEANO_FLAGS or a .theanorc (an older Theano's lib.cnmem,
say), is ignored with a warning, as Theano ignored flags it did not know; in graphlens's own
settings it is an error.

A `.graphlensrc` reads like Theano's `.theanorc`:

    [global]
    floatX = float32
"""

from __future__ import annotations

import configparser
import contextlib
import os
import re
import warnings

from graphlens.errors import ConfigError, GraphlensWarning
from graphlens.theano_flags import SWITCH, THEANO_ONLY_FLAGS

# Theano's optimizer names as (mode name, include, exclude), read by compile/mode.py. Theano's
# 'stabilize' and 'o2'/'o3' stop at a position in its rewrite sequence; here they are the phases
# up to that point.
THEANO_OPTIMIZERS = {
    None: ("NONE", (), ()),
    "None": ("NONE", (), ()),
    "merge": ("NONE", ("merge",), ()),
    "fast_compile": ("FAST_COMPILE", (), ()),
    "o1": ("FAST_COMPILE", (), ()),
    "o2": ("FAST_COMPILE", (), ()),
    "stabilize": ("NONE", ("merge", "canonicalize", "stabilize"), ()),
    "fast_run": ("FAST_RUN", (), ()),
    # Theano's 'unsafe': every rewrite, the ones removing the user's checks included.
    "unsafe": ("FAST_RUN", ("unsafe",), ()),
    "fast_run_stable": ("FAST_RUN", (), ()),
    "o3": ("FAST_RUN", (), ("inplace",)),
    "o4": ("FAST_RUN", (), ()),
    "default": ("FAST_RUN", (), ()),
}

_DEVICE = re.compile(r"(cpu|cuda\d*|gpu\d*|opencl\d+:\d+)?")


def _device(value) -> str:
    """Theano's device names (`device=cuda0`); another device than the CPU is accepted with a
    warning, as Theano without a GPU went on computing on the CPU."""
    if not isinstance(value, str) or not _DEVICE.fullmatch(value):
        raise ValueError("a device is cpu, cuda, cudaN, gpu, gpuN or openclN:M")
    if value not in ("", "cpu"):
        warnings.warn(f"device={value!r}: graphlens computes with numpy on the CPU; the "
                      f"program runs there", GraphlensWarning, stacklevel=4)
    return value


# name: (default, allowed values: a tuple, a type, a checking function, or None for any text;
#        what it does)
FLAGS = {
    "floatX": ("float64", ("float64", "float32", "float16"),
               "dtype of T.scalar(), T.matrix(), ... and of Python float constants"),
    "mode": ("FAST_RUN", ("FAST_RUN", "FAST_COMPILE", "NONE", "DebugMode", "DEBUG_MODE",
                          "NanGuardMode", "Mode"),
             "default compilation mode of function() (Theano's THEANO_FLAGS=mode=DebugMode "
             "checks every call: compile/debugmode.py)"),
    "layout": ("auto", ("auto", "system", "wasm"),
               "Graphviz layout backend: system `dot`, the WebAssembly build, or auto"),
    "compute_test_value": ("off", ("off", "ignore", "warn", "raise"),
                           "evaluate every new node on its inputs' `tag.test_value` as it is "
                           "built (Theano's flag); a missing test value is skipped, warned "
                           "about or an error"),
    # Theano's flags that Theano programs set, with Theano's meaning where graphlens has one.
    "optimizer": ("default", tuple(name for name in THEANO_OPTIMIZERS if name is not None),
                  "Theano's optimizer for functions compiled without a mode: 'default' follows "
                  "`mode`; 'None' rewrites nothing, 'fast_compile' the cheap rules (the "
                  "mapping is THEANO_OPTIMIZERS)"),
    "optimizer_including": ("", None,
                            "rewrite names or tags, ':'-separated, added to the default mode"),
    "optimizer_excluding": ("", None,
                            "rewrite names or tags, ':'-separated, left out of the default "
                            "mode: 'fusion:inplace'"),
    "on_unused_input": ("raise", ("raise", "warn", "ignore"),
                        "default of function(on_unused_input=...): an input no output uses"),
    "exception_verbosity": ("low", ("low", "high"),
                            "Theano's; graphlens's run-time errors always name the op, its "
                            "inputs' shapes and the user's line, whichever is set"),
    "allow_gc": (True, (True, False, "True", "False"),
                 "Theano's; the evaluator always frees an intermediate after its last use"),
    "warn_float64": ("ignore", ("ignore", "warn", "raise"),
                     "what to do when a float64 tensor type is made (keeps a float32 model "
                     "float32): nothing, a warning or an error naming the user's line"),
    "device": ("cpu", _device, "Theano's device names are accepted (cpu, cuda, cuda0, gpu, "
                               "opencl0:0); graphlens computes with numpy on the CPU, and says "
                               "so once for another device, as Theano without a GPU did"),
    "init_gpu_device": ("", _device, "Theano's; graphlens has no GPU"),
    "print_test_value": (False, SWITCH, "a variable with a test value shows it in its repr, "
                                        "on the line after its name (Theano's)"),
    "tensor.local_elemwise_fusion": (True, SWITCH,
                                     "Theano's switch for elementwise fusion: False leaves "
                                     "fusion out of the default mode"),
    **{f"NanGuardMode.{what}_is_error": (True, SWITCH,
                                         "Theano's NanGuardMode default; graphlens's guard "
                                         "stops at NaN and Inf whatever it says")
       for what in ("nan", "inf", "big")},
    # Theano's profiler (compile/profiling.py): every function times its calls and nodes, and
    # those that were called print their summary when the process ends.
    "profile": (False, (True, False, "True", "False"),
                "time every compiled function; print each summary at exit"),
    "profile_memory": (False, (True, False, "True", "False"),
                       "with profiling, also record the bytes each node's outputs take"),
    "profile_optimizer": (False, (True, False, "True", "False"),
                          "Theano's; the summary always gives the rewrite time"),
    "profiling.n_apply": (20, int, "Apply nodes a profile summary lists"),
    "profiling.n_ops": (20, int, "op classes and ops a profile summary lists"),
    "profiling.destination": ("stderr", None,
                              "where summaries go at exit: stderr, stdout or a file name"),
    # Numbers: the allowed values are a type, and text from files or the environment is
    # converted to it.
    "fold_threshold": (150, int,
                       "pictures of more ops than this are drawn folded (a box per scope, "
                       "repeats once with a count); expand=['all'] draws every op"),
    "layout_time_budget": (10.0, float,
                           "seconds a picture's Graphviz layout may take before it is "
                           "abandoned for the folded summary (0: no limit)"),
    # Theano's group of warnings about results of its own old releases (config.warn.x, the
    # `[warn]` section of a .graphlensrc, GRAPHLENS_FLAGS="warn.round=False"). Programs switch
    # them off (rnnrbm.py: theano.config.warn.subtensor_merge_bug = False); graphlens never
    # computed those wrong results, so they are kept and have nothing to warn about.
    "warn.ignore_bug_before": ("0.9", ("None", "all", "0.3", "0.4", "0.4.1", "0.5", "0.6",
                                       "0.7", "0.8", "0.8.1", "0.8.2", "0.9", "0.10", "1.0",
                                       "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.5"),
                               "Theano's: warn about bugs fixed after this release (none here)"),
    **{f"warn.{bug}": (False, (True, False, "True", "False"),
                       "Theano's warning about a result of its own before the fix; graphlens "
                       "never had the bug")
       for bug in ("argmax_pushdown_bug", "gpusum_01_011_0111_bug", "sum_sum_bug",
                   "sum_div_dimshuffle_bug", "subtensor_merge_bug", "gpu_set_subtensor1",
                   "vm_gc_bug", "signal_conv2d_interface", "reduce_join", "inc_set_subtensor1",
                   "round", "identify_1pexp_bug")},
    # Theano's flags of its C compiler, GPU, BLAS and caches: accepted, no effect here.
    **THEANO_ONLY_FLAGS,
}

# Theano's dotted flags come in groups, read as `config.warn.round` or `config.dnn.conv.algo_fwd`:
# every name before a dot.
GROUPS = frozenset(name.rsplit(".", depth)[0] for name in FLAGS
                   for depth in range(1, name.count(".") + 1))


class _FlagGroup:
    """`config.warn`: the flags named `warn.*`, read and assigned through the config, so a
    dotted flag has the one home, precedence and validation every flag has."""

    def __init__(self, config, prefix):
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name):
        full = f"{self._prefix}.{name}"
        if full in GROUPS:          # config.dnn.conv: a group inside a group
            group = _FlagGroup(self._config, full)
            object.__setattr__(self, name, group)
            return group
        return getattr(self._config, full)

    def __setattr__(self, name, value):
        setattr(self._config, f"{self._prefix}.{name}", value)

    def __repr__(self):
        members = [n for n in FLAGS if n.startswith(self._prefix + ".")]
        return "config." + self._prefix + "(" + ", ".join(
            f"{n.split('.', 1)[1]}={getattr(self._config, n)!r}" for n in members) + ")"



class Config:
    """The flags; each source is read once, on the first look-up (never at import time)."""

    def __init__(self):
        object.__setattr__(self, "_assigned", {})
        object.__setattr__(self, "_loaded", None)

    def _load(self):
        if self._loaded is None:
            values, sources = {}, {}
            # A Theano user's own .theanorc (floatX = float32, say) first, so a renamed program
            # runs with the settings it ran with; graphlens's files and variables win over it.
            theano_files = _theanorc_paths()
            files = theano_files + [os.path.expanduser("~/.graphlensrc"),
                                    os.path.abspath(".graphlensrc")]
            for path in files:
                for name, value in _read_rc(path, every_section=path in theano_files).items():
                    values[name], sources[name] = value, path
            for variable in ("THEANO_FLAGS", "GRAPHLENS_FLAGS"):     # the latter wins
                for name, value in _parse_flags(os.environ.get(variable, "")).items():
                    values[name], sources[name] = value, variable
            for name in list(values):
                source = sources[name]
                if name not in FLAGS and (source == "THEANO_FLAGS" or source in theano_files):
                    # Theano warned about a flag it did not know and went on: so does graphlens
                    # for what Theano's own settings hold (graphlens's own are checked).
                    warnings.warn(f"{source}: graphlens has no flag {name!r} (ignored, as Theano "
                                  f"ignored flags it did not know)", GraphlensWarning,
                                  stacklevel=4)
                    del values[name]
                    continue
                values[name] = _validate(name, values[name], source)
            object.__setattr__(self, "_loaded", values)
        return self._loaded

    def __getattr__(self, name):
        # Called only when the flag is not cached in the instance dict yet.
        if name in GROUPS:
            group = self.__dict__[name] = _FlagGroup(self, name)
            return group
        if name not in FLAGS:
            raise AttributeError(f"graphlens.config has no flag {name!r}; flags: {sorted(FLAGS)}")
        if name in self._assigned:
            value = self._assigned[name]
        else:
            value = self._load().get(name, FLAGS[name][0])
        # Cached as a plain attribute: every Op.__call__ reads compute_test_value, and a dict
        # hit costs a few dozen nanoseconds where this method costs a microsecond.
        self.__dict__[name] = value
        return value

    def __setattr__(self, name, value):
        value = _validate(name, value, "assignment")
        self._assigned[name] = value
        self.__dict__[name] = value

    def _forget_cached(self):
        for name in FLAGS:
            self.__dict__.pop(name, None)

    def reload(self):
        """Forget what was read and assigned: the next look-up reads the files and environment."""
        self._assigned.clear()
        object.__setattr__(self, "_loaded", None)
        self._forget_cached()

    @contextlib.contextmanager
    def change_flags(self, args=(), **flags):
        """Set flags inside a `with` block (or as a decorator): `with
        config.change_flags(floatX='float32'): ...`; as Theano's, also a dict or (name, value)
        pairs with dotted names, `change_flags([('conv.assert_shape', True)])`, and keywords
        with `__` for the dots (`conv__assert_shape=True`)."""
        saved = dict(self._assigned)
        named = dict(args)
        named.update({name if name in FLAGS else name.replace("__", "."): value
                      for name, value in flags.items()})
        try:
            for name, value in named.items():
                setattr(self, name, value)
            yield self
        finally:
            self._assigned.clear()
            self._assigned.update(saved)
            self._forget_cached()

    def __repr__(self):
        return "config(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in FLAGS) + ")"


def _validate(name, value, source):
    if name not in FLAGS:
        raise ConfigError(f"unknown graphlens flag {name!r} (from {source}); flags: "
                          f"{', '.join(sorted(FLAGS))}")
    allowed = FLAGS[name][1]
    if allowed is None:          # any text
        if not isinstance(value, str):
            raise ConfigError(f"graphlens flag {name}={value!r} (from {source}) must be text")
        return value
    if callable(allowed) and not isinstance(allowed, type):
        try:
            return allowed(value)
        except ValueError as exc:
            raise ConfigError(f"graphlens flag {name}={value!r} (from {source}): {exc}") \
                from None
    if isinstance(allowed, type):
        try:
            number = allowed(value)
        except (TypeError, ValueError):
            number = None
        # Counts are never negative, except where Theano's default is (-1: no limit).
        if number is None or (number < 0 and FLAGS[name][0] >= 0) or isinstance(value, bool):
            raise ConfigError(f"graphlens flag {name}={value!r} (from {source}) is not a "
                              f"non-negative {allowed.__name__}")
        return number
    if value not in allowed:
        raise ConfigError(f"graphlens flag {name}={value!r} (from {source}) is not one of "
                          f"{', '.join(map(str, allowed))}")
    if True in allowed and isinstance(value, str):
        # A switch read from GRAPHLENS_FLAGS or a .graphlensrc is text: "False" must be false.
        return value == "True"
    return value


def _parse_flags(text):
    flags = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        if "=" not in item:
            raise ConfigError(f"GRAPHLENS_FLAGS: {item!r} is not name=value")
        name, value = (s.strip() for s in item.split("=", 1))
        flags[name] = value
    return flags


def _theanorc_paths() -> list:
    """Theano's settings files: $THEANORC (paths separated by os.pathsep), else ~/.theanorc
    and ~/.theanorc.txt."""
    listed = os.environ.get("THEANORC")
    paths = listed.split(os.pathsep) if listed else ["~/.theanorc", "~/.theanorc.txt"]
    return [os.path.expanduser(path) for path in paths if path]


def _read_rc(path, every_section=False):
    """{flag: text} of a settings file: [global] and the groups' sections (`[warn] round`);
    `every_section` reads any section as a group (a .theanorc's [gcc], [cuda], ...)."""
    if not os.path.isfile(path):
        return {}
    parser = configparser.ConfigParser()
    parser.optionxform = str  # flag names are case-sensitive: floatX
    try:
        parser.read(path)
    except configparser.Error as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    flags = dict(parser["global"]) if parser.has_section("global") else {}
    sections = [s for s in parser.sections() if s != "global"] if every_section else GROUPS
    for group in sections:                # [warn] round = False is the flag warn.round
        if parser.has_section(group):
            flags.update({f"{group}.{name}": value for name, value in parser[group].items()})
    return flags


config = Config()
