"""A Theano tutorial program with the word theano replaced by graphlens, run unchanged
by tests/test_theano_programs.py (the promise: a Theano 1.0 program runs after the rename)."""
import numpy as np
import graphlens
import graphlens.tensor as T
x = T.fmatrix('x')
f = graphlens.function([x], T.exp(x).sum(), allow_input_downcast=True)
print(f(np.ones((2, 2))))
topo = f.maker.fgraph.toposort()
print(len(topo), [type(n.op).__name__ for n in topo])
print(f.maker.fgraph.outputs, f.maker.fgraph.inputs)
mode = graphlens.compile.mode.get_default_mode().excluding('fusion')
g = graphlens.function([x], T.exp(x) * 2, mode=mode)
print([type(n.op).__name__ for n in g.maker.fgraph.toposort()])
print(graphlens.compile.get_default_mode())
s = graphlens.shared(np.arange(3.))
print(s.get_value(borrow=True, return_internal_type=True))
y = T.set_subtensor(x[:, 0], 0)
print(graphlens.function([x], y)(np.ones((2, 2), dtype='float32')))
from graphlens.compile.sharedvalue import SharedVariable
print(isinstance(s, SharedVariable), isinstance(x, T.TensorVariable))
z = graphlens.clone(T.exp(x), replace={x: x * 2})
print(graphlens.gradient.grad_clip(x, -1, 1))
v = T.dvector('v')
gc = T.grad(T.sum(graphlens.gradient.grad_clip(v * 3, -1, 1) ** 2), v)
print(graphlens.function([v], gc)(np.array([1., 0.1])))
print(graphlens.config.floatX, graphlens.config.mode, graphlens.config.optimizer)
a = T.dscalar('a')
fa = graphlens.function([graphlens.In(a, value=3.0)], a * 2)
print(fa(), fa(4.0))
print(graphlens.tensor.nnet.relu(v, 0.1).eval({v: np.array([-1., 2.])}))
print(graphlens.tensor.nnet.categorical_crossentropy(T.nnet.softmax(x), T.ivector()).ndim)
h = T.dvector()
print(graphlens.function([h], T.grad(T.sum(h ** 2), h, consider_constant=[]))(np.ones(2)))
mode2 = graphlens.Mode(optimizer='fast_compile')
print(graphlens.function([v], v + 1, mode=mode2)(np.ones(2)))
mode3 = graphlens.compile.mode.FAST_RUN
print(mode3)
