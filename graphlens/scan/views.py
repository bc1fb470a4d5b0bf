"""`map`, `reduce`, `foldl`, `foldr`: the common loops, each one `scan` (Theano's helpers).

>>> squares, _ = map(lambda x: x ** 2, sequences=v)                     # doctest: +SKIP
>>> total, _ = reduce(lambda x, acc: acc + x, v, T.zeros(()))          # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.scan.build import scan


def map(fn, sequences, non_sequences=None, truncate_gradient=-1, go_backwards=False,  # noqa: A001
        mode=None, name=None):
    """fn applied to each element of `sequences`: `(outputs, updates)`."""
    return scan(fn, sequences=sequences, outputs_info=None, non_sequences=non_sequences,
                truncate_gradient=truncate_gradient, go_backwards=go_backwards, mode=mode,
                name=name)


def reduce(fn, sequences, outputs_info, non_sequences=None, go_backwards=False,  # noqa: A001
           mode=None, name=None):
    """The last step of a scan: `(last values, updates)`, one value per output of fn."""
    outputs, updates = scan(fn, sequences=sequences, outputs_info=outputs_info,
                            non_sequences=non_sequences, go_backwards=go_backwards, mode=mode,
                            name=name)
    if isinstance(outputs, (list, tuple)):
        return [out[-1] for out in outputs], updates
    return outputs[-1], updates


def foldl(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """reduce from the first element to the last."""
    return reduce(fn, sequences, outputs_info, non_sequences, go_backwards=False, mode=mode,
                  name=name)


def foldr(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """reduce from the last element to the first."""
    return reduce(fn, sequences, outputs_info, non_sequences, go_backwards=True, mode=mode,
                  name=name)

