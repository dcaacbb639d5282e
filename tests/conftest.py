"""Shared test set-up: the shipped knowledge base is loaded once per test database.

Tests that need the knowledge base use the ``db`` fixture as usual; the rows are there from
the session start and every test's changes roll back. Browser tests (``-m e2e``) run in their
own pytest session because a live server flushes the database after each test.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_kb", verbosity=0)


@pytest.fixture
def snapshot(db):
    """The snapshot of the shipped knowledge base."""
    from clusters.snapshot import get_snapshot

    return get_snapshot()


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_user(
        username="alice", password="a-long-test-password", is_staff=True
    )


@pytest.fixture
def other_user(db, django_user_model):
    """A logged-in user who is not staff (for example an API client)."""
    return django_user_model.objects.create_user(username="bob", password="another-password")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture(autouse=True, scope="session")
def _tasks_in_process():
    """Celery tasks run where they are queued (after the commit that queues them), so a test
    follows a job from request to result; the worker's own start is tested in tests/batch."""
    from advisor.celery import app

    app.conf.task_always_eager = True
    yield
