"""Theano's `Print` op: the value of x, printed each time the compiled function computes it.

Theano users debug with `x = theano.printing.Print('x')(x)`; the same line works here. The op is
the identity in value and in gradient, so it can sit anywhere in a model. It prints only when
the function computes it (an unused Print prints nothing), never while rewriting: constant
folding leaves it alone because of `has_side_effect`.

>>> h = Print('h', attrs=('shape', 'mean'))(T.tanh(x))      # doctest: +SKIP
>>> f(data)                                                 # doctest: +SKIP
h shape = (4, 3)
h mean = 0.21
"""

from __future__ import annotations

from dataclasses import dataclass

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.extra_ops import same_shape_as_input
from graphlens.tensor.variable import as_tensor_variable


def print_attributes(op, value):
    """Theano's default `global_fn`: one line per name in `op.attrs`, `message attr = value`,
    calling the attribute when it is a method (`'__str__'`, `'mean'`)."""
    for name in op.attrs:
        attribute = getattr(value, name)
        print(op.message, name, "=", attribute() if callable(attribute) else attribute)


@dataclass(frozen=True)
class Print(Op):
    """Print(message, attrs=('__str__',), global_fn=print_attributes)(x): x, printed at run time.

    attrs: names of attributes or methods of the numpy value to print ('shape', 'min', ...).
    global_fn(op, value): what runs instead of the default printing, as in Theano.
    """

    message: str = ""
    attrs: tuple = ("__str__",)
    global_fn: object = print_attributes

    notation = Func("Print", params=("message",))
    view_map = {0: [0]}          # perform returns its input itself, as Theano's Print
    has_side_effect = True       # printing: never folded into a constant at compile time
    infer_shape = same_shape_as_input(0)

    def __post_init__(self):
        # Theano takes any sequence of names; a tuple keeps the op hashable and comparable.
        attrs = (self.attrs,) if isinstance(self.attrs, str) else tuple(self.attrs)
        if not all(isinstance(name, str) for name in attrs):
            raise GraphlensTypeError(f"Print: attrs must be attribute names (strings), got "
                                     f"{self.attrs!r:.80}")
        object.__setattr__(self, "attrs", attrs)
        if not callable(self.global_fn):
            raise GraphlensTypeError(f"Print: global_fn must be callable as global_fn(op, value), "
                                     f"got {self.global_fn!r:.80}")

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        self.global_fn(self, inputs[0])
        return [inputs[0]]

    def grad(self, inputs, output_grads):
        return [output_grads[0]]      # the identity's gradient: Print never changes learning
