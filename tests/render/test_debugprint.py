"""Tests for graphlens/render/debugprint.py and graphlens/render/terminal.py."""

import io
import re

import numpy as np
import pytest
from rich.console import Console

import graphlens
import graphlens.tensor as T
from graphlens import function, shared
from graphlens.render.debugprint import FOLD_DEPTH, char_id, debugprint
from graphlens.render.terminal import DebugTree, Formula, emit, rich_text

from tests.render import golden_cases
from tests.render.golden_cases import CASES, check_golden
from tests.render.test_pp import Fused, _fused


def test_debugprint_is_the_lazy_top_level_name():
    assert graphlens.debugprint is debugprint


def test_tree_shows_ops_ids_names_and_static_types():
    # W's current value gives its lengths (not its type: a shared value may change shape).
    x = T.fmatrix("x")
    W = shared(np.zeros((784, 10), "float32"), name="W")
    h = T.tanh(T.dot(x, W) + 1)
    h.name = "h"
    assert W.type.shape == (None, None)
    assert debugprint(h, file="str") == (
        "Tanh [id A] 'h' float32[?, 10]\n"
        "└─ Add [id B] float32[?, 10]\n"
        "   ├─ Dot [id C] float32[?, 10]\n"
        "   │  ├─ x [id D] float32[?, ?]\n"
        "   │  └─ W [id E] float32[784, 10] shared\n"
        "   └─ 1.0 [id F] float32[1, 1]\n")


def test_a_node_reached_twice_keeps_its_id_and_is_not_expanded_again():
    v = T.dvector("v")
    e = T.exp(v)
    text = debugprint(e * e + e, file="str")
    assert text == (
        "Add [id A] float64[?]\n"
        "├─ Mul [id B] float64[?]\n"
        "│  ├─ Exp [id C] float64[?]\n"
        "│  │  └─ v [id D] float64[?]\n"
        "│  └─ Exp [id C] float64[?] ···\n"
        "└─ Exp [id C] float64[?] ···\n")


def test_ids_types_and_depth_options():
    v = T.dvector("v")
    expr = T.exp(v * 2).sum()
    assert debugprint(expr, file="str", ids="int", print_type=False) == (
        "Sum{axis=0} [id 0]\n"
        "└─ Exp [id 1]\n"
        "   └─ Mul [id 2]\n"
        "      ├─ v [id 3]\n"
        "      └─ 2.0 [id 4]\n")
    assert debugprint(expr, file="str", ids="", depth=2) == (
        "Sum{axis=0} float64\n"
        "└─ Exp float64[?] …\n")
    with pytest.raises(ValueError, match="ids must be one of"):
        debugprint(expr, file="str", ids="ID")
    with pytest.raises(ValueError, match="depth"):
        debugprint(expr, file="str", depth=0)


def test_char_ids_go_on_after_z_like_theano():
    assert [char_id(n) for n in (0, 1, 25, 26, 27, 51, 52, 675, 676)] == \
        ["A", "B", "Z", "BA", "BB", "BZ", "CA", "ZZ", "BAA"]


def test_a_list_prints_one_tree_per_variable_with_shared_ids():
    v = T.dvector("v")
    e = T.exp(v)
    assert debugprint([e, e + 1], file="str") == (
        "Exp [id A] float64[?]\n"
        "└─ v [id B] float64[?]\n"
        "Add [id C] float64[?]\n"
        "├─ Exp [id A] float64[?] ···\n"
        "└─ 1.0 [id D] float64[1]\n")


