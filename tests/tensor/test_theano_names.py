"""Every Theano 1.0 name added for issue 13 exists at Theano's own path (with `theano` replaced
by `graphlens`), as docs/theano-ops.md lists them."""

import importlib

import pytest

NAMES = {
    "graphlens.tensor": [
        "erf", "erfc", "erfcx", "erfinv", "erfcinv", "gamma", "gammaln", "psi", "log2", "log10",
        "outer", "tensordot", "batched_dot", "batched_tensordot", "tile", "roll", "swapaxes",
        "take", "ptp", "diag", "diagonal", "sort", "argsort", "nonzero", "flatnonzero",
        "nonzero_values", "cumsum", "cumprod", "repeat", "diff", "bincount", "round",
        "extra_ops", "inv", "exp2", "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg",
        "isnan", "isinf", "isclose", "allclose", "tri", "tril", "triu", "identity_like",
        "max_and_argmax", "largest", "smallest", "horizontal_stack", "vertical_stack", "abs_",
        "where", "arctan2", "trunc", "iround", "round_half_to_even", "round_half_away_from_zero",
        "split", "stacklists", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
        "floor_div", "second", "j0", "j1", "jv", "i0", "i1", "iv",
        "chi2sf", "real", "imag", "conj", "angle", "complex", "complex_from_polar", "tri_gamma"],
    "graphlens.tensor.extra_ops": [
        "cumsum", "cumprod", "diff", "repeat", "bincount", "to_one_hot", "searchsorted",
        "fill_diagonal", "fill_diagonal_offset", "squeeze"],
    "graphlens.tensor.sort": ["sort", "argsort"],
    "graphlens.tensor.nnet": [
        "ultra_fast_sigmoid", "hard_sigmoid", "crossentropy_softmax_1hot",
        "crossentropy_softmax_1hot_with_bias", "crossentropy_softmax_argmax_1hot_with_bias",
        "crossentropy_softmax_max_and_argmax_1hot",
        "crossentropy_softmax_max_and_argmax_1hot_with_bias", "crossentropy_categorical_1hot",
        "softmax_with_bias", "relu", "elu", "selu", "softsign", "logsoftmax",
        "sigmoid_binary_crossentropy", "sigm"],
    "graphlens.tensor.nnet.sigm": ["ultra_fast_sigmoid", "hard_sigmoid", "sigmoid", "softplus"],
    "graphlens.tensor.signal.pool": ["pool_2d", "max_pool_2d_same_size"],
    "graphlens.tensor.signal.conv": ["conv2d"],
}
METHODS = ["round", "sort", "argsort", "nonzero", "nonzero_values", "norm", "repeat", "cumsum",
           "cumprod", "diagonal", "zeros_like", "ones_like", "ravel", "swapaxes", "trace", "ptp",
           "searchsorted", "take", "conj", "conjugate"]


@pytest.mark.parametrize("module", sorted(NAMES))
def test_each_name_is_at_theanos_path(module):
    found = importlib.import_module(module)
    missing = [name for name in NAMES[module] if not hasattr(found, name)]
    assert not missing, f"{module} lacks {missing}"
    for name in NAMES[module]:
        assert callable(getattr(found, name)) or name in ("extra_ops", "sigm")


def test_each_method_is_on_tensor_variables():
    import graphlens.tensor as T
    x = T.dmatrix("x")
    missing = [name for name in METHODS if not callable(getattr(x, name, None))]
    assert not missing
