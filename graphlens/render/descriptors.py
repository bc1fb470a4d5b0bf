"""Theano's short graph descriptions for error messages and logs: `min_informative_str` (an
indented tree that stops at named variables) and `var_descriptor` (one line, free of memory
addresses, that two equal graphs share). Both tag each object once, in the order met, with
capital letters (A, B, ..., Z, BA, ...), and print a repeat as `<tag>`.

Both walk with an explicit stack (DESIGN.md: no recursion on graph depth), emitting text in the
order Theano's recursive versions did.

>>> print(min_informative_str(a + b))                                     # doctest: +SKIP
A. Add
 B. a
 C. b
"""

from __future__ import annotations

import hashlib

import numpy as np

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Variable


def tag_text(number: int) -> str:
    """The tag of the `number`th object: 0 -> 'A', 25 -> 'Z', 26 -> 'BA' (base 26 letters).

    >>> tag_text(0), tag_text(27)
    ('A', 'BB')
    """
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = chr(ord("A") + digit) + text
        if not number:
            return text


class _TagGenerator:
    """Hands out the tags in order (Theano's `_tag_generator` argument)."""

    def __init__(self):
        self.cur_tag_number = 0

    def get_tag(self) -> str:
        tag = tag_text(self.cur_tag_number)
        self.cur_tag_number += 1
        return tag


def _is_array(obj) -> bool:
    # A symbolic variable is never a value here, whatever attributes it carries.
    return not isinstance(obj, Variable) and hasattr(obj, "__array__")


def min_informative_str(obj, indent_level=0, _prev_obs=None, _tag_generator=None) -> str:
    """What `obj` is, in as much of its graph as it takes to reach named variables and
    constants: one line per object, `TAG. name` for a named one (its graph not shown),
    `TAG. Op` followed by its inputs one space further in, `<TAG>` for one met before,
    `<ndarray>` for a value. `indent_level`: spaces before the first line.

    >>> x, y = T.dvectors('x', 'y'); print(min_informative_str(T.exp(x) + y))  # doctest: +SKIP
    A. Add
     B. Exp
      C. x
     D. y
    """
    seen = {} if _prev_obs is None else _prev_obs
    tags = _TagGenerator() if _tag_generator is None else _tag_generator
    lines = []
    stack = [(obj, indent_level)]
    while stack:
        item, level = stack.pop()
        indent = " " * level
        if id(item) in seen:
            lines.append(f"{indent}<{seen[id(item)]}>")
            continue
        tag = seen[id(item)] = tags.get_tag()
        if _is_array(item):
            name = "<ndarray>"
        elif getattr(item, "name", None) is not None:
            name = item.name
        elif getattr(item, "owner", None) is not None:
            name = str(item.owner.op)
            # Inputs are printed in order, under their node: pushed last to first.
            stack.extend((var, level + 1) for var in reversed(item.owner.inputs))
        else:
            name = str(item)
        lines.append(f"{indent}{tag}. {name}")
    return "\n".join(lines)


def var_descriptor(obj, _prev_obs=None, _tag_generator=None) -> str:
    """One line fully saying how `obj` is computed, without memory addresses, so two graphs
    built alike describe alike: `TAG=Op(inputs...)`, `TAG=name` for a named input (a name on
    an intermediate result is not used: it would hide the graph), `<ndarray:strides=[..],
    digest=md5>` for a value, `<TAG>` for an object met before.

    >>> var_descriptor(T.exp(T.dvector('x')))                             # doctest: +SKIP
    'A=Exp(B=x)'
    """
    seen = {} if _prev_obs is None else _prev_obs
    tags = _TagGenerator() if _tag_generator is None else _tag_generator
    pieces = []
    # Items are objects to describe, or literal text (a comma, a closing parenthesis).
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            pieces.append(item.text)
            continue
        if id(item) in seen:
            pieces.append(f"<{seen[id(item)]}>")
            continue
        tag = seen[id(item)] = tags.get_tag()
        if _is_array(item):
            value = np.asarray(item)
            strides = ",".join(str(stride) for stride in value.strides)
            digest = hashlib.md5(np.ascontiguousarray(value).view(np.uint8)).hexdigest()
            pieces.append(f"{tag}=<ndarray:strides=[{strides}],digest={digest}>")
        elif getattr(item, "owner", None) is not None:
            pieces.append(f"{tag}={item.owner.op}(")
            stack.append(_Text(")"))
            inputs = list(item.owner.inputs)
            for position in range(len(inputs) - 1, -1, -1):
                stack.append(inputs[position])
                if position:
                    stack.append(_Text(","))
        elif getattr(item, "name", None) is not None:
            pieces.append(f"{tag}={item.name}")
        else:
            pieces.append(f"{tag}={position_independent_str(item)}")
    return "".join(pieces)


class _Text:
    """Literal text on var_descriptor's stack, told apart from the objects it describes."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def position_independent_str(obj) -> str:
    """str(obj) without a memory address: a variable whose str holds one reads by its type,
    `graphlens_var{type=float64[?]}` (Theano's `theano_var{type=...}`). graphlens's own
    variables print without addresses already: an unnamed input is `<float64[?]>`, a constant
    its value.

    >>> position_independent_str(T.dvector()), position_independent_str(T.constant(2.0))
    ('<float64[?]>', '2.')
    """
    text = str(obj)
    if isinstance(obj, Variable) and " at 0x" in text:
        return f"graphlens_var{{type={obj.type}}}"
    return text


def hex_digest(x) -> str:
    """A short hash of an array's contents that also says how they are laid out:
    `md5hex|strides=[8]|shape=[3]`, so two arrays with one buffer but other shapes differ.

    >>> hex_digest(np.zeros(3))                                           # doctest: +SKIP
    'd9a6...|strides=[8]|shape=[3]'
    """
    if not isinstance(x, np.ndarray):
        raise GraphlensTypeError(f"hex_digest hashes a numpy array, got {type(x).__name__}")
    digest = hashlib.md5(np.ascontiguousarray(x).view(np.uint8)).hexdigest()
    return (f"{digest}|strides=[{','.join(str(s) for s in x.strides)}]"
            f"|shape=[{','.join(str(n) for n in x.shape)}]")
