"""Writing the audit trail: called by the services that change points, stock, vouchers,
households, methodologies and policies, inside their own transactions."""

from __future__ import annotations

from typing import Any

from django.db import models

from foodbank.accounts.models import User

from .context import current_origin
from .models import Action, AuditEvent


def record(
    action: Action,
    *,
    target: models.Model,
    by: User | None,
    district_id: int | None = None,
    **summary: Any,
) -> AuditEvent:
    """Write down that ``by`` did ``action`` to ``target``, from the current request's origin.

    ``summary`` must hold no personal data: ids, kinds, amounts and the names of the fields
    changed, never their values.
    """
    origin = current_origin()
    return AuditEvent.objects.create(
        actor=by if by is not None and by.pk else None,
        address=origin.address if origin else None,
        user_agent=origin.user_agent if origin else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        district_id=district_id,
        summary=summary,
    )


def forget_origins(*, actor: User) -> int:
    """Blank the address and browser of every event ``actor`` caused (their login is being
    erased); the events themselves stay. Returns how many were changed."""
    events = AuditEvent.objects.filter(actor=actor).exclude(address=None, user_agent="")
    return events.update(address=None, user_agent="")
