"""Settings of bench/load.py's server: the app's settings, plus the bench's URLconf.

The floor's minimal views are registered here only (``bench.load_urls``), never in the app.
The rate limits stay on (their counters are database work every request pays) but their
rates are raised, or the load would measure the polite 429 page after the 20th POST.
"""

import os

for _name in ("PUBLIC_ASSESS_RATE", "API_ANON_ASSESS_RATE"):
    os.environ.setdefault(_name, "100000000/h")

from advisor.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.load_urls"
