"""The named fields of a form, as a browser would post them (for the load tests' sign-in)."""

from __future__ import annotations

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The named fields of the first form with a given action, as a browser would post them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and attr.get("action") == self.action:
            self.inside = True
        elif self.inside and tag == "input" and attr.get("name"):
            if attr.get("type") in ("radio", "checkbox") and "checked" not in attr:
                return
            self.fields[attr["name"]] = attr.get("value", "")
        elif self.inside and tag == "textarea" and attr.get("name"):
            self._textarea = attr["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside = False
            self.done = True


def form_fields(html: str, action: str) -> dict[str, str]:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields
