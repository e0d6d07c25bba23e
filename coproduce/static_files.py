"""Static files in production: whitenoise's compressed, hashed files, each address worked out once.

Every page asks for the same six addresses (`{% static %}` in `base.html`),
and working one out from the manifest cost about 75 Python calls: some 450
of a page's 12,500. The manifest is read once when a process starts and never
changes while it runs (a new release is a new process), so neither do the
addresses; each is kept, in this process, after its first use.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFiles(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._addresses: dict[tuple[str, bool], str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)  # type: ignore[no-any-return]
        # DEBUG changes the answer (the file's own name, unhashed); a running
        # server's never changes, a test's may.
        key = (name, settings.DEBUG)
        address = self._addresses.get(key)
        if address is None:
            address = self._addresses[key] = super().url(name)
        return address
