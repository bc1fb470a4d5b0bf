"""Theano's function profiler (compile/profiling.py): `function(..., profile=True)`, a
ProfileStats of one's own, `config.profile` for every function; the counts and times it keeps
and the summary it prints (Class, Ops, Apply, and the memory table with config.profile_memory)."""

import io

import numpy as np
import pytest

import graphlens as theano
import graphlens.tensor as T
from graphlens import config, function, shared
from graphlens.compile.profiling import ProfileStats, _print_at_exit, apply_name
from graphlens.errors import NaNError
from graphlens.ifelse import ifelse


def logreg_step(profile):
    x, y = T.dmatrix("x"), T.dvector("y")
    w, b = shared(np.zeros(5), name="w"), shared(0.0, name="b")
    p_1 = T.nnet.sigmoid(T.dot(x, w) + b)
    cost = T.nnet.binary_crossentropy(p_1, y).mean()
    gw, gb = T.grad(cost, [w, b])
    return function([x, y], cost, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)],
                    profile=profile, name="train")


def data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(20, 5)), (rng.random(20) > 0.5).astype(float)


def test_a_profiled_function_counts_every_call_and_times_every_node():
    train = logreg_step(True)
    for _ in range(3):
        train(*data())
    stats = train.profile
    assert isinstance(stats, ProfileStats) and stats.message == "train"
    assert stats.fct_callcount == 3
    nodes = set(train.fgraph.apply_nodes)
    assert set(stats.apply_time) == nodes and stats.nb_nodes == len(nodes)
    assert all(stats.apply_callcount[node] == 3 for node in nodes)
    assert all(seconds > 0 for seconds in stats.apply_time.values())
    # The nodes run inside the calls; compiling has its phases.
    assert 0 < sum(stats.apply_time.values()) < stats.fct_call_time
    assert 0 < stats.optimizer_time + stats.linker_time <= stats.compile_time
    # The class and op totals share out the same time.
    assert sum(stats.class_time().values()) == pytest.approx(sum(stats.apply_time.values()))
    assert sum(stats.op_time().values()) == pytest.approx(sum(stats.apply_time.values()))


def test_profiling_changes_no_value():
    plain, profiled = logreg_step(False), logreg_step(True)
    assert plain.profile is None
    for seed in range(3):
        np.testing.assert_allclose(profiled(*data(seed)), plain(*data(seed)), rtol=1e-14)


def test_the_summary_has_theanos_tables_and_names_the_users_lines():
    train = logreg_step(True)
    train(*data())
    out = io.StringIO()
    train.profile.summary(out, n_ops_to_print=3, n_apply_to_print=4)
    text = out.getvalue()
    for heading in ("Function profiling", "Message: train", "Time in 1 calls to Function.__call__",
                    "Class\n-----", "Ops\n---", "Apply\n------", "<% time> <sum %> <apply time>"):
        assert heading in text
    apply_part = text.split("Apply\n------")[1]
    # Four Apply lines, each followed by the user's line that built it, then the rest summed.
    assert apply_part.count("built at tests/compile/test_profiling.py:") == 4
    assert f"remaining {train.profile.nb_nodes - 4} Apply instances" in apply_part
    assert text.count("   ... (remaining ") == 3          # Class, Ops and Apply were cut
    # Every class is listed when the limit allows (which three are slowest varies by run).
    whole = train.profile.summary_text(n_ops_to_print=100, n_apply_to_print=100)
    assert "graphlens.rewrite.specialize.Gemv" in whole.split("Ops\n---")[0]
    assert "remaining" not in whole
    # The percentages of a table add up, the largest first.
    shares = [float(line.split("%")[0]) for line in apply_part.splitlines()[3:] if "%" in line
              and "remaining" not in line]
    assert shares == sorted(shares, reverse=True)


def test_a_fused_node_is_named_by_its_formula():
    x = T.dvector("x")
    f = function([x], T.exp(x) * 2 + 1, profile=True)
    f(np.arange(3.0))
    (node,) = f.profile.apply_time
    assert apply_name(node).startswith("Composite{") and "exp(i0)" in apply_name(node)
    assert apply_name(node).endswith("(x)")
    assert "exp(i0)" in f.profile.summary_text()


def test_own_profile_stats_and_a_message_text():
    stats = ProfileStats(False, message="mine")
    x = T.dvector("x")
    f = function([x], x + 1, profile=stats)
    f(np.ones(2))
    f(np.ones(2))
    assert f.profile is stats and stats.fct_callcount == 2
    g = function([x], x + 1, profile="named")
    assert g.profile.message == "named" and g.profile is not stats


