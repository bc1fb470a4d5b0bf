"""tests/theano_programs/signal_complex_ops.py: a Theano program using signal.conv.conv2d,
max_pool_2d_same_size, complex numbers and tri_gamma, with the word theano replaced, runs as
written and checks its own values."""

import pathlib
import runpy

PROGRAM = pathlib.Path(__file__).parents[1] / "theano_programs" / "signal_complex_ops.py"


def test_signal_complex_program_runs_renamed(capsys):
    runpy.run_path(str(PROGRAM), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "edges (3, 6, 6)"
    assert lines[1] == "same-size pooled conv costs fall True"
    assert lines[2] == "theta 0.7"
    assert lines[3] == "gamma shape 3.08"      # scipy.stats fits 3.08 to these draws too