def test_compiled_function_lists_updates_and_both_stages():
    data = T.dvector("data")
    w = shared(np.zeros(3), name="w")
    f = function([data], (data * w).sum(), updates=[(w, w + data)], mode="NONE")
    assert debugprint(f, file="str") == (
        "Sum{axis=0} [id A] float64\n"
        "└─ Mul [id B] float64[3]\n"
        "   ├─ data [id C] float64[?]\n"
        "   └─ w [id D] float64[3] shared\n"
        "w <- Add [id E] float64[3]\n"
        "├─ w [id D] float64[3] shared\n"
        "└─ data [id C] float64[?]\n")
    f.fgraph.replace(f.fgraph.outputs[0], T.exp(f.fgraph.inputs[0]).sum(), reason="test")
    assert debugprint(f, file="str").splitlines()[1] == "└─ Exp [id B] float64[?]"
    assert debugprint(f, file="str", stage="before").splitlines()[1] == \
        "└─ Mul [id B] float64[3]"


def test_fused_node_shows_its_inner_graph_under_it():
    m = T.dmatrix("m")
    fused = _fused(lambda p, q: p * T.exp(q), m @ m, m)
    assert debugprint(fused, file="str") == (
        "Fused{i0 * exp(i1)} [id A] float64[?, ?]\n"
        "├─ Dot [id B] float64[?, ?]\n"
        "│  ├─ m [id C] float64[?, ?]\n"
        "│  └─ m [id C] float64[?, ?]\n"
        "├─ m [id C] float64[?, ?]\n"
        "└─ inner graph\n"
        "   └─ Mul [id D] float64[?, ?]\n"
        "      ├─ i0 [id E] float64[?, ?]\n"
        "      └─ Exp [id F] float64[?, ?]\n"
        "         └─ i1 [id G] float64[?, ?]\n")
    assert isinstance(fused.owner.op, Fused)


def test_deep_subtrees_continue_in_blocks_of_bounded_indentation():
    v = T.dvector("v")
    out = v
    for _ in range(FOLD_DEPTH + 10):
        out = T.exp(out)
    lines = debugprint(out, file="str", print_type=False).splitlines()
    folded = [line for line in lines if line.endswith(" ↓")]
    assert len(folded) == 1
    fold_id = re.search(r"\[id (\w+)\]", folded[0]).group(1)
    block_start = lines.index("") + 1
    assert lines[block_start] == f"Exp [id {fold_id}]"
    assert lines[-1].endswith("└─ v [id " + char_id(FOLD_DEPTH + 10) + "]")
    assert len(lines) == FOLD_DEPTH + 10 + 1 + 2
    assert max(len(line) for line in lines) <= 3 * FOLD_DEPTH + 20


