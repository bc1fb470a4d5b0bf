"""theano.tensor.nnet.ctc: CTC costs against a sum over every alignment, warp-ctc's published
numbers, gradients by finite differences, long sequences, and the errors a user sees."""

import itertools

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function
from graphlens.errors import GraphlensTypeError, ShapeError, UndefinedGradientError
from graphlens.gradient import verify_grad
from graphlens.tensor.nnet.ctc import ConnectionistTemporalClassification, ctc, ctc_available

RNG = np.random.default_rng(5)


def _collapse(path):
    """An alignment's labelling: repeats merged, then blanks (0) dropped."""
    merged = [symbol for i, symbol in enumerate(path) if i == 0 or symbol != path[i - 1]]
    return [symbol for symbol in merged if symbol != 0]


def brute_force_cost(scores, label):
    """-log of the sum, over every path of len(scores) symbols whose labelling is `label`, of
    the product of the softmax probabilities along it: the definition, with no recursion."""
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    total = 0.0
    for path in itertools.product(range(scores.shape[1]), repeat=scores.shape[0]):
        if _collapse(path) == list(label):
            total += np.prod(probs[np.arange(len(path)), path])
    return -np.log(total) if total > 0 else np.inf


def _compiled_cost_and_grad(dtype="float64"):
    acts, labels, lengths = T.TensorType(dtype, (None,) * 3)("acts"), T.imatrix("labels"), \
        T.ivector("lengths")
    cost = ctc(acts, labels, lengths)
    return function([acts, labels, lengths], [cost, T.grad(cost.sum(), acts)])


# (label, input length): repeats need a blank between, the empty label only blanks.
CASES = [([1, 2], 4), ([1, 1], 3), ([1, 1], 4), ([], 4), ([], 2), ([2], 1), ([2, 1, 2], 4),
         ([2, 2], 4), ([1], 3)]


@pytest.mark.parametrize("label, length", CASES)
def test_cost_is_the_sum_over_all_alignments(label, length):
    scores = RNG.normal(size=(4, 1, 3))
    padded = np.full((1, 3), -1, dtype="int32")
    padded[0, :len(label)] = label
    cost, _ = _compiled_cost_and_grad()(scores, padded, np.array([length], dtype="int32"))
    expected = brute_force_cost(scores[:length, 0], label) if length else 0.0
    np.testing.assert_allclose(cost, [expected], rtol=1e-12)


def test_padded_batch_with_different_input_lengths_matches_each_example_alone():
    labels = np.array([[1, 2, -1], [1, 1, -1], [-1, -1, -1], [2, 1, 2], [1, -1, -1]], "int32")
    lengths = np.array([4, 3, 2, 4, 1], dtype="int32")
    scores = RNG.normal(size=(4, 5, 3))
    cost, grad = _compiled_cost_and_grad()(scores, labels, lengths)
    expected = [brute_force_cost(scores[:n, b], [s for s in labels[b] if s >= 0])
                for b, n in enumerate(lengths)]
    np.testing.assert_allclose(cost, expected, rtol=1e-12)
    # Steps past an example's input length do not change its cost: their gradient is zero.
    for b, n in enumerate(lengths):
        assert np.all(grad[n:, b] == 0)
        assert np.all(np.abs(grad[:n, b]).sum(axis=1) > 0)


