"""The expressions and functions whose pp and debugprint outputs are kept in tests/render/golden/.

The Theano tutorial models (logistic regression, the deeplearning.net MLP, the sgn autoencoder of
the seed notes), their gradients and their compiled functions, plus one case per printing form.
Most functions are compiled with mode='NONE' so the goldens show the graphs as built; the
`*_fast_run` cases show the same training functions after the default rewrites.

Each case is a function returning what to print; `CASES` lists them by name. `LATEX_CASES` are
printed by pp with latex=True only.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

import graphlens.tensor as T
from graphlens import config, function, grad, hessian, shared
from graphlens.gradient import straight_through

CASES = {}
LATEX_CASES = {}
GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GRAPHLENS_UPDATE_GOLDEN") == "1"


def check_golden(kind: str, name: str, text: str):
    """Compare `text` with golden/<kind>/<name>.txt exactly; GRAPHLENS_UPDATE_GOLDEN=1 rewrites
    the file instead (then read the diff before committing it)."""
    path = GOLDEN_DIR / kind / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run with GRAPHLENS_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{kind} of {name} differs from {path}"


def case(function_=None, *, latex=False):
    """Register a golden case under its function's name."""
    def register(build):
        (LATEX_CASES if latex else CASES)[build.__name__] = build
        return build
    return register(function_) if function_ is not None else register


# -- logistic regression (Theano tutorial, "A Real Example") ------------------------------------

@functools.lru_cache(maxsize=None)
def logreg():
    """The tutorial's model, with 5 features instead of 784 (the graph is the same)."""
    rng = np.random.RandomState(0)
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = shared(rng.randn(5), name="w")
    b = shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = grad(cost, [w, b])
    return dict(x=x, y=y, w=w, b=b, p_1=p_1, prediction=prediction, xent=xent, cost=cost,
                gw=gw, gb=gb)


@case
def logreg_p_1():
    return logreg()["p_1"]


@case
def logreg_prediction():
    return logreg()["prediction"]


@case
def logreg_xent():
    return logreg()["xent"]


@case
def logreg_cost():
    return logreg()["cost"]


@case
def logreg_grad_w():
    return logreg()["gw"]


@case
def logreg_grad_b():
    return logreg()["gb"]


@case
def logreg_train():
    m = logreg()
    return function([m["x"], m["y"]], [m["prediction"], m["xent"]], mode="NONE",
                    updates=[(m["w"], m["w"] - 0.1 * m["gw"]), (m["b"], m["b"] - 0.1 * m["gb"])])


@case
def logreg_predict():
    m = logreg()
    return function([m["x"]], m["prediction"], mode="NONE")


# -- multilayer perceptron (deeplearning.net tutorial), float32 ---------------------------------

@functools.lru_cache(maxsize=None)
def mlp():
    """tanh hidden layer, softmax output, NLL of int labels, L1 and L2 penalties."""
    # Built under floatX=float32, as the tutorial runs: its Python float literals (0.0001, the
    # learning rate) are then float32 and the updates keep the parameters' dtype.
    with config.change_flags(floatX="float32"):
        return _mlp_float32()


def _mlp_float32():
    rng = np.random.RandomState(1234)
    x = T.fmatrix("x")
    y = T.ivector("y")
    W1 = shared(rng.uniform(-0.1, 0.1, (784, 500)).astype("float32"), name="W1")
    b1 = shared(np.zeros(500, "float32"), name="b1")
    W2 = shared(np.zeros((500, 10), "float32"), name="W2")
    b2 = shared(np.zeros(10, "float32"), name="b2")
    hidden = T.tanh(T.dot(x, W1) + b1)
    p_y_given_x = T.nnet.softmax(T.dot(hidden, W2) + b2)
    y_pred = T.argmax(p_y_given_x, axis=1)
    nll = -T.mean(T.log(p_y_given_x)[T.arange(y.shape[0]), y])
    errors = T.mean(T.neq(y_pred, y))
    l1 = abs(W1).sum() + abs(W2).sum()
    l2_sqr = (W1 ** 2).sum() + (W2 ** 2).sum()
    cost = nll + 0.00 * l1 + 0.0001 * l2_sqr
    params = [W1, b1, W2, b2]
    grads = grad(cost, params)
    return dict(x=x, y=y, params=params, hidden=hidden, p_y_given_x=p_y_given_x,
                y_pred=y_pred, nll=nll, errors=errors, cost=cost, grads=grads)


def _mlp_updates(m):
    """SGD with learning rate 0.01, a float32 literal under the tutorial's floatX=float32."""
    with config.change_flags(floatX="float32"):
        return [(p, p - 0.01 * g) for p, g in zip(m["params"], m["grads"])]


