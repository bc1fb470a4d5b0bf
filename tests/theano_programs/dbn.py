"""The deeplearning.net Deep Belief Network tutorial (DBN.py with rbm.py and mlp.py), the word
theano replaced by graphlens: RBM layers sharing W and hbias with the MLP's sigmoid layers,
CD-k pretraining (scan over Gibbs steps with shared_randomstreams, T.grad with
consider_constant=[chain_end], the reconstruction cross-entropy as monitor), pretraining
functions with theano.Param(learning_rate, default=0.1) called by keyword, then finetuning.
Synthetic binary data: noisy copies of four prototypes. Run by tests/test_theano_programs.py."""
import numpy
import graphlens as theano
import graphlens.tensor as T
from graphlens.tensor.shared_randomstreams import RandomStreams


class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(numpy.zeros((n_in, n_out), dtype=theano.config.floatX), name='W')
        self.b = theano.shared(numpy.zeros((n_out,), dtype=theano.config.floatX), name='b')
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))


class HiddenLayer(object):
    def __init__(self, rng, input, n_in, n_out, activation=T.tanh):
        bound = numpy.sqrt(6. / (n_in + n_out)) * (4 if activation == T.nnet.sigmoid else 1)
        self.W = theano.shared(numpy.asarray(rng.uniform(-bound, bound, size=(n_in, n_out)),
                                             dtype=theano.config.floatX), name='W', borrow=True)
        self.b = theano.shared(numpy.zeros((n_out,), dtype=theano.config.floatX), name='b',
                               borrow=True)
        self.output = activation(T.dot(input, self.W) + self.b)
        self.params = [self.W, self.b]


class RBM(object):
    def __init__(self, input=None, n_visible=784, n_hidden=500, W=None, hbias=None, vbias=None,
                 numpy_rng=None, theano_rng=None):
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        if numpy_rng is None:
            numpy_rng = numpy.random.RandomState(1234)
        if theano_rng is None:
            theano_rng = RandomStreams(numpy_rng.randint(2 ** 30))
        if W is None:
            W = theano.shared(numpy.asarray(numpy_rng.uniform(
                low=-4 * numpy.sqrt(6. / (n_hidden + n_visible)),
                high=4 * numpy.sqrt(6. / (n_hidden + n_visible)),
                size=(n_visible, n_hidden)), dtype=theano.config.floatX), name='W', borrow=True)
        if hbias is None:
            hbias = theano.shared(numpy.zeros(n_hidden, dtype=theano.config.floatX), name='hbias')
        if vbias is None:
            vbias = theano.shared(numpy.zeros(n_visible, dtype=theano.config.floatX), name='vbias')
        self.input = input if input is not None else T.matrix('input')
        self.W, self.hbias, self.vbias = W, hbias, vbias
        self.theano_rng = theano_rng
        self.params = [self.W, self.hbias, self.vbias]

    def free_energy(self, v_sample):
        wx_b = T.dot(v_sample, self.W) + self.hbias
        vbias_term = T.dot(v_sample, self.vbias)
        hidden_term = T.sum(T.log(1 + T.exp(wx_b)), axis=1)
        return -hidden_term - vbias_term

    def propup(self, vis):
        pre_sigmoid_activation = T.dot(vis, self.W) + self.hbias
        return [pre_sigmoid_activation, T.nnet.sigmoid(pre_sigmoid_activation)]

    def sample_h_given_v(self, v0_sample):
        pre_sigmoid_h1, h1_mean = self.propup(v0_sample)
        h1_sample = self.theano_rng.binomial(size=h1_mean.shape, n=1, p=h1_mean,
                                             dtype=theano.config.floatX)
        return [pre_sigmoid_h1, h1_mean, h1_sample]

    def propdown(self, hid):
        pre_sigmoid_activation = T.dot(hid, self.W.T) + self.vbias
        return [pre_sigmoid_activation, T.nnet.sigmoid(pre_sigmoid_activation)]

    def sample_v_given_h(self, h0_sample):
        pre_sigmoid_v1, v1_mean = self.propdown(h0_sample)
        v1_sample = self.theano_rng.binomial(size=v1_mean.shape, n=1, p=v1_mean,
                                             dtype=theano.config.floatX)
        return [pre_sigmoid_v1, v1_mean, v1_sample]

    def gibbs_hvh(self, h0_sample):
        pre_sigmoid_v1, v1_mean, v1_sample = self.sample_v_given_h(h0_sample)
        pre_sigmoid_h1, h1_mean, h1_sample = self.sample_h_given_v(v1_sample)
        return [pre_sigmoid_v1, v1_mean, v1_sample, pre_sigmoid_h1, h1_mean, h1_sample]

    def get_cost_updates(self, lr=0.1, persistent=None, k=1):
        pre_sigmoid_ph, ph_mean, ph_sample = self.sample_h_given_v(self.input)
        chain_start = ph_sample if persistent is None else persistent
        ([pre_sigmoid_nvs, nv_means, nv_samples, pre_sigmoid_nhs, nh_means, nh_samples],
         updates) = theano.scan(self.gibbs_hvh,
                                outputs_info=[None, None, None, None, None, chain_start],
                                n_steps=k, name="gibbs_hvh")
        chain_end = nv_samples[-1]
        cost = T.mean(self.free_energy(self.input)) - T.mean(self.free_energy(chain_end))
        gparams = T.grad(cost, self.params, consider_constant=[chain_end])
        for gparam, param in zip(gparams, self.params):
            updates[param] = param - gparam * T.cast(lr, dtype=theano.config.floatX)
        monitoring_cost = self.get_reconstruction_cost(updates, pre_sigmoid_nvs[-1])
        return monitoring_cost, updates

    def get_reconstruction_cost(self, updates, pre_sigmoid_nv):
        return T.mean(T.sum(self.input * T.log(T.nnet.sigmoid(pre_sigmoid_nv)) +
                            (1 - self.input) * T.log(1 - T.nnet.sigmoid(pre_sigmoid_nv)), axis=1))