def test_warp_ctc_published_costs_and_gradients_in_float32():
    # warp-ctc's Torch tutorial case, whose costs and gradients Theano's own test compared.
    activations = np.array([[[0, 0, 0, 0, 0], [1, 2, 3, 4, 5], [-5, -4, -3, -2, -1]],
                            [[0, 0, 0, 0, 0], [6, 7, 8, 9, 10], [-10, -9, -8, -7, -6]],
                            [[0, 0, 0, 0, 0], [11, 12, 13, 14, 15], [-15, -14, -13, -12, -11]]],
                           dtype="float32")
    labels = np.array([[1, -1], [3, 3], [2, 3]], dtype="int32")
    lengths = np.array([1, 3, 3], dtype="int32")
    cost, grad = _compiled_cost_and_grad("float32")(activations, labels, lengths)
    assert cost.dtype == grad.dtype == np.float32
    np.testing.assert_allclose(cost, [1.609437943, 7.355742931, 4.938849926], rtol=1e-6)
    np.testing.assert_allclose(grad[:, 1], [
        [0.01165623125, 0.03168492019, 0.08612854034, -0.7658783197, 0.636408627],
        [-0.9883437753, 0.03168492019, 0.08612854034, 0.2341216654, 0.636408627],
        [0.01165623125, 0.03168492019, 0.08612854034, -0.7658783197, 0.636408627]],
        atol=1e-6)
    np.testing.assert_allclose(grad[0, 0], [0.2, -0.8, 0.2, 0.2, 0.2], atol=1e-6)
    np.testing.assert_allclose(grad[1:, 0], 0)
    np.testing.assert_allclose(grad[:, 2], [
        [-0.02115798369, 0.03168492019, -0.8810571432, 0.2341216654, 0.636408627],
        [-0.02115798369, 0.03168492019, -0.1891518533, -0.4577836394, 0.636408627],
        [-0.02115798369, 0.03168492019, 0.08612854034, -0.7330639958, 0.636408627]],
        atol=1e-6)


def test_negative_labels_are_padding_wherever_they_stand():
    scores = RNG.normal(size=(4, 2, 3))
    lengths = np.array([4, 4], dtype="int32")
    f = _compiled_cost_and_grad()
    scattered, _ = f(scores, np.array([[-1, 1, -1, 2], [2, -1, -1, -1]], "int32"), lengths)
    packed, _ = f(scores, np.array([[1, 2, -1, -1], [2, -1, -1, -1]], "int32"), lengths)
    np.testing.assert_array_equal(scattered, packed)


def test_gradient_by_finite_differences_over_a_padded_batch():
    labels = np.array([[1, 2], [1, 1], [-1, -1], [2, -1]], dtype="int32")
    lengths = np.array([4, 3, 2, 4], dtype="int32")
    verify_grad(ctc, [RNG.normal(size=(4, 4, 3)), labels, lengths],
                rng=np.random.default_rng(1))


def test_gradient_in_float32_by_finite_differences():
    labels = np.array([[1, 2], [3, 3]], dtype="int32")
    verify_grad(ctc, [RNG.normal(size=(5, 2, 4)).astype("float32"), labels,
                      np.array([5, 4], dtype="int32")], rng=np.random.default_rng(2))


def _scaled_forward_cost(scores, label):
    """-log p by the probability-space forward recursion with a rescaling at every step
    (Rabiner's), one example, plain loops: an independent reference for long sequences."""
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    states = [0]
    for symbol in label:
        states += [symbol, 0]
    alpha = np.zeros(len(states))
    alpha[0], alpha[1] = probs[0, states[0]], probs[0, states[1]]
    log_scale = np.log(alpha.sum())
    alpha /= alpha.sum()
    for t in range(1, len(scores)):
        new = np.zeros_like(alpha)
        for s, symbol in enumerate(states):
            total = alpha[s] + (alpha[s - 1] if s >= 1 else 0.0)
            if s >= 2 and symbol != 0 and symbol != states[s - 2]:
                total += alpha[s - 2]
            new[s] = total * probs[t, symbol]
        log_scale += np.log(new.sum())
        alpha = new / new.sum()
    return -(log_scale + np.log(alpha[-1] + alpha[-2]))


def test_long_sequence_stays_finite_where_probabilities_underflow():
    steps, alphabet = 200, 6
    label = RNG.integers(1, alphabet, size=40)
    label[5] = label[4]                           # a repeat, which needs a blank between
    scores = RNG.normal(scale=10.0, size=(steps, 2, alphabet))
    labels = np.stack([label, np.r_[label[:20], -np.ones(20, int)]]).astype("int32")
    lengths = np.array([200, 150], dtype="int32")
    cost, grad = _compiled_cost_and_grad()(scores, labels, lengths)
    # p(labels) is far below float64's smallest number: only log space can hold it.
    assert cost.min() > 800, cost
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(cost, [_scaled_forward_cost(scores[:200, 0], label),
                                      _scaled_forward_cost(scores[:150, 1], label[:20])],
                               rtol=1e-10)
    # softmax - occupancy: each active step's gradient sums to 0 over the alphabet.
    np.testing.assert_allclose(grad[:200, 0].sum(axis=1), 0, atol=1e-9)


