"""Binary cross-entropy of a sigmoid, fused: one op from the scores, no probabilities.

`-(t * log(p) + (1 - t) * log(1 - p))` with p = sigmoid(z), written out or as
`binary_crossentropy(p, t)`, or as the Theano tutorial's `-t * log(p) - (1 - t) * log(1 - p)`,
reaches this phase as `t * softplus(-z) + (1 - t) * softplus(z)` (the rules of `stabilize.py`
rewrote each log). The rule here reads that sum and makes it one
`sigmoid_binary_crossentropy(z, t)`.

Its gradient, as `grad` builds it from the user's formula and the stabilizing rules leave it,
is `(1 - t) * sigmoid(z) / n + -(t * sigmoid(-z) / n)`: each term divided and the second negated
on its own. `sigmoid_pair_common_factors` writes it `((1 - t) * sigmoid(z) - t * sigmoid(-z)) / n`,
three passes over the batch fewer. (Not `(sigmoid(z) - t) / n`, the form a person derives by
hand: at t = 1, z = 40 that is 1 - 1 = 0, where the gradient is -sigmoid(-40), and the stable
gradients keep such values to the last bit.)

The loss, the prediction's `sigmoid(z)` and the gradient's `sigmoid(-z)` then each take an exp
of the same scores. In the 'share' phase (after these forms are final, before fusion) one
`sigmoid_bce_parts(z, t)` node (tensor/nnet/sigmoid_parts.py) computes all three from two exps.
"""

from __future__ import annotations

from collections import Counter

from graphlens.rewrite.pattern import Pat, fits, is_constant_equal, rewrite
from graphlens.rewrite.products import Product, build, collect, factor_key, is_negation
from graphlens.errors import GraphlensTypeError, ShapeError
from graphlens.tensor.conditional import IfElse
from graphlens.tensor.math import Add, Mul, Neg, Sub, TrueDiv, add, sub
from graphlens.tensor.nnet import Sigmoid, Softplus, sigmoid_binary_crossentropy
from graphlens.tensor.nnet.basic import SigmoidBinaryCrossentropy
from graphlens.tensor.nnet.sigmoid_parts import SigmoidBCEParts

STABLE = ("stability",)
SUM_OPS = (Add, Sub, Neg)
MAX_TERMS = 16


def _signed_terms(var):
    """var as a list of (sign, term) through +, - and unary minus (a bounded walk)."""
    terms, stack, walked = [], [(1, var)], 0
    while stack:
        sign, current = stack.pop()
        node = current.owner
        if walked < MAX_TERMS and node is not None and isinstance(node.op, SUM_OPS):
            walked += 1
            if isinstance(node.op, Add):
                stack.extend((sign, term) for term in reversed(node.inputs))
            elif isinstance(node.op, Sub):
                stack.extend([(-sign, node.inputs[1]), (sign, node.inputs[0])])
            else:
                stack.append((-sign, node.inputs[0]))
            continue
        terms.append((sign, current))
    return terms


def _near_softplus(term) -> bool:
    """True when a softplus is among the inputs of `term` or of their inputs (t * -softplus(z)
    is as deep as the forms this rule reads go)."""
    node = term.owner
    if node is None:
        return False
    for inp in node.inputs:
        inner = inp.owner
        if inner is not None and (isinstance(inner.op, Softplus) or any(
                v.owner is not None and isinstance(v.owner.op, Softplus) for v in inner.inputs)):
            return True
    return False


def _scaled_softplus(sign, term):
    """(coefficient, softplus input, sign) when the term is sign * coefficient * softplus(u),
    else None."""
    product = collect(term)
    if product.den or len(product.num) != 2:
        return None
    for i, factor in enumerate(product.num):
        if factor.owner is not None and isinstance(factor.owner.op, Softplus):
            return product.num[1 - i], factor.owner.inputs[0], product.sign * sign
    return None


def _one_minus(var):
    node = var.owner
    if node is not None and isinstance(node.op, Sub) and is_constant_equal(node.inputs[0], 1):
        return node.inputs[1]
    return None


def _target_of(minus_coefficient, plus_coefficient):
    """t when the coefficients are t (of softplus(-z)) and 1 - t (of softplus(z))."""
    rest = _one_minus(plus_coefficient)
    if rest is not None and factor_key(rest) == factor_key(minus_coefficient):
        return minus_coefficient
    return None