@case
def mlp_hidden():
    return mlp()["hidden"]


@case
def mlp_p_y_given_x():
    return mlp()["p_y_given_x"]


@case
def mlp_y_pred():
    return mlp()["y_pred"]


@case
def mlp_nll():
    return mlp()["nll"]


@case
def mlp_errors():
    return mlp()["errors"]


@case
def mlp_cost():
    return mlp()["cost"]


@case
def mlp_grad_W1():
    return mlp()["grads"][0]


@case
def mlp_grad_b1():
    return mlp()["grads"][1]


@case
def mlp_grad_W2():
    return mlp()["grads"][2]


@case
def mlp_grads():
    return list(mlp()["grads"])


@case
def mlp_train():
    m = mlp()
    updates = _mlp_updates(m)
    return function([m["x"], m["y"]], m["cost"], updates=updates, mode="NONE")


@case
def mlp_test():
    m = mlp()
    return function([m["x"], m["y"]], m["errors"], mode="NONE")


# -- the sgn autoencoder of the seed notes: L = ||sgn(X W1) W2 - X||^2 --------------------------

@functools.lru_cache(maxsize=None)
def sgn_autoencoder():
    """Binary code by sgn (its gradient is zero, so the encoder never learns) and the
    straight-through repair."""
    rng = np.random.RandomState(0)
    X = T.dmatrix("X")
    W1 = shared(rng.randn(8, 4) * 0.5, name="W1")
    W2 = shared(rng.randn(4, 8) * 0.5, name="W2")
    code = T.sgn(T.dot(X, W1))
    cost = T.sqr(T.dot(code, W2) - X).sum(axis=1).mean()
    projection = T.dot(X, W1)
    fixed_cost = T.sqr(T.dot(straight_through(T.sgn(projection), projection), W2) - X).sum(
        axis=1).mean()
    return dict(X=X, W1=W1, W2=W2, code=code, cost=cost, grads=grad(cost, [W1, W2]),
                fixed_cost=fixed_cost, fixed_grad=grad(fixed_cost, W1))


@case
def sgn_code():
    return sgn_autoencoder()["code"]


@case
def sgn_cost():
    return sgn_autoencoder()["cost"]


@case
def sgn_grad_W1():
    return sgn_autoencoder()["grads"][0]


@case
def sgn_grad_W2():
    return sgn_autoencoder()["grads"][1]


@case
def sgn_train():
    m = sgn_autoencoder()
    updates = [(p, p - 0.05 * g) for p, g in zip([m["W1"], m["W2"]], m["grads"])]
    return function([m["X"]], m["cost"], updates=updates, mode="NONE")


@case
def sgn_straight_through_grad_W1():
    return sgn_autoencoder()["fixed_grad"]


# -- the training functions after the default rewrites (FAST_RUN) ---------------------------------

@case
def logreg_train_fast_run():
    m = logreg()
    return function([m["x"], m["y"]], [m["prediction"], m["xent"]],
                    updates=[(m["w"], m["w"] - 0.1 * m["gw"]), (m["b"], m["b"] - 0.1 * m["gb"])])


@case
def mlp_train_fast_run():
    m = mlp()
    updates = _mlp_updates(m)
    return function([m["x"], m["y"]], m["cost"], updates=updates)


@case
def sgn_train_fast_run():
    m = sgn_autoencoder()
    updates = [(p, p - 0.05 * g) for p, g in zip([m["W1"], m["W2"]], m["grads"])]
    return function([m["X"]], m["cost"], updates=updates)


# -- one case per printing form -------------------------------------------------------------------

@case
def form_precedence():
    a, b, c, d = T.dscalars("a", "b", "c", "d")
    return [a + b * c, (a + b) * c, a - (b - c), (a - b) - c, a + (b - c), a / (b * c),
            a ** b ** c, (a ** b) ** c, -a ** 2, (-a) ** 2, a ** -b, -(-a), a - (-b),
            (a < b) & (c >= d), a * (b / c), T.eq(a > b, c > d), a + b + c + d]


@case
def form_products():
    m, n = T.dmatrices("m", "n")
    v = T.dvector("v")
    return [m @ n, m @ v, v @ m, (m * n) @ n, m * (n @ n), m @ n * m, m @ (n @ m), -(m @ n)]


@case
def form_indexing():
    x = T.fmatrix("x")
    i = T.lscalar("i")
    p = T.fmatrix("p")
    labels = T.ivector("labels")
    return [x[1:3, ::2], x[i], x[i:, -1], x[:, None, 0], p[T.arange(p.shape[0]), labels],
            T.set_subtensor(x[1:3], 0.0), T.inc_subtensor(p[T.arange(p.shape[0]), labels], 1.0)]


