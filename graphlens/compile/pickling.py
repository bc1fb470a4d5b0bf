"""Saving models as Theano's `theano.misc.pkl_utils` did: `dump(obj, f)` writes a zip file
holding `pkl` (the pickle of obj) and one NPY file per numpy array obj reaches, named after the
shared variable holding it (`W`, `b`, a repeated name `W_2`) or `array_0`, `array_1`, ...;
`load(f)` reads it back. `numpy.load` opens the same file, so the weights can be read
without graphlens. `StripPickler` pickles graphs without their build-time tags;
`function_dump` pickles a `function(...)` call's arguments with it.

>>> with open('model.zip', 'wb') as f:                          # doctest: +SKIP
...     dump((train, W, b), f)
>>> np.load('model.zip')['W']                                   # doctest: +SKIP
>>> with open('model.zip', 'rb') as f:                          # doctest: +SKIP
...     train, W, b = load(f)
"""

from __future__ import annotations

import io
import pickle
import zipfile
from collections import defaultdict

import numpy as np

from graphlens.compile.shared import SharedVariable
from graphlens.errors import InvalidArgumentError
from graphlens.graph.basic import Apply, Variable

DEFAULT_PROTOCOL = pickle.DEFAULT_PROTOCOL
PICKLE_NAME = "pkl"           # the member holding the pickle itself, as in Theano's files


class PersistentNdarrayID:
    """For `pickle.Pickler.persistent_id`: each numpy array (exactly ndarray; subclasses such
    as a random stream's state pickle inline) goes to its own NPY member of `zip_file`, and the
    pickle keeps only its id, `ndarray.<member>`. The same array is written once.

    >>> pickler.persistent_id = PersistentNdarrayID(zip_file)      # doctest: +SKIP
    """

    def __init__(self, zip_file):
        self.zip_file = zip_file
        self.count = 0
        self.seen = {}
        self.kept = []      # the arrays written: their ids stay theirs while pickling

    def _resolve_name(self, obj):
        name = f"array_{self.count}"
        self.count += 1
        return name

    def __call__(self, obj):
        if type(obj) is not np.ndarray:
            return None
        found = self.seen.get(id(obj))
        if found is None:
            name = self._resolve_name(obj)
            with self.zip_file.open(name, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, obj, allow_pickle=obj.dtype.hasobject)
            found = self.seen[id(obj)] = f"ndarray.{name}"
            self.kept.append(obj)
        return found


class PersistentSharedVariableID(PersistentNdarrayID):
    """As PersistentNdarrayID, naming a shared variable's array after the variable (`W`; a
    name met again `W_2`, `W_3`). `allow_unnamed=False` refuses unnamed shared variables,
    `allow_duplicates=False` a name met twice (ValueError, as Theano's)."""

    def __init__(self, zip_file, allow_unnamed=True, allow_duplicates=True):
        super().__init__(zip_file)
        self.name_counter = defaultdict(int)
        self.ndarray_names = {}
        self.allow_unnamed = allow_unnamed
        self.allow_duplicates = allow_duplicates

    def _resolve_name(self, obj):
        name = self.ndarray_names.get(id(obj))
        if name is None:
            return super()._resolve_name(obj)
        count = self.name_counter[name]
        self.name_counter[name] += 1
        if count:
            if not self.allow_duplicates:
                raise InvalidArgumentError(f"dump: several shared variables are named "
                                           f"{name!r} (allow_duplicates=False)")
            name = f"{name}_{count + 1}"
        return name

    def __call__(self, obj):
        if isinstance(obj, SharedVariable):
            if obj.name:
                if obj.name == PICKLE_NAME or obj.name.startswith("array_"):
                    raise InvalidArgumentError(
                        f"dump: a shared variable named {obj.name!r} would clash with the "
                        f"zip file's own members ('pkl', 'array_N'); rename it")
                stored = obj.get_value(borrow=True, return_internal_type=True)
                self.ndarray_names[id(stored)] = obj.name
            elif not self.allow_unnamed:
                raise InvalidArgumentError(f"dump: an unnamed shared variable ({obj.type}) "
                                           f"with allow_unnamed=False; give it a name")
        return super().__call__(obj)


class PersistentNdarrayLoad:
    """For `pickle.Unpickler.persistent_load`: reads the arrays PersistentNdarrayID wrote, each
    once (two references to one array stay one array)."""

    def __init__(self, zip_file):
        self.zip_file = zip_file
        self.cache = {}

    def __call__(self, persid):
        kind, _, name = str(persid).partition(".")
        if kind != "ndarray":
            raise pickle.UnpicklingError(f"load: unknown persistent id {persid!r} (this file "
                                         f"holds numpy arrays only)")
        if name not in self.cache:
            with self.zip_file.open(name) as member:
                self.cache[name] = np.lib.format.read_array(member, allow_pickle=True)
        return self.cache[name]


