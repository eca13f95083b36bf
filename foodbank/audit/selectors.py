"""Reading the audit trail (admins only: the views check the role)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events(
    *,
    action: str = "",
    actor: str = "",
    target_type: str = "",
    target_id: int | None = None,
    district_code: str = "",
) -> QuerySet[AuditEvent]:
    """Newest first, narrowed by whichever filters are given."""
    events = AuditEvent.objects.select_related("actor", "district")
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor__username=actor)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id is not None:
        events = events.filter(target_id=target_id)
    if district_code:
        events = events.filter(district__code=district_code)
    return events
