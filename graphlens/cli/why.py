"""`graphlens why MODEL.py NODE`: what one node is, where it was built, its scope and history.

NODE is a name the model binds (`hidden`), a variable's name (`W`; `HiddenLayer_3/W` picks one
of several by scope), or a picture's node key (`b_n12` before rewrites, `a_n7` after, `g_n3`
for an expression). For each match it prints the node's kind and op, its type and shape, the
user's line that built it, its scope (and whether `grad` built it), and its rewrite
provenance (graph/provenance.py `origin_of`): which rewrites made an after-graph node and from
which nodes as given, or what became of a node as given.
"""

from __future__ import annotations

import linecache
import re

import click

from graphlens.cli.options import load, model_argument, name_option

_KEY = re.compile(r"^([abg])_n(\d+)$")
# More matches than this are listed by name, not described one by one.
_DESCRIBED = 4


@click.command("why", short_help="Explain one node: type, shape, line, scope, rewrites.")
@model_argument
@click.argument("node", metavar="NODE")
@name_option
def why_command(model, node, names):
    """Explain NODE of MODEL.py: its type, shape, the line that built it, its scope and its
    rewrite provenance.

    NODE is a module-level name of the model (`hidden`), a variable's name (`W`, or
    `HiddenLayer_3/W` to pick one by scope), a node key from a picture's tooltip
    (`b_n12` before rewrites, `a_n7` after), or a scope (a folded box's name:
    `HiddenLayer_3`), which is summarized.

    \b
    Examples:
      graphlens why gallery/deep_mlp.py HiddenLayer_3/W
      graphlens why gallery/mlp.py a_n5
    """
    loaded = load(model, names)
    graphs = _graphs(loaded)
    matches = find(node, loaded, graphs)
    if not matches:
        scope_lines = describe_scope(node, graphs, model)
        if scope_lines:
            click.echo("\n".join(scope_lines))
            return
        raise click.BadParameter(
            f"{node!r} names no node of {model}: give a module-level name, a variable's name "
            f"(W, or SCOPE/W) or a picture's node key (b_n12, a_n7)", param_hint="NODE")
    if len(matches) > _DESCRIBED:
        listed = ", ".join(qualified_name(var) for var, _ in matches[:20])
        click.echo(f"{len(matches)} variables are named {node!r}: {listed}"
                   f"{', ...' if len(matches) > 20 else ''}\nname one as SCOPE/NAME.")
        return
    blocks = [describe_node(var, graph_name, graphs, node if len(matches) == 1 else None)
              for var, graph_name in matches]
    click.echo("\n\n".join("\n".join(block) for block in blocks))


def _graphs(loaded) -> dict:
    """{graph name: compiled function or expression} the model chose to draw."""
    from graphlens.cli.summary import as_function
    return {name: as_function(obj, name) for name, obj in loaded.chosen}


def find(text, loaded, graphs) -> list:
    """[(variable, name of the graph it was found in)] for NODE `text`."""
    from graphlens.graph.basic import ancestors
    from graphlens.graph.scopes import scope_of

    key = _KEY.match(text)
    if key is not None:
        return _by_key(key.group(1), int(key.group(2)), graphs)
    value = loaded.drawable.get(text)
    if value is not None and hasattr(value, "type"):
        return [(value, next(iter(graphs), ""))]
    scope, _, name = text.rpartition("/")
    found, seen = [], set()
    for graph_name, function in graphs.items():
        fgraph = function.fgraph_before
        for var in ancestors(list(fgraph.outputs)):
            if var in seen or var.name is None:
                continue
            seen.add(var)
            short = var.name.rsplit("/", 1)[-1]
            if var.name == text or (short == name and (not scope or scope_of(var) == scope)):
                found.append((var, graph_name))
    return found


def _by_key(prefix, number, graphs) -> list:
    for graph_name, function in graphs.items():
        fgraph = function.fgraph if prefix == "a" else function.fgraph_before
        nodes = list(fgraph.toposort())
        if number < len(nodes):
            return [(nodes[number].outputs[0], graph_name)]
    return []


def qualified_name(var) -> str:
    """`HiddenLayer_3/W`: a variable's name behind its scope (or its name alone)."""
    from graphlens.graph.scopes import scope_of
    scope = scope_of(var)
    name = var.name or "(unnamed)"
    return name if scope is None or name.startswith(scope + "/") else f"{scope}/{name}"


