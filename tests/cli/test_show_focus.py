"""`graphlens show --focus/--hops/--path` and the picture options `--max-nodes`, `--rankdir`,
`--backend`: what is drawn, what is printed, and the errors a user can fix (exit status 2)."""

import re

import pytest

from tests.cli.conftest import SGN

TWO_W = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import shared

    x = T.dvector("x")
    first = shared(np.ones(3), name="W")
    second = shared(np.ones(3), name="W")
    cost = (T.exp(x * first) + second).sum()
"""

DISJOINT = """\
    import graphlens.tensor as T

    x = T.dvector("x")
    y = T.dvector("y")
    both = [T.exp(x), T.log(y)]
"""


@pytest.fixture(autouse=True)
def wasm_layout(monkeypatch):
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")


def _ops(dot_text):
    """First label lines of the drawn ops, sorted."""
    lines = re.findall(r"^\s*\w+ \[(.*)\];$", dot_text, re.M)
    return sorted(re.search(r'label="([^"]*)"', attrs).group(1).split("\\n")[0]
                  for attrs in lines if 'class="op"' in attrs)


def _title(dot_text):
    return re.search(r'graph \[[^\]]*label="([^"]*)"', dot_text).group(1)


def test_focus_on_a_parameter_draws_the_gradients_route_with_the_blocking_sgn(write_model,
                                                                              run_cli):
    path = write_model(SGN)
    result = run_cli("show", path, "--focus", "W_enc", "--stage", "before", "-o", "pic.dot")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        "  focus: the gradient's route from cost to W_enc (forward and gradient graph); "
        "--hops N draws its neighbourhood instead")
    assert result.stdout.splitlines()[2] == "    drawn: 6 of 6 ops before"
    text = open("pic.dot").read()
    assert _ops(text) == ["Dot", "Dot", "Mean{axis=(0, 1)}", "Sgn", "Sqr", "Sub"]
    assert _title(text).split("\\n")[1:] == [
        "focus: the gradient's route from cost to W_enc",
        "the gradient of cost dies before W_enc: blocked by sgn at model.py:9"]
    sgn = re.search(r'^\s*b_n\d+ \[[^\n]*label="Sgn[^\n]*$', text, re.M).group(0)
    assert 'fillcolor="#fde0dd"' in sgn and 'color="#d62728"' in sgn


def test_hops_draw_the_neighbourhood_instead(write_model, run_cli):
    path = write_model(SGN)
    result = run_cli("show", path, "--focus", "W_enc", "--hops", "1", "--stage", "before",
                     "-o", "pic.dot")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:3] == ["  focus: within 1 hop of W_enc",
                                               "    drawn: 1 of 6 ops before"]
    text = open("pic.dot").read()
    assert _ops(text) == ["Dot"]
    assert "... read by 1 more op" in text and "... 1 more input\\nX" in text


def test_path_between_the_cost_and_a_parameter(write_model, run_cli):
    path = write_model(SGN)
    result = run_cli("show", path, "--path", "cost", "code", "--stage", "before",
                     "-o", "pic.dot")
    assert result.exit_code == 0, result.stderr
    text = open("pic.dot").read()
    assert _ops(text) == ["Dot", "Mean{axis=(0, 1)}", "Sgn", "Sqr", "Sub"]
    assert "focus: the path between cost and code" in _title(text)


def test_no_path_is_an_error_a_user_can_fix(write_model, run_cli):
    path = write_model(DISJOINT)
    result = run_cli("show", path, "--path", "x", "y", "-o", "pic.dot")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: no path joins x and y in function 'both' before rewrites: neither is "
        "computed from the other, and no op reads both")


def test_an_unknown_name_lists_the_names_there_are(write_model, run_cli):
    result = run_cli("show", write_model(SGN), "--focus", "W_mid", "-o", "pic.dot")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: no variable named 'W_mid' in function 'cost' before rewrites. Its named "
        "variables: W_dec, W_enc, X; the model's names: code, cost")


def test_a_repeated_name_is_ambiguous_until_numbered(write_model, run_cli):
    path = write_model(TWO_W)
    result = run_cli("show", path, "--focus", "W", "-o", "pic.dot")
    assert result.exit_code == 2
    assert re.match(r"error: 'W' names 2 different variables in function 'cost' before "
                    r"rewrites: W \(built at model.py:6\), W_2 \(built at model.py:7\)\. Say "
                    r"which one: W, W_2", result.stderr)
    result = run_cli("show", path, "--focus", "W_2", "--hops", "1", "-o", "pic.dot",
                     "--stage", "before")
    assert result.exit_code == 0, result.stderr
    assert _ops(open("pic.dot").read()) == ["Add"]


def test_option_combinations_that_say_two_things_are_refused(write_model, run_cli):
    path = write_model(SGN)
    hops_alone = run_cli("show", path, "--hops", "2")
    assert hops_alone.exit_code == 2 and "give --focus NAME too" in hops_alone.stderr
    both = run_cli("show", path, "--focus", "W_enc", "--path", "cost", "W_enc")
    assert both.exit_code == 2 and "give one of them" in both.stderr


def test_rankdir_reaches_the_dot_text(write_model, run_cli):
    path = write_model(SGN)
    assert run_cli("show", path, "--rankdir", "LR", "-o", "pic.dot").exit_code == 0
    assert 'rankdir="LR"' in open("pic.dot").read()
    assert run_cli("show", path, "-o", "pic.dot").exit_code == 0
    assert 'rankdir="TB"' in open("pic.dot").read()
    assert run_cli("show", path, "--rankdir", "XY").exit_code == 2


def test_max_nodes_is_honoured(write_model, run_cli):
    path = write_model(SGN)
    assert run_cli("show", path, "--stage", "before", "--max-nodes", "3",
                   "-o", "pic.dot").exit_code == 0
    text = open("pic.dot").read()
    assert len(_ops(text)) == 3
    assert re.search(r"\.\.\. \d+ more ops not drawn.*\(max_nodes=3\)", text)
    assert run_cli("show", path, "--stage", "before", "--max-nodes", "all",
                   "-o", "pic.dot").exit_code == 0
    assert "more ops not drawn" not in open("pic.dot").read()
    refused = run_cli("show", path, "--max-nodes", "0")
    assert refused.exit_code == 2 and "not a positive number of ops or 'all'" in refused.stderr


def test_backend_is_passed_to_the_layout(write_model, run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")
    monkeypatch.setenv("PATH", str(tmp_path))          # no system `dot` anywhere
    path = write_model(SGN)
    # The environment says wasm, which would draw; --backend system must be the one asked,
    # and with no `dot` on PATH it says so (exit 2).
    refused = run_cli("show", path, "--backend", "system")
    assert refused.exit_code == 2
    assert "dot" in refused.stderr
    assert run_cli("show", path, "--backend", "wasm").exit_code == 0
    assert run_cli("show", path, "--backend", "cairo").exit_code == 2


def test_the_focus_examples_of_the_help_run(run_cli, tmp_path, monkeypatch):
    import shlex
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    examples = run_cli("show", "--help").stdout.split("Examples:\n", 1)[1].split("\n\n")[0]
    focused = [line.split() for line in examples.splitlines()
               if "--focus" in line or "--path" in line]
    assert len(focused) == 3
    for number, words in enumerate(focused):
        out = str(tmp_path / f"example{number}.dot")
        result = run_cli(*words[1:], "-o", out)
        assert result.exit_code == 0, (shlex.join(words), result.stderr)
        assert "focus: " in open(out).read()
