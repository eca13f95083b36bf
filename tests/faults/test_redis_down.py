"""Redis stops while staff log drop-offs and counters hand over vouchers.

The web (gunicorn, production settings) keeps answering: drop-offs are saved (their
computation cannot be queued), vouchers are redeemed, staff can still sign in. When Redis
is back, the worker and beat reconnect and the impact sweep computes what was saved in the
meantime, within one sweep interval; nothing is lost and nothing counted twice.
"""

import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from donors.models import DropOff, DropOffStatus
from points.models import Redemption
from tests.donors.factories import DonorFactory
from tests.faults.conftest import call, dropoff_body
from tests.faults.ledgers import assert_ledgers_hold
from tests.faults.services import gunicorn, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.worker]
SWEEP_SECONDS = 2
#: Generous bounds for a busy machine; a request normally takes a fraction of a second.
REQUEST_WITHIN = 10
CAUGHT_UP_WITHIN = SWEEP_SECONDS + 30


def processed(ids) -> bool:
    return DropOff.objects.filter(pk__in=ids, status=DropOffStatus.PROCESSED).count() == len(ids)


def test_the_web_keeps_working_while_redis_is_down_and_the_work_catches_up(
    people, counter_goods, broker, service_env, start_worker, start_beat
):
    sweep = {"FOODBANK_IMPACT_SWEEP_SECONDS": str(SWEEP_SECONDS)}
    start_worker(**sweep)
    start_beat(**sweep)
    donor = DonorFactory()
    # Hashed as production hashes (the test settings use a faster hasher it does not know).
    people.counter_a.password = PBKDF2PasswordHasher().encode("a-long-enough-pass-1", "faults")
    people.counter_a.save()
    with gunicorn(service_env(**sweep)) as web:
        status, before = call(
            web, "POST", "/api/v1/dropoffs/", token=counter_goods.staff, body=dropoff_body(donor.pk)
        )
        assert status == 201, before
        wait_for(lambda: processed([before["id"]]), 30, "computing with Redis up")

        broker.stop()
        saved, redeemed = [], 0
        for n, voucher in enumerate(counter_goods.vouchers[:8]):
            started = time.monotonic()
            status, answer = call(
                web,
                "POST",
                "/api/v1/dropoffs/",
                token=counter_goods.staff,
                body=dropoff_body(donor.pk, kg=f"{n + 1}.5"),
            )
            assert status == 201, answer
            saved.append(answer["id"])
            status, answer = call(
                web,
                "POST",
                "/api/v1/vouchers/redeem/",
                token=counter_goods.counter,
                body={"token": voucher, "counter": "C1"},
            )
            assert status == 200, answer
            redeemed += 1
            assert time.monotonic() - started < REQUEST_WITHIN
        status, answer = call(
            web,
            "POST",
            "/api/v1/auth/token/",
            body={"username": "counter_a", "password": "a-long-enough-pass-1"},
        )
        assert (status, bool(answer.get("token"))) == (200, True), answer
        status, health = call(web, "GET", "/healthz")
        assert (status, health["checks"]["redis"]["status"]) == (503, "down")
        assert call(web, "GET", "/healthz/web")[0] == 200
        assert DropOff.objects.filter(pk__in=saved, status=DropOffStatus.RECEIVED).count() == 8

        broker.start()
        wait_for(lambda: processed(saved), CAUGHT_UP_WITHIN, "the sweep catching up")
        status, after = call(
            web, "POST", "/api/v1/dropoffs/", token=counter_goods.staff, body=dropoff_body(donor.pk)
        )
        assert status == 201, after
        wait_for(lambda: processed([after["id"]]), 30, "computing with Redis back")
    assert Redemption.objects.count() == redeemed
    assert_ledgers_hold()