def describe_node(var, graph_name, graphs, asked=None) -> list[str]:
    """The lines `why` prints for one variable (and the op computing it); `asked` is the
    NODE the user typed, the title of an unnamed variable."""
    from graphlens.errors import where
    from graphlens.graph.scopes import is_backward, is_inferred, scope_of
    from graphlens.render.labels import is_constant, is_shared, shared_value_shape

    owner = var.owner
    kind = ("constant" if is_constant(var) else "shared variable" if is_shared(var)
            else "input" if owner is None else "op output")
    title = qualified_name(var) if var.name or asked is None else asked
    scope = scope_of(var)
    unnamed = f"{owner.op.label} output" if owner is not None else str(var)
    if not var.name and asked is None:
        title = unnamed
    elif not var.name and _KEY.match(asked):
        title = f"{asked}: {unnamed}"
    lines = [f"{title}  ({kind})"]
    if owner is not None:
        inputs = ", ".join(qualified_name(v) if v.name else v.owner.op.label if v.owner
                           else str(v) for v in owner.inputs)
        lines.append(f"  op:        {owner.op.label}({inputs})")
    type_line = f"  type:      {var.type}"
    if is_shared(var):
        type_line += f", value shape {shared_value_shape(var)}"
    lines.append(type_line)
    site = where(var)
    lines.append(f"  built at:  {site}")
    source = _source_line(var)
    if source:
        lines.append(f"             {source}")
    if scope is None:
        lines.append("  scope:     none (module-level code)")
    else:
        how = ("inferred from the function that built it" if is_inferred(var)
               else "from name_scope or its name")
        lines.append(f"  scope:     {scope} ({how})"
                     + ("; built by grad: the backward pass of this scope"
                        if is_backward(var) else ""))
    lines += _provenance_lines(var, graphs.get(graph_name), graph_name)
    return lines


def _source_line(var) -> str:
    site = getattr(var, "creation_site", None)
    if not site:
        return ""
    return linecache.getline(site[0], site[1]).strip()


def _provenance_lines(var, function, graph_name) -> list[str]:
    """Where an after-graph node came from, or what became of a node as given."""
    from graphlens.graph.provenance import origin_of

    if function is None:
        return []
    before_keys = {node: f"b_n{i}" for i, node in enumerate(function.fgraph_before.toposort())}
    after_nodes = list(function.fgraph.toposort())
    after_keys = {node: f"a_n{i}" for i, node in enumerate(after_nodes)}
    log = function.rewrite_log
    owner = var.owner
    if owner in after_keys:
        origin = origin_of(owner, log)
        sources = ", ".join(f"{node.op.label} ({before_keys.get(node, '?')})"
                            for node in origin.before[:6])
        rules = ", ".join(dict.fromkeys(origin.rules)) or "none (cloned unchanged)"
        return [f"  rewrites:  in {graph_name} after rewrites as {after_keys[owner]}; "
                f"made by: {rules}",
                f"             from the nodes as given: {sources or 'none'}"]
    if owner is None:
        readers = sum(1 for node in after_nodes if var in node.inputs)
        return [f"  rewrites:  in {graph_name}, read by {readers} op"
                f"{'s' if readers != 1 else ''} after rewrites"]
    if owner not in before_keys:
        # The user's own variable (a module-level name): the graph as given is its clone,
        # found by the same op built on the same line.
        twins = [node for node in before_keys if node.op == owner.op
                 and node.outputs[0].creation_site == var.creation_site]
        if len(twins) != 1:
            return []
        owner = twins[0]
    descendants = [(after_keys[node], origin_of(node, log)) for node in after_nodes]
    became = [(key, origin) for key, origin in descendants if owner in origin.before]
    if not became:
        return [f"  rewrites:  {before_keys[owner]} in {graph_name} as given; removed by the "
                f"rewrites (nothing after them computes it)"]
    parts = [f"{key} ({', '.join(dict.fromkeys(origin.rules)) or 'unchanged'})"
             for key, origin in became[:6]]
    return [f"  rewrites:  {before_keys[owner]} in {graph_name} as given; after rewrites "
            f"part of {', '.join(parts)}{', ...' if len(became) > 6 else ''}"]


def describe_scope(path, graphs, model="MODEL.py") -> list[str]:
    """Lines summarizing scope `path` in the chosen graphs (as given), or [] if none has it:
    its ops forward and backward, its parameters, and the code that built it."""
    from collections import Counter

    from graphlens.errors import where
    from graphlens.graph.basic import ancestors
    from graphlens.graph.scopes import SEPARATOR, is_backward, scope_of

    def inside(item):
        scope = scope_of(item)
        return scope is not None and (scope == path or scope.startswith(path + SEPARATOR))

    for graph_name, function in graphs.items():
        nodes = [node for node in function.fgraph_before.toposort() if inside(node)]
        if not nodes:
            continue
        backward = [node for node in nodes if is_backward(node)]
        forward = [node for node in nodes if not is_backward(node)]
        roots = [var for var in ancestors(list(function.fgraph_before.outputs))
                 if var.owner is None and var.name and inside(var)]
        ops = Counter(type(node.op).__name__ for node in forward)
        lines = [f"{path}  (scope, in {graph_name} as given)",
                 f"  ops:       {len(forward)} forward "
                 f"({', '.join(f'{name} ×{n}' if n > 1 else name for name, n in ops.items())})"
                 f", {len(backward)} built by grad"]
        if roots:
            lines.append("  params:    " + ", ".join(
                f"{var.name.rsplit(SEPARATOR, 1)[-1]} {var.type}" for var in roots))
        sites = list(dict.fromkeys(where(node.outputs[0]) for node in forward))
        lines.append(f"  built at:  {', '.join(sites[:4])}{', ...' if len(sites) > 4 else ''}")
        lines.append(f"  open it:   graphlens show {model} --expand {path}")
        return lines
    return []
