"""docs/theano-compat.md: every Theano name marked "same" exists at its graphlens path
(`theano.tensor.dmatrix` -> `graphlens.tensor.dmatrix`)."""

import importlib
import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "theano-compat.md"
ROW = re.compile(r"^\| `(?P<name>theano(?:\.\w+)+)` \| (?P<status>same|differs|missing) \|")

# Names built in parallel branches (theano-ops, scan, random streams, conv/pool, ifelse). They
# are marked "same" in the table; the lead empties this list when merging those branches, and
# test_same_names_exist_at_their_graphlens_path then checks them like every other name.



def table():
    """{theano name: (status, the whole row)} for every row of the document."""
    rows = {}
    for line in DOC.read_text().splitlines():
        match = ROW.match(line)
        if match:
            assert match["name"] not in rows, f"{match['name']} is listed twice"
            rows[match["name"]] = (match["status"], line)
    return rows


def resolve(theano_name):
    """The object at the graphlens path of `theano_name`, read attribute by attribute from
    `graphlens` and importing a submodule where no attribute has the name (`graphlens.config`
    is the config object, `graphlens.tensor.nnet` a package). Raises AttributeError or
    ImportError when the name is not there."""
    target, path = importlib.import_module("graphlens"), "graphlens"
    parts = theano_name.split(".")[1:]
    for position, part in enumerate(parts):
        path += "." + part
        try:
            target = getattr(target, part)
        except AttributeError:
            target = importlib.import_module(path)
            continue
        following = parts[position + 1:position + 2]
        if following and not hasattr(target, following[0]):
            # A function named like a module (T.var, the variance, and theano.tensor.var, the
            # module of TensorVariable): the rest of the name lives in the module.
            target = importlib.import_module(path)
    return target


ROWS = table()
SAME = sorted(name for name, (status, _) in ROWS.items()
              if status == "same")


def test_the_table_covers_every_theano_module_the_issue_names():
    for prefix, at_least in [("theano.tensor.nnet.", 15), ("theano.printing.", 5),
                             ("theano.gradient.", 12), ("theano.config.", 15),
                             ("theano.tensor.TensorVariable.", 20), ("theano.tensor.", 200)]:
        assert sum(name.startswith(prefix) for name in ROWS) >= at_least, prefix
    top = [name for name in ROWS if name.count(".") == 1]
    for name in ("theano.function", "theano.shared", "theano.In", "theano.Out", "theano.Mode",
                 "theano.Param", "theano.clone", "theano.printing", "theano.grad"):
        assert name in top
    for status, line in ROWS.values():
        if status != "same":           # every difference and absence says how or why
            assert line.rstrip(" |").rsplit("|", 1)[1].strip(), line


@pytest.mark.parametrize("name", SAME)
def test_same_names_exist_at_their_graphlens_path(name):
    assert resolve(name) is not None


def test_a_name_that_is_not_there_fails_to_resolve():
    with pytest.raises(ImportError):
        resolve("theano.tensor.no_such_function")
    with pytest.raises(ImportError):
        resolve("theano.tensor.TensorVariable.no_such_method")
    assert resolve("theano.tensor.dmatrix") is importlib.import_module("graphlens.tensor").dmatrix
    assert resolve("theano.printing.pp") is importlib.import_module("graphlens.printing").pp


MISSING = sorted(name for name, (status, _) in ROWS.items() if status == "missing")


@pytest.mark.parametrize("name", MISSING)
def test_missing_names_are_really_missing(name):
    # A row left at "missing" after the name was built tells users to work around a name that
    # is there: the table must say "same" (or "differs") once it exists.
    with pytest.raises((ImportError, AttributeError)):
        resolve(name)


def test_subpackages_are_reached_from_import_graphlens_alone():
    # Theano code writes theano.scan_module.until(...) after only `import theano`; a fresh
    # interpreter, so no other test has imported them already.
    import subprocess
    import sys
    paths = ["printing", "scan_module", "ifelse", "sandbox", "gradient", "tensor"]
    code = "import graphlens; " + "; ".join(f"print(graphlens.{p}.__name__)" for p in paths)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [f"graphlens.{p}" for p in paths]


def test_an_unknown_attribute_still_raises_attribute_error():
    import graphlens
    with pytest.raises(AttributeError, match="no_such_thing"):
        graphlens.no_such_thing


def test_scalar_upcast_gives_theano_dtypes():
    # The HMC tutorial asks theano.scalar.upcast for the dtype of a mean of booleans.
    import graphlens
    upcast = graphlens.scalar.upcast
    assert upcast('bool', 'float32') == 'float32'
    assert upcast('int32', 'float32') == 'float64'      # Theano 1.0's default cast_policy
    assert upcast('int8', 'uint8') == 'int16'
    assert upcast('float64') == 'float64'


def test_as_tensor_error_is_theanos_type_error_at_its_paths():
    import graphlens.tensor as T
    from graphlens.tensor.basic import AsTensorError as from_basic
    from graphlens.tensor.var import AsTensorError as from_var

    assert from_basic is from_var is T.AsTensorError
    assert issubclass(T.AsTensorError, TypeError)
    with pytest.raises(T.AsTensorError, match="cannot make a tensor of"):
        T.as_tensor_variable({"a": 1})
    with pytest.raises(T.AsTensorError):
        T.exp(object())
    with pytest.raises(ValueError, match="rank 1"):       # Theano's class for a wrong rank
        T.as_tensor_variable(T.dmatrix(), ndim=1)
