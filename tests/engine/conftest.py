"""Engine tests run without a database: a code-built snapshot (tests/engine/factory.py)."""

from __future__ import annotations

import pytest

from clusters.snapshot import Snapshot

from . import factory


@pytest.fixture(scope="session")
def kb() -> Snapshot:
    return factory.build()
