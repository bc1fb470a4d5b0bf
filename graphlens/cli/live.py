"""Live counts of long work on the terminal: how far the rewrites got, and the time taken.

A model file compiles its own functions while graphlens runs it, before the command has
control back; the command plugs a `LiveProgress` into the compiler's hook table
(compile/hooks.py `reporting_progress`) and the rewrite driver (rewrite/db.py) tells it its
counts as it goes. It prints nothing for short work (under `after` seconds), then one line
about every `interval` seconds:

    [   3.0 s] rewriting (phase fusion): 4,120 replacements so far; graph 9,310 ops; pass at 2,048 / 9,310 nodes

>>> lines = []
>>> clock = iter([0.0, 0.5, 2.5, 2.9, 3.6]).__next__
>>> live = LiveProgress(lines.append, clock=clock, after=2.0, interval=1.0)
>>> for done in (10, 20, 30, 40):
...     live("rewriting", {"phase": "merge", "replacements": done, "ops": 100})
>>> lines
['[   2.5 s] rewriting (phase merge): 20 replacements so far; graph 100 ops', '[   3.6 s] rewriting (phase merge): 40 replacements so far; graph 100 ops']
"""

from __future__ import annotations

import contextlib
import threading
import time

# Work shorter than this prints nothing; longer, a line about every LIVE_INTERVAL seconds.
LIVE_AFTER = 2.0
LIVE_INTERVAL = 1.0


class LiveProgress:
    """A progress reporter (`reporter(stage, counts)`) printing counts and elapsed time with
    `write(line)`, first after `after` seconds, then at most once per `interval`; the time is
    counted from `since` (a reading of `clock`), else from now."""

    def __init__(self, write, *, clock=time.perf_counter, after: float | None = None,
                 interval: float | None = None, since: float | None = None):
        self.write, self.clock = write, clock
        self.after = LIVE_AFTER if after is None else after
        self.interval = LIVE_INTERVAL if interval is None else interval
        # Elapsed time counts from `since` (the command's start, on `clock`) when given.
        self.start = clock() if since is None else since
        self.last = None

    def __call__(self, stage: str, counts: dict):
        now = self.clock()
        elapsed = now - self.start
        if elapsed < self.after or (self.last is not None and now - self.last < self.interval):
            return
        self.last = now
        self.write(f"[{elapsed:6.1f} s] {describe(stage, counts)}")


    @contextlib.contextmanager
    def waiting(self, stage: str, counts: dict):
        """Around one long call that tells nothing while it runs (a layout): a line about
        every `interval` seconds, once the work has taken `after`, with the wait so far."""
        began, stop = self.clock(), threading.Event()

        def beat():
            while not stop.wait(max(self.interval, 0.05)):
                self(stage, dict(counts, waited=round(self.clock() - began, 1)))

        beater = threading.Thread(target=beat, name="graphlens-progress", daemon=True)
        beater.start()
        try:
            yield
        finally:
            stop.set()
            beater.join()


def describe(stage: str, counts: dict) -> str:
    """One line for a reporter's event.

    >>> describe("laying out", {"nodes": 2300, "edges": 4100, "waited": 3.0})
    'laying out 2,300 nodes, 4,100 edges: 3.0 s so far'

    >>> describe("rewriting", {"phase": "fusion", "replacements": 1200, "ops": 5000,
    ...                        "visited": 512, "to_visit": 5000})
    'rewriting (phase fusion): 1,200 replacements so far; graph 5,000 ops; pass at 512 / 5,000 nodes'
    """
    if stage != "rewriting":
        waited = counts.get("waited")
        listed = ", ".join(f"{value:,} {name}" for name, value in counts.items()
                           if name != "waited")
        return f"{stage} {listed}" + ("" if waited is None else f": {waited:.1f} s so far")
    phase = counts.get("phase")
    done = counts["replacements"]
    made = f"{done:,} replacement{'' if done == 1 else 's'}"
    if phase == "done":
        return f"rewrites done: {made}; graph {counts['ops']:,} ops"
    text = "rewriting" + (f" (phase {phase})" if phase else "")
    text += f": {made} so far; graph {counts['ops']:,} ops"
    if counts.get("to_visit"):
        text += f"; pass at {counts['visited']:,} / {counts['to_visit']:,} nodes"
    return text
