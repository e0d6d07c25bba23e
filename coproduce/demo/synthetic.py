"""A large synthetic caseload for benchmarks, written with bulk inserts.

`build_synthetic()` tops up a separate "Synthetic team" to N people (used by
`manage.py seed_demo --people N` and `manage.py bench`). It is the one place
that writes rows without the services, because 10,000 plans must load in
about a minute. Its history entries are built by one small function per kind
of entry (below), each tested against what the service writes for the same
event (tests/test_seed_demo.py). Ratings carry no history entry here.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from coproduce.demo.builder import at, clamp
from coproduce.demo.content import DEMO_PASSWORD, LEAD
from coproduce.models import Discipline, Person, Professional, Side, Team, User
from outcomes.models import Rating, Review, ValuedOutcome
from plans.models import (
    DEFAULT_LIFE_AREAS,
    CareTeamMember,
    Commitment,
    Expertise,
    ExpertiseKind,
    Leadership,
    LifeArea,
    Plan,
    PlanChange,
    Proposal,
    Resource,
    ResourceControl,
    ResourceLibraryItem,
)
from plans.services import KINDS, describe

SYNTHETIC_TEAM_NAME = "Synthetic team"
SYNTHETIC_LEAD = "lead_synthetic"
SYNTHETIC_PERSON_PREFIX = "synthetic_person_"
SYNTHETIC_PRO_PREFIX = "synthetic_pro_"
SYNTHETIC_PROFESSIONALS = 20

MW, PH, SAFE, MONEY, HOME, WORK, REL = DEFAULT_LIFE_AREAS
PERSON = Side.PERSON
PRO = Side.PROFESSIONAL
L = Leadership
S = ExpertiseKind

FIRST_NAMES = (
    "Alex", "Sam", "Jordan", "Priya", "Mohammed", "Grace", "Liam", "Aisha", "Chen", "Olivia",
    "Tariq", "Hannah", "Kwame", "Zara", "Callum", "Megan", "Ravi", "Lucy", "Ibrahim", "Ellie",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Khan", "Jones", "Patel", "Williams", "Ahmed", "Brown", "Nowak", "Taylor", "Ali",
    "Evans", "Murphy", "Singh", "Walker", "Okoro", "Hughes", "Wright", "Begum", "Clarke", "Lee",
)  # fmt: skip
SYNTHETIC_OUTCOMES: dict[str, tuple[str, ...]] = {
    MW: ("I want to feel calmer most days", "I want to sleep better", "I want fewer bad days"),
    PH: ("I want to get fitter", "I want to stop smoking", "I want to eat properly again"),
    SAFE: ("I want to feel safe at home", "I want a plan for when things get bad"),
    MONEY: ("I want to get on top of my debts", "I want to get the benefits I'm entitled to"),
    HOME: ("I want to keep my tenancy", "I want to move somewhere quieter"),
    WORK: ("I want to get a part-time job", "I want to go back to college", "I want to volunteer"),
    REL: ("I want to see my family more", "I want to make new friends", "I want to join a group"),
}
SYNTHETIC_DISCIPLINES = (
    Discipline.NURSE,
    Discipline.SOCIAL_WORKER,
    Discipline.OCCUPATIONAL_THERAPIST,
    Discipline.PEER_WORKER,
    Discipline.EMPLOYMENT_SPECIALIST,
    Discipline.PSYCHOLOGIST,
    Discipline.PSYCHIATRIST,
)
SYNTHETIC_LIBRARY = (
    (WORK, "Employment support", ResourceControl.OUR_SERVICE),
    (MW, "Medication review", ResourceControl.OUR_SERVICE),
    (MONEY, "Welfare benefits advice", ResourceControl.ELSEWHERE),
    (REL, "Peer support group", ResourceControl.ELSEWHERE),
    (PH, "Exercise referral", ResourceControl.ELSEWHERE),
)
OUTCOME = KINDS["outcome"]
PROPOSED_COMMITMENT = "Meet once a week for a month"
PROPOSAL_REASON = "I think it would help to meet more often for a while."
DECLINE_REASON = "Not now: let's see how the next month goes first."
REVIEWS_PER_PLAN = 5  # five reviews, both sides rating: about ten ratings per outcome
ROW_BATCH = 2000


@dataclass
class SyntheticResult:
    existing: int
    created: int
    rows: dict[str, int]


def synthetic_team() -> tuple[Team, list[Professional], list[ResourceLibraryItem]]:
    """The synthetic team, its lead and professionals, made once."""
    password = (
        User.objects.filter(username=LEAD.username).values_list("password", flat=True).first()
    )
    with transaction.atomic():
        team, created = Team.objects.get_or_create(name=SYNTHETIC_TEAM_NAME)
        if created:
            password = password or make_password(DEMO_PASSWORD)
            users = User.objects.bulk_create(
                [
                    User(
                        username=SYNTHETIC_LEAD,
                        first_name="Lena",
                        last_name="Synthetic",
                        password=password,
                    )
                ]
                + [
                    User(
                        username=f"{SYNTHETIC_PRO_PREFIX}{n:02d}",
                        first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                        last_name=f"Synthetic {n:02d}",
                        password=password,
                    )
                    for n in range(1, SYNTHETIC_PROFESSIONALS + 1)
                ]
            )
            lead, *staff = Professional.objects.bulk_create(
                [
                    Professional(
                        user=users[0],
                        team=team,
                        discipline=Discipline.TEAM_MANAGER,
                        job_title="Team manager",
                    )
                ]
                + [
                    Professional(
                        user=u,
                        team=team,
                        discipline=SYNTHETIC_DISCIPLINES[n % len(SYNTHETIC_DISCIPLINES)],
                    )
                    for n, u in enumerate(users[1:])
                ]
            )
            team.lead = lead
            team.save(update_fields=["lead"])
            ResourceLibraryItem.objects.bulk_create(
                [
                    ResourceLibraryItem(team=team, name=name, control=control, created_by=lead.user)
                    for _, name, control in SYNTHETIC_LIBRARY
                ]
            )
    staff = list(
        Professional.objects.filter(team=team, user__username__startswith=SYNTHETIC_PRO_PREFIX)
        .select_related("user", "team")
        .order_by("user__username")
    )
    library = list(ResourceLibraryItem.objects.filter(team=team).order_by("name"))
    return team, staff, library


def build_synthetic(
    people: int,
    *,
    batch_people: int = 500,
    today: date | None = None,
    progress: Callable[[int], Any] | None = None,
) -> SyntheticResult:
    """Top the synthetic team up to `people` people, each with a full plan."""
    today = today or timezone.localdate()
    _team, staff, library = synthetic_team()
    mine = Person.objects.filter(user__username__startswith=SYNTHETIC_PERSON_PREFIX)
    existing = mine.count()
    rows: dict[str, int] = {}
    if progress:
        progress(min(existing, people))
    if existing >= people:
        return SyntheticResult(existing=existing, created=0, rows=rows)
    last = mine.order_by("-user__username").values_list("user__username", flat=True).first()
    next_index = int(last.removeprefix(SYNTHETIC_PERSON_PREFIX)) + 1 if last else 1
    password = User.objects.get(username=SYNTHETIC_LEAD).password
    by_name = {item.name: item for item in library}
    library_by_area = {
        area: by_name[name] for area, name, _ in SYNTHETIC_LIBRARY if name in by_name
    }
    to_make = people - existing
    done = 0
    while done < to_make:
        size = min(batch_people, to_make - done)
        start_index = next_index + done
        with transaction.atomic():
            counts = _synthetic_batch(
                range(start_index, start_index + size), staff, library_by_area, password, today
            )
        for name, count in counts.items():
            rows[name] = rows.get(name, 0) + count
        done += size
        if progress:
            progress(size)
    return SyntheticResult(existing=existing, created=to_make, rows=rows)


def _number(plans: list[Plan], changes: list[PlanChange]) -> None:
    """Number each plan's history in time order, as plans.history.record does."""
    by_plan: dict[int, list[PlanChange]] = {}
    for change in changes:
        by_plan.setdefault(change.plan_id, []).append(change)
    for plan in plans:
        mine = sorted(by_plan.get(plan.pk, []), key=lambda change: change.at)
        for number, change in enumerate(mine, start=2):
            change.plan_version = number
        plan.version = len(mine) + 1
    Plan.objects.bulk_update(plans, ["version"], batch_size=ROW_BATCH)


