"""Big models on the command line: `show --expand` and `--time-budget`, the fold note and the
grouped gradient summary, progress on stderr, and `graphlens why`."""

import pytest

from tests.cli.conftest import SGN
from tests.models import deep_mlp_source

DEEP = deep_mlp_source(12, tail="""\
cost = T.sqr(h).mean()
params = [p for layer in layers for p in (layer.W, layer.b)]
grads = grad(cost, params)
train = function([x], cost, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)],
                 name="train")
""")


@pytest.fixture(autouse=True)
def wasm_layout(monkeypatch):
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")


def test_show_folds_a_big_model_and_says_how_to_expand(write_model, run_cli, tmp_path,
                                                       monkeypatch):
    # Progress goes to stderr above LOUD_OPS ops (2,000): lowered so this model counts.
    monkeypatch.setattr("graphlens.cli.show.LOUD_OPS", 100)
    result = run_cli("show", write_model(DEEP), "--stage", "before")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "wrote model.svg (train, as given, before rewrites)"
    assert lines[1].startswith("  folded: ") and lines[1].endswith(
        "open one with --expand HiddenLayer (expand=['HiddenLayer']), all with --expand all")
    svg = (tmp_path / "model.svg").read_text()
    assert "HiddenLayer ×11" in svg and "HiddenLayer_2, ..., HiddenLayer_12" in svg
    # Progress with counts and times on stderr, for a graph over the threshold.
    assert "] ran model.py: 1 graph to draw in " in result.stderr
    assert "] train: 236 ops as given -> " in result.stderr
    assert "laid out " in result.stderr and " nodes and " in result.stderr


def test_gradient_summary_groups_many_parameters_by_scope(write_model, run_cli):
    result = run_cli("show", write_model(DEEP), "--stage", "before")
    assert result.stderr == ""          # 236 ops: quick, and below LOUD_OPS
    assert result.stdout.splitlines()[-1] == (
        "gradient findings: none (the gradient of cost reaches HiddenLayer ×12: W, b)")


def test_expand_opens_a_scope_and_all_draws_every_op(write_model, run_cli, tmp_path):
    path = write_model(DEEP)
    assert run_cli("show", path, "--stage", "before", "--expand", "HiddenLayer_5",
                   "-o", "one.svg").exit_code == 0
    one = (tmp_path / "one.svg").read_text()
    assert "HiddenLayer ×10" in one and ">HiddenLayer_5<" in one and ">Dot<" in one
    result = run_cli("show", path, "--stage", "before", "--expand", "all", "-o", "all.dot")
    assert result.exit_code == 0
    dot = (tmp_path / "all.dot").read_text()
    assert 'class="fold"' not in dot and dot.count('class="op"') > 200
    assert "folded:" not in result.stdout


def test_time_budget_is_checked_and_a_small_model_is_unchanged(write_model, run_cli):
    path = write_model(SGN)
    bad = run_cli("show", path, "--time-budget", "-1")
    assert bad.exit_code == 2 and "--time-budget" in bad.stderr
    result = run_cli("show", path, "--time-budget", "5")
    assert result.exit_code == 0 and result.stderr == ""
    assert "folded" not in result.stdout


def test_why_prints_type_shape_line_scope_and_provenance(write_model, run_cli):
    path = write_model(DEEP)
    result = run_cli("why", path, "HiddenLayer_3/W")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "HiddenLayer_3/W  (shared variable)",
        "  type:      float64[?, ?], value shape (4, 4)",
        "  built at:  model.py:7",
        '             self.W = shared(np.full((n_in, n_out), 0.1), name="W")',
        "  scope:     HiddenLayer_3 (inferred from the function that built it)",
        "  rewrites:  in train, read by 3 ops after rewrites"]