def test_the_same_graph_compiled_twice_profiled_keeps_two_profiles():
    # The compile cache would hand back the first function: a profiled one is compiled afresh.
    x = T.dvector("x")
    y = T.tanh(x)
    # The very same variables (the cache's first key), then the same structure (its second).
    for f, g in [(function([x], y, profile=True), function([x], y, profile=True)),
                 (function([x], T.tanh(x), profile=True), function([x], T.tanh(x), profile=True))]:
        f(np.ones(2))
        assert f.profile.fct_callcount == 1 and g.profile.fct_callcount == 0
        assert "No calls to this function yet" in g.profile.summary_text()


def test_config_profile_profiles_every_function_and_prints_at_exit(tmp_path):
    x = T.dvector("x")
    destination = tmp_path / "profile.txt"
    with config.change_flags(profile=True, **{"profiling.destination": str(destination)}):
        f = function([x], T.sin(x) * 3, name="everywhere")
        f(np.ones(4))
        assert f.profile is not None and f.profile.fct_callcount == 1
        _print_at_exit()
    text = destination.read_text()
    assert "Message: everywhere" in text and "Time in 1 calls" in text
    with config.change_flags(profile=False):
        assert function([x], T.sin(x) * 4).profile is None


def test_profile_memory_records_the_bytes_of_each_nodes_outputs():
    x = T.dmatrix("x")
    with config.change_flags(profile_memory=True):
        f = function([x], [T.dot(x, x.T), x.sum()], profile=True)
    f(np.ones((10, 3)))
    sizes = {type(node.op).__name__: size for node, size in f.profile.output_bytes.items()}
    assert sizes["Dot22"] == 10 * 10 * 8 and sizes["Sum"] == 8
    text = f.profile.summary_text()
    assert "Memory Profile" in text and "808" in text       # 800 + 8 bytes together


def test_a_lazy_ifelse_times_only_the_branch_it_ran():
    c, x = T.dscalar("c"), T.dvector("x")
    f = function([c, x], ifelse(T.gt(c, 0), T.exp(x), T.log(x)), profile=True)
    f(1.0, np.ones(3))
    f(2.0, np.ones(3))
    calls = {type(node.op).__name__: count for node, count in f.profile.apply_callcount.items()}
    assert calls["Exp"] == 2 and calls["Log"] == 0


@pytest.mark.filterwarnings("ignore:invalid value encountered in log:RuntimeWarning")
def test_profiling_and_the_nan_guard_together():
    x = T.dvector("x")
    f = function([x], T.log(x) * 2, profile=True, nan_guard=True)
    f(np.ones(2))
    with pytest.raises(NaNError):
        f(-np.ones(2))
    assert f.profile.fct_callcount == 2


def test_theanos_names_for_the_profiler():
    assert theano.ProfileStats is ProfileStats is theano.compile.ProfileStats
    import graphlens.compile.profiling as profiling
    assert profiling.ProfileStats is ProfileStats


def test_switch_flags_read_as_text_are_booleans(monkeypatch):
    monkeypatch.setenv("GRAPHLENS_FLAGS", "profile=False,profile_memory=True")
    config.reload()
    try:
        assert config.profile is False and config.profile_memory is True
    finally:
        monkeypatch.delenv("GRAPHLENS_FLAGS")
        config.reload()


@pytest.mark.filterwarnings("ignore:overflow encountered in exp:RuntimeWarning")
def test_profiled_and_guarded_functions_pickle_and_keep_their_wrappers():
    import copy
    import pickle
    x = T.dvector("x")
    s = shared(0.0, name="s")
    f = function([x], T.exp(x).sum(), profile=True, updates=[(s, s + 1)])
    f(np.ones(3))
    loaded = pickle.loads(pickle.dumps(f))
    assert loaded(np.ones(3)) == pytest.approx(3 * np.e)
    # The loaded function times into its own copy of the profile, counting on.
    assert loaded.profile.fct_callcount == 2 and f.profile.fct_callcount == 1
    assert all(count == 2 for count in loaded.profile.apply_callcount.values())
    # A copy without updates returns its one output after a round trip too.
    assert pickle.loads(pickle.dumps(f.copy(delete_updates=True)))(np.zeros(2)) == [2.0]
    assert copy.deepcopy(f)(np.zeros(2)) == 2.0
    guarded = pickle.loads(pickle.dumps(function([x], T.exp(x) * 2, nan_guard=True)))
    with pytest.raises(NaNError):
        guarded(np.array([1000.0]))
