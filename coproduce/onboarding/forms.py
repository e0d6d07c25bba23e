"""Forms that bring people in. They parse and validate; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.validators import EmailValidator
from django.urls import reverse

from coproduce.email import queue_email
from coproduce.models import Discipline, User
from coproduce.onboarding.models import AccountLink
from plans.forms import SupporterPermissionsForm

EMAIL_IN_USE = (
    "This email address is already used by another account. We cannot say whose. "
    "Check the address, or leave it empty and print a letter instead."
)
PROFESSIONAL_EMAIL_IN_USE = (
    "This email address is already used by another account. We cannot say whose. "
    "Check the address with the person you are inviting."
)


def _text(
    label: str, *, max_length: int = 150, required: bool = True, **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
        **kw,
    )


def _email(label: str, *, required: bool = True, help_text: str = "") -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        required=required,
        help_text=help_text,
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _password(
    label: str, *, required: str, autocomplete: str, help_text: str = ""
) -> forms.CharField:
    """A password box: kept exactly as typed (no stripping), up to Django's own limit."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        max_length=4096,
        error_messages={"required": required},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class _AccountForm(forms.Form):
    """A form about one user's own account, which it checks against."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


class TeamForm(forms.Form):
    name = _text("Team name", max_length=120)
    lead_name = _text("Team lead's full name")
    lead_email = _email("Team lead's email address", help_text="We send them an invitation.")
    lead_discipline = forms.ChoiceField(
        label="Team lead's profession",
        choices=Discipline.choices,
        initial=Discipline.TEAM_MANAGER,
        error_messages={"required": "Choose the lead's profession"},
    )


class InviteProfessionalForm(forms.Form):
    full_name = _text("Full name")
    email = _email("Email address", help_text="We send them an invitation to this address.")
    discipline = forms.ChoiceField(
        label="Profession",
        choices=Discipline.choices,
        error_messages={"required": "Choose their profession"},
    )
    job_title = _text("Job title", max_length=120, required=False)


class StartPlanForm(forms.Form):
    full_name = _text("Their full name")
    preferred_name = _text(
        "The name they like to be called by",
        required=False,
        help_text="We use this on their plan and when we write to them.",
    )
    email = _email(
        "Their email address",
        required=False,
        help_text="Leave it empty if they have no email: you can print a letter instead.",
    )
    invite_by = forms.ChoiceField(
        label="How should we invite them?",
        choices=[
            (AccountLink.Delivery.EMAIL, "By email, with a link"),
            (AccountLink.Delivery.LETTER, "With a printed letter and a short code"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to invite them"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants_email = data.get("invite_by") == AccountLink.Delivery.EMAIL
        if wants_email and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter their email address, or choose a printed letter")
        return data


class InviteSupporterForm(SupporterPermissionsForm):
    full_name = _text("Their full name")
    email = _email("Their email address", help_text="We send them an invitation to this address.")
    relationship = forms.ChoiceField(
        label="Who are they to you?",
        choices=[
            ("family", "Family"),
            ("friend", "A friend"),
            ("carer", "My carer"),
            ("advocate", "My advocate"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who they are to you",
            "invalid_choice": "Choose one of the options",
        },
    )
    field_order = [
        "full_name",
        "email",
        "relationship",
        "may_see",
        "may_suggest",
        "may_rate",
        "may_be_named",
    ]


class InviteAgainForm(forms.Form):
    invite_by = forms.ChoiceField(
        choices=[(AccountLink.Delivery.EMAIL, "email"), (AccountLink.Delivery.LETTER, "letter")],
        error_messages={"required": "Choose how to invite them", "invalid_choice": "Choose how"},
    )


class ChooseSignInForm(_AccountForm):
    """Accepting an invitation: a username and a new password, typed twice."""

    username = forms.CharField(
        label="Choose a username",
        help_text="You will use it to sign in. Letters, numbers and . @ + - _ only.",
        max_length=150,
        validators=[User.username_validator],
        error_messages={"required": "Choose a username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    new_password1 = _password(
        "Choose a password",
        help_text="At least 8 characters. Not something easy to guess.",
        required="Choose a password",
        autocomplete="new-password",
    )
    new_password2 = _password(
        "Type the password again", required="Type the password again", autocomplete="new-password"
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        taken = User.objects.filter(username__iexact=username).exclude(pk=self.user.pk)
        if taken.exists():
            raise forms.ValidationError("That username is taken. Choose another.")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", "The two passwords are not the same")
        elif one:
            if "username" in data:
                self.user.username = data["username"]
            try:
                password_validation.validate_password(one, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return data


class LetterCodeForm(forms.Form):
    code = forms.CharField(
        label="The code from your letter",
        help_text="10 letters and numbers, for example ABCDE-12345",
        max_length=40,
        error_messages={"required": "Enter the code from your letter"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class EmailChangeForm(_AccountForm):
    email = _email("New email address", help_text="We send a link to it, to check it is yours.")
    password = _password(
        "Your password", required="Enter your password", autocomplete="current-password"
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right")
        return password


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with its email queued (never sent inside the request)."""

    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        validators=[EmailValidator()],
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse("password_reset_confirm", args=[context["uid"], context["token"]])
        url = f"{context['protocol']}://{context['domain']}{path}"
        queue_email(to_email, "password_reset", {"url": url})
