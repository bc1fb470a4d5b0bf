"""Time on the picture (render/profile_overlay.py): a profiled function's nodes shaded by their
share of the run time, with the numbers under each op; Theano's d3viz writing the viewer page
with it; the errors for a function that was not profiled or not called."""

import numpy as np
import pytest

import graphlens.d3viz as d3v
import graphlens.tensor as T
from graphlens import function, pydotprint
from graphlens.errors import ArgumentError
from graphlens.render.profile_overlay import _seconds, _shade, profile_overlay


@pytest.fixture
def profiled():
    """A called, profiled function whose times are set by hand: the product (a Gemv) took 9 ms, the rest
    1 ms between them, so the shades and shares are known."""
    x, w = T.dmatrix("x"), T.dvector("w")
    f = function([x, w], T.tanh(T.dot(x, w)) * 2, profile=True, name="layer")
    f(np.ones((3, 2)), np.ones(2))
    f(np.ones((3, 2)), np.ones(2))
    stats = f.profile
    others = [node for node in stats.apply_time if type(node.op).__name__ != "Gemv"]
    for node in stats.apply_time:
        stats.apply_time[node] = 9e-3 if node not in others else 1e-3 / len(others)
    return f


def test_every_node_shows_its_share_and_the_slowest_is_darkest(profiled):
    dot = pydotprint(profiled, profile=True, format="dot")
    assert "90.0% · 4.5 ms/call" in dot              # 9 ms of 10, over 2 calls
    assert dot.count("/call") == len(profiled.fgraph.apply_nodes)
    assert '#e6550d' in dot                            # the slowest node's shade
    assert "time over 2 calls" in dot
    # The fills mean time here: the rewrite colours and their legend step aside.
    assert "colour = the rewrite that made the node" not in dot
    assert "colour = the rewrite that made the node" in pydotprint(profiled, format="dot")


def test_the_overlay_keys_the_optimized_graphs_nodes(profiled):
    overlay = profile_overlay(profiled)
    assert set(profiled.fgraph.apply_nodes) <= set(overlay.nodes)
    (dot_node,) = [n for n in profiled.fgraph.apply_nodes if type(n.op).__name__ == "Gemv"]
    assert overlay.nodes[dot_node]["tooltip_lines"] == [
        "time: 9 ms in 2 calls, 90.0% of the nodes' time"]


def test_d3viz_writes_the_viewer_page_with_the_times(profiled, tmp_path):
    page = tmp_path / "new folder" / "layer.html"
    d3v.d3viz(profiled, str(page))
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "90.0% · 4.5 ms/call" in text
    d3v.d3write(profiled, str(tmp_path / "layer.dot"))
    assert (tmp_path / "layer.dot").read_text().startswith("digraph")


def test_d3viz_of_an_unprofiled_function_draws_it_plain(tmp_path):
    x = T.dvector("x")
    d3v.d3viz(function([x], T.exp(x)), str(tmp_path / "plain.html"), compact=True)
    assert "/call" not in (tmp_path / "plain.html").read_text()


def test_time_picture_errors_say_what_is_missing():
    x = T.dvector("x")
    with pytest.raises(ArgumentError, match="compiled with profile=True"):
        pydotprint(function([x], T.exp(x)), profile=True)
    with pytest.raises(ArgumentError, match="has not been called yet"):
        pydotprint(function([x], T.exp(x), profile="fresh"), profile=True)


def test_shades_and_time_units():
    assert [_shade(f) for f in (0.0, 0.1, 0.3, 0.6, 1.0)] == [
        "#ffffff", "#fff1e0", "#fdd0a2", "#fd8d3c", "#e6550d"]
    assert [_seconds(s) for s in (2.5, 0.0123, 4.5e-5, 3e-9)] == [
        "2.5 s", "12.3 ms", "45 us", "3 ns"]
