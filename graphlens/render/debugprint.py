"""`debugprint(obj)`: Theano's indented tree of ops, with ids, names and types.

>>> x = T.fmatrix('x'); W = T.fmatrix('W')
>>> print(debugprint(T.tanh(x @ W), file='str'))             # doctest: +SKIP
Tanh [id A] float32[?, ?]
└─ Dot [id B] float32[?, ?]
   ├─ x [id C] float32[?, ?]
   └─ W [id D] float32[?, ?]

A node reached a second time keeps its id and is not expanded again (`Tanh [id E] ···`), so a
gradient prints in lines proportional to its size. Past `FOLD_DEPTH` levels a subtree continues
as its own block below (`Add [id Q] ↓`, later `Add [id Q]` at the margin): indentation stays
bounded, and printing a 100,000-node chain stays linear. The walk uses an explicit stack.
"""

from __future__ import annotations

from graphlens.graph.basic import Constant, readers, toposort
from graphlens.render.console import emit
from graphlens.printer.forms import inner_graph
from graphlens.printer.naming import constant_text, is_large_constant, is_shared, printable
from graphlens.render.pp import printable_targets, view_names
from graphlens.printer.styled import Rope, collector_paused, plain_lines
from graphlens.tensor.static_shape import static_shapes
from graphlens.tensor.type import TensorType

# Deeper subtrees continue as separate blocks, so a line's indentation never passes 3 * 32.
FOLD_DEPTH = 32
ID_STYLES = ("CHAR", "int", "")
LAST = "└─ "           # the connector of a node's last child


def debugprint(obj, depth: int = -1, print_type: bool = True, file=None, ids: str = "CHAR",
               stop_on_name: bool = False, done=None, print_storage: bool = False,
               print_clients: bool = False, used_ids=None, *, stage: str = "after",
               example_inputs=None):
    """Print `obj` (a variable, a list of them, a FunctionGraph or a compiled function) as a tree.

    file: None prints to stdout (in colour on a terminal), 'str' returns the text, a file
    object is written to (and returned). depth: levels to show (-1: all). ids: 'CHAR' (A, B,
    ..., Z, BA), 'int' (0, 1, ...) or '' (none); Theano's 'id' (Python's id(), different every
    run) gives the same stable letters as 'CHAR'. stage: for a compiled function, the graph
    'after' its rewrites or 'before' them; updates are listed as `W <- tree`. Types show
    the lengths known from declarations, test values, shared variables' current values and
    `example_inputs` ({input: value}): `float64[256, 784]`.

    The positional order is Theano's (obj, depth, print_type, file, ids), and Theano's other
    keywords work as there: `stop_on_name` prints nothing below a named variable;
    `print_clients` ends the line of a result read by several ops with their ids
    (`clients: [id C], [id F]`), to find what uses a node many times; `used_ids` (a dict) and
    `done` (a dict of nodes already printed) shared between calls keep one numbering and
    expand each node once across several printouts. `print_storage` is accepted and changes
    nothing (the evaluator frees intermediate values). A node printed twice is always shown
    once, by its id.

    >>> text = debugprint(f, file='str', stage='before')      # doctest: +SKIP
    """
    ids = "CHAR" if ids == "id" else ids
    options = dict(depth=depth, print_type=print_type, ids=ids, stage=stage,
                   stop_on_name=stop_on_name, example_inputs=example_inputs,
                   print_clients=print_clients, used_ids=used_ids, done=done)
    if file == "str":
        # One pause, the ropes dropped inside it (see pp): the collector never scans them.
        with collector_paused():
            lines = _tree_lines(obj, **options)
            text = plain_lines(lines) + "\n"
            del lines
        return text
    lines = tree_lines(obj, **options)
    if file is None:
        emit(lines)
        return None
    file.write(plain_lines(lines) + "\n")
    return file


def tree_lines(obj, *, depth=-1, print_type=True, ids="CHAR", stage="after",
               stop_on_name=False, example_inputs=None, print_clients=False, used_ids=None,
               done=None) -> list[Rope]:
    """The lines of `debugprint(obj)` as styled ropes."""
    with collector_paused():
        return _tree_lines(obj, depth=depth, print_type=print_type, ids=ids, stage=stage,
                           stop_on_name=stop_on_name, example_inputs=example_inputs,
                           print_clients=print_clients, used_ids=used_ids, done=done)


