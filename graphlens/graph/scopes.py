"""Name scopes: which part of the model (a layer, an encoder) built each variable and apply.

Every variable records a scope tag when it is made, from the same stack walk that finds its
creation site (errors.creation_frame), so tagging costs a dict look-up per variable:

- inside `with name_scope("encoder"):` the tag is that scope; scopes nest (`encoder/layer1`);
- else the scope is inferred from the user's code: the function or method whose frame built the
  variable. `HiddenLayer.__init__` called 8 times gives `HiddenLayer`, `HiddenLayer_2`, ...,
  `HiddenLayer_8` (one per call); module-level code has no scope;
- a gradient built by `grad` takes the scope of the forward node it differentiates, marked
  backward (`is_backward`), and a node a rewrite builds takes the scope of what it replaced.

`scope_of(x)` is the one rule every view reads. A variable named `layer1/W` (TensorFlow's
convention) is in scope `layer1` whatever its tag says about the code, since the user spelled it.

>>> import graphlens.tensor as T
>>> with name_scope("encoder"):
...     with name_scope("layer1"):
...         h = T.tanh(T.dvector("x"))
>>> scope_of(h), scope_of(h.owner)
('encoder/layer1', 'encoder/layer1')
"""

from __future__ import annotations

import re

SEPARATOR = "/"
_SCOPE_PART = re.compile(r"[\w.-]+")
# Frames of these codes build for the frame around them (a list comprehension in a layer's
# __init__ belongs to the layer): they are looked through, never scopes of their own.
_LOOKED_THROUGH = frozenset({"<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>", "<lambda>"})
# Methods named after what they belong to: `HiddenLayer.__init__` is the scope `HiddenLayer`.
_CLASS_METHODS = frozenset({"__init__", "__call__", "__new__", "__post_init__"})


class ScopeTag:
    """Where a variable was built: an explicit `path` (name_scope), or an inferred scope (the
    user's function `code` and its `call` number); `backward` when `grad` built it."""

    __slots__ = ("path", "code", "call", "backward", "_backward_twin", "_name")

    def __init__(self, path, code=None, call=1, backward=False):
        self.path, self.code, self.call, self.backward = path, code, call, backward
        self._backward_twin = None
        self._name = None

    @property
    def name(self) -> str | None:
        """The scope's path: `encoder/layer1`, `HiddenLayer_3`, or None (module level)."""
        if self.path is not None:
            return self.path
        if self._name is None and self.code is not None:
            base = code_scope_name(self.code)
            self._name = base if self.call == 1 else f"{base}_{self.call}"
        return self._name

    def as_backward(self) -> "ScopeTag":
        """The same scope, marked as built by `grad` (one shared object per scope)."""
        if self.backward:
            return self
        if self._backward_twin is None:
            self._backward_twin = ScopeTag(self.path, self.code, self.call, backward=True)
            self._backward_twin._name = self._name
        return self._backward_twin

    def __reduce__(self):
        # Code objects do not pickle: a pickled graph keeps the scope's name and direction.
        return (_restored_tag, (self.path, self.name, self.backward))

    def __repr__(self):
        return f"ScopeTag({self.name!r}{', backward' if self.backward else ''})"


def _restored_tag(path, name, backward):
    tag = ScopeTag(path, None, 1, backward)
    tag._name = name
    return tag


# The scope stack (name_scope and grad push onto it; an entry of None means "no scope"),
# and, for inferred scopes, the last frame seen of each user code with its tag: a variable
# made in that same frame belongs to the same call. Holding the frame keeps its identity from
# being reused by a later call; one frame per code object is held.
_stack: list = []
_last_call: dict = {}
_call_counts: dict = {}


class name_scope:
    """`with name_scope("encoder"):` tags every variable and apply built inside; nests.

    >>> with name_scope("a"), name_scope("b"):
    ...     current_scope()
    'a/b'
    """

    def __init__(self, name: str):
        if not isinstance(name, str) or not all(_SCOPE_PART.fullmatch(part)
                                                for part in name.split(SEPARATOR)):
            raise ValueError(f"a scope name is one or more words (letters, digits, '_', '-', "
                             f"'.') joined by '/', got {name!r}")
        self.name = name

    def __enter__(self):
        outer = _stack[-1] if _stack else None
        prefix = outer.path if outer is not None and outer.path is not None else None
        path = self.name if prefix is None else f"{prefix}{SEPARATOR}{self.name}"
        _stack.append(ScopeTag(path))
        return path

    def __exit__(self, *exc):
        _stack.pop()
        return False


def current_scope() -> str | None:
    """The explicit scope being built in (innermost `name_scope`), or None."""
    return _stack[-1].path if _stack and _stack[-1] is not None else None


