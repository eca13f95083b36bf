import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` and the answer it got, so a retry gets the same answer.

    While ``response_status`` is null the first request is still being handled.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    #: Changes each time a request takes the key over, so a request that lost it cannot finish.
    claim = models.UUIDField(default=uuid.uuid4)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "endpoint", "key"], name="%(app_label)s_%(class)s_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(response_status__isnull=True) | Q(response_status__gte=200),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
