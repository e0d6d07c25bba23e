"""Forms parse and validate; the rules about what happens next live in services."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from coproduce.models import Side, User
from plans.models import (
    Commitment,
    CrisisContact,
    CrisisPlan,
    Expertise,
    Leadership,
    LifeArea,
    Plan,
    Resource,
    ResourceLibraryItem,
    Supporter,
)

# The same words as Django's max_length message takes them.
TOO_LONG = "Keep this under %(limit_value)d characters (you have written %(show_value)d)."


class PlanFormMixin:
    """Gives forms the plan they belong to and friendly length messages."""

    plan: Plan

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        self.plan = plan
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            max_length = getattr(field, "max_length", None)
            if max_length:
                field.error_messages["max_length"] = TOO_LONG


# Target and due dates: from a little before the plan started (something
# already under way when the plan was written) to ten years from today.
DATE_GRACE_BEFORE_START = datetime.timedelta(days=31)
DATE_YEARS_AHEAD = 10


def plan_started(plan: Plan) -> datetime.date:
    """The day the plan was started, in the site's time zone."""
    return timezone.localdate(plan.created_at)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check_plan_date(plan: Plan, value: datetime.date | None) -> datetime.date | None:
    """A target or due date within a sane window around the plan, or a clear message."""
    if value is None:
        return None
    earliest = plan_started(plan) - DATE_GRACE_BEFORE_START
    latest = years_after(timezone.localdate(), DATE_YEARS_AHEAD)
    if value < earliest:
        raise forms.ValidationError(
            f"Choose a date from {earliest:%-d %B %Y} on: "
            f"this plan was started on {plan_started(plan):%-d %B %Y}."
        )
    if value > latest:
        raise forms.ValidationError(
            f"Choose a date within the next {DATE_YEARS_AHEAD} years (by {latest:%-d %B %Y})."
        )
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class LibrarySelect(forms.Select):
    """The library's resources, each option carrying what it fills in, so that
    picking one fills the fields in the browser (static/js/coproduce.js);
    without JavaScript the server fills them the same way (ResourceForm.clean)."""

    FILLS = ("name", "provider", "how_to_access", "control")

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        item = getattr(value, "instance", None)
        if item is not None:
            for field in self.FILLS:
                option["attrs"][f"data-fill-{field.replace('_', '-')}"] = getattr(item, field)
        return option


class ResourceForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["name", "provider", "how_to_access", "control", "outcomes"]
        labels = {
            "name": "What it is",
            "provider": "Who provides it",
            "how_to_access": "How to get it",
            "control": "Where it comes from",
            "outcomes": "Which outcomes it helps with",
        }
        widgets = {
            "how_to_access": forms.Textarea(attrs={"rows": 2}),
            "control": forms.RadioSelect,
            "outcomes": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "name": {"required": "Say what the resource is."},
            "control": {"required": "Say where the resource comes from."},
        }

    library_item = forms.ModelChoiceField(
        label="From the team's resource library",
        queryset=ResourceLibraryItem.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="Something new (describe it below)",
        help_text="Choose a resource your team offers again and again, or describe a new one.",
        widget=LibrarySelect,
    )
    save_to_library = forms.BooleanField(
        label="Add it to my team's resource library, to reuse on other plans",
        required=False,
    )
    field_order = ["library_item", "name", "provider", "how_to_access", "control", "outcomes"]

    def __init__(self, *args: Any, library_team: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.library_team = library_team
        # The outcomes this plan's resources may help with (Resource.outcomes).
        outcomes: Any = self.fields["outcomes"]
        outcomes.queryset = outcomes.queryset.filter(plan=self.plan, removed_at__isnull=True)
        outcomes.to_field_name = "code"
        outcomes.error_messages["invalid_choice"] = "Choose outcomes from this plan only."
        # The libraries of every team with someone on this care team.
        teams = self.plan.care_team.current().values("professional__team")
        library = ResourceLibraryItem.objects.filter(team__in=teams).order_by("name")
        library_field: Any = self.fields["library_item"]
        library_field.queryset = library
        self.fields["library_item"].error_messages["invalid_choice"] = (
            "Choose a resource from the list."
        )
        if self.instance.pk or not library.exists():
            del self.fields["library_item"]
        if library_team is None or self.instance.pk:
            del self.fields["save_to_library"]
        # Filled in from the library when one is chosen, so checked in clean().
        # Not "optional" either: needed unless a library resource is chosen.
        for needed in ("name", "control"):
            field: Any = self.fields[needed]
            field.required = False
            field.unless_picked = "library_item" in self.fields
        if "library_item" in self.fields:
            self.fields["name"].help_text = "Not needed if you choose one from the library above."
        control: Any = self.fields["control"]
        control.choices = [(value, label) for value, label in control.choices if value]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("library_item")
        if chosen is not None:
            for field in ResourceLibraryItem.DESCRIPTION_FIELDS:
                if not data.get(field):
                    data[field] = getattr(chosen, field)
                    setattr(self.instance, field, data[field])
            self.instance.library_item = chosen
        if not data.get("name"):
            self.add_error("name", "Say what the resource is, or choose one from the library.")
        if not data.get("control"):
            self.add_error("control", "Say where the resource comes from.")
        return data

    def add_to_library(self, resource: Resource, user: Any) -> None:
        """Keep a new resource in the team's library, if asked (once per name)."""
        if self.library_team is None or not self.cleaned_data.get("save_to_library"):
            return
        item, _ = ResourceLibraryItem.objects.get_or_create(
            team=self.library_team,
            name=resource.name,
            defaults={
                "provider": resource.provider,
                "how_to_access": resource.how_to_access,
                "control": resource.control,
                "created_by": user,
            },
        )
        Resource.objects.filter(pk=resource.pk).update(library_item=item)


# "Who will do it" may be someone with no sign-in at all, named in words.
SOMEONE_ELSE = {
    Commitment.WhoKind.SERVICE: "An outside service (write its name below)",
    Commitment.WhoKind.COMMUNITY: "A community group, or someone else (write their name below)",
}


class CommitmentForm(PlanFormMixin, forms.ModelForm):
    who = forms.ChoiceField(label="Who will do it", widget=forms.RadioSelect)
    who_name = forms.CharField(
        label="Their name, if it is someone else",
        required=False,
        max_length=120,
        help_text="For example: Citizens Advice, the Tuesday walking group, my neighbour Sam.",
    )

    class Meta:
        model = Commitment
        fields = ["who", "who_name", "what", "due_date", "status"]
        labels = {"what": "What they will do", "due_date": "By when", "status": "Status"}
        widgets = {"what": forms.Textarea(attrs={"rows": 2}), "due_date": DateInput()}
        error_messages = {"what": {"required": "Say what will be done."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.plan.person.user
        choices = [(str(person.pk), f"{person.name} (person)")]
        for member in self.plan.care_team.current().select_related("professional__user"):
            user = member.professional.user
            choices.append(
                (str(user.pk), f"{user.name} ({member.professional.get_discipline_display()})")
            )
        named = Supporter.objects.current().filter(person=self.plan.person, may_be_named=True)
        for supporter in named.select_related("user").order_by("added_at", "pk"):
            choices.append(
                (
                    str(supporter.user_id),
                    f"{supporter.user.name} ({supporter.get_relationship_display().lower()},"
                    " on the person's side)",
                )
            )
        choices += [(str(value), label) for value, label in SOMEONE_ELSE.items()]
        who: Any = self.fields["who"]
        who.choices = choices
        self.fields["who"].error_messages["invalid_choice"] = (
            "Choose someone from this plan, or someone else by name."
        )
        self.fields["who"].error_messages["required"] = "Choose who will do it."
        self.chosen_who_side = ""
        if self.instance.pk:
            self.initial["who"] = (
                str(self.instance.who_id)
                if self.instance.who_kind == Commitment.WhoKind.ACCOUNT
                else self.instance.who_kind
            )

    def clean_due_date(self) -> datetime.date | None:
        return check_plan_date(self.plan, self.cleaned_data.get("due_date"))

    def clean_who(self) -> User | str:
        # A user id from the list (the model field wants the user), or someone else's kind.
        chosen = self.cleaned_data["who"]
        if chosen in SOMEONE_ELSE:
            return str(chosen)
        return User.objects.get(pk=int(chosen))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        who = data.get("who")
        name = (data.get("who_name") or "").strip()
        if isinstance(who, str):
            if not name and "who_name" not in self.errors:
                self.add_error("who_name", "Write the name of the service, group or person.")
            # An outside service stands with professionals; anyone else the
            # person names stands on the person's side.
            self.chosen_who_side = (
                Side.PROFESSIONAL if who == Commitment.WhoKind.SERVICE else Side.PERSON
            )
        elif isinstance(who, User):
            data["who_name"] = ""  # a name only for someone who does not sign in
            self.chosen_who_side = who.side or Side.PERSON
        return data

    def _post_clean(self) -> None:
        # construct_instance cannot set a foreign key from a kind's name: set "who" here.
        who = self.cleaned_data.get("who")
        if isinstance(who, str):
            self.cleaned_data["who"] = None
            super()._post_clean()  # type: ignore[misc]
            self.cleaned_data["who"] = who
            self.instance.who_kind = who
        else:
            super()._post_clean()  # type: ignore[misc]
            self.instance.who_kind = Commitment.WhoKind.ACCOUNT

    def save(self, commit: bool = True) -> Commitment:
        who = self.cleaned_data["who"]
        if isinstance(who, User):
            self.instance.who = who
            self.instance.who_kind = Commitment.WhoKind.ACCOUNT
            self.instance.who_name = ""
        else:
            self.instance.who = None
            self.instance.who_kind = who
            self.instance.who_name = self.cleaned_data["who_name"].strip()
        self.instance.who_side = self.chosen_who_side or Side.PERSON
        return super().save(commit)


class ExpertiseForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = Expertise
        fields = ["kind", "life_area", "text"]
        labels = {"kind": "What kind of knowledge", "life_area": "Part of life"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}
        error_messages = {"text": {"required": "Write what you know."}}

    def __init__(self, *args: Any, side: str = Side.PERSON, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        citizen = side == Side.PERSON
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [
            (value, label)
            for value, label in Expertise.Kind.choices
            if (value in Expertise.CITIZEN_KINDS) == citizen
        ]
        area_field: Any = self.fields["life_area"]
        area_field.queryset = LifeArea.objects.filter(plan=self.plan)
        area_field.to_field_name = "code"
        area_field.empty_label = "The whole plan"
        self.fields["text"].label = "What I know" if citizen else "What we know"


class AboutForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["about_admire", "about_matters", "about_support"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}


class LifeAreaForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = LifeArea
        fields = ["name"]
        labels = {"name": "Name of this part of life"}
        error_messages = {"name": {"required": "Give this part of life a name."}}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        exists = LifeArea.objects.filter(plan=self.plan, name__iexact=name)
        if self.instance.pk:
            exists = exists.exclude(pk=self.instance.pk)
        if exists.exists():
            raise forms.ValidationError("This plan already has a part of life with that name.")
        return name


# --- the crisis and contingency plan: one form per section ---------------------------


def _crisis_widgets(fields: list[str]) -> dict[str, Any]:
    return {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class CrisisSignsForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = CrisisPlan
        fields = ["warning_signs"]
        widgets = _crisis_widgets(fields)
        help_texts = {"warning_signs": "What you, or people close to you, notice first."}


class CrisisHelpsForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = CrisisPlan
        fields = ["helps", "does_not_help"]
        widgets = _crisis_widgets(fields)


class CrisisTellForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = CrisisPlan
        fields = ["tell", "do_not_tell"]
        widgets = _crisis_widgets(fields)


class CrisisTreatmentForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = CrisisPlan
        fields = ["treatment_preferences", "do_not_want"]
        widgets = _crisis_widgets(fields)
        help_texts = {
            "treatment_preferences": "For example: a medicine that has worked, where you"
            " would like to be looked after.",
            "do_not_want": "An advance statement: what you do not want to happen.",
        }


class CrisisPracticalForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = CrisisPlan
        fields = ["children", "pets", "bills", "keys"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}
        labels = {
            "children": "Children: who looks after them",
            "pets": "Pets: who feeds and walks them",
            "bills": "Bills: what needs paying",
            "keys": "Keys: who has a spare",
        }


PHONE_CHARACTERS = frozenset("0123456789 +()-")


class CrisisContactForm(PlanFormMixin, forms.ModelForm):
    class Meta:
        model = CrisisContact
        fields = ["name", "relationship", "number", "by_day", "by_night", "at_weekends"]
        error_messages = {
            "name": {"required": "Write who to contact."},
            "number": {"required": "Write their phone number."},
        }

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        digits = sum(c.isascii() and c.isdigit() for c in number)
        if not set(number) <= PHONE_CHARACTERS or not 3 <= digits <= 15:
            raise forms.ValidationError(
                "Write a phone number with digits, spaces and a + only, like 07700 900123."
            )
        return number


class LeadershipForm(forms.Form):
    leadership = forms.TypedChoiceField(
        label="Who should lead here",
        choices=Leadership.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who should lead.",
            "invalid_choice": "Choose one of the options.",
        },
    )
    reason = forms.CharField(
        label="Why",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why you suggest this change."},
    )

    how_long = forms.ChoiceField(
        label="For how long",
        choices=[
            ("", "Until someone suggests a different balance"),
            ("date", "Until a date"),
            ("review", "Until the next review"),
        ],
        required=False,
        widget=forms.RadioSelect,
        help_text="When professionals lead, you can agree it for a time. Then it comes back.",
        error_messages={"invalid_choice": "Choose one of the options."},
    )
    until = forms.DateField(
        label="Until (the last day)",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date, for example 31 March 2027."},
    )

    def __init__(self, *args: Any, current: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_leadership(self) -> int:
        value = self.cleaned_data["leadership"]
        if value == self.current:
            raise forms.ValidationError("That is already the balance here: choose a different one.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        how_long = data.get("how_long", "")
        toward_professionals = (data.get("leadership") or 0) > Leadership.SHARED
        if how_long and "leadership" in data and not toward_professionals:
            self.add_error(
                "how_long", "Only a balance where professionals lead is agreed for a time."
            )
        if how_long == "date":
            until = data.get("until")
            if until is None and "until" not in self.errors:
                self.add_error("until", "Enter the last day it is agreed for.")
            elif until is not None and until <= timezone.localdate():
                self.add_error("until", "The date must be after today.")
        else:
            data["until"] = None
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(ReasonForm):
    reason = forms.CharField(
        label="Why are you declining?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why, so the other person understands."},
    )


class ReplyForm(forms.Form):
    """One reply. Many share a page, so each gets ids from what it replies to."""

    text = forms.CharField(
        label="Your reply",
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write your reply before sending it.",
            "max_length": TOO_LONG,
        },
    )


def reply_form(target_type: str, target_code: Any, data: Any = None) -> ReplyForm:
    return ReplyForm(data, auto_id=f"reply-{target_type}-{target_code}-%s")


SUPPORTER_PERMISSION_HELP = {
    "may_see": "They can read your plan, as it is now.",
    "may_suggest": "They can suggest changes. Each suggestion comes to you first; only you decide.",
    "may_rate": (
        "They can say how close they think you are to each outcome. Their view is shown"
        " beside yours and your care team's; it never replaces either."
    ),
    "may_be_named": (
        "You and your care team can write them into a commitment"
        " (for example, “Efua will drive me to the appointment”)."
    ),
}


class SupporterPermissionsForm(forms.Form):
    """What one supporter may do: the person's choice, one box each."""

    may_see = forms.BooleanField(label="See my plan", required=False)
    may_suggest = forms.BooleanField(label="Suggest changes to me", required=False)
    may_rate = forms.BooleanField(label="Rate progress from their own view", required=False)
    may_be_named = forms.BooleanField(label="Be named in commitments", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, text in SUPPORTER_PERMISSION_HELP.items():
            self.fields[name].help_text = text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("may_suggest") and not data.get("may_see"):
            self.add_error("may_suggest", "To suggest changes they need to see your plan too.")
        if data.get("may_rate") and not data.get("may_see"):
            self.add_error("may_rate", "To rate progress they need to see your plan too.")
        return data
