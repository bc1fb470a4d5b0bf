"""Reading trace reports: plain text for `str(report)` and rich renderables for the terminal.

Text is wrapped at 100 columns with hanging indents and contains only ASCII, so it reads the
same in a terminal, a log file and a test's golden string.
"""

from __future__ import annotations

import textwrap

WIDTH = 100

# status: (word, explanation for one parameter, for several)
_STATUS_TEXT = {
    "blocked": ("BLOCKED", "its gradient is identically zero. Every path from the cost is "
                "blocked by:", "their gradients are identically zero. Every path from the cost "
                "is blocked by:"),
    "partly_blocked": ("PARTLY BLOCKED", "its gradient flows along some paths, but these block "
                       "the others:", "their gradients flow along some paths, but these block "
                       "the others:"),
    "disconnected": ("DISCONNECTED", "the cost does not depend on it at all.",
                     "the cost does not depend on them at all."),
    "integer": ("INTEGER", "an integer variable never receives a gradient.",
                "integer variables never receive a gradient."),
}
_STATUS_STYLE = {"blocked": "bold red", "partly_blocked": "bold yellow",
                 "disconnected": "bold magenta", "integer": "bold magenta"}
# The rich style of each suspect kind of a GradientStats report, worst in red.
SUSPECT_STYLE = {"nonfinite": "bold red", "zero_gradient": "bold red", "exploding": "red",
                 "vanishing": "yellow", "dead_units": "yellow", "saturated": "yellow"}


def status_styles() -> dict:
    """{status word as the text prints it: rich style}, for colouring the plain report.

    >>> status_styles()['BLOCKED']
    'bold red'
    """
    return {_STATUS_TEXT[status][0]: style for status, style in _STATUS_STYLE.items()}


def _wrap(text: str, indent: str, label: str = "") -> list[str]:
    first = indent + label
    return textwrap.wrap(text, WIDTH, initial_indent=first,
                         subsequent_indent=" " * len(first), break_on_hyphens=False) or [first]


def format_vanishing(report) -> str:
    """The text of a VanishingReport (what `str(report)` returns)."""
    head = f"Vanishing gradients of {report.cost} (cost built at {report.cost_where})"
    lines = [head]
    count = len(report.parameters)
    if report.clean:
        names = ", ".join(report.parameters)
        reached = f"all {count} parameters" if count != 1 else "its parameter"
        lines += _wrap(f"clean: the gradient reaches {reached} along every path ({names}).", "")
        return "\n".join(lines)
    by_status = {}
    for finding in report.findings:
        by_status[finding.status] = by_status.get(finding.status, 0) + 1
    summary = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in by_status.items())
    lines.append(f"{count} parameter{'s' if count != 1 else ''}: {summary}, "
                 f"{len(report.flowing)} clean")
    for group in _grouped(report.findings):
        lines.append("")
        lines += _finding_lines(group)
    if report.flowing:
        lines.append("")
        lines += _wrap(", ".join(report.flowing), "", "Gradient flows on every path to: ")
    return "\n".join(lines)


def _grouped(findings) -> list[list]:
    """Findings with the same status and blockers, together: `w, b` blocked by one cast."""
    groups, index = [], {}
    for finding in findings:
        key = (finding.status, tuple(blocker.node for blocker in finding.blockers),
               finding.remedy)
        if key not in index:
            index[key] = len(groups)
            groups.append([])
        groups[index[key]].append(finding)
    return groups


def _finding_lines(group) -> list[str]:
    finding = group[0]
    word, one, several = _STATUS_TEXT[finding.status]
    explanation = one if len(group) == 1 else several
    lines = []
    for member in group:
        lines += _wrap(f"{member.parameter} ({member.type}, built at {member.where})", "")
    lines += _wrap(f"{word}: {explanation}", "  ")
    for number, blocker in enumerate(finding.blockers, 1):
        lines += _wrap(f"{blocker.title} at {blocker.where}, in {blocker.expression}",
                       "  ", f"{number}. ")
        lines += _wrap(blocker.reason, "     ", "why: ")
        lines += _wrap(blocker.remedy, "     ", "fix: ")
    if finding.remedy:
        lines += _wrap(finding.remedy, "  ", "fix: ")
    return lines


