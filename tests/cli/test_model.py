"""Loading model files: what runs, what is found, what is chosen, and each error's message."""

import os

import pytest

from graphlens.cli.model import load_model
from graphlens.errors import ModelError

from tests.cli.conftest import LOGREG, SGN


def test_functions_are_chosen_by_default_in_definition_order(write_model):
    model = load_model(write_model(LOGREG))
    assert [name for name, _ in model.chosen] == ["train", "predict"]
    assert model.cost is not None and [p.name for p in model.params] == ["w", "b"]


def test_cost_is_chosen_when_there_are_no_functions(write_model):
    model = load_model(write_model(SGN))
    assert [name for name, _ in model.chosen] == ["cost"]


def test_every_expression_is_chosen_without_functions_or_cost(write_model):
    path = write_model("""\
        import graphlens.tensor as T
        x = T.dvector("x")
        h = T.exp(x)
        pair = [h, x * 2]
        inputs = [x]
    """)
    model = load_model(path)
    assert [name for name, _ in model.chosen] == ["h", "pair"]
    assert model.no_gradient_reason == "the model defines no module-level cost"


def test_graphlens_list_in_the_model_chooses_names_in_its_order(write_model):
    path = write_model(LOGREG + "    __graphlens__ = ['cost', 'predict']\n")
    assert [name for name, _ in load_model(path).chosen] == ["cost", "predict"]


def test_names_given_override_the_models_list(write_model):
    path = write_model(LOGREG + "    __graphlens__ = ['cost']\n")
    assert [name for name, _ in load_model(path, ["p_1"]).chosen] == ["p_1"]


def test_training_block_under_main_guard_does_not_run(write_model):
    path = write_model(LOGREG + "    if __name__ == '__main__':\n        raise SystemExit(5)\n")
    assert len(load_model(path).chosen) == 2


def test_model_imports_a_module_next_to_it_like_python_does(write_model):
    write_model("import graphlens.tensor as T\nx = T.dvector('x')\n", name="layers.py")
    path = write_model("from layers import x\nimport sys\nargv = list(sys.argv)\ny = x + 1\n")
    model = load_model(path)
    assert [name for name, _ in model.chosen] == ["y"]


def test_missing_file_is_named(write_model):
    write_model("")
    with pytest.raises(ModelError, match=r"no model file at 'nope.py' \(looked for .*nope.py\)"):
        load_model("nope.py")


def test_syntax_error_is_shown_as_python_shows_it_at_the_models_line(write_model):
    path = write_model("import graphlens.tensor as T\nx = T.dscalar('x')\ny = = x + 1\n")
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert str(info.value) == ('model.py is not valid Python:\n'
                               '  File "model.py", line 3\n'
                               '    y = = x + 1\n'
                               '        ^\n'
                               'SyntaxError: invalid syntax')


def test_model_that_raises_shows_only_the_users_frames(write_model):
    path = write_model("""\
        import graphlens.tensor as T

        def layer(x):
            return T.sum(x, axis=5)

        x = T.dmatrix("x")
        h = layer(x)
    """)
    with pytest.raises(ModelError) as info:
        load_model(path)
    message = str(info.value)
    assert message.startswith("model.py raised an error while graphlens ran it:\n"
                              "Traceback (most recent call last, graphlens's own frames left "
                              "out):\n  File \"model.py\", line 7, in <module>\n")
    assert '  File "model.py", line 4, in layer\n    return T.sum(x, axis=5)\n' in message
    assert message.splitlines()[-1] == ("graphlens.errors.AxisError: sum: axis 5 is out of "
                                        "range for 'x' (float64[?, ?], built at model.py:6) "
                                            "(at model.py:4)")
    assert "graphlens" + os.sep not in message.replace("graphlens.errors", "")


def test_model_calling_sys_exit_is_an_error(write_model):
    with pytest.raises(ModelError, match=r"called sys.exit\(3\) while graphlens ran it"):
        load_model(write_model("import sys\nsys.exit(3)\n"))


def test_model_with_nothing_drawable_lists_what_it_found(write_model):
    path = write_model("""\
        import numpy as np
        import graphlens.tensor as T
        from graphlens import shared
        x = T.dmatrix("x")
        w = shared(np.zeros(3), name="w")
        n = 3
    """)
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert str(info.value).splitlines()[-1] == (
        "It found: x (input float64[?, ?]), w (shared variable float64[?]), n (int)")


def test_unknown_name_lists_the_drawable_names(write_model):
    with pytest.raises(ModelError, match=r"defines no 'trian'; drawable names: p_1, cost, gw, "
                                         r"gb, train, predict"):
        load_model(write_model(LOGREG), ["trian"])


def test_name_of_an_input_is_not_drawable(write_model):
    with pytest.raises(ModelError, match=r"'w' is a shared variable float64\[\?\], not something "
                                         r"to draw"):
        load_model(write_model(LOGREG), ["w"])


def test_graphlens_list_must_be_a_list_of_names(write_model):
    with pytest.raises(ModelError, match=r"__graphlens__ must be a list of names"):
        load_model(write_model(LOGREG + "    __graphlens__ = 'train'\n"))


def test_loading_leaves_sys_state_as_it_was(write_model):
    import sys
    argv, path = list(sys.argv), list(sys.path)
    load_model(write_model(LOGREG))
    assert sys.argv == argv and sys.path == path and "__graphlens_model__" not in sys.modules


def test_params_are_the_float_weights_cost_reads_when_the_model_names_none(write_model):
    # The LSTM tutorial keeps its weights in a dict (tparams) and a float scalar flag
    # (use_noise); without `params`, the weights are checked and the flag is not.
    path = write_model(
        "import numpy as np\nimport graphlens, graphlens.tensor as T\n"
        "W = graphlens.shared(np.ones((3, 2)), name='W')\n"
        "b = graphlens.shared(np.zeros(2), name='b')\n"
        "steps = graphlens.shared(np.int64(0), name='steps')\n"
        "use_noise = graphlens.shared(np.asarray(0.0), name='use_noise')\n"
        "x = T.dmatrix('x')\n"
        "cost = T.switch(use_noise, T.dot(x, W) + b, (T.dot(x, W) + b) * 0.5).sum() + steps\n")
    model = load_model(path)
    assert [p.name for p in model.params] == ["W", "b"] and model.params_inferred
    tparams = write_model(
        "import numpy as np\nimport graphlens, graphlens.tensor as T\n"
        "tparams = {'U': graphlens.shared(np.ones((3, 2)), name='U')}\n"
        "params = tparams\nx = T.dmatrix('x')\ncost = T.dot(x, tparams['U']).sum()\n")
    model = load_model(tparams)
    assert [p.name for p in model.params] == ["U"] and not model.params_inferred
