"""Load a gallery model as a fresh module (its own shared variables), for the trace tests."""

import importlib.util
import itertools
import pathlib

GALLERY = pathlib.Path(__file__).resolve().parents[2] / "gallery"
_counter = itertools.count()


def load(name):
    """A fresh import of gallery/<name>.py: each call has new shared variables."""
    path = GALLERY / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"gallery_{name}_{next(_counter)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def line_of(name, text):
    """The 1-based line of gallery/<name>.py containing `text` (exactly one must)."""
    lines = (GALLERY / f"{name}.py").read_text().splitlines()
    hits = [number for number, line in enumerate(lines, 1) if text in line]
    assert len(hits) == 1, (text, hits)
    return hits[0]