def test_infer_shape_and_static_shapes_agree_with_perform():
    acts = T.TensorType("float64", (4, 3, 5))("acts")
    node = ConnectionistTemporalClassification()(acts, T.imatrix(), T.ivector()).owner
    assert [out.type.shape for out in node.outputs] == [(3,), (4, 3, 5)]
    free = T.dtensor3("acts")
    cost = ctc(free, T.imatrix("labels"), T.ivector("lengths"))
    shape_only = function(cost.owner.inputs, [cost.shape, cost.owner.outputs[1].shape],
                          on_unused_input="ignore")
    got = shape_only(np.zeros((4, 3, 5)), np.ones((3, 2), "int32"), np.full(3, 4, "int32"))
    assert [list(g) for g in got] == [[3], [4, 3, 5]]
    assert not any(isinstance(n.op, ConnectionistTemporalClassification)
                   for n in shape_only.maker.fgraph.apply_nodes)


def test_calling_the_op_returns_the_cost_as_theano_did():
    cost = ConnectionistTemporalClassification()(T.ftensor3(), T.imatrix(), T.ivector())
    assert cost is cost.owner.outputs[0] and cost.ndim == 1
    without = ConnectionistTemporalClassification(compute_grad=False)(
        T.ftensor3(), T.imatrix(), T.ivector())
    assert len(without.owner.outputs) == 1
    assert ctc_available() is True


def test_gradient_of_the_cost_only_op_builds_the_gradient_op():
    acts = T.dtensor3("acts")
    labels, lengths = T.imatrix("labels"), T.ivector("lengths")
    cost = ConnectionistTemporalClassification(compute_grad=False)(acts, labels, lengths)
    f = function([acts, labels, lengths], T.grad(cost.sum(), acts))
    data = (RNG.normal(size=(3, 2, 3)), np.array([[1], [2]], "int32"), np.array([3, 2], "int32"))
    _, expected = _compiled_cost_and_grad()(*data)
    np.testing.assert_allclose(f(*data), expected, rtol=1e-12)


def test_gradient_wrt_labels_and_lengths_is_undefined():
    acts, labels, lengths = T.dtensor3(), T.imatrix("labels"), T.ivector("lengths")
    cost = ctc(acts, labels, lengths).sum()
    with pytest.raises(UndefinedGradientError, match="labels are symbols"):
        T.grad(cost, labels)
    with pytest.raises(UndefinedGradientError, match="input_lengths count time steps"):
        T.grad(cost, lengths)
    second = cost.owner.inputs[0].owner.outputs[1]
    with pytest.raises(UndefinedGradientError, match="no second derivative"):
        T.grad(second.sum(), acts)


@pytest.mark.parametrize("inputs, error, words", [
    ((T.dmatrix("a"), T.imatrix("l"), T.ivector("n")), ShapeError, "activations must be 3-d"),
    ((T.itensor3("a"), T.imatrix("l"), T.ivector("n")), GraphlensTypeError,
     "activations must hold float32 or float64"),
    ((T.dtensor3("a"), T.dmatrix("l"), T.ivector("n")), GraphlensTypeError,
     "labels must hold integers"),
    ((T.dtensor3("a"), T.ivector("l"), T.ivector("n")), ShapeError, "labels must be 2-d"),
    ((T.dtensor3("a"), T.imatrix("l"), T.fvector("n")), GraphlensTypeError,
     "input_lengths must hold integers"),
    ((T.TensorType("float64", (3, 2, 4))("a"), T.TensorType("int32", (5, 2))("l"),
      T.ivector("n")), ShapeError, r"disagree on the batch size \(activations 2, labels 5\)"),
])
def test_wrong_inputs_are_refused_naming_the_input_and_the_line(inputs, error, words):
    with pytest.raises(error, match=words) as caught:
        ctc(*inputs)
    assert "test_ctc.py:" in str(caught.value)


