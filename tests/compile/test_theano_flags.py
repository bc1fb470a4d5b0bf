"""Theano's config flags that Theano programs set: optimizer, optimizer_including/excluding,
on_unused_input, warn_float64, exception_verbosity, allow_gc, device."""

import warnings

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import config, function
from graphlens.errors import ConfigError, GraphlensWarning, UnusedInputError
from graphlens.rewrite.db import select_rules


def _ops(f):
    return [type(node.op).__name__ for node in f.maker.fgraph.toposort()]


def test_optimizer_none_compiles_without_rewrites_and_change_flags_restores():
    x = T.dvector("x")
    expr = T.exp(x) * 2 + 1
    assert _ops(function([x], expr)) == ["Composite"]              # fused by default
    with config.change_flags(optimizer="None"):
        assert graphlens.compile.get_default_mode().name == "NONE"
        assert _ops(function([x], expr)) == ["Exp", "Mul", "Add"]
    assert _ops(function([x], expr)) == ["Composite"]


def test_optimizer_excluding_takes_theano_colon_lists():
    x = T.dvector("x")
    expr = T.exp(x) * 2 + 1
    with config.change_flags(optimizer_excluding="fusion:inplace"):
        assert graphlens.compile.get_default_mode().exclude == ("fusion", "inplace")
        assert "Composite" not in _ops(function([x], expr))
    with config.change_flags(optimizer="fast_compile", optimizer_including="fusion"):
        mode = graphlens.compile.get_default_mode()
        assert (mode.name, mode.include) == ("FAST_COMPILE", ("fusion",))


def test_on_unused_input_flag_is_function_s_default():
    x, y = T.dvectors("x", "y")
    with pytest.raises(UnusedInputError):
        function([x, y], x * 2)
    with config.change_flags(on_unused_input="ignore"):
        np.testing.assert_array_equal(function([x, y], x * 2)([1.0], [5.0]), [2.0])
    with config.change_flags(on_unused_input="ignore"):      # an explicit argument wins
        with pytest.raises(UnusedInputError):
            function([x, y], x * 2, on_unused_input="raise")


def test_warn_float64_warns_or_raises_at_the_user_line():
    with config.change_flags(floatX="float32", warn_float64="warn"):
        x = T.fvector("x")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = x * 2.5                                    # float32: no warning
            T.constant(np.float64(1.0))                    # constants are exempt, as in Theano
            z = T.cast(x, "float64")
        assert y.dtype == "float32" and z.dtype == "float64"
        messages = [str(w.message) for w in caught if issubclass(w.category, GraphlensWarning)]
        assert len(messages) == 1 and "float64" in messages[0]
        assert "test_theano_flags.py:" in messages[0]
    with config.change_flags(warn_float64="raise"):
        with pytest.raises(TypeError, match=r"float64 tensor was made.*test_theano_flags\.py:"):
            T.dvector("d")


def test_theano_only_flags_are_accepted_with_their_values():
    with config.change_flags(exception_verbosity="high", allow_gc=False, device="cpu"):
        assert (config.exception_verbosity, config.allow_gc, config.device) == ("high", False,
                                                                                "cpu")
    with pytest.raises(ConfigError, match="optimizer='fast_runn'"):
        config.optimizer = "fast_runn"


def test_a_gpu_device_is_accepted_with_a_warning_and_the_program_runs_on_the_cpu():
    # Theano 1.0 without a GPU logged an error and went on on the CPU.
    with pytest.warns(GraphlensWarning, match="device='cuda0'.*CPU"):
        with config.change_flags(device="cuda0"):
            assert config.device == "cuda0"
    x = T.fmatrix("x")
    with pytest.warns(GraphlensWarning, match="transfer to 'dev0'.*CPU"):
        moved = x.transfer("dev0")
    assert moved is x and x.transfer("cpu") is x
    assert function([x], moved * 2)(np.ones((1, 2), "float32")).tolist() == [[2.0, 2.0]]
    with pytest.raises(ConfigError, match="device='tpu'.*cpu, cuda"):
        config.device = "tpu"


def test_every_theano_flag_is_accepted_with_theano_s_default():
    # Read and set as Theano programs and Theano's own tests do, dotted groups in groups too.
    assert (config.cxx, config.linker, config.scan.allow_gc, config.DebugMode.patience,
            config.unittests.rseed, config.dnn.conv.algo_fwd, config.optdb.max_use_ratio) == (
        "", "cvm", False, 10, "666", "small", 8.0)
    with config.change_flags(cxx="", linker="py", openmp=True, **{"scan.allow_gc": True}):
        assert (config.linker, config.openmp, config.scan.allow_gc) == ("py", True, True)
    config.dnn.conv.algo_fwd = "time_once"
    assert config.dnn.conv.algo_fwd == "time_once"
    config.reload()
    assert config.dnn.conv.algo_fwd == "small"
    with pytest.raises(ConfigError, match="linker='jit' .*is not one of cvm"):
        config.linker = "jit"
    with pytest.raises(ConfigError, match="traceback.limit='many'"):
        config.traceback.limit = "many"


