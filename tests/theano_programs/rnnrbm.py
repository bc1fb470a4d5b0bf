"""The deeplearning.net RNN-RBM tutorial (rnnrbm.py), the word theano replaced by graphlens: a
Gibbs chain built by scan with shared_randomstreams draws, the RNN's scan whose step itself runs
that chain when generating (a scan inside a scan, the inner one's random-state updates handed out
of the step), T.xlogx.xlogy0 in the pseudo-likelihood monitor, and T.grad with
consider_constant=[v_sample]. Synthetic piano-rolls (a chord climbing a 12-note scale) instead of
MIDI files. Run by tests/test_theano_programs.py."""
import numpy
import graphlens as theano
import graphlens.tensor as T
from graphlens.tensor.shared_randomstreams import RandomStreams

numpy.random.seed(0xbeef)
rng = RandomStreams(seed=numpy.random.randint(1 << 30))
theano.config.warn.subtensor_merge_bug = False


def build_rbm(v, W, bv, bh, k):
    def gibbs_step(v):
        mean_h = T.nnet.sigmoid(T.dot(v, W) + bh)
        h = rng.binomial(size=mean_h.shape, n=1, p=mean_h, dtype=theano.config.floatX)
        mean_v = T.nnet.sigmoid(T.dot(h, W.T) + bv)
        v = rng.binomial(size=mean_v.shape, n=1, p=mean_v, dtype=theano.config.floatX)
        return mean_v, v

    chain, updates = theano.scan(lambda v: gibbs_step(v)[1], outputs_info=[v], n_steps=k)
    v_sample = chain[-1]
    mean_v = gibbs_step(v_sample)[0]
    monitor = T.xlogx.xlogy0(v, mean_v) + T.xlogx.xlogy0(1 - v, 1 - mean_v)
    monitor = monitor.sum() / v.shape[0]

    def free_energy(v):
        return -(v * bv).sum() - T.log(1 + T.exp(T.dot(v, W) + bh)).sum()
    cost = (free_energy(v) - free_energy(v_sample)) / v.shape[0]
    return v_sample, cost, monitor, updates


def shared_normal(num_rows, num_cols, scale=1):
    return theano.shared(numpy.random.normal(scale=scale, size=(num_rows, num_cols))
                         .astype(theano.config.floatX))


def shared_zeros(*shape):
    return theano.shared(numpy.zeros(shape, dtype=theano.config.floatX))


def build_rnnrbm(n_visible, n_hidden, n_hidden_recurrent, n_generate):
    W = shared_normal(n_visible, n_hidden, 0.01)
    bv = shared_zeros(n_visible)
    bh = shared_zeros(n_hidden)
    Wuh = shared_normal(n_hidden_recurrent, n_hidden, 0.1)
    Wuv = shared_normal(n_hidden_recurrent, n_visible, 0.1)
    Wvu = shared_normal(n_visible, n_hidden_recurrent, 0.1)
    Wuu = shared_normal(n_hidden_recurrent, n_hidden_recurrent, 0.1)
    bu = shared_zeros(n_hidden_recurrent)
    params = W, bv, bh, Wuh, Wuv, Wvu, Wuu, bu
    v = T.matrix()
    u0 = T.zeros((n_hidden_recurrent,))

    def recurrence(v_t, u_tm1):
        bv_t = bv + T.dot(u_tm1, Wuv)
        bh_t = bh + T.dot(u_tm1, Wuh)
        generate = v_t is None
        if generate:
            v_t, _, _, updates = build_rbm(T.zeros((n_visible,)), W, bv_t, bh_t, k=5)
        u_t = T.tanh(bu + T.dot(v_t, Wvu) + T.dot(u_tm1, Wuu))
        return ([v_t, u_t], updates) if generate else [u_t, bv_t, bh_t]

    (u_t, bv_t, bh_t), updates_train = theano.scan(
        lambda v_t, u_tm1, *_: recurrence(v_t, u_tm1),
        sequences=v, outputs_info=[u0, None, None], non_sequences=params)
    v_sample, cost, monitor, updates_rbm = build_rbm(v, W, bv_t[:], bh_t[:], k=5)
    updates_train.update(updates_rbm)
    (v_t, u_t), updates_generate = theano.scan(
        lambda u_tm1, *_: recurrence(None, u_tm1),
        outputs_info=[None, u0], non_sequences=params, n_steps=n_generate)
    return (v, v_sample, cost, monitor, params, updates_train, v_t, updates_generate)


