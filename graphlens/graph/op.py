"""The `Op` base: a frozen dataclass whose fields are its props (equality, hashing, label).

An op is one small class with everything about it side by side: `make_node` (inputs, output
type and static shape), `perform` (vectorised numpy), `grad`, its `notation`, and, where its
gradient is zero, the `zero_gradient_reason` that `trace/` reports.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
import threading
from dataclasses import dataclass

from graphlens.config import config
from graphlens.errors import BULK, user_frame
from graphlens.graph.basic import Constant
from graphlens.graph.label import default_label
from graphlens.graph.scopes import tag_at
from graphlens.graph.test_value import compute_test_values
from graphlens.graph.theano_style import adapt_subclass, props_of, set_on_a_bare_op


@dataclass(frozen=True)
class Op:
    """Base of all ops; a subclass is `@dataclass(frozen=True)` with its parameters as fields."""

    # Class-level facts (not dataclass fields): how the op prints and why its gradient may be 0.
    notation = None
    zero_gradient_reason = None
    # What to do when this op blocks a gradient the user wants (the tracer shows it as the fix).
    gradient_remedy = None
    # The result only chooses or tests (a mask, an index): next to a path that carries the
    # gradient it is how relu masks and max-pooling are built, so the tracer reports it only
    # when it blocks a parameter completely.
    selector = False
    # The result depends on the input's shape only, never its values (x.shape, fill's x).
    reads_only_shape = False
    # What a person calls the op in a message ('cast to int32'); None: from its notation.
    title = None
    # {output index: [input indices]} of inputs the op overwrites; empty for almost every op.
    destroy_map = {}
    # {output index: [input indices]} of inputs an output may be a view of (shares memory with,
    # unchanged): the evaluator then copies before handing that output to the user.
    view_map = {}
    # True when swapping inputs never changes the result (pictures then draw no positions).
    commutative = False
    # A random draw: equal inputs give independent samples, so constant folding and merge
    # leave the node alone, and pictures draw it in its own shape.
    draws_random = False
    # How many trailing outputs the views (pp, debugprint, pictures) leave out: a random
    # draw's next stream state, which only the stream's update reads. 0 for almost every op.
    hidden_outputs = 0
    # The node does something besides computing its value (Print writes to stdout): constant
    # folding leaves it alone, so the effect happens when the function runs, not when it compiles.
    has_side_effect = False
    # Graphs the op carries inside (graph/inner.py): a fused kernel, a loop's step function.
    inner_graphs = ()
    # Positions of inputs evaluated only on demand (ifelse's two branches): the evaluator first
    # computes the other inputs, asks `demand` which lazy ones this call needs, and computes only
    # those (docs/architecture.md, "Lazy inputs"). Empty for almost every op.
    lazy_inputs = ()
    # A lazy op's alternatives, as ((name, positions), ...): the groups of lazy inputs of which
    # `demand` picks one per call (ifelse: the 'then' branches, the 'else' branches). Views
    # read it to show what each choice computes (graph/branches.py); empty for almost every op.
    branch_inputs = ()
    # Which output calling the op returns when it has several (Theano's `default_output`): the
    # others stay on `node.outputs` (CTC's cost is returned; the gradient it computes in the same
    # pass is read by its `L_op`). None: a list of all outputs.
    default_output = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # An op written as Theano's tutorial writes it (perform filling output_storage,
        # itypes/otypes) is given graphlens's conventions; graphlens's own ops are untouched.
        adapt_subclass(cls)

    # Equality and hashing for Op itself and for subclasses that are not dataclasses (ops
    # written for Theano): by `__props__`, or identity without them, as Theano compares ops.
    # Every dataclass op has its own, by its fields, which @dataclass writes over these.
    def __eq__(self, other):
        props = props_of(self)
        if props is None:
            return self is other
        return type(self) is type(other) and all(
            getattr(self, name) == getattr(other, name) for name in props)

    def __hash__(self):
        props = props_of(self)
        if props is None:
            return object.__hash__(self)
        return hash((type(self),) + tuple(getattr(self, name) for name in props))

    def make_node(self, *inputs):
        """An Apply of this op to `inputs`, with output types; checks inputs, naming the user's line."""
        raise NotImplementedError(f"{type(self).__name__} must define make_node")

    def perform(self, node, inputs):
        """The op's value: a list with one numpy array per output of `node`."""
        raise NotImplementedError(f"{type(self).__name__} must define perform")

    def direct_perform(self, node):
        """A function of the input values returning the output's value for `node`, called by
        the evaluator instead of `perform` where it costs less (no list in, no list out), or
        None. Only single-output ops offer one; it computes exactly what `perform` does.

        >>> Add().direct_perform(node)(np.array(1.0), np.array(2.0))    # doctest: +SKIP
        array(3.)
        """
        return None

    def grad(self, inputs, output_grads):
        """Symbolic gradients with respect to each input, given the gradients of the outputs."""
        raise NotImplementedError(f"{type(self).__name__} must define grad")

    def L_op(self, inputs, outputs, output_grads):
        """The gradients given the node's `outputs` too (Theano's name); an op whose gradient
        reads its own results (a loop's saved states) overrides this, the rest define grad."""
        return self.grad(inputs, output_grads)

    def L_op_needed(self, inputs, outputs, output_grads, needed):
        """`L_op` when `grad` wants the gradients of only some inputs (`needed[i]` True): an op
        whose gradients are built input by input may leave the others None, and build none of
        them (x * 0.5 differentiated wrt x builds no gradient for 0.5). By default, L_op.

        >>> Mul().L_op_needed([x, c], [y], [g], [True, False])     # [g * c, None]  # doctest: +SKIP
        """
        return self.L_op(inputs, outputs, output_grads)

    def do_constant_folding(self, node) -> bool:
        """Whether constant folding may compute `node` at compile time when its inputs are
        constants (Theano's hook, which an op overrides: AllocEmpty says no). By default yes,
        except for a draw (new samples every call) and an op with a side effect (a Print
        prints when the function runs).

        >>> Exp().do_constant_folding(node)                       # doctest: +SKIP
        True
        """
        return not (self.draws_random or self.has_side_effect)

    def demand(self, node, values) -> tuple:
        """The lazy input positions this call needs, given the values of the eager inputs
        (`values` has None at every lazy position). Only ops with `lazy_inputs` are asked."""
        return tuple(self.lazy_inputs)

    def prepare(self) -> None:
        """Work done once, when a function holding this op is compiled, so that no call pays
        for it (a fused op plans its arrays here); most ops have nothing to do.

        >>> composite.prepare()          # the evaluator's constructor calls it  # doctest: +SKIP
        """

    def __call__(self, *inputs, **kwargs):
        if kwargs:
            # Theano's op(x, return_list=True): the outputs as a list even when there is one.
            return_list = kwargs.pop("return_list", False)
            if kwargs:
                # Theano passed keywords on to make_node (`GetItem2Lists()(x, ind1=r, ind2=c)`):
                # they become positional inputs in make_node's order.
                try:
                    bound = inspect.signature(self.make_node).bind(*inputs, **kwargs)
                except TypeError:
                    raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments "
                                    f"{sorted(kwargs)}") from None
                bound.apply_defaults()      # a later input by name: the earlier defaults
                inputs = bound.args
                if bound.kwargs:
                    raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments "
                                    f"{sorted(bound.kwargs)}")
            outputs = self(*inputs)
            if not return_list or isinstance(outputs, list):
                return outputs
            return [outputs]
        bulk = BULK
        if getattr(bulk, "frame", None) is None:
            # The user's line is found once per call, not by a stack walk per variable that
            # make_node makes (a constant and an output for `y + 1.0`: issue #23). An op the
            # user wrote (Theano's tutorial ops) is sited where it is called too, not inside
            # its own make_node: errors then point at the line that used the op.
            frame = bulk.frame = user_frame(sys._getframe(1))
            if frame is not None:
                # Every variable made shares one site tuple and scope (Variable.__init__).
                bulk.made = ((frame.f_code.co_filename, frame.f_lineno), tag_at(frame))
            try:
                node = self.make_node(*inputs)
            finally:
                bulk.frame = bulk.made = None
        else:
            node = self.make_node(*inputs)
        memo = getattr(_SHARING, "memo", None)
        if memo is not None and not (self.draws_random or self.has_side_effect):
            found = _shared_node(node, memo)
            if found is not None:
                return self._returned(found)
        # The one cost of test values when they are off: reading the flag.
        mode = config.compute_test_value
        if mode != "off":
            compute_test_values(node, mode)
        outputs = node.outputs
        if len(outputs) == 1 and self.default_output is None:     # most nodes: no call more
            return outputs[0]
        return self._returned(outputs)

    def _returned(self, outputs):
        if self.default_output is not None:
            return outputs[self.default_output]
        if len(outputs) == 1:
            return outputs[0]
        return outputs if isinstance(outputs, list) else list(outputs)

    @property
    def props(self) -> dict:
        """The op's parameters by name: `Sum(axis=(1,)).props == {'axis': (1,)}`."""
        if "__dataclass_fields__" not in type(self).__dict__:        # written for Theano
            return {name: getattr(self, name) for name in props_of(self) or ()}
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    @property
    def label(self) -> str:
        """How every view and message names the op, `Sum{axis=1}`: the class name and the
        props that differ from their defaults (graph/label.py). A class whose name is more
        than its props (a fused kernel's formula) overrides this, and only this."""
        return default_label(self)

    def __str__(self):
        return self.label

    def gradient_block(self, node, index):
        """(kind, reason) when this op never passes its output's gradient into input `index`
        of `node` by its structure (a gradient stop, the condition of switch), else None.

        Ops whose gradient is zero for every input say so with `zero_gradient_reason`.
        """
        return None


