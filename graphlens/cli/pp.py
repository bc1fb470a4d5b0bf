"""`graphlens pp MODEL.py`: each chosen function or expression as a readable formula."""

from __future__ import annotations

import click

from graphlens.cli.options import load, model_argument, name_option, print_stage_option


@click.command("pp", short_help="Print the model's graphs as formulas.")
@model_argument
@name_option
@print_stage_option
@click.option("--latex", is_flag=True, help="Write LaTeX instead of plain formulas.")
@click.option("--shapes", is_flag=True,
              help="End each line with the type of what it defines, with the lengths the "
                   "model's example_inputs, test values and shared variables give.")
def pp_command(model, names, stage, latex, shapes):
    """Print what MODEL.py defines as formulas, a sub-expression used twice named once
    (`%1 = ...`); compiled functions after their rewrites, with their updates (`w <- ...`).
    In colour on a terminal.

    \b
    Examples:
      graphlens pp gallery/logreg.py
      graphlens pp gallery/mlp.py --name cost --latex
      graphlens pp gallery/mlp.py --name train --stage before
      graphlens pp gallery/mlp.py --name predict --shapes
    """
    from graphlens.render.pp import formula_lines
    from graphlens.render.terminal import emit

    if shapes and latex:
        raise click.UsageError("--shapes annotates plain formulas; LaTeX has no comments to "
                               "hold them: drop --latex or --shapes")
    loaded = load(model, names)
    for position, (name, obj) in enumerate(loaded.chosen):
        click.echo(("\n" if position else "") + f"# {name}")
        emit(formula_lines(obj, latex=latex, stage=stage, shapes=shapes,
                           example_inputs=loaded.example_inputs))
