"""One helper for pausing Python's cyclic garbage collector around large batch work.

Ranking or importing 10,000 rows allocates millions of small, acyclic dicts and tuples,
which triggers full collections that walk every live object and free nothing (a fifth to a
third of the CPU time, measured in bench/engine.py and bench/batch.py). Reference counting
still frees everything as usual. The PDF brief pauses it too (see ``sweep_young``). Plain
module: imports nothing from the project, so the engine can use it too.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused(*, sweep_young: bool = False) -> Iterator[None]:
    """Collection off inside the block; pauses nest, and only the outermost one resumes.

    ``sweep_young=True`` is for work that leaves cyclic garbage behind, such as a WeasyPrint
    render (its box trees point back at their parents: ~30,000 objects, 7.5 MB per brief).
    On resume it collects the youngest generation, which then holds exactly what the block
    allocated and kept: the garbage goes at once (~9 ms a brief), and the long-lived heap
    (Django, the knowledge base, WeasyPrint's own caches) is never walked. Without the
    pause the render's allocations set off full collections that walk all of that heap
    again and again, a fifth of a brief's CPU time (bench/brief.py).

    The collector is one per process: with threads (``GUNICORN_THREADS``), a pause in one
    thread also covers the others until the pause that turned it off ends. However the
    pauses of several threads overlap, the collector is on again once all of them ended.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Only the outermost pause turns collection back on (pauses nest: an import ranks
        # its rows through the engine, which pauses too).
        if was_enabled:
            if sweep_young:
                gc.enable()
                gc.collect(0)
            else:
                # Everything allocated during the pause still counts as young: re-enabling
                # would walk all of it in one collection of the youngest generation (0.4 s
                # after ranking 10,000 intakes) only to find it alive. Hand it to the oldest
                # generation instead (freeze then unfreeze: two list splices, no walk). It
                # is still freed by reference counting as usual; a cycle made during the
                # pause is collected at the next full collection rather than sooner.
                gc.freeze()
                gc.unfreeze()
                gc.enable()
