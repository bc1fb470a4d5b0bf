"""`graphlens pp` and `graphlens debugprint`: each chosen graph under a `# name` header.

The expected text is written out here, not asked of the library: a CLI that printed the wrong
graph, stage or option through the right printer must fail these tests.
"""

from tests.cli.conftest import LOGREG, SGN

SGN_TREE = """\
Mean{axis=(0, 1)} [id A] float64
└─ Sqr [id B] float64[?, 3]
   └─ Sub [id C] float64[?, 3]
      ├─ Dot [id D] float64[?, 3]
      │  ├─ Sgn [id E] float64[?, 2]
      │  │  └─ Dot [id F] float64[?, 2]
      │  │     ├─ X [id G] float64[?, ?]
      │  │     └─ W_enc [id H] float64[3, 2] shared
      │  └─ W_dec [id I] float64[2, 3] shared
      └─ X [id G] float64[?, ?]
"""

PREDICT_BEFORE = """\
Gt [id A] bool[?]
├─ Sigmoid [id B] float64[?]
│  └─ Add [id C] float64[?]
│     ├─ Dot [id D] float64[?]
│     │  ├─ x [id E] float64[?, ?]
│     │  └─ w [id F] float64[3] shared
│     └─ DimShuffle{x} [id G] float64[1]
│        └─ b [id H] float64 shared
└─ 0.5 [id I] float64[1]
"""

PREDICT_AFTER = """\
Composite{sigmoid(i0 + i1) > 0.5} [id A] bool[?]
├─ Gemv [id B] float64[?]
│  ├─ x [id C] float64[?, ?]
│  └─ w [id D] float64[3] shared
├─ DimShuffle{x} [id E] float64[1]
│  └─ b [id F] float64 shared
└─ inner graph
   └─ Gt [id G] bool[?]
      ├─ Sigmoid [id H] float64[?]
      │  └─ Add [id I] float64[?]
      │     ├─ i0 [id J] float64[?]
      │     └─ i1 [id K] float64[1]
      └─ 0.5 [id L] float64[1]
"""

TRAIN_BEFORE = """\
%1 = sigmoid(x @ w + b)
%2 = 1.0 - y
%3 = 1.0 - %1
%4 = -(y * log(%1) + %2 * log(%3))
%5 = -(fill(%4, 1.0) / cast(size(%4), dtype='float64'))
%6 = (-(%5 * %2 / %3) + %5 * y / %1) * %1 * (1.0 - %1)
out1 = mean(%4)
w <- w - 0.1 * (%6 @ x)
b <- b - 0.1 * sum(%6)[0]
"""


def test_pp_prints_the_cost_formula_under_its_name(write_model, run_cli):
    result = run_cli("pp", write_model(SGN))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "# cost\nmean(sqr(sgn(X @ W_enc) @ W_dec - X))\n"


def test_pp_prints_every_function_in_order(write_model, run_cli):
    result = run_cli("pp", write_model(LOGREG))
    assert result.exit_code == 0, result.stderr
    train, predict = result.stdout.split("\n\n")
    # The gradient's count reads x's rows (size_through_product), so x @ w is not named alone;
    # the loss and both sigmoids of the scores are one node (sigmoid_parts_shared).
    assert train.startswith("# train\n%1, %2, %3 = sigmoid_bce_parts(x @ w + b, y)\n")
    assert "\nout1 = mean(%1)\n" in train
    assert "\nw <- w - 0.1 * (" in train and "\nb <- b - 0.1 * sum(" in train
    assert predict == "# predict\nout1 = sigmoid(x @ w + b) > 0.5\n"


def test_debugprint_shows_the_compiled_graph_by_default(write_model, run_cli):
    result = run_cli("debugprint", write_model(LOGREG), "--name", "predict")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "# predict\n" + PREDICT_AFTER


def test_debugprint_stage_before_shows_the_graph_as_given(write_model, run_cli):
    path = write_model(LOGREG)
    before = run_cli("debugprint", path, "--name", "predict", "--stage", "before").stdout
    assert before == "# predict\n" + PREDICT_BEFORE


def test_debugprint_of_an_expression_ignores_stage(write_model, run_cli):
    result = run_cli("debugprint", write_model(SGN), "--stage", "before")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "# cost\n" + SGN_TREE


def test_pp_latex_and_stage_before_reach_the_printer(write_model, run_cli):
    path = write_model(LOGREG)
    latex = run_cli("pp", path, "--name", "train", "--latex").stdout
    before = run_cli("pp", path, "--name", "train", "--stage", "before").stdout
    assert latex.startswith("# train\n\\begin{aligned}\nt_{1}, t_{2}, t_{3} &= "
                            "\\operatorname{sigmoid\\_bce\\_parts}\\left(x \\, w + b, y\\right)")
    assert latex.endswith("\\end{aligned}\n")
    assert before == "# train\n" + TRAIN_BEFORE


def test_debugprint_depth_folds_the_tree(write_model, run_cli):
    path = write_model(SGN)
    assert run_cli("debugprint", path, "--depth", "1").stdout == (
        "# cost\nMean{axis=(0, 1)} [id A] float64 …\n")
    assert run_cli("debugprint", path).stdout == "# cost\n" + SGN_TREE
