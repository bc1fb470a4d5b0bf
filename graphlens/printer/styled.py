"""Styled text built in pieces: printers assemble `Rope`s and flatten each one once, at the end.

A formula of a 100,000-node chain nests 100,000 levels deep; joining child strings at every level
would copy the text over and over (quadratic time). A Rope keeps references to its pieces and
`segments()` walks them once with an explicit stack, so printing stays linear in the output size.
Each piece carries a style name (`'op'`, `'name'`, ...) that `terminal.py` turns into colour;
plain text ignores it.

>>> rope = Rope(); rope.add('exp', 'op'); rope.add('(x)'); rope.plain()
'exp(x)'
"""

from __future__ import annotations

import contextlib
import gc

# The style names printers use; terminal.py maps each to a rich style.
STYLES = ("op", "name", "const", "bind", "type", "id", "mark", "guide", "keyword")
# A flat rope of at most this many pieces is copied into the rope it joins rather than nested:
# copying a bounded number of pieces keeps printing linear and saves most of the nesting.
SMALL_ROPE = 8


class Rope:
    """A sequence of `(text, style)` pieces and nested Ropes, with its total length."""

    __slots__ = ("parts", "length", "nested")

    def __init__(self, text=None, style=None):
        self.nested = False     # holds other ropes (else `plain` is one join)
        if text:
            self.parts = [(text, style)]
            self.length = len(text)
        else:
            self.parts = []
            self.length = 0

    def add(self, text: str, style: str | None = None) -> "Rope":
        """Append `text` (with a style name, or None for plain punctuation)."""
        if text:
            self.parts.append((text, style))
            self.length += len(text)
        return self

    def add_rope(self, rope: "Rope") -> "Rope":
        """Append another rope: a small flat one by copying its few pieces (bounded work, and
        the result stays flat, so most lines print with one join), any other by reference."""
        if rope.length:
            if not rope.nested and len(rope.parts) <= SMALL_ROPE:
                self.parts.extend(rope.parts)
            else:
                self.parts.append(rope)
                self.nested = True
            self.length += rope.length
        return self

    def segments(self):
        """The `(text, style)` pieces in order, nested ropes expanded (iteratively)."""
        stack = [iter(self.parts)]
        while stack:
            for part in stack[-1]:
                if isinstance(part, Rope):
                    stack.append(iter(part.parts))
                    break
                yield part
            else:
                stack.pop()

    def plain(self) -> str:
        """The text without styles."""
        if not self.nested:
            return "".join([part[0] for part in self.parts])
        texts = []
        stack = [iter(self.parts)]
        while stack:
            for part in stack[-1]:
                if type(part) is tuple:
                    texts.append(part[0])
                else:
                    stack.append(iter(part.parts))
                    break
            else:
                stack.pop()
        return "".join(texts)


def join_ropes(ropes, separator: str) -> Rope:
    """One rope of `ropes` separated by `separator`: `a, b, c`."""
    result = Rope()
    for position, rope in enumerate(ropes):
        if position:
            result.add(separator)
        result.add_rope(rope)
    return result


def plain_lines(lines) -> str:
    """Ropes, one per line, as plain text."""
    return "\n".join(line.plain() for line in lines)


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector for the duration of one printout.

    A printout allocates a few objects per node, all reachable until it returns and none in a
    cycle, so collections during the walk find nothing; but each one rescans every live object,
    and their number grows with the graph, which made printing 100,000 nodes superlinear.
    `timeit` pauses the collector for the same reason. The previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
