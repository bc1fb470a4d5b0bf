"""The deeplearning.net multilayer perceptron tutorial (mlp.py), the word theano replaced by
graphlens: HiddenLayer (tanh, or sigmoid with weights 4x larger), LogisticRegression on top, the
L1 and L2 penalties, gradients of the whole cost in one T.grad, minibatches by givens from
shared datasets (labels cast to int32), and early stopping on a validation set. Synthetic data
(three gaussian blobs in 20 dimensions) instead of MNIST. Run by tests/test_theano_programs.py."""
import numpy
import graphlens as theano
import graphlens.tensor as T


class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX),
                               name='W', borrow=True)
        self.b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX),
                               name='b', borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        if y.ndim != self.y_pred.ndim:
            raise TypeError('y should have the same shape as self.y_pred',
                            ('y', y.type, 'y_pred', self.y_pred.type))
        if y.dtype.startswith('int'):
            return T.mean(T.neq(self.y_pred, y))
        raise NotImplementedError()


class HiddenLayer(object):
    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):
        self.input = input
        if W is None:
            W_values = numpy.asarray(rng.uniform(low=-numpy.sqrt(6. / (n_in + n_out)),
                                                 high=numpy.sqrt(6. / (n_in + n_out)),
                                                 size=(n_in, n_out)), dtype=theano.config.floatX)
            if activation == theano.tensor.nnet.sigmoid:
                W_values *= 4
            W = theano.shared(value=W_values, name='W', borrow=True)
        if b is None:
            b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX),
                              name='b', borrow=True)
        self.W = W
        self.b = b
        lin_output = T.dot(input, self.W) + self.b
        self.output = (lin_output if activation is None else activation(lin_output))
        self.params = [self.W, self.b]


class MLP(object):
    def __init__(self, rng, input, n_in, n_hidden, n_out):
        self.hiddenLayer = HiddenLayer(rng=rng, input=input, n_in=n_in, n_out=n_hidden,
                                       activation=T.tanh)
        self.logRegressionLayer = LogisticRegression(input=self.hiddenLayer.output,
                                                     n_in=n_hidden, n_out=n_out)
        self.L1 = abs(self.hiddenLayer.W).sum() + abs(self.logRegressionLayer.W).sum()
        self.L2_sqr = (self.hiddenLayer.W ** 2).sum() + (self.logRegressionLayer.W ** 2).sum()
        self.negative_log_likelihood = self.logRegressionLayer.negative_log_likelihood
        self.errors = self.logRegressionLayer.errors
        self.params = self.hiddenLayer.params + self.logRegressionLayer.params
        self.input = input


def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
    shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')


def blobs(rng, n, centers):
    labels = rng.randint(0, len(centers), size=n)
    return centers[labels] + rng.normal(scale=1.0, size=(n, centers.shape[1])), labels


data_rng = numpy.random.RandomState(5)
centers = data_rng.normal(scale=0.7, size=(3, 20))
datasets = [shared_dataset(blobs(data_rng, n, centers)) for n in (400, 100, 100)]
(train_set_x, train_set_y), (valid_set_x, valid_set_y), (test_set_x, test_set_y) = datasets

learning_rate, L1_reg, L2_reg, batch_size = 0.05, 0.00, 0.0001, 20
n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
n_valid_batches = valid_set_x.get_value(borrow=True).shape[0] // batch_size
n_test_batches = test_set_x.get_value(borrow=True).shape[0] // batch_size
index = T.lscalar()
x = T.matrix('x')
y = T.ivector('y')
rng = numpy.random.RandomState(1234)
classifier = MLP(rng=rng, input=x, n_in=20, n_hidden=30, n_out=3)
cost = (classifier.negative_log_likelihood(y) + L1_reg * classifier.L1
        + L2_reg * classifier.L2_sqr)
test_model = theano.function(inputs=[index], outputs=classifier.errors(y), givens={
    x: test_set_x[index * batch_size:(index + 1) * batch_size],
    y: test_set_y[index * batch_size:(index + 1) * batch_size]})
validate_model = theano.function(inputs=[index], outputs=classifier.errors(y), givens={
    x: valid_set_x[index * batch_size:(index + 1) * batch_size],
    y: valid_set_y[index * batch_size:(index + 1) * batch_size]})
gparams = [T.grad(cost, param) for param in classifier.params]
updates = [(param, param - learning_rate * gparam)
           for param, gparam in zip(classifier.params, gparams)]
train_model = theano.function(inputs=[index], outputs=cost, updates=updates, givens={
    x: train_set_x[index * batch_size: (index + 1) * batch_size],
    y: train_set_y[index * batch_size: (index + 1) * batch_size]})

# The penalties are numpy's on the initial weights; the int32 labels are the float ones cast.
W1, W2 = classifier.hiddenLayer.W.get_value(), classifier.logRegressionLayer.W.get_value()
penalties = theano.function([], [classifier.L1, classifier.L2_sqr])()
assert numpy.allclose(penalties, [abs(W1).sum() + abs(W2).sum(), (W1 ** 2).sum() + (W2 ** 2).sum()])
assert train_set_y.dtype == 'int32' and train_set_y.eval().dtype == numpy.int32

# Early stopping, as the tutorial's loop (patience in minibatches).
patience, patience_increase, improvement_threshold = 200, 2, 0.995
validation_frequency = min(n_train_batches, patience // 2)
best_validation_loss, best_iter, test_score = numpy.inf, 0, 0.
epoch, done_looping, first_costs, last_costs = 0, False, [], []
while epoch < 30 and not done_looping:
    epoch = epoch + 1
    epoch_costs = []
    for minibatch_index in range(n_train_batches):
        epoch_costs.append(train_model(minibatch_index))
        it = (epoch - 1) * n_train_batches + minibatch_index
        if (it + 1) % validation_frequency == 0:
            this_validation_loss = numpy.mean([validate_model(i) for i in range(n_valid_batches)])
            if this_validation_loss < best_validation_loss:
                if this_validation_loss < best_validation_loss * improvement_threshold:
                    patience = max(patience, it * patience_increase)
                best_validation_loss, best_iter = this_validation_loss, it
                test_score = numpy.mean([test_model(i) for i in range(n_test_batches)])
        if patience <= it:
            done_looping = True
            break
    first_costs = first_costs or epoch_costs
    last_costs = epoch_costs
    print('epoch %i, cost %f, validation error %f %%' % (epoch, numpy.mean(epoch_costs),
                                                           this_validation_loss * 100.))
print('best validation %f %% at iteration %i, test %f %%' % (best_validation_loss * 100.,
                                                             best_iter + 1, test_score * 100.))
assert numpy.mean(last_costs) < 0.5 * numpy.mean(first_costs), (first_costs, last_costs)
assert best_validation_loss < 0.15 and test_score < 0.2, (best_validation_loss, test_score)
assert done_looping or epoch == 30
