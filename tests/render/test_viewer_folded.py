"""A big graph's page opens folded by layer and each layer opens in place (render/page_folds.py),
driven in headless Chromium like tests/render/test_viewer.py; past PAGE_MAX_OPS the page shows
the server's summary and says how to draw a box open.

The 8-layer MLP before and after its rewrites is 272 ops: over the fold_threshold flag (150).
"""

import json
import re
from pathlib import Path

import pytest

from graphlens.render import page_folds
from graphlens.render.framing import scene_of
from graphlens.render.html import to_html
from graphlens.render.dot import assemble_dot
from tests.render.cdp import Browser, find_chromium
from tests.render.deep_mlp_model import build

DRIVER = Path(__file__).with_name("viewer_driver.js")


def page_data(text):
    found = re.search(r'id="graphlens-data">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def with_driver(text):
    return text.replace("</body>", f"<script>{DRIVER.read_text()}</script>\n</body>")


@pytest.fixture(scope="module")
def train():
    return build()[0]


@pytest.fixture(scope="module")
def folded_page(train):
    return to_html(train, stage="both", backend="wasm")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    path = find_chromium()
    if path is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
    with Browser(path) as opened:
        yield opened


def scope_keys(data, label):
    return [key for key, facts in data["clusters"].items()
            if facts["kind"] == "scope" and facts["title"] == label]


def nodes_in(data, cluster):
    """Node keys drawn inside `cluster` at any depth."""
    found = []
    for key, facts in data["nodes"].items():
        here = facts["cluster"]
        while here is not None and here != cluster:
            here = data["clusters"][here]["parent"]
        if here == cluster:
            found.append(key)
    return found


def test_a_big_page_holds_every_op_and_starts_with_the_layers_folded(train, folded_page):
    data = page_data(folded_page)
    # Every op of both halves is in the page, as the picture drawn whole has them.
    whole = scene_of(train, stage="both", fold=False)
    assert data["order"] == [node.key for node in whole.nodes]
    assert sum(node.kind == "op" for node in whole.nodes) > 272     # fused ops drawn open
    assert not any(facts["kind"] == "fold" for facts in data["nodes"].values())
    layers = [key for n in range(1, 9) for key in scope_keys(data, f"layer{n}")]
    assert len(layers) == 16           # each layer, before and after the rewrites
    assert set(layers) <= set(data["folded"])
    assert all(key in data["dot"]["folds"] for key in data["folded"])
    # The picture the page opens with is the folded one: a layer's box, not its ops.
    assert f'id="{layers[0]}_fold"' in folded_page
    assert not any(f'id="{key}"' in folded_page for key in nodes_in(data, layers[0]))
    assert "opened folded: double-click a box" in folded_page


def test_the_page_puts_the_folded_dot_together_as_python_did(browser, folded_page, tmp_path):
    page_file = tmp_path / "folded.html"
    page_file.write_text(with_driver(folded_page), encoding="utf-8")
    browser.open(page_file)
    data = page_data(folded_page)
    assert browser.evaluate(f"graphlensViewer.assembleDot({json.dumps(data['folded'])})") \
        == assemble_dot(data["dot"], data["folded"])


def test_unfolding_one_layer_shows_its_ops_in_place(browser, folded_page, tmp_path):
    page_file = tmp_path / "folded.html"
    page_file.write_text(with_driver(folded_page), encoding="utf-8")
    browser.open(page_file)
    data = page_data(folded_page)
    layer3 = scope_keys(data, "layer3")[-1]          # the compiled graph's layer 3
    ops = [key for key in nodes_in(data, layer3) if data["nodes"][key]["kind"] == "op"]
    weight = next(key for key, facts in data["nodes"].items()
                  if facts.get("title") == "layer3/W" and facts["cluster"] is not None
                  and key in nodes_in(data, layer3))
    keys = [layer3 + "_fold", weight] + ops
    before = browser.evaluate(f"viewerChecks.drawn({json.dumps(keys)})")
    assert before["shown"] == {key: key == layer3 + "_fold" for key in keys}
    browser.evaluate(f"graphlensViewer.toggleFold({json.dumps(layer3)})")
    after = browser.evaluate(f"viewerChecks.drawn({json.dumps(keys)})")
    assert after["shown"] == {key: key != layer3 + "_fold" for key in keys}
    assert layer3 not in after["folded"] and len(after["folded"]) == len(before["folded"]) - 1
    assert after["nodes"] == before["nodes"] - 1 + len(nodes_in(data, layer3))
    assert browser.evaluate("viewerChecks.errors()") == []


def test_past_the_page_limit_the_summary_says_how_to_expand(browser, train, tmp_path,
                                                            monkeypatch):
    monkeypatch.setattr(page_folds, "PAGE_MAX_OPS", 200)
    text = to_html(train, stage="both", backend="wasm")
    data = page_data(text)
    boxes = [key for key, facts in data["nodes"].items() if facts["kind"] == "fold"]
    assert boxes and sum(facts["kind"] == "op" for facts in data["nodes"].values()) < 272
    page_file = tmp_path / "summary.html"
    page_file.write_text(with_driver(text), encoding="utf-8")
    browser.open(page_file)
    box = boxes[0]
    said = browser.evaluate(f"""(function () {{
        var node = document.getElementById({json.dumps(box)});
        node.dispatchEvent(new MouseEvent("dblclick", {{bubbles: true}}));
        return document.getElementById("status").textContent;
    }})()""")
    scope = data["nodes"][box]["scopes"][0]
    assert f"--expand {scope}" in said and "folded when this page was made" in said
    browser.evaluate(f"graphlensViewer.select({json.dumps(box)})")
    assert f"--expand {scope}" in browser.evaluate(
        "document.getElementById('panel-body').textContent")
