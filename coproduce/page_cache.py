"""The shared cache of rendered pages: the plan page's bodies, the dashboard's figures.

Its own cache alias, "pages" (settings.CACHES: the database cache, or Redis
with REDIS_URL), apart from the sign-in counters in "default", and never one
process's memory: every app server behind the load balancer reads the same
entries. What is kept under a key must depend on nothing the key leaves out;
each user of it says what its key holds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

CACHE = "pages"


def _templates_hash() -> str:
    digest = hashlib.sha256()
    for directory in (Path(str(d)) for d in settings.TEMPLATES[0]["DIRS"]):
        for path in sorted(directory.rglob("*.html")):
            digest.update(str(path.relative_to(directory)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# The templates themselves, hashed once at start: part of every key, so that a
# deployment never serves HTML rendered by the previous release.
RELEASE = _templates_hash()
