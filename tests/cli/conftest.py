"""Helpers for the CLI tests: write small real model files, run the command in-process."""

import textwrap

import pytest
from click.testing import CliRunner

from graphlens.cli.main import build_cli

LOGREG = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import function, grad, shared

    x = T.dmatrix("x")
    y = T.dvector("y")
    w = shared(np.zeros(3), name="w")
    b = shared(0.0, name="b")
    params = [w, b]
    p_1 = T.nnet.sigmoid(T.dot(x, w) + b)
    cost = T.nnet.binary_crossentropy(p_1, y).mean()
    gw, gb = grad(cost, params)
    train = function([x, y], cost, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    predict = function([x], p_1 > 0.5)
"""

SGN = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import shared

    X = T.dmatrix("X")
    W_enc = shared(np.ones((3, 2)), name="W_enc")
    W_dec = shared(np.ones((2, 3)), name="W_dec")
    params = [W_enc, W_dec]
    code = T.sgn(T.dot(X, W_enc))
    cost = T.sqr(T.dot(code, W_dec) - X).mean()
"""


@pytest.fixture
def write_model(tmp_path, monkeypatch):
    """write_model(source, name='model.py') -> the file name, relative to the (tmp) cwd."""
    monkeypatch.chdir(tmp_path)

    def write(source, name="model.py"):
        (tmp_path / name).write_text(textwrap.dedent(source))
        return name
    return write


@pytest.fixture
def run_cli():
    """run_cli(*args) -> click Result, stdout and stderr kept apart."""
    try:
        runner = CliRunner(mix_stderr=False)    # click 8.1 mixes stderr into stdout by default
    except TypeError:
        runner = CliRunner()                    # click >= 8.2 always keeps them apart

    def run(*args):
        return runner.invoke(build_cli(), list(args), catch_exceptions=False)
    return run