# A bare `Op()` (Theano's tutorial: `mul = gof.Op(); mul.make_node = ...`) takes attributes;
# graphlens's dataclass ops write their own frozen __setattr__ over this one.
Op.__setattr__ = set_on_a_bare_op
Op.__delattr__ = object.__delattr__


# One instance per parameterless op class, shared by every node built through `shared_op`: ops
# are immutable and compare by their props, and a fresh instance per node would be one more
# object per node for the cyclic garbage collector to scan (issue #23).
_SHARED_OPS = {}


def shared_op(op_class):
    """The shared instance of the parameterless `op_class`.

    >>> shared_op(Add) is shared_op(Add)              # doctest: +SKIP
    True
    """
    op = _SHARED_OPS.get(op_class)
    if op is None:
        op = _SHARED_OPS[op_class] = op_class()
    return op


# The memo of the SharedBuild in force on this thread, or None (the common case: no sharing).
_SHARING = threading.local()


class SharedBuild:
    """While graphlens builds a derived graph in bulk (`grad`), an op called again on the same
    inputs gives the outputs it gave before, and equal constants its nodes read are one
    constant: the graph is built without the duplicates merge would remove one by one at
    compile time (a gradient sends one g.dimshuffle('x') to every sum of g, `1 - tanh(x)**2`
    makes a 1 per tanh; issue #23). Random draws and ops with side effects are never shared.
    `SharedBuild(False)` suspends sharing (the user's own op's gradient code runs as written).
    Nests; restores the previous memo on exit.

    >>> with SharedBuild():                                   # doctest: +SKIP
    ...     T.exp(x) is T.exp(x)
    True
    """

    def __init__(self, share=True):
        self.share = share
        self.previous = None

    def __enter__(self):
        self.previous = getattr(_SHARING, "memo", None)
        # ({(op, inputs): outputs}, {constant signature: the constant kept},
        #  {(id of its data, type, weak): the constant kept})
        _SHARING.memo = ({}, {}, {}) if self.share else None
        return self

    def __exit__(self, *exc):
        _SHARING.memo = self.previous
        return False