def _bulk(model: Any, objs: Sequence[Any]) -> list[Any]:
    return model.objects.bulk_create(objs, batch_size=ROW_BATCH)


def _synthetic_batch(
    numbers: Iterable[int],
    staff: list[Professional],
    library_by_area: dict[str, ResourceLibraryItem],
    password: str,
    today: date,
) -> dict[str, int]:
    """One transaction's worth of people, each with a complete plan, all bulk-inserted."""
    indexes = list(numbers)
    rng = random.Random(f"synthetic-{indexes[0]}")  # stable content for the same numbering
    users = _bulk(
        User,
        [
            User(
                username=f"{SYNTHETIC_PERSON_PREFIX}{i:06d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                password=password,
            )
            for i in indexes
        ],
    )
    persons = _bulk(Person, [Person(user=u) for u in users])

    starts = [today - timedelta(days=rng.randint(250, 330)) for _ in persons]
    statuses = [
        Plan.Status.DRAFT if r < 0.03 else Plan.Status.CLOSED if r < 0.06 else Plan.Status.ACTIVE
        for r in (rng.random() for _ in persons)
    ]
    schedules: list[list[date]] = []
    next_reviews: list[date | None] = []
    for start, status in zip(starts, statuses, strict=True):
        days: list[date] = []
        if status != Plan.Status.DRAFT:
            day = start + timedelta(days=rng.randint(7, 21))
            for _ in range(REVIEWS_PER_PLAN):
                if day >= today:
                    break
                days.append(day)
                day += timedelta(days=rng.randint(35, 56))
        schedules.append(days)
        if status == Plan.Status.CLOSED:
            next_reviews.append(None)
        elif days:
            next_reviews.append(days[-1] + timedelta(days=rng.randint(35, 70)))  # some overdue
        else:
            next_reviews.append(today + timedelta(days=rng.randint(7, 28)))
    plans = _bulk(
        Plan,
        [
            Plan(
                code=uuid.uuid4(),
                person=person,
                status=status,
                next_review_date=next_review,
                about_admire=f"{person.user.first_name} is kind and funny.",
                about_matters="Family, friends and feeling well.",
                about_support="Be patient and explain things clearly.",
                closed_at=at(days[-1], 15) if status == Plan.Status.CLOSED and days else None,
            )
            for person, status, next_review, days in zip(
                persons, statuses, next_reviews, schedules, strict=True
            )
        ],
    )
    # created_at is auto_now_add; back-date plans by start month (a handful of UPDATEs).
    by_month: dict[date, list[int]] = {}
    for plan, start in zip(plans, starts, strict=True):
        by_month.setdefault(start.replace(day=1), []).append(plan.pk)
    for month, pks in by_month.items():
        Plan.objects.filter(pk__in=pks).update(created_at=at(month, 9))

    areas_rows: list[LifeArea] = []
    members: list[CareTeamMember] = []
    plan_pros: list[list[Professional]] = []
    for plan, person, start in zip(plans, persons, starts, strict=True):
        mental = rng.choices((1, 2, 3, 4), weights=(4, 2, 2, 3))[0]
        for position, name in enumerate(DEFAULT_LIFE_AREAS):
            leadership = mental if name == MW else rng.choices((1, 2, 3), weights=(8, 2, 1))[0]
            areas_rows.append(
                LifeArea(
                    code=uuid.uuid4(),
                    plan=plan,
                    name=name,
                    position=position,
                    leadership=leadership,
                    is_default=True,
                    created_by=person.user,
                    created_side=PERSON,
                    created_at=at(start, 9),
                )
            )
        pros = rng.sample(staff, rng.randint(1, 3))
        plan_pros.append(pros)
        members += [
            CareTeamMember(
                plan=plan,
                professional=pro,
                role="Care coordinator" if n == 0 else "",
                added_by=person.user,
                added_at=at(start, 9, 30),
            )
            for n, pro in enumerate(pros)
        ]
    areas_rows = _bulk(LifeArea, areas_rows)
    _bulk(CareTeamMember, members)
    changes: list[PlanChange] = [invited(member, member.added_at) for member in members]

    reviews: list[Review] = []
    plan_reviews: list[list[Review]] = []
    for plan, pros, days, person, next_review in zip(
        plans, plan_pros, schedules, persons, next_reviews, strict=True
    ):
        these = [
            Review(
                code=uuid.uuid4(),
                plan=plan,
                held_on=day,
                started_by=person.user if n % 2 else pros[0].user,
                started_side=PERSON if n % 2 else PRO,
                # A closed plan's last review set a date too; then the plan was closed.
                next_review_date=days[n + 1]
                if n + 1 < len(days)
                else next_review or day + timedelta(weeks=6),
                completed_at=at(day, 12),
            )
            for n, day in enumerate(days)
        ]
        plan_reviews.append(these)
        reviews += these
    _bulk(Review, reviews)
    for these in plan_reviews:
        for n, review in enumerate(these):
            changes.append(review_started(review, at(review.held_on, 10)))
            changes.append(review_completed(review, these[n - 1].next_review_date if n else None))

    plans_index = {plan.pk: p for p, plan in enumerate(plans)}
    outcomes: list[ValuedOutcome] = []
    outcome_meta: list[
        tuple[int, int, int, int]
    ] = []  # (plan index, start score, pro bias, last review)
    for p, (plan, person, start) in enumerate(zip(plans, persons, starts, strict=True)):
        areas = areas_rows[p * 7 : p * 7 + 7]
        count = rng.randint(4, 6)
        n_reviews = len(plan_reviews[p])
        for n in range(count):
            area = areas[rng.randrange(7)]
            r = rng.random()
            outcome_status = (
                ValuedOutcome.Status.ACHIEVED
                if r < 0.12
                else ValuedOutcome.Status.LET_GO
                if r < 0.17
                else ValuedOutcome.Status.ACTIVE
            )
            last_review = n_reviews - 1
            changed_at = None
            if outcome_status != ValuedOutcome.Status.ACTIVE and n_reviews >= 2:
                last_review = rng.randint(1, n_reviews - 1)
                changed_at = at(plan_reviews[p][last_review].held_on, 12)
            elif outcome_status != ValuedOutcome.Status.ACTIVE:
                outcome_status = ValuedOutcome.Status.ACTIVE
            by_pro = area.leadership > L.SHARED and rng.random() < 0.5
            author = plan_pros[p][0].user if by_pro else person.user
            outcomes.append(
                ValuedOutcome(
                    code=uuid.uuid4(),
                    plan=plan,
                    life_area=area,
                    created_by=author,
                    created_side=PRO if by_pro else PERSON,
                    created_at=at(start, 10, n),
                    text=rng.choice(SYNTHETIC_OUTCOMES[area.name]),
                    why_it_matters="It would make a real difference to my life.",
                    target_date=today + timedelta(days=rng.randint(-30, 240)),
                    status=outcome_status,
                    status_changed_at=changed_at,
                )
            )
            outcome_meta.append(
                (p, rng.randint(1, 6), rng.choice((-2, -1, 0, 0, 1, 2)), last_review)
            )
    outcomes = _bulk(ValuedOutcome, outcomes)
    for outcome in outcomes:
        changes.append(added("outcome", outcome))
        if outcome.status_changed_at:
            changes.append(settled(outcome, persons[plans_index[outcome.plan_id]].user))

    ratings: list[Rating] = []
    for outcome, (p, score, bias, last_review) in zip(outcomes, outcome_meta, strict=True):
        person_user = persons[p].user
        pros = plan_pros[p]
        achieved = outcome.status == ValuedOutcome.Status.ACHIEVED
        drift = rng.choice((-1, 0, 0, 1, 1, 1, 2))
        for n, review in enumerate(plan_reviews[p][: last_review + 1]):
            mine = clamp(score + drift * n + rng.choice((-1, 0, 0, 1)))
            if achieved and n == last_review:
                mine = max(mine, 8)
            theirs = clamp(mine + bias + rng.choice((-1, 0, 1)))
            skip = rng.random()
            if skip > 0.05:
                ratings.append(
                    Rating(
                        outcome=outcome,
                        plan_id=outcome.plan_id,
                        side=PERSON,
                        rated_by=person_user,
                        score=mine,
                        rated_on=review.held_on,
                        created_at=at(review.held_on, 11),
                        review=review,
                    )
                )
            if skip < 0.95:
                ratings.append(
                    Rating(
                        outcome=outcome,
                        plan_id=outcome.plan_id,
                        side=PRO,
                        rated_by=pros[n % len(pros)].user,
                        score=theirs,
                        rated_on=review.held_on,
                        created_at=at(review.held_on, 11, 15),
                        review=review,
                    )
                )
            if rng.random() < 0.2 and review.next_review_date:
                # Between reviews, people sometimes rate on their own.
                between = review.held_on + timedelta(days=rng.randint(7, 28))
                if between < min(today, review.next_review_date):
                    ratings.append(
                        Rating(
                            outcome=outcome,
                            plan_id=outcome.plan_id,
                            side=PERSON,
                            rated_by=person_user,
                            score=clamp(mine + rng.choice((-1, 0, 1))),
                            note="Rated at home",
                            rated_on=between,
                            created_at=at(between, 20),
                        )
                    )
    # Ratings get no history entries here: one per rating would double the rows
    # written, and the benchmarks read ratings, not their history.
    _bulk(Rating, ratings)

    expertise: list[Expertise] = []
    resources: list[Resource] = []
    resource_outcome: list[ValuedOutcome | None] = []
    commitments: list[Commitment] = []
    accepted: list[tuple[Proposal, Commitment]] = []
    proposals: list[Proposal] = []
    outcomes_by_plan: dict[int, list[ValuedOutcome]] = {}
    for outcome in outcomes:
        outcomes_by_plan.setdefault(outcome.plan_id, []).append(outcome)
    for p, (plan, person, start) in enumerate(zip(plans, persons, starts, strict=True)):
        me = person.user
        pro = plan_pros[p][0].user
        areas = areas_rows[p * 7 : p * 7 + 7]
        their_outcomes = outcomes_by_plan.get(plan.pk, [])
        created = at(start + timedelta(days=3), 14)
        expertise += [
            Expertise(plan=plan, life_area=None, kind=S.STRENGTHS, text="I'm a good listener.",
                      created_by=me, created_side=PERSON, created_at=created),
            Expertise(plan=plan, life_area=areas[0], kind=S.MY_SITUATION,
                      text="Things got hard after I lost my job.",
                      created_by=me, created_side=PERSON, created_at=created),
            Expertise(plan=plan, life_area=areas[0], kind=S.SEEN_WITH_OTHERS,
                      text="Many people find a routine helps.",
                      created_by=pro, created_side=PRO, created_at=created),
        ]  # fmt: skip
        if their_outcomes:
            target = their_outcomes[0]
            item = library_by_area.get(target.life_area.name)
            resources.append(
                Resource(
                    code=uuid.uuid4(),
                    plan=plan,
                    life_area_id=target.life_area_id,
                    name=item.name if item else "Support from the team",
                    control=item.control if item else ResourceControl.OUR_SERVICE,
                    library_item=item,
                    created_by=pro,
                    created_side=PRO,
                    created_at=created,
                )
            )
            resource_outcome.append(target)
        resources.append(
            Resource(
                code=uuid.uuid4(),
                plan=plan,
                life_area=areas[6],
                name="A friend who checks in",
                control=ResourceControl.PERSONAL,
                created_by=me,
                created_side=PERSON,
                created_at=created,
            )
        )
        resource_outcome.append(None)
        for n, (who, side) in enumerate(((me, PERSON), (pro, PRO), (me, PERSON))):
            due = today + timedelta(days=rng.randint(-60, 30))
            done = due < today and rng.random() < 0.7
            commitments.append(
                Commitment(
                    plan=plan,
                    life_area=areas[rng.randrange(7)],
                    who=who,
                    who_side=side,
                    what="Get in touch before the next meeting"
                    if n
                    else "Go to the group on Tuesday",
                    due_date=due,
                    status=Commitment.Status.DONE if done else Commitment.Status.OPEN,
                    created_by=who,
                    created_side=side,
                    created_at=at(min(start + timedelta(days=14), due - timedelta(days=3)), 13),
                )
            )
        proposed_at = at(today - timedelta(days=rng.randint(6, 60)), 16)
        answer = rng.choice(
            (Proposal.Status.PENDING, Proposal.Status.ACCEPTED, Proposal.Status.DECLINED)
        )
        is_answered = answer != Proposal.Status.PENDING
        by_person = rng.random() < 0.4
        due = today + timedelta(days=30)
        # The shape plans.services gives a suggestion, so it can be answered in the app.
        proposal = Proposal(
            code=uuid.uuid4(),
            plan=plan,
            life_area=areas[0],
            action=Proposal.Action.ADD,
            item_type="commitment",
            payload={
                "data": {"who": str(pro.pk), "what": PROPOSED_COMMITMENT,
                         "due_date": due.isoformat(), "status": "open"},
                "before": {},
                "after": {"who": pro.name, "what": PROPOSED_COMMITMENT,
                          "due_date": due.isoformat(), "status": Commitment.Status.OPEN.label},
            },
            reason=PROPOSAL_REASON,
            proposed_by=me if by_person else pro,
            proposed_side=PERSON if by_person else PRO,
            created_at=proposed_at,
            status=answer,
            answered_by=(pro if by_person else me) if is_answered else None,
            answered_at=proposed_at + timedelta(hours=rng.randint(2, 120)) if is_answered else None,
            answer_reason=DECLINE_REASON if answer == Proposal.Status.DECLINED else "",
        )  # fmt: skip
        proposals.append(proposal)
        if answer == Proposal.Status.ACCEPTED:
            assert proposal.answered_at is not None
            accepted.append(
                (
                    proposal,
                    Commitment(
                        plan=plan,
                        life_area=areas[0],
                        who=pro,
                        who_side=PRO,
                        what=PROPOSED_COMMITMENT,
                        due_date=due,
                        created_by=proposal.proposed_by,
                        created_side=proposal.proposed_side,
                        created_at=proposal.answered_at,
                    ),
                )
            )
    _bulk(Expertise, expertise)
    resources = _bulk(Resource, resources)
    links = [
        Resource.outcomes.through(resource_id=resource.pk, valuedoutcome_id=outcome.pk)
        for resource, outcome in zip(resources, resource_outcome, strict=True)
        if outcome is not None
    ]
    _bulk(Resource.outcomes.through, links)
    commitments += [commitment for _, commitment in accepted]
    _bulk(Commitment, commitments)
    _bulk(Proposal, proposals)
    changes += [added("expertise", item) for item in expertise]
    changes += [
        added("resource", resource, m2m={"outcomes": [outcome] if outcome else []})
        for resource, outcome in zip(resources, resource_outcome, strict=True)
    ]
    suggested = {id(commitment): proposal for proposal, commitment in accepted}
    for proposal in proposals:
        changes.append(proposed(proposal))
        if proposal.status != Proposal.Status.PENDING:
            changes.append(answered(proposal))
    changes += [
        added("commitment", commitment, proposal=suggested.get(id(commitment)))
        for commitment in commitments
    ]
    _number(plans, changes)
    _bulk(PlanChange, changes)
    return {
        "users": len(users),
        "people": len(persons),
        "plans": len(plans),
        "life areas": len(areas_rows),
        "care team members": len(members),
        "reviews": len(reviews),
        "valued outcomes": len(outcomes),
        "ratings": len(ratings),
        "expertise": len(expertise),
        "resources": len(resources),
        "resource-outcome links": len(links),
        "commitments": len(commitments),
        "proposals": len(proposals),
        "history entries": len(changes),
    }


