"""Softmax written by hand, and the gradients of softmax and logsumexp written by hand.

`exp(z) / exp(z).sum(axis=1, keepdims=True)` overflows to inf / inf = NaN for z > 709; it is
softmax(z). The gradient of `log(sum(exp(z)))` is `g / sum(exp(z)) * exp(z)`, the same ratio.
The rules read products as factor lists (`products.py`): wherever exp(z) is divided by the sum
of exp(z) over some axes, broadcast back, the pair becomes softmax(z) (or exp(z - logsumexp(z))
over several axes). A factor constant along the summed axes is moved out of a sum first, so the
divisor a hand-written softmax's gradient puts inside a sum meets the exp(z) outside it.
"""

from __future__ import annotations

from graphlens.rewrite.pattern import Pat, Var, fits, rewrite
from graphlens.rewrite.products import (Product, build, collect, factor_key, has_divisor,
                                        read_by_parent_product)
from graphlens.rewrite.stable_ops import LogSumExp
from graphlens.tensor.elemwise import DimShuffle
from graphlens.tensor.math import Exp, Mul, Neg, TrueDiv, exp, mul
from graphlens.tensor.nnet import softmax
from graphlens.tensor.reduce import Sum, expand_reduced

STABLE = ("stability",)


def expanded_sum_of_exp(var):
    """(x, axes) when `var` is sum(exp(x), axes) with the axes put back as length 1."""
    node = var.owner
    if node is None or not isinstance(node.op, DimShuffle):
        return None
    total = node.inputs[0]
    if total.owner is None or not isinstance(total.owner.op, Sum):
        return None
    values = total.owner.inputs[0]
    if values.owner is None or not isinstance(values.owner.op, Exp):
        return None
    if not values.owner.inputs[0].dtype.startswith("float"):
        return None         # softmax is real; integer scores keep their written form too
    axes = tuple(total.owner.op.axis)
    expected = expand_reduced(total, axes, values.ndim).owner.op
    if node.op != expected:
        return None
    return values.owner.inputs[0], axes


def _normalized_exp(x, axes):
    """exp(x) / sum(exp(x), axes), computed without overflow."""
    if len(axes) == 1:
        return softmax(x, axis=axes[0])
    return exp(x - expand_reduced(LogSumExp(axes)(x), axes, x.ndim))


@rewrite("stabilize", Pat((Mul, TrueDiv, Neg), name="old"), tags=STABLE, needs=(TrueDiv,))
def exp_over_sum_of_exp(old, fgraph):
    """exp(z) / sum(exp(z), axis, keepdims) -> softmax(z, axis): inf / inf = NaN for z > 709
    written out; the softmax op shifts by the maximum first."""
    if read_by_parent_product(old, fgraph) or not has_divisor(old):
        return None
    product = collect(old)
    for j, divisor in enumerate(product.den):
        found = expanded_sum_of_exp(divisor)
        if found is None:
            continue
        x, axes = found
        key = factor_key(exp(x))
        i = next((i for i, f in enumerate(product.num) if factor_key(f) == key), None)
        if i is None:
            continue
        num = product.num[:i] + [_normalized_exp(x, axes)] + product.num[i + 1:]
        den = product.den[:j] + product.den[j + 1:]
        return build(Product(product.sign, num, den, product.shapes), old,
                     product.num + product.den)
    return None


def _constant_along(factor, axes, ndim) -> bool:
    """True when `factor`, broadcast to rank `ndim`, has length 1 on every one of `axes`."""
    pad = ndim - factor.ndim
    return all(axis < pad or factor.type.shape[axis - pad] == 1 for axis in axes)


def _squeezed(factor, axes, ndim):
    """`factor` without `axes` (where it has length 1), as the sum over `axes` is."""
    pad = ndim - factor.ndim
    order = tuple(axis for axis in range(factor.ndim) if axis + pad not in axes)
    if order == tuple(range(factor.ndim)):
        return factor
    node = factor.owner
    if node is not None and isinstance(node.op, DimShuffle):
        # Undo the DimShuffle that put the axes in, rather than stack a second one on it.
        composed = tuple(node.op.new_order[axis] for axis in order)
        source = node.inputs[0]
        if composed == tuple(range(source.ndim)):
            return source
        return DimShuffle(source.ndim, composed)(source)
    return DimShuffle(factor.ndim, order)(factor)


@rewrite("stabilize", Pat(Sum, Var("x"), op_name="op", name="old"), tags=STABLE,
         needs=(TrueDiv,))
def divisor_out_of_sum(x, op, old):
    """sum(a / c, axis) -> sum(a, axis) / c for c = sum(exp(z)) broadcast along `axis`: the
    gradient of a hand-written softmax divides by c inside a sum, where it cannot meet the
    exp(z) it must pair with outside. (A divisor is a TrueDiv's: without one in the graph,
    every sum is passed over.)"""
    product = collect(x)
    axes = tuple(op.axis)
    # Only the broadcast sums of exp are moved: moving every constant divisor (a mean's n)
    # would only make graphs larger.
    pulled = [f for f in product.den if expanded_sum_of_exp(f) is not None
              and _constant_along(f, axes, x.ndim)]
    if not pulled or not product.num:
        return None
    den = [f for f in product.den if not any(f is p for p in pulled)]
    inside = build(Product(product.sign, product.num, den, product.shapes), x)
    if inside is None:
        return None
    outside = mul(*[_squeezed(f, axes, x.ndim) for f in pulled])
    return fits(Sum(op.axis)(inside) / outside, old)
