"""The README's REPL session prints what graphlens prints today."""

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_session_runs_as_shown(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)       # the session writes grad.svg
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    session = "\n".join(block for block in blocks if ">>>" in block)
    assert session.count(">>>") >= 10, "the README shows a ten-line session"
    parser = doctest.DocTestParser()
    test = parser.get_doctest(session, {}, "README", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README examples print something else"
    assert (tmp_path / "grad.svg").read_text().startswith("<?xml")


def test_readme_main_job_output_is_what_graphlens_show_prints(tmp_path, monkeypatch):
    # The main job's shown output goes stale as rewrites change: it is checked here.
    import shutil

    from click.testing import CliRunner

    from graphlens.cli.main import build_cli

    text = README.read_text()
    shown = re.search(r"\$ graphlens show gallery/sgn_autoencoder.py\n(.*?)```", text,
                      flags=re.S).group(1)
    (tmp_path / "gallery").mkdir()
    shutil.copy(README.parent / "gallery" / "sgn_autoencoder.py", tmp_path / "gallery")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")
    result = CliRunner().invoke(build_cli(), ["show", "gallery/sgn_autoencoder.py"])
    assert result.exit_code == 0, result.output
    # A slow layout adds a progress line ("[   2.2 s] laid out 72 nodes ..."): how long the
    # machine took, not what the README shows.
    printed = "".join(line for line in result.output.splitlines(keepends=True)
                      if not re.match(r"\[\s*[\d.]+ s\] ", line))
    assert printed == shown
