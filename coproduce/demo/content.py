"""What the demo shows: one community mental health team and the people it supports.

Plain data only. `coproduce.demo.builder` turns it into plans by calling the
same services the views call, each at its own moment (relative to the day the
demo is seeded), so the history is written by the services alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coproduce.models import Discipline
from outcomes.models import ValuedOutcome
from plans.models import DEFAULT_LIFE_AREAS, ExpertiseKind, Leadership, Plan, ResourceControl

DEMO_PASSWORD = "coproduce-demo"  # noqa: S105 - published demo logins, never real people
DEMO_TEAM_NAME = "North Riverside Community Mental Health Team"
SEED = 20261125

MW, PH, SAFE, MONEY, HOME, WORK, REL = DEFAULT_LIFE_AREAS

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
    # A rewording a professional suggested two weeks after it was written, which
    # the person accepted: from then on, those words are the professional's.
    reworded: str = ""


@dataclass(frozen=True)
class CrisisSpec:
    """A person's crisis plan: what they write, whom to call, and what the care team adds."""

    # section kind (plans.services.KINDS) -> {field: the person's words}
    sections: dict[str, dict[str, str]]
    # (name, relationship, number, by day, by night, at weekends)
    contacts: tuple[tuple[str, str, str, bool, bool, bool], ...]
    # What the care coordinator suggests (section kind, field, words), accepted by the person.
    suggestion: tuple[str, str, str] | None = None
    written_days_ago: int = 40
    reviewed_days_ago: int | None = None
    agreed_by: tuple[str, ...] = ()


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
    crisis: CrisisSpec | None = None


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
        crisis=CrisisSpec(
            sections={
                "crisis_signs": {
                    "warning_signs": "I stop sleeping, then stop answering texts. I skip choir. "
                    "I start thinking people are talking about me on the bus."
                },
                "crisis_helps": {
                    "helps": "My sister Efua coming round. Gospel music, loud. A walk by the "
                    "river. Being told plainly what is happening.",
                    "does_not_help": "Being rushed, or lots of people asking the same "
                    "questions. Being left on my own all night.",
                },
                "crisis_tell": {
                    "tell": "Efua (my sister), and my choir leader so they don't worry.",
                    "do_not_tell": "My old manager at work.",
                },
                "crisis_treatment": {
                    "treatment_preferences": "Home treatment team first if at all possible. "
                    "Quetiapine has helped me sleep before.",
                    "do_not_want": "I do not want haloperidol: it made me feel like a "
                    "zombie. Please don't send me to a ward far from home.",
                },
                "crisis_practical": {
                    "children": "No children. My nephew stays Saturdays: tell Efua.",
                    "pets": "",
                    "bills": "Rent goes out on the 1st by direct debit.",
                    "keys": "Efua and my neighbour Mrs Adjei have spare keys.",
                },
            },
            contacts=(
                ("Efua Osei", "sister", "07700 900461", True, True, True),
                ("Ben Okafor", "care coordinator", "0113 496 0123", True, False, False),
                ("Crisis and home treatment team", "", "0113 496 0999", False, True, True),
            ),
            suggestion=(
                "crisis_signs",
                "warning_signs",
                "I stop sleeping, then stop answering texts. I skip choir. I start thinking "
                "people are talking about me on the bus. Efua notices I go quiet on the family "
                "WhatsApp.",
            ),
            reviewed_days_ago=12,
            agreed_by=("ben",),
        ),
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
                reworded="I want to cut down to ten cigarettes a day, with the stop-smoking "
                "clinic.",
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
                reworded="I want to get the bus on my own, short trips first, without panicking.",
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
                reworded="I want to get my sugar levels under control, checked every three "
                "months, so I keep my feet.",
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
                reworded="I want to understand what each of my tablets is for, and what to ask.",
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
                reworded="I want to find, with my psychiatrist, a medication that doesn't make "
                "me so tired.",
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


