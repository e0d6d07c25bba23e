"""Demo data: one believable community mental health team, and a large synthetic caseload.

`build_demo()` writes the small, hand-written demo (the logins in the README);
`build_synthetic()` tops up a separate "Synthetic team" to N people for
benchmarks, with bulk inserts in batches. Both are used by
`manage.py seed_demo` and are safe to run again.

Dates are relative to the day the data is written; everything else comes from
a fixed random seed, so the content is the same every time.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from coproduce.models import Discipline, Person, Professional, Side, Team, User
from outcomes.models import Rating, Review, ValuedOutcome
from plans import history_chain
from plans.models import (
    DEFAULT_LIFE_AREAS,
    AccessRequest,
    CareTeamMember,
    Commitment,
    Expertise,
    ExpertiseKind,
    Leadership,
    LifeArea,
    Plan,
    PlanChange,
    PlanView,
    Proposal,
    Resource,
    ResourceControl,
    ResourceLibraryItem,
)

DEMO_PASSWORD = "coproduce-demo"  # noqa: S105 - published demo logins, never real people
DEMO_TEAM_NAME = "North Riverside Community Mental Health Team"
SYNTHETIC_TEAM_NAME = "Synthetic team"
SYNTHETIC_LEAD = "lead_synthetic"
SYNTHETIC_PERSON_PREFIX = "synthetic_person_"
SYNTHETIC_PRO_PREFIX = "synthetic_pro_"
SYNTHETIC_PROFESSIONALS = 20
SEED = 20261125

MW, PH, SAFE, MONEY, HOME, WORK, REL = DEFAULT_LIFE_AREAS

PERSON = Side.PERSON
PRO = Side.PROFESSIONAL
L = Leadership


# --------------------------------------------------------------------------
# The demo team: content
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    discipline: str
    job_title: str


LEAD = StaffSpec("chloe", "Chloe", "Adeyemi", Discipline.TEAM_MANAGER, "Team manager")
STAFF = (
    StaffSpec("ben", "Ben", "Okafor", Discipline.NURSE, "Community mental health nurse"),
    StaffSpec("hana", "Hana", "Novak", Discipline.SOCIAL_WORKER, "Social worker"),
    StaffSpec("tom", "Tom", "Gallagher", Discipline.EMPLOYMENT_SPECIALIST, "Employment specialist"),
)


@dataclass(frozen=True)
class OutcomeSpec:
    area: str
    text: str
    why: str
    target_weeks: int | None = None  # target date, weeks from today
    start: int = 3  # the person's first score
    pace: float = 1.0  # how quickly things move between reviews
    pro_view: int = 0  # how the professional's view tends to differ from the person's
    status: str = ValuedOutcome.Status.ACTIVE
    settled_at_review: int = 2  # for achieved / let go: the review where that happened
    from_review: int = 0  # 0 = written when the plan started; k = added at review k


@dataclass(frozen=True)
class PersonSpec:
    username: str
    first_name: str
    last_name: str
    pronouns: str
    born: date
    about_admire: str
    about_matters: str
    about_support: str
    care_team: tuple[str, ...]
    outcomes: tuple[OutcomeSpec, ...]
    # (kind, life area or None, text), written by the person
    expertise: tuple[tuple[str, str | None, str], ...]
    # (life area, name, provider, how to access): people and places that help
    own_resources: tuple[tuple[str, str, str, str], ...] = ()
    leadership: dict[str, int] = field(default_factory=dict)
    extra_area: str | None = None
    status: str = Plan.Status.ACTIVE
    overdue: bool = False


S = ExpertiseKind

PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec(
        "amara",
        "Amara",
        "Osei",
        "she/her",
        date(1991, 4, 12),
        "I'm loyal and I make people laugh. My friends say I'm the one who remembers "
        "everyone's birthday. I sing in a gospel choir and I'm brilliant with my nephew.",
        "My family, my choir, getting back to work, and feeling like myself again, "
        "not just 'a patient'.",
        "Talk to me straight and give me time to think. Text before you ring - I don't "
        "answer unknown numbers. If I go quiet it usually means I'm struggling, not "
        "that I don't care.",
        care_team=("ben", "tom"),
        outcomes=(
            OutcomeSpec(
                WORK,
                "I want to get back to work by the summer, even part-time.",
                "Work gives my week a shape, and I miss having my own money and people to talk to.",
                target_weeks=30,
                start=2,
                pace=1.2,
                pro_view=-1,
            ),
            OutcomeSpec(
                MW,
                "I want to sleep through the night most nights.",
                "When I sleep, everything else is easier - my mood, my patience, my head.",
                target_weeks=8,
                start=3,
                pro_view=1,
            ),
            OutcomeSpec(
                MW,
                "I want to notice the early signs before things get bad again.",
                "Last time I ended up in hospital because nobody, including me, saw it coming.",
                start=4,
                pace=0.6,
            ),
            OutcomeSpec(
                REL,
                "I want to go back to choir every Thursday.",
                "Singing is the one place my head goes quiet.",
                start=4,
                pace=1.5,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=2,
            ),
            OutcomeSpec(
                MONEY,
                "I want to stop dreading the post.",
                "The council tax letters pile up and then I can't open any of them.",
                target_weeks=12,
                start=2,
                pro_view=1,
            ),
            OutcomeSpec(
                "Music",
                "I want to write one song of my own this year.",
                "I've sung other people's songs all my life. I want to say something of mine.",
                target_weeks=34,
                start=2,
                from_review=2,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                MW,
                "I was diagnosed with bipolar disorder at 24. The lows last longer than "
                "the highs, and winter is hardest.",
            ),
            (
                S.WHOLE_LIFE,
                WORK,
                "When I'm low I can't face the bus, so I lose shifts, then money gets "
                "tight and that makes the low worse.",
            ),
            (
                S.STRENGTHS,
                None,
                "I'm organised when I'm well - I ran the rota at my last job for two years.",
            ),
            (
                S.MY_PEOPLE,
                REL,
                "My sister Efua lives ten minutes away and will come round if I ask. "
                "Pastor Grace at church knows what's going on.",
            ),
        ),
        own_resources=(
            (
                REL,
                "Efua (my sister)",
                "Efua",
                "Text her - she drives me to appointments on her days off.",
            ),
            (
                "Music",
                "Thursday gospel choir",
                "St Mark's Church",
                "Thursdays at 7pm, just turn up.",
            ),
        ),
        leadership={
            MW: L.PROFESSIONAL_LEADS_WITH_AGREEMENT,
            SAFE: L.SHARED,
            MONEY: L.PERSON_LEADS_WITH_SUPPORT,
        },
        extra_area="Music",
    ),
    PersonSpec(
        "daniel",
        "Daniel",
        "Kowalski",
        "he/him",
        date(1978, 9, 3),
        "I'm handy - I can fix most things, from a bike to a boiler. I'm calm in a "
        "crisis (other people's, anyway). I'm a good cook when I bother.",
        "My flat, my allotment, and seeing my daughter Zosia every other weekend.",
        "Don't come mob-handed - one person at a time. Mornings are bad, afternoons are "
        "better. Be honest with me about the medication; I'd rather know.",
        care_team=("ben", "hana"),
        outcomes=(
            OutcomeSpec(
                HOME,
                "I want to keep my flat and stop worrying about losing it.",
                "It's the first place that has ever felt like mine.",
                target_weeks=12,
                start=4,
            ),
            OutcomeSpec(
                REL,
                "I want to see Zosia every other weekend without missing any.",
                "She's eleven. I've missed enough already.",
                start=3,
                pro_view=-1,
            ),
            OutcomeSpec(
                MW,
                "I want the voices to be quieter in the evenings.",
                "Evenings are when I used to end up drinking.",
                start=3,
                pace=0.7,
                pro_view=1,
            ),
            OutcomeSpec(
                PH,
                "I want to cut down to ten cigarettes a day.",
                "My chest is bad and I want to be able to dig the allotment.",
                start=3,
                pace=0.2,
                status=ValuedOutcome.Status.LET_GO,
                settled_at_review=1,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                MW,
                "I've heard voices since my twenties. I know which ones to ignore.",
            ),
            (
                S.STRENGTHS,
                HOME,
                "I keep the allotment going - I grow enough potatoes for the whole block.",
            ),
            (
                S.WHOLE_LIFE,
                REL,
                "When I'm unwell I stop answering the phone, and then I miss arrangements "
                "with Zosia's mum.",
            ),
        ),
        own_resources=(
            (
                HOME,
                "Allotment neighbours",
                "Riverside Allotments Society",
                "They keep an eye on my plot when I'm not well.",
            ),
        ),
        leadership={
            MW: L.PROFESSIONAL_LEADS_WITH_AGREEMENT,
            SAFE: L.SHARED,
            HOME: L.PERSON_LEADS_WITH_SUPPORT,
        },
        overdue=True,
    ),
    PersonSpec(
        "sofia",
        "Sofia",
        "Rahman",
        "she/her",
        date(1999, 1, 27),
        "I'm kind, and I notice when other people are struggling. I'm good at art and "
        "I'm really good with my little cousins.",
        "Finishing my college course, my faith, and my mum's health.",
        "Please message rather than call - phone calls make me anxious. Meet me "
        "somewhere quiet, not a busy cafe. Give me a bit of time to answer.",
        care_team=("hana", "tom"),
        outcomes=(
            OutcomeSpec(
                WORK,
                "I want to finish my art and design course at college.",
                "I dropped out once and I want to prove to myself I can do it.",
                target_weeks=30,
                start=3,
            ),
            OutcomeSpec(
                MW,
                "I want to get the bus on my own without having a panic attack.",
                "It would mean I don't have to rely on my brother to take me everywhere.",
                start=2,
                pro_view=2,
            ),
            OutcomeSpec(
                "My faith",
                "I want to go back to Friday prayers at the mosque.",
                "It's where I feel peaceful and part of something.",
                start=4,
                pace=1.6,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=3,
            ),
            OutcomeSpec(
                MONEY,
                "I want to understand my student finance and not be scared of it.",
                "I keep putting off the forms and then panicking about the deadline.",
                target_weeks=10,
                start=3,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                MW,
                "I've had panic attacks since secondary school. Crowds and loud places "
                "are the worst.",
            ),
            (S.STRENGTHS, WORK, "I'm good at drawing and I'm patient with detail."),
            (
                S.MY_PEOPLE,
                "My faith",
                "My aunt Rukhsana comes to the mosque with me and waits if I need to step out.",
            ),
        ),
        own_resources=(
            ("My faith", "Aunt Rukhsana", "Rukhsana", "Friday mornings - she picks me up."),
        ),
        leadership={MW: L.PERSON_LEADS_WITH_SUPPORT, MONEY: L.PERSON_LEADS_WITH_SUPPORT},
        extra_area="My faith",
    ),
    PersonSpec(
        "james",
        "James",
        "Whitfield",
        "he/him",
        date(1965, 6, 30),
        "I was a postman for twenty-two years and I still know every street in "
        "Riverside. I'm good at crosswords and I'm a loyal friend.",
        "My dog Biscuit, my health, and not ending up back on the ward.",
        "Plain English please, no jargon. Write things down for me - my memory isn't "
        "what it was. I like to know what's happening and why.",
        care_team=("ben",),
        outcomes=(
            OutcomeSpec(
                PH,
                "I want to get my sugar levels under control so I keep my feet.",
                "My dad lost a leg to diabetes. I don't want that.",
                target_weeks=16,
                start=3,
            ),
            OutcomeSpec(
                MW,
                "I want to feel less flat in the mornings.",
                "Mornings are the worst part of the day and they colour everything after.",
                start=3,
                pace=0.6,
            ),
            OutcomeSpec(
                REL,
                "I want to have someone to talk to who isn't paid to see me.",
                "Since Jean died it's just me and Biscuit.",
                start=2,
                pro_view=-2,
            ),
            OutcomeSpec(
                PH,
                "I want to walk Biscuit round the park every day.",
                "She's getting fat and so am I.",
                start=4,
                pace=1.6,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=3,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                PH,
                "I've had type 2 diabetes for ten years. I'm not good at remembering the tablets.",
            ),
            (
                S.WHOLE_LIFE,
                REL,
                "Since Jean passed I don't go out much, and the less I go out the less I want to.",
            ),
            (S.STRENGTHS, None, "I'm reliable. If I say I'll do something, I do it."),
            (S.MY_PEOPLE, REL, "My neighbour Pat checks on me and we do the crossword together."),
        ),
        own_resources=((REL, "Pat next door", "Pat", "Knock any time before nine at night."),),
        leadership={MW: L.PROFESSIONAL_LEADS_WITH_AGREEMENT, PH: L.SHARED},
    ),
    PersonSpec(
        "leah",
        "Leah",
        "Brennan",
        "she/her",
        date(1987, 11, 8),
        "I'm a fierce mum. I'm funny, I'm honest, and I don't give up on people.",
        "My two boys, keeping our home, and staying well enough to be the mum I want to be.",
        "Don't talk about me in front of the kids. Be on time - if you're going to be "
        "late, text. I want to be part of every decision about my family.",
        care_team=("hana", "ben"),
        outcomes=(
            OutcomeSpec(
                "Being a mum",
                "I want to take the boys swimming every Saturday.",
                "It's our time together and they love it.",
                start=5,
                pace=1.4,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=3,
            ),
            OutcomeSpec(
                HOME,
                "I want to move somewhere without damp so Callum's asthma gets better.",
                "He's been in A&E twice this winter.",
                target_weeks=20,
                start=2,
                pace=0.8,
            ),
            OutcomeSpec(
                MONEY,
                "I want to pay off the catalogue debt.",
                "Every month it's there in the back of my head.",
                target_weeks=40,
                start=2,
            ),
            OutcomeSpec(
                SAFE,
                "I want to get through a bad day without hurting myself.",
                "I want to be here for my boys.",
                start=4,
                pro_view=-1,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                SAFE,
                "I've self-harmed on and off since I was 15. It's been less since the boys, "
                "but stress brings it back.",
            ),
            (
                S.STRENGTHS,
                "Being a mum",
                "I'm brilliant at making a little bit of money go a long way.",
            ),
            (
                S.MY_PEOPLE,
                REL,
                "My mum has the boys on Wednesdays. My friend Shannon is the one I ring at night.",
            ),
            (
                S.WHOLE_LIFE,
                HOME,
                "The damp makes the boys ill, which means I miss appointments, which means "
                "I get behind with everything.",
            ),
        ),
        own_resources=(
            (SAFE, "Shannon", "Shannon", "Ring her any time, she says - and she means it."),
        ),
        leadership={MW: L.SHARED, SAFE: L.SHARED, MONEY: L.PERSON_LEADS_WITH_SUPPORT},
        extra_area="Being a mum",
    ),
    PersonSpec(
        "marcus",
        "Marcus",
        "Campbell",
        "he/him",
        date(1994, 2, 19),
        "I'm a good listener and people trust me. I'm strong - I train at the gym - and "
        "I'm good with computers.",
        "Getting a proper job, my gym routine, and keeping out of trouble.",
        "Treat me like an adult. Tell me what's going on with my care. I do better with "
        "a plan I've helped make than one I'm handed.",
        care_team=("tom", "hana"),
        outcomes=(
            OutcomeSpec(
                WORK,
                "I want a job in IT support by next spring.",
                "I've done the courses. I just need someone to give me a chance.",
                target_weeks=24,
                start=3,
                pace=1.3,
            ),
            OutcomeSpec(
                MW,
                "I want to stay out of hospital this year.",
                "Every admission sets me back months.",
                start=5,
                pro_view=-1,
            ),
            OutcomeSpec(
                PH,
                "I want to keep going to the gym four times a week.",
                "Training keeps my head straight.",
                start=6,
                pace=1.5,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=2,
            ),
            OutcomeSpec(
                MONEY,
                "I want to come off Universal Credit.",
                "I want to earn my own money and stop being checked up on.",
                target_weeks=40,
                start=2,
                pace=0.5,
            ),
        ),
        expertise=(
            (S.STRENGTHS, WORK, "I've got my CompTIA A+ and I fix everyone's laptops."),
            (
                S.MY_SITUATION,
                MW,
                "I was sectioned twice in my early twenties. Cannabis made things a lot "
                "worse and I don't use it now.",
            ),
            (S.MY_PEOPLE, REL, "My uncle Errol and my gym coach, Dev."),
        ),
        own_resources=(
            (
                PH,
                "Riverside Boxing Gym",
                "Dev (coach)",
                "Four days a week - Dev lets me train free on Saturdays.",
            ),
        ),
        leadership={MW: L.PERSON_LEADS_WITH_SUPPORT},
        overdue=True,
    ),
    PersonSpec(
        "nadia",
        "Nadia",
        "Hussain",
        "she/her",
        date(1972, 7, 14),
        "I'm generous - I feed everyone. I speak three languages and I used to teach.",
        "My grandchildren, my garden, and getting my confidence back.",
        "Please use my interpreter for anything official - my English is good but I want "
        "to be sure. Come in the afternoon. Take your shoes off in my house.",
        care_team=("ben", "hana"),
        outcomes=(
            OutcomeSpec(
                MW,
                "I want to feel like getting dressed in the morning again.",
                "I used to take pride in how I looked. Now I don't see the point.",
                start=2,
                pace=0.7,
                pro_view=1,
            ),
            OutcomeSpec(
                REL,
                "I want to go back to the women's group at the community centre.",
                "My friends are there and I have stopped seeing them.",
                start=3,
            ),
            OutcomeSpec(
                PH,
                "I want to understand what my tablets are for.",
                "Nobody explained them to me before and I was frightened to take them.",
                start=3,
                pace=2.0,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=2,
            ),
            OutcomeSpec(
                WORK,
                "I want to volunteer teaching English to new arrivals.",
                "I know how it feels to arrive and not understand anything.",
                target_weeks=36,
                start=1,
                from_review=2,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                MW,
                "The depression came after my husband's stroke. I looked after him for six years.",
            ),
            (S.STRENGTHS, WORK, "I was a primary school teacher in Lahore for twelve years."),
            (
                S.MY_PEOPLE,
                REL,
                "My daughter Ayesha lives nearby and comes every Sunday with the children.",
            ),
        ),
        own_resources=(
            (REL, "Ayesha (my daughter)", "Ayesha", "Sundays, and on the phone most evenings."),
        ),
        leadership={
            MW: L.PROFESSIONAL_LEADS_WITH_AGREEMENT,
            PH: L.SHARED,
            MONEY: L.PERSON_LEADS_WITH_SUPPORT,
        },
    ),
    PersonSpec(
        "owen",
        "Owen",
        "Pritchard",
        "he/him",
        date(2001, 3, 23),
        "I'm creative - I make beats and I DJ a bit. I'm chilled and I get on with most people.",
        "Music, my mates, and getting my own place one day.",
        "Text me, don't call. Meet me out of the house if you can. Don't lecture me about "
        "weed - I know.",
        care_team=("tom",),
        outcomes=(
            OutcomeSpec(
                "Music",
                "I want to play a proper set at The Lantern.",
                "Then I'd know I'm actually a DJ, not just a kid with a laptop.",
                target_weeks=20,
                start=3,
                pace=1.2,
            ),
            OutcomeSpec(
                WORK,
                "I want to get on the sound engineering course at college in September.",
                "It's the only course I've ever actually wanted to do.",
                target_weeks=30,
                start=3,
            ),
            OutcomeSpec(
                HOME,
                "I want to move out of my mum's into my own place.",
                "We love each other but we're doing each other's heads in.",
                target_weeks=52,
                start=1,
                pace=0.5,
            ),
            OutcomeSpec(
                MW,
                "I want to stop lying in bed until three in the afternoon.",
                "Half the day's gone before I've started.",
                start=3,
                pro_view=-1,
            ),
        ),
        expertise=(
            (
                S.STRENGTHS,
                "Music",
                "I've been making music on my laptop since I was 13 and I've got 2,000 followers.",
            ),
            (
                S.WHOLE_LIFE,
                WORK,
                "When my anxiety is bad I can't leave the house, so college didn't work last time.",
            ),
        ),
        own_resources=(
            (
                "Music",
                "The Lantern open mic",
                "The Lantern",
                "First Friday of the month - sign up on the night.",
            ),
        ),
        leadership={MW: L.PERSON_LEADS_WITH_SUPPORT},
        extra_area="Music",
    ),
    PersonSpec(
        "rosa",
        "Rosa",
        "Martins",
        "she/her",
        date(1983, 10, 2),
        "I'm a survivor. I'm warm, I'm a good cook and I have a big laugh.",
        "Being safe, getting my residency sorted, and working as a carer again.",
        "I need to know who will be at a meeting before I arrive. Please don't close the "
        "door fully. Speak slowly - Portuguese is my first language.",
        care_team=("hana", "ben", "tom"),
        outcomes=(
            OutcomeSpec(
                SAFE,
                "I want to feel safe in my own home.",
                "After everything with my ex, I still check the locks five times.",
                start=3,
                pace=0.8,
            ),
            OutcomeSpec(
                HOME,
                "I want a permanent home, not the refuge.",
                "I want to unpack properly and put pictures on the wall.",
                target_weeks=20,
                start=2,
                pro_view=-1,
            ),
            OutcomeSpec(
                WORK,
                "I want to work as a carer again.",
                "I was good at it, and it's who I am.",
                target_weeks=40,
                start=2,
            ),
            OutcomeSpec(
                MONEY,
                "I want to get the right benefits while I wait.",
                "Right now I'm relying on food parcels.",
                start=2,
                pace=2.0,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=2,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                SAFE,
                "I left an abusive relationship a year ago. I still get nightmares.",
            ),
            (
                S.STRENGTHS,
                WORK,
                "I worked as a care assistant in a nursing home for eight years and I "
                "was good at it.",
            ),
            (S.MY_PEOPLE, REL, "The women at the Portuguese church have been like family."),
        ),
        own_resources=(
            (
                REL,
                "Portuguese church community",
                "Our Lady of Fatima",
                "Sunday mass and lunch afterwards.",
            ),
        ),
        leadership={
            MW: L.PROFESSIONAL_LEADS_WITH_AGREEMENT,
            SAFE: L.SHARED,
            HOME: L.SHARED,
            MONEY: L.PERSON_LEADS_WITH_SUPPORT,
        },
    ),
    PersonSpec(
        "samir",
        "Samir",
        "Haddad",
        "he/him",
        date(1990, 12, 5),
        "I'm clever and curious. I read a lot. I'm kind to animals and I'm a good brother.",
        "Keeping my mind clear, my books, and my brother Karim.",
        "Give me information in writing so I can read it twice. Don't rush me. Ask me "
        "before you talk to my family.",
        care_team=("ben",),
        outcomes=(
            OutcomeSpec(
                MW,
                "I want to find a medication that doesn't make me so tired.",
                "I sleep twelve hours and still feel like I'm moving through mud.",
                start=3,
                pro_view=1,
            ),
            OutcomeSpec(
                WORK,
                "I want to start an Open University module.",
                "I left university when I got ill. I'd like to finish what I started.",
                target_weeks=26,
                start=2,
            ),
            OutcomeSpec(
                REL,
                "I want to go to the chess club on Tuesdays.",
                "I used to play with my father.",
                start=2,
                pace=1.4,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                MW,
                "I've lived with schizophrenia for ten years. I know my early signs: I stop "
                "reading and I start checking the windows.",
            ),
            (S.STRENGTHS, WORK, "I taught myself French and some Arabic calligraphy."),
            (
                S.MY_PEOPLE,
                REL,
                "Karim visits on Fridays. He's the only one I want contacted in a crisis.",
            ),
        ),
        leadership={MW: L.PROFESSIONAL_LEADS_WITH_AGREEMENT},
        overdue=True,
    ),
    PersonSpec(
        "tessa",
        "Tessa",
        "Lindqvist",
        "she/her",
        date(1980, 5, 17),
        "I'm determined and practical. I'm good at organising things and I love a list.",
        "My job at the garden centre, my cats, and my sister in Sweden.",
        "Be direct. I like to plan ahead, so give me dates. Email works best.",
        care_team=("hana",),
        outcomes=(
            OutcomeSpec(
                WORK,
                "I want to go back to my job at the garden centre full-time.",
                "It's where I feel useful and it pays the bills.",
                start=4,
                pace=1.5,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=3,
            ),
            OutcomeSpec(
                MW,
                "I want to manage my low moods with my own plan, not the team.",
                "I want to know I can do this without a service behind me.",
                start=3,
                pace=1.5,
                status=ValuedOutcome.Status.ACHIEVED,
                settled_at_review=4,
            ),
            OutcomeSpec(
                PH,
                "I want to run 5k.",
                "My sister does Parkrun every week in Gothenburg.",
                start=2,
                pace=0.3,
                status=ValuedOutcome.Status.LET_GO,
                settled_at_review=2,
            ),
        ),
        expertise=(
            (S.STRENGTHS, WORK, "I know more about perennials than anyone at the garden centre."),
            (
                S.MY_SITUATION,
                MW,
                "I had a bad depression after being made redundant two years ago. It lifted "
                "slowly with therapy and getting back to work.",
            ),
        ),
        leadership={MW: L.PERSON_LEADS_WITH_SUPPORT},
        status=Plan.Status.CLOSED,
    ),
    PersonSpec(
        "kofi",
        "Kofi",
        "Asante",
        "he/him",
        date(1997, 8, 9),
        "I'm funny and good at football. My friends say I'm the one who keeps the "
        "group chat going.",
        "Football, my mum, and getting back to uni.",
        "Still working this out. Keep it casual.",
        care_team=("hana", "tom"),
        outcomes=(
            OutcomeSpec(
                WORK,
                "I want to go back to uni and finish my second year.",
                "I was doing well before all this. I don't want it to be the end.",
                target_weeks=40,
            ),
            OutcomeSpec(
                REL,
                "I want to play five-a-side again with my old team.",
                "They've kept my place. I just need to turn up.",
                target_weeks=8,
            ),
        ),
        expertise=(
            (
                S.MY_SITUATION,
                MW,
                "I had my first breakdown at uni in March. It's all still quite new.",
            ),
        ),
        status=Plan.Status.DRAFT,
    ),
)

# What the professionals bring, by life area: (kind, text)
PRO_EXPERTISE: dict[str, tuple[tuple[str, str], ...]] = {
    MW: (
        (
            S.SEEN_WITH_OTHERS,
            "Lots of people we work with find a simple sleep and mood diary helps them "
            "spot early warning signs a week or two sooner.",
        ),
        (
            S.CONTRIBUTING_FACTORS,
            "Some medicines cause weight gain and tiredness; it's worth reviewing side "
            "effects regularly rather than putting up with them.",
        ),
        (
            S.RESOURCES_WE_CONTROL,
            "We can offer fortnightly visits and a medication review with the team "
            "psychiatrist within four weeks.",
        ),
    ),
    PH: (
        (
            S.CONTRIBUTING_FACTORS,
            "Smoking and low activity raise the risk of heart problems. Everyone on our "
            "caseload is offered a yearly physical health check.",
        ),
        (
            S.RESOURCES_ELSEWHERE,
            "The GP practice runs a free 12-week exercise referral scheme at the leisure centre.",
        ),
    ),
    SAFE: (
        (
            S.SEEN_WITH_OTHERS,
            "A crisis plan written in advance, in your own words, helps people stay in "
            "control of what happens when things get bad.",
        ),
        (
            S.RESOURCES_ELSEWHERE,
            "Samaritans (116 123) answer day and night, and the crisis cafe on Market "
            "Street is open every evening.",
        ),
    ),
    MONEY: (
        (
            S.RESOURCES_ELSEWHERE,
            "Citizens Advice can check benefit entitlement and help with debt; there's a "
            "drop-in on Tuesdays.",
        ),
        (
            S.CONTRIBUTING_FACTORS,
            "Money worries are one of the most common triggers for relapse that we see.",
        ),
    ),
    HOME: (
        (
            S.RESOURCES_ELSEWHERE,
            "The council's tenancy sustainment team can help with repair disputes and arrears.",
        ),
        (
            S.SEEN_WITH_OTHERS,
            "People often find a move harder than they expect; planning the first month "
            "in a new place together helps.",
        ),
    ),
    WORK: (
        (
            S.SEEN_WITH_OTHERS,
            "People who look for real jobs straight away, with support, are more likely "
            "to find work than those who do long preparation courses first.",
        ),
        (
            S.RESOURCES_WE_CONTROL,
            "Our employment specialist can meet weekly, help with CVs and talk to "
            "employers - only with your agreement.",
        ),
    ),
    REL: (
        (
            S.SEEN_WITH_OTHERS,
            "Peer support groups help many people feel less alone; most say the first "
            "visit is the hardest.",
        ),
        (
            S.RESOURCES_ELSEWHERE,
            "The Recovery College runs free courses, co-taught by people with lived experience.",
        ),
    ),
}

# The team's library: (life area, name, provider, how to access, control)
LIBRARY: tuple[tuple[str, str, str, str, str], ...] = (
    (
        WORK,
        "Individual Placement and Support (IPS)",
        "North Riverside CMHT - employment specialist",
        "Ask anyone on your care team. We meet weekly, wherever suits you.",
        ResourceControl.OUR_SERVICE,
    ),
    (
        MW,
        "Medication review with the team psychiatrist",
        "North Riverside CMHT",
        "Booked by your care coordinator, usually within four weeks.",
        ResourceControl.OUR_SERVICE,
    ),
    (
        PH,
        "Physical health check clinic",
        "North Riverside CMHT",
        "Monthly clinic at the Riverside Centre: blood pressure, bloods and weight.",
        ResourceControl.OUR_SERVICE,
    ),
    (
        MONEY,
        "Citizens Advice money drop-in",
        "Citizens Advice Riverside",
        "Tuesdays 10am to 1pm at the central library, no appointment needed.",
        ResourceControl.ELSEWHERE,
    ),
    (
        HOME,
        "Tenancy sustainment team",
        "Riverside Council Housing",
        "Referral by phone, or we can refer you.",
        ResourceControl.ELSEWHERE,
    ),
    (
        REL,
        "Recovery College courses",
        "Riverside Recovery College",
        "Enrol online or at reception. Courses are free.",
        ResourceControl.ELSEWHERE,
    ),
    (
        SAFE,
        "Crisis cafe",
        "Mind in Riverside",
        "Open 6pm to 11pm every day at 14 Market Street. Just walk in.",
        ResourceControl.ELSEWHERE,
    ),
    (
        MW,
        "Hearing Voices group",
        "Riverside Hearing Voices Network",
        "Wednesdays at 2pm, peer-led, at the Riverside Centre.",
        ResourceControl.ELSEWHERE,
    ),
    (
        PH,
        "Walking for wellbeing group",
        "Riverside Ramblers",
        "Saturdays at 10am from the park gates.",
        ResourceControl.PERSONAL,
    ),
)

# Commitments by life area. "{pro}" is the professional's first name.
PERSON_COMMITMENTS: dict[str, tuple[str, ...]] = {
    MW: (
        "Keep my sleep and mood diary and bring it to our next meeting",
        "Let {pro} know if I miss two doses in a row",
    ),
    PH: (
        "Go to the physical health check",
        "Walk to the shop instead of getting the bus twice a week",
    ),
    SAFE: ("Read through my crisis plan with {pro} and say what I'd change",),
    MONEY: (
        "Bring my letters from the council to our next meeting",
        "Go to the Citizens Advice drop-in",
    ),
    HOME: ("Report the damp to the landlord in writing and keep a copy",),
    WORK: (
        "Update my CV with the volunteering I've done",
        "Apply for two jobs I actually like the look of",
    ),
    REL: ("Ring my brother on Sunday", "Go to the Recovery College open day"),
}
PRO_COMMITMENTS: dict[str, tuple[str, ...]] = {
    MW: (
        "Book a medication review with Dr Patel",
        "Visit every fortnight and check in about sleep",
    ),
    PH: ("Book the physical health check and text the appointment time",),
    SAFE: ("Type up the crisis plan we agreed and share a copy",),
    MONEY: (
        "Refer to Citizens Advice for a benefits check",
        "Write a supporting letter for the PIP claim",
    ),
    HOME: ("Chase the housing officer about the repair request",),
    WORK: ("Contact three local employers about part-time roles", "Help prepare for the interview"),
    REL: ("Find out when the peer support group meets and send the details",),
}

REVIEW_NOTES = (
    "We went through each outcome together. {first} feels steadier than last time.",
    "A hard few weeks. We agreed to meet weekly until things settle.",
    "{first} led the review and set the agenda. Lots of progress on the practical side.",
    "Good review. {first} wants to focus on fewer things and do them properly.",
    "We talked about what has helped most. {first} says it's having one plan everyone can see.",
)


# --------------------------------------------------------------------------
# Building the demo
# --------------------------------------------------------------------------


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
    return rows


def demo_usernames() -> list[str]:
    return [LEAD.username, *(s.username for s in STAFF), *(p.username for p in PEOPLE)]


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
        _mark_plans_seen()
    return DemoResult(created=True, logins=demo_logins())


def _mark_plans_seen() -> None:
    """The care teams have read their plans, except where the person is waiting.

    So the caseload's "changed since you last looked" means something on day
    one: it shows only on plans with a suggestion from the person.
    """
    waiting = Proposal.objects.filter(
        plan=OuterRef("plan"), status=Proposal.Status.PENDING, proposed_side=Side.PERSON
    )
    demo = CareTeamMember.objects.filter(plan__person__user__username__in=demo_usernames())
    demo.exclude(Exists(waiting)).update(
        last_seen_version=Subquery(Plan.objects.filter(pk=OuterRef("plan")).values("version")[:1])
    )


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
    Person.objects.filter(user__in=users).delete()
    teams = Team.objects.filter(name=DEMO_TEAM_NAME)
    ResourceLibraryItem.objects.filter(team__in=teams).delete()
    teams.delete()
    Professional.objects.filter(user__in=users).delete()
    users.delete()


class _DemoBuilder:
    def __init__(self, today: date, password: str) -> None:
        self.today = today
        self.password = password
        self.rng = random.Random(SEED)
        self.pros: dict[str, Professional] = {}
        self.library: dict[str, list[ResourceLibraryItem]] = {}

    def build(self) -> None:
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
            self._plan(person)

    def _user(self, username: str, first: str, last: str) -> User:
        return User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.coproduce.invalid",
            password=self.password,
        )

    def _professional(self, spec: StaffSpec, team: Team) -> Professional:
        user = self._user(spec.username, spec.first_name, spec.last_name)
        return Professional.objects.create(
            user=user, team=team, discipline=spec.discipline, job_title=spec.job_title
        )

    def _plan(self, spec: PersonSpec) -> None:
        rng = self.rng
        today = self.today
        user = self._user(spec.username, spec.first_name, spec.last_name)
        person = Person.objects.create(user=user, date_of_birth=spec.born, pronouns=spec.pronouns)
        pros = [self.pros[name] for name in spec.care_team]

        # When the plan started, its reviews, and when the next one is due.
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
        if spec.status == Plan.Status.CLOSED:
            next_review: date | None = None
        elif spec.overdue:
            next_review = today - timedelta(days=rng.randint(4, 20))
        elif review_days:
            next_review = max(
                review_days[-1] + timedelta(days=rng.randint(42, 56)),
                today + timedelta(days=rng.randint(3, 21)),
            )
        else:
            next_review = today + timedelta(days=10)

        plan = Plan.objects.create(
            person=person,
            status=spec.status,
            next_review_date=next_review,
            about_admire=spec.about_admire,
            about_matters=spec.about_matters,
            about_support=spec.about_support,
            closed_at=at(review_days[-1], 15) if spec.status == Plan.Status.CLOSED else None,
        )
        # created_at is auto_now_add: back-date it to when the plan really started.
        Plan.objects.filter(pk=plan.pk).update(created_at=at(start, 9))
        Person.objects.filter(pk=person.pk).update(created_at=at(start, 9))

        for pro in pros:
            CareTeamMember.objects.create(
                plan=plan,
                professional=pro,
                role="Care coordinator" if pro is pros[0] else pro.job_title,
                added_by=user,
                added_at=at(start, 9, 30),
            )

        areas = self._life_areas(plan, spec, user, start)
        changes: list[PlanChange] = [
            PlanChange(
                plan=plan,
                actor=user,
                actor_side=PERSON,
                at=at(start, 9),
                action=PlanChange.Action.CREATE,
                item_type="plan",
                item_code=plan.code,
                summary="Plan created",
            ),
            PlanChange(
                plan=plan,
                actor=user,
                actor_side=PERSON,
                at=at(start, 9, 30),
                action=PlanChange.Action.ACCESS,
                item_type="care_team",
                summary="Invited " + ", ".join(p.user.name for p in pros) + " to the care team",
            ),
        ]
        for area in areas.values():
            if area.leadership != L.PERSON_LEADS:
                changes.append(
                    PlanChange(
                        plan=plan,
                        life_area=area,
                        actor=user,
                        actor_side=PERSON,
                        at=at(start + timedelta(days=7), 11),
                        action=PlanChange.Action.LEADERSHIP,
                        item_type="life_area",
                        item_code=area.code,
                        summary=f"New balance in {area.name}: {L(area.leadership).label}"
                        " (agreed at the first meeting)",
                        before={"leadership": L.PERSON_LEADS.label},
                        after={"leadership": L(area.leadership).label},
                    )
                )

        # Reviews (written first so that ratings can point at them).
        reviews: list[Review] = []
        for index, day in enumerate(review_days):
            starter_is_person = index % 2 == 1
            following = review_days[index + 1] if index + 1 < len(review_days) else next_review
            review = Review.objects.create(
                plan=plan,
                held_on=day,
                started_by=user if starter_is_person else pros[0].user,
                started_side=PERSON if starter_is_person else PRO,
                next_review_date=following,
                notes=rng.choice(REVIEW_NOTES).format(first=spec.first_name),
                completed_at=at(day, 12),
            )
            review.participants.set([user, *(p.user for p in pros)])
            reviews.append(review)
            changes.append(
                PlanChange(
                    plan=plan,
                    actor=review.started_by,
                    actor_side=review.started_side,
                    at=at(day, 12),
                    action=PlanChange.Action.REVIEW,
                    item_type="review",
                    item_code=review.code,
                    summary=f"Review held; next review {following.day} {following:%B %Y}"
                    if following
                    else "Final review held; plan closed",
                )
            )

        outcomes = self._outcomes(
            plan, spec, user, areas, start, review_days, reviews, pros, changes
        )
        self._expertise(plan, spec, user, areas, start, pros)
        self._resources(plan, spec, user, areas, start, pros, outcomes)
        self._commitments(plan, spec, user, areas, start, pros, outcomes)
        self._proposals(plan, spec, user, areas, start, pros, outcomes, changes)
        # Number the history as plans.services does, so "what changed since version N"
        # works on demo plans too.
        changes.sort(key=lambda change: change.at)
        for number, change in enumerate(changes, start=2):
            change.plan_version = number
        history_chain.seal(changes)
        PlanChange.objects.bulk_create(changes)
        Plan.objects.filter(pk=plan.pk).update(version=len(changes) + 1)

    def _life_areas(
        self, plan: Plan, spec: PersonSpec, user: User, start: date
    ) -> dict[str, LifeArea]:
        names = list(DEFAULT_LIFE_AREAS)
        if spec.extra_area:
            names.append(spec.extra_area)
        rows = [
            LifeArea(
                plan=plan,
                name=name,
                position=position,
                leadership=spec.leadership.get(name, L.PERSON_LEADS),
                is_default=name in DEFAULT_LIFE_AREAS,
                created_by=user,
                created_side=PERSON,
                created_at=at(start, 9) if name in DEFAULT_LIFE_AREAS else at(start, 9, 20),
            )
            for position, name in enumerate(names)
        ]
        return {area.name: area for area in LifeArea.objects.bulk_create(rows)}

    def _outcomes(
        self,
        plan: Plan,
        spec: PersonSpec,
        user: User,
        areas: dict[str, LifeArea],
        start: date,
        review_days: list[date],
        reviews: list[Review],
        pros: list[Professional],
        changes: list[PlanChange],
    ) -> list[ValuedOutcome]:
        rng = self.rng
        ratings: list[Rating] = []
        outcomes: list[ValuedOutcome] = []
        for number, o in enumerate(spec.outcomes):
            first_review = min(o.from_review, len(review_days))
            written_on = review_days[first_review - 1] if first_review else start
            settled = o.status != ValuedOutcome.Status.ACTIVE
            last_review = (
                min(o.settled_at_review, len(reviews) - 1) if settled else len(reviews) - 1
            )
            outcome = ValuedOutcome.objects.create(
                plan=plan,
                life_area=areas[o.area],
                created_by=user,
                created_side=PERSON,
                created_at=at(written_on, 10, 5 * number),
                text=o.text,
                why_it_matters=o.why,
                target_date=self.today + timedelta(weeks=o.target_weeks)
                if o.target_weeks is not None
                else None,
                status=o.status,
                status_changed_at=at(review_days[last_review], 12) if settled else None,
                updated_by=user if settled else None,
                updated_side=PERSON if settled else "",
                updated_at=at(review_days[last_review], 12) if settled else None,
                version=2 if settled else 1,
            )
            outcomes.append(outcome)
            changes.append(
                PlanChange(
                    plan=plan,
                    life_area=areas[o.area],
                    actor=user,
                    actor_side=PERSON,
                    at=outcome.created_at,
                    action=PlanChange.Action.CREATE,
                    item_type="outcome",
                    item_code=outcome.code,
                    summary=f"Added what I want: “{o.text}”",
                    after={"text": o.text, "why_it_matters": o.why},
                )
            )
            if settled:
                changes.append(
                    PlanChange(
                        plan=plan,
                        life_area=areas[o.area],
                        actor=user,
                        actor_side=PERSON,
                        at=outcome.updated_at or outcome.created_at,
                        action=PlanChange.Action.EDIT,
                        item_type="outcome",
                        item_code=outcome.code,
                        summary=f"Marked “{o.text}” as {outcome.get_status_display().lower()}",
                        before={"status": ValuedOutcome.Status.ACTIVE},
                        after={"status": o.status},
                    )
                )

            score = float(o.start)
            for index in range(first_review, last_review + 1):
                review = reviews[index]
                if index > first_review:
                    # Outcomes that were reached got there steadily; the rest wobble.
                    steps = (
                        (0, 1, 1, 2) if settled and o.status == "achieved" else (-1, 0, 1, 1, 1, 2)
                    )
                    score += o.pace * rng.choice(steps)
                mine = clamp(round(score))
                if o.status == ValuedOutcome.Status.ACHIEVED and index == last_review:
                    mine = max(mine, rng.randint(8, 10))
                theirs = clamp(mine + o.pro_view + rng.choice((-1, 0, 0, 0, 1)))
                skip = rng.random()
                rater = pros[index % len(pros)].user
                if skip > 0.08:  # now and then the person did not rate
                    ratings.append(
                        Rating(
                            outcome=outcome,
                            plan=plan,
                            side=PERSON,
                            rated_by=user,
                            score=mine,
                            rated_on=review.held_on,
                            created_at=at(review.held_on, 11),
                            review=review,
                        )
                    )
                if skip < 0.92:  # ...or the professional did not
                    ratings.append(
                        Rating(
                            outcome=outcome,
                            plan=plan,
                            side=PRO,
                            rated_by=rater,
                            score=theirs,
                            rated_on=review.held_on,
                            created_at=at(review.held_on, 11, 15),
                            review=review,
                        )
                    )
        Rating.objects.bulk_create(ratings)
        return outcomes

    def _expertise(
        self,
        plan: Plan,
        spec: PersonSpec,
        user: User,
        areas: dict[str, LifeArea],
        start: date,
        pros: list[Professional],
    ) -> None:
        rows = [
            Expertise(
                plan=plan,
                life_area=areas[area] if area else None,
                kind=kind,
                text=text,
                created_by=user,
                created_side=PERSON,
                created_at=at(start + timedelta(days=number), 19),
            )
            for number, (kind, area, text) in enumerate(spec.expertise)
        ]
        focus = sorted({o.area for o in spec.outcomes if o.area in PRO_EXPERTISE})
        for number, area in enumerate(focus[:3]):
            kind, text = self.rng.choice(PRO_EXPERTISE[area])
            rows.append(
                Expertise(
                    plan=plan,
                    life_area=areas[area],
                    kind=kind,
                    text=text,
                    created_by=pros[number % len(pros)].user,
                    created_side=PRO,
                    created_at=at(start + timedelta(days=3 + number), 14),
                )
            )
        Expertise.objects.bulk_create(rows)

    def _resources(
        self,
        plan: Plan,
        spec: PersonSpec,
        user: User,
        areas: dict[str, LifeArea],
        start: date,
        pros: list[Professional],
        outcomes: list[ValuedOutcome],
    ) -> None:
        by_area: dict[int, list[ValuedOutcome]] = {}
        for outcome in outcomes:
            by_area.setdefault(outcome.life_area_id, []).append(outcome)
        for number, (area, name, provider, how) in enumerate(spec.own_resources):
            resource = Resource.objects.create(
                plan=plan,
                life_area=areas[area],
                name=name,
                provider=provider,
                how_to_access=how,
                control=ResourceControl.PERSONAL,
                created_by=user,
                created_side=PERSON,
                created_at=at(start + timedelta(days=2 + number), 20),
            )
            resource.outcomes.set(by_area.get(areas[area].pk, []))
        if spec.status == Plan.Status.DRAFT:
            return
        used = 0
        for area in dict.fromkeys(o.area for o in spec.outcomes):
            offers = self.library.get(area, [])
            if not offers or self.rng.random() < 0.3:
                continue
            item = offers[0] if len(offers) == 1 else self.rng.choice(offers)
            author = pros[used % len(pros)].user
            resource = Resource.objects.create(
                plan=plan,
                life_area=areas[area],
                name=item.name,
                provider=item.provider,
                how_to_access=item.how_to_access,
                control=item.control,
                library_item=item,
                created_by=author,
                created_side=PRO,
                created_at=at(start + timedelta(days=5 + used), 15),
            )
            resource.outcomes.set(by_area.get(areas[area].pk, []))
            used += 1

    def _commitments(
        self,
        plan: Plan,
        spec: PersonSpec,
        user: User,
        areas: dict[str, LifeArea],
        start: date,
        pros: list[Professional],
        outcomes: list[ValuedOutcome],
    ) -> None:
        rng = self.rng
        today = self.today
        lead_pro = pros[0]
        active_areas = list(
            dict.fromkeys(o.area for o in spec.outcomes if o.area in PERSON_COMMITMENTS)
        )
        rows: list[Commitment] = []
        for number, area in enumerate(active_areas[:3]):
            for side in (PERSON, PRO):
                pool = PERSON_COMMITMENTS if side == PERSON else PRO_COMMITMENTS
                what = rng.choice(pool[area]).format(pro=lead_pro.user.first_name)
                who = user if side == PERSON else pros[number % len(pros)].user
                # Mostly people write their own commitments; sometimes the other side
                # writes one down for them during a meeting, and they agree.
                author, author_side = (
                    (who, side)
                    if rng.random() < 0.75
                    else ((pros[0].user, PRO) if side == PERSON else (user, PERSON))
                )
                if spec.status == Plan.Status.DRAFT:  # only just started: all still to do
                    status, due = Commitment.Status.OPEN, today + timedelta(days=rng.randint(7, 28))
                elif spec.status == Plan.Status.CLOSED or number == 0:
                    status, due = (
                        Commitment.Status.DONE,
                        today - timedelta(days=rng.randint(10, 80)),
                    )
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
                written = min(written, due - timedelta(days=3))
                closed = status != Commitment.Status.OPEN
                rows.append(
                    Commitment(
                        plan=plan,
                        life_area=areas[area],
                        who=who,
                        who_side=side,
                        what=what,
                        due_date=due,
                        status=status,
                        created_by=author,
                        created_side=author_side,
                        created_at=at(written, 13),
                        updated_by=who if closed else None,
                        updated_side=side if closed else "",
                        updated_at=at(min(due, today), 17) if closed else None,
                        version=2 if closed else 1,
                    )
                )
        Commitment.objects.bulk_create(rows)

    def _proposals(
        self,
        plan: Plan,
        spec: PersonSpec,
        user: User,
        areas: dict[str, LifeArea],
        start: date,
        pros: list[Professional],
        outcomes: list[ValuedOutcome],
        changes: list[PlanChange],
    ) -> None:
        """Suggestions across the line of leadership: some answered, some waiting.

        Payloads have the shape plans.services writes ({"data", "before", "after"}),
        so a pending demo suggestion can be accepted or declined in the app.
        """
        if spec.status == Plan.Status.DRAFT:
            return
        today = self.today
        rng = self.rng
        pro = pros[0]

        def propose(proposal: Proposal, summary: str) -> None:
            proposal.save()
            changes.append(
                PlanChange(
                    plan=plan,
                    life_area=proposal.life_area,
                    actor=proposal.proposed_by,
                    actor_side=proposal.proposed_side,
                    at=proposal.created_at,
                    action=PlanChange.Action.PROPOSE,
                    item_type=proposal.item_type,
                    item_code=proposal.item_code,
                    summary=summary,
                    before=proposal.payload.get("before") or None,
                    after=proposal.payload.get("after"),
                    proposal=proposal,
                )
            )
            if proposal.status == Proposal.Status.DECLINED and proposal.answered_at:
                changes.append(
                    PlanChange(
                        plan=plan,
                        life_area=proposal.life_area,
                        actor=proposal.answered_by,
                        actor_side=PERSON if proposal.proposed_side == PRO else PRO,
                        at=proposal.answered_at,
                        action=PlanChange.Action.DECLINE,
                        summary=f"Declined {proposal.proposed_by.name}'s suggestion: "
                        f"{proposal.answer_reason}"[:300],
                        proposal=proposal,
                    )
                )

        # A professional suggests a resource from the library in an area the person leads.
        offered = {row[0] for row in LIBRARY}
        person_led = [a for a in areas.values() if a.leadership < L.SHARED and a.name in offered]
        if person_led:
            area = rng.choice(person_led)
            _, name, provider, how, control = next(row for row in LIBRARY if row[0] == area.name)
            helps = [o for o in outcomes if o.life_area_id == area.pk and o.status == "active"]
            pending = spec.username == "amara" or rng.random() < 0.5
            proposed_on = today - timedelta(days=rng.randint(3, 12))
            propose(
                Proposal(
                    plan=plan,
                    life_area=area,
                    action=Proposal.Action.ADD,
                    item_type="resource",
                    payload={
                        "data": {
                            "name": name,
                            "provider": provider,
                            "how_to_access": how,
                            "control": str(control),
                            "outcomes": [str(o.code) for o in helps],
                        },
                        "before": {},
                        "after": {
                            "name": name,
                            "provider": provider,
                            "how_to_access": how,
                            "control": ResourceControl(control).label,
                            "outcomes": [str(o) for o in helps],
                        },
                    },
                    reason=f"I think {name} could really help here - what do you think?",
                    proposed_by=pro.user,
                    proposed_side=PRO,
                    created_at=at(proposed_on, 16),
                    status=Proposal.Status.PENDING if pending else Proposal.Status.DECLINED,
                    answered_by=None if pending else user,
                    answered_at=None if pending else at(proposed_on + timedelta(days=2), 9),
                    answer_reason=""
                    if pending
                    else "Not right now - I've got enough on. Ask me again after the next review.",
                ),
                f"Suggested adding resource: {name}",
            )

        # The person suggests a commitment in an area the professionals lead.
        pro_led = [a for a in areas.values() if a.leadership > L.SHARED]
        if pro_led:
            area = pro_led[0]
            proposed_on = start + timedelta(days=rng.randint(40, 90))
            due = proposed_on + timedelta(days=28)
            what = "Move my evening tablets to the morning so I'm less groggy"
            accepted = rng.random() < 0.6
            proposal = Proposal(
                plan=plan,
                life_area=area,
                action=Proposal.Action.ADD,
                item_type="commitment",
                payload={
                    "data": {
                        "who": str(pro.user.pk),
                        "what": what,
                        "due_date": due.isoformat(),
                        "status": "open",
                    },
                    "before": {},
                    "after": {
                        "who": pro.user.name,
                        "what": what,
                        "due_date": due.isoformat(),
                        "status": Commitment.Status.OPEN.label,
                    },
                },
                reason="I'm so slow in the mornings I can't get to anything before lunch.",
                proposed_by=user,
                proposed_side=PERSON,
                created_at=at(proposed_on, 18),
                status=Proposal.Status.ACCEPTED if accepted else Proposal.Status.DECLINED,
                answered_by=pro.user,
                answered_at=at(proposed_on + timedelta(days=rng.randint(1, 6)), 10),
                answer_reason="Agreed - let's try it for four weeks and review together."
                if accepted
                else "Let's wait for the medication review with Dr Patel: changing two "
                "things at once makes it hard to know what helped.",
            )
            propose(proposal, f"Suggested adding commitment: {what}")
            if accepted and proposal.answered_at:
                changes.append(
                    PlanChange(
                        plan=plan,
                        life_area=area,
                        actor=pro.user,
                        actor_side=PRO,
                        at=proposal.answered_at,
                        action=PlanChange.Action.ACCEPT,
                        item_type="commitment",
                        summary=f"Accepted {user.name}'s suggestion: {proposal.answer_reason}",
                        proposal=proposal,
                    )
                )
                commitment = Commitment.objects.create(
                    plan=plan,
                    life_area=area,
                    who=pro.user,
                    who_side=PRO,
                    what=what,
                    due_date=due,
                    status=Commitment.Status.DONE,
                    created_by=user,  # the author of an accepted suggestion keeps the credit
                    created_side=PERSON,
                    created_at=proposal.answered_at,
                    updated_by=pro.user,
                    updated_side=PRO,
                    updated_at=at(due, 17),
                    version=2,
                )
                changes.append(
                    PlanChange(
                        plan=plan,
                        life_area=area,
                        actor=user,
                        actor_side=PERSON,
                        at=proposal.answered_at + timedelta(seconds=1),
                        action=PlanChange.Action.CREATE,
                        item_type="commitment",
                        item_code=commitment.code,
                        summary=f"Added commitment: {what}",
                        after=proposal.payload["after"],
                        proposal=proposal,
                    )
                )

        if spec.username == "amara":
            # How Mental wellbeing came to be professional-led (with agreement), and
            # Amara now asking, with a reason, to share it again.
            mental = areas[MW]
            asked_on = start + timedelta(days=5)
            earlier = Proposal(
                plan=plan,
                life_area=mental,
                action=Proposal.Action.LEADERSHIP,
                item_type="life_area",
                item_code=mental.code,
                base_version=1,
                payload=leadership_payload(L.PERSON_LEADS, L.PROFESSIONAL_LEADS_WITH_AGREEMENT),
                reason="While we change your medication, I'd like to lead on the doses and "
                "timings - always talking it through with you first.",
                proposed_by=pro.user,
                proposed_side=PRO,
                created_at=at(asked_on, 15),
                status=Proposal.Status.ACCEPTED,
                answered_by=user,
                answered_at=at(asked_on + timedelta(days=2), 11),
                answer_reason="OK, for now. I want to take it back once I'm settled.",
            )
            propose(
                earlier,
                f"Suggested a new balance in {MW}: {L.PROFESSIONAL_LEADS_WITH_AGREEMENT.label}",
            )
            # The leadership history entry itself comes from _plan (agreed on start + 7
            # days); point it at this proposal.
            for change in changes:
                if change.action == PlanChange.Action.LEADERSHIP and change.life_area is mental:
                    change.proposal = earlier
                    change.at = earlier.answered_at or change.at
                    change.summary = (
                        f"New balance in {MW}: {L.PROFESSIONAL_LEADS_WITH_AGREEMENT.label}"
                        f" (suggested by {pro.user.name}, agreed by {user.name})"
                    )
            propose(
                Proposal(
                    plan=plan,
                    life_area=mental,
                    action=Proposal.Action.LEADERSHIP,
                    item_type="life_area",
                    item_code=mental.code,
                    base_version=mental.version,
                    payload=leadership_payload(L.PROFESSIONAL_LEADS_WITH_AGREEMENT, L.SHARED),
                    reason="I've been stable on the new dose for three months and I know my "
                    "early signs now. I'd like us to share this again.",
                    proposed_by=user,
                    proposed_side=PERSON,
                    created_at=at(today - timedelta(days=2), 20),
                ),
                f"Suggested a new balance in {MW}: {L.SHARED.label}",
            )


def leadership_payload(before: int, after: int) -> dict[str, Any]:
    return {
        "data": {"leadership": int(after)},
        "before": {"leadership": L(before).label},
        "after": {"leadership": L(after).label},
    }


def clamp(score: int) -> int:
    return max(1, min(10, score))


# --------------------------------------------------------------------------
# The synthetic caseload (benchmarks)
# --------------------------------------------------------------------------

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
    history_chain.seal(changes)
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
