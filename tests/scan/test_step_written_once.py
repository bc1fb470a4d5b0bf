"""A loop's compiled step is written out as straight-line code once, not on every step: the
loop kept the VM's lazy writer (`vm.run` before the first call), and each of the loop's steps
wrote and compiled the whole program again (a 200-step RNN with its gradient ran 4x slower
than a numpy loop; now faster than one)."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens.compile import vm as vm_module


def test_a_loop_writes_its_step_once_however_many_steps_and_calls(monkeypatch):
    written = []
    real = vm_module.straight_run

    def counting(*args, **kwargs):
        written.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(vm_module, "straight_run", counting)
    W = graphlens.shared(np.eye(3) * 0.5, name="W")
    x = T.dmatrix("x")
    h, _ = graphlens.scan(lambda x_t, h: T.tanh(x_t + T.dot(h, W)), sequences=x,
                          outputs_info=T.zeros((3,)))
    cost = (h ** 2).sum()
    f = graphlens.function([x], [cost, graphlens.grad(cost, W)])
    values = np.linspace(-1, 1, 60).reshape(20, 3)
    first = f(values)
    for _ in range(3):
        again = f(values)
    # The forward and the backward loop's steps: one program each, written once.
    assert 1 <= len(written) <= 2, len(written)
    np.testing.assert_allclose(again[0], first[0])
    hs, prev = [], np.zeros(3)
    for row in values:
        prev = np.tanh(row + prev @ (np.eye(3) * 0.5))
        hs.append(prev)
    np.testing.assert_allclose(first[0], (np.array(hs) ** 2).sum())


def test_ready_run_keeps_the_loop_of_a_long_program():
    x = T.dvector("x")
    y = x
    for _ in range(vm_module.MAX_STEPS + 5):
        y = T.tanh(y) * 0.9 + 0.01 * T.cos(y)
    f = graphlens.function([x], y, mode="NONE")
    run = f.vm.ready_run()
    # A program too long to write out runs by the VM's own loop (the class's method).
    assert getattr(run, "__func__", None) is vm_module.VM.run
    value = np.array([0.3])
    np.testing.assert_allclose(run([value])[0], f(value))


def test_a_holder_of_the_lazy_writer_gets_the_written_program(monkeypatch):
    written = []
    real = vm_module.straight_run
    monkeypatch.setattr(vm_module, "straight_run",
                        lambda *args: written.append(1) or real(*args))
    x = T.dvector("x")
    f = graphlens.function([x], T.tanh(x) * 2.0, mode="NONE")
    held = f.vm.run                       # kept before the program was ever written
    for k in range(3):
        np.testing.assert_allclose(held([np.array([0.5 * k])])[0], np.tanh(0.5 * k) * 2.0)
    assert len(written) == 1