def dump(obj, file_handler, protocol=DEFAULT_PROTOCOL,
         persistent_id=PersistentSharedVariableID):
    """Pickle `obj` into a zip file with its numpy arrays as NPY members (Theano's format).

    >>> with open('model.zip', 'wb') as f:                      # doctest: +SKIP
    ...     dump((shared(0, name='foo'), np.array(2)), f)
    >>> sorted(np.load('model.zip').keys())                     # doctest: +SKIP
    ['array_0', 'foo', 'pkl']
    """
    with zipfile.ZipFile(file_handler, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zip_file:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=protocol)
        pickler.persistent_id = persistent_id(zip_file)
        pickler.dump(obj)
        zip_file.writestr(PICKLE_NAME, buffer.getvalue())


def load(f, persistent_load=PersistentNdarrayLoad):
    """The object `dump` wrote to the zip file `f` (a path or a binary file).

    >>> with open('model.zip', 'rb') as f:                      # doctest: +SKIP
    ...     foo, array = load(f)
    """
    with zipfile.ZipFile(f, "r") as zip_file:
        unpickler = pickle.Unpickler(io.BytesIO(zip_file.read(PICKLE_NAME)))
        unpickler.persistent_load = persistent_load(zip_file)
        return unpickler.load()


class StripPickler(pickle.Pickler):
    """A Pickler leaving out what variables carry only for building and debugging, as Theano's
    StripPickler: the `tag` entries `test_value` and `trace` (and `extra_tag_to_remove`);
    for 'trace', Theano's record of the line that built a variable, the `creation_site` too
    (errors about the loaded graph then cannot name that line). The objects are not changed.

    >>> StripPickler(f, protocol=-1).dump(dict(inputs=[x], outputs=[y]))   # doctest: +SKIP
    """

    def __init__(self, file, protocol=0, extra_tag_to_remove=None):
        super().__init__(file, protocol)
        # The C Pickler does not say its protocol; reducing an object needs it.
        self.protocol = pickle.HIGHEST_PROTOCOL if protocol is None or protocol < 0 else protocol
        self.tag_to_remove = ["trace", "test_value"] + list(extra_tag_to_remove or ())

    def reducer_override(self, obj):
        # Protocol 2's form (copyreg.__newobj__ and the state) serves Theano's default protocol
        # 0 too: protocols 0 and 1 cannot reduce graphlens's classes with __slots__ themselves.
        if not isinstance(obj, (Variable, Apply)):
            # (A class is pickled by name, even one whose metaclass is graphlens's.)
            if self.protocol < 2 and not isinstance(obj, type) and \
                    type(obj).__module__.startswith("graphlens."):
                return obj.__reduce_ex__(2)
            return NotImplemented
        reduced = obj.__reduce_ex__(max(self.protocol, 2))
        if len(reduced) < 3 or not isinstance(reduced[2], dict):
            return NotImplemented
        state = dict(reduced[2])
        for key in ("_tag", "tag"):        # a variable's tag slot; a node's tag attribute
            tag = state.get(key)
            if tag is not None and any(name in vars(tag) for name in self.tag_to_remove):
                stripped = object.__new__(type(tag))
                vars(stripped).update({name: value for name, value in vars(tag).items()
                                       if name not in self.tag_to_remove})
                state[key] = stripped
        if "trace" in self.tag_to_remove and state.get("creation_site") is not None:
            state["creation_site"] = None
        return reduced[:2] + (state,) + tuple(reduced[3:])


def function_dump(filename, inputs, outputs=None, mode=None, updates=None, givens=None,
                  no_default_updates=False, accept_inplace=False, name=None,
                  rebuild_strict=True, allow_input_downcast=None, profile=None,
                  on_unused_input=None, extra_tag_to_remove=None):
    """Pickle the arguments of a `function(...)` call to `filename` instead of compiling, so a
    compilation can be reproduced elsewhere (Theano's `theano.function_dump`): the graphs,
    the shared variables with their values, and every option, as a dict of `function`'s
    keyword arguments. Build-time tags go as `StripPickler` strips them (with
    `extra_tag_to_remove`). Replace a shared value by zeros first to leave it out.

    >>> function_dump('f.pkl', [x], y, updates=[(W, W - g)])            # doctest: +SKIP
    >>> with open('f.pkl', 'rb') as f:                                 # doctest: +SKIP
    ...     g = graphlens.function(**pickle.load(f))
    """
    if not isinstance(filename, (str, bytes)) and not hasattr(filename, "__fspath__"):
        raise InvalidArgumentError(f"function_dump: filename must be a path (a str), got "
                                   f"{type(filename).__name__} {filename!r:.40}")
    arguments = dict(inputs=inputs, outputs=outputs, mode=mode, updates=updates,
                     givens=givens, no_default_updates=no_default_updates,
                     accept_inplace=accept_inplace, name=name, rebuild_strict=rebuild_strict,
                     allow_input_downcast=allow_input_downcast, profile=profile,
                     on_unused_input=on_unused_input)
    with open(filename, "wb") as file:
        StripPickler(file, protocol=-1, extra_tag_to_remove=extra_tag_to_remove).dump(arguments)