# A new balance of leadership, agreed at the first meeting: the side that will
# lead asks, the other side agrees. (value: (reason, answer))
LEADERSHIP_AGREED: dict[int, tuple[str, str]] = {
    L.PERSON_LEADS_WITH_SUPPORT: (
        "I want to lead on this, with you there to help when I ask.",
        "Agreed at our first meeting.",
    ),
    L.SHARED: (
        "I'd like us to share this one: we both know things that matter here.",
        "Agreed at our first meeting.",
    ),
    L.PROFESSIONAL_LEADS_WITH_AGREEMENT: (
        "For now I'd like to lead on this, always checking with you first.",
        "OK, as long as you check with me. Agreed at our first meeting.",
    ),
}

# How Mental wellbeing came to be professional-led on Amara's plan, and her
# asking, months later, to share it again.
AMARA_MW_ASKED = (
    "While we change your medication, I'd like to lead on the doses and "
    "timings - always talking it through with you first."
)
AMARA_MW_AGREED = "OK, for now. I want to take it back once I'm settled."
AMARA_MW_BACK = (
    "I've been stable on the new dose for three months and I know my "
    "early signs now. I'd like us to share this again."
)

# A professional suggests a resource from the library where the person leads.
LIBRARY_SUGGESTION = "I think {name} could really help here - what do you think?"
LIBRARY_SUGGESTION_DECLINED = (
    "Not right now - I've got enough on. Ask me again after the next review."
)

# The person suggests a commitment where the professionals lead.
PERSON_SUGGESTION = "Move my evening tablets to the morning so I'm less groggy"
PERSON_SUGGESTION_WHY = "I'm so slow in the mornings I can't get to anything before lunch."
PERSON_SUGGESTION_ACCEPTED = "Agreed - let's try it for four weeks and review together."
PERSON_SUGGESTION_DECLINED = (
    "Let's wait for the medication review with Dr Patel: changing two "
    "things at once makes it hard to know what helped."
)

# A professional's item added where the other side leads goes in as a
# suggestion; the person (or professional) agrees with one of these.
ACCEPTED_AT_A_MEETING = "We talked it through and I'm happy with it."

# A professional who asked to join a care team with the person's share code,
# still waiting for the person's answer: (professional, person, days ago, message).
ACCESS_REQUESTS: tuple[tuple[str, str, int, str], ...] = (
    (
        "hana",
        "james",
        4,
        "Ben mentioned you'd like someone to talk to who isn't paid to see you. I know "
        "the befriending schemes well and would be glad to help, if you'd like me to.",
    ),
)


# --- people on a person's side (supporters) ---------------------------------------------


@dataclass(frozen=True)
class SupporterSpec:
    """Someone the person invites onto their side, and what they suggest to the person."""

    username: str
    first_name: str
    last_name: str
    supports: str  # the person's username
    relationship: str
    may_suggest: bool
    # (life area, resource name, who provides it, how to get it): suggestions to the
    # person; the first she takes up (her own edit then), the rest wait for her.
    suggestions: tuple[tuple[str, str, str, str], ...]
    # A commitment the person writes naming this supporter: (life area, what).
    commitment: tuple[str, str] | None = None
    # Whether the person lets them rate progress from their own view, and their
    # rating of her first outcome still being worked on: (score, note).
    may_rate: bool = False
    rating: tuple[int, str] | None = None


SUPPORTERS: tuple[SupporterSpec, ...] = (
    SupporterSpec(
        "efua",
        "Efua",
        "Osei",
        supports="amara",
        relationship="family",
        may_suggest=True,
        suggestions=(
            (
                REL,
                "Sunday lunch at Efua's",
                "Efua (my sister)",
                "Every Sunday at one - just turn up, no need to ring first.",
            ),
            (
                MW,
                "Evening walk with Efua",
                "Efua (my sister)",
                "Text her after work; she's free most evenings after seven.",
            ),
        ),
        commitment=(WORK, "come with me to the first meeting at the job centre"),
        may_rate=True,
        rating=(6, "She is out of the house more; the mornings are still hard."),
    ),
)

# A commitment naming someone with no sign-in at all (an outside service).
OUTSIDE_SERVICE_COMMITMENT = (MONEY, "Citizens Advice", "check which benefits I can claim")
