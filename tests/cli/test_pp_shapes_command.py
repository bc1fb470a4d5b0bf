"""`graphlens pp --shapes`: each line ends with its type, lengths from example_inputs."""

from tests.cli.conftest import LOGREG


def test_the_pp_command_takes_shapes_from_example_inputs(write_model, run_cli):
    model = LOGREG.replace('    predict = function([x], p_1 > 0.5)\n',
                           '    predict = function([x], p_1 > 0.5)\n'
                           '    example_inputs = {x: np.zeros((7, 3)), y: np.zeros(7)}\n')
    result = run_cli("pp", write_model(model), "--name", "predict", "--shapes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith("# bool[7]")
    refused = run_cli("pp", write_model(model), "--shapes", "--latex")
    assert refused.exit_code == 2 and "--shapes" in refused.stderr
