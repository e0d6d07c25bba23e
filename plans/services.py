"""Writes that span several rows: edits, proposals and their answers, history.

Every function here runs in one transaction and writes its PlanChange in that
same transaction, so the history can never disagree with the plan. Whether an
edit applies or becomes a proposal is decided by plans.rules, nowhere else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from coproduce.models import Side
from plans import rules
from plans.access import PlanAccess, require_may_answer
from plans.forms import (
    AboutForm,
    CommitmentForm,
    CrisisContactForm,
    CrisisHelpsForm,
    CrisisPracticalForm,
    CrisisSignsForm,
    CrisisTellForm,
    CrisisTreatmentForm,
    ExpertiseForm,
    LifeAreaForm,
    ReasonForm,
    ResourceForm,
)
from plans.history import record
from plans.leadership import agree_term, term_words
from plans.models import (
    Commitment,
    Expertise,
    Leadership,
    LifeArea,
    Plan,
    PlanChange,
    Proposal,
    Resource,
    SupporterSuggestion,
)


def shortened(text: str) -> str:
    """A text as a summary shows it (history entries, what a reply is about):
    at most 80 characters, a longer one cut short with an ellipsis."""
    return text if len(text) <= 80 else text[:79] + "…"


@dataclass(frozen=True)
class ItemKind:
    """One kind of thing on a plan that people add, change and remove."""

    name: str
    label: str
    # The form says which model the kind is and which of its fields people write.
    form: type[forms.ModelForm]
    version_field: str = "version"
    in_area: bool = True
    removable: bool = True
    summary_field: str = ""
    # The form words its labels for the side writing (the person's own words or not).
    form_takes_writer_side: bool = False
    # The fields that hold someone's words, and where the model keeps who last
    # wrote each of them (plans.models.PlanItem.writers): the plan's authorship.
    words: tuple[str, ...] = ()
    writers_field: str = "writers"

    @property
    def model(self) -> Any:
        return self.form._meta.model

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.form._meta.fields or ())

    def summary(self, item: Any) -> str:
        text = (
            str(getattr(item, self.summary_field, "") or self.label)
            if self.summary_field
            else self.label
        )
        return shortened(text)


# The kinds of item this app keeps. Valued outcomes are another app's
# (outcomes sits on top of plans), so outcomes adds its kind with
# register_kind() when Django starts (outcomes.apps).
KINDS: dict[str, ItemKind] = {
    kind.name: kind
    for kind in [
        ItemKind("resource", "resource", ResourceForm, summary_field="name", words=Resource.WORDS),
        ItemKind(
            "commitment", "commitment", CommitmentForm, summary_field="what", words=Commitment.WORDS
        ),
        ItemKind(
            "expertise",
            "expertise",
            ExpertiseForm,
            in_area=False,
            summary_field="text",
            words=Expertise.WORDS,
        ),
        ItemKind(
            "about",
            "about me",
            AboutForm,
            version_field="about_version",
            in_area=False,
            removable=False,
            words=Plan.ABOUT_WORDS,
            writers_field="about_writers",
        ),
        ItemKind(
            "life_area",
            "part of life",
            LifeAreaForm,
            in_area=False,
            removable=False,
            summary_field="name",
        ),
        # The crisis plan: each section is a kind of its own, so a suggestion
        # carries only that section's words (plans.rules: always the person's).
        *[
            ItemKind(
                name,
                label,
                form,
                version_field=f"{name.removeprefix('crisis_')}_version",
                in_area=False,
                removable=False,
            )
            for name, label, form in [
                ("crisis_signs", "early warning signs", CrisisSignsForm),
                ("crisis_helps", "what helps", CrisisHelpsForm),
                ("crisis_tell", "who to tell", CrisisTellForm),
                ("crisis_treatment", "treatment preferences", CrisisTreatmentForm),
                ("crisis_practical", "practical things", CrisisPracticalForm),
            ]
        ],
        ItemKind(
            "crisis_contact",
            "crisis contact",
            CrisisContactForm,
            in_area=False,
            summary_field="name",
        ),
    ]
}


def register_kind(kind: ItemKind) -> None:
    """Let another app's items be added, changed, removed and suggested like the plan's own."""
    KINDS[kind.name] = kind


class Invalid(Exception):
    """The submitted form did not validate; the view re-shows it."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__("invalid form")
        self.form = form


