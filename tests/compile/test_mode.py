"""Compilation modes: names, Mode objects with include/exclude, and config.mode as default."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import config, function
from graphlens.compile.mode import Mode, get_mode
from graphlens.errors import ConfigError


def test_modes_by_name_any_case_and_by_object():
    assert get_mode("FAST_RUN") == Mode("FAST_RUN")
    assert get_mode("fast_compile").name == "FAST_COMPILE"
    mode = Mode("NONE", include=("merge",))
    assert get_mode(mode) is mode


def test_an_unknown_mode_name_lists_the_modes():
    with pytest.raises(ConfigError, match="unknown mode 'FAST'.*FAST_RUN, FAST_COMPILE, NONE"):
        get_mode("fast")
    with pytest.raises(ConfigError, match="a Mode"):
        get_mode(3)


def test_include_and_exclude_accept_one_word_or_several():
    assert Mode("FAST_RUN", exclude="fusion").exclude == ("fusion",)
    mode = get_mode("FAST_RUN").excluding("fusion", "inplace").including("merge")
    assert mode == Mode("FAST_RUN", include=("merge",), exclude=("fusion", "inplace"))


def test_config_mode_is_the_default():
    x = T.dvector("x")
    with config.change_flags(mode="NONE"):
        f = function([x], T.exp(x) + T.exp(x))
    assert len(f.rewrite_log) == 0 and len(f.fgraph.apply_nodes) == 3
    g = function([x], T.exp(x) + T.exp(x))
    assert len(g.fgraph.apply_nodes) == 1 and g.rewrite_log.counts()["merge"] == 1


def test_none_mode_runs_no_rewrite_and_keeps_the_graph_as_given():
    x = T.dscalar("x")
    f = function([x], T.log(T.nnet.sigmoid(x)), mode="NONE")
    assert [n.op.label for n in f.fgraph.toposort()] == ["Sigmoid", "Log"]
    with np.errstate(divide="ignore"):
        assert float(f(-800.0)) == -np.inf


def test_excluding_a_rewrite_by_name_keeps_the_others():
    x = T.dscalar("x")
    f = function([x], T.log(T.nnet.sigmoid(x)) * 1, mode=Mode(exclude=("log_sigmoid_to_softplus",)))
    counts = f.rewrite_log.counts()
    assert "log_sigmoid_to_softplus" not in counts and counts["mul_by_one"] == 1


def test_including_stability_rewrites_in_none_mode():
    x = T.dscalar("x")
    f = function([x], T.log(T.nnet.sigmoid(x)), mode=Mode("NONE", include=("stability",)))
    assert float(f(-800.0)) == -800.0
    assert list(f.rewrite_log.counts()) == ["log_sigmoid_to_softplus"]


def test_theanos_mode_spelling_linker_and_optimizer():
    import graphlens
    from graphlens.errors import ConfigError
    assert graphlens.Mode(linker="vm").name == "FAST_RUN"
    assert graphlens.Mode(linker="cvm", optimizer=None).name == "NONE"
    assert graphlens.Mode(optimizer="fast_compile").name == "FAST_COMPILE"
    with pytest.raises(ConfigError, match="unknown linker 'jit'"):
        graphlens.Mode(linker="jit")
    with pytest.raises(ConfigError, match="unknown optimizer"):
        graphlens.Mode(optimizer="o9")
