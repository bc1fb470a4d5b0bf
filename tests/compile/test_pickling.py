"""graphlens/compile/pickling.py at Theano's path theano.misc.pkl_utils: Theano's zip format
(a `pkl` member and one NPY member per array, named after its shared variable), models that
load and go on training exactly as the originals, StripPickler, and the naming options."""

import io
import pathlib
import pickle
import runpy
import zipfile

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, shared
from graphlens.errors import InvalidArgumentError
from graphlens.misc import pkl_utils
from graphlens.misc.pkl_utils import (PersistentNdarrayID, PersistentSharedVariableID,
                                      StripPickler, dump, load)

GALLERY = pathlib.Path(__file__).resolve().parents[2] / "gallery"


def dumped(obj, **options) -> bytes:
    buffer = io.BytesIO()
    dump(obj, buffer, **options)
    return buffer.getvalue()


def test_theanos_documented_example(tmp_path):
    foo_1, foo_2 = graphlens.shared(0, name="foo"), graphlens.shared(1, name="foo")
    path = tmp_path / "model.zip"
    with open(path, "wb") as f:
        dump((foo_1, foo_2, np.array(2)), f)
    with np.load(path) as archive:
        assert sorted(archive.keys()) == ["array_0", "foo", "foo_2", "pkl"]
        assert archive["foo"] == 0 and archive["foo"].dtype == np.int64
        assert archive["foo_2"] == 1
    with open(path, "rb") as f:
        loaded_1, loaded_2, array = load(f)
    assert (loaded_1.name, int(loaded_1.get_value()), int(loaded_2.get_value())) == ("foo", 0, 1)
    np.testing.assert_array_equal(array, 2)
    assert graphlens.misc.pkl_utils is pkl_utils       # theano.misc.pkl_utils, as Theano


def test_the_zip_holds_the_pickle_and_one_npy_file_per_array():
    W = shared(np.arange(6.0).reshape(2, 3), name="W")
    raw = dumped({"W": W, "same_twice": [W.get_value(borrow=True)] * 2})
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert sorted(archive.namelist()) == ["W", "pkl"]        # the shared array once
        with archive.open("W") as member:
            np.testing.assert_array_equal(np.lib.format.read_array(member),
                                          np.arange(6.0).reshape(2, 3))
        assert b"ndarray.W" in archive.read("pkl")
    loaded = load(io.BytesIO(raw))
    twice = loaded["same_twice"]
    assert twice[0] is twice[1] and twice[0] is loaded["W"].get_value(borrow=True)


def run_gallery(name):
    return runpy.run_path(str(GALLERY / f"{name}.py"), run_name=f"gallery_{name}")


def test_a_trained_logistic_regression_loads_and_trains_on_identically():
    model = run_gallery("logreg")
    train, predict, w, b = model["train"], model["predict"], model["w"], model["b"]
    data_x, data_y = model["data_x"], model["data_y"]
    for _ in range(5):
        train(data_x, data_y)
    raw = dumped((train, predict, w, b))
    with np.load(io.BytesIO(raw)) as archive:              # the weights, by name, in numpy
        np.testing.assert_array_equal(archive["w"], w.get_value())
        assert float(archive["b"]) == float(b.get_value())
    train_2, predict_2, w_2, b_2 = load(io.BytesIO(raw))
    assert w_2 is not w and w_2.name == "w"
    for _ in range(5):
        prediction, xent = train(data_x, data_y)
        prediction_2, xent_2 = train_2(data_x, data_y)
        np.testing.assert_array_equal(xent_2, xent)
        np.testing.assert_array_equal(prediction_2, prediction)
    np.testing.assert_array_equal(w_2.get_value(), w.get_value())      # the loaded function
    np.testing.assert_array_equal(b_2.get_value(), b.get_value())      # updates its own w, b
    np.testing.assert_array_equal(predict_2(data_x), predict(data_x))


def test_an_mlp_with_integer_labels_round_trips_and_trains_on_identically():
    model = run_gallery("mlp")
    train, params = model["train"], model["params"]
    data_x, data_y = model["data_x"], model["data_y"]
    first = [float(train(data_x, data_y)) for _ in range(3)]
    assert first[-1] < first[0]
    train_2, params_2 = load(io.BytesIO(dumped((train, params))))
    assert [p.name for p in params_2] == ["W1", "b1", "W2", "b2"]
    for _ in range(4):
        assert float(train_2(data_x, data_y)) == float(train(data_x, data_y))
    for p, p_2 in zip(params, params_2):
        np.testing.assert_array_equal(p_2.get_value(), p.get_value())


def test_naming_options_and_clashing_names():
    a, unnamed = shared(np.ones(2), name="a"), shared(np.zeros(2))
    with zipfile.ZipFile(io.BytesIO(dumped([a, unnamed]))) as archive:
        assert sorted(archive.namelist()) == ["a", "array_0", "pkl"]
    with pytest.raises(InvalidArgumentError, match="unnamed shared variable"):
        dumped([unnamed], persistent_id=lambda z: PersistentSharedVariableID(
            z, allow_unnamed=False))
    with pytest.raises(InvalidArgumentError, match="several shared variables are named 'a'"):
        dumped([a, shared(np.ones(2), name="a")], persistent_id=lambda z:
               PersistentSharedVariableID(z, allow_duplicates=False))
    with pytest.raises(InvalidArgumentError, match="'pkl' would clash"):
        dumped(shared(np.ones(2), name="pkl"))
    # PersistentNdarrayID alone numbers every array, named or not.
    with zipfile.ZipFile(io.BytesIO(dumped(a, persistent_id=PersistentNdarrayID))) as archive:
        assert sorted(archive.namelist()) == ["array_0", "pkl"]


def test_strip_pickler_drops_test_values_and_build_sites_only_from_the_pickle():
    x = T.dvector("x")
    x.tag.test_value = np.ones(3)
    x.tag.note = "kept"
    y = (x * 2).sum()
    for protocol in (0, 2, -1):        # Theano's default protocol is 0
        buffer = io.BytesIO()
        StripPickler(buffer, protocol=protocol).dump(dict(inputs=[x], outputs=[y]))
        graph = pickle.loads(buffer.getvalue())
        (x_2,), (y_2,) = graph["inputs"], graph["outputs"]
        assert not hasattr(x_2.tag, "test_value") and x_2.tag.note == "kept"
        assert x_2.creation_site is None
        assert float(function([x_2], y_2)(np.arange(3.0))) == 6.0
    assert hasattr(x.tag, "test_value") and x.creation_site is not None    # unchanged
    buffer = io.BytesIO()
    StripPickler(buffer, protocol=-1, extra_tag_to_remove=["note"]).dump(x)
    assert not hasattr(pickle.loads(buffer.getvalue()).tag, "note")
