"""Compilation modes: which rewrites run when a function is built.

`function(..., mode='FAST_RUN')` (the default) runs every phase; 'FAST_COMPILE' only the cheap,
always-safe rules (merge, constant folding, canonical forms, dead code); 'NONE' none. A `Mode`
includes or excludes rewrites by name or tag: `Mode('FAST_RUN', exclude=('fusion',))`,
`Mode('NONE', include=('stability',))`. Tags are the phase names (merge, canonicalize,
stabilize, cancel, specialize, fusion, inplace) and themes (fast_compile, constant_fold, shape, dce,
stability, xent, blas).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphlens.errors import ConfigError
from graphlens.config import config

MODE_NAMES = ("FAST_RUN", "FAST_COMPILE", "NONE")


@dataclass(frozen=True)
class Mode:
    """A named set of rewrites, adjusted by `include` / `exclude` (rewrite names or tags).

    >>> Mode('FAST_RUN', exclude=('inplace',))
    Mode(name='FAST_RUN', include=(), exclude=('inplace',))
    """

    name: str = "FAST_RUN"
    include: tuple = ()
    exclude: tuple = ()

    def __post_init__(self):
        if self.name not in MODE_NAMES:
            raise ConfigError(f"unknown mode {self.name!r}; modes: {', '.join(MODE_NAMES)}")
        for option in ("include", "exclude"):
            words = getattr(self, option)
            if isinstance(words, str):
                object.__setattr__(self, option, (words,))
            else:
                object.__setattr__(self, option, tuple(words))

    def including(self, *words) -> "Mode":
        """This mode with more rewrites or tags included."""
        return Mode(self.name, self.include + words, self.exclude)

    def excluding(self, *words) -> "Mode":
        """This mode with rewrites or tags excluded: `get_mode('FAST_RUN').excluding('fusion')`."""
        return Mode(self.name, self.include, self.exclude + words)

    def rewrite(self, fgraph, initial=None):
        """Rewrite `fgraph` in place; returns the RewriteLog of what was replaced.

        `initial` maps each node of `fgraph` to the node of the user's graph it was cloned from,
        so that the log can tell where every optimized node came from.
        """
        from graphlens.graph.provenance import RewriteLog
        from graphlens.rewrite.db import optimize
        log = RewriteLog(initial=dict(initial or {}))
        if self.name == "NONE" and not self.include:
            return log
        return optimize(fgraph, self, log)


def get_mode(mode) -> Mode:
    """A Mode from a name (any case), a Mode, or None (config.mode)."""
    if isinstance(mode, Mode):
        return mode
    if mode is None:
        mode = config.mode
    if isinstance(mode, str):
        return Mode(mode.upper())
    raise ConfigError(f"mode must be a name ({', '.join(MODE_NAMES)}) or a Mode, got {mode!r}")
