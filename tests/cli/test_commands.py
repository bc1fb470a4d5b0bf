"""The commands through click's CliRunner: output, exit status, errors, help and version."""

import pytest

import graphlens
from graphlens.cli.main import build_cli

from tests.cli.conftest import LOGREG, SGN


def test_version_prints_the_package_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"graphlens {graphlens.__version__}\n"


@pytest.mark.parametrize("command", sorted(build_cli().commands))
def test_every_command_help_has_an_example_of_itself(run_cli, command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    examples = result.stdout.split("Examples:\n", 1)[1]
    assert f"graphlens {command} " in examples


def test_group_help_lists_commands_as_wired_not_alphabetically(run_cli):
    from graphlens.cli.main import COMMANDS

    lines = run_cli("--help").stdout.split("Commands:\n", 1)[1].splitlines()
    wired = [attribute.removesuffix("_command") for _, attribute in COMMANDS]
    assert [line.split()[0] for line in lines] == wired


def test_diff_reports_nodes_rewrites_and_changed_ops(write_model, run_cli):
    from graphlens.cli.model import load_model
    from graphlens.cli.summary import graph_stages

    path = write_model(SGN)
    result = run_cli("diff", path)
    assert result.exit_code == 0, result.stderr
    stages = graph_stages(load_model(path).chosen[0][1])
    lines = result.stdout.splitlines()
    assert lines[:2] == ["cost", f"  nodes: {stages.nodes_before} before -> "
                                 f"{stages.nodes_after} after"]
    for rule, count in stages.rewrites.items():
        assert any(line.split() == [rule, f"×{count}"] for line in lines)


def test_diff_counts_match_the_function_graphs(write_model, run_cli):
    from graphlens.cli.model import load_model

    path = write_model(LOGREG)
    train = dict(load_model(path).chosen)["train"]
    result = run_cli("diff", path, "--name", "train")
    assert result.stdout.splitlines()[1] == (f"  nodes: {len(train.fgraph_before.apply_nodes)} "
                                             f"before -> {len(train.fgraph.apply_nodes)} after")


@pytest.mark.parametrize("command", ["show", "pp", "debugprint", "trace", "diff"])
def test_missing_model_file_is_exit_2_with_one_line(run_cli, write_model, command):
    assert command in build_cli().commands, f"the {command} command is not wired"
    result = run_cli(command, "absent.py")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: no model file at 'absent.py' (looked for ")
    assert len(result.stderr.splitlines()) == 1


def test_model_syntax_error_is_exit_2_as_python_shows_it(write_model, run_cli):
    result = run_cli("diff", write_model("x = (1,\n"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == ["error: model.py is not valid Python:",
                                              '  File "model.py", line 1']
    assert result.stderr.splitlines()[-1].startswith("SyntaxError: ")


def test_model_that_raises_is_exit_2_with_its_own_frames_only(write_model, run_cli):
    result = run_cli("diff", write_model("import numpy as np\nvalues = np.zeros(3)\n"
                                         "values.reshape(2, 2)\n"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: model.py raised an error while graphlens ran it:",
        "Traceback (most recent call last, graphlens's own frames left out):",
        '  File "model.py", line 3, in <module>',
        "    values.reshape(2, 2)",
        "ValueError: cannot reshape array of size 3 into shape (2,2)"]


def test_model_with_nothing_drawable_is_exit_2(write_model, run_cli):
    result = run_cli("diff", write_model("import graphlens.tensor as T\nx = T.dvector('x')\n"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "It found: x (input float64[?])"


def test_unknown_name_option_is_exit_2(write_model, run_cli):
    result = run_cli("diff", write_model(LOGREG), "--name", "nope")
    assert result.exit_code == 2
    assert "defines no 'nope'; drawable names: p_1, cost, gw, gb, train, predict" in result.stderr


def _group_with_a_failing_command(error):
    """The real graphlens group with one extra command that raises `error`."""
    import click

    cli = build_cli()

    @cli.command("explode")
    def explode():
        raise error
    return cli


def test_an_internal_error_is_one_message_and_status_3_without_traceback():
    from click.testing import CliRunner

    cli = _group_with_a_failing_command(KeyError("lost"))
    result = CliRunner().invoke(cli, ["explode"], catch_exceptions=False)
    assert result.exit_code == 3
    assert result.output == (
        "error: graphlens failed inside its own code (KeyError: 'lost'). This is a bug in "
        "graphlens; rerun with `graphlens --traceback ...` to see where, and report it.\n")


def test_traceback_flag_lets_an_internal_error_through():
    from click.testing import CliRunner

    cli = _group_with_a_failing_command(KeyError("lost"))
    result = CliRunner().invoke(cli, ["--traceback", "explode"])
    assert isinstance(result.exception, KeyError)


def test_a_graphlens_error_from_a_command_is_status_2():
    from click.testing import CliRunner

    from graphlens.errors import LayoutBackendError

    cli = _group_with_a_failing_command(LayoutBackendError("no Graphviz backend"))
    result = CliRunner().invoke(cli, ["explode"], catch_exceptions=False)
    assert (result.exit_code, result.output) == (2, "error: no Graphviz backend\n")