class DBN(object):
    def __init__(self, numpy_rng, theano_rng=None, n_ins=784, hidden_layers_sizes=[500, 500],
                 n_outs=10):
        self.sigmoid_layers, self.rbm_layers, self.params = [], [], []
        self.n_layers = len(hidden_layers_sizes)
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
            self.rbm_layers.append(RBM(numpy_rng=numpy_rng, theano_rng=theano_rng,
                                       input=layer_input, n_visible=input_size,
                                       n_hidden=hidden_layers_sizes[i], W=sigmoid_layer.W,
                                       hbias=sigmoid_layer.b))
        self.logLayer = LogisticRegression(input=self.sigmoid_layers[-1].output,
                                           n_in=hidden_layers_sizes[-1], n_out=n_outs)
        self.params.extend(self.logLayer.params)
        self.finetune_cost = self.logLayer.negative_log_likelihood(self.y)
        self.errors = self.logLayer.errors(self.y)

    def pretraining_functions(self, train_set_x, batch_size, k):
        index = T.lscalar('index')
        learning_rate = T.scalar('lr')
        batch_begin = index * batch_size
        batch_end = batch_begin + batch_size
        pretrain_fns = []
        for rbm in self.rbm_layers:
            cost, updates = rbm.get_cost_updates(learning_rate, persistent=None, k=k)
            fn = theano.function(inputs=[index, theano.Param(learning_rate, default=0.1)],
                                 outputs=cost, updates=updates,
                                 givens={self.x: train_set_x[batch_begin:batch_end]})
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
                                           self.y: train_set_y[index * batch_size:(index + 1) * batch_size]})
        valid_score_i = theano.function([index], self.errors, givens={
            self.x: valid_set_x[index * batch_size:(index + 1) * batch_size],
            self.y: valid_set_y[index * batch_size:(index + 1) * batch_size]})

        def valid_score():
            return [valid_score_i(i) for i in range(n_valid_batches)]
        return train_fn, valid_score


def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
    shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')


data_rng = numpy.random.RandomState(3)
prototypes = (data_rng.uniform(size=(4, 36)) < 0.5).astype(float)


def noisy(n):
    labels = data_rng.randint(0, 4, size=n)
    return numpy.abs(prototypes[labels] - (data_rng.uniform(size=(n, 36)) < 0.1)), labels


datasets = [shared_dataset(noisy(n)) for n in (200, 100)]
train_set_x = datasets[0][0]
batch_size = 10
n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
numpy_rng = numpy.random.RandomState(123)
dbn = DBN(numpy_rng=numpy_rng, n_ins=36, hidden_layers_sizes=[24, 16], n_outs=4)

# The free energy is numpy's: -sum(log(1 + exp(v W + c))) - v . b on the data.
rbm0 = dbn.rbm_layers[0]
v = train_set_x.get_value()[:5]
fe = theano.function([dbn.x], rbm0.free_energy(dbn.x))(v)
W, c = rbm0.W.get_value(), rbm0.hbias.get_value()
assert numpy.allclose(fe, -numpy.log1p(numpy.exp(v @ W + c)).sum(axis=1) - v @ rbm0.vbias.get_value())

pretraining_fns = dbn.pretraining_functions(train_set_x=train_set_x, batch_size=batch_size, k=2)
for i in range(dbn.n_layers):
    monitors = []
    for epoch in range(6):
        c = [pretraining_fns[i](index=batch_index, lr=0.05) for batch_index in range(n_train_batches)]
        monitors.append(numpy.mean(c))
        print('Pre-training layer %i, epoch %d, cost %f' % (i, epoch, monitors[-1]))
    # The reconstruction log-likelihood rises (it is negative; 0 is perfect).
    assert monitors[-1] > monitors[0] and all(numpy.isfinite(monitors)), monitors
# theano.Param's default: lr=0.1 when only the index is given.
W1 = dbn.rbm_layers[1].W.get_value()
pretraining_fns[1](0)
assert not numpy.allclose(W1, dbn.rbm_layers[1].W.get_value())
assert dbn.rbm_layers[1].W is dbn.sigmoid_layers[1].W

train_fn, validate_model = dbn.build_finetune_functions(datasets=datasets, batch_size=batch_size,
                                                        learning_rate=0.1)
errors = [numpy.mean(validate_model())]
for epoch in range(8):
    c = [train_fn(i) for i in range(n_train_batches)]
    errors.append(numpy.mean(validate_model()))
    print('finetuning epoch %i, cost %f, validation error %f %%' % (epoch, numpy.mean(c), errors[-1] * 100))
assert errors[-1] < 0.05 and errors[-1] < errors[0], errors
