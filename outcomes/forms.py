"""Forms parse and validate; who may rate and what it records live in services.

There is deliberately no "side" field anywhere here: the side of a rating is
who is signed in (PlanAccess.side), so nobody can rate for the other side.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from outcomes.models import ValuedOutcome
from plans.access import PlanAccess
from plans.forms import DateInput, PlanFormMixin
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


class RatingForm(forms.Form):
    """'How close am I / is <name> to this outcome?' from the signed-in user's side."""

    score = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages=SCORE_MESSAGES
    )
    note = forms.CharField(
        label="Anything to add",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": "Keep this under %(limit_value)d characters "
            "(you have written %(show_value)d)."
        },
    )
    rated_on = forms.DateField(
        label="Date",
        widget=DateInput(),
        validators=[_not_in_future],
        error_messages={
            "required": "Enter the date of this rating.",
            "invalid": "Enter a real date, for example 25/11/2026.",
        },
    )

    def __init__(self, *args: Any, question: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"rated_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if question:
            self.fields["score"].label = question
        self.fields["score"].help_text = "1 means far from it, 10 means there."


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
        return value
