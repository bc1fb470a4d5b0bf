"""Tests for graphlens/render/legend.py: every shape, box, colour and edge style a picture uses
has a legend entry, and the viewer page carries them and the trace marks."""

import graphlens.tensor as T
from graphlens.render.findings import function_findings_overlay
from graphlens.render.html import FOLDABLE_KINDS, viewer_data
from graphlens.render.legend import legend_entries
from graphlens.render.overlay import apply_overlay
from graphlens.render.style import KIND_ATTRS, rule_colors
from graphlens.render.subject import views
from graphlens.render.viewbuilder import build_scene
from graphlens.trace.vanishing import vanishing
from tests.models import sgn_train
from tests.render.deep_mlp_model import build


def by_label(entries):
    return {entry["label"]: entry for entry in entries}


def test_every_kind_of_node_box_and_edge_drawn_has_an_entry():
    train, _ = build(n_layers=2)
    scene = build_scene(views(train, "both"))
    entries = legend_entries(scene, FOLDABLE_KINDS)
    labels = by_label(entries)
    for label in ("input", "shared variable", "constant", "op", "output", "name scope",
                  "fused op", "stage", "data flow", "update", "0, 1, ... on an edge",
                  "folded box", "selected", "came from", "search match"):
        assert label in labels, label
    assert labels["input"]["swatch"] == {
        "shape": "ellipse", "fill": KIND_ATTRS["input"]["fillcolor"], "stroke": "#000000",
        "text": None, "width": 1.0, "dash": None, "double": False, "rounded": False}
    assert labels["output"]["swatch"]["double"] is True
    assert labels["update"]["swatch"]["dash"] == "4 2"
    assert labels["update"]["swatch"]["stroke"] == "#e6550d"
    # A kind not drawn gets no entry: no random draws, no reference tags in this picture.
    assert "random draw" not in labels and "ops not drawn" not in labels


def test_each_rewrite_colour_is_named_with_its_fill():
    train, _ = build(n_layers=2)
    scene = build_scene(views(train, "after"))
    rewrites = [entry for entry in legend_entries(scene) if entry["group"] == "rewrites"]
    colours = rule_colors(scene.rule_counts)
    assert sorted(entry["label"] for entry in rewrites) == sorted(scene.rule_counts)
    for entry in rewrites:
        assert entry["swatch"]["fill"] == colours[entry["label"]]
        assert f"made {scene.rule_counts[entry['label']]} of the drawn nodes" in entry["words"]


def test_random_draws_and_trace_marks_are_explained():
    srng = T.shared_randomstreams.RandomStreams(seed=1)
    x = T.dvector("x")
    noisy = x * srng.binomial(size=x.shape, p=0.5)
    labels = by_label(legend_entries(build_scene(views(noisy, "after"))))
    assert labels["random draw"]["swatch"]["shape"] == "hexagon"

    cost, params, train = sgn_train(w1_name="enc/W1")
    scene = build_scene(views(train, "after"))
    apply_overlay(scene, function_findings_overlay(train, vanishing(cost, params)))
    trace = [entry for entry in legend_entries(scene) if entry["group"] == "trace"]
    assert any("blocks the gradient" in entry["label"] and entry["swatch"]["stroke"] == "#d62728"
               for entry in trace)


def test_the_page_lists_trace_marks_with_their_reasons_and_user_names():
    cost, params, train = sgn_train(w1_name="enc/W1")
    scene = build_scene(views(train, "after"))
    apply_overlay(scene, function_findings_overlay(train, vanishing(cost, params)))
    data = viewer_data(scene)
    marked = {data["nodes"][key]["title"]: data["nodes"][key]["marks"] for key in data["marks"]}
    assert any(title.startswith("Sgn") for title in marked)
    assert "stage" not in data["nodes"][data["marks"][0]]     # one stage drawn: no need
    both = build_scene(views(train, "both"))
    apply_overlay(both, function_findings_overlay(train, vanishing(cost, params)))
    both_data = viewer_data(both)
    assert sorted(both_data["nodes"][key]["stage"] for key in both_data["marks"]) == [
        "after rewrites", "after rewrites", "before rewrites", "before rewrites"]
    assert any("blocks the gradient" in line for lines in marked.values() for line in lines)
    assert data["nodes"][next(key for key, facts in data["nodes"].items()
                              if facts["title"] == "enc/W1")]["scope"] == "enc"
    # Before-graph origins by what they are, not by the picture's keys (b_n5).
    for facts in data["nodes"].values():
        for origin in facts.get("from_before", []):
            assert "(b_n" not in origin
