"""`graphlens show MODEL.py --profile N`: the function called N times on the model's
example_inputs under Theano's profiler, the picture shaded by time, the slowest nodes named."""

import numpy as np
import pytest

from tests.cli.conftest import LOGREG

TIMED_LOGREG = LOGREG + """\
    example_inputs = {x: np.ones((50, 3)), y: np.ones(50)}
"""


@pytest.fixture(autouse=True)
def wasm_layout(monkeypatch):
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")


def test_profile_times_the_calls_and_shades_the_picture(write_model, run_cli, tmp_path):
    path = write_model(TIMED_LOGREG)
    result = run_cli("show", path, "--name", "train", "--stage", "after", "--profile", "4",
                     "-o", str(tmp_path / "train.svg"))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("(train, after rewrites, with times)")
    assert lines[1].startswith("  timed 4 calls: ") and " ms per call, " in lines[1]
    # The three slowest nodes, largest share first.
    shares = [float(line.split("%")[0]) for line in lines[2:5]]
    assert len(shares) == 3 and shares == sorted(shares, reverse=True)
    svg = (tmp_path / "train.svg").read_text()
    assert "/call" in svg and "time over 4 calls" in svg
    assert "colour = the rewrite that made the node" not in svg


def test_profile_without_example_inputs_names_the_input(write_model, run_cli):
    path = write_model(LOGREG)
    result = run_cli("show", path, "--name", "train", "--profile", "2")
    assert result.exit_code == 2
    assert "--profile calls train on the model's example_inputs" in result.stderr
    assert "'x' (float64[?, ?], built at model.py:5)" in result.stderr
