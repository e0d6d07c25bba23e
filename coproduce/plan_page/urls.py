"""The plan page and everything that draws or changes a piece of it."""

from django.urls import path, register_converter

from coproduce.converters import OneOf
from coproduce.plan_page import (
    crisis,
    editing,
    export,
    lifecycle,
    page,
    rating,
    replies,
    suggestions,
)
from plans.models import Reply


class KindConverter(OneOf):
    """Only the kinds of item the plan knows; anything else is a 404 at routing."""

    regex = "outcome|resource|commitment|expertise|life_area"


class AnswerConverter(OneOf):
    regex = "accept|decline|withdraw"


class ReplyTargetConverter(OneOf):
    """What a reply can be about."""

    regex = "|".join(Reply.Target.values)


class CrisisSectionConverter(OneOf):
    """The sections of the crisis plan, each edited on its own."""

    regex = "|".join(crisis.SECTION_BY_ANCHOR)


register_converter(KindConverter, "kind")
register_converter(CrisisSectionConverter, "crisis_section")
register_converter(ReplyTargetConverter, "reply_target")
register_converter(AnswerConverter, "answer")

urlpatterns = [
    path("plans/<uuid:code>/", page.plan_detail, name="plan_detail"),
    path("plans/<uuid:code>/live/", page.live, name="plan_live"),
    path("plans/<uuid:code>/areas/<uuid:area_code>/", page.area_fragment, name="area_fragment"),
    path(
        "plans/<uuid:code>/about/edit/",
        editing.item_edit,
        {"kind_name": "about"},
        name="about_edit",
    ),
    path(
        "plans/<uuid:code>/areas/<uuid:area_code>/leadership/",
        suggestions.leadership_propose,
        name="leadership_propose",
    ),
    path("plans/<uuid:code>/<kind:kind_name>/add/", editing.item_add, name="item_add"),
    path(
        "plans/<uuid:code>/<kind:kind_name>/<uuid:item_code>/edit/",
        editing.item_edit,
        name="item_edit",
    ),
    path(
        "plans/<uuid:code>/<kind:kind_name>/<uuid:item_code>/remove/",
        editing.item_remove,
        name="item_remove",
    ),
    path(
        "plans/<uuid:code>/<kind:kind_name>/<uuid:item_code>/agree/",
        editing.item_agree,
        name="item_agree",
    ),
    path(
        "plans/<uuid:code>/areas/<uuid:area_code>/agree/",
        editing.area_agree,
        name="area_agree",
    ),
    path(
        "plans/<uuid:code>/suggestions/<uuid:proposal_code>/<answer:answer>/",
        suggestions.proposal_answer,
        name="proposal_answer",
    ),
    path(
        "plans/<uuid:code>/outcomes/<uuid:outcome_code>/rate/",
        rating.rate_outcome,
        name="outcome_rate",
    ),
    path(
        "plans/<uuid:code>/outcomes/<uuid:outcome_code>/ratings/<uuid:rating_code>/withdraw/",
        rating.withdraw_rating,
        name="rating_withdraw",
    ),
    path(
        "plans/<uuid:code>/replies/<reply_target:target_type>/<uuid:target_code>/",
        replies.reply_add,
        name="reply_add",
    ),
    path("plans/<uuid:code>/agree/", lifecycle.plan_agree, name="plan_agree"),
    path("plans/<uuid:code>/close/", lifecycle.plan_close, name="plan_close"),
    path("plans/<uuid:code>/new-plan/", lifecycle.plan_new_episode, name="plan_new_episode"),
    path("plans/earlier/", lifecycle.earlier_plans, name="earlier_plans"),
    path("plans/<uuid:code>/crisis/", crisis.crisis_plan, name="crisis_plan"),
    path("plans/<uuid:code>/crisis/live/", crisis.crisis_live, name="crisis_live"),
    path("plans/<uuid:code>/crisis/print/", crisis.crisis_print, name="crisis_print"),
    path("plans/<uuid:code>/crisis/card/", crisis.crisis_card, name="crisis_card"),
    path(
        "plans/<uuid:code>/crisis/<crisis_section:section>/",
        crisis.crisis_section_edit,
        name="crisis_section_edit",
    ),
    path(
        "plans/<uuid:code>/crisis/contacts/add/",
        crisis.crisis_contact_add,
        name="crisis_contact_add",
    ),
    path(
        "plans/<uuid:code>/crisis/contacts/<uuid:contact_code>/",
        crisis.crisis_contact_edit,
        name="crisis_contact_edit",
    ),
    path(
        "plans/<uuid:code>/crisis/contacts/<uuid:contact_code>/remove/",
        crisis.crisis_contact_remove,
        name="crisis_contact_remove",
    ),
    path("plans/<uuid:code>/crisis/reviewed/", crisis.crisis_reviewed, name="crisis_reviewed"),
    path("plans/<uuid:code>/crisis/agree/", crisis.crisis_agree, name="crisis_agree"),
    path("plans/<uuid:code>/print/", export.plan_print, name="plan_print"),
    path("plans/<uuid:code>/download/fhir/", export.plan_export_fhir, name="plan_export_fhir"),
]
