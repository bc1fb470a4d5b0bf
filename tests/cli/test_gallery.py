"""`graphlens gallery`: pictures and README from a folder of models, the same bytes every run."""

import pytest

from graphlens.cli.gallery import gallery_order

from tests.cli.conftest import SGN


@pytest.fixture
def small_gallery(write_model, tmp_path):
    (tmp_path / "gallery").mkdir()
    write_model('"""An sgn autoencoder.\n\nIts encoder never learns."""\n' + SGN.replace(
        "\n    ", "\n").lstrip(), name="gallery/sgn_autoencoder.py")
    write_model('"""Logistic regression."""\nimport graphlens.tensor as T\n'
                'x = T.dvector("x")\np_1 = T.nnet.sigmoid(x) * 1\n', name="gallery/logreg.py")
    return tmp_path / "gallery"


def test_gallery_writes_one_svg_per_graph_and_a_readme(small_gallery, run_cli):
    result = run_cli("gallery")
    assert result.exit_code == 0, result.stderr
    images = sorted(path.name for path in (small_gallery / "images").iterdir())
    assert images == ["logreg.svg", "sgn_autoencoder.svg", "sgn_autoencoder.trace.svg"]
    trace_svg = (small_gallery / "images" / "sgn_autoencoder.trace.svg").read_text()
    assert trace_svg.startswith("<?xml") and "Sgn" in trace_svg
    readme = (small_gallery / "README.md").read_text()
    # logreg comes first: the gallery's order, not the alphabet's.
    assert readme.index("## Logistic regression") < readme.index("## An sgn autoencoder")
    assert "`gallery/sgn_autoencoder.py`: Its encoder never learns.\n" in readme
    assert "![sgn_autoencoder: cost, before and after the rewrites](images/sgn_autoencoder.svg)" \
        in readme
    assert "sgn at gallery/sgn_autoencoder.py:12" in readme
    assert "![sgn_autoencoder: the gradient of cost, traced](images/sgn_autoencoder.trace.svg)" \
        in readme
    assert result.stdout.splitlines()[0] == "4 files, 4 written"


def test_gallery_is_byte_identical_on_a_second_run_and_check_finds_stale_files(small_gallery,
                                                                               run_cli):
    run_cli("gallery")
    first = {path.name: path.read_bytes() for path in small_gallery.rglob("*.*")}
    second_run = run_cli("gallery")
    assert second_run.stdout.splitlines()[0] == "4 files, 0 written"
    assert {path.name: path.read_bytes() for path in small_gallery.rglob("*.*")} == first
    assert run_cli("gallery", "--check").exit_code == 0
    (small_gallery / "images" / "sgn_autoencoder.svg").write_text("old")
    result = run_cli("gallery", "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["4 files, 1 out of date",
                                          "  gallery/images/sgn_autoencoder.svg"]
    assert (small_gallery / "images" / "sgn_autoencoder.svg").read_text() == "old"


def test_gallery_reports_a_broken_model_and_draws_the_others(small_gallery, run_cli):
    (small_gallery / "broken.py").write_text("x = = 1\n")
    result = run_cli("gallery")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: gallery/broken.py is not valid Python:\n")
    assert (small_gallery / "images" / "logreg.svg").exists()


def test_gallery_order_puts_the_tutorial_first_and_unknown_models_last():
    assert gallery_order(["zeta.py", "dead_relu.py", "logreg.py", "alpha.py"]) == [
        "logreg.py", "dead_relu.py", "alpha.py", "zeta.py"]
