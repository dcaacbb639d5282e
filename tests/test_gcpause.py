"""The collector pause used around batch work and brief renders."""

from __future__ import annotations

import gc
import weakref

import pytest

from advisor.gcpause import gc_paused


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_the_collector_is_off_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_collector_off_until_the_outer_one_ends() -> None:
    with gc_paused():
        with gc_paused(sweep_young=True):
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_on_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), gc_paused(sweep_young=True):
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_sweeping_pause_frees_the_cycles_made_inside_at_once() -> None:
    with gc_paused(sweep_young=True):
        ref = weakref.ref(Node())
        assert ref() is not None  # nothing collects inside the pause
    assert ref() is None


def test_a_plain_pause_keeps_what_was_made_inside_out_of_the_young_generation() -> None:
    gc.collect()
    with gc_paused():
        keep = [Node() for _ in range(100)]
    # Handed to the oldest generation, so the next young collection does not walk them.
    assert not any(any(obj is node for node in keep) for obj in gc.get_objects(0))
    del keep


def test_overlapping_pauses_in_two_threads_leave_the_collector_on() -> None:
    import threading

    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with gc_paused(sweep_young=True):
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with gc_paused(sweep_young=True):
            second_in.set()
            first_out.wait(5)  # the first pause ends while this one is still open

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert first_out.is_set() and gc.isenabled()