# --- history, worded as the services word it ---------------------------------------
#
# One function per kind of entry the services write, given the objects that
# entry is about. tests/test_seed_demo.py writes the same events through the
# services and checks these give the same entries.


def invited(member: CareTeamMember, when: Any) -> PlanChange:
    """plans.care_team.invite"""
    professional = member.professional
    discipline = professional.get_discipline_display()
    person = member.added_by
    assert person is not None
    return PlanChange(
        plan_id=member.plan_id,
        actor=person,
        actor_side=PERSON,
        at=when,
        action=PlanChange.Action.ACCESS,
        summary=f"Invited {professional.user.name} ({discipline.lower()}) onto the care team",
        after={
            "professional": professional.user.name,
            "discipline": discipline,
            "team": str(professional.team) if professional.team else "",
        },
    )


def added(
    kind_name: str, item: Any, *, m2m: dict[str, Any] | None = None, proposal: Any = None
) -> PlanChange:
    """plans.services.submit_add (and accept_proposal, for a suggested item)"""
    kind = KINDS[kind_name]
    return PlanChange(
        plan_id=item.plan_id,
        life_area_id=item.life_area_id,
        actor_id=item.created_by_id,
        actor_side=item.created_side,
        at=item.created_at,
        action=PlanChange.Action.CREATE,
        item_type=kind.name,
        item_code=item.code,
        summary=f"Added {kind.label}: {kind.summary(item)}",
        after=describe(kind, item, m2m=m2m if m2m is not None else {"outcomes": []}),
        proposal=proposal,
    )


