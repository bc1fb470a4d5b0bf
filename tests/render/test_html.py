"""Tests for graphlens/render/html.py: the self-contained viewer, as text and in Chromium."""

import html as html_module
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.render.html import script_json, to_html

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

# Appended to the page in Chromium: click a node, zoom with the wheel, and record the results
# in attributes of <body> for --dump-dom to show.
CLICK_AND_ZOOM = """
<script>
(function () {
  var viewer = window.graphlensViewer;
  var before = viewer.viewBox().join(" ");
  document.getElementById("viewport").dispatchEvent(new WheelEvent("wheel",
      {deltaY: -120, clientX: 300, clientY: 200, bubbles: true, cancelable: true}));
  document.body.setAttribute("data-zoom", before + "|" + viewer.viewBox().join(" "));
  var shape = document.getElementById("%s").querySelector("polygon, ellipse, path");
  shape.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  var origins = document.querySelectorAll("g.origin");
  var keys = [];
  for (var i = 0; i < origins.length; i++) { keys.push(origins[i].id); }
  document.body.setAttribute("data-origins", keys.join(" "));
})();
</script>
</body>"""


def logistic_regression():
    x, y = T.dmatrix("x"), T.dvector("y")
    w = shared(np.linspace(-1.0, 1.0, 3), name="w")
    b = shared(0.0, name="b")
    p_1 = T.sigmoid(T.dot(x, w) + b)
    cost = T.mean(-y * T.log(p_1) - (1 - y) * T.log(1 - p_1))
    gw, gb = grad(cost, [w, b])
    return function([x, y], cost, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)],
                    name="train")


def facts_of(page):
    """The node facts embedded in a page."""
    found = re.search(r'<script type="application/json" id="graphlens-data">(.*?)</script>',
                      page, re.DOTALL)
    return json.loads(found.group(1))["nodes"]


def test_page_is_one_file_that_loads_nothing_from_the_network():
    page = to_html(logistic_regression(), stage="both", backend="wasm")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r'\s(src|href|xlink:href)\s*=', page)
    assert "url(" not in page and "@import" not in page
    # The only URLs are the SVG's XML namespaces, which are names, not fetches.
    assert set(re.findall(r'https?://[^\s"\']+', page)) == {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_every_drawn_node_has_facts_with_its_type_shape_and_source_line():
    page = to_html(logistic_regression(), stage="after", backend="wasm")
    facts = facts_of(page)
    drawn = re.findall(r'<g id="(\w+)" class="node \w+">', page)
    assert sorted(drawn) == sorted(facts)
    x_key = next(key for key, fact in facts.items() if fact["title"] == "x")
    assert facts[x_key]["dtype"] == "float64" and facts[x_key]["shape"] == "(?, ?)"
    assert "test_html.py:" in facts[x_key]["source"]


def test_json_inside_the_page_cannot_close_its_script_element():
    text = script_json({"name": "</script><script>alert(1)</script>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>&"}


def test_nasty_names_reach_the_page_only_escaped():
    x = T.dvector('<script>alert(1)</script>"&')
    page = to_html(T.exp(x), backend="wasm", title="<b>title</b>")
    assert page.count("<script") == 2            # the JSON block and the viewer
    assert "<title>&lt;b&gt;title&lt;/b&gt;</title>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;</text>" in page


@pytest.fixture(scope="module")
def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")


def run_chromium(chromium, tmp_path, page_file, *arguments):
    profile = tmp_path / "profile"
    completed = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments,
         page_file.as_uri()], capture_output=True, timeout=90)
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
    return completed.stdout.decode("utf-8")


def test_clicking_a_node_in_chromium_shows_its_facts_and_outlines_its_origins(chromium,
                                                                              tmp_path):
    train = logistic_regression()
    page = to_html(train, stage="both", backend="wasm")
    facts = facts_of(page)
    # A node a rewrite made, with before-graph sources (or any after node if none was made).
    made = sorted(key for key, fact in facts.items() if fact.get("rule") and fact.get("sources"))
    key = made[0] if made else "a_n0"
    page_file = tmp_path / "page.html"
    page_file.write_text(page.replace("</body>", CLICK_AND_ZOOM % key), encoding="utf-8")
    dom = run_chromium(chromium, tmp_path, page_file, "--virtual-time-budget=3000",
                       "--dump-dom")
    title = re.search(r'<h2 id="panel-title">(.*?)</h2>', dom).group(1)
    assert html_module.unescape(title) == facts[key]["title"]
    panel = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", dom, re.DOTALL))
    assert panel["type"] == facts[key]["dtype"] and panel["shape"] == facts[key]["shape"]
    assert panel["built at"] == html_module.escape(facts[key]["source"], quote=False)
    assert "test_html.py:" in panel["built at"]
    before, after = re.search(r'data-zoom="([^"|]*)\|([^"]*)"', dom).groups()
    assert float(after.split()[2]) < float(before.split()[2])       # zoomed in
    outlined = re.search(r'data-origins="([^"]*)"', dom).group(1).split()
    assert sorted(outlined) == sorted(facts[key].get("sources", []))
    if made:
        assert html_module.unescape(panel["made by rewrite"]).startswith(facts[key]["rule"])
        assert outlined and all(origin.startswith("b_n") for origin in outlined)


def test_a_page_without_folding_carries_neither_graphviz_nor_the_dot_pieces():
    from graphlens.render.html import page
    from graphlens.render.subject import views
    from graphlens.render.svg import render
    from graphlens.render.dot import scene_to_dot
    from graphlens.render.viewbuilder import build_scene
    from tests.render.deep_mlp_model import build

    train, _ = build(n_layers=2)
    scene = build_scene(views(train, "after"))
    svg = render(scene_to_dot(scene), "svg", "wasm").decode("utf-8")
    full, small = page(scene, svg), page(scene, svg, fold=False)
    assert 'id="graphlens-wasm"' in full and 'id="graphlens-wasm"' not in small
    assert len(full) - len(small) > 400_000
    data = json.loads(re.search(r'id="graphlens-data">(.*?)</script>', small, re.S).group(1))
    assert data["dot"] == {"folds": {}}
    assert "folded box" not in [entry["label"] for entry in data["legend"]]
    assert facts_of(small) == facts_of(full)