class Conflict(Exception):
    """Someone else saved this item after the user started editing it."""

    def __init__(self, current: Any, submitted: forms.BaseForm | None = None) -> None:
        super().__init__("stale version")
        self.current = current
        self.submitted = submitted


class AlreadyAnswered(Exception):
    """The proposal was answered (or withdrawn) before this answer arrived."""

    def __init__(self, proposal: Proposal) -> None:
        super().__init__("already answered")
        self.proposal = proposal


@dataclass
class Result:
    applied: bool
    item: Any = None
    proposal: Proposal | None = None
    messages: list[str] = field(default_factory=list)
    supporter_suggestion: SupporterSuggestion | None = None


@dataclass(frozen=True)
class Suggested:
    """An add, change or removal that the rules made a suggestion, as it was asked for."""

    kind: ItemKind
    act: str
    form: forms.ModelForm | None
    area: LifeArea | None
    reason: str
    after: dict[str, Any]
    item: Any = None
    base_version: int | None = None
    before: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        """What the user typed, to fill the form in again when it is taken up."""
        return raw_data(self.form) if self.form is not None else {}


# --- describing items for history and proposals ---------------------------------


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | models.QuerySet):
        return [str(v) for v in value]
    return str(value)


def describe(kind: ItemKind, item: Any, m2m: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of an item's user-facing fields, for history and proposals."""
    picture: dict[str, Any] = {}
    for name in kind.fields:
        model_field: Any = kind.model._meta.get_field(name)
        if model_field.many_to_many:
            if m2m is not None and name in m2m:
                value = list(m2m[name])
            elif item.pk:
                value = list(getattr(item, name).all())
            else:
                value = []
        elif model_field.choices and not model_field.is_relation:
            value = getattr(item, f"get_{name}_display")()
        else:
            value = getattr(item, name)
        picture[name] = _plain(value)
    return picture


def raw_data(form: forms.BaseForm) -> dict[str, Any]:
    """What the user submitted for the form's own fields, to re-validate later."""
    data: dict[str, Any] = {}
    for name, bound_field in form.fields.items():
        widget = bound_field.widget
        data[name] = widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
    return data


# --- the edit flow -------------------------------------------------------------


def area_of(kind: ItemKind, item: Any, area: LifeArea | None = None) -> LifeArea | None:
    """The life area an item belongs to (for a new item: the one it is added to)."""
    if kind.in_area:
        return item.life_area if item is not None else area
    if kind.name == "expertise" and item is not None:
        return item.life_area
    if kind.name == "life_area":
        return item
    return None


def item_summary(verb: str, kind: ItemKind, item: Any) -> str:
    """How the history words an entry about one item: "Added a resource: Walking group"."""
    return f"{verb} {kind.label}: {kind.summary(item)}"


def _record_item(
    access: PlanAccess, action: str, verb: str, kind: ItemKind, item: Any, **details: Any
) -> None:
    """The history entry about one item, in its life area (details: before, after, proposal,
    and who did it when it was not the signed-in user)."""
    record(
        access,
        access.plan,
        action,
        item_summary(verb, kind, item),
        kind=kind,
        item=item,
        life_area=area_of(kind, item),
        **details,
    )


def decision_for(
    access: PlanAccess,
    kind: ItemKind,
    act: str,
    area: LifeArea | None,
    item: Any = None,
    *,
    who_side: str = "",
) -> rules.Decision:
    """What plans.rules says about this user doing `act` to this item (or a new one)."""
    leadership = rules.effective_leadership(
        kind.name,
        area_leadership=area.leadership if (kind.in_area and area is not None) else None,
        kind=getattr(item, "kind", ""),
        side=access.writing_side,
    )
    owner = rules.owner_side(
        kind.name,
        writer_side=access.writing_side,
        created_side=getattr(item, "created_side", "") if item is not None else "",
        kind=getattr(item, "kind", ""),
        who_side=who_side,
    )
    return rules.decide(
        leadership,
        access.side,
        act,
        owner_side=owner,
        protected=kind.name in rules.PROTECTED_ITEM_TYPES,
        plan_closed=access.plan.is_closed,
        supporter_may_suggest=access.supporter_may_suggest,
    )


PLAN_CLOSED = "This plan is closed, so it cannot be changed."


def _unless_refused(access: PlanAccess, decision: rules.Decision) -> rules.Decision:
    if decision == rules.Decision.REFUSE:
        if access.is_supporter and not access.plan.is_closed:
            raise PermissionDenied("You can see this plan, but not suggest changes to it.")
        raise PermissionDenied(PLAN_CLOSED)
    return decision


def build_form(
    access: PlanAccess, kind: ItemKind, data: Any = None, item: Any = None, **extra: Any
) -> forms.ModelForm:
    # Several forms can be open on one page: give each its own element ids.
    suffix = getattr(item, "code", None) or "new"
    kwargs: dict[str, Any] = {
        "plan": access.plan,
        "instance": item,
        "auto_id": f"{kind.name}-{suffix}-%s",
    }
    if kind.name == "resource":
        professional = getattr(access.user, "professional", None)
        kwargs["library_team"] = professional.team if professional else None
    if kind.name == "expertise":
        kwargs["side"] = rules.expertise_side(
            getattr(item, "kind", ""), writer_side=access.writing_side
        )
    if kind.form_takes_writer_side:
        kwargs["writer_side"] = access.writing_side
    return kind.form(data, **kwargs, **extra)


def parse_version(data: Any) -> int | None:
    try:
        value = int(data.get("version", ""))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _require_version(
    kind: ItemKind,
    item: Any,
    form: forms.BaseForm,
    base_version: int | None,
    current_version: int,
    *,
    submitted: forms.BaseForm | None = None,
) -> None:
    """The form was written against the item as it stands now, or the user is told."""
    if base_version is None:
        # Without the version we cannot tell whether they saw the latest text.
        form.add_error(None, "This form is missing its version. Reload the page and try again.")
        raise Invalid(form)
    if base_version != current_version:
        raise Conflict(kind.model.objects.get(pk=item.pk), submitted=submitted)


def _checked_reason(form: forms.BaseForm, reason: str) -> str:
    """The optional "why" sent with a suggestion is checked like any other text."""
    checked = ReasonForm({"reason": reason})
    if not checked.is_valid():
        for error in checked.errors["reason"]:
            form.add_error(None, f"Why you are suggesting this: {error}")
        raise Invalid(form)
    return checked.cleaned_data["reason"]


def submit_add(
    access: PlanAccess, kind: ItemKind, data: Any, *, area: LifeArea | None = None, reason: str = ""
) -> Result:
    form = build_form(access, kind, data)
    if not form.is_valid():
        raise Invalid(form)
    reason = _checked_reason(form, reason)
    target_area = area if kind.in_area else None
    decision = _unless_refused(
        access,
        decision_for(
            access,
            kind,
            rules.Act.ADD,
            target_area,
            # A new commitment is the side of whoever will do it (plans.rules.owner_side).
            who_side=getattr(form, "chosen_who_side", "") or "",
        ),
    )
    return _apply_or_propose(
        access,
        kind,
        rules.Act.ADD,
        decision,
        form,
        area=area,
        proposal_area=target_area or form.cleaned_data.get("life_area"),
        reason=reason,
    )


def _apply_or_propose(
    access: PlanAccess,
    kind: ItemKind,
    act: str,
    decision: rules.Decision,
    form: forms.ModelForm | None,
    *,
    area: LifeArea | None,
    proposal_area: LifeArea | None,
    reason: str,
    item: Any = None,
    base_version: int | None = None,
    before: dict[str, Any] | None = None,
) -> Result:
    """An add, a change or a removal (no form) as the rules decided: applied,
    opened as a suggestion, or (a supporter's) kept for the person alone."""

    def suggested() -> Suggested:
        # Only a suggestion describes the edit, so an applied one does not pay for it.
        if form is None:
            after: dict[str, Any] = {}
        else:
            after = describe(kind, form.save(commit=False), m2m=form.cleaned_data)
        return Suggested(
            kind,
            act,
            form,
            area=proposal_area,
            reason=reason,
            after=after,
            item=item,
            base_version=base_version,
            # A removal shows the item as it stands.
            before=describe(kind, item) if form is None else before,
        )

    if decision == rules.Decision.SUGGEST_TO_PERSON:
        return _suggest_to_person(access, suggested())
    with transaction.atomic():
        if rules.applies(decision):
            awaiting_agreement = decision == rules.Decision.APPLY_UNAGREED
            if act == rules.Act.REMOVE:
                _remove(access, kind, item, base_version, awaiting_agreement=awaiting_agreement)
            elif act == rules.Act.ADD:
                assert form is not None
                item = _create(access, kind, form, area, awaiting_agreement=awaiting_agreement)
            else:
                assert form is not None and before is not None
                _save_change(
                    access,
                    kind,
                    item,
                    form,
                    base_version,
                    before,
                    awaiting_agreement=awaiting_agreement,
                )
            return Result(applied=True, item=item)
        proposal = _propose(access, suggested())
        return Result(applied=False, proposal=proposal)


def _create(
    access: PlanAccess,
    kind: ItemKind,
    form: forms.ModelForm,
    area: LifeArea | None,
    *,
    author: Any = None,
    author_side: str = "",
    proposal: Proposal | None = None,
    awaiting_agreement: bool = False,
) -> Any:
    item = form.save(commit=False)
    item.plan = access.plan
    if awaiting_agreement:
        item.awaiting_agreement = True
    if kind.in_area:
        item.life_area = area
    if kind.name == "life_area":
        item.position = (
            LifeArea.objects.filter(plan=access.plan).aggregate(m=models.Max("position"))["m"] or 0
        ) + 1
    item.created_by = author or access.user
    item.created_side = author_side or access.side
    if kind.words:
        setattr(item, kind.writers_field, dict.fromkeys(kind.words, item.created_side))
    if proposal is not None:
        item.accepted_by = access.user
        item.accepted_at = timezone.now()
    item.save()
    form.save_m2m()
    if kind.name == "resource":
        form.add_to_library(item, author or access.user)  # type: ignore[attr-defined]
    _record_item(
        access,
        PlanChange.Action.CREATE,
        "Added",
        kind,
        item,
        after=describe(kind, item),
        proposal=proposal,
        actor=author,
        side=author_side,
    )
    return item


def submit_change(
    access: PlanAccess, kind: ItemKind, item: Any, data: Any, *, reason: str = ""
) -> Result:
    base_version = parse_version(data)
    form = build_form(access, kind, data, item=item)
    before = describe(kind, item)
    current_version = getattr(item, kind.version_field)
    area = area_of(kind, item)
    # Decided on the item as it stands: validating the form below changes it in memory.
    decision = _unless_refused(access, decision_for(access, kind, rules.Act.CHANGE, area, item))
    if not form.is_valid():
        raise Invalid(form)
    reason = _checked_reason(form, reason)
    _require_version(kind, item, form, base_version, current_version, submitted=form)
    return _apply_or_propose(
        access,
        kind,
        rules.Act.CHANGE,
        decision,
        form,
        area=area,
        proposal_area=area if kind.name != "life_area" else None,
        reason=reason,
        item=item,
        base_version=base_version,
        before=before,
    )


def _save_change(
    access: PlanAccess,
    kind: ItemKind,
    item: Any,
    form: forms.ModelForm,
    base_version: int | None,
    before: dict[str, Any],
    *,
    author: Any = None,
    author_side: str = "",
    proposal: Proposal | None = None,
    awaiting_agreement: bool = False,
) -> None:
    """Save only if nobody else saved since base_version (None: whatever is current)."""
    author = author or access.user
    author_side = author_side or access.side
    values = _changed_values(kind, item, form, before, author, author_side)
    if awaiting_agreement:
        values["awaiting_agreement"] = True
    elif hasattr(kind.model, "awaiting_agreement") and (
        author_side == Side.PERSON or proposal is not None
    ):
        # The person wrote it, or one side accepted the other's suggestion: agreed.
        values["awaiting_agreement"] = False
    rows = kind.model.objects.filter(pk=item.pk)
    if base_version is not None:
        rows = rows.filter(**{kind.version_field: base_version})
    if hasattr(kind.model, "removed_at"):
        rows = rows.filter(removed_at__isnull=True)
    updated = rows.update(**values, **{kind.version_field: F(kind.version_field) + 1})
    if not updated:
        # Raising inside the atomic block rolls back anything written so far.
        raise Conflict(kind.model.objects.get(pk=item.pk), submitted=form)
    form.save_m2m()
    item.refresh_from_db()
    after = describe(kind, item)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    _record_item(
        access,
        PlanChange.Action.EDIT,
        "Changed",
        kind,
        item,
        before={k: before.get(k) for k in changed},
        after=changed,
        proposal=proposal,
        actor=author,
        side=author_side,
    )


def _changed_values(
    kind: ItemKind,
    item: Any,
    form: forms.ModelForm,
    before: dict[str, Any],
    author: Any,
    author_side: str,
) -> dict[str, Any]:
    """The columns the form sets, who changed them and when, and who now holds the words."""
    instance = form.save(commit=False)
    values: dict[str, Any] = {}
    for name in kind.fields:
        model_field: Any = kind.model._meta.get_field(name)
        if model_field.many_to_many:
            continue
        if name == "who":
            values["who_id"] = instance.who_id
            values["who_side"] = instance.who_side
            values["who_kind"] = instance.who_kind
            continue
        values[model_field.attname] = getattr(instance, model_field.attname)
    if hasattr(kind.model, "updated_by"):
        values.update(updated_by=author, updated_side=author_side, updated_at=timezone.now())
    reworded = [name for name in kind.words if before.get(name) != values.get(name)]
    if reworded:
        # Whoever changed a field's words now holds them (an accepted
        # suggestion's words are the suggester's).
        writers = {**getattr(item, kind.writers_field), **dict.fromkeys(reworded, author_side)}
        values[kind.writers_field] = writers
    return values


def submit_remove(access: PlanAccess, kind: ItemKind, item: Any, data: Any) -> Result:
    if not kind.removable:
        raise PermissionDenied("This cannot be removed.")
    base_version = parse_version(data)
    reason_form = ReasonForm({"reason": data.get("reason", "")})
    if not reason_form.is_valid():
        raise Invalid(reason_form)
    _require_version(kind, item, reason_form, base_version, item.version)
    area = area_of(kind, item)
    decision = _unless_refused(access, decision_for(access, kind, rules.Act.REMOVE, area, item))
    return _apply_or_propose(
        access,
        kind,
        rules.Act.REMOVE,
        decision,
        None,
        area=area,
        proposal_area=area,
        reason=reason_form.cleaned_data["reason"],
        item=item,
        base_version=base_version,
    )


def _remove(
    access: PlanAccess,
    kind: ItemKind,
    item: Any,
    base_version: int | None,
    *,
    proposal: Proposal | None = None,
    actor: Any = None,
    side: str = "",
    awaiting_agreement: bool = False,
) -> None:
    rows = kind.model.objects.filter(pk=item.pk, removed_at__isnull=True)
    if base_version is not None:
        rows = rows.filter(version=base_version)
    now = timezone.now()
    updated = rows.update(
        removed_at=now,
        updated_by=actor or access.user,
        updated_side=side or access.side,
        updated_at=now,
        version=F("version") + 1,
        # Kept on the removed row: the removal itself waits for the person's agreement.
        **({"awaiting_agreement": True} if awaiting_agreement else {}),
    )
    if not updated:
        raise Conflict(kind.model.objects.get(pk=item.pk))
    _record_item(
        access,
        PlanChange.Action.REMOVE,
        "Removed",
        kind,
        item,
        before=describe(kind, item),
        proposal=proposal,
        actor=actor,
        side=side,
    )


def _suggest_to_person(access: PlanAccess, edit: Suggested) -> Result:
    """A supporter's edit, kept for the person alone (plans.supporters answers it).

    Nothing on the plan changes and nothing goes in its history: the care team
    does not see it. If the person takes it up, it becomes her own edit.
    """
    assert access.supporter_id is not None
    verb = {"add": "Add", "change": "Change", "remove": "Remove"}[edit.act]
    picture = edit.after or edit.before or {}
    suggestion = SupporterSuggestion.objects.create(
        plan=access.plan,
        supporter_id=access.supporter_id,
        life_area=edit.area,
        action=edit.act,
        item_type=edit.kind.name,
        item_code=getattr(edit.item, "code", None),
        base_version=edit.base_version,
        payload={"data": edit.data, "before": edit.before or {}, "after": edit.after},
        summary=f"{verb} {edit.kind.label}: {_summary_from(edit.kind, picture, edit.item)}"[:300],
        reason=edit.reason[:1000],
    )
    return Result(applied=False, supporter_suggestion=suggestion)


def open_proposal(
    access: PlanAccess,
    *,
    action: str,
    item_type: str,
    summary: str,
    area: LifeArea | None,
    reason: str,
    data: dict[str, Any],
    before: dict[str, Any] | None,
    after: dict[str, Any],
    item: Any = None,
    kind: ItemKind | None = None,
    base_version: int | None = None,
) -> Proposal:
    """Every suggestion starts here: the proposal and its history entry, together."""
    proposal = Proposal.objects.create(
        plan=access.plan,
        life_area=area,
        action=action,
        item_type=item_type,
        item_code=getattr(item, "code", None),
        base_version=base_version,
        payload={"data": data, "before": before or {}, "after": after},
        reason=reason[:1000],
        proposed_by=access.user,
        proposed_side=access.side,
    )
    record(
        access,
        access.plan,
        PlanChange.Action.PROPOSE,
        summary,
        kind=kind,
        item=item,
        life_area=area,
        before=before,
        after=after or None,
        proposal=proposal,
    )
    return proposal


def suggested_summary(act: str, kind: ItemKind, picture: dict[str, Any], item: Any = None) -> str:
    """How the history words a suggestion about one item, from the item as suggested
    (`picture`): "Suggested adding a commitment: Meet once a week for a month"."""
    verb = {"add": "adding", "change": "changing", "remove": "removing"}[act]
    return f"Suggested {verb} {kind.label}: {_summary_from(kind, picture, item)}"


def _propose(access: PlanAccess, edit: Suggested) -> Proposal:
    return open_proposal(
        access,
        action=edit.act,
        item_type=edit.kind.name,
        summary=suggested_summary(edit.act, edit.kind, edit.after, edit.item),
        area=edit.area,
        reason=edit.reason,
        data=edit.data,
        before=edit.before,
        after=edit.after,
        item=edit.item,
        kind=edit.kind,
        base_version=edit.base_version,
    )


def _summary_from(kind: ItemKind, picture: dict[str, Any], item: Any) -> str:
    value = picture.get(kind.summary_field) if kind.summary_field else None
    if value:
        return shortened(str(value))
    return kind.summary(item) if item is not None else kind.label


# --- agreeing where professionals lead with the person's agreement ---------------


def _require_may_agree(access: PlanAccess) -> None:
    if not rules.may_agree(access.side, plan_closed=access.plan.is_closed):
        raise PermissionDenied("Only the person whose plan it is agrees, on an open plan.")


def agree_with_item(
    access: PlanAccess, kind: ItemKind, item: Any, *, by_reply: bool = False
) -> bool:
    """The person agrees with one item a professional changed; False if nothing waited."""
    _require_may_agree(access)
    with transaction.atomic():
        updated = kind.model.objects.filter(pk=item.pk, awaiting_agreement=True).update(
            awaiting_agreement=False
        )
        if updated:
            verb = "Replied to" if by_reply else "Agreed with"
            _record_item(access, PlanChange.Action.AGREE, verb, kind, item)
    return bool(updated)


def mark_agreed_by_reply(access: PlanAccess, kind: ItemKind, item: Any) -> bool:
    """A reply from the person answers "not yet agreed" too (for the replies service)."""
    return agree_with_item(access, kind, item, by_reply=True)


def agree_with_area(access: PlanAccess, area: LifeArea) -> int:
    """The person's "I agree with all": everything not yet agreed in one area, one entry."""
    _require_may_agree(access)
    with transaction.atomic():
        agreed = 0
        for kind in KINDS.values():
            if kind.in_area:
                agreed += (
                    kind.model.objects.not_yet_agreed()
                    .filter(life_area=area)
                    .update(awaiting_agreement=False)
                )
        if agreed:
            record(
                access,
                access.plan,
                PlanChange.Action.AGREE,
                f"Agreed with everything in {area.name} ({agreed})",
                life_area=area,
            )
    return agreed


# --- leadership -----------------------------------------------------------------


def propose_leadership(
    access: PlanAccess,
    area: LifeArea,
    new_value: int,
    reason: str,
    *,
    until: datetime.date | None = None,
    until_review: bool = False,
) -> Proposal:
    """A new balance is always a proposal: leadership changes only by agreement.

    A balance toward professionals may be agreed until a date or the next
    review (plans.leadership brings it back).
    """
    if (
        rules.decide(
            area.leadership,
            access.side,
            rules.Act.LEADERSHIP,
            owner_side=Side.PERSON,
            plan_closed=access.plan.is_closed,
        )
        == rules.Decision.REFUSE
    ):
        raise PermissionDenied(PLAN_CLOSED)
    with transaction.atomic():
        pending = (
            Proposal.objects.select_for_update()
            .pending()
            .filter(life_area=area, action=Proposal.Action.LEADERSHIP)
        )
        if pending.exists():
            raise AlreadyAnswered(pending.first())  # type: ignore[arg-type]
        before = {"leadership": Leadership(area.leadership).label}
        after = {"leadership": Leadership(new_value).label}
        if until is not None:
            after["until"] = f"{until:%-d %B %Y}"
        elif until_review:
            after["until"] = "the next review"
        proposal = open_proposal(
            access,
            action=Proposal.Action.LEADERSHIP,
            item_type="life_area",
            summary=f"Suggested a new balance in {area.name}: {Leadership(new_value).label}",
            area=area,
            reason=reason,
            data={"leadership": new_value},
            before=before,
            after=after,
            item=area,
            base_version=area.version,
        )
        Proposal.objects.filter(pk=proposal.pk).update(
            proposed_leadership=new_value,
            leadership_until=until,
            leadership_until_review=until_review,
        )
        proposal.refresh_from_db()
    return proposal


# --- answering proposals ---------------------------------------------------------


def _close(access: PlanAccess, proposal: Proposal, status: str, reason: str) -> None:
    updated = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PENDING).update(
        status=status,
        answered_by=access.user,
        answered_at=timezone.now(),
        answer_reason=reason[:1000],
    )
    if not updated:
        proposal.refresh_from_db()
        raise AlreadyAnswered(proposal)
    proposal.refresh_from_db()


