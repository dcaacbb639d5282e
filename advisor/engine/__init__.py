"""The scoring engine: pure Python/NumPy over a knowledge-base snapshot (no ORM, no I/O).

The contract is in docs/ARCHITECTURE.md; the method in docs/METHODOLOGY.md.
"""

from .intake import FIELDS, Intake, IntakeError, parse_intake
from .keywords import normalise
from .method import (
    DEFAULT_LANGUAGE,
    DEFAULT_STAGE,
    LANGUAGES,
    METHOD_VERSION,
    NEED_DEFAULT,
    NEED_MAX,
    NEED_MIN,
    STAGES,
)
from .ranking import rank, rank_many

__all__ = [
    "DEFAULT_LANGUAGE",
    "DEFAULT_STAGE",
    "FIELDS",
    "LANGUAGES",
    "METHOD_VERSION",
    "NEED_DEFAULT",
    "NEED_MAX",
    "NEED_MIN",
    "STAGES",
    "Intake",
    "IntakeError",
    "normalise",
    "parse_intake",
    "rank",
    "rank_many",
]