@pytest.mark.parametrize("labels, lengths, words", [
    ([[1, 1], [2, -1]], [2, 3], r"example 0's labels \[1, 1\] need at least 3 time steps "
                                r".*its input length is 2"),
    ([[2, 3, 2], [-1, -1, -1]], [2, 3], r"example 0's labels \[2, 3, 2\] need at least 3"),
    ([[1, 4], [2, -1]], [3, 3], r"labels\[0, 1\] = 4 is outside the alphabet of 4 symbols"),
    ([[1, 0], [2, -1]], [3, 3], r"labels\[0, 1\] = 0 is the blank"),
    ([[1, 2], [2, -1]], [3, 5], r"input_lengths\[1\] = 5 is outside 0..3"),
    ([[1, 2]], [3, 3], "activations hold 2 examples .* labels 1"),
])
def test_values_warp_ctc_could_not_score_are_refused_naming_the_example(labels, lengths,
                                                                       words):
    f = _compiled_cost_and_grad()
    with pytest.raises(ValueError, match=words) as caught:
        f(np.zeros((3, 2, 4)), np.array(labels, "int32"), np.array(lengths, "int32"))
    assert "test_ctc.py:" in str(caught.value)       # the line that built the ctc node


def test_an_empty_input_scores_the_empty_label_exactly():
    scores = RNG.normal(size=(2, 2, 3))
    cost, grad = _compiled_cost_and_grad()(scores, np.array([[-1], [1]], "int32"),
                                           np.array([0, 2], "int32"))
    assert cost[0] == 0 and np.all(grad[:, 0] == 0)
    np.testing.assert_allclose(cost[1], brute_force_cost(scores[:, 1], [1]), rtol=1e-12)


def test_printers_show_the_cost_and_its_gradient_readably():
    acts = T.dtensor3("acts")
    cost = ctc(acts, T.imatrix("labels"), T.ivector("lengths"))
    g = T.grad(cost.sum(), acts)
    assert graphlens.printing.pp(cost) == "%1, %2 = ctc(acts, labels, lengths)\n%1"
    assert graphlens.printing.pp(g) == ("%1, %2 = ctc(acts, labels, lengths)\n"
                                        "%2 * fill(%1, 1.0)[None, :, None]")
    text = graphlens.printing.debugprint(g, file="str")
    assert "ConnectionistTemporalClassification.1 [id B] 'ctc_grad' float64[?, ?, ?]" in text
    assert "ConnectionistTemporalClassification.0 [id" in text


def test_picture_draws_the_gradient_from_the_ops_second_output():
    acts = T.dtensor3("acts")
    cost = ctc(acts, T.imatrix("labels"), T.ivector("lengths"))
    dot = graphlens.printing.pydotprint(T.grad(cost.sum(), acts), format="dot", stage="before")
    assert 'label="{{<i0> activations|<i1> labels|<i2> input_lengths}|' \
           'ConnectionistTemporalClassification\\nctc_cost: float64[?]|' \
           '{<o0> cost|<o1> gradient}}"' in dot
    assert 'g_v0 -> g_n0 [class="data", id="e0", headport="i0:n"]' in dot
    # One ctc box feeds the cost's fill (from its cost port) and the gradient's product (from
    # its gradient port).
    assert dot.count('class="op"') == 5 and dot.count("ConnectionistTemporalClassification\\n") == 2
    assert 'g_n0 -> g_n2 [class="data", id="e4", tailport="o0:s"' in dot
    assert 'g_n0 -> g_n4 [class="data", id="e7", tailport="o1:s"]' in dot


def test_a_cost_only_function_skips_the_backward_pass_and_a_training_one_keeps_it():
    # Theano's local_ctc_no_grad: nothing reads the gradient, so the node computes the cost only.
    acts, labels, lengths = T.ftensor3("acts"), T.imatrix("labels"), T.ivector("lengths")
    cost = ctc(acts, labels, lengths)
    evaluate = function([acts, labels, lengths], cost)
    train = function([acts, labels, lengths], [cost.sum(), T.grad(cost.sum(), acts)])
    flags = [[n.op.compute_grad for n in f.maker.fgraph.toposort()
              if isinstance(n.op, ConnectionistTemporalClassification)] for f in (evaluate, train)]
    assert flags == [[False], [True]]
    rng = np.random.RandomState(3)
    values = (rng.randn(5, 2, 4).astype("float32"), np.array([[1, 2], [3, -1]], "int32"),
              np.array([5, 4], "int32"))
    np.testing.assert_allclose(evaluate(*values).sum(), train(*values)[0], rtol=1e-6)
    assert "ctc_cost_without_its_gradient" in evaluate.rewrite_log.counts()
