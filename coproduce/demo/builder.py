"""Write the demo team (coproduce.demo.content) through the services the views call.

Each plan is a timeline: the builder schedules what happened when (relative to
the day it is seeded), then replays it in order under a fixed clock
(time-machine), calling plans.services, plans.care_team and
outcomes.services exactly as a signed-in user would. So the history, ratings
and reviews carry believable timestamps, and every PlanChange is written by a
service: where the rules make an edit a suggestion, the builder makes the
suggestion and has the other side answer it.

Only what has no service yet is written directly, and none of it is history:
the users, the team and its resource library, a new plan with its default life
areas, the role on the care team, a plan's status (draft, active, closed), and
what the plan page itself records when a professional opens it (the version
they last saw, beside the service's "who has looked" entry).

It lives in `coproduce` (the top layer) because it uses both plans and
outcomes.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

import time_machine
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coproduce.demo.content import (
    ACCEPTED_AT_A_MEETING,
    ACCESS_REQUESTS,
    AMARA_MW_AGREED,
    AMARA_MW_ASKED,
    AMARA_MW_BACK,
    DEMO_PASSWORD,
    DEMO_TEAM_NAME,
    LEAD,
    LEADERSHIP_AGREED,
    LIBRARY,
    LIBRARY_SUGGESTION,
    LIBRARY_SUGGESTION_DECLINED,
    MW,
    OUTSIDE_SERVICE_COMMITMENT,
    PEOPLE,
    PERSON_COMMITMENTS,
    PERSON_SUGGESTION,
    PERSON_SUGGESTION_ACCEPTED,
    PERSON_SUGGESTION_DECLINED,
    PERSON_SUGGESTION_WHY,
    PRO_COMMITMENTS,
    PRO_EXPERTISE,
    REVIEW_NOTES,
    SEED,
    STAFF,
    SUPPORTERS,
    PersonSpec,
    StaffSpec,
    SupporterSpec,
)
from coproduce.models import Person, Professional, Side, Team, User
from outcomes import services as outcome_services
from outcomes.models import Rating, Review, ValuedOutcome
from plans import care_team, services
from plans import crisis as crisis_service
from plans import supporters as plan_supporters
from plans.access import PlanAccess, get_plan_for_user
from plans.models import (
    DEFAULT_LIFE_AREAS,
    AccessRequest,
    CareTeamMember,
    Commitment,
    Expertise,
    Leadership,
    LifeArea,
    Plan,
    PlanChange,
    PlanView,
    Proposal,
    Resource,
    ResourceControl,
    ResourceLibraryItem,
    Supporter,
)

PERSON = Side.PERSON
PRO = Side.PROFESSIONAL
L = Leadership
KINDS = services.KINDS


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime on a given day, in the project's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class DemoResult:
    created: bool
    logins: list[tuple[str, str, str]]  # (username, role, password)


def demo_logins() -> list[tuple[str, str, str]]:
    rows = [(LEAD.username, f"team lead, {DEMO_TEAM_NAME}", DEMO_PASSWORD)]
    rows += [(s.username, f"professional ({s.job_title.lower()})", DEMO_PASSWORD) for s in STAFF]
    rows += [(p.username, f"person ({p.first_name} {p.last_name})", DEMO_PASSWORD) for p in PEOPLE]
    rows += [
        (
            s.username,
            f"supporter ({s.first_name} {s.last_name}, {s.supports}'s side)",
            DEMO_PASSWORD,
        )
        for s in SUPPORTERS
    ]
    return rows


def demo_usernames() -> list[str]:
    return [
        LEAD.username,
        *(s.username for s in STAFF),
        *(p.username for p in PEOPLE),
        *(s.username for s in SUPPORTERS),
    ]


def build_demo(today: date | None = None, *, reset: bool = False) -> DemoResult:
    """Write the demo team once; on later runs only reset the demo passwords.

    With reset, first delete the demo team and everything on its people's plans,
    then write it afresh (its dates are relative to the day it is written).
    """
    today = today or timezone.localdate()
    password = make_password(DEMO_PASSWORD)  # hashing is slow: once, then copied
    with transaction.atomic():
        if reset:
            delete_demo()
        if Team.objects.filter(name=DEMO_TEAM_NAME).exists():
            User.objects.filter(username__in=demo_usernames()).update(
                password=password, is_active=True
            )
            return DemoResult(created=False, logins=demo_logins())
        _DemoBuilder(today, password).build()
    return DemoResult(created=True, logins=demo_logins())


def delete_demo() -> None:
    """Remove the demo team, its people and their plans, children first.

    Items point at life areas and users with PROTECT, so a plain cascade from
    Plan would refuse; deleting in this order never meets a protected row.
    Anything outside the demo that points at a demo user (say ben was added to
    a real plan) still protects it, and the whole reset rolls back.
    """
    users = User.objects.filter(username__in=demo_usernames())
    plans = Plan.objects.filter(person__user__in=users)
    for model in (
        Rating,
        Review,
        Resource,
        Commitment,
        Expertise,
        PlanChange,
        Proposal,
        ValuedOutcome,
        LifeArea,
        CareTeamMember,
        AccessRequest,
        PlanView,
    ):
        model._default_manager.filter(plan__in=plans).delete()
    plans.delete()
    Supporter.objects.filter(Q(person__user__in=users) | Q(user__in=users)).delete()
    Person.objects.filter(user__in=users).delete()
    teams = Team.objects.filter(name=DEMO_TEAM_NAME)
    ResourceLibraryItem.objects.filter(team__in=teams).delete()
    teams.delete()
    Professional.objects.filter(user__in=users).delete()
    users.delete()


class Timeline:
    """What happened on one plan, replayed in order, each at its own moment."""

    def __init__(self) -> None:
        self._queue: list[tuple[datetime, int, Callable[[], object]]] = []
        self._order = itertools.count()
        self.now: datetime | None = None

    def at(self, moment: datetime, action: Callable[[], object]) -> None:
        if self.now is not None and moment <= self.now:
            raise ValueError(f"{moment} is not after {self.now}: history only moves forward")
        heapq.heappush(self._queue, (moment, next(self._order), action))

    def run(self) -> None:
        while self._queue:
            moment, _, action = heapq.heappop(self._queue)
            self.now = moment
            with time_machine.travel(moment, tick=False):
                action()


def _form(**fields: Any) -> dict[str, Any]:
    """What a browser would post: dates as ISO text, nothing left as None."""
    return {
        name: value.isoformat() if isinstance(value, date) else ("" if value is None else value)
        for name, value in fields.items()
    }


class _PlanStory:
    """One person's plan, from its first day to today, told through the services."""

    def __init__(self, builder: _DemoBuilder, spec: PersonSpec) -> None:
        self.builder = builder
        self.spec = spec
        self.rng = builder.rng
        self.today = builder.today
        self.timeline = Timeline()
        self.pros = [builder.pros[name] for name in spec.care_team]
        self.outcomes: list[ValuedOutcome | None] = [None] * len(spec.outcomes)
        self.plan: Plan

    # --- acting as someone ------------------------------------------------------

    def access(self, user: User) -> PlanAccess:
        """The user's standing on the plan, fetched as a request would fetch it."""
        return get_plan_for_user(user, self.plan.code)

    def area(self, name: str) -> LifeArea:
        return LifeArea.objects.get(plan=self.plan, name=name)

    def other_side(self, user: User) -> User:
        return self.pros[0].user if user.side == PERSON else self.person_user

    def add(
        self,
        user: User,
        kind: str,
        data: dict[str, Any],
        *,
        area: str | None = None,
        answer_after: timedelta = timedelta(minutes=20),
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Add an item as this user; if the rules make it a suggestion, the other side agrees."""
        result = services.submit_add(
            self.access(user),
            KINDS[kind],
            data,
            area=self.area(area) if area else None,
        )
        if result.applied:
            if then:
                then(result.item)
            return
        proposal = result.proposal
        assert proposal is not None
        answerer = self.other_side(user)

        def agree() -> None:
            services.accept_proposal(self.access(answerer), proposal, ACCEPTED_AT_A_MEETING)
            if then:
                then(KINDS[kind].model.objects.filter(plan=self.plan).latest("pk"))

        self.timeline.at(self.timeline_now() + answer_after, agree)

    def change(self, user: User, kind: str, item: Any, **fields: Any) -> None:
        """Change an item as this user; a suggestion if the rules say so, then agreed."""
        current = KINDS[kind].model.objects.get(pk=item.pk)
        values = {name: _field_value(current, name) for name in KINDS[kind].fields}
        values.update(fields)
        values["version"] = getattr(current, KINDS[kind].version_field)
        result = services.submit_change(self.access(user), KINDS[kind], current, _form(**values))
        if not result.applied:
            answerer = self.other_side(user)
            self.timeline.at(
                self.timeline_now() + timedelta(minutes=20),
                partial(self.accept, answerer, result.proposal, ACCEPTED_AT_A_MEETING),
            )

    def timeline_now(self) -> datetime:
        assert self.timeline.now is not None
        return self.timeline.now

    # --- the story -----------------------------------------------------------------

    def tell(self) -> None:
        start, review_days, next_review = self.calendar()
        # A closed plan's story ends the afternoon of its last review.
        self.end = review_days[-1] if self.spec.status == Plan.Status.CLOSED else self.today
        self.start = start
        self.schedule_opening(next_review)
        self.schedule_outcomes(review_days)
        self.schedule_expertise()
        self.schedule_own_resources()
        self.schedule_leadership()
        if self.spec.status != Plan.Status.DRAFT:
            self.schedule_library_resources()
        self.schedule_reviews(review_days, next_review)
        self.schedule_commitments()
        self.schedule_suggestions()
        self.schedule_supporters()
        self.schedule_access_requests()
        self.schedule_crisis_plan()
        self.schedule_ending()
        self.timeline.run()

    def calendar(self) -> tuple[date, list[date], date]:
        """When the plan started, its reviews, and when the next one is due."""
        spec = self.spec
        rng = self.rng
        today = self.today
        if spec.status == Plan.Status.DRAFT:
            start = today - timedelta(days=12)
        elif spec.status == Plan.Status.CLOSED:
            start = today - timedelta(days=rng.randint(250, 270))
        else:
            start = today - timedelta(days=rng.randint(175, 195))
        review_days: list[date] = []
        if spec.status != Plan.Status.DRAFT:
            last_allowed = today - timedelta(days=60 if spec.overdue else 5)
            if spec.status == Plan.Status.CLOSED:
                last_allowed = today - timedelta(days=25)
            day = start + timedelta(days=rng.randint(10, 18))
            while day <= last_allowed:
                review_days.append(day)
                day += timedelta(days=rng.randint(42, 56))
        if spec.overdue:
            next_review = today - timedelta(days=rng.randint(4, 20))
        elif review_days:
            next_review = max(
                review_days[-1] + timedelta(days=rng.randint(42, 56)),
                today + timedelta(days=rng.randint(3, 21)),
            )
        else:
            next_review = today + timedelta(days=10)
        return start, review_days, next_review

    def schedule_opening(self, next_review: date) -> None:
        """The first morning: sign-up, the plan, about me, an extra area, the care team."""
        start = self.start
        self.sign_up(at(start, 8, 55))
        self.timeline.at(at(start, 9), partial(self.open_plan, next_review))
        self.timeline.at(at(start, 9, 10), self.write_about_me)
        self.timeline.at(at(start, 9, 30), self.invite_care_team)
        if self.spec.extra_area:
            extra = self.spec.extra_area
            self.timeline.at(
                at(start, 9, 20), partial(self.add, self.person_user, "life_area", {"name": extra})
            )

    def schedule_outcomes(self, review_days: list[date]) -> None:
        """Each outcome is written at the start, or at the review it comes from."""
        for number, o in enumerate(self.spec.outcomes):
            first_review = min(o.from_review, len(review_days))
            written_on = review_days[first_review - 1] if first_review else self.start
            self.timeline.at(at(written_on, 10, 5 * number), partial(self.write_outcome, number))
            if o.reworded:
                self.timeline.at(
                    at(written_on + timedelta(days=14), 15, 5 * number),
                    partial(self.reword_outcome, number),
                )

    def schedule_access_requests(self) -> None:
        for professional, username, days_ago, message in ACCESS_REQUESTS:
            if username == self.spec.username:
                asking = self.builder.pros[professional]
                self.timeline.at(
                    at(self.today - timedelta(days=days_ago), 14),
                    partial(self.ask_to_join, asking, message),
                )

    def schedule_crisis_plan(self) -> None:
        """The person writes her crisis plan; her coordinator suggests an addition; she
        accepts it, later marks it reviewed, and the care team agrees it."""
        crisis = self.spec.crisis
        if crisis is None:
            return
        day = self.today - timedelta(days=crisis.written_days_ago)
        for minute, (kind, words) in enumerate(crisis.sections.items()):
            self.timeline.at(
                at(day, 19, minute * 4), partial(self.write_crisis_section, kind, words)
            )
        for minute, contact in enumerate(crisis.contacts):
            name, relationship, number, by_day, by_night, at_weekends = contact
            data = _form(name=name, relationship=relationship, number=number)
            data.update({k: "on" for k, v in [("by_day", by_day), ("by_night", by_night),
                                              ("at_weekends", at_weekends)] if v})  # fmt: skip
            self.timeline.at(
                at(day, 19, 30 + minute * 3),
                partial(self.add, self.person_user, "crisis_contact", data),
            )
        if crisis.suggestion is not None:
            suggested_kind, field_name, suggested = crisis.suggestion
            self.timeline.at(
                at(day + timedelta(days=7), 11),
                partial(self.suggest_crisis, suggested_kind, field_name, suggested),
            )
        if crisis.reviewed_days_ago is not None:
            reviewed = self.today - timedelta(days=crisis.reviewed_days_ago)
            self.timeline.at(
                at(reviewed, 18),
                lambda: crisis_service.mark_reviewed(self.access(self.person_user)),
            )
            for minute, username in enumerate(crisis.agreed_by):
                pro = self.builder.pros[username]
                self.timeline.at(
                    at(reviewed + timedelta(days=1), 10, minute),
                    partial(self.agree_crisis_plan, pro.user),
                )

    def write_crisis_section(self, kind: str, words: dict[str, str]) -> None:
        with transaction.atomic():
            access = self.access(self.person_user)
            current = crisis_service.start_crisis_plan(access)
            version = getattr(current, KINDS[kind].version_field)
            services.submit_change(access, KINDS[kind], current, _form(**words, version=version))

    def suggest_crisis(self, kind: str, name: str, words: str) -> None:
        """The coordinator's words go to the person as a suggestion, at any balance."""
        current = crisis_service.crisis_plan_of(self.plan)
        self.change(self.pros[0].user, kind, current, **{name: words})

    def agree_crisis_plan(self, user: User) -> None:
        crisis_service.agree(self.access(user))

    def schedule_ending(self) -> None:
        """A closed plan closes after its last review; the care team looks in either way."""
        if self.spec.status == Plan.Status.CLOSED:
            self.timeline.at(at(self.end, 15), self.close_plan)
            self.timeline.at(at(self.end, 16), self.care_team_looks)
        else:
            self.timeline.at(at(self.today - timedelta(days=1), 18, 30), self.care_team_looks)

    def sign_up(self, moment: datetime) -> None:
        """The person's sign-in and profile (no service: set up with them by the team)."""
        spec = self.spec
        with time_machine.travel(moment, tick=False):
            self.person_user = User.objects.create(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.coproduce.invalid",
                password=self.builder.password,
            )
            self.person = Person.objects.create(
                user=self.person_user, date_of_birth=spec.born, pronouns=spec.pronouns
            )

    def open_plan(self, next_review: date) -> None:
        """Starting a plan has no service yet: the plan and its default life areas."""
        spec = self.spec
        user = self.person_user
        person = self.person
        # A plan that was later closed was active until its last day (close_plan).
        status = Plan.Status.ACTIVE if spec.status == Plan.Status.CLOSED else spec.status
        self.plan = Plan.objects.create(person=person, status=status, next_review_date=next_review)
        LifeArea.objects.bulk_create(
            LifeArea(
                plan=self.plan,
                name=name,
                position=position,
                is_default=True,
                created_by=user,
                created_side=PERSON,
            )
            for position, name in enumerate(DEFAULT_LIFE_AREAS)
        )

    def write_about_me(self) -> None:
        spec = self.spec
        services.submit_change(
            self.access(self.person_user),
            KINDS["about"],
            self.plan,
            _form(
                about_admire=spec.about_admire,
                about_matters=spec.about_matters,
                about_support=spec.about_support,
                version=1,
            ),
        )

    def invite_care_team(self) -> None:
        access = self.access(self.person_user)
        for pro in self.pros:
            member = care_team.invite(access, pro)
            # The role on the care team has no service of its own (set by the team).
            role = "Care coordinator" if pro is self.pros[0] else pro.job_title
            CareTeamMember.objects.filter(pk=member.pk).update(role=role)

    def write_outcome(self, number: int) -> None:
        o = self.spec.outcomes[number]
        target = self.today + timedelta(weeks=o.target_weeks) if o.target_weeks else None

        def keep(item: Any) -> None:
            self.outcomes[number] = item

        self.add(
            self.person_user,
            "outcome",
            _form(text=o.text, why_it_matters=o.why, target_date=target, status="active"),
            area=o.area,
            then=keep,
        )

    def reword_outcome(self, number: int) -> None:
        """The care coordinator suggests clearer words; the person accepts them."""
        self.change(
            self.pros[0].user,
            "outcome",
            self.outcomes[number],
            text=self.spec.outcomes[number].reworded,
        )

    def schedule_expertise(self) -> None:
        spec, start = self.spec, self.start
        for number, (kind, area, text) in enumerate(spec.expertise):
            self.timeline.at(
                at(start + timedelta(days=number), 19),
                partial(self.add_expertise, self.person_user, kind, area, text),
            )
        focus = sorted({o.area for o in spec.outcomes if o.area in PRO_EXPERTISE})
        for number, area in enumerate(focus[:3]):
            kind, text = self.rng.choice(PRO_EXPERTISE[area])
            author = self.pros[number % len(self.pros)].user
            self.timeline.at(
                at(start + timedelta(days=3 + number), 14),
                partial(self.add_expertise, author, kind, area, text),
            )

    def add_expertise(self, user: User, kind: str, area: str | None, text: str) -> None:
        life_area = str(self.area(area).code) if area else ""
        self.add(user, "expertise", _form(kind=kind, life_area=life_area, text=text))

    def outcome_codes(self, area: str) -> list[str]:
        return [
            str(o.code)
            for o in ValuedOutcome.objects.current().filter(plan=self.plan, life_area__name=area)
        ]

    def schedule_own_resources(self) -> None:
        for number, (area, name, provider, how) in enumerate(self.spec.own_resources):
            self.timeline.at(
                at(self.start + timedelta(days=2 + number), 20),
                partial(self.add_own_resource, area, name, provider, how),
            )

    def add_own_resource(self, area: str, name: str, provider: str, how: str) -> None:
        data = _form(
            name=name,
            provider=provider,
            how_to_access=how,
            control=ResourceControl.PERSONAL,
            outcomes=self.outcome_codes(area),
        )
        self.add(self.person_user, "resource", data, area=area)

    def library_data(self, item: ResourceLibraryItem, area: str) -> dict[str, Any]:
        return _form(
            library_item=str(item.code),
            name=item.name,
            provider=item.provider,
            how_to_access=item.how_to_access,
            control=item.control,
            outcomes=self.outcome_codes(area),
        )

    def schedule_library_resources(self) -> None:
        used = 0
        for area in dict.fromkeys(o.area for o in self.spec.outcomes):
            offers = self.builder.library.get(area, [])
            if not offers or self.rng.random() < 0.3:
                continue
            item = offers[0] if len(offers) == 1 else self.rng.choice(offers)
            author = self.pros[used % len(self.pros)].user
            self.timeline.at(
                at(self.start + timedelta(days=5 + used), 15),
                partial(self.add_library_resource, author, item, area),
            )
            used += 1

    def add_library_resource(self, user: User, item: ResourceLibraryItem, area: str) -> None:
        data = self.library_data(item, area)
        self.add(user, "resource", data, area=area, answer_after=timedelta(hours=4))

    def schedule_leadership(self) -> None:
        """The balance in each area, agreed at the first meeting (a week in)."""
        meeting = self.start + timedelta(days=7)
        for name, value in self.spec.leadership.items():
            if self.spec.username == "amara" and name == MW:
                asker, reason = self.pros[0].user, AMARA_MW_ASKED
                asked = at(self.start + timedelta(days=5), 15)
                answer = AMARA_MW_AGREED
            else:
                asker = self.pros[0].user if value > L.SHARED else self.person_user
                reason, answer = LEADERSHIP_AGREED[value]
                asked = at(meeting, 10, 30)
            self.timeline.at(
                asked, partial(self.agree_leadership, name, value, asker, reason, answer)
            )
        if self.spec.username == "amara":
            self.timeline.at(at(self.today - timedelta(days=2), 20), self.amara_asks_to_share)

    def amara_asks_to_share(self) -> None:
        access = self.access(self.person_user)
        services.propose_leadership(access, self.area(MW), L.SHARED, AMARA_MW_BACK)

    def agree_leadership(
        self, area: str, value: int, asker: User, reason: str, answer: str
    ) -> None:
        proposal = services.propose_leadership(self.access(asker), self.area(area), value, reason)
        answerer = self.other_side(asker)
        meeting = at(self.start + timedelta(days=7), 11)
        self.timeline.at(meeting, partial(self.accept, answerer, proposal, answer))

    def accept(self, user: User, proposal: Proposal | None, reason: str) -> None:
        assert proposal is not None
        services.accept_proposal(self.access(user), proposal, reason)

    def decline(self, user: User, proposal: Proposal | None, reason: str) -> None:
        assert proposal is not None
        services.decline_proposal(self.access(user), proposal, reason)

    def schedule_reviews(self, review_days: list[date], next_review: date) -> None:
        """Reviews in turn started by each side; both rate; the person settles outcomes."""
        spec, rng = self.spec, self.rng
        scores = [float(o.start) for o in spec.outcomes]
        for index, day in enumerate(review_days):
            starter = self.person_user if index % 2 == 1 else self.pros[0].user
            rater = self.pros[index % len(self.pros)].user
            following = review_days[index + 1] if index + 1 < len(review_days) else next_review
            if spec.status == Plan.Status.CLOSED and index == len(review_days) - 1:
                following = day + timedelta(weeks=6)  # set, then the plan was closed
            mine: list[tuple[int, int | None, str]] = []
            theirs: list[tuple[int, int]] = []
            for number, o in enumerate(spec.outcomes):
                first_review = min(o.from_review, len(review_days))
                settled = o.status != ValuedOutcome.Status.ACTIVE
                last_review = (
                    min(o.settled_at_review, len(review_days) - 1)
                    if settled
                    else len(review_days) - 1
                )
                if not first_review <= index <= last_review:
                    continue
                if index > first_review:
                    # Outcomes that were reached got there steadily; the rest wobble.
                    steps = (0, 1, 1, 2) if o.status == "achieved" else (-1, 0, 1, 1, 1, 2)
                    scores[number] += o.pace * rng.choice(steps)
                score = clamp(round(scores[number]))
                if o.status == ValuedOutcome.Status.ACHIEVED and index == last_review:
                    score = max(score, rng.randint(8, 10))
                pro_score = clamp(score + o.pro_view + rng.choice((-1, 0, 0, 0, 1)))
                skip = rng.random()
                status = o.status if settled and index == last_review else ""
                mine.append((number, score if skip > 0.08 else None, status))
                if skip < 0.92:
                    theirs.append((number, pro_score))
            note = rng.choice(REVIEW_NOTES).format(first=spec.first_name)
            self.timeline.at(
                at(day, 10),
                partial(self.hold_review, starter, rater, mine, theirs, following, note, day),
            )

    def hold_review(
        self,
        starter: User,
        rater: User,
        mine: list[tuple[int, int | None, str]],
        theirs: list[tuple[int, int]],
        following: date,
        notes: str,
        day: date,
    ) -> None:
        review, _ = outcome_services.start_review(self.access(starter))

        def person_answers() -> None:
            answers = [
                outcome_services.ReviewAnswer(
                    outcome=self.current_outcome(n), score=score, status=status
                )
                for n, score, status in mine
            ]
            outcome_services.answer_review(self.access(self.person_user), review, answers)

        def professional_answers() -> None:
            answers = [
                outcome_services.ReviewAnswer(outcome=self.current_outcome(n), score=score)
                for n, score in theirs
            ]
            outcome_services.answer_review(self.access(rater), review, answers)

        def complete() -> None:
            outcome_services.complete_review(self.access(starter), review, following, notes)

        # The professional first: once the person marks an outcome achieved it is
        # no longer rated.
        self.timeline.at(at(day, 10, 45), professional_answers)
        self.timeline.at(at(day, 11), person_answers)
        self.timeline.at(at(day, 12), complete)

    def current_outcome(self, number: int) -> ValuedOutcome:
        outcome = self.outcomes[number]
        assert outcome is not None, self.spec.outcomes[number].text
        return ValuedOutcome.objects.get(pk=outcome.pk)

    def schedule_commitments(self) -> None:
        spec, rng = self.spec, self.rng
        today, end, start = self.today, self.end, self.start
        lead_pro = self.pros[0]
        active_areas = list(
            dict.fromkeys(o.area for o in spec.outcomes if o.area in PERSON_COMMITMENTS)
        )
        for number, area in enumerate(active_areas[:3]):
            for side in (PERSON, PRO):
                pool = PERSON_COMMITMENTS if side == PERSON else PRO_COMMITMENTS
                what = rng.choice(pool[area]).format(pro=lead_pro.user.first_name)
                who = (
                    self.person_user if side == PERSON else self.pros[number % len(self.pros)].user
                )
                # Mostly people write their own commitments; sometimes the other side
                # writes one down for them during a meeting.
                author = who if rng.random() < 0.75 else self.other_side(who)
                if spec.status == Plan.Status.DRAFT:  # only just started: all still to do
                    status, due = Commitment.Status.OPEN, today + timedelta(days=rng.randint(7, 28))
                elif spec.status == Plan.Status.CLOSED or number == 0:
                    status = Commitment.Status.DONE
                    due = end - timedelta(days=rng.randint(10, 80))
                elif number == 2 and side == PERSON and rng.random() < 0.5:
                    status, due = (
                        Commitment.Status.DROPPED,
                        today - timedelta(days=rng.randint(5, 30)),
                    )
                else:
                    status, due = (
                        Commitment.Status.OPEN,
                        today + timedelta(days=rng.randint(-6, 28)),
                    )
                written = min(start + timedelta(days=7 * (number + 1)), today - timedelta(days=1))
                written = max(min(written, due - timedelta(days=3)), start + timedelta(days=1))
                data = _form(who=who.pk, what=what, due_date=due, status=Commitment.Status.OPEN)
                closed_on = min(due, end, today - timedelta(days=1))
                write = partial(self.write_commitment, author, data, area, who, status, closed_on)
                self.timeline.at(at(written, 13, number), write)

    def write_commitment(
        self,
        author: User,
        data: dict[str, Any],
        area: str,
        who: User,
        status: str,
        closed_on: date,
    ) -> None:
        """Written down as still to do; later done or dropped by whoever it is for."""

        def then(item: Any) -> None:
            if status != Commitment.Status.OPEN:
                self.timeline.at(
                    max(at(closed_on, 17), self.timeline_now() + timedelta(hours=1)),
                    partial(self.change, who, "commitment", item, status=status),
                )

        self.add(author, "commitment", data, area=area, then=then)

    def schedule_suggestions(self) -> None:
        """Suggestions across the line of leadership: some answered, some waiting."""
        spec = self.spec
        if spec.status == Plan.Status.DRAFT:
            return
        rng, end = self.rng, self.end
        pro = self.pros[0].user
        # A professional suggests a resource from the library in an area the person leads
        # alone (where she leads with support, his own resource would apply at once).
        offered = {row[0] for row in LIBRARY}
        person_led = [
            name
            for name in [*DEFAULT_LIFE_AREAS, *([spec.extra_area] if spec.extra_area else [])]
            if spec.leadership.get(name, L.PERSON_LEADS) == L.PERSON_LEADS and name in offered
        ]
        if person_led:
            area = rng.choice(person_led)
            item = self.builder.library[area][0]
            pending = spec.username == "amara" or rng.random() < 0.5
            proposed_on = end - timedelta(days=rng.randint(3, 12))

            def suggest() -> None:
                result = services.submit_add(
                    self.access(pro),
                    KINDS["resource"],
                    self.library_data(item, area),
                    area=self.area(area),
                    reason=LIBRARY_SUGGESTION.format(name=item.name),
                )
                assert result.proposal is not None
                if not pending:
                    self.timeline.at(
                        at(proposed_on + timedelta(days=2), 9),
                        partial(
                            self.decline,
                            self.person_user,
                            result.proposal,
                            LIBRARY_SUGGESTION_DECLINED,
                        ),
                    )

            self.timeline.at(at(proposed_on, 16), suggest)

        # The person suggests a commitment in an area the professionals lead.
        pro_led = [name for name, value in spec.leadership.items() if value > L.SHARED]
        if pro_led:
            self.schedule_person_suggestion(pro_led[0])

    def schedule_person_suggestion(self, area: str) -> None:
        rng, pro = self.rng, self.pros[0].user
        proposed_on = self.start + timedelta(days=rng.randint(40, 90))
        due = proposed_on + timedelta(days=28)
        accepted = rng.random() < 0.6
        answered_on = proposed_on + timedelta(days=rng.randint(1, 6))

        def ask() -> None:
            result = services.submit_add(
                self.access(self.person_user),
                KINDS["commitment"],
                _form(who=pro.pk, what=PERSON_SUGGESTION, due_date=due, status="open"),
                area=self.area(area),
                reason=PERSON_SUGGESTION_WHY,
            )
            proposal = result.proposal
            assert proposal is not None
            self.timeline.at(at(answered_on, 10), partial(answer, proposal))

        def answer(proposal: Proposal) -> None:
            if not accepted:
                services.decline_proposal(self.access(pro), proposal, PERSON_SUGGESTION_DECLINED)
                return
            services.accept_proposal(self.access(pro), proposal, PERSON_SUGGESTION_ACCEPTED)
            item = Commitment.objects.filter(plan=self.plan).latest("pk")
            self.timeline.at(
                at(due, 17),
                partial(self.change, pro, "commitment", item, status=Commitment.Status.DONE),
            )

        self.timeline.at(at(proposed_on, 18), ask)

    def schedule_supporters(self) -> None:
        """The people on the person's side: invited, suggesting, named in commitments."""
        if self.spec.status == Plan.Status.DRAFT:
            return
        for number, spec in enumerate(s for s in SUPPORTERS if s.supports == self.spec.username):
            invited = self.start + timedelta(days=10 + number)
            self.timeline.at(at(invited, 19), partial(self.invite_supporter, spec))
        if self.spec.username == SUPPORTERS[0].supports:
            area, name, what = OUTSIDE_SERVICE_COMMITMENT
            data = _form(who="service", who_name=name, what=what, status=Commitment.Status.OPEN)
            written = self.start + timedelta(days=16)
            self.timeline.at(
                at(written, 11), partial(self.add, self.person_user, "commitment", data, area=area)
            )

    def invite_supporter(self, spec: SupporterSpec) -> None:
        """The person adds them (their sign-in is set up with them: no invitation email)."""
        user = User.objects.create(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@demo.coproduce.invalid",
            password=self.builder.password,
        )
        permissions = {
            "may_see": True,
            "may_suggest": spec.may_suggest,
            "may_rate": spec.may_rate,
            "may_be_named": True,
        }
        supporter = plan_supporters.add_supporter(
            self.access(self.person_user), user, spec.relationship, permissions
        )
        for number, (area, name, provider, how) in enumerate(spec.suggestions):
            moment = self.timeline_now() + timedelta(days=2 + 3 * number, hours=1)
            self.timeline.at(
                moment, partial(self.supporter_suggests, user, area, name, provider, how, number)
            )
        if spec.rating is not None:
            score, note = spec.rating
            self.timeline.at(
                self.timeline_now() + timedelta(days=5, hours=2),
                partial(self.supporter_rates, user, score, note),
            )
        if spec.commitment is not None:
            area, what = spec.commitment
            data = _form(who=supporter.user_id, what=what, status=Commitment.Status.OPEN)
            self.timeline.at(
                self.timeline_now() + timedelta(days=4),
                partial(self.add, self.person_user, "commitment", data, area=area),
            )

    def supporter_rates(self, user: User, score: int, note: str) -> None:
        """Their own view of her first outcome still being worked on (a third view)."""
        outcome = (
            ValuedOutcome.objects.current()
            .filter(plan=self.plan, status=ValuedOutcome.Status.ACTIVE)
            .order_by("created_at", "pk")
            .first()
        )
        if outcome is None:
            return
        access = get_plan_for_user(user, self.plan.code, supporters=True)
        outcome_services.rate_outcome(
            access, outcome, score=score, note=note, rated_on=self.timeline_now().date()
        )

    def supporter_suggests(
        self, user: User, area: str, name: str, provider: str, how: str, number: int
    ) -> None:
        data = _form(
            name=name, provider=provider, how_to_access=how, control=ResourceControl.PERSONAL
        )
        access = get_plan_for_user(user, self.plan.code, supporters=True)
        result = services.submit_add(access, KINDS["resource"], data, area=self.area(area))
        suggestion = result.supporter_suggestion
        assert suggestion is not None
        if number == 0:  # she takes the first up the next day; the rest wait for her
            self.timeline.at(
                self.timeline_now() + timedelta(days=1),
                partial(plan_supporters.take_up, self.access(self.person_user), suggestion),
            )

    def ask_to_join(self, professional: Professional, message: str) -> None:
        """With the share code the person gave them; the person has not answered yet."""
        care_team.request_access(professional, self.plan.share_code, message)

    def close_plan(self) -> None:
        # Closing a plan has no service yet (nor any history entry to go with it).
        Plan.objects.filter(pk=self.plan.pk).update(
            status=Plan.Status.CLOSED, closed_at=timezone.now(), next_review_date=None
        )

    def care_team_looks(self) -> None:
        """The care team read the plan, except where the person is waiting for them.

        So the caseload's "changed since you last looked" means something on day
        one: it shows only on plans with a suggestion from the person.
        """
        waiting = Proposal.objects.filter(
            plan=self.plan, status=Proposal.Status.PENDING, proposed_side=PERSON
        )
        if waiting.exists():
            return
        for pro in self.pros:
            access = self.access(pro.user)
            assert access.membership_id is not None
            care_team.log_view(access, "plan")
            CareTeamMember.objects.filter(pk=access.membership_id).update(
                last_seen_version=access.plan.version
            )


def _field_value(item: Any, name: str) -> Any:
    if name == "who":  # someone who signs in, or the kind of someone named
        return item.who_id if item.who_id is not None else item.who_kind
    value = getattr(item, name)
    if hasattr(value, "all"):
        return [str(v.code) for v in value.all()]
    return value


def clamp(score: int) -> int:
    return max(1, min(10, score))


class _DemoBuilder:
    def __init__(self, today: date, password: str) -> None:
        self.today = today
        self.password = password
        self.rng = random.Random(SEED)
        self.pros: dict[str, Professional] = {}
        self.library: dict[str, list[ResourceLibraryItem]] = {}

    def build(self) -> None:
        # The team and its library have no service: a team is set up by staff.
        team = Team.objects.create(name=DEMO_TEAM_NAME)
        lead = self._professional(LEAD, team)
        team.lead = lead
        team.save(update_fields=["lead"])
        for spec in STAFF:
            self.pros[spec.username] = self._professional(spec, team)
        for area, name, provider, how, control in LIBRARY:
            item = ResourceLibraryItem.objects.create(
                team=team,
                name=name,
                provider=provider,
                how_to_access=how,
                control=control,
                created_by=lead.user,
                created_at=at(self.today - timedelta(days=400)),
            )
            self.library.setdefault(area, []).append(item)
        for person in PEOPLE:
            _PlanStory(self, person).tell()

    def _professional(self, spec: StaffSpec, team: Team) -> Professional:
        user = User.objects.create(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@demo.coproduce.invalid",
            password=self.password,
        )
        return Professional.objects.create(
            user=user, team=team, discipline=spec.discipline, job_title=spec.job_title
        )
