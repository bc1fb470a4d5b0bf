"""Theano's function profiler at its path, `theano.compile.profiling.ProfileStats`: where a
compiled function's time goes, by op class, by op and by node.

`function(..., profile=True)` (or a `ProfileStats` of your own, or `config.profile = True` for
every function) times each call and each node as it runs; `f.profile.summary()` prints the
tables Theano printed (Class, Ops, Apply), largest first. Where Theano named a node only by its
op and inputs, each Apply line here also says which line of the user's code built it, and a
fused node lists the ops it fused: the time lands on something the user can find.

Timing a node costs about a microsecond of its own (two clock reads and a call), so a profiled
function is slower than an unprofiled one on tiny arrays; the times of the nodes are measured
around their own work only.

>>> f = function([x, y], x + y, profile=True)                    # doctest: +SKIP
>>> f(xv, yv); f.profile.summary()                              # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import sys
import time

from graphlens.config import config
from graphlens.errors import creation_site, where
from graphlens.graph.basic import Constant, short_path
from graphlens.printer.naming import is_shared

# Every ProfileStats made with atexit_print=True, printed when the process ends if
# config.profile is on then (Theano's rule).
_AT_EXIT = []


class ProfileStats:
    """Times of one compiled function: its calls, its compile phases and each node.

    `ProfileStats(atexit_print=True, **attributes)`: Theano's signature; `message` names the
    function in the summary. Read after calls: `fct_callcount`, `fct_call_time`,
    `apply_time` and `apply_callcount` ({node: seconds / calls}), `compile_time`,
    `optimizer_time`, `linker_time`, `nb_nodes`.

    >>> stats = ProfileStats(False, message="train")
    >>> stats.fct_callcount, stats.summary_text().splitlines()[0]
    (0, 'Function profiling')
    """

    def __init__(self, atexit_print=True, flag_time_thunks=None, gpu_checks=True, **kwargs):
        self.message = None
        self.compile_time = 0.0
        self.optimizer_time = 0.0
        self.linker_time = 0.0
        self.fct_callcount = 0
        self.fct_call_time = 0.0
        self.apply_time = {}
        self.apply_callcount = {}
        self.nb_nodes = 0
        # {node: bytes its outputs took, the most of any call}, with config.profile_memory.
        self.output_bytes = {}
        # Theano's switches: thunks are always timed here, and there is no GPU to check.
        self.flag_time_thunks = True if flag_time_thunks is None else flag_time_thunks
        self.gpu_checks = gpu_checks
        for key, value in kwargs.items():
            setattr(self, key, value)
        if atexit_print:
            _AT_EXIT.append(self)

    # -- collecting --------------------------------------------------------------------------

    def timed(self, inner=None):
        """A perform wrapper (compile/vm.py `wrap_perform`) timing each node into this object;
        `inner(node)`, when given (the NaN guard), is what gets timed."""
        clock, seconds, calls = time.perf_counter, self.apply_time, self.apply_callcount

        sizes = self.output_bytes if config.profile_memory else None

        def wrap(node):
            perform = node.op.perform if inner is None else inner(node)
            seconds.setdefault(node, 0.0)
            calls.setdefault(node, 0)

            def timed_perform(node, inputs):
                start = clock()
                try:
                    results = perform(node, inputs)
                finally:
                    seconds[node] += clock() - start
                    calls[node] += 1
                if sizes is not None:
                    size = sum(getattr(value, "nbytes", 0) for value in results)
                    sizes[node] = max(size, sizes.get(node, 0))
                return results
            return timed_perform
        return wrap

    def timed_call(self, call):
        """`call` (a compiled function's whole call) counting and timing every call."""
        clock = time.perf_counter

        def profiled_call(*args, **kwargs):
            start = clock()
            try:
                return call(*args, **kwargs)
            finally:
                self.fct_call_time += clock() - start
                self.fct_callcount += 1
        return profiled_call

    # -- reading -----------------------------------------------------------------------------

    def class_time(self) -> dict:
        """{op class name: seconds} over every node."""
        return {key: seconds for key, (seconds, _, _) in self._groups(_class_name).items()}

    def op_time(self) -> dict:
        """{op label: seconds} over every node."""
        return {key: seconds for key, (seconds, _, _) in self._groups(_op_label).items()}

    def _groups(self, key_of_op) -> dict:
        """{key_of_op(op): (seconds, calls, nodes)} over every node."""
        groups = {}
        for node, seconds in self.apply_time.items():
            key = key_of_op(node.op)
            total, calls, nodes = groups.get(key, (0.0, 0, 0))
            groups[key] = (total + seconds, calls + self.apply_callcount[node], nodes + 1)
        return groups

    def summary_text(self, n_ops_to_print=None, n_apply_to_print=None) -> str:
        """The summary as text: the function, then the Class, Ops and Apply tables."""
        n_ops = config.profiling.n_ops if n_ops_to_print is None else n_ops_to_print
        n_apply = config.profiling.n_apply if n_apply_to_print is None else n_apply_to_print
        lines = self._function_lines()
        if self.fct_callcount and self.apply_time:
            lines += self._grouped_lines("Class", "Class name", _class_name, n_ops, "classes")
            lines += self._grouped_lines("Ops", "Op name", _op_label, n_ops, "ops")
            lines += self._apply_lines(n_apply)
            if self.output_bytes:
                lines += self._memory_lines(n_apply)
        else:
            lines.append("  No calls to this function yet: nothing was timed.")
        return "\n".join(lines) + "\n"

    def summary(self, file=sys.stderr, n_ops_to_print=None, n_apply_to_print=None):
        """Print the summary to `file` (standard error by default, as Theano)."""
        file.write(self.summary_text(n_ops_to_print, n_apply_to_print))

    summary_function = summary     # Theano's name of the first table's printer

    def _function_lines(self):
        thunks = sum(self.apply_time.values())
        share = f" ({100 * thunks / self.fct_call_time:.1f}%)" if self.fct_call_time else ""
        return ["Function profiling", "==================",
                f"  Message: {self.message or '<unnamed function>'}",
                f"  Time in {self.fct_callcount} calls to Function.__call__: "
                f"{self.fct_call_time:.6e}s",
                f"  Time in thunks: {thunks:.6e}s{share}",
                f"  Total compile time: {self.compile_time:.6e}s",
                f"    Number of Apply nodes: {self.nb_nodes}",
                f"    Rewrite (optimizer) time: {self.optimizer_time:.6e}s",
                f"    Linker time (evaluator and fused kernels): {self.linker_time:.6e}s", ""]

    def _grouped_lines(self, title, what, key_of_op, limit, plural):
        """One table of nodes grouped by `key_of_op(op)`, largest time first."""
        groups = self._groups(key_of_op)
        rows = sorted(groups.items(), key=lambda item: (-item[1][0], item[0]))
        total = sum(seconds for seconds, _, _ in groups.values()) or 1.0
        lines = [title, "-" * len(title),
                 f"<% time> <sum %> <apply time> <time per call> <type> <#call> <#apply> <{what}>"]
        running = 0.0
        for key, (seconds, calls, nodes) in rows[:limit]:
            running += seconds
            lines.append(f"  {100 * seconds / total:5.1f}%   {100 * running / total:5.1f}%"
                         f"   {seconds:10.3e}s   {seconds / max(calls, 1):10.3e}s     Py"
                         f"   {calls:6d}  {nodes:6d}   {key}")
        lines += _remaining(rows[limit:], total, plural)
        return lines

    def _apply_lines(self, limit):
        order = self._order
        rows = sorted(self.apply_time.items(), key=lambda item: (-item[1], order[item[0]]))
        total = sum(self.apply_time.values()) or 1.0
        lines = ["Apply", "------",
                 "<% time> <sum %> <apply time> <time per call> <#call> <id> <Apply name>"]
        running = 0.0
        for node, seconds in rows[:limit]:
            running += seconds
            calls = self.apply_callcount[node]
            lines.append(f"  {100 * seconds / total:5.1f}%   {100 * running / total:5.1f}%"
                         f"   {seconds:10.3e}s   {seconds / max(calls, 1):10.3e}s"
                         f"  {calls:6d}  {order[node]:>4}   {apply_name(node)}")
            lines.append(f"{'':48}built at {where(node.outputs[0])}")
        lines += _remaining([(n, (s,)) for n, s in rows[limit:]], total, "Apply instances")
        return lines + [""]

    def _memory_lines(self, limit):
        """The nodes whose outputs take the most bytes (config.profile_memory)."""
        order = self._order
        rows = sorted(self.output_bytes.items(), key=lambda item: (-item[1], order[item[0]]))
        lines = ["Memory Profile", "--------------",
                 f"  Bytes of every node's outputs together: {sum(self.output_bytes.values()):,}"
                 f" (an upper bound: the evaluator frees each value after its last reader)",
                 "<bytes of its outputs> <id> <Apply name>"]
        lines += [f"  {size:14,d}  {order[node]:>4}   {apply_name(node)}"
                  for node, size in rows[:limit]]
        if rows[limit:]:
            lines.append(f"   ... (remaining {len(rows) - limit} Apply instances)")
        return lines + [""]

    @property
    def _order(self):
        """{node: its position in the program} (Theano's <id>): the timer met them in order."""
        return {node: k for k, node in enumerate(self.apply_time)}


def profile_stats(profile, name=None):
    """The ProfileStats `function(..., profile=profile)` fills, or None: True (or, with
    `config.profile` on, None) makes one named by `name` or the user's line; a text is the
    message; a ProfileStats is used as given.

    >>> profile_stats(None) is None, profile_stats("train", None).message
    (True, 'train')
    """
    if isinstance(profile, ProfileStats):
        return profile
    if profile is None:
        profile = config.profile
    if isinstance(profile, str):
        return ProfileStats(message=profile)
    if not profile:
        return None
    if name is None:
        site = creation_site()          # the user's line that compiles the function
        name = "<unnamed function>" if site is None else f"{short_path(site[0])}:{site[1]}"
    return ProfileStats(message=name)


def apply_name(node) -> str:
    """A node as Theano's profile named it: its op, then its inputs.

    >>> apply_name((x + y).owner)                     # doctest: +SKIP
    'Add(x, y)'
    """
    return f"{node.op.label}({', '.join(_input_text(var) for var in node.inputs)})"


def _input_text(var) -> str:
    if var.name:
        return var.name
    if isinstance(var, Constant):
        text = repr(var.data.tolist() if hasattr(var.data, "tolist") else var.data)
        return text if len(text) <= 20 else f"<constant {var.type}>"
    if var.owner is not None:
        return f"{type(var.owner.op).__name__}.{var.owner.outputs.index(var)}"
    return f"<shared {var.type}>" if is_shared(var) else f"<{var.type}>"


def _class_name(op) -> str:
    return f"{type(op).__module__}.{type(op).__name__}"


def _op_label(op) -> str:
    # The Ops table groups by the op's one name (graph/label.py), as errors and debugprint say it.
    return op.label


def _remaining(rows, total, what):
    if not rows:
        return [""]
    seconds = sum(values[0] for _, values in rows)
    return [f"   ... (remaining {len(rows)} {what} account for {100 * seconds / total:.2f}%"
            f" ({seconds:.2e}s) of the runtime)", ""]


def _print_at_exit():
    """Theano's rule: with config.profile on, every profiled function that was called prints
    its summary when the process ends (to config.profiling.destination)."""
    if not config.profile:
        return
    destination = config.profiling.destination
    called = [stats for stats in _AT_EXIT if stats.fct_callcount]
    if not called:
        return
    out = {"stderr": sys.stderr, "stdout": sys.stdout}.get(destination)
    handle = out if out is not None else open(destination, "w")
    try:
        for stats in sorted(called, key=lambda s: -(s.compile_time + s.fct_call_time)):
            stats.summary(file=handle)
    finally:
        if out is None:
            handle.close()


atexit.register(_print_at_exit)
