"""The method's parameters, in one place so that docs/METHODOLOGY.md can cite them.

Changing any value here changes results: bump :data:`METHOD_VERSION` with it, so that stored
assessments say which method produced them.
"""

from __future__ import annotations

from typing import Final

METHOD_VERSION: Final = "2026.11-2"

STAGES: Final = ("startup", "sme", "large")
LANGUAGES: Final = ("ko", "en")
DEFAULT_STAGE: Final = "startup"
DEFAULT_LANGUAGE: Final = "ko"

# Intake limits.
NEED_MIN: Final = 0
NEED_MAX: Final = 5
# A need the intake leaves out counts as "moderately important": the middle of 0–5 rounded
# up, so that an omitted factor still counts rather than silently dropping out.
NEED_DEFAULT: Final = 3
COMPANY_NAME_MAX: Final = 200
KEYWORDS_MAX: Final = 500
SECONDARY_MAX: Final = 5
MINIMUM_MAX: Final = 100

# total = SECTOR_WEIGHT * sector_fit + NEEDS_WEIGHT * needs_fit
SECTOR_WEIGHT: Final = 0.5
NEEDS_WEIGHT: Final = 0.5

# sector_fit = PRIMARY_SHARE * primary + SECONDARY_SHARE * mean(secondary) + keyword bonus,
# each strength 0–5 mapped to 0–100. Without secondary sectors the primary takes both
# shares. KEYWORD_BONUS_MAX points are reserved for the company's own keywords matching a
# city specialty of the cluster, so that keywords can still separate two national leaders.
STRENGTH_MAX: Final = 5
PRIMARY_SHARE: Final = 0.70
SECONDARY_SHARE: Final = 0.15
KEYWORD_POINTS: Final = 7.5
KEYWORD_BONUS_MAX: Final = 15.0

# Caveats: a need rated at least CAVEAT_NEED is one "this company weighs most" (if none is,
# the highest-rated ones are); a factor score below CAVEAT_SCORE on such a need is a caveat.
CAVEAT_NEED: Final = 4
CAVEAT_SCORE: Final = 50

# Cities listed per cluster.
MAX_CITIES: Final = 3
FALLBACK_CITIES: Final = 2

# Robustness: ROBUSTNESS_SAMPLES weightings drawn from Dirichlet(CONCENTRATION * needs/sum),
# seeded; a concentration of 30 moves a 20 % weight by about ±7 points (one s.d.).
ROBUSTNESS_SAMPLES: Final = 400
ROBUSTNESS_SEED: Final = 20261121
DIRICHLET_CONCENTRATION: Final = 30.0
# "Clear winner": the first leads the second by at least CLEAR_MARGIN points AND stays first
# in at least CLEAR_SHARE of the perturbed weightings.
CLEAR_MARGIN: Final = 3.0
CLEAR_SHARE: Final = 0.6