def settled(outcome: ValuedOutcome, by: Any) -> PlanChange:
    """outcomes.services.set_outcome_status"""
    assert outcome.status_changed_at is not None
    return PlanChange(
        plan_id=outcome.plan_id,
        life_area_id=outcome.life_area_id,
        actor=by,
        actor_side=PERSON,
        at=outcome.status_changed_at,
        action=PlanChange.Action.EDIT,
        item_type=OUTCOME.name,
        item_code=outcome.code,
        summary=f"{outcome.get_status_display()}: {OUTCOME.summary(outcome)}",
        before={"status": ValuedOutcome.Status.ACTIVE.label},
        after={"status": outcome.get_status_display()},
    )


def review_started(review: Review, when: Any) -> PlanChange:
    """outcomes.services.start_review"""
    return PlanChange(
        plan_id=review.plan_id,
        actor_id=review.started_by_id,
        actor_side=review.started_side,
        at=when,
        action=PlanChange.Action.REVIEW,
        summary="Started a review of the plan",
    )


def review_completed(review: Review, before: date | None) -> PlanChange:
    """outcomes.services.complete_review (by whoever started it)"""
    following = review.next_review_date
    assert following is not None
    assert review.completed_at is not None
    return PlanChange(
        plan_id=review.plan_id,
        actor_id=review.started_by_id,
        actor_side=review.started_side,
        at=review.completed_at,
        action=PlanChange.Action.REVIEW,
        summary=f"Completed the review. Next review on {following:%-d %B %Y}",
        before={"next_review_date": before.isoformat() if before else None},
        after={"next_review_date": following.isoformat(), "notes": review.notes},
    )