def test_theano_flags_from_the_environment_and_graphlens_flags_win(monkeypatch):
    # A renamed program still sets os.environ["THEANO_FLAGS"] (upper case is not renamed).
    monkeypatch.setenv("THEANO_FLAGS", "floatX=float32,linker=py,device=cpu")
    monkeypatch.setenv("GRAPHLENS_FLAGS", "linker=c|py")
    config.reload()
    try:
        assert (config.floatX, config.linker) == ("float32", "c|py")
        assert T.matrix("m").dtype == "float32"
    finally:
        monkeypatch.delenv("THEANO_FLAGS")
        monkeypatch.delenv("GRAPHLENS_FLAGS")
        config.reload()
    assert config.floatX == "float64"


def test_theano_mode_and_optimizer_names():
    x = T.dvector("x")
    with config.change_flags(mode="Mode"):
        assert _ops(function([x], T.exp(x) * 2 + 1)) == ["Composite"]
    assert _ops(function([x], T.exp(x) * 2 + 1, mode="Mode")) == ["Composite"]
    with config.change_flags(optimizer="unsafe"):
        chosen = select_rules(graphlens.compile.get_default_mode())
        assert "local_remove_all_assert" in {rule.name for rule in chosen}


def test_tensor_local_elemwise_fusion_false_leaves_fusion_out_of_every_mode():
    x = T.dvector("x")
    with config.change_flags(**{"tensor.local_elemwise_fusion": False}):
        f = function([x], T.exp(x) * 2 + 1)
        g = function([x], T.exp(x) * 2 + 1, mode=graphlens.Mode("FAST_RUN"))
        assert "Exp" in _ops(f) and "Exp" in _ops(g)
        assert f([0.0]).tolist() == [3.0]
    assert _ops(function([x], T.exp(x) * 2 + 1)) == ["Composite"]


def test_print_test_value_shows_the_test_value_after_the_name():
    x = T.dvector("x")
    x.tag.test_value = np.array([1.0, 2.0])
    w = graphlens.shared(np.zeros(2), name="w")
    assert (repr(x), repr(w)) == ("x", "w")
    with config.change_flags(print_test_value=True):
        assert repr(x) == "x\narray([1., 2.])" and repr(w) == "w\narray([0., 0.])"
        assert repr(T.dvector("y")) == "y"            # no test value: the name alone


def test_function_takes_theano_s_positional_order_and_keywords():
    # theano.function(inputs, outputs, mode, updates, givens, no_default_updates,
    # accept_inplace, name, rebuild_strict, allow_input_downcast, profile, on_unused_input)
    x = T.dscalar("x")
    s = graphlens.shared(0.0, name="s")
    f = function([x], x * 2, None, [(s, s + x)], None, False, False, "f", True, None, None,
                 "raise")
    assert f(3.0) == 6.0 and s.get_value() == 3.0 and f.name == "f"
    g = function([x], x + 1, profile=True, accept_inplace=True, rebuild_strict=False)
    assert g(1.0) == 2.0 and g.profile.fct_callcount == 1      # tests/compile/test_profiling.py


def test_a_theano_user_s_theanorc_is_read_below_graphlens_s_own_settings(tmp_path, monkeypatch):
    # The note every Theano user wrote once: [global] floatX = float32 in ~/.theanorc.
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / ".theanorc").write_text("[global]\nfloatX = float32\ndevice = cpu\n"
                                    "[lib]\ncnmem = 0.8\n[gcc]\ncxxflags = -O3\n")
    monkeypatch.setenv("HOME", str(home))
    config.reload()
    with pytest.warns(GraphlensWarning, match=r"\.theanorc: graphlens has no flag 'lib.cnmem'"):
        assert config.floatX == "float32"
    assert config.gcc.cxxflags == "-O3" and T.matrix("m").dtype == "float32"
    (tmp_path / "own.rc").write_text("[global]\nfloatX = float64\n")
    monkeypatch.setenv("THEANORC", str(tmp_path / "own.rc"))    # THEANORC replaces the default
    config.reload()
    assert config.floatX == "float64"
    monkeypatch.setenv("THEANO_FLAGS", "floatX=float32,nvcc.fastmath=True")
    config.reload()
    with pytest.warns(GraphlensWarning, match="THEANO_FLAGS: graphlens has no flag 'nvcc.fastmath'"):
        assert config.floatX == "float32"
    monkeypatch.setenv("GRAPHLENS_FLAGS", "nvcc.fastmath=True")     # graphlens's own: an error
    config.reload()
    with pytest.raises(ConfigError, match="unknown graphlens flag 'nvcc.fastmath'"):
        config.floatX
    monkeypatch.delenv("GRAPHLENS_FLAGS")
    config.reload()
