"""The email settings form: one choice per kind, and quiet hours."""

from __future__ import annotations

from typing import Any

from django import forms

from coproduce.notifications.models import Frequency, Kind, NotificationSettings


class NotificationSettingsForm(forms.Form):
    quiet_from = forms.TimeField(
        label="No emails from", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_until = forms.TimeField(
        label="until", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
            )

    @classmethod
    def initial_of(cls, choices: NotificationSettings, kinds: list[str]) -> dict[str, Any]:
        initial: dict[str, Any] = {f"kind_{kind}": choices.frequency(kind) for kind in kinds}
        initial["quiet_from"] = choices.quiet_from
        initial["quiet_until"] = choices.quiet_until
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("quiet_from"), cleaned.get("quiet_until")
        times_parsed = "quiet_from" not in self.errors and "quiet_until" not in self.errors
        if (start is None) != (end is None) and times_parsed:
            self.add_error(
                "quiet_until" if end is None else "quiet_from",
                "Enter both times, or leave both empty for no quiet hours",
            )
        return cleaned

    def save(self, choices: NotificationSettings) -> None:
        choices.choices = {kind: self.cleaned_data[f"kind_{kind}"] for kind in self.kinds}
        choices.quiet_from = self.cleaned_data["quiet_from"]
        choices.quiet_until = self.cleaned_data["quiet_until"]
        choices.save(update_fields=["choices", "quiet_from", "quiet_until"])