def test_file_none_prints_plain_text_to_a_pipe(capsys):
    v = T.dvector("v")
    assert debugprint(T.exp(v)) is None
    assert capsys.readouterr().out == "Exp [id A] float64[?]\n└─ v [id B] float64[?]\n"
    stream = io.StringIO()
    assert debugprint(T.exp(v), file=stream) is stream
    assert stream.getvalue() == "Exp [id A] float64[?]\n└─ v [id B] float64[?]\n"


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_output_is_coloured_and_plain_elsewhere(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    v = T.dvector("v")
    expr = T.exp(v) * 2
    terminal = _Terminal()
    emit(Formula(expr).lines(), terminal)
    assert "\x1b[" in terminal.getvalue()
    assert re.sub(r"\x1b\[[0-9;]*m", "", terminal.getvalue()) == "exp(v) * 2.0\n"
    pipe = io.StringIO()
    emit(Formula(expr).lines(), pipe)
    assert pipe.getvalue() == "exp(v) * 2.0\n"


def test_rich_renderables_style_ops_names_and_types():
    v = T.dvector("v")
    text = rich_text(DebugTree(T.exp(v)).lines())
    assert text.plain == "Exp [id A] float64[?]\n└─ v [id B] float64[?]"
    styles = {text.plain[span.start:span.end]: str(span.style) for span in text.spans}
    assert styles["Exp"] == "bold cyan"
    assert styles["v"] == "yellow"
    assert styles[" float64[?]"] == "green"
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard", width=20)
    console.print(Formula(T.exp(v) * 2 + T.log(v) * 3 + T.sqrt(v) * 4))
    printed = console.file.getvalue()
    assert "\x1b[1;36mexp\x1b[0m" in printed
    # Wider than the console: wrapped, not cropped.
    assert re.sub(r"\x1b\[[0-9;]*m|\s", "", printed) == "exp(v)*2.0+log(v)*3.0+sqrt(v)*4.0"
    assert str(Formula(T.exp(v))) == "exp(v)"
    assert str(DebugTree(T.exp(v), ids="")) == "Exp float64[?]\n└─ v float64[?]"


def test_100k_node_graph_prints_each_node_once():
    out, counts = golden_cases.big_graph()
    text = debugprint(out, file="str")
    lines = text.splitlines()
    expanded = [line for line in lines if re.search(r"(Tanh|Add|Neg|Mul) \[id \w+\] float64\[\?\]$",
                                                    line)]
    assert len(expanded) == sum(counts.values())
    # Each Mul reads its input twice: the second time it is marked, not expanded.
    assert sum(1 for line in lines if line.endswith(" ···")) == counts["mul"]
    assert max(len(line) for line in lines) <= 3 * FOLD_DEPTH + 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_debugprint_golden(name):
    check_golden("debugprint", name, debugprint(CASES[name](), file="str"))


def test_theano_positional_order_and_keywords():
    # Theano's debugprint(obj, depth, print_type, file, ids, stop_on_name, ...).
    x = T.dvector("x")
    h = T.tanh(x * 2)
    h.name = "h"
    cost = (h + 1).sum()
    full = debugprint(cost, -1, False, "str")
    assert "Tanh" in full and "Mul" in full
    stopped = debugprint(cost, file="str", stop_on_name=True, done=None, print_storage=False,
                         print_clients=False, used_ids=None)
    assert "'h'" in stopped and "Tanh" in stopped and "Mul" not in stopped
    assert debugprint(cost, file="str", ids="id") == debugprint(cost, file="str", ids="CHAR")
    assert debugprint(cost, 1, file="str").count("\n") < full.count("\n")


def test_print_clients_names_the_readers_of_a_result_read_several_times():
    x = T.dvector("x")
    e = T.exp(x)
    y = e * 2 + T.log(e) + e.sum()
    text = debugprint(y, file="str", print_clients=True)
    lines = text.splitlines()
    assert lines[3] == "│  │  ├─ Exp [id D] float64[?] clients: [id C], [id E], [id F]"
    # Each client's id is the one its own line shows; a repeat of Exp lists no clients again.
    assert "Mul [id C]" in lines[2] and "Log [id E]" in lines[6]
    assert "Sum{axis=0} [id F]" in lines[9]
    assert text.count("clients:") == 1
    assert "clients" not in debugprint(y, file="str")


def test_used_ids_and_done_carry_one_numbering_across_printouts():
    x = T.dvector("x")
    e = T.exp(x)
    y = T.log(e) + e
    ids, done = {}, {}
    first = debugprint(e, file="str", used_ids=ids, done=done)
    second = debugprint(y, file="str", used_ids=ids, done=done)
    assert first.splitlines()[0] == "Exp [id A] float64[?]"
    # The second printout goes on from C, and Exp, expanded in the first, is not again.
    assert second.splitlines()[0] == "Add [id C] float64[?]"
    assert "Exp [id A] float64[?] ···" in second and "x [id B]" not in second
    assert set(ids) >= {e, x, y} and e.owner in done


def test_print_clients_names_a_node_reading_twice_once():
    x = T.dvector("x")
    e = T.exp(x)
    text = debugprint(e * e + T.log(e), file="str", print_clients=True)
    (line,) = [line for line in text.splitlines() if "clients:" in line]
    assert line.endswith("clients: [id B], [id D]")      # Mul (reads e twice) and Log
    assert "Mul [id B]" in text and "Log [id D]" in text
