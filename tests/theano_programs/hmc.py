"""The deeplearning.net Hybrid Monte Carlo tutorial (hmc/hmc.py and its test_hmc.py), the word
theano replaced by graphlens: leapfrog steps with scan and T.grad inside the step, velocities and
the Metropolis-Hastings coin from shared_randomstreams, T.switch on a dimshuffled accept vector,
an adaptive step size clipped into [min, max], and an acceptance rate kept as a moving average
with accept.mean(dtype=theano.scalar.upcast(...)). Sampling a correlated 4-d gaussian, the
sample mean and covariance come out near the target's. Run by tests/test_theano_programs.py."""
import numpy
from graphlens import function, shared
from graphlens import tensor as TT
import graphlens as theano


def sharedX(X, name):
    return shared(numpy.asarray(X, dtype=theano.config.floatX), name=name)


def kinetic_energy(vel):
    return 0.5 * (vel ** 2).sum(axis=1)


def hamiltonian(pos, vel, energy_fn):
    return energy_fn(pos) + kinetic_energy(vel)


def metropolis_hastings_accept(energy_prev, energy_next, s_rng):
    ediff = energy_prev - energy_next
    return (TT.exp(ediff) - s_rng.uniform(size=energy_prev.shape)) >= 0


def simulate_dynamics(initial_pos, initial_vel, stepsize, n_steps, energy_fn):
    def leapfrog(pos, vel, step):
        dE_dpos = TT.grad(energy_fn(pos).sum(), pos)
        new_vel = vel - step * dE_dpos
        new_pos = pos + step * new_vel
        return [new_pos, new_vel], {}

    dE_dpos = TT.grad(energy_fn(initial_pos).sum(), initial_pos)
    vel_half_step = initial_vel - 0.5 * stepsize * dE_dpos
    pos_full_step = initial_pos + stepsize * vel_half_step
    (all_pos, all_vel), scan_updates = theano.scan(
        leapfrog, outputs_info=[dict(initial=pos_full_step), dict(initial=vel_half_step)],
        non_sequences=[stepsize], n_steps=n_steps - 1)
    assert not scan_updates            # nothing random inside the loop
    final_pos = all_pos[-1]
    energy = energy_fn(final_pos)
    final_vel = all_vel[-1] - 0.5 * stepsize * TT.grad(energy.sum(), final_pos)
    return final_pos, final_vel


def hmc_move(s_rng, positions, energy_fn, stepsize, n_steps):
    initial_vel = s_rng.normal(size=positions.shape)
    final_pos, final_vel = simulate_dynamics(positions, initial_vel, stepsize, n_steps, energy_fn)
    accept = metropolis_hastings_accept(hamiltonian(positions, initial_vel, energy_fn),
                                        hamiltonian(final_pos, final_vel, energy_fn), s_rng)
    return accept, final_pos


def hmc_updates(positions, stepsize, avg_acceptance_rate, final_pos, accept, target_acceptance_rate,
                stepsize_inc, stepsize_dec, stepsize_min, stepsize_max, avg_acceptance_slowness):
    accept_matrix = accept.dimshuffle(0, *(('x',) * (final_pos.ndim - 1)))
    new_positions = TT.switch(accept_matrix, final_pos, positions)
    _new_stepsize = TT.switch(avg_acceptance_rate > target_acceptance_rate,
                              stepsize * stepsize_inc, stepsize * stepsize_dec)
    new_stepsize = TT.clip(_new_stepsize, stepsize_min, stepsize_max)
    mean_dtype = theano.scalar.upcast(accept.dtype, avg_acceptance_rate.dtype)
    new_acceptance_rate = TT.add(avg_acceptance_slowness * avg_acceptance_rate,
                                 (1.0 - avg_acceptance_slowness) * accept.mean(dtype=mean_dtype))
    return [(positions, new_positions), (stepsize, new_stepsize),
            (avg_acceptance_rate, new_acceptance_rate)]