def kept_constant(data, type_, weak):
    """The constant of `data` (an array), `type_` and `weak` that the shared build in force
    keeps, or None (none kept yet, or no shared build): a builder that finds one needs to make
    no constant for `_shared_node` to swap for it.

    >>> with SharedBuild():                                   # doctest: +SKIP
    ...     kept_constant(c.data, c.type, c.weak) is (x * c).owner.inputs[1]
    True
    """
    memo = getattr(_SHARING, "memo", None)
    return None if memo is None else memo[2].get((id(data), type_, weak))


def _shared_node(node, memo):
    """The outputs of a node built earlier as `node` (same op, same inputs), or None after
    keeping `node` for later calls. `node` is new and seen by nobody yet: its constant inputs
    are swapped here for the first equal constant of this build."""
    nodes, constants, by_data = memo
    inputs = node.inputs
    for position, var in enumerate(inputs):
        if isinstance(var, Constant):
            # Literals share their data arrays (tensor/literals.py): the same array, type and
            # weakness is the same constant, found without reading its bytes. Only a kept
            # constant's own array is a key: the memo keeps it alive, so its id stays its own.
            quick = (id(var.data), var.type, getattr(var, "weak", None))
            kept = by_data.get(quick)
            if kept is None:
                kept = constants.setdefault(var.signature(), var)
                if kept is var:
                    by_data[quick] = var
            if kept is not var:
                inputs[position] = kept
    try:
        found = nodes.setdefault((node.op, tuple(inputs)), node.outputs)
    except TypeError:           # an op with unhashable props: never shared
        return None
    return None if found is node.outputs else found