def _tree_lines(obj, *, depth, print_type, ids, stage, stop_on_name, example_inputs,
                print_clients=False, used_ids=None, done=None):
    if ids not in ID_STYLES:
        raise ValueError(f"ids must be one of {ID_STYLES}, got {ids!r} (graphlens never prints "
                         f"Python's id(): it changes from run to run)")
    if not isinstance(depth, int) or depth == 0 or depth < -1:
        raise ValueError(f"depth must be -1 (everything) or a positive number of levels, "
                         f"got {depth!r}")
    targets, inputs = printable_targets(obj, stage)
    outputs = [var for _, var in targets]
    # One walk serves the names and the known shapes (as in pp).
    nodes = toposort(outputs)
    names = view_names(obj, outputs, inputs, nodes)
    printer = TreePrinter(names, depth=depth, print_type=print_type, ids=ids,
                          stop_on_name=stop_on_name,
                          shapes=static_shapes(outputs, example_inputs, nodes=nodes),
                          clients=readers(nodes) if print_clients else None,
                          used_ids=used_ids, done=done)
    for kind, var in targets:
        head = None
        if kind not in ("expr", "output"):
            head = Rope(names.name(kind), "name").add(" <- ", "keyword")
        printer.add_tree(var, head)
    printer.flush_folded()
    return printer.lines


def char_id(number: int) -> str:
    """Theano's letter ids: 0 -> 'A', 25 -> 'Z', 26 -> 'BA', 27 -> 'BB'.

    Base 26 with A as the digit 0, written two digits at a time (a printout asks 200,000 times).
    """
    if number < 676:
        return _LETTERS[number] if number < 26 else _PAIRS[number]
    text = _PAIRS[number % 676]
    number //= 676
    while number >= 676:
        text = _PAIRS[number % 676] + text
        number //= 676
    return (_LETTERS[number] if number < 26 else _PAIRS[number]) + text


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PAIRS = [first + second for first in _LETTERS for second in _LETTERS]


