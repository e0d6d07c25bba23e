"""Things to wait for, written through the services the views call."""

from __future__ import annotations

from plans import services
from plans.access import get_plan_for_user
from plans.models import Proposal
from tests import factories as f
from tests.conftest import Cast

# Plan text that must never appear in any email.
SECRET_OUTCOME = "Try a work placement at the bakery on Mill Lane"


def ben_suggests(cast: Cast, text: str = SECRET_OUTCOME) -> Proposal:
    ben = get_plan_for_user(cast.ben.user, cast.plan.code)
    result = services.submit_add(
        ben,
        services.KINDS["outcome"],
        {"text": text, "status": "active"},
        area=f.area(cast.plan),
        reason="It helped others",
    )
    assert not result.applied
    proposal = Proposal.objects.filter(plan=cast.plan).order_by("-id").first()
    assert proposal is not None
    return proposal
