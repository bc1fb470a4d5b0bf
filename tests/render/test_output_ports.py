"""An op with several outputs is drawn as a record whose lower row names each output in a cell
of its own (a Graphviz port), and every edge carrying that output leaves from its cell: each
name is written once, beside its edges, in place of tail labels crowded around the box. An op
that names its inputs (ifelse's cond, then, else) has an upper row the same way."""

import re

import graphlens
import graphlens.tensor as T
from graphlens import function
from graphlens.render.dot import record_label, scene_to_dot, to_dot
from graphlens.render.layout import render_dot
from graphlens.render.scene import Scene, SceneEdge, SceneNode
from graphlens.tensor.nnet.sigmoid_parts import sigmoid_bce_parts

from tests.render.test_dot import parse

PARTS_LABEL = ("{{<i0> scores|<i1> targets}|SigmoidBCEParts\\nfloat64[?]|"
               "{<o0> loss|<o1> sigmoid|<o2> sigmoid(-z)}}")


def _parts_function():
    z, t = T.dvectors("z", "t")
    loss, p, q = sigmoid_bce_parts(z, t)
    return function([z, t], [loss, p * q + 1.0, p > 0.5])


def _leaving(edges, tail):
    return sorted((head, attrs["tailport"]) for t, head, attrs in edges if t == tail)


def test_an_op_with_several_outputs_is_a_record_whose_edges_leave_from_their_outputs_cell():
    nodes, edges = parse(to_dot(_parts_function()))
    assert nodes["a_n0"]["shape"] == "Mrecord" and nodes["a_n0"]["label"] == PARTS_LABEL
    assert nodes["a_n0"]["style"] == "rounded,filled"
    # The loss into output 0; sigmoid into the comparison and, with sigmoid(-z), into the
    # fused p * q + 1.
    assert _leaving(edges, "a_n0") == [("a_n1_0", "o1:s"), ("a_n1_0", "o2:s"),
                                       ("a_n2", "o1:s"), ("a_o0", "o0:s")]
    assert not any("taillabel" in attrs for _, _, attrs in edges)
    # One-output ops stay plain rounded boxes, their edges without ports.
    assert nodes["a_n2"]["shape"] == "box"
    assert [tail for tail, _, attrs in edges if "tailport" in attrs] == ["a_n0"] * 4
    # The scores and the targets end at their cells, which name them: no head labels.
    entering = sorted((tail, attrs["headport"]) for tail, head, attrs in edges if head == "a_n0")
    assert entering == [("a_v0", "i0:n"), ("a_v1", "i1:n")]
    assert not any("headlabel" in attrs for _, head, attrs in edges if head == "a_n0")


def test_the_ports_face_the_next_rank_in_every_direction():
    f = _parts_function()
    ins, outs = "{<i0> scores|<i1> targets}", "{<o0> loss|<o1> sigmoid|<o2> sigmoid(-z)}"
    title = "SigmoidBCEParts\\nfloat64[?]"
    for rankdir, label, out_side, in_side in (("LR", f"{{{ins}|{title}|{outs}}}", "e", "w"),
                                              ("BT", f"{{{outs}|{title}|{ins}}}", "n", "s"),
                                              ("RL", f"{{{outs}|{title}|{ins}}}", "w", "e")):
        nodes, edges = parse(to_dot(f, rankdir=rankdir))
        assert nodes["a_n0"]["label"] == label, rankdir
        assert {port.split(":")[1] for _, port in _leaving(edges, "a_n0")} == {out_side}
        assert {attrs["headport"].split(":")[1] for _, head, attrs in edges
                if head == "a_n0"} == {in_side}


def test_a_records_text_shows_braces_bars_and_angles_as_typed_in_both_layouts():
    label = record_label("Composite{i0 > 0.5 | i1 < 2}\nfloat64[?]", ("a<b", "{c}"))
    assert label == ('"{Composite\\{i0 \\> 0.5 \\| i1 \\< 2\\}\\nfloat64[?]|'
                     '{<o0> a\\<b|<o1> \\{c\\}}}"')
    dot = (f"digraph {{ n [shape=Mrecord, label={label}]; m; n:o1:s -> m; "
           f"n:o0:s -> m; }}")
    for backend in ("system", "wasm"):
        svg = render_dot(dot, backend=backend).decode()
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert texts[:4] == ["Composite{i0 &gt; 0.5 | i1 &lt; 2}", "float64[?]", "a&lt;b",
                             "{c}"], backend


