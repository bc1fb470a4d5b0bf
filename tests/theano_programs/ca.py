"""The deeplearning.net contractive autoencoder tutorial (cA.py), the word theano replaced by
graphlens: the Jacobian of the hidden layer written out by hand with T.reshape to
(batch, 1, hidden) * (1, visible, hidden) broadcasting, its squared Frobenius norm T.sum(J ** 2)
as the penalty, tied weights (W.T), `if input == None`, a function returning
[T.mean(L_rec), L_jacob] whose results are stacked by numpy.vstack. Synthetic binary data.
The hand-written Jacobian is checked against T.jacobian. Run by tests/test_theano_programs.py."""
import numpy
import graphlens as theano
import graphlens.tensor as T


class cA(object):
    def __init__(self, numpy_rng, input=None, n_visible=784, n_hidden=100, n_batchsize=1,
                 W=None, bhid=None, bvis=None):
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        self.n_batchsize = n_batchsize
        if not W:
            initial_W = numpy.asarray(numpy_rng.uniform(
                low=-4 * numpy.sqrt(6. / (n_hidden + n_visible)),
                high=4 * numpy.sqrt(6. / (n_hidden + n_visible)),
                size=(n_visible, n_hidden)), dtype=theano.config.floatX)
            W = theano.shared(value=initial_W, name='W', borrow=True)
        if not bvis:
            bvis = theano.shared(value=numpy.zeros(n_visible, dtype=theano.config.floatX),
                                 borrow=True)
        if not bhid:
            bhid = theano.shared(value=numpy.zeros(n_hidden, dtype=theano.config.floatX),
                                 name='b', borrow=True)
        self.W = W
        self.b = bhid
        self.b_prime = bvis
        self.W_prime = self.W.T
        if input == None:  # noqa: E711 (the tutorial's test)
            self.x = T.dmatrix(name='input')
        else:
            self.x = input
        self.params = [self.W, self.b, self.b_prime]

    def get_hidden_values(self, input):
        return T.nnet.sigmoid(T.dot(input, self.W) + self.b)

    def get_jacobian(self, hidden, W):
        return T.reshape(hidden * (1 - hidden), (self.n_batchsize, 1, self.n_hidden)) * T.reshape(
            W, (1, self.n_visible, self.n_hidden))

    def get_reconstructed_input(self, hidden):
        return T.nnet.sigmoid(T.dot(hidden, self.W_prime) + self.b_prime)

    def get_cost_updates(self, contraction_level, learning_rate):
        y = self.get_hidden_values(self.x)
        z = self.get_reconstructed_input(y)
        J = self.get_jacobian(y, self.W)
        self.J = J
        self.L_rec = - T.sum(self.x * T.log(z) + (1 - self.x) * T.log(1 - z), axis=1)
        self.L_jacob = T.sum(J ** 2) / self.n_batchsize
        cost = T.mean(self.L_rec) + contraction_level * T.mean(self.L_jacob)
        gparams = T.grad(cost, self.params)
        updates = []
        for param, gparam in zip(self.params, gparams):
            updates.append((param, param - learning_rate * gparam))
        return (cost, updates)


data_rng = numpy.random.RandomState(4)
prototypes = (data_rng.uniform(size=(5, 30)) < 0.4).astype(float)
labels = data_rng.randint(0, 5, size=200)
data = numpy.abs(prototypes[labels] - (data_rng.uniform(size=(200, 30)) < 0.05))
train_set_x = theano.shared(numpy.asarray(data, dtype=theano.config.floatX), borrow=True)
batch_size = 10
n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
index = T.lscalar()
x = T.matrix('x')
rng = numpy.random.RandomState(123)
ca = cA(numpy_rng=rng, input=x, n_visible=30, n_hidden=20, n_batchsize=batch_size)
cost, updates = ca.get_cost_updates(contraction_level=.1, learning_rate=0.05)

# The hand-written Jacobian is T.jacobian's: J[n, i, j] = d h[n, j] / d x[n, i].
x1 = T.vector('x1')
h1 = ca.get_hidden_values(x1)
jac = theano.function([x1], T.jacobian(h1, x1))       # (hidden, visible)
J_hand = theano.function([x], ca.J)(data[:batch_size])
for n in range(3):
    assert numpy.allclose(J_hand[n], jac(data[n]).T), n
# The contraction penalty is the squared Frobenius norm of the per-example Jacobians.
L_j = theano.function([x], ca.L_jacob)(data[:batch_size])
assert numpy.isclose(L_j, sum((jac(row) ** 2).sum() for row in data[:batch_size]) / batch_size)

# Its gradient in W (through the hidden values and W itself) against finite differences.
xs = T.constant(data[:4, :6])


def penalty(Wv):
    h = T.nnet.sigmoid(T.dot(xs, Wv))
    return T.sum((T.reshape(h * (1 - h), (4, 1, 5)) * T.reshape(Wv, (1, 6, 5))) ** 2)


theano.gradient.verify_grad(penalty, [rng.uniform(-1, 1, size=(6, 5))],
                            rng=numpy.random.RandomState(0))

train_ca = theano.function([index], [T.mean(ca.L_rec), ca.L_jacob], updates=updates,
                           givens={x: train_set_x[index * batch_size: (index + 1) * batch_size]})
epochs = []
for epoch in range(8):
    c = []
    for batch_index in range(n_train_batches):
        c.append(train_ca(batch_index))
    c_array = numpy.vstack(c)
    epochs.append((numpy.mean(c_array[:, 0]), numpy.mean(numpy.sqrt(c_array[:, 1]))))
    print('Training epoch %d, reconstruction cost ' % epoch, epochs[-1][0],
          ' jacobian norm ', epochs[-1][1])
assert c_array.shape == (n_train_batches, 2)
assert epochs[-1][0] < 0.7 * epochs[0][0], epochs
assert all(numpy.isfinite(epochs).ravel())
