"""Forms parse and validate; who may rate and what it records live in services.

There is deliberately no "side" field anywhere here: the side of a rating is
who is signed in (PlanAccess.side), so nobody can rate for the other side.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from coproduce.models import Side
from outcomes.models import PowerCheck, ValuedOutcome
from plans.access import PlanAccess
from plans.forms import (
    DATE_YEARS_AHEAD,
    TOO_LONG,
    DateInput,
    PlanFormMixin,
    check_plan_date,
    years_after,
)
from plans.templatetags.plan_tags import first_name


class OutcomeForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = ValuedOutcome
        fields = ["text", "why_it_matters", "target_date", "status"]
        labels = {
            "text": "What I want, in my own words",
            "why_it_matters": "Why it matters",
            "target_date": "By when",
            "status": "Where things are",
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "why_it_matters": forms.Textarea(attrs={"rows": 3}),
            "target_date": DateInput(),
        }
        error_messages = {"text": {"required": "Write what you want, in your own words."}}

    def __init__(self, *args: Any, writer_side: str = Side.PERSON, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if writer_side != Side.PERSON:
            # The outcome is the person's: a professional suggests it, in the person's name.
            name = first_name(self.plan.person)
            self.fields["text"].label = f"What {name} wants"
            self.fields["text"].error_messages["required"] = f"Write what {name} wants."
            self.fields["why_it_matters"].label = f"Why it matters to {name}"

    def clean_target_date(self) -> datetime.date | None:
        return check_plan_date(self.plan, self.cleaned_data.get("target_date"))


SCORES = [(score, str(score)) for score in range(1, 11)]
SCORE_MESSAGES = {
    "required": "Choose a number from 1 to 10.",
    "invalid_choice": "Choose a number from 1 to 10.",
}


def rating_question(access: PlanAccess) -> str:
    """The question each side answers, in the words of the one answering."""
    if access.is_owner:
        return "How close am I to this outcome?"
    return f"How close is {first_name(access.plan.person)} to this outcome?"


def _not_in_future(value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")


def _note(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )


class RatingForm(forms.Form):
    """'How close am I / is <name> to this outcome?' from the signed-in user's side."""

    score = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages=SCORE_MESSAGES
    )
    note = _note("Anything to add")
    rated_on = forms.DateField(
        label="Date",
        widget=DateInput(),
        validators=[_not_in_future],
        error_messages={
            "required": "Enter the date of this rating.",
            "invalid": "Enter a real date, for example 25/11/2026.",
        },
    )

    def __init__(
        self,
        *args: Any,
        question: str = "",
        started_on: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"rated_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.started_on = started_on  # the plan's start: no rating before it
        if question:
            self.fields["score"].label = question
        self.fields["score"].help_text = "1 means far from it, 10 means there."

    def clean_rated_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["rated_on"]
        if self.started_on is not None and value < self.started_on:
            raise forms.ValidationError(
                f"Choose a date from {self.started_on:%-d %B %Y}, when this plan was started, "
                "up to today."
            )
        return value


class WithdrawRatingForm(forms.Form):
    """Why a rating is withdrawn: it stays in the history with this reason."""

    reason = forms.CharField(
        label="Why are you withdrawing this rating?",
        help_text="For example: I rated the wrong outcome, or put the wrong date.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Say why you are withdrawing this rating.",
            "max_length": TOO_LONG,
        },
    )


class ReviewRatingForm(RatingForm):
    """One outcome within a review: a score is optional (you may skip one for now).

    The person alone also says where things are with the outcome; the view
    gives professionals this form without that field.
    """

    status = forms.ChoiceField(
        label="Where things are",
        choices=ValuedOutcome.Status.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, may_set_status: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"].required = False
        self.fields["score"].empty_value = None  # type: ignore[attr-defined]
        # Ratings in a review are dated the day they are given.
        del self.fields["rated_on"]
        if not may_set_status:
            del self.fields["status"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("score") is None and data.get("note"):
            self.add_error("score", "Choose a number from 1 to 10 to go with your note.")
        return data


NEXT_REVIEW_YEARS_AHEAD = DATE_YEARS_AHEAD


class CompleteReviewForm(forms.Form):
    next_review_date = forms.DateField(
        label="Date of the next review",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the next review.",
            "invalid": "Enter a real date, for example 25/05/2027.",
        },
    )
    notes = forms.CharField(
        label="Notes from this review",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_next_review_date(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["next_review_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The next review must be on a date after today.")
        latest = years_after(timezone.localdate(), NEXT_REVIEW_YEARS_AHEAD)
        if value > latest:
            raise forms.ValidationError(
                f"Choose a date for the next review within {NEXT_REVIEW_YEARS_AHEAD} years "
                f"(by {latest:%-d %B %Y})."
            )
        return value


def _answer(label: str, choices: list[tuple[str, str]], required: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": "Choose one of the options."},
    )


class PersonPowerCheckForm(forms.Form):
    """The person's half of the power check at a review."""

    led = _answer(
        "Did you lead your plan as much as you wanted?",
        PowerCheck.Led.choices,
        "Say whether you led your plan as much as you wanted.",
    )
    words_kept = _answer(
        "Were your words kept as you meant them?",
        PowerCheck.Kept.choices,
        "Say whether your words were kept as you meant them.",
    )
    note = _note("Anything you want to say about this (optional)")


class ProfessionalPowerCheckForm(forms.Form):
    """A professional's half of the power check at a review."""

    shared_as_agreed = _answer(
        "Did we share leadership as agreed?",
        PowerCheck.Kept.choices,
        "Say whether leadership was shared as agreed.",
    )
    note = _note("Anything to add (optional)")


def power_check_form(access: PlanAccess, data: Any = None, **kwargs: Any) -> forms.Form:
    form_class = PersonPowerCheckForm if access.is_owner else ProfessionalPowerCheckForm
    return form_class(data, auto_id="power-%s", **kwargs)
