"""`graphlens debugprint MODEL.py`: each chosen function or expression as a Theano-style tree."""

from __future__ import annotations

import click

from graphlens.cli.options import load, model_argument, name_option, print_stage_option


@click.command("debugprint", short_help="Print the model's graphs as indented trees.")
@model_argument
@name_option
@print_stage_option
@click.option("--depth", type=int, default=-1, show_default=True, metavar="N",
              help="Expand at most N levels below each output (-1: all).")
def debugprint_command(model, names, stage, depth):
    """Print what MODEL.py defines as indented trees: op, ids (a node used again is marked,
    not expanded twice), type and static shape; compiled functions with their updates. In
    colour on a terminal.

    \b
    Examples:
      graphlens debugprint gallery/logreg.py
      graphlens debugprint gallery/mlp.py --name train --stage before --depth 4
    """
    from graphlens.render.debugprint import tree_lines
    from graphlens.render.terminal import emit

    loaded = load(model, names)
    for position, (name, obj) in enumerate(loaded.chosen):
        click.echo(("\n" if position else "") + f"# {name}")
        emit(tree_lines(obj, depth=depth, stage=stage, example_inputs=loaded.example_inputs))
