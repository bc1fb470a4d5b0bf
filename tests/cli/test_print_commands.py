"""`graphlens pp` and `graphlens debugprint`: each chosen graph under a `# name` header."""

from graphlens.cli.model import load_model
from graphlens.render.debugprint import debugprint
from graphlens.render.pp import pp

from tests.cli.conftest import LOGREG, SGN


def test_pp_prints_the_cost_formula_under_its_name(write_model, run_cli):
    path = write_model(SGN)
    result = run_cli("pp", path)
    assert result.exit_code == 0, result.stderr
    cost = load_model(path).chosen[0][1]
    assert result.stdout == f"# cost\n{pp(cost)}\n"
    assert "sgn(X @ W_enc)" in result.stdout


def test_pp_prints_every_function_in_order(write_model, run_cli):
    path = write_model(LOGREG)
    train, predict = (obj for _, obj in load_model(path).chosen)
    result = run_cli("pp", path)
    assert result.stdout == f"# train\n{pp(train)}\n\n# predict\n{pp(predict)}\n"


def test_debugprint_shows_the_compiled_graph_by_default(write_model, run_cli):
    path = write_model(LOGREG)
    predict = dict(load_model(path).chosen)["predict"]
    result = run_cli("debugprint", path, "--name", "predict")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "# predict\n" + debugprint(predict, file="str").rstrip("\n") + "\n"


def test_debugprint_stage_before_shows_the_graph_as_given(write_model, run_cli):
    path = write_model(LOGREG)
    predict = dict(load_model(path).chosen)["predict"]
    before = run_cli("debugprint", path, "--name", "predict", "--stage", "before").stdout
    after = run_cli("debugprint", path, "--name", "predict").stdout
    assert before == ("# predict\n" + debugprint(predict, file="str", stage="before").rstrip("\n")
                      + "\n")
    assert after == "# predict\n" + debugprint(predict, file="str").rstrip("\n") + "\n"
    if len(predict.rewrite_log):
        assert before != after


def test_debugprint_of_an_expression_ignores_stage(write_model, run_cli):
    result = run_cli("debugprint", write_model(SGN), "--stage", "before")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# cost\n")
    assert "Sgn" in result.stdout


def test_pp_latex_and_stage_before_reach_the_printer(write_model, run_cli):
    path = write_model(LOGREG)
    train = dict(load_model(path).chosen)["train"]
    latex = run_cli("pp", path, "--name", "train", "--latex").stdout
    before = run_cli("pp", path, "--name", "train", "--stage", "before").stdout
    assert latex == f"# train\n{pp(train, latex=True)}\n"
    assert before == f"# train\n{pp(train, stage='before')}\n"


def test_debugprint_depth_folds_the_tree(write_model, run_cli):
    path = write_model(SGN)
    cost = load_model(path).chosen[0][1]
    result = run_cli("debugprint", path, "--depth", "1")
    assert result.stdout == "# cost\n" + debugprint(cost, file="str", depth=1).rstrip("\n") + "\n"
    assert len(result.stdout.splitlines()) < len(run_cli("debugprint", path).stdout.splitlines())
