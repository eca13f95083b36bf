"""The Food Bank project: settings, URLs and the shared core (districts, users, roles)."""
