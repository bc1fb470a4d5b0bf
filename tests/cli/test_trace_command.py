"""`graphlens trace`: the vanishing-gradient report of a model, and --strict for CI."""

from tests.cli.conftest import LOGREG, SGN


def test_trace_names_sgn_and_the_models_line(write_model, run_cli):
    result = run_cli("trace", write_model(SGN))
    assert result.exit_code == 0
    assert "W_enc (float64[?, ?], built at model.py:6)" in result.stdout
    assert "sgn at model.py:9" in result.stdout
    assert "straight_through" in result.stdout


def test_trace_strict_exits_1_on_findings_and_0_when_clean(write_model, run_cli):
    assert run_cli("trace", "--strict", write_model(SGN)).exit_code == 1
    clean = run_cli("trace", "--strict", write_model(LOGREG, name="clean.py"))
    assert clean.exit_code == 0
    assert "the gradient reaches all 2 parameters along every path (w, b)" in clean.stdout


def test_trace_without_cost_and_params_says_what_is_missing(write_model, run_cli):
    result = run_cli("trace", write_model("import graphlens.tensor as T\nx = T.dvector('x')\n"
                                          "y = x * 2\n"))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: graphlens trace needs a module-level `cost` (a scalar expression; `params`, a "
        "list of shared variables, chooses what to check) in model.py: the model defines no "
        "module-level cost.\nIt found: x (input float64[?]), y (expression float64[?])\n")


DEAD_RELU = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import shared

    x = T.dmatrix("x")
    W = shared(np.ones((3, 4)), name="W")
    b = shared(np.array([-100.0, -100.0, -100.0, 0.0]), name="b")
    params = [W, b]
    hidden = T.nnet.relu(T.dot(x, W) + b)
    cost = T.sqr(hidden).mean()
    example_inputs = {x: np.ones((5, 3))}
"""


def test_trace_stats_reports_dead_units_on_example_inputs(write_model, run_cli):
    result = run_cli("trace", "--stats", write_model(DEAD_RELU))
    assert result.exit_code == 0, result.stderr
    assert "clean: the gradient reaches all 2 parameters along every path (W, b)." \
        in result.stdout
    assert "1. dead units: relu(x @ W + b[None, :]) at model.py:9: 3 of 4 units (75%) are 0" \
        in " ".join(result.stdout.split())


def test_trace_strict_counts_runtime_suspects_only_with_stats(write_model, run_cli):
    path = write_model(DEAD_RELU)
    assert run_cli("trace", "--strict", path).exit_code == 0
    assert run_cli("trace", "--strict", "--stats", path).exit_code == 1


def test_trace_stats_without_example_inputs_says_what_to_define(write_model, run_cli):
    result = run_cli("trace", "--stats", write_model(SGN))
    assert result.exit_code == 2
    assert result.stderr == ("error: graphlens trace --stats needs a module-level "
                             "`example_inputs` in model.py: a dict {symbolic input: numpy value}, "
                             "like example_inputs = {x: data_x, y: data_y}\n")


def test_trace_output_with_an_unknown_ending_is_a_usage_error(write_model, run_cli):
    result = run_cli("trace", write_model(SGN), "-o", "trace.jpeg")
    assert result.exit_code == 2
    assert "'trace.jpeg' does not end in one of .svg, .dot, .png, .pdf" in result.stderr


def test_trace_output_draws_the_blocked_path(write_model, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")
    result = run_cli("trace", write_model(SGN), "-o", "pictures/trace.svg")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "wrote pictures/trace.svg"
    svg = (tmp_path / "pictures" / "trace.svg").read_text()
    assert svg.startswith("<?xml") and "W_enc blocked" in svg
    dot = run_cli("trace", "model.py", "-o", "trace.dot")
    assert dot.exit_code == 0
    assert (tmp_path / "trace.dot").read_text().startswith("digraph")


TANH_RNN = """\
    import numpy as np
    import graphlens
    import graphlens.tensor as T
    from graphlens import shared

    rng = np.random.default_rng(0)
    W = shared(rng.normal(size=(6, 6)) * 0.3, name="W")
    U = shared(rng.normal(size=(2, 6)), name="U")
    params = [W, U]
    x = T.dmatrix("x")
    h, _ = graphlens.scan(lambda x_t, h: T.tanh(T.dot(x_t, U) + T.dot(h, W)), sequences=x,
                          outputs_info=T.zeros((6,), dtype="float64"), name="rnn")
    cost = (h[-1] ** 2).sum()
    example_inputs = {x: rng.normal(size=(30, 2))}
"""


def test_trace_stats_plots_a_loops_gradient_per_step_and_flags_it_vanishing(write_model,
                                                                             run_cli):
    result = run_cli("trace", "--stats", write_model(TANH_RNN))
    assert result.exit_code == 0
    assert "vanishing: rnn: rnn[t] at model.py:11: its gradient through time falls below" \
        in result.stdout
    assert "gradient norm per step of rnn: rnn[t]" in result.stdout
    assert "step 0" in result.stdout and result.stdout.rstrip().endswith("29")


LOG_OF_ZERO = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import shared

    x = T.dmatrix("x")
    w = shared(np.array([1.0, -1.0]), name="w")
    params = [w]
    p = T.nnet.relu(T.dot(x, w))
    cost = (T.log(p) * p).mean()
    example_inputs = {x: np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]])}
"""


def test_trace_stats_names_where_the_nan_is_born_not_only_that_it_is_there(write_model,
                                                                          run_cli):
    result = run_cli("trace", "--stats", write_model(LOG_OF_ZERO))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "where the NaN/Inf is born:\n  forward: Log produced 1 -inf (of 3 values) in " \
           "log(relu(x @ w)) at model.py:9, from finite inputs" in text
    assert "backward: the gradient of relu(x @ w) (built at model.py:8) has 1 NaN/Inf" in text
