"""`graphlens diff MODEL.py`: the graphs before and after the rewrites, compared."""

from __future__ import annotations

import click

from graphlens.cli.options import load, model_argument, name_option, progress


@click.command("diff", short_help='Compare the graphs before and after the rewrites.')
@model_argument
@name_option
def diff_command(model, names):
    """Compare each graph of MODEL.py as given and as compiled: node counts, the rewrites that
    ran (by name, with counts) and the ops whose counts changed.

    \b
    Examples:
      graphlens diff gallery/softmax_xent.py
      graphlens diff gallery/mlp.py --name train
    """
    from graphlens.cli.summary import diff_report, graph_stages

    loaded = load(model, names)
    blocks = []
    for name, obj in loaded.chosen:
        with progress(f"compiling {name}"):
            stages = graph_stages(obj)
        blocks.append("\n".join(diff_report(name, stages)))
    click.echo("\n\n".join(blocks))