class TreePrinter:
    """Accumulates the lines of one debugprint; ids and expanded nodes are shared by its trees."""

    def __init__(self, names, *, depth=-1, print_type=True, ids="CHAR", stop_on_name=False,
                 shapes=None, clients=None, used_ids=None, done=None):
        self.names = names
        self.stop_on_name = stop_on_name
        # Known shapes (declared, refined by test values and shared values): tensor/static_shape.py
        self.shapes = shapes if shapes is not None else static_shapes([])
        self.depth = depth
        self.print_type = print_type
        self.id_style = ids
        # {variable: ' [id A]'}; Theano's `used_ids`, given, carries the numbering across calls.
        self.ids = used_ids if used_ids is not None else {}
        # The nodes expanded once; Theano's `done` ({node: id}), given, spans several calls.
        self.expanded = done if done is not None else {}
        self.clients = clients     # {variable: reading nodes} for print_clients, else None
        self.folded = []
        self.lines = []
        self.inner_names = {}
        self.inner_blocks = {}     # the 'inner graph' line of a fused node -> inner outputs
        self.labels = {}           # op -> label: ops repeat, their labels are computed once
        self.ops = {}              # op -> ((label, 'op'), its inner graph or None)
        self.type_pieces = {}      # _type_key -> (' float32[?, 784]', 'type')
        self.known = self.shapes.shapes

    def add_tree(self, root, head=None):
        """Print the tree of `root`; `head` (like `W <- `) goes in front of its first line."""
        # Stack entries: (variable or a text rope, guide prefix, connector, level).
        stack = [(root, "", "", 1)]
        pop, push = stack.pop, stack.append
        append_line, describe = self.lines.append, self._describe
        while stack:
            item, prefix, connector, level = pop()
            line = Rope(prefix + connector, "guide")
            if head is not None:
                line.add_rope(head)
                head = None
            if type(item) is Rope:
                append_line(line.add_rope(item))
                children = self._inner_children(item)
            else:
                children = describe(item, line, level)
                append_line(line)
            if not children:
                continue
            child_prefix = prefix + ("" if not connector else
                                     "   " if connector == LAST else "│  ")
            last = len(children) - 1
            level += 1
            push((children[last], child_prefix, LAST, level))
            for position in range(last - 1, -1, -1):
                push((children[position], child_prefix, "├─ ", level))

    def flush_folded(self):
        """Print the subtrees folded away for depth, each as a block of its own."""
        position = 0
        while position < len(self.folded):
            var = self.folded[position]
            position += 1
            self.expanded.pop(var.owner, None)
            self.lines.append(Rope())
            self.add_tree(var)

    def _describe(self, var, line, level) -> list:
        """Write `var`'s line into `line`; return the children to print under it.

        The pieces go straight into the line's parts (as `Rope.add` would put them), and the
        pieces that repeat (an op's label, a type) are made once: this runs once per line,
        200,000 times for a 100,000-op chain with its constants."""
        parts = line.parts
        length = line.length
        node = var.owner
        if node is None:
            piece = self._leaf_label(var)
            inner = None
        else:
            # The label piece and the inner graph, once per distinct op (an op's hash is its
            # props': one look-up a line, not two).
            facts = self.ops.get(node.op)
            if facts is None:
                facts = self.ops[node.op] = ((self._label(node.op), "op"), inner_graph(node.op))
            piece, inner = facts
            if len(node.outputs) - node.op.hidden_outputs > 1 or var.index:
                piece = (f"{piece[0]}.{var.index}", "op")
        parts.append(piece)
        length += len(piece[0])
        if self.id_style:
            text = self.ids.get(var)
            if text is None:
                text = self._new_id(var)
            parts.append((text, "id"))
            length += len(text)
        if node is not None and var.name:
            text = f" '{printable(var.name)}'"
            parts.append((text, "name"))
            length += len(text)
        if self.print_type:
            key = self._type_key(var)
            piece = self.type_pieces.get(key)
            if piece is None:
                piece = self.type_pieces[key] = (" " + self.shapes.type_text(var), "type")
            parts.append(piece)
            length += len(piece[0])
        line.length = length
        if node is None:
            if is_shared(var):
                line.add(" shared", "mark")
            return ()
        if node in self.expanded:
            line.add(" ···", "mark")
            return ()
        if node in self.shapes.conflicts:
            # Known shapes (test values, shared values) that this op refuses: the call fails here.
            line.add(" ✗ its inputs' known shapes do not fit", "mark")
        if self.clients is not None and len(set(self.clients.get(var, ()))) > 1:
            # Theano's print_clients, on the line that expands the node: who reads it (a node
            # reading it twice, x * x, named once).
            line.add(" clients: " + ", ".join(self._id_of(reader.outputs[0]).strip()
                                              for reader in dict.fromkeys(self.clients[var])),
                     "mark")
        if self.stop_on_name and var.name:
            return ()
        if self.depth != -1 and level >= self.depth:
            if node.inputs:
                line.add(" …", "mark")
            return ()
        self.expanded[node] = None
        if level > FOLD_DEPTH and node.inputs:
            line.add(" ↓", "mark")
            self.folded.append(var)
            return ()
        if inner is not None:
            return list(node.inputs) + [self._inner_block(inner)]
        return node.inputs

    def _new_id(self, var) -> str:
        number = len(self.ids)
        text = self.ids[var] = f" [id {char_id(number) if self.id_style == 'CHAR' else number}]"
        return text

    def _id_of(self, var) -> str:
        """`var`'s id, given now if it has none yet (a client named before it is printed)."""
        return self.ids.get(var) or self._new_id(var)

    def _type_key(self, var):
        """What the type piece of `var` depends on: a tensor's dtype and known shape (a tuple
        of strings and ints hashes and compares in C; a TensorType does in Python, and a graph
        holds one per node), any other type itself with its known shape."""
        kind = var.type
        known = self.known.get(var)
        if type(kind) is TensorType:
            return (kind.dtype, kind.shape if known is None else known)
        return (kind, getattr(kind, "shape", None) if known is None else known)

    def _label(self, op) -> str:
        """`Sum{axis=1}`; a fused op shows its inner formula: `Composite{i0 * exp(i1)}`."""
        label = self.labels.get(op)
        if label is None:
            label = self.labels[op] = op.label
        return label

    def _leaf_label(self, var) -> tuple:
        """(text, style) of a root's line."""
        if var in self.inner_names:
            return self.inner_names[var], "name"
        if isinstance(var, Constant):
            return "constant" if is_large_constant(var) else constant_text(var), "const"
        if var.name or hasattr(var.type, "dtype"):
            return self.names.name(var), "name"
        return f"<{var.type}>", "mark"

    def _inner_block(self, inner):
        """The 'inner graph' line under a node; the inner trees print below it. A fused
        kernel's inputs show as i0, i1, ...; a loop's under their own names (h[t-1])."""
        for position, var in enumerate(inner.inputs):
            if inner.substitutable or not var.name:
                self.inner_names.setdefault(var, f"i{position}")
            else:
                self.inner_names.setdefault(var, printable(var.name))
        title = "inner graph" if inner.substitutable else f"inner graph of {inner.title}"
        if inner.output_names:
            title += f" -> {', '.join(inner.output_names)}"
        block = Rope(title, "mark")
        self.inner_blocks[block] = list(inner.outputs)
        return block

    def _inner_children(self, rope):
        return self.inner_blocks.pop(rope, [])

