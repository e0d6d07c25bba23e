"""Path converters for the few words a URL may hold in one place; anything else is a 404."""


class OneOf:
    """Subclasses set `regex` to the words allowed, for example "accept|decline"."""

    regex: str

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
