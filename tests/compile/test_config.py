"""config: floatX and friends from .graphlensrc, GRAPHLENS_FLAGS and assignment, in that order."""


import pytest

import graphlens.tensor as T
from graphlens import config
from graphlens.errors import ConfigError


def _write_rc(directory, float_x):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".graphlensrc").write_text(f"[global]\nfloatX = {float_x}\n")


def test_default_floatx_is_float64():
    assert config.floatX == "float64"
    assert T.matrix("x").dtype == "float64"


def test_home_rc_file_sets_floatx(tmp_path, monkeypatch):
    _write_rc(tmp_path / "home", "float32")
    monkeypatch.chdir(tmp_path)
    config.reload()
    assert config.floatX == "float32"
    assert T.vector("v").dtype == "float32"
    assert T.constant(1.5).dtype == "float32"


def test_current_directory_rc_beats_home_rc(tmp_path, monkeypatch):
    _write_rc(tmp_path / "home", "float32")
    _write_rc(tmp_path / "project", "float16")
    monkeypatch.chdir(tmp_path / "project")
    config.reload()
    assert config.floatX == "float16"


def test_environment_flags_beat_rc_files(tmp_path, monkeypatch):
    _write_rc(tmp_path / "project", "float16")
    monkeypatch.chdir(tmp_path / "project")
    monkeypatch.setenv("GRAPHLENS_FLAGS", "floatX=float32,mode=NONE")
    config.reload()
    assert (config.floatX, config.mode) == ("float32", "NONE")


def test_assignment_beats_environment(monkeypatch):
    monkeypatch.setenv("GRAPHLENS_FLAGS", "floatX=float32")
    config.reload()
    config.floatX = "float64"
    assert config.floatX == "float64"


def test_change_flags_restores_the_previous_value():
    with config.change_flags(floatX="float32"):
        assert T.scalar().dtype == "float32"
    assert config.floatX == "float64"


def test_bad_flag_value_names_the_flag_source_and_choices(monkeypatch):
    monkeypatch.setenv("GRAPHLENS_FLAGS", "floatX=float31")
    config.reload()
    with pytest.raises(ConfigError, match=r"floatX='float31' \(from GRAPHLENS_FLAGS\).*float32"):
        config.floatX


def test_unknown_flag_in_rc_file_names_the_file(tmp_path, monkeypatch):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".graphlensrc").write_text("[global]\nfloatx = float32\n")
    config.reload()
    with pytest.raises(ConfigError, match=r"unknown graphlens flag 'floatx' \(from ") as info:
        config.mode
    # The message names this very file, so the user knows which one to edit.
    assert str(tmp_path / "home" / ".graphlensrc") in str(info.value)


def test_assigning_an_unknown_flag_is_refused():
    with pytest.raises(ConfigError, match="unknown graphlens flag 'floatY'"):
        config.floatY = "float32"


def test_theano_warn_group_reads_and_assigns_dotted_flags(tmp_path, monkeypatch):
    # rnnrbm.py sets theano.config.warn.subtensor_merge_bug = False before building its model.
    assert config.warn.subtensor_merge_bug is False and config.warn.ignore_bug_before == "0.9"
    with config.change_flags(**{"warn.round": True}):
        assert config.warn.round is True
    assert config.warn.round is False
    config.warn.sum_div_dimshuffle_bug = True
    assert getattr(config, "warn.sum_div_dimshuffle_bug") is True
    with pytest.raises(ConfigError, match=r"warn.round='maybe' \(from assignment\) is not one of"):
        config.warn.round = "maybe"
    with pytest.raises(AttributeError, match="no flag 'warn.no_such_bug'"):
        config.warn.no_such_bug
    # A [warn] section of the rc file, and the environment's dotted names.
    (tmp_path / ".graphlensrc").write_text("[warn]\nignore_bug_before = all\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRAPHLENS_FLAGS", "warn.reduce_join=True")
    config.reload()
    assert config.warn.ignore_bug_before == "all" and config.warn.reduce_join is True
    monkeypatch.delenv("GRAPHLENS_FLAGS")
    config.reload()
