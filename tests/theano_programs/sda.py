"""The deeplearning.net stacked denoising autoencoder tutorial (SdA.py with dA.py), the word
theano replaced by graphlens: dA layers sharing W and b with the MLP's sigmoid layers, corrupted
input from binomial draws with a *symbolic* corruption level, pretraining functions taking
theano.In(corruption_level, value=0.2) and theano.In(learning_rate, value=0.1) and called by
keyword (fn(index=i, corruption=0.3, lr=0.1)), then finetuning of the whole stack. The random
streams are theano.sandbox.rng_mrg.MRG_RandomStreams (the drop-in the tutorials switched to).
Synthetic binary data: noisy copies of four prototypes, their index as the label. Run by
tests/test_theano_programs.py."""
import numpy
import graphlens as theano
import graphlens.tensor as T
from graphlens.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams


class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX),
                               name='W', borrow=True)
        self.b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX),
                               name='b', borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))


class HiddenLayer(object):
    def __init__(self, rng, input, n_in, n_out, activation=T.tanh):
        W_values = numpy.asarray(rng.uniform(low=-numpy.sqrt(6. / (n_in + n_out)),
                                             high=numpy.sqrt(6. / (n_in + n_out)),
                                             size=(n_in, n_out)), dtype=theano.config.floatX)
        if activation == theano.tensor.nnet.sigmoid:
            W_values *= 4
        self.W = theano.shared(value=W_values, name='W', borrow=True)
        self.b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX),
                               name='b', borrow=True)
        self.output = activation(T.dot(input, self.W) + self.b)
        self.params = [self.W, self.b]


class dA(object):
    def __init__(self, numpy_rng, theano_rng=None, input=None, n_visible=784, n_hidden=500,
                 W=None, bhid=None, bvis=None):
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        if not theano_rng:
            theano_rng = RandomStreams(numpy_rng.randint(2 ** 30))
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
        self.theano_rng = theano_rng
        self.x = T.dmatrix(name='input') if input is None else input
        self.params = [self.W, self.b, self.b_prime]

    def get_corrupted_input(self, input, corruption_level):
        return self.theano_rng.binomial(size=input.shape, n=1, p=1 - corruption_level,
                                        dtype=theano.config.floatX) * input

    def get_hidden_values(self, input):
        return T.nnet.sigmoid(T.dot(input, self.W) + self.b)

    def get_reconstructed_input(self, hidden):
        return T.nnet.sigmoid(T.dot(hidden, self.W_prime) + self.b_prime)

    def get_cost_updates(self, corruption_level, learning_rate):
        tilde_x = self.get_corrupted_input(self.x, corruption_level)
        y = self.get_hidden_values(tilde_x)
        z = self.get_reconstructed_input(y)
        L = - T.sum(self.x * T.log(z) + (1 - self.x) * T.log(1 - z), axis=1)
        cost = T.mean(L)
        gparams = T.grad(cost, self.params)
        updates = [(param, param - learning_rate * gparam)
                   for param, gparam in zip(self.params, gparams)]
        return (cost, updates)