def push(tag):
    """Make `tag` (a ScopeTag, or None for no scope) the scope of what is built until `pop`.
    For graphlens's own builders (grad, rewrites); users write `with name_scope(...)`."""
    _stack.append(tag)


def pop():
    """Undo the last `push`."""
    _stack.pop()


def backward_tag(node):
    """The tag for the gradient of `node` (an Apply or a variable): its scope, backward."""
    var = node.outputs[0] if hasattr(node, "outputs") else node
    tag = getattr(var, "scope", None)
    return None if tag is None else tag.as_backward()


def tag_at(frame):
    """The scope tag of a variable made now, by user code running in `frame` (or None)."""
    if _stack:
        return _stack[-1]
    while frame is not None and frame.f_code.co_name in _LOOKED_THROUGH:
        frame = frame.f_back
    if frame is None:
        return None
    code = frame.f_code
    # Keyed by identity: code objects compare equal by content, and a model file run twice
    # has new code objects whose calls count from 1 again. The tag held in _last_call keeps
    # its code alive, so an id is never reused while it is a key.
    key = id(code)
    known = _last_call.get(key)
    if known is not None and known[0] is frame:
        return known[1]
    if code.co_name.startswith("<"):      # <module>: module-level code has no scope
        return None
    call = _call_counts[key] = _call_counts.get(key, 0) + 1
    tag = ScopeTag(None, code, call)
    _last_call[key] = (frame, tag)
    return tag


def code_scope_name(code) -> str:
    """The scope a function's code gives: `HiddenLayer` for `HiddenLayer.__init__`,
    `Model.encode` for a method, `build` for a function (inner functions by their own name)."""
    qualname = getattr(code, "co_qualname", code.co_name)
    qualname = qualname.rsplit("<locals>.", 1)[-1]
    parts = qualname.split(".")
    if len(parts) > 1 and parts[-1] in _CLASS_METHODS:
        parts = parts[:-1]
    return ".".join(parts)


def name_scope_path(name) -> str | None:
    """The scope part of a variable name (before the last '/'), or None when it has none.

    >>> name_scope_path('enc/layer1/W'), name_scope_path('W'), name_scope_path('x / y')
    ('enc/layer1', None, None)
    """
    if not name or SEPARATOR not in name:
        return None
    path = name.rsplit(SEPARATOR, 1)[0]
    if not all(_SCOPE_PART.fullmatch(part) for part in path.split(SEPARATOR)):
        return None
    return path


def scope_of(item) -> str | None:
    """The scope of a variable or apply (an apply's is its first output's): `encoder/layer1`,
    `HiddenLayer_2`, or None. The one rule every view (pictures, folding, `why`) reads.

    >>> scope_of(T.dvector('x'))            # built at module level     # doctest: +SKIP
    """
    var = item.outputs[0] if hasattr(item, "outputs") else item
    tag = getattr(var, "scope", None)
    named = name_scope_path(getattr(var, "name", None))
    if tag is not None and tag.path is not None:
        # An explicit scope prefixes a path spelled in the name, as TensorFlow's did.
        return tag.path if named is None else f"{tag.path}{SEPARATOR}{named}"
    if named is not None:
        return named
    return None if tag is None else tag.name


def is_backward(item) -> bool:
    """True when `grad` built this variable or apply (the gradient of a scope's forward ops)."""
    var = item.outputs[0] if hasattr(item, "outputs") else item
    tag = getattr(var, "scope", None)
    return tag is not None and tag.backward


def is_inferred(item) -> bool:
    """True when the scope of `item` was inferred from the function that built it (no
    name_scope, no `a/b` name): pictures treat it as a weaker hint than one the user wrote."""
    var = item.outputs[0] if hasattr(item, "outputs") else item
    tag = getattr(var, "scope", None)
    return (tag is not None and tag.path is None and tag.name is not None
            and name_scope_path(getattr(var, "name", None)) is None)


def layer_paths(ops_with_paths, skip=()) -> set:
    """The scopes that built forward ops, with the scopes around them: [(op, path)] -> paths.
    A scope that only made parameters (a helper `shared_normal(shape, 'W_z')`) is not among
    them, not even by the sums of its weights' gradients (grad builds them in the weight's
    scope); nor by the ops in `skip` (update steps adopted into a parameter's scope).

    >>> layer_paths([(dot_node, 'enc/layer1')])                  # doctest: +SKIP
    {'enc', 'enc/layer1'}
    """
    paths = set()
    for op, path in ops_with_paths:
        if is_backward(op) or op in skip:
            continue
        while path and path not in paths:
            paths.add(path)
            path = path.rpartition(SEPARATOR)[0]
    return paths


def scope_code(item):
    """The user code object an inferred scope comes from (None for explicit or no scope)."""
    var = item.outputs[0] if hasattr(item, "outputs") else item
    tag = getattr(var, "scope", None)
    return None if tag is None else tag.code