def test_the_picture_writes_each_output_name_once_in_both_layouts():
    dot = to_dot(_parts_function())
    for backend in ("system", "wasm"):
        svg = render_dot(dot, backend=backend).decode()
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert [texts.count(name) for name in ("loss", "sigmoid", "sigmoid(&#45;z)")] \
            == [1, 1, 1], backend


def test_a_loop_names_its_ports_as_its_step_names_them_in_and_out():
    v = T.dvector("v")
    (doubled, total), _ = graphlens.scan(lambda x, acc: [x * 2, acc + x], sequences=v,
                                         outputs_info=[None, T.constant(0.0, dtype="float64")])
    nodes, edges = parse(to_dot([doubled.sum(), total[-1], total * 3], stage="before"))
    # The loop's output 0 is the running total (its step's out1), output 1 the doubled values;
    # the step's results and the number of steps end at cells above.
    box = nodes["g_n3_out"]
    assert box["label"] == ("{{<i0> out1[t]|<i1> out0[t]|<i2> steps}|"
                            "Scan\\nfloat64[?], float64[?]|{<o0> out1[t]|<o1> out0[t]}}")
    entering = sorted((nodes[tail]["label"].split("\\n")[0], attrs["headport"])
                      for tail, head, attrs in edges if head == "g_n3_out")
    assert entering == [("Add", "i0:n"), ("Mul", "i1:n"), ("Subtensor{0}", "i2:n")]
    heads = {head: nodes[head]["label"].split("\\n")[0] for _, head, _ in edges}
    assert sorted((heads[head], port) for head, port in _leaving(edges, "g_n3_out")) == [
        ("Mul", "o0:s"), ("Subtensor{-1}", "o0:s"), ("Sum{axis=0}", "o1:s")]


def test_a_tail_without_ports_names_the_output_at_the_edges_start():
    # A folded box, say, stands for the op: the edge then carries the output's name itself.
    scene = Scene(title=None)
    scene.add_node(SceneNode("a", "fold", "layer1", "layer1"))
    scene.add_node(SceneNode("b", "op", "Exp\nfloat64", "Exp"))
    scene.edges.append(SceneEdge("a", "b", output=(2, "sigmoid(-z)")))
    _, edges = parse(scene_to_dot(scene))
    assert edges == [("a", "b", {"class": "data", "id": "e0", "taillabel": "sigmoid(-z)",
                                 "labeldistance": "2.2", "labelangle": "-70"})]


def test_ifelse_names_its_condition_and_branches_on_the_cells_their_edges_enter():
    from graphlens.ifelse import ifelse
    c, a, b = T.dscalar("c"), T.dvector("a"), T.dvector("b")
    nodes, edges = parse(to_dot(ifelse(c, a * 2, b + 1), stage="before"))
    (key,) = [key for key, attrs in nodes.items() if "IfElse" in attrs.get("label", "")]
    assert nodes[key]["label"] == "{{<i0> cond|<i1> then|<i2> else}|IfElse\\nfloat64[?]}"
    labels = {k: attrs["label"].split("\\n")[0] for k, attrs in nodes.items()}
    assert sorted((labels[tail], attrs["headport"]) for tail, head, attrs in edges
                  if head == key) == [("Add", "i2:n"), ("Mul", "i1:n"), ("c", "i0:n")]


def test_inputs_a_focused_picture_leaves_out_keep_their_label_on_the_stub_edge():
    # A stub box standing for several inputs brings no one input: its edge keeps the label.
    scene = Scene(title=None)
    scene.add_node(SceneNode("stub", "stub", "2 more inputs", ""))
    scene.add_node(SceneNode("op", "op", "IfElse", "", in_ports=("cond", "then", "else")))
    scene.edges.append(SceneEdge("stub", "op", label="then, else"))
    _, edges = parse(scene_to_dot(scene))
    assert edges[0][2]["headlabel"] == "then, else" and "headport" not in edges[0][2]


def test_a_random_draw_s_next_state_leaves_on_its_update_edge_without_a_label():
    # A draw shows one output (its samples); the hidden next state goes back to the stream on
    # the dashed update edge, which says what it is: no "out 1" over the input labels.
    srng = graphlens.tensor.shared_randomstreams.RandomStreams(seed=3)
    x = T.dmatrix("x")
    mask = srng.binomial(size=x.shape, p=0.7, dtype="float64")
    nodes, edges = parse(to_dot(function([x], (mask * x).sum())))
    assert not any("taillabel" in attrs or "tailport" in attrs for _, _, attrs in edges)
    assert any(attrs.get("class") == "update" for _, _, attrs in edges)
