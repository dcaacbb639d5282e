"""The stable codes of DESIGN.md. Other systems and tests depend on them: never rename one.

Adding a sector: append its code here and add it to the fixtures. Adding a cluster: see
docs/DATA.md ("How to add a cluster").
"""

FACTORS: tuple[str, ...] = (
    "research",
    "manufacturing",
    "market",
    "capital",
    "cost",
    "talent",
    "policy",
    "openness",
    "pilot",
    "korea_link",
)

SECTORS: tuple[str, ...] = (
    "ai",
    "semiconductors",
    "biopharma",
    "medical_devices",
    "ev",
    "batteries",
    "solar",
    "hydrogen",
    "robotics",
    "drones",
    "optoelectronics",
    "quantum",
    "telecom",
    "aerospace",
    "data_centers",
    "fintech",
    "ecommerce",
    "software",
    "cybersecurity",
    "autonomous_driving",
    "advanced_manufacturing",
    "new_materials",
    "agritech",
    "consumer_electronics",
)

CLUSTERS: tuple[str, ...] = (
    "jjj",
    "yrd",
    "gba",
    "chengyu",
    "mid_yangtze",
    "shandong",
    "guanzhong",
    "northeast",
    "west_hub",
    "west_strait",
    "central_plains",
    "asean_gateway",
)

# The kinds of the Korean network (clusters.KoreaLink.kind) in the order pages and the brief
# list them: the public support a company can call on first (trade office, consulate, park,
# chamber), then how to get there, then who is already there.
KOREA_LINK_KINDS: tuple[str, ...] = (
    "kotra",
    "consulate",
    "park",
    "association",
    "flight",
    "firm",
)

CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
