"""`graphlens trace MODEL.py`: where the gradient of `cost` vanishes before reaching `params`."""

from __future__ import annotations

import click

from graphlens.cli.options import load, model_argument, progress
from graphlens.errors import ModelError


@click.command("trace", short_help='Report where the gradient of cost vanishes.')
@model_argument
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when there are findings (for CI).")
@click.pass_context
def trace_command(ctx, model, strict):
    """Report, for each parameter of MODEL.py, whether the gradient of its `cost` reaches it:
    the ops that block it, the model's line that built each, and a remedy.

    MODEL.py must define a scalar `cost` and `params`, a list of shared variables.

    \b
    Examples:
      graphlens trace gallery/sgn_autoencoder.py
      graphlens trace --strict gallery/sgn_autoencoder_fixed.py   # exit 1 on findings
    """
    from graphlens.cli.model import listing
    from graphlens.trace.vanishing import vanishing

    loaded = load(model)
    if loaded.cost is None:
        raise ModelError(f"graphlens trace needs a module-level `cost` (a scalar expression) and "
                         f"`params` (a list of shared variables) in {loaded.path}: "
                         f"{loaded.no_gradient_reason}.\nIt found: {listing(loaded.found)}")
    with progress("tracing gradients"):
        report = vanishing(loaded.cost, loaded.params)
    click.echo(str(report).rstrip("\n"))
    if strict and report.findings:
        ctx.exit(1)
