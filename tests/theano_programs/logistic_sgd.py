"""A Theano tutorial program with the word theano replaced by graphlens, run unchanged
by tests/test_theano_programs.py (the promise: a Theano 1.0 program runs after the rename)."""
import os
OUT = os.environ.get("PROGRAM_OUT", ".")
import numpy, pickle
import graphlens
import graphlens.tensor as T

class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = graphlens.shared(value=numpy.zeros((n_in, n_out), dtype=graphlens.config.floatX), name='W', borrow=True)
        self.b = graphlens.shared(value=numpy.zeros((n_out,), dtype=graphlens.config.floatX), name='b', borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input
    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])
    def errors(self, y):
        if y.ndim != self.y_pred.ndim:
            raise TypeError('y should have the same shape as self.y_pred', ('y', y.type, 'y_pred', self.y_pred.type))
        if y.dtype.startswith('int'):
            return T.mean(T.neq(self.y_pred, y))
        else:
            raise NotImplementedError()

def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = graphlens.shared(numpy.asarray(data_x, dtype=graphlens.config.floatX), borrow=borrow)
    shared_y = graphlens.shared(numpy.asarray(data_y, dtype=graphlens.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')

rng = numpy.random.RandomState(1234)
X = rng.rand(600, 784); Y = rng.randint(0, 10, 600)
train_set_x, train_set_y = shared_dataset((X, Y))
batch_size = 100
n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
index = T.lscalar()
x = T.matrix('x')
y = T.ivector('y')
classifier = LogisticRegression(input=x, n_in=28 * 28, n_out=10)
cost = classifier.negative_log_likelihood(y)
test_model = graphlens.function(inputs=[index], outputs=classifier.errors(y),
    givens={x: train_set_x[index * batch_size: (index + 1) * batch_size], y: train_set_y[index * batch_size: (index + 1) * batch_size]})
g_W = T.grad(cost=cost, wrt=classifier.W)
g_b = T.grad(cost=cost, wrt=classifier.b)
updates = [(classifier.W, classifier.W - 0.13 * g_W), (classifier.b, classifier.b - 0.13 * g_b)]
train_model = graphlens.function(inputs=[index], outputs=cost, updates=updates,
    givens={x: train_set_x[index * batch_size: (index + 1) * batch_size], y: train_set_y[index * batch_size: (index + 1) * batch_size]})
costs = []
for epoch in range(5):
    for i in range(n_train_batches):
        costs.append(float(train_model(i)))
print('cost first/last', costs[0], costs[-1], 'err', numpy.mean([test_model(i) for i in range(n_train_batches)]))
assert numpy.mean(costs[-6:]) < numpy.mean(costs[:6]), (numpy.mean(costs[-6:]), numpy.mean(costs[:6]))
with open(os.path.join(OUT, 'best_model.pkl'), 'wb') as f:
    pickle.dump(classifier, f)
classifier2 = pickle.load(open(os.path.join(OUT, 'best_model.pkl'), 'rb'))
predict_model = graphlens.function(inputs=[classifier2.input], outputs=classifier2.y_pred)
print(predict_model(X[:10]))
graphlens.printing.pydotprint(train_model, outfile=os.path.join(OUT, 'lr.png'), var_with_name_simple=True)
print(graphlens.printing.debugprint(train_model, print_type=True, file='str')[:200])
graphlens.printing.debugprint(cost, depth=3)
print(graphlens.pp(cost))
