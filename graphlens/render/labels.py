"""The words a picture shows: op names, types, constants and user names made printable.

Every text a picture takes from the user's graph passes through here, so that a name holding a
newline, a NUL or a megabyte of text still gives a one-line, bounded label. Op labels, types and
constants are the printers' own (`naming.py`), so a picture and a debugprint name things alike.
Escaping for DOT, SVG or HTML happens later, in the writer of each format: these are plain text.

>>> import graphlens.tensor as T
>>> variable_text(T.dmatrix('x'))
'x\\nfloat64[?, ?]'
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import where
from graphlens.printer import naming

# Longest label line before wrapping, and longest user text before it is shortened.
LINE_WIDTH = 34
MAX_TEXT = 80
# Longest op text a box shows (two wrapped lines); the full text stays in the tooltip and the
# HTML panel. A fused op's formula can run to hundreds of characters: drawn whole, its box
# would be wider than the rest of the picture.
MAX_LABEL = 68


def printable(text: object, limit: int = MAX_TEXT) -> str:
    """`text` as one printable line (control characters as Python escapes, as the printers show
    them), cut to at most `limit` characters.

    >>> printable('a\\nb\\x00')
    'a\\\\nb\\\\x00'
    """
    text = naming.printable(str(text))
    if len(text) > limit:
        text = text[:limit - 3] + "..."
    return text


def cut(text: str, limit: int = MAX_LABEL) -> str:
    """`text` cut to at most `limit` characters for a picture's label, ending in '...' when cut.

    >>> cut('Composite{(i0 * 2.0) + exp(i1)}', 20)
    'Composite{(i0 * 2...'
    """
    return text if len(text) <= limit else text[:limit - 3] + "..."


def wrap(text: str, width: int = LINE_WIDTH) -> list[str]:
    """`text` split into lines of about `width` characters, at ', ' boundaries where possible.

    >>> wrap('Sum{axis=(0, 1), keepdims=False}', 16)
    ['Sum{axis=(0, 1),', 'keepdims=False}']
    """
    lines, current = [], ""
    for piece in text.split(" "):
        candidate = f"{current} {piece}" if current else piece
        if len(candidate) > width and current:
            lines.append(current)
            current = piece
        else:
            current = candidate
    lines.append(current)
    return lines


# Longest op text kept for tooltips and the HTML panel (a box shows MAX_LABEL of it).
MAX_TOOLTIP = 1000


def op_text(op) -> str:
    """The op's one name (`op.label`, graph/label.py): `Sum{axis=1}`, `Dot`, `DimShuffle{x,0}`
    (whole, up to MAX_TOOLTIP characters: a box's label cuts it further with `cut`)."""
    return printable(op.label, limit=MAX_TOOLTIP)


def type_text(var) -> str:
    """The variable's type with its static shape: `float64[?, 784]`."""
    return printable(naming.type_text(var), limit=200)


def constant_text(constant) -> str:
    """A constant as the printers show it: its value when small (`0.5`, `[1, 2]`), else its
    type (`float64[100, 100]`), or its name when it has one."""
    return printable(naming.constant_text(constant))


def variable_text(var, title: str | None = None) -> str:
    """The two lines an ellipse shows: the variable's name (or `title`), then its type."""
    name = title if title is not None else (printable(var.name) if var.name else "?")
    return f"{name}\n{type_text(var)}"


def shared_value_shape(var) -> str | None:
    """The shape of a shared variable's current value, as text (`(784, 10)`), if it has one."""
    get_value = getattr(var, "get_value", None)
    if get_value is None:
        return None
    return str(tuple(np.shape(get_value(borrow=True, return_internal_type=True))))


def source_text(var) -> str:
    """The user's line that built `var` (`model.py:14`), or '<unknown>'."""
    return printable(where(var), limit=200)


is_constant = naming.is_constant
is_shared = naming.is_shared
