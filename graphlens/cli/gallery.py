"""`graphlens gallery`: redraw every gallery picture and its README, the same bytes every run.

Each `gallery/NAME.py` is loaded like `graphlens show` loads a model; each graph it chooses is
drawn before and after the rewrites (`stage='both'`) into `gallery/images/NAME.svg`
(`NAME.GRAPH.svg` when a model shows several), with the WebAssembly Graphviz build so that every
machine writes the same bytes. `gallery/README.md` is written from the models' docstrings, the
pictures, the node and rewrite summary, and the gradient report of models with findings.
"""

from __future__ import annotations

import os
import sys

import click

from graphlens.cli.options import progress
from graphlens.config import config

INTRO = """\
# Gallery

Real models, and the pictures graphlens draws of them: each graph as written (left) and as
compiled (right), each compiled node coloured by the rewrite that made it. Every picture and this
page are generated: run `graphlens gallery` from the repository's root to redraw them (the same
bytes on every machine: the layout uses the WebAssembly build of Graphviz), or
`graphlens gallery --check` to verify they are up to date.

To draw one model yourself: `graphlens show gallery/NAME.py` (writes `gallery/NAME.svg`).
"""


# The story the README tells, first to last; models not listed follow in alphabetical order.
ORDER = ("logreg", "mlp", "softmax_xent", "sgn_autoencoder", "sgn_autoencoder_fixed",
         "int_labels", "deep_sigmoid", "dead_relu", "nan_log", "elman_rnn")


def gallery_order(filenames) -> list:
    """The model files in ORDER, then the others alphabetically.

    >>> gallery_order(["zeta.py", "mlp.py", "logreg.py"])
    ['logreg.py', 'mlp.py', 'zeta.py']
    """
    rank = {name: position for position, name in enumerate(ORDER)}
    return sorted(filenames, key=lambda name: (rank.get(name[:-3], len(ORDER)), name))


def render_gallery(directory: str) -> tuple[dict, list]:
    """({path: text} of every image and the README, [error messages of models that failed])."""
    from graphlens.errors import GraphlensError

    folder = os.path.basename(os.path.abspath(directory))
    models = gallery_order(name for name in os.listdir(directory)
                           if name.endswith(".py") and not name.startswith("_"))
    files, sections, errors = {}, [], []
    for filename in models:
        display = f"{folder}/{filename}"
        try:
            # Each model gets its own flags: one model's `config.floatX = ...` must not leak
            # into the next one's pictures.
            with config.change_flags(layout="wasm"), progress(f"drawing {display}"):
                images, section = _render_model(os.path.join(directory, filename), display)
        except GraphlensError as exc:
            errors.append(str(exc))
            continue
        files.update({os.path.join(directory, path): text for path, text in images.items()})
        sections.append(section)
    files[os.path.join(directory, "README.md")] = INTRO + "".join(sections)
    return files, errors


def _render_model(path, display):
    from graphlens.cli.model import load_model
    from graphlens.cli.show import branch_highlight, findings_overlay, gradient_report
    from graphlens.cli.summary import as_function, graph_stages, short_summary
    from graphlens.render.picture import pydotprint

    loaded = load_model(path, display_path=display)
    stem = os.path.splitext(os.path.basename(path))[0]
    several = len(loaded.chosen) > 1
    images, pictures, summary = {}, [], []
    report = gradient_report(loaded)
    for name, obj in loaded.chosen:
        image = f"images/{stem}.{name}.svg" if several else f"images/{stem}.svg"
        compiled = as_function(obj, name)
        # The gallery's pictures are `graphlens show`'s: the findings drawn on them.
        svg = pydotprint(compiled, format="svg", stage="both", backend="wasm",
                         overlay=findings_overlay(compiled, report),
                         example_inputs=loaded.example_inputs,
                         cond_highlight=branch_highlight(compiled))
        images[image] = svg if isinstance(svg, str) else svg.decode("utf-8")
        pictures.append(f"![{stem}: {name}, before and after the rewrites]({image})\n\n")
        summary += short_summary(name, graph_stages(compiled))
    title, _, body = (loaded.doc or display).strip().partition("\n")
    # The first paragraph after the title says what the model shows; the rest is for its reader.
    first_paragraph = body.strip().split("\n\n")[0].strip()
    section = [f"\n## {title.rstrip('.')}\n\n`{display}`"
               + (f": {first_paragraph}" if first_paragraph else "") + "\n",
               "\n```\n" + "\n".join(summary) + "\n```\n\n",
               *pictures]
    if loaded.cost is not None:
        section.append(_trace_section(loaded, stem, images))
    return images, "".join(section)


def _trace_section(loaded, stem, images) -> str:
    """The gradient picture (blocked paths red, runtime statistics as colours) and what the
    tracers say: the static report when it has findings, the runtime suspects when any."""
    import numpy as np

    from graphlens.cli.trace import trace_picture
    from graphlens.trace.stats import gradient_stats
    from graphlens.trace.vanishing import vanishing

    image = f"images/{stem}.trace.svg"
    images[image] = trace_picture(loaded, "svg", backend="wasm").decode("utf-8")
    report = vanishing(loaded.cost, loaded.params)
    lines = [f"\nThe gradient of `cost`, traced (`graphlens trace {loaded.path} -o "
             f"{stem}.trace.svg`): blocked paths in red"
             + (", runtime statistics on `example_inputs` as colours" if loaded.example_inputs
                is not None else "") + ".\n\n",
             f"![{stem}: the gradient of cost, traced]({image})\n\n"]
    if report.findings:
        lines.append("```\n" + str(report).rstrip("\n") + "\n```\n")
    else:
        lines.append(f"The gradient of `cost` reaches every parameter "
                     f"({', '.join(report.flowing)}).\n")
    if loaded.example_inputs is not None:
        with np.errstate(all="ignore"):
            stats = gradient_stats(loaded.cost, loaded.params, loaded.example_inputs)
        suspects = stats.suspects
        if suspects:
            lines.append(f"\nOn `example_inputs` (`graphlens trace --stats {loaded.path}`):\n\n"
                         + "".join(f"- {suspect}\n" for suspect in suspects))
        for loop in stats.steps:
            # A loop's gradient through time, step by step (trace/steps.py).
            lines.append(f"\n`graphlens trace --stats {loaded.path}` plots each loop's "
                         f"gradient norm per step:\n\n```\n" + "\n".join(loop.plot())
                         + "\n```\n")
    return "".join(lines)


@click.command("gallery", short_help="Redraw the gallery's pictures and README.")
@click.argument("directory", default="gallery", type=click.Path(file_okay=False, exists=True))
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if a picture or the README is out of date.")
@click.pass_context
def gallery_command(ctx, directory, check):
    """Redraw every picture of the gallery (DIRECTORY/*.py -> DIRECTORY/images/*.svg) and
    DIRECTORY/README.md, byte for byte the same on every run and machine.

    \b
    Examples:
      graphlens gallery              # from the repository's root
      graphlens gallery --check      # in CI: exit 1 if anything is out of date
    """
    files, errors = render_gallery(directory)
    stale = []
    for path, text in files.items():
        data = text.encode("utf-8")
        if os.path.exists(path):
            with open(path, "rb") as handle:
                if handle.read() == data:
                    continue
        stale.append(path)
        if not check:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
    for message in errors:
        click.echo(f"error: {message}", err=True)
    verb = "out of date" if check else "written"
    click.echo(f"{len(files)} files, {len(stale)} {verb}"
               + "".join(f"\n  {path}" for path in stale))
    if errors:
        sys.stdout.flush()
        ctx.exit(2)
    if check and stale:
        ctx.exit(1)
