"""A Theano tutorial program with the word theano replaced by graphlens, run unchanged
by tests/test_theano_programs.py (the promise: a Theano 1.0 program runs after the rename)."""
import numpy
import graphlens
import graphlens.tensor as T
from graphlens.ifelse import ifelse
from graphlens import config

# power via scan
k = T.iscalar("k"); A = T.vector("A")
result, updates = graphlens.scan(fn=lambda prior_result, A: prior_result * A, outputs_info=T.ones_like(A), non_sequences=A, n_steps=k)
final_result = result[-1]
power = graphlens.function(inputs=[A, k], outputs=final_result, updates=updates)
print(power(numpy.arange(10, dtype=config.floatX), 2))
# polynomial
coefficients = graphlens.tensor.vector("coefficients"); x = T.scalar("x"); max_coefficients_supported = 10000
full_range = graphlens.tensor.arange(max_coefficients_supported)
components, updates = graphlens.scan(fn=lambda coefficient, power, free_variable: coefficient * (free_variable ** power), outputs_info=None, sequences=[coefficients, full_range], non_sequences=x)
polynomial = components.sum()
calculate_polynomial = graphlens.function(inputs=[coefficients, x], outputs=polynomial)
print(calculate_polynomial(numpy.asarray([1, 0, 2], dtype=numpy.float32), 3))
# tanh RNN
X = T.matrix("X"); W = T.matrix("W"); b_sym = T.vector("b_sym")
results, updates = graphlens.scan(lambda v: T.tanh(T.dot(v, W) + b_sym), sequences=X)
compute_elementwise = graphlens.function(inputs=[X, W, b_sym], outputs=results)
x = numpy.eye(2, dtype=graphlens.config.floatX); w = numpy.ones((2, 2), dtype=graphlens.config.floatX); b = numpy.ones((2), dtype=graphlens.config.floatX); b[1] = 2
print(compute_elementwise(x, w, b))
# scan with shared + random streams (Gibbs style)
from graphlens.tensor.shared_randomstreams import RandomStreams
rng = numpy.random.RandomState(1)
Wg = graphlens.shared(numpy.asarray(rng.rand(4, 3) - .5, dtype=config.floatX), name='W')
bvis = graphlens.shared(numpy.zeros(4, dtype=config.floatX)); bhid = graphlens.shared(numpy.zeros(3, dtype=config.floatX))
trng = RandomStreams(1234)
def OneStep(vsample):
    hmean = T.nnet.sigmoid(graphlens.dot(vsample, Wg) + bhid)
    hsample = trng.binomial(size=hmean.shape, n=1, p=hmean)
    vmean = T.nnet.sigmoid(graphlens.dot(hsample, Wg.T) + bvis)
    return trng.binomial(size=vsample.shape, n=1, p=vmean, dtype=graphlens.config.floatX)
sample = graphlens.tensor.vector()
values, updates = graphlens.scan(OneStep, outputs_info=sample, n_steps=10)
gibbs10 = graphlens.function([sample], values[-1], updates=updates)
print(gibbs10(numpy.ones(4, dtype=config.floatX)))
# ifelse
a, bb = T.scalars('a', 'b'); xx, yy = T.matrices('x', 'y')
z_lazy = ifelse(T.lt(a, bb), T.mean(xx), T.mean(yy))
f_lazyifelse = graphlens.function([a, bb, xx, yy], z_lazy, mode=graphlens.Mode(linker='vm'))
print(f_lazyifelse(1, 2, numpy.ones((3, 3), dtype=config.floatX), numpy.zeros((3, 3), dtype=config.floatX)))
# grad of scan + pp
cost = results.sum()
gW = T.grad(cost, W)
print(graphlens.function([X, W, b_sym], gW)(x, w, b))
print(graphlens.pp(gW)[:200])
# until
def power_of_2(previous_power, max_value):
    return previous_power*2, graphlens.scan_module.until(previous_power*2 > max_value)
max_value = T.scalar()
values, _ = graphlens.scan(power_of_2, outputs_info = T.constant(1.), non_sequences = max_value, n_steps = 1024)
f = graphlens.function([max_value], values)
print(f(45))
