"""Model fields of the advisory app."""

from __future__ import annotations

from typing import Any

import orjson
from django.db import models


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


class FastJSONField(models.JSONField):
    """A JSONField written with orjson instead of the standard library's encoder.

    An assessment stores its ranking (about 23 KB of JSON); encoding it was the largest
    part of saving a 10,000-row import (1.9 s of json.dumps against 0.5 s with orjson, see
    bench/batch.py). Reading is unchanged (the database hands back JSON text or a decoded
    value as before), and a value orjson refuses, or a field with its own encoder, takes
    Django's usual way, with its usual errors.
    """

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if self.encoder is None and isinstance(value, dict | list):
            try:
                text = _dumps(value)
            except (orjson.JSONEncodeError, TypeError):
                pass
            else:
                if connection.vendor == "postgresql":
                    from psycopg.types.json import Jsonb

                    return Jsonb(value, dumps=lambda _value: text)
                if connection.vendor == "sqlite":
                    return text
        return super().get_db_prep_value(value, connection, prepared=True)
