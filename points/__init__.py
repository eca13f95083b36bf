"""Households, assessments and the append-only points ledger."""
