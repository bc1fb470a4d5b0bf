"""One name in every view: an unnamed shared variable is called what the model file binds it
to (`V`, `layer2.W`), never `wrt[2]` or `<float64[?, ?]>`; duplicates told apart as pp does."""

import graphlens.tensor as T
from graphlens import shared
from graphlens.cli.bindings import name_unnamed
from graphlens.trace.naming import parameter_names

LAYERS = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import shared

    class Layer:
        def __init__(self, n_in, n_out):
            self.W = shared(np.full((n_in, n_out), 0.1))
            self.b = shared(np.zeros(n_out))

    x = T.dmatrix("x")
    layer1 = Layer(3, 4)
    layer2 = Layer(4, 2)
    V = shared(np.ones(2))
    params = [layer1.W, layer1.b, layer2.W, layer2.b, V]
    hidden = T.tanh(T.dot(x, layer1.W) + layer1.b)
    cost = T.sum(T.dot(T.tanh(T.dot(hidden, layer2.W) + layer2.b), V))
"""

SAME_NAMES = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import shared

    x = T.dmatrix("x")
    params, h = [], x
    for n_in, n_out in ((3, 4), (4, 2)):
        W = shared(np.full((n_in, n_out), 0.1), name="W")
        b = shared(np.zeros(n_out), name="b")
        params += [W, b]
        h = T.tanh(T.dot(h, W) + b)
    cost = h.sum()
"""


def test_trace_names_unnamed_weights_by_their_binding(write_model, run_cli):
    result = run_cli("trace", write_model(LAYERS))
    assert result.exit_code == 0, result.stderr
    assert "(layer1.W, layer1.b, layer2.W, layer2.b, V)" in " ".join(result.stdout.split())
    assert "wrt[" not in result.stdout and "<float64" not in result.stdout


def test_pp_uses_the_same_names(write_model, run_cli):
    result = run_cli("pp", write_model(LAYERS))
    assert result.exit_code == 0, result.stderr
    assert "layer2.W" in result.stdout and " V" in result.stdout
    assert "s1" not in result.stdout


def test_duplicate_names_are_told_apart_in_trace(write_model, run_cli):
    result = run_cli("trace", write_model(SAME_NAMES))
    assert result.exit_code == 0, result.stderr
    assert "(W, b, W_2, b_2)" in " ".join(result.stdout.split())


def test_parameter_names_rule():
    W, b = shared(1.0, name="W"), shared(2.0, name="b")
    W2, b2, W_2 = shared(3.0, name="W"), shared(4.0, name="b"), shared(5.0, name="W_2")
    nameless = shared(6.0)
    assert parameter_names([W, b, W2, b2]) == ["W", "b", "W_2", "b_2"]
    # A name the user gave is never reused for a duplicate.
    assert parameter_names([W, W2, W_2, nameless]) == ["W", "W_3", "W_2", "s1"]


def test_a_name_the_user_gave_is_kept_and_the_first_binding_wins():
    named, unnamed = shared(1.0, name="kept"), shared(2.0)
    namespace = {"alias": named, "first": unnamed, "second": unnamed, "_private": shared(3.0),
                 "x": T.dscalar()}
    name_unnamed(namespace)
    assert named.name == "kept" and unnamed.name == "first"
    assert namespace["_private"].name is None and namespace["x"].name is None


NESTED = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import function, shared

    class Layer:
        def __init__(self, n_in, n_out):
            self.W = shared(np.full((n_in, n_out), 0.1))
            self.b = shared(np.zeros(n_out))

    class MLP:
        def __init__(self):
            self.hidden = Layer(3, 4)
            self.layers = [self.hidden, Layer(4, 2)]

    x = T.dmatrix("x")
    data = [[0.0] * 3 for _ in range(1000)]     # data, not layers: never looked into
    mlp = MLP()
    out = T.tanh(T.dot(T.tanh(T.dot(x, mlp.hidden.W) + mlp.hidden.b), mlp.layers[1].W)
                 + mlp.layers[1].b)
    train_model = function([x], out.sum())
"""


def test_bindings_reach_into_nested_objects_and_lists_and_name_functions(write_model,
                                                                          run_cli, tmp_path):
    result = run_cli("pp", write_model(NESTED))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    # The shortest path wins: mlp.hidden.W, not mlp.layers[0].W.
    for name in ("mlp.hidden.W", "mlp.hidden.b", "mlp.layers[1].W", "mlp.layers[1].b"):
        assert name in text, text
    assert "mlp.layers[0]" not in text and "s1" not in text
    assert text.startswith("# train_model\n")
    shown = run_cli("show", write_model(NESTED), "-o", "m.svg")
    assert shown.exit_code == 0, shown.stderr
    svg = (tmp_path / "m.svg").read_text()
    # The unnamed function's picture is titled by the name the file binds it to.
    assert "function &#39;train_model&#39;" in svg or "function 'train_model'" in svg, svg[:2000]
