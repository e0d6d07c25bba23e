"""The personas every test can use.

amara   — a person, owner of a plan
ben     — a nurse on Amara's care team
chloe   — leads Ben's team (not on Amara's care team)
oscar   — an outsider professional in another team, who must not see Amara's plan
priya   — another person, with her own plan, who must not see Amara's
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from coproduce.models import Discipline, Person, Professional, Team
from plans.models import Plan
from tests import factories as f


@dataclass
class Cast:
    amara: Person
    ben: Professional
    chloe: Professional
    oscar: Professional
    priya: Person
    team: Team
    other_team: Team
    plan: Plan
    priya_plan: Plan


@pytest.fixture
def cast(db: None) -> Cast:
    team = f.make_team("Riverside CMHT")
    other_team = f.make_team("Hillside CMHT")
    chloe = f.make_professional("chloe", "Chloe Adeyemi", team, Discipline.TEAM_MANAGER)
    team.lead = chloe
    team.save()
    ben = f.make_professional("ben", "Ben Okafor", team, Discipline.NURSE)
    oscar = f.make_professional("oscar", "Oscar Lind", other_team, Discipline.SOCIAL_WORKER)
    amara = f.make_person("amara", "Amara Osei")
    priya = f.make_person("priya", "Priya Shah")
    plan = f.make_plan(amara)
    f.add_to_care_team(plan, ben)
    priya_plan = f.make_plan(priya)
    f.add_to_care_team(priya_plan, oscar)
    return Cast(amara, ben, chloe, oscar, priya, team, other_team, plan, priya_plan)


def login(client: Client, who: Person | Professional) -> Client:
    client.force_login(who.user)
    return client
