"""A log formatter writing one JSON object per line (used by coproduce.security).

Kept apart from coproduce.security because logging is configured before
Django's apps are loaded, and this module must import nothing from them.
"""

from __future__ import annotations

import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
        }
        data.update(getattr(record, "security", None) or {"event": record.getMessage()})
        return json.dumps(data, default=str, ensure_ascii=True)
