"""graphlens's logger, as Theano's: `graphlens.graphlens_logger` and its default handler.

Theano logged some warnings (pydotprint's `cond_highlight` without an ifelse, ...) on the
"theano" logger, with a handler of its own printing `WARNING (theano.printing): ...` to stderr;
programs silenced them with `theano.theano_logger.setLevel(logging.ERROR)` or swapped the
handler (`theano.logging_default_handler`). graphlens's logger is "graphlens", named and
handled the same way; graphlens's own warnings are Python warnings (`warnings.warn`).

>>> import logging
>>> graphlens_logger.name, graphlens_logger.level == logging.WARNING
('graphlens', True)
"""

from __future__ import annotations

import logging

graphlens_logger = logging.getLogger("graphlens")
logging_default_handler = logging.StreamHandler()
logging_default_formatter = logging.Formatter(fmt="%(levelname)s (%(name)s): %(message)s")
logging_default_handler.setFormatter(logging_default_formatter)
graphlens_logger.setLevel(logging.WARNING)


def has_handlers(logger) -> bool:
    """Whether `logger` or an ancestor it propagates to has a handler (Theano's test).

    >>> has_handlers(logging.getLogger("graphlens.printing"))
    True
    """
    while logger is not None:
        if logger.handlers:
            return True
        if not logger.propagate:
            return False
        logger = logger.parent
    return False


# The default handler only when the program set up none of its own (Theano's rule).
if not has_handlers(graphlens_logger):
    graphlens_logger.addHandler(logging_default_handler)


def disable_log_handler(logger=graphlens_logger, handler=logging_default_handler) -> None:
    """Take graphlens's default handler off `logger` (messages then go only where the
    program's own logging setup sends them).

    >>> disable_log_handler()                                   # doctest: +SKIP
    """
    if has_handlers(logger):
        logger.removeHandler(handler)
