"""The hand-worked caseload of test_metrics.py, as fixtures for the outcomes tests that read it."""

from __future__ import annotations

import pytest

from tests.outcomes.test_metrics import Caseload, Staff, build_caseload, make_staff


@pytest.fixture
def staff(db: None) -> Staff:
    return make_staff()


@pytest.fixture
def caseload(staff: Staff) -> Caseload:
    return build_caseload(staff)
