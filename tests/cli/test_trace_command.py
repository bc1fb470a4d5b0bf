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
        "error: graphlens trace needs a module-level `cost` (a scalar expression) and `params` "
        "(a list of shared variables) in model.py: the model defines no module-level cost and "
        "params.\nIt found: x (input float64[?]), y (expression float64[?])\n")
