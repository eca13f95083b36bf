"""Redis stops, or hangs, while staff log drop-offs and counters hand over vouchers.

The web (gunicorn, production settings) keeps answering: drop-offs are saved (their
computation cannot be queued), vouchers are redeemed, staff can still sign in. A Redis that
takes connections and answers nothing holds no request for more than a few seconds. When
Redis is back, the worker and beat reconnect and the impact sweep computes what was saved in
the meantime, within one sweep interval; nothing is lost and nothing counted twice.
"""

import time

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from donors.models import DropOff, DropOffStatus
from points.models import Redemption
from tests.donors.factories import DonorFactory
from tests.faults.conftest import call, dropoff_body
from tests.faults.ledgers import assert_ledgers_hold
from tests.faults.services import gunicorn, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.worker]
SWEEP_SECONDS = 2
#: Long enough for the requests below even on a busy machine, which checks they ran within it.
PAUSE_SECONDS = 45
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
        saved = log_and_hand_over(web, counter_goods, donor, counter_goods.vouchers[:8])
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
    assert Redemption.objects.count() == 8
    assert_ledgers_hold()


def test_a_redis_that_hangs_holds_no_request_and_the_work_catches_up(
    people, counter_goods, broker, service_env, start_worker, start_beat
):
    """Every client of Redis is paused, as when it is stuck: it takes connections and
    answers nothing, until the pause ends."""
    sweep = {"FOODBANK_IMPACT_SWEEP_SECONDS": str(SWEEP_SECONDS)}
    start_worker(**sweep)
    start_beat(**sweep)
    donor = DonorFactory()
    with gunicorn(service_env(**sweep)) as web:
        paused = time.monotonic()
        redis.Redis.from_url(broker.url).client_pause(PAUSE_SECONDS * 1000, all=True)
        saved = log_and_hand_over(web, counter_goods, donor, counter_goods.vouchers[:4])
        assert time.monotonic() - paused < PAUSE_SECONDS, "the requests ran after the pause"
        assert DropOff.objects.filter(pk__in=saved, status=DropOffStatus.RECEIVED).count() == 4
        wait_for(lambda: processed(saved), PAUSE_SECONDS + CAUGHT_UP_WITHIN, "catching up")
    assert Redemption.objects.count() == 4
    assert_ledgers_hold()


def log_and_hand_over(web: str, goods, donor, vouchers: list[str]) -> list[int]:
    """For each voucher, log a drop-off and hand the voucher over, each request answering
    within ``REQUEST_WITHIN``; returns the drop-offs' ids."""
    saved = []
    for n, voucher in enumerate(vouchers):
        started = time.monotonic()
        status, answer = call(
            web,
            "POST",
            "/api/v1/dropoffs/",
            token=goods.staff,
            body=dropoff_body(donor.pk, kg=f"{n + 1}.5"),
        )
        assert status == 201, answer
        saved.append(answer["id"])
        status, answer = call(
            web,
            "POST",
            "/api/v1/vouchers/redeem/",
            token=goods.counter,
            body={"token": voucher, "counter": "C1"},
        )
        assert status == 200, answer
        assert time.monotonic() - started < REQUEST_WITHIN
    return saved
