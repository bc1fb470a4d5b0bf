"""Live progress of long work (#20): the rewrite driver's counts reach a reporter the command
line plugs into compile/hooks.py, which prints them with the elapsed time, on a terminal only,
and only once the work is long (a fake clock or a zero threshold here, never a real wait)."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, shared
from graphlens.cli import live, options
from graphlens.cli.live import LiveProgress
from graphlens.compile.hooks import progress_reporter, reporting_progress
from graphlens.rewrite import db


def chain(length):
    """x -> exp -> log -> ... : `length` ops the rewrites visit."""
    x = T.dvector("x")
    y = x
    for step in range(length):
        y = T.exp(y) * shared(np.ones(3), name=f"s{step}") if step % 2 else T.log(y + 1)
    return x, y


def test_compiling_tells_the_plugged_reporter_its_counts_phase_by_phase():
    heard = []
    x, y = chain(400)
    with reporting_progress(lambda stage, counts: heard.append((stage, dict(counts)))):
        f = function([x], y)
    assert {stage for stage, _ in heard} == {"rewriting"}
    phases = [counts["phase"] for _, counts in heard]
    assert phases[-1] == "done" and {"merge", "canonicalize", "fusion"} <= set(phases)
    final = heard[-1][1]
    assert final["replacements"] == len(f.rewrite_log) > 0
    assert final["ops"] == len(f.fgraph.apply_nodes)
    # Within a pass, every PROGRESS_EVERY nodes visited: the counts move while it runs.
    ticks = [counts for _, counts in heard if counts["visited"]]
    assert ticks and all(c["visited"] % db.PROGRESS_EVERY == 0 for c in ticks)
    assert all(c["visited"] <= c["to_visit"] for c in ticks)
    replacements = [counts["replacements"] for _, counts in heard]
    assert replacements == sorted(replacements)
    # Unplugged: compiling tells nobody.
    assert progress_reporter() is None


def test_live_progress_is_silent_for_short_work_then_prints_about_once_a_second():
    times = iter([0.0, 1.9, 2.0, 2.4, 2.99, 3.0, 3.5, 4.1])
    lines = []
    live_progress = LiveProgress(lines.append, clock=lambda: next(times), after=2.0,
                                 interval=1.0)
    for done in range(7):
        live_progress("rewriting", {"phase": "fusion", "replacements": done, "ops": 5000,
                                    "visited": 256 * done, "to_visit": 5000})
    # Construction reads the clock (0.0); then 1.9 s is short work, 2.0 s prints, and only
    # a full second later (3.0 s, 4.1 s) the next lines.
    assert lines == [
        "[   2.0 s] rewriting (phase fusion): 1 replacement so far; graph 5,000 ops; "
        "pass at 256 / 5,000 nodes",
        "[   3.0 s] rewriting (phase fusion): 4 replacements so far; graph 5,000 ops; "
        "pass at 1,024 / 5,000 nodes",
        "[   4.1 s] rewriting (phase fusion): 6 replacements so far; graph 5,000 ops; "
        "pass at 1,536 / 5,000 nodes"]


def test_the_command_lines_spinner_prints_live_counts_on_a_terminal(monkeypatch, capsys):
    from rich.console import Console
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    monkeypatch.setattr(live, "LIVE_AFTER", 0.0)
    monkeypatch.setattr(live, "LIVE_INTERVAL", 0.0)
    x, y = chain(60)
    with options.progress("running model.py"):
        assert isinstance(progress_reporter(), LiveProgress)
        function([x], y)
    err = capsys.readouterr().err
    assert "rewriting (phase merge)" in err and "replacements so far; graph" in err
    assert progress_reporter() is None


def test_piped_output_gets_no_live_counts(capsys):
    x, y = chain(60)
    with options.progress("running model.py"):
        assert progress_reporter() is None
        function([x], y)
    assert capsys.readouterr().err == ""


def test_a_layout_prints_its_counts_and_the_wait_so_far_while_it_runs(monkeypatch):
    """The layout is one call that says nothing while it runs: the reporter's heartbeat does.
    The fake layout returns once two heartbeat lines are out (no timing asserted)."""
    import threading

    from graphlens.render import guard

    lines, two_lines = [], threading.Event()

    def write(line):
        lines.append(line)
        if len(lines) >= 2:
            two_lines.set()

    def slow_layout(dot_text, **options):
        assert two_lines.wait(10), "no heartbeat while the layout ran"
        return b"<svg></svg>"

    monkeypatch.setattr(guard, "render_dot", slow_layout)
    x, y = chain(6)
    f = function([x], y)
    with reporting_progress(LiveProgress(write, after=0.0, interval=0.01)):
        _, scene = guard.draw(f, format="svg", time_budget=0)
    expected = (f"laying out {len(scene.nodes):,} nodes, {len(scene.edges):,} edges: ")
    assert len(lines) >= 2 and all(expected in line and line.endswith(" s so far")
                                   for line in lines)
    waited = [float(line.split(": ")[-1].split()[0]) for line in lines]
    assert waited == sorted(waited)
    count = len(lines)
    threading.Event().wait(0.05)
    assert len(lines) == count          # the heartbeat stops with the layout