def find_item(kind: ItemKind, plan: Plan, code: Any) -> Any:
    if kind.name == "about":
        return plan
    rows = kind.model.objects.filter(code=code, plan=plan)
    if hasattr(kind.model, "removed_at"):
        rows = rows.filter(removed_at__isnull=True)
    return rows.first()


class ProposalCannotApply(Exception):
    def __init__(self, proposal: Proposal, why: str) -> None:
        super().__init__(why)
        self.proposal = proposal
        self.why = why


def _require_pending(access: PlanAccess, proposal: Proposal, answer: str) -> None:
    """The right user (plans.access), and a suggestion still waiting for its answer."""
    require_may_answer(access, proposal, answer)
    if not proposal.is_pending:
        raise AlreadyAnswered(proposal)


def accepted_summary(proposer_name: str, reason: str) -> str:
    """How the history words an accepted suggestion (the reason is optional)."""
    return f"Accepted {proposer_name}'s suggestion" + (f": {reason}" if reason else "")


def declined_summary(proposer_name: str, reason: str) -> str:
    """How the history words a declined suggestion (a decline always gives its reason)."""
    return f"Declined {proposer_name}'s suggestion: {reason}"


def accept_proposal(access: PlanAccess, proposal: Proposal, reason: str = "") -> None:
    _require_pending(access, proposal, "accept")
    if access.plan.is_closed:
        raise PermissionDenied(PLAN_CLOSED)
    with transaction.atomic():
        _close(access, proposal, Proposal.Status.ACCEPTED, reason)
        if proposal.action == Proposal.Action.LEADERSHIP:
            _apply_leadership(access, proposal)
        else:
            _apply_item_proposal(access, proposal, reason)


