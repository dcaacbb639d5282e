"""The shared cache, with a local fallback for when the shared one is down.

Rate-limit counters (the public forms' django-ratelimit, the API's DRF throttles) live in
the shared cache so every app process counts the same requests: Redis in production, the
database otherwise. When that cache is down, two things went wrong before this module:

* Redis refused connections, and every public form, consultation request and API read
  answered 500 (the limits asked Redis first);
* a read-only database made Django's database cache drop its writes silently (it swallows
  ``DatabaseError`` on writes by design), so the DRF throttles never counted and the limits
  were off without anyone knowing.

:class:`FallbackCache` wraps the real backend (``OPTIONS["PRIMARY"]``, a normal cache
configuration). Each operation goes to the primary; when it raises a connection or database
error, or (``VERIFY_WRITES``, for the database cache) a write did not land, the operation
goes to a process-local memory cache instead and a warning is logged (once a minute). Limits
then count per process: looser by the number of worker processes, never off, never a 500.
When the primary answers again, it is used again.

It uses only the public cache API (``django.core.cache.backends.base.BaseCache``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What "the shared cache is down" looks like: redis-py raises ConnectionError/TimeoutError
# (subclasses of its RedisError), sockets raise OSError, the database cache DatabaseError.
try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency; keep the module importable
    RedisError = OSError  # type: ignore[misc,assignment]

DOWN_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError, DatabaseError)
_WARN_EVERY_SECONDS = 60.0


class _WriteLost(Exception):
    """A write the primary accepted without error but did not store (read-only database)."""


class FallbackCache(BaseCache):
    """``CACHES`` entry: ``{"BACKEND": "advisor.cache.FallbackCache", "OPTIONS": {"PRIMARY":
    "shared" or {"BACKEND": ..., "LOCATION": ...}, "VERIFY_WRITES": bool}}``."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        primary = options.pop("PRIMARY")
        self.verify_writes = bool(options.pop("VERIFY_WRITES", False))
        super().__init__({**params, "OPTIONS": options})
        # An alias of CACHES (settings.py: "shared", so that createcachetable sees the
        # database cache and creates its table) or an inline configuration.
        self._primary_alias: str | None = primary if isinstance(primary, str) else None
        self._primary: BaseCache | None = None
        if self._primary_alias is None:
            config = dict(primary)
            backend = import_string(config.pop("BACKEND"))
            self._primary = backend(config.pop("LOCATION", ""), config)
        local_params = {"TIMEOUT": params["TIMEOUT"]} if "TIMEOUT" in params else {}
        self.local = LocMemCache(f"advisor-fallback-{id(self)}", local_params)
        self._last_warning = 0.0

    @property
    def primary(self) -> BaseCache:
        """The shared cache this one falls back from."""
        if self._primary is not None:
            return self._primary
        return caches[self._primary_alias]  # type: ignore[index]

    # -- plumbing ---------------------------------------------------------------------------

    def _warn(self, operation: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_warning >= _WARN_EVERY_SECONDS:
            self._last_warning = now
            logger.warning(
                "shared cache unavailable (%s: %s); counting in this process until it is back",
                operation,
                exc,
            )

    def _try(self, operation: str, primary: Callable[[], T], local: Callable[[], T]) -> T:
        try:
            return primary()
        except (*DOWN_ERRORS, _WriteLost) as exc:
            self._warn(operation, exc)
            return local()

    def _checked(self, key: str, version: int | None) -> None:
        # The database cache reports no failed write; touching the row (an UPDATE that
        # fails the same way, and reports it) tells a lost write from a stored one.
        if self.verify_writes and not self.primary.touch(key, version=version):
            raise _WriteLost(key)

    # -- the cache API ----------------------------------------------------------------------

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT,
            version: int | None = None) -> bool:
        def primary() -> bool:
            added = self.primary.add(key, value, timeout, version)
            if not added and self.verify_writes and not self.primary.has_key(key, version):
                raise _WriteLost(key)  # neither added nor there: the insert was dropped
            return added

        return self._try("add", primary, lambda: self.local.add(key, value, timeout, version))

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        def primary() -> Any:
            value = self.primary.get(key, default, version)
            # After a lost write the count lives here: prefer it over a stale shared one.
            return self.local.get(key, value, version) if self._local_has(key, version) else value

        return self._try("get", primary, lambda: self.local.get(key, default, version))

    def _local_has(self, key: str, version: int | None) -> bool:
        return self.local.has_key(key, version)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT,
            version: int | None = None) -> None:
        def primary() -> None:
            self.primary.set(key, value, timeout, version)
            self._checked(key, version)
            self.local.delete(key, version)

        self._try("set", primary, lambda: self.local.set(key, value, timeout, version))

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._try(
            "touch",
            lambda: self.primary.touch(key, timeout, version),
            lambda: self.local.touch(key, timeout, version),
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        self.local.delete(key, version)
        return self._try("delete", lambda: self.primary.delete(key, version), lambda: False)

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._try(
            "has_key",
            lambda: self._local_has(key, version) or self.primary.has_key(key, version),
            lambda: self._local_has(key, version),
        )

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        def primary() -> int:
            if self._local_has(key, version):
                return self.local.incr(key, delta, version)
            try:
                value = self.primary.incr(key, delta, version)
            except ValueError:
                if self.verify_writes:
                    # A lost add() leaves no key to count on: count here instead.
                    raise _WriteLost(key) from None
                raise
            self._checked(key, version)
            return value

        return self._try("incr", primary, lambda: self.local.incr(key, delta, version))

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._try(
            "get_many",
            lambda: self.primary.get_many(keys, version),
            lambda: self.local.get_many(keys, version),
        )

    def set_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT,
                 version: int | None = None) -> list[str]:
        # One by one, so that each write falls back (or not) on its own.
        for key, value in data.items():
            self.set(key, value, timeout, version)
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        keys = list(keys)
        self.local.delete_many(keys, version)
        self._try("delete_many", lambda: self.primary.delete_many(keys, version), lambda: None)

    def clear(self) -> None:
        self.local.clear()
        self._try("clear", self.primary.clear, lambda: None)

    def close(self, **kwargs: Any) -> None:
        self.primary.close(**kwargs)
