"""The collector pause of bulk phases (graph/collector.py): what a phase made is handed to the
oldest generation unscanned, nothing is leaked, and a program's own frozen objects stay frozen."""

import gc

import pytest

from graphlens.graph import collector
from graphlens.graph.collector import paused_collector


class Node:
    """An object in a reference cycle, as graph nodes are."""

    def __init__(self):
        self.me = self


@paused_collector
def make(n):
    return [Node() for _ in range(n)]


def test_a_phase_hands_what_it_made_to_the_oldest_generation():
    gc.collect()
    made = make(1000)
    # Nothing young is left to scan: the next allocations start a fresh young count...
    assert gc.get_count()[0] < 5
    # ...and what the phase made sits in the oldest generation.
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert all(id(node) in oldest for node in made)
    assert gc.isenabled()


def test_garbage_handed_over_is_freed_by_the_next_full_pass():
    gc.collect()
    dead = make(500)
    count = len(dead)
    del dead
    assert gc.collect() >= count


def test_the_phases_force_a_full_pass_once_they_handed_over_more_than_was_alive(monkeypatch):
    passes = []

    def watch(phase, info):
        if phase == "stop" and info["generation"] == 2:
            passes.append(info["collected"])
    monkeypatch.setitem(collector._handover, "handed", 0)
    monkeypatch.setitem(collector._handover, "alive", 1000)
    monkeypatch.setattr(collector, "HANDOVER_GROWTH", 2)
    gc.callbacks.append(watch)
    try:
        make(1500)              # handed 1,500: no more than 2 x 1,000
        assert passes == []
        garbage = make(600)     # 2,100: a full pass, which frees this phase's cycles once dropped
        assert len(passes) == 1
        assert collector._handover["handed"] == 0
        assert collector._handover["alive"] >= collector.HANDOVER_FLOOR
        del garbage
    finally:
        gc.callbacks.remove(watch)


def test_objects_the_program_froze_stay_frozen():
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        make(100)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_an_error_in_the_phase_still_resumes_collection():
    @paused_collector
    def fails():
        [Node() for _ in range(10)]
        raise ValueError("inside")
    with pytest.raises(ValueError, match="inside"):
        fails()
    assert gc.isenabled()