class HMC_sampler(object):
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    @classmethod
    def new_from_shared_positions(cls, shared_positions, energy_fn, initial_stepsize=0.01,
                                  target_acceptance_rate=.9, n_steps=20, stepsize_dec=0.98,
                                  stepsize_min=0.001, stepsize_max=0.25, stepsize_inc=1.02,
                                  avg_acceptance_slowness=0.9, seed=12345):
        stepsize = sharedX(initial_stepsize, 'hmc_stepsize')
        avg_acceptance_rate = sharedX(target_acceptance_rate, 'avg_acceptance_rate')
        s_rng = TT.shared_randomstreams.RandomStreams(seed)
        accept, final_pos = hmc_move(s_rng, shared_positions, energy_fn, stepsize, n_steps)
        simulate_updates = hmc_updates(
            shared_positions, stepsize, avg_acceptance_rate, final_pos=final_pos, accept=accept,
            stepsize_min=stepsize_min, stepsize_max=stepsize_max, stepsize_inc=stepsize_inc,
            stepsize_dec=stepsize_dec, target_acceptance_rate=target_acceptance_rate,
            avg_acceptance_slowness=avg_acceptance_slowness)
        simulate = function([], [], updates=simulate_updates)
        return cls(positions=shared_positions, stepsize=stepsize, stepsize_min=stepsize_min,
                   stepsize_max=stepsize_max, avg_acceptance_rate=avg_acceptance_rate,
                   target_acceptance_rate=target_acceptance_rate, s_rng=s_rng,
                   _updates=simulate_updates, simulate=simulate)

    def draw(self, **kwargs):
        self.simulate()
        return self.positions.get_value(borrow=False)


# test_hmc.py's sampler_on_nd_gaussian, smaller: dim 4, batch 3, 200 burn-in + 300 draws, 8 leapfrogs.
dim, batchsize = 4, 3
rng = numpy.random.RandomState(123)
mu = numpy.array(rng.rand(dim) * 10, dtype=theano.config.floatX)
cov = numpy.array(rng.rand(dim, dim), dtype=theano.config.floatX)
cov = (cov + cov.T) / 2.
cov[numpy.arange(dim), numpy.arange(dim)] = 1.0
cov_inv = numpy.linalg.inv(cov)


def gaussian_energy(x):
    return 0.5 * (theano.tensor.dot((x - mu), cov_inv) * (x - mu)).sum(axis=1)


position = theano.shared(rng.randn(batchsize, dim).astype(theano.config.floatX))
sampler = HMC_sampler.new_from_shared_positions(position, gaussian_energy, initial_stepsize=0.05,
                                                stepsize_max=0.5, n_steps=8)
# The energy the graph computes is numpy's.
e = theano.function([], gaussian_energy(position))()
p0 = position.get_value()
assert numpy.allclose(e, 0.5 * ((p0 - mu) @ cov_inv * (p0 - mu)).sum(axis=1)), e
garbage = [sampler.draw() for r in range(200)]
_samples = numpy.asarray([sampler.draw() for r in range(300)])
samples = _samples.T.reshape(dim, -1).T
print('target mean:', mu)
print('target cov:\n', cov)
print('empirical mean: ', samples.mean(axis=0))
print('empirical_cov:\n', numpy.cov(samples.T))
print('final stepsize', sampler.stepsize.get_value())
print('final acceptance_rate', sampler.avg_acceptance_rate.get_value())
assert _samples.shape == (300, batchsize, dim) and _samples.dtype == theano.config.floatX
# Positions move (moves are accepted) and the rate tracks its 0.9 target, as test_hmc asserts.
assert len(numpy.unique(_samples[:, 0, 0])) > 100
assert abs(sampler.avg_acceptance_rate.get_value() - sampler.target_acceptance_rate) < .1
assert sampler.stepsize_min <= sampler.stepsize.get_value() <= sampler.stepsize_max
assert sampler.stepsize.get_value() > 0.05           # adapted upward from its start
assert numpy.abs(samples.mean(axis=0) - mu).max() < 0.25, samples.mean(axis=0)
assert numpy.abs(numpy.cov(samples.T) - cov).max() < 0.25, numpy.cov(samples.T)
