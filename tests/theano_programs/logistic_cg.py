"""The deeplearning.net logistic regression by conjugate gradients (logistic_cg.py), the word
theano replaced by graphlens: the parameters as one flat shared vector theta, W and b as a
reshaped slice and a slice of it, cost and gradient functions over minibatches by givens from a
symbolic offset, and scipy.optimize.fmin_cg driving them through theta.set_value(borrow=True).
Synthetic data (three gaussian blobs). Run by tests/test_theano_programs.py."""
import numpy
import scipy.optimize
import graphlens as theano
import graphlens.tensor as T


class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.theta = theano.shared(value=numpy.zeros(n_in * n_out + n_out,
                                                     dtype=theano.config.floatX),
                                   name='theta', borrow=True)
        self.W = self.theta[0:n_in * n_out].reshape((n_in, n_out))
        self.b = self.theta[n_in * n_out:n_in * n_out + n_out]
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))


def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
    shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')


data_rng = numpy.random.RandomState(6)
centers = data_rng.normal(scale=1.0, size=(3, 10))


def blobs(n):
    labels = data_rng.randint(0, 3, size=n)
    return centers[labels] + data_rng.normal(size=(n, 10)), labels


(train_set_x, train_set_y), (valid_set_x, valid_set_y) = [shared_dataset(blobs(n)) for n in (300, 100)]
batch_size, n_in, n_out = 50, 10, 3
n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
n_valid_batches = valid_set_x.get_value(borrow=True).shape[0] // batch_size
minibatch_offset = T.lscalar()
x = T.matrix()
y = T.ivector()
classifier = LogisticRegression(input=x, n_in=n_in, n_out=n_out)
cost = classifier.negative_log_likelihood(y).mean()
validate_model = theano.function([minibatch_offset], classifier.errors(y), givens={
    x: valid_set_x[minibatch_offset:minibatch_offset + batch_size],
    y: valid_set_y[minibatch_offset:minibatch_offset + batch_size]}, name="validate")
batch_cost = theano.function([minibatch_offset], cost, givens={
    x: train_set_x[minibatch_offset:minibatch_offset + batch_size],
    y: train_set_y[minibatch_offset:minibatch_offset + batch_size]}, name="batch_cost")
batch_grad = theano.function([minibatch_offset], T.grad(cost, classifier.theta), givens={
    x: train_set_x[minibatch_offset:minibatch_offset + batch_size],
    y: train_set_y[minibatch_offset:minibatch_offset + batch_size]}, name="batch_grad")


def train_fn(theta_value):
    classifier.theta.set_value(theta_value, borrow=True)
    return numpy.mean([batch_cost(i * batch_size) for i in range(n_train_batches)])


def train_fn_grad(theta_value):
    classifier.theta.set_value(theta_value, borrow=True)
    grad = batch_grad(0)
    for i in range(1, n_train_batches):
        grad += batch_grad(i * batch_size)
    return grad / n_train_batches


validation_scores = [numpy.inf]


def callback(theta_value):
    classifier.theta.set_value(theta_value, borrow=True)
    loss = numpy.mean([validate_model(i * batch_size) for i in range(n_valid_batches)])
    print('validation error %f %%' % (loss * 100.,))
    validation_scores[0] = min(validation_scores[0], loss)


# The gradient of the flat theta is the finite differences' (it flows back through the
# reshape of a slice and the slice of the same shared vector).
theta0 = numpy.random.RandomState(0).normal(scale=0.1, size=(n_in + 1) * n_out)
g = train_fn_grad(theta0.copy())
for k in (0, 7, n_in * n_out + 1):
    e = numpy.zeros_like(theta0)
    e[k] = 1e-6
    numeric = (train_fn(theta0 + e) - train_fn(theta0 - e)) / 2e-6
    assert abs(numeric - g[k]) < 1e-6, (k, numeric, g[k])
start_cost = train_fn(numpy.zeros((n_in + 1) * n_out, dtype=x.dtype))
best_w_b = scipy.optimize.fmin_cg(f=train_fn, x0=numpy.zeros((n_in + 1) * n_out, dtype=x.dtype),
                                  fprime=train_fn_grad, callback=callback, disp=0, maxiter=10)
end_cost = train_fn(best_w_b)
print('cost', start_cost, '->', end_cost, 'best validation error', validation_scores[0])
assert numpy.isclose(start_cost, numpy.log(3)) and end_cost < 0.5 * start_cost
assert validation_scores[0] < 0.15
