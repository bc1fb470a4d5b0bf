"""The HTML viewer driven in headless Chromium on an 8-layer MLP (tests/render/deep_mlp_model.py):
search, fold and unfold, the minimap, dark mode and the panel, all in one browser start.

The page is the one `page()` writes for the model's scene; `viewer_driver.js` is appended to
it and each test calls one of its checks through the DevTools protocol (`cdp.py`), awaiting the
page's promises where it lays the picture out again with its own WebAssembly Graphviz.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from graphlens.render.dot import scene_to_dot
from graphlens.render.html import FOLDABLE_KINDS, page
from graphlens.render.subject import views
from graphlens.render.svg import render
from graphlens.render.viewbuilder import build_scene
from tests.render.cdp import Browser, find_chromium
from tests.render.deep_mlp_model import build

DRIVER = Path(__file__).with_name("viewer_driver.js")


@pytest.fixture(scope="module")
def scene():
    train, _ = build()
    return build_scene(views(train, "after"))


@pytest.fixture(scope="module")
def browser(scene, tmp_path_factory):
    """Chromium with the viewer of the 8-layer MLP open (its checks appended)."""
    path = find_chromium()
    if path is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
    svg = render(scene_to_dot(scene), "svg", "wasm").decode("utf-8")
    page_file = tmp_path_factory.mktemp("viewer") / "mlp8.html"
    page_file.write_text(page(scene, svg).replace(
        "</body>", f"<script>{DRIVER.read_text()}</script>\n</body>"), encoding="utf-8")
    with Browser(path) as opened:
        opened.open(page_file)
        yield opened
        assert opened.evaluate("viewerChecks.errors()") == []


def check(browser, name, *arguments):
    return browser.evaluate(f"viewerChecks.{name}({', '.join(map(json.dumps, arguments))})")


def key_of(scene, title):
    return next(node.key for node in scene.nodes
                if title in (node.info.get("name"), node.info.get("title")))


def scope_key(scene, label):
    return next(c.key for c in scene.clusters if c.kind == "scope" and c.label == label)


def inside(scene, cluster_key):
    """Keys of the nodes drawn inside `cluster_key`, at any depth."""
    parent = {cluster.key: cluster.parent for cluster in scene.clusters}
    found = []
    for node in scene.nodes:
        cluster = node.cluster
        while cluster is not None and cluster != cluster_key:
            cluster = parent[cluster]
        if cluster == cluster_key:
            found.append(node.key)
    return found


def test_page_puts_the_dot_back_together_exactly_as_python_wrote_it(browser, scene):
    assert browser.evaluate("graphlensViewer.assembleDot([])") == scene_to_dot(scene)


def test_search_finds_highlights_selects_and_centres_a_node(browser, scene):
    found = check(browser, "search", "name:layer5/h")
    assert found["hits"] == [key_of(scene, "layer5/h")]
    assert found["selected"] and found["current"] == 1 and found["highlighted"] == 1
    assert found["title"] == "Tanh" and found["count"] == "1 / 1"
    # Its edges stand out: the one bringing its input, and those to each reader.
    key = found["hits"][0]
    assert found["incoming"] == sum(edge.head == key for edge in scene.edges) == 1
    assert found["outgoing"] == sum(edge.tail == key for edge in scene.edges) >= 2
    # Centred in the viewport (within a few pixels), zoomed in from the whole picture to a
    # size that reads.
    x, y, width, height = found["box"]
    view_width, view_height = found["viewport"]
    assert abs(x + width / 2 - view_width / 2) < 3 and abs(y + height / 2 - view_height / 2) < 3
    assert width > 40


def test_typing_a_search_counts_at_once_then_shows_the_first_match_and_enter_walks_on(
        browser, scene):
    seen = check(browser, "typeSearch", "line:deep_mlp_model.py:19")
    biases = [node.key for node in scene.nodes if node.kind == "shared"
              and "deep_mlp_model.py:19" in node.info["source"]]
    assert len(biases) == 8
    first, second = seen[2].split()[-1], seen[3].split()[-1]
    assert seen[:2] == ["8 matches", "1 / 8"] and seen[2] == f"2 / 8 {first}"
    assert seen[3] == f"3 / 8 {second}" and seen[4] == f"2 / 8 {first}"
    assert {first, second} <= set(biases)


def test_search_by_source_line_op_and_scope(browser, scene):
    # Each layer's W is built on line 18 of the model: eight of them.
    assert len(check(browser, "searchCount", "line:deep_mlp_model.py:18")["hits"]) == 8
    dots = [node.key for node in scene.nodes
            if node.kind == "op" and "dot" in node.info["title"].lower()]
    assert sorted(check(browser, "searchCount", "op:dot")["hits"]) == sorted(dots)
    layer3 = inside(scene, scope_key(scene, "layer3"))
    assert sorted(check(browser, "searchCount", "scope:layer3")["hits"]) == sorted(layer3)
    assert check(browser, "searchCount", "no-such-thing") == {"hits": [], "text": "no match"}


def test_clicking_the_minimap_centres_the_view_on_that_point(browser):
    seen = check(browser, "minimap", 0.8, 0.25)
    assert seen["after"][2:] == pytest.approx(seen["before"][2:])      # moved, not zoomed
    assert seen["after"][:2] != pytest.approx(seen["before"][:2])
    # The frame showing the view is centred on the clicked point of the minimap.
    left, top, width, height = seen["map"]
    frame = seen["frame"]
    assert frame[0] + frame[2] / 2 == pytest.approx(left + 0.8 * width, abs=2)
    assert frame[1] + frame[3] / 2 == pytest.approx(top + 0.25 * height, abs=2)
    assert frame[2] < width / 2                               # zoomed in: a small frame


def test_folding_a_scope_draws_one_box_in_its_place_and_unfolding_brings_it_back(browser,
                                                                                 scene):
    layer3, weight = scope_key(scene, "layer3"), key_of(scene, "layer3/W")
    keys = [layer3, layer3 + "_fold", weight]
    before = check(browser, "drawn", keys)
    assert before["shown"] == {layer3: True, layer3 + "_fold": False, weight: True}
    where = check(browser, "screenPosition", layer3)
    browser.evaluate(f"graphlensViewer.toggleFold({json.dumps(layer3)})")
    folded = check(browser, "drawn", keys)
    assert folded["folded"] == [layer3]
    assert folded["shown"] == {layer3: False, layer3 + "_fold": True, weight: False}
    assert folded["nodes"] == before["nodes"] - len(inside(scene, layer3)) + 1
    assert folded["minimap"] != before["minimap"]             # the minimap follows
    # In place: the folded box sits where the open box was on screen.
    assert check(browser, "screenPosition", layer3) == pytest.approx(where, abs=40)
    browser.evaluate(f"graphlensViewer.toggleFold({json.dumps(layer3)})")
    assert check(browser, "drawn", keys) == before


def test_a_search_hit_inside_a_folded_box_opens_the_box(browser, scene):
    layer3, bias = scope_key(scene, "layer3"), key_of(scene, "layer3/b")
    browser.evaluate(f"graphlensViewer.toggleFold({json.dumps(layer3)})")
    assert check(browser, "drawn", [bias])["shown"] == {bias: False}
    browser.evaluate("graphlensViewer.search('name:layer3/b'); graphlensViewer.layoutDone()")
    seen = check(browser, "drawn", [bias])
    assert seen["shown"] == {bias: True} and seen["folded"] == []
    assert browser.evaluate(f"document.getElementById({json.dumps(bias)})"
                            ".classList.contains('selected')")


def test_selecting_a_box_hidden_in_a_folded_box_opens_the_outer_one(browser, scene):
    layer3 = scope_key(scene, "layer3")
    fused = next(c.key for c in scene.clusters if c.kind == "fused" and c.parent == layer3)
    browser.evaluate(f"graphlensViewer.toggleFold({json.dumps(layer3)})")
    assert check(browser, "drawn", [fused])["shown"] == {fused: False}
    browser.evaluate(f"graphlensViewer.select({json.dumps(fused)}); "
                     "graphlensViewer.layoutDone()")
    seen = check(browser, "drawn", [fused])
    assert seen["shown"] == {fused: True} and seen["folded"] == []
    assert browser.evaluate(f"document.getElementById({json.dumps(fused)})"
                            ".classList.contains('selected')")


def test_fold_all_folds_each_outermost_box_and_unfold_all_restores(browser, scene):
    clusters = {cluster.key: cluster for cluster in scene.clusters}
    foldable = {key for key, cluster in clusters.items() if cluster.kind in FOLDABLE_KINDS}

    def outermost(key):
        cluster = clusters[key].parent
        while cluster is not None:
            if cluster in foldable:
                return False
            cluster = clusters[cluster].parent
        return True

    tops = [key for key in foldable if outermost(key)]
    # Eight layers and the softmax, and the fused ops of the gradient outside any scope.
    assert sum(clusters[key].kind == "scope" for key in tops) == 9 and len(tops) > 9
    before = check(browser, "drawn", [])
    browser.evaluate("graphlensViewer.foldAll()")
    folded = check(browser, "drawn", [])
    assert folded["folds"] == len(tops) and sorted(folded["folded"]) == sorted(tops)
    assert folded["nodes"] == (before["nodes"] + len(tops)
                               - sum(len(inside(scene, key)) for key in tops))
    assert folded["edges"] < before["edges"]
    browser.evaluate("graphlensViewer.unfoldAll()")
    assert check(browser, "drawn", [])["nodes"] == before["nodes"]


def lightness(css):
    red, green, blue = (float(part) for part in re.findall(r"[\d.]+", css)[:3])
    return (max(red, green, blue) + min(red, green, blue)) / 2 / 255


def test_page_and_picture_follow_the_system_into_dark_mode_and_back(browser):
    light = check(browser, "theme")
    assert not light["dark"] and lightness(light["background"]) > 0.9
    browser.color_scheme("dark")
    check(browser, "frames")
    dark = check(browser, "theme")
    assert dark["dark"] and "dark" in dark["htmlClass"]
    assert lightness(dark["background"]) < 0.2 and lightness(dark["page"]) < 0.2
    assert lightness(dark["text"]) > 0.8
    assert dark["minimap"] != light["minimap"]                # the minimap is redrawn dark
    browser.color_scheme("light")
    check(browser, "frames")
    assert check(browser, "theme") == light


def test_panel_hides_to_give_the_picture_its_width_and_help_lists_the_keys(browser):
    seen = check(browser, "panel")
    assert seen["display"] == "none" and seen["hidden"] > seen["before"] + 250
    assert seen["shown"] == seen["before"]
    assert seen["help"] and seen["helpClosed"]
    assert {"/", "p", "m", "d", "?", "0"} <= set(seen["keys"])
    for label in ("input", "shared variable", "constant", "op", "output", "name scope",
                  "fused op", "data flow", "update", "folded box", "selected", "search match"):
        assert label in seen["legend"]


def test_panel_never_shows_the_pictures_internal_keys(browser, scene):
    for title in ("layer5/h", "layer3/W"):
        browser.evaluate(f"graphlensViewer.select({json.dumps(key_of(scene, title))})")
        text = check(browser, "panelText")
        assert title.split("/")[0] in text
        assert not any(word.startswith(("a_v", "a_n", "b_n", "a_c", "cluster_"))
                       for word in text.replace("(", " ").split())


def test_pinch_two_fingers_spreading_apart_zoom_in_about_their_midpoint(browser):
    seen = check(browser, "pinch")
    before, after = seen["before"], seen["after"]
    assert after[2] == pytest.approx(before[2] / 2, rel=1e-6)
    centre = (before[0] + before[2] / 2, before[1] + before[3] / 2)
    assert (after[0] + after[2] / 2, after[1] + after[3] / 2) == pytest.approx(centre, abs=1e-3)
    # While the fingers move, the painted picture is scaled (no repaint); when they lift, the
    # picture is drawn anew at the new view.
    assert seen["during"]["transform"].endswith("scale(2)")
    assert seen["settled"]["transform"] == ""
    assert [float(v) for v in seen["settled"]["viewBox"].split()] == pytest.approx(seen["box"])


def test_provenance_and_trace_marks_are_brought_into_view(browser, tmp_path):
    """On the sgn autoencoder before and after its rewrites, with the gradient findings laid
    over it (a separate page, in the same browser, opened last)."""
    from graphlens.render.findings import function_findings_overlay
    from graphlens.render.html import to_html
    from graphlens.trace.vanishing import vanishing
    from tests.models import sgn_train

    cost, params, train = sgn_train(w1_name="enc/W1")
    overlay = function_findings_overlay(train, vanishing(cost, params))
    page_file = tmp_path / "sgn.html"
    page_file.write_text(to_html(train, stage="both", backend="wasm", overlay=overlay).replace(
        "</body>", f"<script>{DRIVER.read_text()}</script>\n</body>"), encoding="utf-8")
    browser.open(page_file)
    scene = build_scene(views(train, "both"))
    made = next(node for node in scene.nodes
                if node.info.get("rule") and len(node.info.get("sources", [])) >= 2)
    seen = check(browser, "selectShows", made.key)
    assert sorted(seen["outlined"]) == sorted(made.info["sources"])
    assert not all(seen["before"])             # some were off screen before the click
    assert all(seen["inView"]) and seen["selectedInView"]
    # The trace marks: listed by name with the reason; a click selects and centres the node.
    marks = check(browser, "clickMark", 0)
    assert any("blocks the gradient" in text for text in marks["texts"])
    assert marks["selected"] is not None and marks["title"].split("{")[0] in marks["texts"][0]


def test_nasty_names_stay_text_after_the_page_lays_the_picture_out_again(browser, tmp_path):
    import graphlens.tensor as T
    from graphlens import function, shared
    from graphlens.render.html import to_html

    nasty = '<img src=x onerror="window.owned=1">&amp;"\\'
    x = T.dvector(nasty)
    weight = shared(np.ones(3), name="enc/W")
    hidden = T.tanh(x * weight)
    hidden.name = "enc/h"
    out = hidden + 1
    out.name = nasty + "2"
    page_file = tmp_path / "nasty.html"
    page_file.write_text(to_html(function([x], out), backend="wasm").replace(
        "</body>", f"<script>{DRIVER.read_text()}</script>\n</body>"), encoding="utf-8")
    browser.open(page_file)
    browser.evaluate("graphlensViewer.foldAll()")
    seen = browser.evaluate("""(function () {
        var svg = document.querySelector('#viewport svg');
        return {folded: graphlensViewer.folded().length, owned: window.owned || 0,
                images: document.querySelectorAll('img:not(#minimap-image)').length,
                text: svg.textContent};
    })()""")
    assert seen["folded"] >= 1 and seen["owned"] == 0 and seen["images"] == 0
    assert nasty in seen["text"]
