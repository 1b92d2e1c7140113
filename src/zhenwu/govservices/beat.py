"""Periodic work of 小牛办: none yet needs a timer (deadlines are read live from the calendar)."""

SCHEDULE: dict[str, dict[str, object]] = {}