def _apply_leadership(access: PlanAccess, proposal: Proposal) -> None:
    """The accepted new balance of one life area, its term, and its history entry."""
    assert proposal.life_area_id is not None
    area = LifeArea.objects.select_for_update().get(pk=proposal.life_area_id)
    before_value = area.leadership
    before = {"leadership": Leadership(area.leadership).label}
    area.leadership = int(proposal.payload["data"]["leadership"])
    area.version = F("version") + 1
    area.save(update_fields=["leadership", "version"])
    area.refresh_from_db()
    agree_term(area, before_value, proposal)
    term = term_words(area)
    record(
        access,
        access.plan,
        PlanChange.Action.LEADERSHIP,
        f"New balance in {area.name}: {area.get_leadership_display()}"
        + (f" until {term}" if term else "")
        + f" (suggested by {proposal.proposed_by.name}, agreed by {access.user.name})",
        item=area,
        life_area=area,
        before=before,
        after={"leadership": area.get_leadership_display()},
        proposal=proposal,
    )


def _apply_item_proposal(access: PlanAccess, proposal: Proposal, reason: str) -> None:
    """The accepted addition, change or removal of an item, in its author's name."""
    author = proposal.proposed_by
    side = proposal.proposed_side
    kind = KINDS[proposal.item_type]
    record(
        access,
        access.plan,
        PlanChange.Action.ACCEPT,
        accepted_summary(author.name, reason),
        kind=kind,
        life_area=proposal.life_area,
        proposal=proposal,
    )
    if proposal.action == Proposal.Action.ADD:
        form = build_form(access, kind, proposal.payload["data"])
        if not form.is_valid():
            raise ProposalCannotApply(proposal, _form_errors(form))
        _create(
            access,
            kind,
            form,
            proposal.life_area,
            author=author,
            author_side=side,
            proposal=proposal,
        )
        return
    item = find_item(kind, access.plan, proposal.item_code)
    if item is None:
        raise ProposalCannotApply(proposal, "The item it was about has been removed.")
    if proposal.action == Proposal.Action.REMOVE:
        _remove(access, kind, item, None, proposal=proposal, actor=author, side=side)
        return
    before = describe(kind, item)
    form = build_form(access, kind, proposal.payload["data"], item=item)
    if not form.is_valid():
        raise ProposalCannotApply(proposal, _form_errors(form))
    _save_change(
        access,
        kind,
        item,
        form,
        None,
        before,
        author=author,
        author_side=side,
        proposal=proposal,
    )


def _form_errors(form: forms.BaseForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def decline_proposal(access: PlanAccess, proposal: Proposal, reason: str) -> None:
    _require_pending(access, proposal, "decline")
    with transaction.atomic():
        _close(access, proposal, Proposal.Status.DECLINED, reason)
        record(
            access,
            access.plan,
            PlanChange.Action.DECLINE,
            declined_summary(proposal.proposed_by.name, reason),
            life_area=proposal.life_area,
            proposal=proposal,
        )


def withdraw_proposal(access: PlanAccess, proposal: Proposal) -> None:
    _require_pending(access, proposal, "withdraw")
    with transaction.atomic():
        _close(access, proposal, Proposal.Status.WITHDRAWN, "")
        record(
            access,
            access.plan,
            PlanChange.Action.WITHDRAW,
            "Withdrew a suggestion",
            life_area=proposal.life_area,
            proposal=proposal,
        )
