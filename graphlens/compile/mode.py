"""Compilation modes: which rewrites run when a function is built.

`function(..., mode='FAST_RUN')` (the default) runs every phase; 'FAST_COMPILE' only the cheap,
always-safe ones; 'NONE' none. A `Mode` includes or excludes rewrites by name or tag:
`Mode('FAST_RUN', exclude=('fusion',))`.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphlens.errors import ConfigError

MODE_NAMES = ("FAST_RUN", "FAST_COMPILE", "NONE")


@dataclass(frozen=True)
class Mode:
    """A named set of rewrites, adjusted by `include` / `exclude` (rewrite names or tags)."""

    name: str = "FAST_RUN"
    include: tuple = ()
    exclude: tuple = ()

    def __post_init__(self):
        if self.name not in MODE_NAMES:
            raise ConfigError(f"unknown mode {self.name!r}; modes: {', '.join(MODE_NAMES)}")

    def rewrite(self, fgraph):
        """Rewrite `fgraph` in place; returns the RewriteLog of what was replaced."""
        from graphlens.graph.provenance import RewriteLog
        if self.name == "NONE" and not self.include:
            return RewriteLog()
        try:
            from graphlens.rewrite.db import optimize
        except ImportError:
            return RewriteLog()
        return optimize(fgraph, self)


def get_mode(mode) -> Mode:
    """A Mode from a name, a Mode, or None (config.mode)."""
    if isinstance(mode, Mode):
        return mode
    if mode is None:
        from graphlens.compile.config import config
        mode = config.mode
    if isinstance(mode, str):
        return Mode(mode)
    raise ConfigError(f"mode must be a name ({', '.join(MODE_NAMES)}) or a Mode, got {mode!r}")