def proposed(proposal: Proposal) -> PlanChange:
    """plans.services.submit_add, where the rules make the addition a suggestion"""
    kind = KINDS[proposal.item_type]
    after = proposal.payload["after"]
    text = str(after.get(kind.summary_field) or kind.label)
    return PlanChange(
        plan_id=proposal.plan_id,
        life_area_id=proposal.life_area_id,
        actor_id=proposal.proposed_by_id,
        actor_side=proposal.proposed_side,
        at=proposal.created_at,
        action=PlanChange.Action.PROPOSE,
        item_type=kind.name,
        summary=f"Suggested adding {kind.label}: {text if len(text) <= 80 else text[:79] + '…'}",
        after=after,
        proposal=proposal,
    )


def answered(proposal: Proposal) -> PlanChange:
    """plans.services.accept_proposal or decline_proposal"""
    reason = proposal.answer_reason
    accepted = proposal.status == Proposal.Status.ACCEPTED
    assert proposal.answered_at is not None
    summary = f"Accepted {proposal.proposed_by.name}'s suggestion" + (
        f": {reason}" if reason else ""
    )
    return PlanChange(
        plan_id=proposal.plan_id,
        life_area_id=proposal.life_area_id,
        actor_id=proposal.answered_by_id,
        actor_side=PRO if proposal.proposed_side == PERSON else PERSON,
        at=proposal.answered_at,
        action=PlanChange.Action.ACCEPT if accepted else PlanChange.Action.DECLINE,
        item_type=proposal.item_type if accepted else "",
        summary=summary
        if accepted
        else f"Declined {proposal.proposed_by.name}'s suggestion: {reason}",
        proposal=proposal,
    )
