"""`graphlens trace MODEL.py`: where the gradient of `cost` vanishes before reaching `params`."""

from __future__ import annotations

import os

import click

from graphlens.cli.options import load, model_argument, progress
from graphlens.errors import ModelError

PICTURE_FORMATS = {".svg": "svg", ".dot": "dot", ".png": "png", ".pdf": "pdf"}


@click.command("trace", short_help="Report where the gradient of cost vanishes.")
@model_argument
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when there are findings (for CI).")
@click.option("--stats", is_flag=True,
              help="Also evaluate the gradient on the model's example_inputs and report "
                   "saturated, dead, zero, exploding or non-finite values, most serious first.")
@click.option("-o", "--output", "out", metavar="OUT.svg|.dot|.png|.pdf",
              help="Also draw the cost's graph with the blocked paths in red (and runtime "
                   "gradient statistics when the model defines example_inputs).")
@click.pass_context
def trace_command(ctx, model, strict, stats, out):
    """Report, for each parameter of MODEL.py, whether the gradient of its `cost` reaches it:
    the ops that block it, the model's line that built each, and a remedy.

    MODEL.py must define a scalar `cost` and `params`, a list of shared variables. With
    --stats it must also define `example_inputs` ({symbolic input: numpy value}): the gradient
    is evaluated on them and the suspects (dead units, saturation, zeros, NaN) are listed;
    --strict then counts them as findings too. With -o, the picture colours the ops that block
    the gradient, and, when the model has example_inputs, each node by its statistics.

    \b
    Examples:
      graphlens trace gallery/sgn_autoencoder.py
      graphlens trace --stats gallery/deep_sigmoid.py
      graphlens trace gallery/dead_relu.py -o dead_relu.trace.svg
      graphlens trace --strict gallery/sgn_autoencoder_fixed.py   # exit 1 on findings
    """
    from graphlens.cli.model import listing
    from graphlens.render.trace_text import emit_report
    from graphlens.trace.vanishing import vanishing

    if out is not None and os.path.splitext(out)[1].lower() not in PICTURE_FORMATS:
        raise click.BadParameter(f"{out!r} does not end in one of {', '.join(PICTURE_FORMATS)}",
                                 param_hint="'-o' / '--output'")
    loaded = load(model)
    if loaded.cost is None:
        raise ModelError(f"graphlens trace needs a module-level `cost` (a scalar expression; "
                         f"`params`, a list of shared variables, chooses what to check) in "
                         f"{loaded.path}: "
                         f"{loaded.no_gradient_reason}.\nIt found: {listing(loaded.found)}")
    if stats and loaded.example_inputs is None:
        raise ModelError(f"graphlens trace --stats needs a module-level `example_inputs` in "
                         f"{loaded.path}: a dict {{symbolic input: numpy value}}, like "
                         f"example_inputs = {{x: data_x, y: data_y}}")
    with progress("tracing gradients"):
        report = vanishing(loaded.cost, loaded.params)
    emit_report(str(report).rstrip("\n"))
    suspects = []
    if stats:
        import numpy as np

        from graphlens.trace.stats import gradient_stats
        # NaN and overflow are what the statistics report: numpy's warnings would say it twice.
        with progress("evaluating the gradient on example_inputs"), np.errstate(all="ignore"):
            runtime = gradient_stats(loaded.cost, loaded.params, loaded.example_inputs)
        emit_report("\n" + str(runtime).rstrip("\n"))
        suspects = runtime.suspects
        if any(suspect.kind == "nonfinite" for suspect in suspects):
            emit_report("\n" + nan_birthplaces(loaded, runtime))
    if out is not None:
        with progress(f"drawing {out}"):
            write_trace_picture(loaded, out)
        click.echo(f"wrote {out}")
    if strict and (report.findings or suspects):
        ctx.exit(1)


def nan_birthplaces(loaded, runtime) -> str:
    """Where the model's NaN/Inf values and gradients are born (trace/nanflow.py), as lines:
    the first op to make them from finite inputs, not every node that carries them on."""
    import numpy as np

    from graphlens.trace.nanflow import nan_flow
    with progress("finding where the NaN/Inf is born"), np.errstate(all="ignore"):
        flow = nan_flow(loaded.cost, loaded.example_inputs, runtime)
    lines = ["where the NaN/Inf is born:"]
    lines += [f"  {birth}" for birth in flow.births] or ["  nowhere found: the inputs carry it"]
    return "\n".join(lines)


def trace_picture(loaded, fmt: str, backend: str | None = None):
    """The cost's graph with the vanishing overlay (and the runtime statistics overlay when the
    model has example_inputs), as DOT text or rendered bytes in `fmt`."""
    import numpy as np

    from graphlens.render.layout import render_dot
    from graphlens.render.trace_overlay import trace_dot

    with np.errstate(all="ignore"):
        dot = trace_dot(loaded.cost, loaded.params, inputs=loaded.example_inputs)
    return dot if fmt == "dot" else render_dot(dot, format=fmt, backend=backend)


def write_trace_picture(loaded, out: str):
    """Write `trace_picture` to `out`, its format taken from the file's ending."""
    picture = trace_picture(loaded, PICTURE_FORMATS[os.path.splitext(out)[1].lower()])
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "wb") as handle:
        handle.write(picture.encode("utf-8") if isinstance(picture, str) else picture)
