"""Sparse inputs as Theano programs use them, with the word theano replaced by graphlens: the
sparse tutorial's example and the library reference's conversions (their printed results), a
logistic regression on a sparse bag-of-words trained with minibatch SGD (documents sliced from
a sparse shared dataset by `givens`), an MLP whose first layer reads the sparse input through
`T.dot` (as Lasagne's DenseLayer does) and a pruned sparse weight trained with structured
gradients (its pattern kept), and Keras-backend-style helpers. Our own program, run by
tests/test_theano_programs.py; every number is checked against numpy/scipy."""
import numpy as np
import scipy.sparse as sp

import graphlens as theano
import graphlens.tensor as T
from graphlens import sparse
import graphlens.sparse as S

floatX = theano.config.floatX
tol = 1e-10 if floatX == 'float64' else 2e-4      # float32 rounds each step

# ---- the tutorial's small example: a coo float32 matrix for a csr floatX input --------------
x = S.csr_matrix('x')
y = T.matrix('y')
z = S.dot(x, y)
f = theano.function([x, y], z)
a = sp.coo_matrix(([1] * 4, (range(4), [0, 1, 1, 0])), dtype=np.float32)
b = np.array([[10, 11], [12, 13]], dtype=np.float32)
print(f(a, b))
assert f(a, b).tolist() == [[10, 11], [12, 13], [12, 13], [10, 11]]

# ---- the library reference: to and fro, properties and construction ----------------------
x = sparse.csc_matrix(name='x', dtype='float32')
y = sparse.dense_from_sparse(x)
z = sparse.csc_from_dense(y)
f = theano.function([x], [y, z])
a = sp.csc_matrix(np.asarray([[0, 1, 1], [0, 0, 0], [1, 0, 0]], dtype='float32'))
dense_a, back = f(a)
assert isinstance(dense_a, np.ndarray) and dense_a.dtype == np.float32
assert sp.isspmatrix_csc(back) and (back != a).nnz == 0

x = sparse.csc_matrix(name='x', dtype='int64')
data, indices, indptr, shape = sparse.csm_properties(x)
y = sparse.CSR(data, indices, indptr, shape)
f = theano.function([x], y)
a = sp.csc_matrix(np.asarray([[0, 1, 1], [0, 0, 0], [1, 0, 0]]))
print(a.toarray())
print(f(a).toarray())
# The csc arrays read as csr give the transpose: the tutorial's printed result.
assert f(a).toarray().tolist() == [[0, 0, 1], [1, 0, 0], [1, 0, 0]]

x = sparse.csr_matrix(name='x', dtype='float32')
t = sparse.transpose(x)
print(t.type)
assert str(t.type) == "csc(float32)" and sparse.sparse_formats == ('csr', 'csc')


# ---- a bag-of-words corpus ---------------------------------------------------------------
rng = np.random.RandomState(1234)
n_docs, n_words, n_classes, batch_size = 240, 300, 3, 40
counts = rng.poisson(0.08, size=(n_docs, n_words)) * (rng.rand(n_docs, n_words) < 0.5)
planted = rng.randn(n_words, n_classes) * 2
labels = np.argmax(counts @ planted + 0.1 * rng.randn(n_docs, n_classes), axis=1)
docs = sp.csr_matrix(counts.astype(floatX))
print("corpus: %d documents, %d words, %.1f%% stored" % (n_docs, n_words,
                                                       100.0 * docs.nnz / counts.size))


class SparseLogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(np.zeros((n_in, n_out), dtype=floatX), name='W', borrow=True)
        self.b = theano.shared(np.zeros((n_out,), dtype=floatX), name='b', borrow=True)
        self.p_y_given_x = T.nnet.softmax(sparse.structured_dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))


train_x = theano.shared(docs, name='train_x')      # a sparse shared dataset
train_y = theano.shared(labels.astype('int32'), name='train_y')
index = T.lscalar('index')
x = sparse.csr_matrix('x')
y = T.ivector('y')
classifier = SparseLogisticRegression(x, n_words, n_classes)
cost = classifier.negative_log_likelihood(y)
learning_rate = 0.5
updates = [(p, p - learning_rate * T.grad(cost, p)) for p in classifier.params]
train_model = theano.function(
    [index], cost, updates=updates,
    givens={x: train_x[index * batch_size:(index + 1) * batch_size],
            y: train_y[index * batch_size:(index + 1) * batch_size]})
error_rate = theano.function([], classifier.errors(y), givens={x: train_x, y: train_y})


