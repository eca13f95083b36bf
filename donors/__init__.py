"""Surplus rescue: donors, drop-offs and their lines, distributions."""
