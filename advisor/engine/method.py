"""The method's parameters, in one place so that docs/METHODOLOGY.md can cite them.

Changing any value here changes results: bump :data:`METHOD_VERSION` with it, so that stored
assessments say which method produced them.
"""

from __future__ import annotations

from typing import Final

METHOD_VERSION: Final = "2026.12-1"

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
# Factors whose omitted need takes another default. The Korean network (added in 2026.12-1)
# counts as "somewhat important" when an intake written before it existed leaves it out:
# most Korean firms value Korean partners, services and flights near by, but it should not
# weigh like a need the company actually stated.
NEED_DEFAULTS: Final = {"korea_link": 2}


def need_default(factor: str) -> int:
    """The need an intake that leaves ``factor`` out is given (0–5)."""
    return NEED_DEFAULTS.get(factor, NEED_DEFAULT)

COMPANY_NAME_MAX: Final = 200
KEYWORDS_MAX: Final = 500
SECONDARY_MAX: Final = 5
MINIMUM_MAX: Final = 100

# total = SECTOR_WEIGHT * sector_fit + NEEDS_WEIGHT * needs_fit. The sector carries more
# than the needs: whether this company's industry is concentrated here (strength,
# specialisation, city evidence, the company's own words) decides the node of the network;
# the needs then choose among the places where the industry is.
SECTOR_WEIGHT: Final = 0.65
NEEDS_WEIGHT: Final = 0.35

# sector_fit = STRENGTH_SHARE * strength + SPECIALISATION_SHARE * specialisation
#            + EVIDENCE_SHARE * city evidence + KEYWORD_SHARE * keyword evidence,
# each part 0–100 (docs/METHODOLOGY.md §4).
STRENGTH_MAX: Final = 5
STRENGTH_SHARE: Final = 0.30
SPECIALISATION_SHARE: Final = 0.25
EVIDENCE_SHARE: Final = 0.10
KEYWORD_SHARE: Final = 0.35
# Within the strength part, the primary sector and the mean of the secondary sectors.
PRIMARY_SHARE: Final = 0.80
SECONDARY_SHARE: Final = 0.20
# Specialisation: the location quotient of the sector in the cluster (its strength against
# the cluster's mean strength over all sectors); a quotient of LQ_FULL or more is fully
# distinctive (100), and it scales linearly below.
LQ_FULL: Final = 2.0
# City evidence is 100 when at least one city of the cluster holds a sourced specialty in the
# company's sector, else 0: a count would reward the large clusters, whose many cities carry
# more specialties, again for their size. Keyword evidence is the share of the company's own
# keyword concepts that the cluster's best-matching specialty holds, times 100.

# Sector-conditioned factor scores (§3): where the knowledge base holds no score of the
# cluster for this factor *in this sector*, a sector-dependent factor takes the general score,
# capped by how present the sector is: a cluster's whole research base or market serves a
# sector only as far as the sector exists there. Cap = SECTOR_CAP_BASE + SECTOR_CAP_STEP *
# strength (strength 0 -> 20, 1 -> 40, 2 -> 60, 3 -> 80, 4 or 5 -> no cap).
SECTOR_DEPENDENT: Final = ("research", "manufacturing", "market", "talent", "pilot")
SECTOR_CAP_BASE: Final = 20
SECTOR_CAP_STEP: Final = 20

# City points: a specialty in the company's sector, in a secondary sector, and per keyword
# concept of the company it shares. Cities are recommended only on such evidence.
CITY_PRIMARY_POINTS: Final = 2
CITY_SECONDARY_POINTS: Final = 1
CITY_CONCEPT_POINTS: Final = 3

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