class RnnRbm:
    def __init__(self, n_hidden=24, n_hidden_recurrent=12, lr=0.1, r=(60, 72), n_generate=16):
        self.r = r
        (v, v_sample, cost, monitor, params, updates_train, v_t,
         updates_generate) = build_rnnrbm(r[1] - r[0], n_hidden, n_hidden_recurrent, n_generate)
        gradient = T.grad(cost, params, consider_constant=[v_sample])
        updates_train.update(((p, p - lr * g) for p, g in zip(params, gradient)))
        self.params, self.v, self.cost, self.v_sample = params, v, cost, v_sample
        self.train_function = theano.function([v], monitor, updates=updates_train)
        self.generate_function = theano.function([], v_t, updates=updates_generate)

    def train(self, dataset, batch_size=16, num_epochs=10):
        epochs = []
        for epoch in range(num_epochs):
            numpy.random.shuffle(dataset)
            costs = []
            for s, sequence in enumerate(dataset):
                for i in range(0, len(sequence), batch_size):
                    costs.append(self.train_function(sequence[i:i + batch_size]))
            print('Epoch %i/%i' % (epoch + 1, num_epochs), numpy.mean(costs))
            epochs.append(numpy.mean(costs))
        return epochs


def piano_roll(start, length, n_notes=12):
    """A C-major triad climbing the scale one note per step, from `start`."""
    roll = numpy.zeros((length, n_notes), dtype=theano.config.floatX)
    for t in range(length):
        for interval in (0, 4, 7):
            roll[t, (start + t + interval) % n_notes] = 1
    return roll


dataset = [piano_roll(s, 32) for s in range(4)]
model = RnnRbm()
monitors = model.train(dataset, num_epochs=10)
# The pseudo-likelihood monitor (a log-probability per frame) rises as the model learns.
assert all(numpy.isfinite(monitors)) and monitors[-1] > monitors[0] + 2.0, monitors

# consider_constant holds the negative particles: the CD gradient in the visible bias is
# (sum of v_sample - sum of v) / frames, read from the same call's draws.
bv = model.params[1]
g_bv = theano.grad(model.cost, bv, consider_constant=[model.v_sample])
check = theano.function([model.v], [g_bv, model.v_sample])
sequence = dataset[0][:16]
g, v_sample = check(sequence)
assert numpy.allclose(g, (v_sample.sum(axis=0) - sequence.sum(axis=0)) / 16), g
# Backpropagation through the RNN's scan, against finite differences: the cost with the
# negative particles fixed (theano.clone replacing v_sample) is a plain function of Wuv.
Wuv = model.params[4]
fixed = theano.clone(model.cost, replace={model.v_sample: T.constant(v_sample)})
cost_fn = theano.function([model.v], fixed)
g_Wuv = theano.function([model.v], T.grad(fixed, Wuv))(sequence)
direction = numpy.random.RandomState(7).normal(size=g_Wuv.shape)
w0, eps = Wuv.get_value(), 1e-5
Wuv.set_value(w0 + eps * direction)
c_plus = cost_fn(sequence)
Wuv.set_value(w0 - eps * direction)
c_minus = cost_fn(sequence)
Wuv.set_value(w0)
numeric, symbolic = (c_plus - c_minus) / (2 * eps), (g_Wuv * direction).sum()
print('d cost / d Wuv along a direction:', symbolic, 'finite differences:', numeric)
assert abs(numeric - symbolic) < 1e-6 * max(1.0, abs(symbolic)), (numeric, symbolic)
# The generation loop runs its own Gibbs chain (an inner scan) at each of its steps.
roll = model.generate_function()
again = model.generate_function()
print(roll.sum(axis=1))
assert roll.shape == (16, 12) and roll.dtype == theano.config.floatX
assert set(numpy.unique(roll)) <= {0.0, 1.0}
assert not numpy.array_equal(roll, again)      # the random state moved on between calls
# A trained model plays about three notes at a time, as the training chords do.
assert 1.0 < roll.sum(axis=1).mean() < 4.5, roll.sum(axis=1)
