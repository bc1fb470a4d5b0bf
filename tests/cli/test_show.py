"""`graphlens show`: where the picture goes, which format, and the summary it prints."""

import sys

import pytest

from graphlens.cli.model import load_model
from graphlens.cli.show import output_paths
from graphlens.cli.summary import graph_stages

from tests.cli.conftest import LOGREG, SGN


@pytest.fixture(autouse=True)
def wasm_layout(monkeypatch):
    # The same layout on every machine, with or without a system Graphviz.
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")


def test_default_output_is_the_model_path_with_svg(write_model, run_cli, tmp_path):
    path = write_model(SGN)
    result = run_cli("show", path)
    assert result.exit_code == 0, result.stderr
    svg = (tmp_path / "model.svg").read_text()
    assert svg.startswith("<?xml") and "</svg>" in svg
    stages = graph_stages(load_model(path).chosen[0][1])
    lines = result.stdout.splitlines()
    assert lines[:2] == ["wrote model.svg (cost, before and after rewrites)",
                         f"cost: {stages.nodes_before} nodes before, {stages.nodes_after} after "
                         f"rewrites"]
    assert lines[-3:] == ["gradient findings: 1",
                          "  W_enc: no gradient, blocked by sgn at model.py:9",
                          "  the full report, with remedies: graphlens trace model.py"]


def test_summary_names_each_rewrite_with_its_count(write_model, run_cli):
    path = write_model(SGN)
    stages = graph_stages(load_model(path).chosen[0][1])
    stdout = run_cli("show", path).stdout
    assert stages.rewrites, "the sgn model is rewritten by at least one rule"
    flat = " ".join(stdout.split())
    for rule, count in stages.rewrites.items():
        assert f"{rule} ×{count}" in flat


def test_several_functions_go_to_one_file_each(write_model, run_cli, tmp_path):
    result = run_cli("show", write_model(LOGREG), "--stage", "after")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "wrote model.train.svg (train, after rewrites)",
        "wrote model.predict.svg (predict, after rewrites)"]
    assert (tmp_path / "model.train.svg").read_bytes() != (tmp_path / "model.predict.svg"
                                                           ).read_bytes()
    assert result.stdout.splitlines()[-1] == ("gradient findings: none (the gradient of cost "
                                              "reaches w, b)")


def test_output_ending_picks_the_format(write_model, run_cli, tmp_path):
    path = write_model(SGN)
    assert run_cli("show", path, "-o", "out/pic.dot").exit_code == 0
    assert (tmp_path / "out" / "pic.dot").read_text().startswith("digraph")
    assert run_cli("show", path, "-o", "pic.html", "--stage", "before").exit_code == 0
    html = (tmp_path / "pic.html").read_text()
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")


def test_name_option_chooses_an_expression(write_model, run_cli, tmp_path):
    result = run_cli("show", write_model(LOGREG), "--name", "p_1", "-o", "p.svg")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "wrote p.svg (p_1, before and after rewrites)"


def test_unknown_output_ending_is_a_usage_error(write_model, run_cli, tmp_path):
    result = run_cli("show", write_model(SGN), "-o", "pic.jpeg")
    assert result.exit_code == 2
    assert "'pic.jpeg' does not end in one of .svg, .html, .dot, .png, .pdf" in result.stderr
    assert not (tmp_path / "pic.jpeg").exists()


def test_pdf_without_typst_names_the_one_command_that_adds_it(write_model, run_cli, tmp_path,
                                                             monkeypatch):
    monkeypatch.setitem(sys.modules, "typst", None)      # `import typst` fails, as without it
    result = run_cli("show", write_model(SGN), "-o", "pic.pdf")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: PDF without the system Graphviz needs Typst")
    assert 'Fix: `pip install "graphlens[pdf]"`' in result.stderr
    assert not (tmp_path / "pic.pdf").exists()