def numpy_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# The same SGD in numpy and scipy, step for step.
W_ref, b_ref = np.zeros((n_words, n_classes)), np.zeros(n_classes)
first_error = error_rate()
costs = []
for epoch in range(6):
    for i in range(n_docs // batch_size):
        costs.append(float(train_model(i)))
        batch = slice(i * batch_size, (i + 1) * batch_size)
        xb, yb = docs[batch], labels[batch]
        p = numpy_softmax(xb @ W_ref + b_ref)
        ref_cost = -np.mean(np.log(p[np.arange(len(yb)), yb]))
        assert abs(costs[-1] - ref_cost) < tol, (costs[-1], ref_cost)
        delta = p.copy()
        delta[np.arange(len(yb)), yb] -= 1
        delta /= len(yb)
        W_ref -= learning_rate * (xb.T @ delta)
        b_ref -= learning_rate * delta.sum(axis=0)
assert np.allclose(classifier.W.get_value(), W_ref, atol=tol)
assert np.allclose(classifier.b.get_value(), b_ref, atol=tol)
final_error = error_rate()
print("logistic regression: cost %.4f -> %.4f, training error %.3f -> %.3f"
      % (costs[0], costs[-1], first_error, final_error))
assert costs[-1] < 0.6 * costs[0] and final_error < first_error


# ---- an MLP on the sparse input, its first layer through T.dot (Lasagne's DenseLayer) -----
# The first layer's weight is a pruned sparse matrix read through dense_from_sparse, whose
# gradient is structured: the update W1 - lr * gW1 keeps W1's pattern.
n_hidden = 16
mask = rng.rand(n_words, n_hidden) < 0.3
W1_start = sp.csc_matrix((rng.randn(n_words, n_hidden) * 0.1 * mask).astype(floatX))
W1 = theano.shared(W1_start, name='W1')
W2 = theano.shared((rng.randn(n_hidden, n_classes) * 0.1).astype(floatX), name='W2')
b2 = theano.shared(np.zeros(n_classes, dtype=floatX), name='b2')
x = sparse.csr_matrix('x')
y = T.ivector('y')
hidden = T.tanh(T.dot(x, sparse.dense_from_sparse(W1)))
p_y = T.nnet.softmax(T.dot(hidden, W2) + b2)
mlp_cost = T.nnet.categorical_crossentropy(p_y, y).mean()
params = [W1, W2, b2]
grads = T.grad(mlp_cost, params)
assert grads[0].type == W1.type                   # a sparse gradient for the sparse weight
mlp_train = theano.function([x, y], mlp_cost,
                            updates=[(p, p - 1.0 * g) for p, g in zip(params, grads)])
W1_ref, W2_ref, b2_ref = W1_start.toarray(), W2.get_value(), b2.get_value()
mlp_costs = []
for epoch in range(6):
    for i in range(n_docs // batch_size):
        batch = slice(i * batch_size, (i + 1) * batch_size)
        xb, yb = docs[batch], labels[batch]
        mlp_costs.append(float(mlp_train(xb, yb.astype('int32'))))
        h = np.tanh(xb @ W1_ref)
        p = numpy_softmax(h @ W2_ref + b2_ref)
        assert abs(mlp_costs[-1] + np.mean(np.log(p[np.arange(len(yb)), yb]))) < tol
        delta = p.copy()
        delta[np.arange(len(yb)), yb] -= 1
        delta /= len(yb)
        dh = (delta @ W2_ref.T) * (1 - h ** 2)
        W1_ref -= 1.0 * np.where(mask, xb.T @ dh, 0)
        W2_ref -= 1.0 * h.T @ delta
        b2_ref -= 1.0 * delta.sum(axis=0)
W1_now = W1.get_value()
assert sp.isspmatrix_csc(W1_now) and W1_now.nnz == W1_start.nnz
assert np.allclose(W1_now.toarray(), W1_ref, atol=tol)
assert np.allclose(W2.get_value(), W2_ref, atol=tol)
print("sparse MLP: cost %.4f -> %.4f, W1 keeps %d stored weights"
      % (mlp_costs[0], mlp_costs[-1], W1_now.nnz))
assert mlp_costs[-1] < 0.8 * mlp_costs[0]


# ---- Keras-backend style ------------------------------------------------------------------
def is_sparse(tensor):
    return isinstance(tensor.type, sparse.SparseType)


def placeholder(ndim=2, dtype=floatX, is_sparse_input=False, name=None):
    if is_sparse_input:
        return sparse.csr_matrix(name=name, dtype=dtype)
    return T.TensorType(dtype, (False,) * ndim)(name)


def to_dense(tensor):
    return sparse.dense_from_sparse(tensor) if is_sparse(tensor) else tensor


def dot(x, y):
    return sparse.basic.structured_dot(x, y) if is_sparse(x) else T.dot(x, y)


inp = placeholder(is_sparse_input=True, name='inp')
kernel = theano.shared(rng.randn(n_words, 4).astype(floatX), name='kernel')
dense_out = dot(inp, kernel) + to_dense(inp).sum(axis=1, keepdims=True)
assert not is_sparse(dense_out) and inp.ndim == 2 and inp.dtype == floatX
keras_f = theano.function([inp], [dense_out, sparse.sp_sum(inp, axis=1)])
got, row_sums = keras_f(docs)
assert np.allclose(got, docs @ kernel.get_value() + docs.sum(axis=1))
assert np.allclose(row_sums, np.asarray(docs.sum(axis=1)).ravel())
print("keras-style dot of a sparse placeholder: %s" % (got.shape,))
