"""A Theano 1.0 program with the word theano replaced by graphlens, run unchanged by
tests/test_theano_programs.py: layer-by-layer back-propagation with theano.subgraph_grad (as
Theano's own TestSubgraphGrad did), the result checked by theano.gradient.numeric_grad, a custom
op printed through theano.printing.pprint.assign, the training function reproduced from a
theano.function_dump file, and a sampled sparse product (theano.sparse.sampling_dot)."""
import os
import pickle
from collections import OrderedDict

import numpy as np
import graphlens
import graphlens.tensor as T
from graphlens import printing, sparse
from graphlens.gradient import numeric_grad

# --- subgraph_grad: the two-layer net of Theano's docstring, one layer at a time ----------------
x = T.fvector('x')
t = T.fvector('t')
w1 = graphlens.shared(np.random.RandomState(0).randn(3, 4), name='w1')
w2 = graphlens.shared(np.random.RandomState(1).randn(4, 2), name='w2')
a1 = T.tanh(T.dot(x, w1))
a2 = T.tanh(T.dot(a1, w2))
cost2 = T.sqr(a2 - t).sum()
cost2 += T.sqr(w2.sum())
cost1 = T.sqr(w1.sum())

params = [[w2], [w1]]
costs = [cost2, cost1]
grad_ends = [[a1], [x]]
inputs = [t, x]
rng = np.random.RandomState([2012, 11, 15])
values = [rng.randn(2), rng.randn(3)]
# Theano's test cast with np.cast, which numpy 2 removed.
values = [np.asarray(value, dtype=ipt.dtype) for ipt, value in zip(inputs, values)]

wrt = [w2, w1]
cost = cost2 + cost1
true_grads = graphlens.function(inputs, graphlens.grad(cost, wrt))(*values)

next_grad = None
param_grads = []
for i in range(2):
    param_grad, next_grad = graphlens.subgraph_grad(
        wrt=params[i], end=grad_ends[i], start=next_grad, cost=costs[i])
    next_grad = OrderedDict(zip(grad_ends[i], next_grad))
    param_grads.extend(param_grad)
pgrads = graphlens.function(inputs, param_grads)(*values)
for true_grad, pgrad in zip(true_grads, pgrads):
    assert np.sum(np.abs(true_grad - pgrad)) < 0.00001
print("subgraph_grad matches grad:", [g.shape for g in pgrads])

# --- numeric_grad: the same gradient by finite differences over w1, w2 as inputs --------------
W1, W2 = T.dmatrix('W1'), T.dmatrix('W2')
whole = graphlens.clone(cost, replace={w1: W1, w2: W2})
f_cost = graphlens.function([W1, W2] + inputs, whole)
num = numeric_grad(lambda a, b: f_cost(a, b, *values), [w1.get_value(), w2.get_value()])
max_arg, max_pos, abs_err, rel_err = num.max_err([pgrads[1], pgrads[0]], 1e-3, 1e-3)
assert abs_err < 1e-3 or rel_err < 1e-3, (max_arg, max_pos, abs_err, rel_err)
print("numeric_grad agrees: worst abs err %.2e" % abs_err)


# --- pprint.assign: a custom op prints by its own name -----------------------------------------
class ScaledTanh(graphlens.Op):
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = 1.7159 * np.tanh(inputs[0] * 2.0 / 3)

    def grad(self, inputs, output_grads):
        y = self(inputs[0])
        return [output_grads[0] * (1.7159 - y * y / 1.7159) * 2.0 / 3]


scaled_tanh = ScaledTanh()
printing.pprint.assign(scaled_tanh, printing.FunctionPrinter('lecun_tanh'))
h = T.dmatrix('h')
print(printing.pprint(scaled_tanh(T.dot(h, W1)) + 1))
assert printing.pprint(scaled_tanh(h) * 2) == "lecun_tanh(h) * 2.0"

# --- function_dump: the training step pickled, then compiled from the file --------------------
lr = np.float32(0.01)   # cost1 = (sum of 12 weights)**2 has curvature 24: a small step
updates = [(w2, w2 - lr * param_grads[0]), (w1, w1 - lr * param_grads[1])]
path = os.path.join(os.environ.get("PROGRAM_OUT", "."), "func_dump.bin")
graphlens.function_dump(path, inputs, cost, updates=updates, allow_input_downcast=True)
d = pickle.load(open(path, "rb"))
train = graphlens.function(**d)
losses = [float(train(*values)) for _ in range(20)]
assert losses[-1] < losses[0], losses
print("reloaded train step: cost %.4f -> %.4f" % (losses[0], losses[-1]))

# --- sampling_dot: only the scores of observed (user, item) pairs ------------------------------
users, items = T.dmatrix('users'), T.dmatrix('items')
observed = sparse.csr_matrix('observed')
scores = sparse.sampling_dot(users, items, observed)
f_scores = graphlens.function([users, items, observed], scores)
U, V = rng.randn(5, 3), rng.randn(6, 3)
mask = (rng.rand(5, 6) < 0.3).astype('float64')
import scipy.sparse as sp
got = f_scores(U, V, sp.csr_matrix(mask))
assert np.allclose(got.toarray(), mask * U.dot(V.T))
print("sampling_dot stored", got.nnz, "scores of", mask.size)