@case
def form_shapes():
    x = T.ftensor3("x")
    v = T.fvector("v")
    m = T.fmatrix("m")
    return [m.T, x.transpose(1, 0, 2), x.dimshuffle(2, "x", 0, 1), v[:, None], v[None, :],
            v.dimshuffle("x", 0, "x"), T.flatten(x, 2), m.reshape((2, -1)), x.shape[0],
            T.concatenate([m, m], axis=1), T.stack([v, v])]


@case
def form_reductions():
    m = T.fmatrix("m")
    return [m.sum(), m.sum(axis=1), m.sum(axis=0, keepdims=True), m.mean(axis=0), m.max(axis=1),
            T.argmax(m, axis=1), m.var(axis=1), T.prod(m), m.std()]


@case
def form_functions():
    x, y = T.dvectors("x", "y")
    return [T.exp(x), T.log1p(x), T.sqrt(x), abs(x), T.sqr(x), T.nnet.sigmoid(x),
            T.nnet.softplus(x), T.nnet.relu(x), T.maximum(x, y), T.clip(x, 0, 1),
            T.switch(x > 0, x, 0.1 * x), T.cast(x, "int32"), T.tanh(x).astype("float32")]


@case
def form_constants():
    x = T.fvector("x")
    small = T.constant(np.arange(4, dtype="float32"))
    large = T.constant(np.ones((3, 4), dtype="float32"))
    m = T.fmatrix("m")
    return [x * 2, x + 0.5, 2 ** x, x - (-1), x * small, m @ large, x ** np.float32(3.5),
            T.constant(7), T.constant(np.int8(-3)) + T.bscalar("k")]


@case
def form_unnamed():
    a, b = T.dmatrix(), T.dmatrix()
    s = shared(np.ones(3), name=None)
    v1 = T.dvector("v1")
    return [a @ b + a, s + v1 + T.dvector()]


@case
def form_named_intermediate():
    x = T.dvector("x")
    h = T.tanh(x * 3)
    h.name = "h"
    return h * h + T.exp(h)


@case
def form_shared_subexpression():
    x = T.dmatrix("x")
    W = T.dmatrix("W")
    z = T.dot(x, W)
    s = T.nnet.sigmoid(z)
    return (s * (1 - s)).sum() + z.sum()


@case
def form_hessian():
    x = T.dvector("x")
    return hessian((x ** 3).sum(), x)


@case
def form_grad_of_square():
    x = T.dscalar("x")
    return grad(x ** 2, x)


@case
def softmax_xent_onehot():
    z = T.fmatrix("z")
    target = T.fmatrix("target")
    return T.nnet.categorical_crossentropy(T.nnet.softmax(z), target).mean()


@case(latex=True)
def latex_logreg_p_1():
    return logreg()["p_1"]


@case(latex=True)
def latex_logreg_cost():
    return logreg()["cost"]


@case(latex=True)
def latex_mlp_cost():
    return mlp()["cost"]


@case(latex=True)
def latex_mlp_grad_W2():
    return mlp()["grads"][2]


@case(latex=True)
def latex_forms():
    x, y = T.dvectors("x", "y")
    alpha = T.dscalar("alpha")
    W1 = T.dmatrix("W1")
    return [T.sqrt(alpha) / (1 + abs(x)), T.sqr(x + y) ** 0.5, W1.T.sum(axis=0), x[1:3],
            (x < y) & (y <= 2.0), -(x - y), T.exp(-x) * y % 3]


# -- a 100,000-node graph --------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def big_graph(n_nodes=100_000):
    """(output, counts) of an n-node graph: a deep chain alternating `tanh(.)` and `. + v` for the
    first half, then steps of `tanh`, `+ v`, `-` and `. * .` (a result used twice, so it is
    bound to a name). Built with Apply on the real ops: make_node's checks would take most of
    the test's time, and the printers only read the graph."""
    from graphlens.graph.basic import Apply
    from graphlens.tensor.math import Add, Mul, Neg, Tanh
    v = T.dvector("v")
    vector = v.type
    ops = {"tanh": Tanh(), "add": Add(), "neg": Neg(), "mul": Mul()}
    counts = dict.fromkeys(ops, 0)
    out = v
    for position in range(n_nodes):
        if position < n_nodes // 2:
            kind = "tanh" if position % 2 else "add"
        else:
            kind = ("tanh", "add", "neg", "mul")[position % 4]
        inputs = {"tanh": [out], "neg": [out], "add": [out, v], "mul": [out, out]}[kind]
        out = Apply(ops[kind], inputs, [vector()]).outputs[0]
        counts[kind] += 1
    return out, counts