def test_open_with_no_display_says_so_and_exits_non_zero(write_model, run_cli, tmp_path,
                                                         monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    result = run_cli("show", write_model(SGN), "-o", "pic.svg", "--open")
    assert result.exit_code == 2
    assert result.stderr == ("error: --open could not open pic.svg: no graphical display "
                             "(DISPLAY and WAYLAND_DISPLAY are unset). The picture is written; "
                             "open it with a viewer of your own.\n")
    assert (tmp_path / "pic.svg").read_text().startswith("<?xml")
    assert result.stdout.startswith("wrote pic.svg")


def test_open_whose_opener_fails_reports_its_status(write_model, run_cli, tmp_path,
                                                    monkeypatch):
    # A desktop with no viewer for the file: xdg-open exits 3 ("no method available").
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text("#!/bin/sh\necho 'xdg-open: no method available for opening' >&2\nexit 3\n")
    opener.chmod(0o755)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("PATH", str(opener.parent))
    result = run_cli("show", write_model(SGN), "-o", "pic.svg", "--open")
    assert result.exit_code == 2
    assert ("could not open pic.svg: xdg-open exited with status 3 (xdg-open: no method "
            "available for opening)") in result.stderr


def test_open_that_works_exits_zero(write_model, run_cli, tmp_path, monkeypatch):
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text(f"#!/bin/sh\necho \"$1\" > {opened}\n")
    opener.chmod(0o755)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("PATH", str(opener.parent))
    result = run_cli("show", write_model(SGN), "-o", "pic.svg", "--open")
    assert result.exit_code == 0, result.stderr
    assert opened.read_text() == "pic.svg\n"


def test_model_without_cost_says_gradients_were_not_checked(write_model, run_cli):
    result = run_cli("show", write_model("import graphlens.tensor as T\nx = T.dvector('x')\n"
                                         "y = T.exp(x)\n"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "gradient findings: not checked (the model defines no module-level cost; "
        "define `cost` and `params` to check them)")


def test_output_paths_for_one_and_several_names():
    assert output_paths("m/model.py", ["train"], None) == (["m/model.svg"], "svg")
    assert output_paths("model.py", ["a", "b"], "x.HTML") == (["x.a.HTML", "x.b.HTML"], "html")


def test_rewrite_lists_wrap_between_items_never_inside_one():
    from graphlens.cli.summary import wrap_items

    items = [f"rule_{k} ×{k}" for k in range(30)]
    lines = wrap_items("  rewrites applied: ", items, width=60)
    assert all(len(line) <= 60 for line in lines)
    assert " ".join(" ".join(lines).split()) == "rewrites applied: " + ", ".join(items)
    assert all(line.startswith("    rule_") for line in lines[1:])


def test_show_draws_the_blocking_op_on_its_own_picture(write_model, run_cli, tmp_path):
    # The finding the summary prints ("blocked by sgn") is on the picture, in both halves.
    from graphlens.render.trace_overlay import BLOCKED_FILL
    path = write_model(SGN)
    result = run_cli("show", path, "-o", "model.dot")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "model.dot").read_text()
    marked = [line.split(" [")[0].strip() for line in text.splitlines()
              if f'fillcolor="{BLOCKED_FILL}"' in line and 'class="op"' in line]
    assert sorted(key[0] for key in marked) == ["a", "b"], marked
    assert "subgraph cluster_overlay_legend" in text and "gradient findings" in text


VALUES_MODEL = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import function, shared

    x = T.dmatrix("x")
    W = shared(np.array([[1.0, -1.0], [2.0, 0.0]]), name="W")
    relu = function([x], T.maximum(T.dot(x, W), 0), name="relu")
    example_inputs = {x: np.array([[1.0, 1.0], [-1.0, 0.0]])}
"""


def test_values_writes_each_nodes_summary_from_the_example_inputs(write_model, run_cli,
                                                                   tmp_path):
    result = run_cli("show", write_model(VALUES_MODEL), "--values", "-o", "pic.dot",
                     "--stage", "before")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "wrote pic.dot (relu, as given, before rewrites, " \
                                            "with values)"
    dot_text = (tmp_path / "pic.dot").read_text()
    # x @ W = [[3, -1], [-1, 1]]; its relu [[3, 0], [0, 1]]; the shapes from the example.
    assert "Dot\\nfloat64[2, 2]\\nmin -1 max 3 mean 0.5" in dot_text
    assert "Maximum\\nfloat64[2, 2]\\nmin 0 max 3 mean 1\\nzeros 50%" in dot_text
    assert "x\\nfloat64[2, 2]\\nmin -1 max 1 mean 0.25\\nzeros 25%" in dot_text
    without = run_cli("show", write_model(VALUES_MODEL), "-o", "plain.dot", "--stage", "before")
    assert without.exit_code == 0 and "mean" not in (tmp_path / "plain.dot").read_text()


def test_values_without_example_inputs_or_test_values_names_the_input(write_model, run_cli):
    result = run_cli("show", write_model(SGN), "--values", "-o", "pic.dot")
    assert result.exit_code != 0
    assert "'X'" in result.stderr and "example_inputs" in result.stderr


GATED = """\
    import graphlens.tensor as T
    from graphlens import function
    from graphlens.ifelse import ifelse

    a, x = T.dscalar("a"), T.dvector("x")
    gated = function([a, x], ifelse(T.gt(a, 0), T.sum(T.exp(x)), T.mean(x)), name="gated")
"""


def test_branches_borders_what_each_side_of_an_ifelse_runs(write_model, run_cli, tmp_path):
    result = run_cli("show", write_model(GATED), "-o", "pic.dot")
    assert result.exit_code == 0, result.stderr
    dot_text = (tmp_path / "pic.dot").read_text()
    assert 'label="runs only when the condition holds (then)"' in dot_text
    # Exp runs only for the then branch, before and after the rewrites (both stages drawn).
    assert dot_text.count('only for the then branch of the ifelse (model.py:6)') >= 2
    plain = run_cli("show", write_model(GATED), "--no-branches", "-o", "plain.dot")
    assert plain.exit_code == 0 and "then branch" not in (tmp_path / "plain.dot").read_text()
