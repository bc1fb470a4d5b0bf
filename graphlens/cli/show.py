"""`graphlens show MODEL.py`: draw what a model defines, say where the picture went, summarize.

The summary gives, for each graph drawn, its nodes before and after the rewrites and the rewrites
applied (by name, with counts), then the gradient findings when the model has `cost` and `params`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import click

from graphlens.cli.options import MaxNodes, load, model_argument, name_option, progress
from graphlens.cli.summary import wrap_items

FORMATS = {".svg": "svg", ".html": "html", ".dot": "dot", ".png": "png", ".pdf": "pdf"}


def output_paths(model_path: str, names: list, out: str | None) -> tuple[list, str]:
    """([one path per name], format). Default: next to the model, `model.svg`; with several
    names, `model.NAME.svg` each (and likewise `OUT.NAME.ext` for `-o OUT.ext`).

    >>> output_paths("gallery/mlp.py", ["train", "predict"], None)
    (['gallery/mlp.train.svg', 'gallery/mlp.predict.svg'], 'svg')
    """
    if out is None:
        stem, extension = os.path.splitext(model_path)[0], ".svg"
    else:
        stem, extension = os.path.splitext(out)
        if extension.lower() not in FORMATS:
            raise click.BadParameter(
                f"{out!r} does not end in one of {', '.join(FORMATS)}: the ending picks the "
                f"format", param_hint="'-o' / '--output'")
    if len(names) == 1:
        return [stem + extension], FORMATS[extension.lower()]
    return [f"{stem}.{name}{extension}" for name in names], FORMATS[extension.lower()]


@click.command("show", short_help="Draw the model's graphs; summarize nodes, rewrites, gradients.")
@model_argument
@click.option("-o", "--output", "out", metavar="OUT.svg|.html|.dot|.png|.pdf",
              help="Where to write the picture; the ending picks the format. "
                   "[default: next to the model, MODEL.svg]")
@click.option("--stage", type=click.Choice(["both", "after", "before"]), default="both",
              show_default=True,
              help="The graph as given (before), as compiled (after), or side by side.")
@name_option
@click.option("--focus", "focus_name", metavar="NAME",
              help="Draw only around this variable: for a parameter of `cost`, the gradient's "
                   "route from the cost to it (where it dies marked); else, or with --hops, "
                   "its neighbourhood. NAME: a variable's name (W_2: the second named W) or "
                   "a module-level name of the model.")
@click.option("--hops", type=click.IntRange(min=0), metavar="N",
              help="With --focus: draw everything within N steps of the variable. [default: 2]")
@click.option("--path", nargs=2, metavar="FROM TO", default=None,
              help="Draw only the ops on a path between two variables (e.g. --path cost W1).")
@click.option("--max-nodes", type=MaxNodes(), default="1000", show_default=True, metavar="N|all",
              help="Draw at most N ops (those nearest the outputs); one box counts the rest.")
@click.option("--rankdir", type=click.Choice(["TB", "LR"]), default="TB", show_default=True,
              help="Lay the graph out top to bottom or left to right.")
@click.option("--backend", type=click.Choice(["auto", "wasm", "system"]), default=None,
              help="Graphviz to lay out with: the system `dot`, the WebAssembly build "
                   "pip installs, or auto (system when `dot` is on PATH). [default: the "
                   "`layout` flag, else auto]")
@click.option("--open", "open_file", is_flag=True,
              help="Open the picture when it is written (exit status 2 when nothing can open "
                   "it, e.g. no graphical display).")
@click.option("--values", "values", is_flag=True,
              help="Evaluate once on the model's example_inputs (else its inputs' test values) "
                   "and write each node's min, max, mean, zeros and NaN count on it.")
@click.option("--profile", "profile_calls", type=click.IntRange(min=1), default=None,
              metavar="CALLS", help="Call each function CALLS times on the model's "
              "example_inputs, timing every node (Theano's profiler), and shade each node by "
              "its share of the time.")
@click.option("--branches/--no-branches", "branches", default=True, show_default=True,
              help="Border the ops each ifelse runs lazily: only for its then branch (green), "
                   "only for its else branch (purple), for either (orange). Graphs without an "
                   "ifelse are drawn as they are.")
@click.option("--expand", "expand", multiple=True, metavar="SCOPE",
              help="Big graphs are drawn folded, a box per scope (layer); open this scope "
                   "(repeat for several), or `--expand all` to draw every op.")
@click.option("--time-budget", "time_budget", type=click.FloatRange(min=0), default=None,
              metavar="SECONDS",
              help="Seconds the layout may take before the folded summary is drawn instead "
                   "(0: no limit). [default: the layout_time_budget flag, 10]")
@click.pass_context
def show_command(ctx, model, out, stage, names, focus_name, hops, path, max_nodes, rankdir,
                 backend, open_file, values, expand, time_budget, profile_calls, branches):
    """Draw the graphs MODEL.py defines, before and after the rewrites, and summarize them.

    graphlens runs MODEL.py as `python MODEL.py` would (it executes the file's code), except
    that __name__ is "__graphlens_model__", so a training loop under
    `if __name__ == "__main__":` does not run. It then draws the module-level names:

    \b
      - the compiled functions (train = function(...)) if there are any,
      - else `cost`, else every symbolic expression (a variable computed from others);
      - __graphlens__ = ['train', 'cost'] in the model, or --name, picks others.

    With a scalar `cost` (and `params`, else the float weights cost reads), the summary lists
    where the gradient of cost vanishes (see `graphlens trace`).

    The picture goes next to the model (MODEL.svg; MODEL.NAME.svg each when several names are
    drawn) unless -o says otherwise. Types show the lengths that the model's `example_inputs`
    ({input: value}), test values and shared variables' values give (`float64[200, 16]`);
    --values adds each node's value summary from one evaluation on them; --profile N calls
    each function N times on them and shades each node by its share of the time (a training
    step's updates run as they would in a loop). The ops an ifelse runs only for one of its
    branches (what its laziness saves) have coloured borders; --no-branches leaves them plain.

    --focus and --path draw part of the graph; what they leave out is counted in small
    dashed boxes ("... 2 more inputs").

    Graphs of more than 150 ops (the fold_threshold flag) are drawn folded: one box per scope
    (`graphlens.name_scope`, or the class or function that built the ops: HiddenLayer_3),
    identical layers once with a count (HiddenLayer ×20), each layer's gradient inside its
    box. --expand opens one; --expand all draws every op. A layout that passes its time budget
    is stopped and the folded summary drawn instead; on big graphs each step's counts and
    time are printed on stderr.

    \b
    Examples:
      graphlens show gallery/sgn_autoencoder.py
      graphlens show gallery/mlp.py -o mlp.html --name train --stage after
      graphlens show gallery/sgn_autoencoder.py --focus W1
      graphlens show gallery/lenet.py --name train_model --focus W2 --hops 3 --rankdir LR
      graphlens show gallery/sgn_autoencoder.py --path cost W1
      graphlens show gallery/mlp.py --name predict --values
      graphlens show gallery/lenet.py --name train_model --profile 20 --stage after
      graphlens show gallery/deep_mlp.py --expand HiddenLayer_2
    """
    from graphlens.cli.focus import check_options, focus_for, focus_in
    from graphlens.cli.summary import as_function, graph_stages, short_summary
    from graphlens.cli.timing import profiled_calls, timing_lines
    from graphlens.render.picture import pydotprint

    check_options(focus_name, hops, path)
    steps = StepReport()
    loaded = steps.timed(f"ran {model}", lambda: load(model, names, since=steps.start),
                         _model_counts)
    focus = focus_for(loaded, focus_name, hops, path)
    chosen_names = [name for name, _ in loaded.chosen]
    paths, fmt = output_paths(model, chosen_names, out)
    lines, summaries = [], []
    report = gradient_report(loaded)
    for (name, obj), path in zip(loaded.chosen, paths):
        steps.notes = []
        with progress(f"rendering {name} to {path}", since=steps.start):
            # An expression is drawn as the function of it would run: it then has an "after".
            compiled = steps.timed(name, lambda: as_function(obj, name), _compile_counts)
            if profile_calls:
                compiled = profiled_calls(compiled, loaded.example_inputs, profile_calls, name)
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            drawn, focus_lines = focus, []
            if focus is not None:
                drawn, focus_lines = focus_in(compiled, focus, name, stage)
            pydotprint(compiled, outfile=path, format=fmt, stage=stage, max_nodes=max_nodes,
                       rankdir=rankdir, backend=backend, focus=drawn,
                       overlay=findings_overlay(compiled, report), print_output_file=False,
                       example_inputs=loaded.example_inputs, values=values, expand=expand,
                       time_budget=time_budget, report=steps, profile=bool(profile_calls),
                       cond_highlight=branch_highlight(compiled) if branches else None)
        lines.append(f"wrote {path} ({name}, {_stage_words(stage)}"
                     + (", with values" if values else "")
                     + (", with times" if profile_calls else "") + ")")
        if profile_calls:
            lines += timing_lines(compiled)
        lines += focus_lines
        lines += [f"  {note}" for note in steps.notes]
        summaries += short_summary(name, graph_stages(compiled))
    lines += summaries
    lines += gradient_summary(loaded, report)
    click.echo("\n".join(lines))
    if open_file:
        for path in paths:
            problem = open_picture(path)
            if problem is not None:
                click.echo(f"error: --open could not open {path}: {problem}. The picture is "
                           f"written; open it with a viewer of your own.", err=True)
                ctx.exit(2)


# How long an opener may run before it counts as started: xdg-open and `open` return at once
# when they hand the file over, and with an error status when nothing takes it.
OPENER_WAIT = 10


def open_picture(path: str) -> str | None:
    """Open `path` with the desktop's viewer; None when that worked, else why it could not.

    >>> open_picture("model.svg")     # over ssh, no DISPLAY                # doctest: +SKIP
    'no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)'
    """
    if sys.platform.startswith("win"):
        try:
            os.startfile(path)          # noqa: S606 — the user asked for exactly this
        except OSError as exc:
            return f"Windows could not open it ({exc.strerror or exc})"
        return None
    if sys.platform == "darwin":
        command = ["open", path]
    else:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            return "no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)"
        if shutil.which("xdg-open") is None:
            return "xdg-open, which opens files on Linux desktops, is not on PATH"
        command = ["xdg-open", path]
    try:
        opener = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as exc:
        return f"{command[0]} could not be run ({exc.strerror or exc})"
    try:
        _, stderr = opener.communicate(timeout=OPENER_WAIT)
    except subprocess.TimeoutExpired:
        return None                     # still running: it is the viewer, showing the picture
    if opener.returncode != 0:
        said = stderr.decode("utf-8", "replace").strip().splitlines()
        return (f"{command[0]} exited with status {opener.returncode}"
                + (f" ({said[-1][:200]})" if said else ""))
    return None


# Graphs of more ops than this get their steps' counts and times on stderr (so does any
# command once it has taken 2 s).
LOUD_OPS = 2_000


class StepReport:
    """Progress of a big picture on stderr: each step's counts and elapsed time (ops
    compiled and rewritten, ops drawn and folded, nodes laid out), printed once the graph is
    big or the work slow; notes (what was folded, how to expand) are kept for stdout."""

    def __init__(self, big_ops: int | None = None):
        self.big_ops = LOUD_OPS if big_ops is None else big_ops
        self.start = time.perf_counter()
        self.loud = False
        self.notes = []

    def __call__(self, message: str):
        elapsed = time.perf_counter() - self.start
        if self.loud or elapsed > 2.0:
            click.echo(f"[{elapsed:6.1f} s] {message}", err=True)

    def note(self, message: str):
        """A fact about the picture for the summary (stdout)."""
        self.notes.append(message)

    def timed(self, what, work, counts):
        """Run `work()`, then report `what` with `counts(result)` and the time it took."""
        start = time.perf_counter()
        result = work()
        text, ops = counts(result)
        self.loud = self.loud or ops > self.big_ops
        self(f"{what}: {text} in {time.perf_counter() - start:.1f} s")
        return result


def _compile_counts(compiled):
    before, after = len(compiled.fgraph_before.apply_nodes), len(compiled.fgraph.apply_nodes)
    return (f"{before:,} ops as given -> {after:,} after {len(compiled.rewrite_log):,} "
            f"rewrites", before)


def _model_counts(loaded):
    ops = sum(len(obj.fgraph_before.apply_nodes) for _, obj in loaded.chosen
              if hasattr(obj, "fgraph_before"))
    return f"{len(loaded.chosen)} graph{'s' if len(loaded.chosen) != 1 else ''} to draw", ops


def _stage_words(stage):
    return {"both": "before and after rewrites", "after": "after rewrites",
            "before": "as given, before rewrites"}[stage]


def gradient_report(loaded):
    """`trace.vanishing(cost, params)` of the model, or None when it has no cost and params."""
    if loaded.cost is None:
        return None
    from graphlens.trace.vanishing import vanishing
    with progress("tracing gradients"):
        return vanishing(loaded.cost, loaded.params)


def findings_overlay(compiled, report):
    """The gradient findings as an overlay on `compiled`'s picture (blockers and dead paths
    in both halves), or None when there are none to draw."""
    if report is None or not report.findings:
        return None
    from graphlens.render.findings import function_findings_overlay
    return function_findings_overlay(compiled, report)


def branch_highlight(compiled):
    """pydotprint's `cond_highlight` for `compiled`: True when a graph of it (or a loop's step
    inside) holds a lazy choice (an ifelse), whose branches are then bordered; else None (no
    legend, no warning)."""
    from graphlens.render.branch_overlay import holds_choice
    return True if holds_choice(compiled) else None


def gradient_summary(loaded, report=None) -> list[str]:
    """Lines on where the gradient of the model's cost vanishes, from `trace.vanishing`."""
    if loaded.cost is None:
        return [f"gradient findings: not checked ({loaded.no_gradient_reason}; define `cost` "
                f"and `params` to check them)"]
    if report is None:
        report = gradient_report(loaded)
    chose = (f" (params: the {len(loaded.params)} float shared variables of rank >= 1 that cost "
             f"reads; define `params` to choose)" if loaded.params_inferred else "")
    if not report.findings:
        reached = grouped_names(loaded.params, report.parameters, report.flowing)
        grouped = any(":" in item for item in reached)
        return wrap_items("gradient findings: none (the gradient of cost reaches ",
                          reached[:-1] + [reached[-1] + ")" + chose],
                          separator=";" if grouped else ",")
    lines = [f"gradient findings: {len(report.findings)}{chose}"]
    lines += [f"  {finding_line(finding)}" for finding in report.findings]
    lines.append(f"  the full report, with remedies: graphlens trace {loaded.path}")
    return lines