@rewrite("stabilize", Pat(SUM_OPS, name="old"), tags=STABLE, needs=(Softplus,))
def sigmoid_binary_crossentropy_of_scores(old):
    """t * softplus(-z) + (1 - t) * softplus(z) -> sigmoid_binary_crossentropy(z, t): what
    binary_crossentropy(sigmoid(z), t) becomes once its logs are stable, in one op; the
    negated pair (the log-likelihood, t * log(p) + (1 - t) * log(1 - p)) -> its negation."""
    terms = _signed_terms(old)
    if sum(1 for _, term in terms if _near_softplus(term)) < 2:
        return None         # most sums: decided without reading their terms as products
    scaled = [_scaled_softplus(sign, term) for sign, term in terms]
    for i, first in enumerate(scaled):
        for j in range(i + 1, len(scaled)):
            second = scaled[j]
            if first is None or second is None or first[2] != second[2] \
                    or not is_negation(first[1], second[1]):
                continue
            for (c_minus, _, _), (c_plus, z, _) in ((first, second), (second, first)):
                target = _target_of(c_minus, c_plus)
                if target is None:
                    continue
                fused = sigmoid_binary_crossentropy(z, target)
                if first[2] < 0:
                    # t * log(p) + (1 - t) * log(1 - p), the log-likelihood the Theano
                    # tutorials sum before negating it (the denoising autoencoder's L).
                    fused = -fused
                others = [term if sign > 0 else -term
                          for k, (sign, term) in enumerate(terms) if k not in (i, j)]
                return fits(add(fused, *others), old)
    return None


def _near_sigmoid(term, budget=8):
    """True when a sigmoid is among the first `budget` nodes of `term` read through *, / and
    unary minus (where collect() would find it as a factor)."""
    stack = [term]
    while stack and budget:
        node = stack.pop().owner
        if node is None:
            continue
        if isinstance(node.op, Sigmoid):
            return True
        if isinstance(node.op, (Mul, TrueDiv, Neg)):
            budget -= 1
            stack.extend(node.inputs)
    return False


def _sigmoid_factors(product):
    """[(index, z)] of the factors sigmoid(z) among the product's numerator."""
    return [(i, f.owner.inputs[0]) for i, f in enumerate(product.num)
            if f.owner is not None and isinstance(f.owner.op, Sigmoid)]


def _rest_key(product, dropped):
    """What is left of `product` without the numerator factors at `dropped`, as a key."""
    return (Counter(factor_key(f) for i, f in enumerate(product.num) if i not in dropped),
            Counter(factor_key(f) for f in product.den),
            Counter(factor_key(f) for f in product.shapes))


def _pair(first, second):
    """((sigmoid, coefficient), (sigmoid, coefficient)) positions in the numerators when `first`
    is sign * (1 - t) * sigmoid(z) * rest and `second` is -sign * t * sigmoid(-z) * rest, else
    None."""
    for i, z in _sigmoid_factors(first):
        for k, coefficient in enumerate(first.num):
            t = _one_minus(coefficient) if k != i else None
            if t is None:
                continue
            for j, u in _sigmoid_factors(second):
                if not is_negation(z, u):
                    continue
                for m, factor in enumerate(second.num):
                    if m != j and factor_key(factor) == factor_key(t) \
                            and _rest_key(first, (i, k)) == _rest_key(second, (j, m)):
                        return (i, k), (j, m)
    return None


@rewrite("specialize", Pat(SUM_OPS, name="old", where=lambda node: _two_sigmoid_terms(node)),
         tags=STABLE, needs=(Sigmoid,))
def sigmoid_pair_common_factors(old):
    """(1 - t) * sigmoid(z) * r - t * sigmoid(-z) * r -> ((1 - t) * sigmoid(z) - t * sigmoid(-z))
    * r: the gradient of a binary cross-entropy (r is g / n) with its common factors applied
    once, not once per term. The same values up to rounding, and the same relative precision:
    at t = 1 the first product is exactly 0 and the result is -sigmoid(-z) * r."""
    # The pattern's `where` told that two terms are near a sigmoid: most sums never get here.
    terms = _signed_terms(old)
    products = []
    for sign, term in terms:
        product = collect(term)
        products.append((sign * product.sign, term, product))
    for a, (sign_a, term_a, first) in enumerate(products):
        if not _sigmoid_factors(first):
            continue
        for b, (sign_b, term_b, second) in enumerate(products):
            if b == a or sign_b != -sign_a or not _sigmoid_factors(second):
                continue
            found = _pair(first, second)
            if found is None:
                continue
            (i, k), (j, m) = found
            num = [f for n, f in enumerate(first.num) if n not in (i, k)]
            if not (num or first.den):
                return None     # nothing in common: already the pair this rule writes
            pair = sub(first.num[k] * first.num[i], second.num[m] * second.num[j])
            merged = build(Product(1, num + [pair], list(first.den), list(first.shapes)),
                           term_a)
            if merged is None:
                return None
            others = [term if sign > 0 else -term
                      for n, (sign, term) in enumerate(terms) if n not in (a, b)]
            return fits(add(merged if sign_a > 0 else -merged, *others), old)
    return None