class SdA(object):
    def __init__(self, numpy_rng, theano_rng=None, n_ins=784, hidden_layers_sizes=[500, 500],
                 n_outs=10, corruption_levels=[0.1, 0.1]):
        self.sigmoid_layers = []
        self.dA_layers = []
        self.params = []
        self.n_layers = len(hidden_layers_sizes)
        assert self.n_layers > 0
        if not theano_rng:
            theano_rng = RandomStreams(numpy_rng.randint(2 ** 30))
        self.x = T.matrix('x')
        self.y = T.ivector('y')
        for i in range(self.n_layers):
            input_size = n_ins if i == 0 else hidden_layers_sizes[i - 1]
            layer_input = self.x if i == 0 else self.sigmoid_layers[-1].output
            sigmoid_layer = HiddenLayer(rng=numpy_rng, input=layer_input, n_in=input_size,
                                        n_out=hidden_layers_sizes[i], activation=T.nnet.sigmoid)
            self.sigmoid_layers.append(sigmoid_layer)
            self.params.extend(sigmoid_layer.params)
            dA_layer = dA(numpy_rng=numpy_rng, theano_rng=theano_rng, input=layer_input,
                          n_visible=input_size, n_hidden=hidden_layers_sizes[i],
                          W=sigmoid_layer.W, bhid=sigmoid_layer.b)
            self.dA_layers.append(dA_layer)
        self.logLayer = LogisticRegression(input=self.sigmoid_layers[-1].output,
                                           n_in=hidden_layers_sizes[-1], n_out=n_outs)
        self.params.extend(self.logLayer.params)
        self.finetune_cost = self.logLayer.negative_log_likelihood(self.y)
        self.errors = self.logLayer.errors(self.y)

    def pretraining_functions(self, train_set_x, batch_size):
        index = T.lscalar('index')
        corruption_level = T.scalar('corruption')
        learning_rate = T.scalar('lr')
        batch_begin = index * batch_size
        batch_end = batch_begin + batch_size
        pretrain_fns = []
        for dA in self.dA_layers:
            cost, updates = dA.get_cost_updates(corruption_level, learning_rate)
            fn = theano.function(inputs=[index, theano.In(corruption_level, value=0.2),
                                         theano.In(learning_rate, value=0.1)],
                                 outputs=cost, updates=updates,
                                 givens={self.x: train_set_x[batch_begin: batch_end]})
            pretrain_fns.append(fn)
        return pretrain_fns

    def build_finetune_functions(self, datasets, batch_size, learning_rate):
        (train_set_x, train_set_y), (valid_set_x, valid_set_y) = datasets
        n_valid_batches = valid_set_x.get_value(borrow=True).shape[0] // batch_size
        index = T.lscalar('index')
        gparams = T.grad(self.finetune_cost, self.params)
        updates = [(param, param - gparam * learning_rate)
                   for param, gparam in zip(self.params, gparams)]
        train_fn = theano.function(inputs=[index], outputs=self.finetune_cost, updates=updates,
                                   givens={self.x: train_set_x[index * batch_size:(index + 1) * batch_size],
                                           self.y: train_set_y[index * batch_size:(index + 1) * batch_size]},
                                   name='train')
        valid_score_i = theano.function([index], self.errors, givens={
            self.x: valid_set_x[index * batch_size:(index + 1) * batch_size],
            self.y: valid_set_y[index * batch_size:(index + 1) * batch_size]}, name='valid')

        def valid_score():
            return [valid_score_i(i) for i in range(n_valid_batches)]
        return train_fn, valid_score


def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
    shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')


data_rng = numpy.random.RandomState(2)
prototypes = (data_rng.uniform(size=(4, 36)) < 0.5).astype(float)


def noisy(n):
    labels = data_rng.randint(0, 4, size=n)
    flips = data_rng.uniform(size=(n, 36)) < 0.1
    return numpy.abs(prototypes[labels] - flips), labels


datasets = [shared_dataset(noisy(n)) for n in (200, 100)]
train_set_x = datasets[0][0]
batch_size = 10
n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
numpy_rng = numpy.random.RandomState(89677)
sda = SdA(numpy_rng=numpy_rng, n_ins=36, hidden_layers_sizes=[24, 16], n_outs=4)

# The corruption keeps a fraction 1 - level of the entries, and none at level 0.
level = T.scalar('level')
corrupt = theano.function([level], sda.dA_layers[0].get_corrupted_input(sda.x, level),
                          givens={sda.x: train_set_x})
ones = train_set_x.get_value() == 1
kept = corrupt(0.3)[ones].mean()
print('fraction kept at corruption 0.3:', kept)
assert abs(kept - 0.7) < 0.03 and (corrupt(0.0) == train_set_x.get_value()).all()

pretraining_fns = sda.pretraining_functions(train_set_x=train_set_x, batch_size=batch_size)
corruption_levels = [.1, .2]
for i in range(sda.n_layers):
    costs = []
    for epoch in range(6):
        c = [pretraining_fns[i](index=batch_index, corruption=corruption_levels[i], lr=0.1)
             for batch_index in range(n_train_batches)]
        costs.append(numpy.mean(c))
        print('Pre-training layer %i, epoch %d, cost %f' % (i, epoch, costs[-1]))
    assert costs[-1] < 0.9 * costs[0], costs
# The defaults of theano.In: corruption 0.2 and lr 0.1 when only the index is given.
W0 = sda.dA_layers[1].W.get_value()
pretraining_fns[1](0)
assert not numpy.allclose(W0, sda.dA_layers[1].W.get_value())
# The dA layers and the MLP share their weights: pretraining moved the MLP's.
assert sda.dA_layers[0].W is sda.sigmoid_layers[0].W

train_fn, validate_model = sda.build_finetune_functions(datasets=datasets, batch_size=batch_size,
                                                        learning_rate=0.1)
errors = [numpy.mean(validate_model())]
for epoch in range(8):
    c = [train_fn(i) for i in range(n_train_batches)]
    errors.append(numpy.mean(validate_model()))
    print('finetuning epoch %i, cost %f, validation error %f %%' % (epoch, numpy.mean(c), errors[-1] * 100))
assert errors[-1] < 0.05 and errors[-1] < errors[0], errors