_STATUS_WORDS = {"blocked": "no gradient", "partly_blocked": "gradient blocked on some paths",
                 "disconnected": "not used by the cost", "integer": "an integer: no gradient"}


def grouped_names(params, names, chosen, plain_up_to: int = 8) -> list[str]:
    """The `chosen` parameter names (of `names`, one per `params`), grouped by scope when
    there are many: `HiddenLayer ×20: W, b` instead of forty names on one line.

    >>> grouped_names(layers_params, names, names)                     # doctest: +SKIP
    ['HiddenLayer ×20: W, b', 'LogisticRegression: W, b']
    """
    from graphlens.graph.scopes import scope_of
    from graphlens.render.fold import family

    wanted = set(chosen)
    picked = [(var, name) for var, name in zip(params, names) if name in wanted]
    if len(picked) <= plain_up_to:
        return [name for _, name in picked]
    by_scope = {}
    for var, name in picked:
        scope = scope_of(var)
        short = (var.name or name).rsplit("/", 1)[-1]
        by_scope.setdefault(scope, []).append(name if scope is None else short)
    groups = {}
    for scope, members in by_scope.items():
        if scope is None:
            continue
        key = (family(scope), tuple(members))
        groups.setdefault(key, []).append(scope)
    shorts = [short for members in by_scope.values() for short in members]
    if all(len(scopes) == 1 for scopes in groups.values()) and len(set(shorts)) == len(shorts):
        # No scope repeats (weights made by a helper, `init_weights(784, 500, 'W_enc')`, one
        # call each): grouping would only prefix each name with its call; the names say it.
        return [name for _, name in picked]
    items = []
    for (base, members), scopes in groups.items():
        title = f"{base} ×{len(scopes)}" if len(scopes) > 1 else scopes[0]
        items.append(f"{title}: {', '.join(members)}")
    items += by_scope.get(None, [])
    return items


def finding_line(finding) -> str:
    """One line for a trace Finding: `W_enc: no gradient, blocked by sgn at model.py:21`."""
    line = f"{finding.parameter}: {_STATUS_WORDS.get(finding.status, finding.status)}"
    if finding.blockers:
        line += ", blocked by " + ", ".join(f"{blocker.title} at {blocker.where}"
                                            for blocker in finding.blockers)
    return line
