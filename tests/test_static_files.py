"""Production's static files: each address worked out once, and the same as whitenoise's."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from coproduce.static_files import StaticFiles


def _collected(tmp_path: Path) -> Path:
    """A collected static directory with its manifest, as `collectstatic` leaves it."""
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.abc123.css").write_text("body {}")
    manifest = {"paths": {"css/site.css": "css/site.abc123.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return tmp_path


@override_settings(DEBUG=False)
def test_an_address_is_whitenoises_and_worked_out_once(tmp_path: Path) -> None:
    location = _collected(tmp_path)
    ours = StaticFiles(location=str(location), base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=str(location), base_url="/static/")
    with mock.patch.object(
        CompressedManifestStaticFilesStorage,
        "stored_name",
        autospec=True,
        side_effect=CompressedManifestStaticFilesStorage.stored_name,
    ) as looked_up:
        first = ours.url("css/site.css")
        second = ours.url("css/site.css")
    assert first == second == theirs.url("css/site.css") == "/static/css/site.abc123.css"
    assert looked_up.call_count == 1
    # A fragment is an address of its own.
    assert ours.url("css/site.css#part") == theirs.url("css/site.css#part")


@override_settings(DEBUG=False)
def test_a_file_missing_from_the_manifest_is_still_an_error_every_time(tmp_path: Path) -> None:
    ours = StaticFiles(location=str(_collected(tmp_path)), base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("css/missing.css")


def test_with_debug_on_the_address_is_the_files_own_name(tmp_path: Path) -> None:
    ours = StaticFiles(location=str(_collected(tmp_path)), base_url="/static/")
    with override_settings(DEBUG=False):
        assert ours.url("css/site.css") == "/static/css/site.abc123.css"
    with override_settings(DEBUG=True):
        assert ours.url("css/site.css") == "/static/css/site.css"
