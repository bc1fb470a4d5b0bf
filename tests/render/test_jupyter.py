"""Tests for graphlens/render/jupyter.py: one `_repr_mimebundle_`, laid out once, three forms."""

import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, shared
from graphlens.errors import GraphlensWarning, LayoutBackendError
from graphlens.render import html as html_module
from graphlens.render import jupyter
from graphlens.render.svg import to_svg

ALL_THREE = {"text/plain", "text/html", "image/svg+xml"}

# Read at import, before conftest points HOME at a temporary folder for each test: the kernel
# reuses wasmtime's compiled Graphviz from the user's cache (about 1 s saved per kernel).
USER_CACHE = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")


@pytest.fixture(autouse=True)
def wasm_layout(monkeypatch):
    # The same pictures on every machine, and the developer's own setting does not steer them.
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")


def small_function():
    x = T.dvector("x")
    state = shared(np.zeros(2), name="state")
    return function([x], T.exp(x) - 1, updates=[(state, state + x)], name="step")


def page_parts(cell_html):
    """The JSON the cell's script rebuilds the viewer page from."""
    found = re.search(r'<script type="application/json" id="[^"]+-page">(.*?)</script>',
                      cell_html, re.DOTALL)
    return json.loads(found.group(1))


def test_a_variable_gives_the_formula_the_svg_and_the_viewer_once():
    x = T.dvector("x")
    expr = T.exp(x)
    bundle = expr._repr_mimebundle_()
    assert set(bundle) == ALL_THREE
    assert bundle["text/plain"] == "exp(x)"
    svg = to_svg(expr, backend="wasm")
    # The fallback is the picture less the hover texts an image cannot show.
    assert bundle["image/svg+xml"] == jupyter.without_hover_text(svg)
    assert bundle["image/svg+xml"].startswith("<?xml")
    assert bundle["image/svg+xml"].count('class="node op"') == 1
    assert "xlink:title" not in bundle["image/svg+xml"] and "<!--" not in bundle["image/svg+xml"]
    assert len(bundle["image/svg+xml"]) < 0.9 * len(svg)
    cell = bundle["text/html"]
    # The SVG is stored once in the HTML, without its XML prolog, hover texts kept.
    assert cell.count("<svg") == 1 and "<?xml" not in cell
    assert html_module.inline_svg(svg) in cell and 'xlink:title="input x: float64[?]' in cell


def test_the_cell_page_around_the_svg_is_the_viewer_page():
    f = small_function()
    bundle = f._repr_mimebundle_()
    svg = to_svg(f, backend="wasm")
    parts = page_parts(bundle["text/html"])
    assert set(parts) == {"head", "tail"}          # the SVG is not carried a second time
    rebuilt = parts["head"] + html_module.inline_svg(svg) + parts["tail"]
    assert rebuilt == html_module.to_html(f, backend="wasm")
    assert bundle["text/plain"].splitlines()[0].startswith("out")


def test_a_function_is_laid_out_once(monkeypatch):
    calls = []
    real_render = jupyter.render

    def counting_render(dot_text, format="svg", backend=None):
        calls.append(format)
        return real_render(dot_text, format, backend)

    monkeypatch.setattr(jupyter, "render", counting_render)
    small_function()._repr_mimebundle_()
    assert calls == ["svg"]


def test_include_and_exclude_pick_the_forms_and_skip_the_layout(monkeypatch):
    x = T.dvector("x")
    monkeypatch.setattr(jupyter, "render", lambda *args: pytest.fail("laid out"))
    assert jupyter.mimebundle(T.exp(x), include={"text/plain"}) == {"text/plain": "exp(x)"}
    assert set(jupyter.mimebundle(T.exp(x), exclude={"text/html", "image/svg+xml"})) == {
        "text/plain"}


def test_no_layout_backend_leaves_the_formula_and_says_why(monkeypatch):
    def no_backend(*args):
        raise LayoutBackendError("no layout backend is available")

    monkeypatch.setattr(jupyter, "render", no_backend)
    x = T.dvector("x")
    with pytest.warns(GraphlensWarning, match="not drawn: no layout backend is available"):
        bundle = (x * 2)._repr_mimebundle_()
    assert bundle == {"text/plain": "x * 2.0"}


def test_two_displays_of_one_graph_get_their_own_ids():
    x = T.dvector("x")
    first, second = (jupyter.mimebundle(T.exp(x))["text/html"] for _ in range(2))
    ids = [re.search(r'id="(graphlens-[^"]+)"', cell).group(1) for cell in (first, second)]
    assert ids[0] != ids[1]
    assert second.count(ids[1]) == 4         # the box, the JSON, and the script's two look-ups


