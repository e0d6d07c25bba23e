""" "For you": everything waiting for one user, and the count in the header."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.notifications.waiting import Now, count_for, waiting_for
from plans.models import AccessRequest, CareTeamMember, Plan, Proposal
from tests import factories as f
from tests.conftest import Cast, login
from tests.notifications.helpers import ben_suggests


def kinds(user: object) -> list[tuple[str, str]]:
    return sorted((w.kind, w.stage) for w in waiting_for(user))  # type: ignore[arg-type]


def test_nothing_waiting(cast: Cast) -> None:
    assert waiting_for(cast.amara.user) == []
    assert count_for(cast.amara.user) == 0


def test_bens_suggestion_waits_for_amara_not_for_ben(cast: Cast) -> None:
    ben_suggests(cast)
    assert kinds(cast.amara.user) == [("suggestion", "new")]
    assert count_for(cast.amara.user) == 1
    assert kinds(cast.ben.user) == []
    assert count_for(cast.priya.user) == 0


def test_amaras_suggestion_waits_for_her_care_team_only(cast: Cast) -> None:
    hana = f.make_professional("hana", "Hana Ito", cast.team)
    f.add_to_care_team(cast.plan, hana)
    Proposal.objects.create(
        plan=cast.plan,
        action="add",
        item_type="outcome",
        proposed_by=cast.amara.user,
        proposed_side="person",
    )
    assert kinds(cast.ben.user) == [("suggestion", "new")]
    assert kinds(hana.user) == [("suggestion", "new")]
    assert kinds(cast.oscar.user) == []
    assert kinds(cast.amara.user) == []
    CareTeamMember.objects.filter(professional=hana).update(removed_at=timezone.now())
    assert kinds(hana.user) == []


def test_commitments_due_and_overdue_go_to_the_right_side(cast: Cast) -> None:
    today = timezone.localdate()
    f.make_commitment(cast.plan, cast.ben.user, due_date=today + datetime.timedelta(days=2))
    f.make_commitment(cast.plan, cast.ben.user, due_date=today + datetime.timedelta(days=3))
    f.make_commitment(cast.plan, cast.amara.user, due_date=today - datetime.timedelta(days=1))
    done = f.make_commitment(cast.plan, cast.ben.user, due_date=today)
    done.status = "done"
    done.save()
    # Amara: hers (overdue) and Ben's made to her (due in 2 days); not the one in 3 days.
    assert kinds(cast.amara.user) == [("commitment", "overdue"), ("commitment", "soon")]
    # Ben: his own. Amara's is told to her care coordinator, and Ben is not it.
    assert kinds(cast.ben.user) == [("commitment", "soon")]
    CareTeamMember.objects.filter(professional=cast.ben).update(is_coordinator=True)
    assert kinds(cast.ben.user) == [("commitment", "overdue"), ("commitment", "soon")]


def test_reviews_due_in_seven_days_and_overdue(cast: Cast) -> None:
    today = timezone.localdate()
    CareTeamMember.objects.filter(professional=cast.ben).update(is_coordinator=True)
    Plan.objects.filter(pk=cast.plan.pk).update(next_review_date=today + datetime.timedelta(days=8))
    assert kinds(cast.amara.user) == []
    Plan.objects.filter(pk=cast.plan.pk).update(next_review_date=today + datetime.timedelta(days=7))
    assert kinds(cast.amara.user) == [("review", "soon")]
    assert kinds(cast.ben.user) == [("review", "soon")]
    Plan.objects.filter(pk=cast.plan.pk).update(next_review_date=today - datetime.timedelta(days=1))
    assert kinds(cast.amara.user) == [("review", "overdue")]
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    assert kinds(cast.amara.user) == []


def test_join_request_waits_for_the_person(cast: Cast) -> None:
    AccessRequest.objects.create(plan=cast.plan, professional=cast.oscar)
    assert kinds(cast.amara.user) == [("join_request", "new")]


def test_not_yet_agreed_waits_for_the_person(cast: Cast) -> None:
    f.make_resource(cast.plan, cast.ben.user, name="Sleep clinic", awaiting_agreement=True)
    assert kinds(cast.amara.user) == [("not_agreed", "new")]
    assert kinds(cast.ben.user) == []


def test_reply_waits_until_the_other_side_looks(client: Client, cast: Cast) -> None:
    from plans.models import PlanChange

    Plan.objects.filter(pk=cast.plan.pk).update(version=3)
    PlanChange.objects.create(
        plan=cast.plan,
        action="reply",
        actor=cast.ben.user,
        actor_side="professional",
        summary="Ben replied",
        plan_version=3,
    )
    assert kinds(cast.amara.user) == [("reply", "new")]
    assert kinds(cast.ben.user) == []
    login(client, cast.amara)
    client.get(reverse("plan_detail", args=[cast.plan.code]))
    assert kinds(cast.amara.user) == []


def test_unanswered_leadership_request_is_raised_to_the_lead(cast: Cast, settings: object) -> None:
    area = f.area(cast.plan)
    area.leadership = 3
    area.save()
    Proposal.objects.create(
        plan=cast.plan,
        life_area=area,
        action="leadership",
        item_type="life_area",
        proposed_leadership=1,
        proposed_by=cast.amara.user,
        proposed_side="person",
        created_at=timezone.now() - datetime.timedelta(days=15),
    )
    assert ("leadership", "overdue") in kinds(cast.chloe.user)
    assert kinds(cast.oscar.user) == []


def test_reminder_for_a_suggestion_waiting_too_long(cast: Cast) -> None:
    from coproduce.notifications.waiting import all_waiting

    proposal = ben_suggests(cast)
    later = Now(timezone.now() + datetime.timedelta(hours=73), timezone.localdate())
    keys = {w.key for w in all_waiting(later) if w.recipient_id == cast.amara.user.pk}
    assert keys == {f"suggestion-new:{proposal.code}", f"suggestion-waiting:{proposal.code}"}
    # Listed once in "For you", not twice.
    assert len(waiting_for(cast.amara.user, later)) == 1


def test_for_you_page_links_to_the_suggestion(client: Client, cast: Cast) -> None:
    proposal = ben_suggests(cast)
    login(client, cast.amara)
    response = client.get(reverse("for_you"))
    body = response.content.decode()
    assert response.status_code == 200
    plan_url = reverse("plan_detail", args=[cast.plan.code])
    assert f'href="{plan_url}#proposal-{proposal.code}"' in body
    assert "Suggestions to answer (1)" in body
    # The plan page has the anchor the link points at.
    assert f'id="proposal-{proposal.code}"' in client.get(plan_url).content.decode()


def test_professional_sees_whose_plan(client: Client, cast: Cast) -> None:
    Proposal.objects.create(
        plan=cast.plan,
        action="add",
        item_type="outcome",
        proposed_by=cast.amara.user,
        proposed_side="person",
    )
    login(client, cast.ben)
    body = client.get(reverse("for_you")).content.decode()
    assert "Amara Osei's plan" in body


def test_header_count_on_every_page(client: Client, cast: Cast) -> None:
    ben_suggests(cast)
    login(client, cast.amara)
    body = client.get(reverse("notification_settings")).content.decode()
    assert (
        'id="for-you-count" aria-live="polite">1'
        '<span class="nhsuk-u-visually-hidden"> thing waiting for you' in body
    )


def test_for_you_queries_stay_flat(
    client: Client, cast: Cast, django_assert_max_num_queries: object
) -> None:
    for i in range(5):
        ben_suggests(cast, text=f"Suggestion {i}")
    login(client, cast.amara)
    # session, user, one per rule (20, however much waits), the plans, the header
    # count, session save and its savepoints
    with django_assert_max_num_queries(27):  # type: ignore[operator]
        response = client.get(reverse("for_you"))
    assert response.context["total"] == 5


def test_a_reply_waits_for_each_professional_until_they_look(cast: Cast) -> None:
    from plans.models import PlanChange

    hana = f.make_professional("hana", "Hana Ito", cast.team)
    f.add_to_care_team(cast.plan, hana)
    Plan.objects.filter(pk=cast.plan.pk).update(version=3)
    PlanChange.objects.create(
        plan=cast.plan,
        action="reply",
        actor=cast.amara.user,
        actor_side="person",
        summary="Amara replied",
        plan_version=3,
    )
    CareTeamMember.objects.filter(professional=hana).update(last_seen_version=3)
    assert kinds(cast.ben.user) == [("reply", "new")]
    assert kinds(hana.user) == []
    assert count_for(hana.user) == 0
    assert count_for(cast.ben.user) == 1


def test_new_since_you_last_looked_for_both_sides(client: Client, cast: Cast) -> None:
    plan_url = reverse("plan_detail", args=[cast.plan.code])
    login(client, cast.amara)
    client.get(plan_url)  # Amara has looked
    login(client, cast.ben)
    client.get(plan_url)  # and so has Ben
    proposal = ben_suggests(cast)
    login(client, cast.amara)
    body = client.get(plan_url).content.decode()
    card = body[body.index(f'id="proposal-{proposal.code}"') :][:600]
    assert "New since you last looked" in card
    assert "Changed since you last looked" in body  # the area
    # Looked once: no longer new.
    assert "New since you last looked" not in client.get(plan_url).content.decode()
    # Ben made the change himself: nothing is new to him.
    login(client, cast.ben)
    assert "since you last looked" not in client.get(plan_url).content.decode()


def test_live_update_sends_the_count_and_the_notice(client: Client, cast: Cast) -> None:
    version = cast.plan.version
    ben_suggests(cast)
    login(client, cast.amara)
    response = client.get(
        reverse("plan_live", args=[cast.plan.code]), {"v": version}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert '<span id="for-you-count" hx-swap-oob="innerHTML">1' in body
    assert '<div id="live-news" hx-swap-oob="innerHTML">' in body
    assert "Work and learning</a> changed." in body
    assert "Changed just now" in body


def test_the_compiled_count_is_the_orms_count_at_every_moment(cast: Cast) -> None:
    """The header's count runs SQL compiled once (`waiting.COUNT`): for
    each user and at moments either side of every threshold it counts exactly
    what the ORM's query counts."""
    from coproduce.notifications import waiting
    from tests.plans.test_leadership_requests_overdue import request_more

    assert waiting.COUNT.recorded() is not None, "the count's SQL could not be compiled"
    today = timezone.localdate()
    ben_suggests(cast)
    request_more(cast, days_ago=10)
    f.make_commitment(cast.plan, cast.ben.user, due_date=today + datetime.timedelta(days=5))
    f.make_commitment(cast.plan, cast.amara.user, due_date=today + datetime.timedelta(days=20))
    Plan.objects.filter(pk=cast.plan.pk).update(
        next_review_date=today + datetime.timedelta(days=12)
    )
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(is_coordinator=True)
    users = [cast.amara.user, cast.ben.user, cast.chloe.user, cast.priya.user, cast.oscar.user]
    counts: set[int] = set()
    for days in (-3, 0, 2, 3, 4, 5, 6, 8, 13, 18, 19, 21, 40):
        at = timezone.now() + datetime.timedelta(days=days, hours=1)
        now = Now(at, timezone.localtime(at).date())
        for user in users:
            compiled = count_for(user, now)
            assert compiled == waiting._count_query(user.pk, now), (user.username, days)
            counts.add(compiled)
    # The moments move the count: suggestions, reminders and overdue ones come and go.
    assert len(counts) >= 3, counts
