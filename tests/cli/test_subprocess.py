"""The command as a real process: `python -m graphlens.cli.main` and the `graphlens` script."""

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import graphlens

from tests.cli.conftest import SGN

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "graphlens.cli.main", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_module_entry_point_runs_diff_on_a_model(write_model, tmp_path):
    path = write_model(SGN)
    result = run(["diff", path], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "cost"
    assert result.stderr == ""


def test_broken_model_in_a_process_is_a_message_and_status_2_not_a_traceback(write_model,
                                                                            tmp_path):
    path = write_model("import graphlens.tensor as T\nx = T.dmatrix('x')\ny = T.sum(x, axis=3)\n")
    result = run(["diff", path], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == ("error: model.py raised an error while graphlens "
                                             "ran it:")
    assert 'File "model.py", line 3, in <module>' in result.stderr
    assert os.path.join("graphlens", "tensor") not in result.stderr


@pytest.mark.skipif(shutil.which("graphlens") is None, reason="the console script is not on PATH")
def test_console_script_prints_the_version(tmp_path):
    result = subprocess.run(["graphlens", "--version"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout == f"graphlens {graphlens.__version__}\n"


def test_progress_shows_on_a_terminal_and_never_in_a_pipe(write_model, tmp_path):
    import pty
    import select

    path = write_model(SGN)
    piped = run(["diff", path], tmp_path)
    assert "running" not in piped.stdout + piped.stderr
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               TERM="xterm", COLUMNS="100")
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "graphlens.cli.main", "diff", path],
                               cwd=tmp_path, env=env, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:     # the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(leader)
    assert process.returncode == 0
    assert b"running model.py" in seen      # the spinner, on the terminal only
    assert b"nodes:" in seen


def test_model_calling_os_exit_is_an_error_not_a_silent_status_0(write_model, tmp_path):
    path = write_model(textwrap.dedent(SGN) + "import os\nos._exit(0)\n")
    result = run(["diff", path], tmp_path)
    assert result.returncode == 2
    assert "model.py called os._exit(0) while graphlens ran it" in result.stderr


def test_model_replacing_stdout_does_not_swallow_the_report(write_model, tmp_path):
    path = write_model(textwrap.dedent(SGN) + "import io, sys\nsys.stdout = io.StringIO()\n"
                       "sys.stderr = io.StringIO()\n")
    result = run(["diff", path], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "cost"


def test_model_changing_folder_gets_its_picture_where_show_says(write_model, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "net.py").write_text(textwrap.dedent(SGN) + "import os\nos.chdir('/')\n")
    picture = f"out/{tmp_path.name}.dot"      # a name no other run leaves under /
    result = run(["show", os.path.join("models", "net.py"), "-o", picture], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(f"wrote {picture} ")
    assert (tmp_path / picture).read_text().startswith("digraph")
    assert not os.path.exists("/" + picture)


def _read_terminal(args, cwd):
    """Run the command with stdout on a pseudo-terminal; what it printed there."""
    import pty
    import select

    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               TERM="xterm", COLUMNS="120")
    env.pop("NO_COLOR", None)
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "graphlens.cli.main", *args], cwd=cwd,
                               env=env, stdout=follower, stderr=subprocess.DEVNULL)
    os.close(follower)
    seen = b""
    while select.select([leader], [], [], 60)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:                 # the process closed its end
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(leader)
    return seen.decode("utf-8").replace("\r\n", "\n")


def test_trace_is_coloured_on_a_terminal_and_plain_in_a_pipe(write_model, tmp_path):
    path = write_model(SGN)
    piped = run(["trace", path], tmp_path)
    assert piped.returncode == 0 and "\x1b[" not in piped.stdout
    assert "  BLOCKED: its gradient is identically zero." in piped.stdout
    terminal = _read_terminal(["trace", path], tmp_path)
    assert "  \x1b[1;31mBLOCKED\x1b[0m: its gradient is identically zero." in terminal
    # The same words, only coloured.
    assert re.sub(r"\x1b\[[0-9;]*m", "", terminal) == piped.stdout