def test_why_of_an_op_key_names_its_rewrites_and_the_nodes_it_came_from(write_model, run_cli):
    path = write_model(SGN)
    lines = run_cli("why", path, "b_n1").stdout.splitlines()
    assert lines[:5] == ["b_n1: Sgn output  (op output)",
                         "  op:        Sgn(Dot)",
                         "  type:      float64[?, ?]",
                         "  built at:  model.py:9",
                         "             code = T.sgn(T.dot(X, W_enc))"]
    assert lines[5] == "  scope:     none (module-level code)"
    assert lines[6].startswith("  rewrites:  b_n1 in cost as given; after rewrites part of a_n")


def test_why_of_a_gradient_node_says_it_is_the_backward_of_its_scope(write_model, run_cli):
    path = write_model(DEEP)
    result = run_cli("why", path, "b_n60")
    scope_line = [line for line in result.stdout.splitlines() if "scope:" in line][0]
    assert "; built by grad: the backward pass of this scope" in scope_line


def test_why_of_an_ambiguous_or_unknown_name(write_model, run_cli):
    path = write_model(DEEP)
    many = run_cli("why", path, "W")
    assert many.stdout.startswith("12 variables are named 'W': HiddenLayer/W, HiddenLayer_2/W,")
    missing = run_cli("why", path, "nowhere")
    assert missing.exit_code == 2 and "'nowhere' names no node of model.py" in missing.stderr


def test_expand_of_a_misspelt_scope_says_so_and_lists_the_scopes(write_model, run_cli):
    result = run_cli("show", write_model(DEEP), "--stage", "before", "--expand", "Hidden")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == (
        "  --expand Hidden: no scope of that name in this graph (its scopes: HiddenLayer, "
        "HiddenLayer_2, HiddenLayer_3, HiddenLayer_4, HiddenLayer_5, HiddenLayer_6, "
        "HiddenLayer_7, HiddenLayer_8, ...)")


def test_why_of_a_scope_summarizes_the_folded_box(write_model, run_cli):
    result = run_cli("why", write_model(DEEP), "HiddenLayer_4")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "HiddenLayer_4  (scope, in train as given)"
    assert lines[1].startswith("  ops:       4 forward (Dot, DimShuffle, Add, Tanh), ")
    assert lines[1].endswith(" built by grad")
    assert lines[2:] == ["  params:    W float64[?, ?], b float64[?]",
                         "  built at:  model.py:9",
                         "  open it:   graphlens show model.py --expand HiddenLayer_4"]


# Weights made by a helper, one call each: no scope repeats, so grouping by call
# ("shared_normal_3: W3", "init_weights_3: W2, b2") would only prefix names that already say
# which is which.
ONE_WEIGHT_PER_CALL = """
def shared_normal(shape, name):
    return shared(np.full(shape, 0.1), name=name)

params = [shared_normal((3, 3), f"W{k}") for k in range(9)]
h = x
for W in params:
    h = T.tanh(T.dot(h, W))
"""
A_PAIR_PER_CALL = """
def init_weights(k):
    return shared(np.full((3, 3), 0.1), name=f"W{k}"), shared(np.zeros(3), name=f"b{k}")

params = [p for k in range(5) for p in init_weights(k)]
h = x
for W, b in zip(params[::2], params[1::2]):
    h = T.tanh(T.dot(h, W) + b)
"""


@pytest.mark.parametrize("body, reached", [
    (ONE_WEIGHT_PER_CALL, "W0, W1, W2, W3, W4, W5, W6, W7, W8"),
    (A_PAIR_PER_CALL, "W0, b0, W1, b1, W2, b2, W3, b3, W4, b4"),
])
def test_gradient_summary_names_weights_made_by_a_helper_plainly(write_model, run_cli, body,
                                                                 reached):
    source = ("import numpy as np\nimport graphlens.tensor as T\nfrom graphlens import shared\n"
              "x = T.dmatrix('x')\n" + body + "cost = T.sqr(h).mean()\n")
    result = run_cli("show", write_model(source), "--stage", "before")
    assert result.exit_code == 0, result.stderr
    summary = " ".join(result.stdout.split("gradient findings: ")[1].split())
    assert summary == f"none (the gradient of cost reaches {reached})"
