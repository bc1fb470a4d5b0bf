"""Every LaTeX graphlens writes is parsed by a real LaTeX parser (KaTeX, through Node).

The formulas: the golden LaTeX printouts, every golden case printed as LaTeX (compiled functions
with fused ops included), every drawable of every gallery model, and the README's gradient.
`.ci/run` installs KaTeX; where Node or KaTeX is missing the test skips, except in CI
(`CI=true`), where a missing parser is a failure, never a silent pass.
"""

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.cli.model import load_model

from tests.render.golden_cases import CASES, GOLDEN_DIR

ROOT = Path(__file__).resolve().parents[2]
CHECKER = Path(__file__).with_name("katex_check.js")
# Where .ci/run installs KaTeX (`npm install --prefix .ci/node katex`).
NODE_PATH = ROOT / ".ci" / "node" / "node_modules"


def katex_errors(formulas):
    """For each formula, None or the error KaTeX raised parsing it."""
    node = shutil.which("node")
    if node is None or not (NODE_PATH / "katex").is_dir():
        if os.environ.get("CI"):
            pytest.fail("KaTeX is not installed: .ci/run installs it with npm")
        pytest.skip("Node.js with KaTeX is needed (npm install --prefix .ci/node katex)")
    result = subprocess.run([node, str(CHECKER)], input=json.dumps(formulas), text=True,
                            capture_output=True, timeout=120,
                            env=dict(os.environ, NODE_PATH=str(NODE_PATH)))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_all_parse(named_formulas):
    names, formulas = zip(*named_formulas)
    errors = katex_errors(list(formulas))
    bad = [f"{name}: {error}\n  {formula[:300]}"
           for name, formula, error in zip(names, formulas, errors) if error]
    assert not bad, "\n".join(bad)


def test_the_parser_rejects_what_the_old_printer_wrote():
    # The form pp wrote for a fused op with a shared sub-expression before it was fixed.
    broken = r"t_{2} = \operatorname{C}\left\{u_{1} &= a; & u_{1}\right\}\left(x\right)"
    assert katex_errors([broken, r"\frac{a}{b}"])[0] is not None
    assert katex_errors([r"\frac{a}{b}"]) == [None]


def test_golden_latex_printouts_parse():
    files = sorted(glob.glob(str(GOLDEN_DIR / "pp" / "latex_*.txt")))
    assert len(files) >= 4
    assert_all_parse([(Path(f).name, Path(f).read_text()) for f in files])


def test_every_golden_case_printed_as_latex_parses():
    assert_all_parse([(name, pp(build(), latex=True)) for name, build in CASES.items()])


def test_every_gallery_model_printed_as_latex_parses(monkeypatch):
    monkeypatch.chdir(ROOT)
    formulas = []
    for path in sorted(glob.glob("gallery/*.py")):
        model = load_model(path)
        for name, obj in model.drawable.items():
            formulas.append((f"{path}:{name}", pp(obj, latex=True)))
    assert len(formulas) >= 20
    assert_all_parse(formulas)


def test_readme_gradient_with_a_fused_shared_subexpression_parses():
    x, w, y = T.dmatrix("x"), T.dvector("w"), T.dvector("y")
    cost = T.sqr(T.nnet.sigmoid(T.dot(x, w)) - y).mean()
    text = pp(function([x, w, y], grad(cost, w)), latex=True)
    assert r"u_{1} = \operatorname{sigmoid}" in text
    assert_all_parse([("README gradient", text)])