def test_printing_a_variable_is_unchanged_for_theano_users():
    x = T.dvector("x")
    assert str(T.exp(x)) == repr(T.exp(x)) == "Exp.out"
    assert not hasattr(T.exp(x), "_repr_svg_") and not hasattr(T.exp(x), "_repr_html_")


def test_frame_height_is_the_pictures_own_bounded():
    assert jupyter.frame_height('<svg width="80pt" height="300pt">') == 400 + 40
    assert jupyter.frame_height('<svg width="80pt" height="3000pt">') == jupyter.MAX_HEIGHT
    assert jupyter.frame_height('<svg width="80pt" height="10pt">') == jupyter.MIN_HEIGHT


def test_without_scripts_the_cell_is_the_static_picture():
    # What a sanitizing renderer (GitHub, an untrusted notebook) keeps: the markup, no script.
    x = T.dvector("x")
    cell = jupyter.mimebundle(T.exp(x))["text/html"]
    static = re.sub(r"<script.*?</script>\n?", "", cell, flags=re.DOTALL)
    assert static.startswith('<div class="graphlens-cell"') and static.endswith("</svg>\n</div>\n")
    assert static.count('class="node op"') == 1 and "overflow:auto" in static


# As JupyterLab shows HTML output: markup set on a node not yet in the page, each script
# replaced by a fresh one (so that it runs), and the node attached afterwards.
JUPYTERLAB_LIKE = """<!DOCTYPE html><html><body><script type="application/json" id="cell">%s</script>
<script>
var host = document.createElement("div");
host.innerHTML = JSON.parse(document.getElementById("cell").textContent);
host.querySelectorAll("script").forEach(function (old) {
  var fresh = document.createElement("script");
  if (old.type) fresh.type = old.type;
  if (old.id) fresh.id = old.id;
  fresh.textContent = old.textContent;
  old.replaceWith(fresh);
});
document.body.appendChild(host);
</script></body></html>"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
@pytest.mark.parametrize("frontend", ["inline", "jupyterlab-like"])
def test_the_cell_becomes_the_viewer_where_scripts_run(tmp_path, frontend):
    x = T.dvector("x")
    cell = jupyter.mimebundle(T.exp(x))["text/html"]
    path = tmp_path / "cell.html"
    if frontend == "inline":
        page = f"<!DOCTYPE html><html><body>{cell}</body></html>"
    else:
        page = JUPYTERLAB_LIKE % html_module.script_json(cell)
    path.write_text(page, encoding="utf-8")
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=60).stdout
    assert 'data-viewer="1"' in dom and "<iframe" in dom and 'sandbox="allow-scripts"' in dom
    srcdoc = re.search(r'srcdoc="(.*?)"', dom, re.DOTALL).group(1)
    assert "&lt;svg" in srcdoc and 'id="graphlens-data"' in srcdoc.replace("&quot;", '"')


NOTEBOOK_CELLS = [
    "import numpy as np\nimport graphlens.tensor as T\nfrom graphlens import function, shared",
    "x = T.dvector('x')\nT.exp(x) * 2",
    "s = shared(np.zeros(2), name='s')\n"
    "f = function([x], T.exp(x) - 1, updates=[(s, s + x)], name='step')\nf",
    "print(T.exp(x))",
]


def test_a_notebook_executed_carries_each_mime_type_once(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("XDG_CACHE_HOME", USER_CACHE)
    os.makedirs(os.environ["HOME"], exist_ok=True)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}})
    client = nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    # The kernel is this interpreter, whichever venv runs the tests.
    client.kernel_manager_class = _this_python_kernel_manager()
    client.execute()
    results = []
    for cell in notebook.cells[1:3]:
        assert [output.output_type for output in cell.outputs] == ["execute_result"]
        results.append(cell.outputs[0].data)
    for data in results:
        assert set(data) == ALL_THREE
        assert data["text/html"].count("<svg") == 1 and data["image/svg+xml"].count("<svg") == 1
    assert results[0]["text/plain"] == "exp(x) * 2.0"
    assert "step" in results[1]["text/html"] and "s <- " in results[1]["text/plain"]
    # print() still prints what Theano printed: no picture, only the stream.
    assert [(out.output_type, out.text.strip()) for out in notebook.cells[3].outputs] == [
        ("stream", "Exp.out")]


def _this_python_kernel_manager():
    from jupyter_client.manager import KernelManager

    class ThisPython(KernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file]

    return ThisPython
