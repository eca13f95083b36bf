"""Answers that no cache may keep, shared or the browser's: those holding a password or a
new API token."""

NOT_STORED = {"Cache-Control": "no-store"}
