"""Command-line arguments of the bench scripts: each script's usage is its docstring.

`-h`/`--help` prints the docstring and exits; an argument that is not what the script takes
exits with a message naming it, not a traceback.
"""

from __future__ import annotations

import sys


def script_arguments(doc: str, convert=int, argv=None) -> list:
    """The arguments after the script's name, each passed through `convert` (None: as text).

    >>> script_arguments("usage", argv=["bench/dag.py", "2000", "10000"])
    [2000, 10000]
    """
    given = list(sys.argv[1:] if argv is None else argv[1:])
    if any(arg in ("-h", "--help") for arg in given):
        print(doc.strip())
        raise SystemExit(0)
    if convert is None:
        return given
    converted = []
    for arg in given:
        try:
            converted.append(convert(arg))
        except ValueError:
            kind = {"int": "an integer", "float": "a number"}.get(convert.__name__,
                                                                 convert.__name__)
            raise SystemExit(f"{sys.argv[0]}: {arg!r} is not {kind}; usage:\n\n"
                             f"{doc.strip()}") from None
    return converted
