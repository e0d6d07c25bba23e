"""A large synthetic caseload for benchmarks, written with bulk inserts.

`build_synthetic()` tops up a separate "Synthetic team" to N people (used by
`manage.py seed_demo --people N` and `manage.py bench`). It is the one place
that writes rows without the services, because 10,000 plans must load in
about a minute; its history entries are worded by the very functions the
services use (tests/test_seed_demo.py compares the two).
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
        .select_related("user")
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
                version=2,  # after its one history entry
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
                next_review_date=days[n + 1] if n + 1 < len(days) else next_review,
                completed_at=at(day, 12),
            )
            for n, day in enumerate(days)
        ]
        plan_reviews.append(these)
        reviews += these
    _bulk(Review, reviews)

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
    _bulk(Rating, ratings)

    expertise: list[Expertise] = []
    resources: list[Resource] = []
    resource_outcome: list[ValuedOutcome | None] = []
    commitments: list[Commitment] = []
    proposals: list[Proposal] = []
    changes: list[PlanChange] = []
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
        proposed_at = at(today - timedelta(days=rng.randint(1, 60)), 16)
        answer = rng.choice(
            (Proposal.Status.PENDING, Proposal.Status.ACCEPTED, Proposal.Status.DECLINED)
        )
        answered = answer != Proposal.Status.PENDING
        by_person = rng.random() < 0.4
        proposals.append(
            Proposal(
                code=uuid.uuid4(),
                plan=plan,
                life_area=areas[0],
                action=Proposal.Action.ADD,
                item_type="commitment",
                payload={"what": "Meet once a week for a month"},
                reason="I think it would help to meet more often for a while.",
                proposed_by=me if by_person else pro,
                proposed_side=PERSON if by_person else PRO,
                created_at=proposed_at,
                status=answer,
                answered_by=(pro if by_person else me) if answered else None,
                answered_at=proposed_at + timedelta(hours=rng.randint(2, 120))
                if answered
                else None,
            )
        )
        changes.append(
            PlanChange(
                plan=plan,
                actor=me,
                actor_side=PERSON,
                at=at(start, 9),
                action=PlanChange.Action.CREATE,
                item_type="plan",
                item_code=plan.code,
                summary="Plan created",
                plan_version=2,
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
    _bulk(Commitment, commitments)
    _bulk(Proposal, proposals)
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