def rich_vanishing(report):
    """A rich Tree of a VanishingReport: findings in colour, blockers with why and fix."""
    from rich.text import Text
    from rich.tree import Tree
    title = Text.assemble(("Vanishing gradients", "bold"), f" of {report.cost} ",
                          (f"(cost built at {report.cost_where})", "dim"))
    tree = Tree(title)
    if report.clean:
        tree.add(Text(f"clean: the gradient reaches {', '.join(report.parameters)} along every "
                      f"path", style="green"))
        return tree
    for finding in report.findings:
        word, explanation, _ = _STATUS_TEXT[finding.status]
        branch = tree.add(Text.assemble((finding.parameter, "bold"),
                                        (f" {finding.type} at {finding.where} ", "dim"),
                                        (word, _STATUS_STYLE[finding.status]),
                                        f" {explanation}"))
        for blocker in finding.blockers:
            item = branch.add(Text.assemble((blocker.title, "bold red"), " at ",
                                            (blocker.where, "cyan"), f" in {blocker.expression}"))
            item.add(Text.assemble(("why ", "dim"), blocker.reason))
            item.add(Text.assemble(("fix ", "green"), blocker.remedy))
        if finding.remedy:
            branch.add(Text.assemble(("fix ", "green"), finding.remedy))
    if report.flowing:
        tree.add(Text(f"gradient flows on every path to {', '.join(report.flowing)}",
                      style="green"))
    return tree


# Ops shown in the node table of a stats report: the layers a person reads a network by.
_LAYER_OPS = ("Sigmoid", "Tanh", "Relu", "Softplus", "Softmax", "LogSoftmax", "Dot", "Log", "Exp",
              "Maximum")


def _is_layer(item) -> bool:
    return item.op.split("{")[0] in _LAYER_OPS


def _number(value) -> str:
    return "-" if value is None else f"{value:.3g}"


def _percent(fraction) -> str:
    """0.997 -> '>99%', 0.001 -> '<1%': a rounded 100% or 0% would hide the rest."""
    if fraction is None:
        return "-"
    if 0.99 < fraction < 1:
        return ">99%"
    if 0 < fraction < 0.01:
        return "<1%"
    return f"{fraction:.0%}"


def _table(header, rows) -> list[str]:
    """Columns left-aligned for the first, right-aligned for the others, two spaces apart."""
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    lines = []
    for row in [header] + rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width)
                                             for cell, width in zip(row[1:], widths[1:])]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _stats_rows(report):
    params = [[p.name, _number(p.gradient.norm if p.gradient else None),
               _number(p.gradient.max_abs if p.gradient else None),
               _percent(p.gradient.zero_fraction if p.gradient else None),
               _number(p.value.norm)] for p in report.parameters]
    layers = [[_shorten(n.name, 40), n.where, _number(n.value.norm),
               _number(n.gradient.norm if n.gradient else None),
               _percent(n.gradient.zero_fraction if n.gradient else None), _percent(n.saturated),
               "-" if n.dead_units is None else f"{n.dead_units}/{n.units}"]
              for n in report.nodes if _is_layer(n)]
    return params, layers


def _shorten(text, limit):
    return text if len(text) <= limit else text[:limit - 3] + "..."


_PARAM_HEADER = ["parameter", "grad norm", "max |grad|", "grad zeros", "value norm"]
_LAYER_HEADER = ["node", "built at", "value norm", "grad norm", "grad zeros", "saturated", "dead"]


def format_stats(report) -> str:
    """The text of a GradientStats report (what `str(report)` returns)."""
    batch = ", ".join(f"{name} {shape}" for name, shape in report.batch.items())
    lines = [f"Gradient statistics of {report.cost} = {report.cost_value:.6g}"
             + (f", on {batch}" if batch else "")]
    lines.append("")
    if report.suspects:
        lines.append("Suspects, most serious first:")
        for number, suspect in enumerate(report.suspects, 1):
            lines += _wrap(str(suspect), "  ", f"{number}. ")
    else:
        lines.append("No suspects: no NaN/Inf, no zero, vanishing or exploding gradient, no "
                     "saturated or dead units.")
    params, layers = _stats_rows(report)
    lines.append("")
    lines += _table(_PARAM_HEADER, params)
    if layers:
        lines.append("")
        lines += _table(_LAYER_HEADER, layers)
    for loop in getattr(report, "steps", ()):
        lines.append("")
        lines += loop.plot()
    return "\n".join(lines)


def rich_stats(report):
    """Rich renderables of a GradientStats report: suspects, then parameter and layer tables."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text
    parts = [Text.assemble(("Gradient statistics", "bold"),
                           f" of {report.cost} = {report.cost_value:.6g}")]
    for number, suspect in enumerate(report.suspects, 1):
        parts.append(Text.assemble(f"{number}. ", (suspect.kind.replace("_", " "),
                                                   SUSPECT_STYLE[suspect.kind]),
                                   f" {suspect.subject} ", (suspect.where, "cyan"),
                                   f": {suspect.message}"))
    if not report.suspects:
        parts.append(Text("no suspects", style="green"))
    params, layers = _stats_rows(report)
    for header, rows in ((_PARAM_HEADER, params), (_LAYER_HEADER, layers)):
        if not rows:
            continue
        table = Table(*header, box=None, header_style="bold")
        for row in rows:
            table.add_row(*row)
        parts.append(table)
    for loop in getattr(report, "steps", ()):
        parts.append(Text("\n".join(loop.plot())))
    return Group(*parts)
