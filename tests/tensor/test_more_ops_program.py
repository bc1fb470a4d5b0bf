"""tests/theano_programs/more_ops.py: a Theano program using the ops of this module set, with
the word theano replaced, runs as written and checks its own values against numpy."""

import pathlib
import runpy

PROGRAM = pathlib.Path(__file__).parents[1] / "theano_programs" / "more_ops.py"


def test_more_ops_program_runs_renamed(capsys):
    runpy.run_path(str(PROGRAM), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == ("upsampled [[0.0, 0.5, 1.0, 1.0], [1.0, 1.5, 2.0, 2.0], "
                        "[2.0, 2.5, 3.0, 3.0], [2.0, 2.5, 3.0, 3.0]]")
    assert "argmax at [1, 0]" in lines
    assert "flat [ 0 15]" in lines
    assert lines[-1] == "rfft (2, 5, 2) float64"
