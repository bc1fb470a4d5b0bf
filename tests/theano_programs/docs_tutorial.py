"""The Theano 1.0 documentation's tutorial ("More examples", "Derivatives in Theano",
"Conditions", "Using random numbers"), the word theano replaced by graphlens, each result checked
against the value the documentation prints. Run by tests/test_theano_programs.py."""
import numpy
import graphlens as theano
import graphlens.tensor as T
from graphlens import In, function, pp, shared
from graphlens.ifelse import ifelse
from graphlens.tensor.shared_randomstreams import RandomStreams

# More examples: logistic function, several outputs, default values, shared state.
x = T.dmatrix('x')
logistic = theano.function([x], 1 / (1 + T.exp(-x)))
assert numpy.allclose(logistic([[0, 1], [-1, -2]]), [[0.5, 0.73105858], [0.26894142, 0.11920292]])
a, b = T.dmatrices('a', 'b')
diff = a - b
f = theano.function([a, b], [diff, abs(diff), diff ** 2])
assert [r.tolist() for r in f([[1, 1], [1, 1]], [[0, 1], [2, 3]])] == [
    [[1, 0], [-1, -2]], [[1, 0], [1, 2]], [[1, 0], [1, 4]]]
x, y, w = T.dscalars('x', 'y', 'w')
f = function([x, In(y, value=1), In(w, value=2, name='w_by_name')], (x + y) * w)
assert (f(33), f(33, 2), f(33, 0, 1), f(33, w_by_name=1), f(33, w_by_name=1, y=0)) == (
    68, 70, 33, 34, 33)
state = shared(0)
inc = T.iscalar('inc')
accumulator = function([inc], state, updates=[(state, state + inc)])
assert (accumulator(1), accumulator(300), state.get_value()) == (0, 1, 301)
state.set_value(-1)
decrementor = function([inc], state, updates=[(state, state - inc)])
assert (decrementor(2), state.get_value()) == (-1, -3)
foo = T.scalar(dtype=state.dtype)
skip_shared = function([inc, foo], state * 2 + inc, givens=[(state, foo)])
assert (skip_shared(1, 3), state.get_value()) == (7, -3)
new_state = theano.shared(0)
new_accumulator = accumulator.copy(swap={state: new_state})
# Theano 1.0: a copy returns a list, as the tutorial prints ([array(0)]).
assert (new_accumulator(100), new_state.get_value(), state.get_value()) == ([0], 100, -3)
null_accumulator = accumulator.copy(delete_updates=True)
null_accumulator(9000)
assert state.get_value() == -3

# Random numbers: default updates, no_default_updates, one draw per call.
srng = RandomStreams(seed=234)
rv_u = srng.uniform((2, 2))
rv_n = srng.normal((2, 2))
f = function([], rv_u)
g = function([], rv_n, no_default_updates=True)
nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
assert not numpy.allclose(f(), f()) and numpy.allclose(g(), g())
assert numpy.allclose(nearly_zeros(), 0)
srng.seed(902340)

# Derivatives: grad, pp of a gradient, jacobian and hessian by scan, Rop and Lop.
x = T.dscalar('x')
gy = T.grad(x ** 2, x)
print(pp(gy))
f = function([x], gy)
assert f(4) == 8 and f(94.2) == 188.4
x = T.dmatrix('x')
dlogistic = function([x], T.grad(T.sum(1 / (1 + T.exp(-x))), x))
assert numpy.allclose(dlogistic([[0, 1], [-1, -2]]), [[0.25, 0.19661193], [0.19661193, 0.10499359]])
x = T.dvector('x')
y = x ** 2
J, updates = theano.scan(lambda i, y, x: T.grad(y[i], x), sequences=T.arange(y.shape[0]),
                         non_sequences=[y, x])
assert function([x], J, updates=updates)([4, 4]).tolist() == [[8, 0], [0, 8]]
gy = T.grad(y.sum(), x)
H, updates = theano.scan(lambda i, gy, x: T.grad(gy[i], x), sequences=T.arange(gy.shape[0]),
                         non_sequences=[gy, x])
assert function([x], H, updates=updates)([4, 4]).tolist() == [[2, 0], [0, 2]]
W = T.dmatrix('W')
V = T.dmatrix('V')
x = T.dvector('x')
y = T.dot(x, W)
JV = T.Rop(y, W, V)
f = theano.function([W, V, x], JV)       # W is an input of the Rop's graph, as in Theano
assert f([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1]).tolist() == [2, 2]
v = T.dvector('v')
VJ = T.Lop(y, W, v)
assert theano.function([v, x], VJ)([2, 2], [0, 1]).tolist() == [[0, 0], [2, 2]]
x = T.dvector('x')
v = T.dvector('v')
gy = T.grad(T.sum(x ** 2), x)
assert function([x, v], T.grad(T.sum(gy * v), x))([4, 4], [2, 2]).tolist() == [4, 4]
assert function([x, v], T.Rop(gy, x, v))([4, 4], [2, 2]).tolist() == [4, 4]

# Conditions: switch and the lazy ifelse give the same value.
a, b = T.scalars('a', 'b')
x, y = T.matrices('x', 'y')
f_switch = theano.function([a, b, x, y], T.switch(T.lt(a, b), T.mean(x), T.mean(y)),
                           mode=theano.Mode(linker='vm'))
f_lazy = theano.function([a, b, x, y], ifelse(T.lt(a, b), T.mean(x), T.mean(y)),
                         mode=theano.Mode(linker='vm'))
ones = numpy.ones((100, 100), dtype=theano.config.floatX)
assert f_switch(0., 1., ones, 2 * ones) == 1 and f_lazy(1., 0., ones, 2 * ones) == 2
print("docs tutorial: every value as documented")
