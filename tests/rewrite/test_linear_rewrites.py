"""Every rewrite rule fires a number of times linear in the graph's size (issue #23).

Counted, not timed: each graph is compiled at size n and 2n, and no rule may fire more than
about twice as often at 2n (a rule that rebuilds a chain once per link, or lifts a value one
step per pass down the whole graph, fires ~4x as often). The graphs are the shapes that made
rules quadratic before: a long chain, a long sum of distinct terms, and a random DAG with its
gradient (bench/dag.py at small sizes).
"""

import random

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad

# count(2n) <= RATIO * count(n) + slack. The slack allows for chance: the 2n-graph is not twice
# the n-graph, so a rule that fires a few times (neg_neg on a random DAG: 2, then 9) moves by a
# few standard deviations of its count; a quadratic rule's count leaves that far behind.
RATIO = 2.2


def slack(count):
    return 2 + 3 * count ** 0.5


def chain(n):
    """y = ((x * 1.5 + 1) * 1.5 + 1) ... : 2n elementwise ops in a line."""
    x = T.dvector("x")
    y = x
    for _ in range(n):
        y = y * 1.5 + 1.0
    return [x], [y]


def long_sum(n):
    """x0 + x1 + ... + x(n-1) over n distinct vectors, as users write it."""
    xs = [T.dvector(f"x{i}") for i in range(n)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    return xs, [total]


def chain_with_gradient(n):
    """y = tanh(y) * 0.9, n times, the cost the sum of every 8th y, and its gradient: each sum's
    gradient reads its y's shape (a fill) from n / 8 to n ops deep."""
    x = T.dvector("x")
    y, terms = x, []
    for step in range(n):
        y = T.tanh(y) * 0.9
        if step % 8 == 7:
            terms.append(T.sum(y))
    cost = T.add(*terms)
    return [x], [cost, grad(cost, x)]


def dag_with_gradient(n, seed=0):
    """`n` elementwise ops over four vectors, each reading one or two of the three values made
    just before it (deep, as big DAGs are: a rule walking down it per node is then quadratic),
    the cost a sum of values, and its gradient (bench/dag.py's graph, narrower)."""
    rng = random.Random(seed)
    inputs = [T.dvector(name) for name in "abcd"]
    values = inputs + [T.tanh(T.add(*inputs))]       # every input is read
    unread = {values[-1]: None}
    unary = (T.tanh, T.sin, T.nnet.sigmoid, T.neg, T.exp)
    binary = (T.add, T.mul, T.maximum, T.sub)
    for _ in range(n):
        recent = values[-3:]          # narrow: the DAG is deep, as big ones are
        first = rng.choice(recent)
        if rng.random() < 0.4:
            args, value = (first,), rng.choice(unary)(first)
        elif rng.random() < 0.2:
            args, value = (first,), first * 0.5
        else:
            second = rng.choice(recent)
            args, value = (first, second), rng.choice(binary)(first, second)
        for arg in args:
            unread.pop(arg, None)
        values.append(value)
        unread[value] = None
    # Every 8th value is summed into the cost too: the number of sums (each one's gradient is a
    # fill) grows with n, as does the depth below them.
    terms = dict.fromkeys([var for var in unread if var.owner is not None] + values[5::8])
    cost = T.add(*[T.sum(var) for var in terms])
    return inputs, [cost] + grad(cost, inputs)


def firings(build, n):
    """{rule name: replacements} compiling `build(n)` in FAST_RUN."""
    inputs, outputs = build(n)
    return function(inputs, outputs).rewrite_log.counts()


@pytest.mark.parametrize("build, n", [(chain, 150), (long_sum, 200), (chain_with_gradient, 300),
                                      (dag_with_gradient, 300)],
                         ids=["chain", "sum", "chain+grad", "dag+grad"])
def test_each_rule_fires_a_number_of_times_linear_in_the_graph(build, n):
    small, large = firings(build, n), firings(build, 2 * n)
    assert large, "nothing was rewritten: the graph does not exercise the rules"
    too_many = {rule: (small.get(rule, 0), count) for rule, count in large.items()
                if count > RATIO * small.get(rule, 0) + slack(count)}
    assert not too_many, f"rules firing faster than the graph grows (n, 2n): {too_many}"


def test_the_dag_exercises_the_rules_it_is_meant_to():
    # The linear-count test above means something only if these rules do fire on the DAG.
    counts = firings(dag_with_gradient, 300)
    for rule in ("merge", "fuse_elementwise", "elementwise_inplace"):
        assert counts.get(rule, 0) > 10, (rule, counts)


def test_a_lifted_fill_still_computes_the_same_gradient():
    # fill(x, g) no longer lifts through values other nodes read; the numbers must not move.
    inputs, outputs = dag_with_gradient(120, seed=3)
    fast, plain = function(inputs, outputs), function(inputs, outputs, mode="NONE")
    data = [np.random.default_rng(i).uniform(-0.5, 0.5, 7) for i in range(4)]
    for got, want in zip(fast(*data), plain(*data)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
