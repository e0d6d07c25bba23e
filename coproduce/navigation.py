"""The header's navigation: the pages each person's roles lead to.

Which roles someone has (a person with a plan, a professional, a team lead,
staff) is worked out once, when they sign in, and kept in their session, so
the header costs no query on any page. It only chooses which links to show:
every page still checks access itself. A professional made a lead during a
session sees "Team" from their next sign-in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse

from coproduce.models import Person, Professional, Team

SESSION_KEY = "nav_roles"

# (role, label, url name, the url names for which this item is the current one)
ITEMS = [
    ("person", "My plan", "home", ("plan_detail", "home")),
    ("professional", "My caseload", "caseload", ("caseload",)),
    ("lead", "Team", "team_overview", ("team_overview", "team_professionals")),
    (
        "lead",
        "Dashboard",
        "team_dashboard",
        ("team_dashboard", "team_dashboard_plans"),
    ),
    ("staff", "Teams", "staff_teams", ("staff_teams",)),
]


def roles_of(user: Any) -> list[str]:
    roles = []
    if Person.objects.filter(user=user).exists():
        roles.append("person")
    professional = Professional.objects.filter(user=user).first()
    if professional is not None:
        roles.append("professional")
        if Team.objects.filter(lead=professional).exists():
            roles.append("lead")
    if user.is_staff:
        roles.append("staff")
    return roles


@receiver(user_logged_in)
def _remember_roles(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = roles_of(user)


def header_navigation(request: HttpRequest) -> dict[str, object]:
    """The header's links for whoever is signed in: label, address, is it this page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {"header_nav": []}
    roles = request.session.get(SESSION_KEY)
    if roles is None:  # a session from before the header had links
        roles = request.session[SESSION_KEY] = roles_of(user)
    here = request.resolver_match.url_name if request.resolver_match else None
    return {
        "header_nav": [
            {"label": label, "url": reverse(name), "current": here in current}
            for role, label, name, current in ITEMS
            if role in roles
        ]
    }