def _clients_of(fgraph, var, op_class):
    """The nodes of `fgraph` with an op of `op_class` that read `var` as their first input."""
    return [node for node, position in fgraph.clients.get(var, ())
            if position == 0 and not isinstance(node, str) and isinstance(node.op, op_class)]


def _depends_on(var, old, budget=64) -> bool:
    """True when `var` is computed from `old` (or the walk runs out of `budget` nodes: then
    the answer is a careful yes)."""
    stack, seen = [var], set()
    while stack:
        current = stack.pop()
        if current is old:
            return True
        node = current.owner
        if node is None or node in seen:
            continue
        budget -= 1
        if budget < 0:
            return True
        seen.add(node)
        stack.extend(node.inputs)
    return False


def _shared_parts(fgraph, z, old):
    """The outputs of a sigmoid_bce_parts node for the loss of scores `z`, (an existing one, or
    a new one for the graph's sigmoid_binary_crossentropy(z, t)), or None."""
    made = _clients_of(fgraph, z, SigmoidBCEParts)
    if made:
        return made[0].outputs
    for loss in _clients_of(fgraph, z, SigmoidBinaryCrossentropy):
        t = loss.inputs[1]
        if loss.outputs[0].type != z.type or _depends_on(t, old):
            continue
        try:
            return SigmoidBCEParts()(z, t)
        except (GraphlensTypeError, ShapeError):
            continue        # targets of another dtype, or broadcasting the scores longer
    return None


def _sigmoid_clients(fgraph, z):
    """[(sigmoid(z) nodes), (sigmoid(-z) nodes)] that read the scores `z` of a loss."""
    negated = [node.outputs[0] for node in _clients_of(fgraph, z, Neg)]
    return (_clients_of(fgraph, z, Sigmoid),
            [s for var in negated for s in _clients_of(fgraph, var, Sigmoid)])


@rewrite("share", Pat((Sigmoid, SigmoidBinaryCrossentropy), name="old"), tags=STABLE,
         needs=(SigmoidBinaryCrossentropy, SigmoidBCEParts))
def sigmoid_parts_shared(old, node, fgraph):
    """sigmoid_binary_crossentropy(z, t), sigmoid(z), sigmoid(-z) -> the outputs of one
    sigmoid_bce_parts(z, t): three exps (two under numpy's overflow guard) become two that
    cannot overflow. Fires where the loss and at least one sigmoid of its scores are in the
    graph (a logistic regression's loss, prediction and gradient); each of them becomes its
    output of the one node."""
    if fgraph.holds(IfElse):
        return None         # the lazy evaluator runs no op with several outputs (compile/vm.py)
    if old.type.dtype not in ("float32", "float64"):
        return None
    if isinstance(node.op, SigmoidBinaryCrossentropy):
        z = node.inputs[0]
        plain, negated = _sigmoid_clients(fgraph, z)
        if not (plain or negated):
            return None
        parts = _shared_parts(fgraph, z, old)
        return None if parts is None else parts[0]
    u = node.inputs[0]
    if old.type != u.type:
        return None
    parts = _shared_parts(fgraph, u, old)       # sigmoid(z), the loss of z in the graph
    if parts is not None:
        return parts[1]
    owner = u.owner
    if owner is not None and isinstance(owner.op, Neg) and owner.inputs[0].type == u.type:
        parts = _shared_parts(fgraph, owner.inputs[0], old)     # sigmoid(-z)
        if parts is not None:
            return parts[2]
    return None


def _two_sigmoid_terms(node) -> bool:
    """True when at least two of the terms `_signed_terms` reads from `node`'s output are near
    a sigmoid: the condition of `sigmoid_pair_common_factors`, told by the same walk without
    building the terms, stopping at the second such term, and inline in the driver (a `where`).

    A gradient holds thousands of sums and almost none has two terms near a sigmoid (the 10k
    DAG of bench/dag.py: 288 of 14,788), so this is the cost of the rule on most graphs.
    (Defined below the rules, which name it through a lambda: their lines, which the
    RewriteLog and the gallery's pictures show, stay where they were.)
    """
    if isinstance(node.op, Neg):
        owner = node.inputs[0].owner
        if owner is None or not isinstance(owner.op, SUM_OPS):
            return False        # -x: one term
    # _signed_terms' walk (the same order, so the same nodes within MAX_TERMS), signs left out.
    stack, walked, near = [node.outputs[0]], 0, 0
    while stack:
        current = stack.pop()
        owner = current.owner
        if walked < MAX_TERMS and owner is not None and isinstance(owner.op, SUM_OPS):
            walked += 1
            op = owner.op
            if isinstance(op, Add):
                stack.extend(reversed(owner.inputs))
            elif isinstance(op, Sub):
                stack.extend([owner.inputs[1], owner.inputs[0]])
            else:
                stack.append(owner.inputs[0])
            continue
        if _near_sigmoid(current):
            near += 1
            if near == 2:
                return True
    return False
