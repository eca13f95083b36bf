"""Rate limits on token requests, donor sign-ups and redemptions: exactly the limit passes,
even when the requests arrive at once, and the rest hear 429 with the limit and Retry-After."""

import logging
import threading

import pytest
import redis
from django.test import Client

from foodbank import ratelimit
from tests.conftest import run_concurrently
from tests.faults.services import PrivateRedis

TOKEN = "/api/v1/auth/token/"
REGISTER = "/api/v1/donors/register/"
REDEEM = "/api/v1/vouchers/redeem/"


@pytest.fixture
def limits(settings):
    def set_limits(**rates):
        settings.FOODBANK_RATE_LIMITS = settings.FOODBANK_RATE_LIMITS | rates

    return set_limits


def test_retry_after_is_never_longer_than_the_window(settings, monkeypatch):
    """(now + 60) - now is a hair over 60 for some clock readings: not 61 seconds to wait."""
    settings.REDIS_URL = ""
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: 65497.837250124976)
    verdict = ratelimit.hit("auth", "address:192.0.2.9", ratelimit.Rate(5, 60))
    assert (verdict.allowed, verdict.count, verdict.retry_after) == (True, 1, 60)


@pytest.mark.parametrize(
    ("text", "count", "seconds"),
    [("10/min", 10, 60), ("20/hour", 20, 3600), ("5/10s", 5, 10), ("1/day", 1, 86400)],
)
def test_rates_are_read_from_their_text(text, count, seconds):
    assert ratelimit.parse_rate(text) == ratelimit.Rate(count, seconds)


@pytest.mark.parametrize("text", ["ten/min", "10/fortnight", "10", "10/xs"])
def test_a_malformed_rate_is_refused(text):
    with pytest.raises(ValueError, match="Not a rate"):
        ratelimit.parse_rate(text)


def test_concurrent_hits_let_exactly_the_limit_through(limits):
    """Counted in this process without Redis, in Redis with it: either way, atomically."""
    limits(auth="7/min")
    verdicts = []
    lock = threading.Lock()

    def one():
        verdict = ratelimit.hit("auth", "address:192.0.2.1")
        with lock:
            verdicts.append(verdict)

    threads = [threading.Thread(target=one) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(v.allowed for v in verdicts) == 7
    assert sorted(v.count for v in verdicts) == list(range(1, 41))
    assert all(1 <= v.retry_after <= 60 for v in verdicts)
    assert ratelimit.hit("auth", "address:192.0.2.2").allowed  # another client, its own count


def test_token_requests_over_the_limit_hear_429_naming_it(api, people, limits):
    limits(auth="3/min")
    for _attempt in range(3):
        response = api.post(TOKEN, {"username": "staff_a", "password": "wrong"}, format="json")
        assert response.status_code == 400
    response = api.post(TOKEN, {"username": "staff_a", "password": "wrong"}, format="json")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "throttled"
    assert body["message"].startswith("Too many requests: the limit is 3 per minute.")


def test_each_client_address_has_its_own_count(api, people, limits, settings):
    limits(auth="1/min")
    settings.FOODBANK_TRUSTED_PROXIES = 1
    wrong = {"username": "staff_a", "password": "wrong"}

    def from_address(address):
        return api.post(TOKEN, wrong, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.9, {address}")

    assert from_address("198.51.100.1").status_code == 400
    assert from_address("198.51.100.1").status_code == 429
    assert from_address("198.51.100.2").status_code == 400


def test_donor_sign_ups_are_limited_on_the_api_and_the_page(api, districts, limits):
    limits(register="1/hour")
    assert api.post(REGISTER, {}, format="json").status_code == 400
    response = api.post(REGISTER, {}, format="json")
    assert response.status_code == 429
    assert "1 per hour" in response.json()["message"]

    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert page.get("/donors/signup/").status_code == 200  # reading the form is not counted
    response = page.post("/donors/signup/", {})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "the limit is 1 per hour" in response.content.decode()


def test_redemptions_are_limited_per_counter_account(api, people, limits):
    limits(redeem="2/min")
    counter = api.as_user(people.counter_a)
    for _attempt in range(2):
        assert counter.post(REDEEM, {"token": "forged"}, format="json").status_code == 400
    response = counter.post(REDEEM, {"token": "forged"}, format="json")
    assert response.status_code == 429
    assert "2 per minute" in response.json()["message"]
    # Another counter account has its own count, and the counter page shares the API's.
    assert api.as_user(people.counter_b).post(REDEEM, {"token": "x"}).status_code == 400
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(people.counter_a)
    response = page.post("/counter/redeem/", {"code": "forged"})
    assert response.status_code == 429
    assert "2 per minute" in response.content.decode()


def test_with_redis_refusing_the_limit_holds_in_the_process_and_a_warning_is_logged(
    settings, limits, caplog
):
    limits(auth="2/min")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    ratelimit._last_warning[0] = 0.0
    with caplog.at_level(logging.WARNING, logger="foodbank.ratelimit"):
        verdicts = [ratelimit.hit("auth", "address:192.0.2.1") for _ in range(4)]
        other = ratelimit.hit("auth", "address:192.0.2.2")
    assert [v.allowed for v in verdicts] == [True, True, False, False]
    assert [v.count for v in verdicts] == [1, 2, 3, 4]
    assert all(1 <= v.retry_after <= 60 for v in verdicts)
    assert other.allowed
    assert [r.getMessage() for r in caplog.records] == [
        "Rate limits counted in this process only: Redis did not answer (ConnectionError)."
    ]


@pytest.mark.parametrize(("retry_seconds", "asked"), [(60, 1), (0, 4)])
def test_a_hanging_redis_is_asked_again_only_after_the_pause(
    settings, limits, monkeypatch, hanging_redis, retry_seconds, asked
):
    """Each ask costs a request Redis's timeout; meanwhile the process counts by itself."""
    url, taken = hanging_redis
    limits(redeem="3/min")
    settings.REDIS_URL = url
    monkeypatch.setattr(ratelimit, "REDIS_RETRY_SECONDS", retry_seconds)
    verdicts = [ratelimit.hit("redeem", "user:7") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert len(taken) == asked


def test_counting_moves_to_the_process_while_redis_is_down_and_back_when_it_returns(
    settings, limits, monkeypatch, caplog
):
    limits(redeem="3/min")
    monkeypatch.setattr(ratelimit, "REDIS_RETRY_SECONDS", 0)
    server = PrivateRedis()
    server.start()
    try:
        settings.REDIS_URL = server.url
        client = redis.Redis.from_url(server.url)
        key = f"{ratelimit.KEY_PREFIX}redeem:3/60:user:7"
        assert ratelimit.hit("redeem", "user:7").count == 1
        assert int(client.get(key)) == 1

        server.stop()  # killed: it keeps nothing, as production's Redis may not
        down = [ratelimit.hit("redeem", "user:7") for _ in range(4)]
        assert [v.allowed for v in down] == [True, True, True, False]

        server.start()
        with caplog.at_level(logging.INFO, logger="foodbank.ratelimit"):
            back = ratelimit.hit("redeem", "user:7")
        assert (back.allowed, back.count, int(client.get(key))) == (True, 1, 1)
        assert "Rate limits counted in Redis again." in [r.getMessage() for r in caplog.records]
    finally:
        server.stop()


@pytest.mark.postgres
@pytest.mark.worker
def test_concurrent_token_requests_are_counted_in_redis(committed_db, districts, settings, limits):
    """Thirty requests at once from threads with their own connections: ten pass, in Redis."""
    limits(auth="10/min")
    settings.AXES_ENABLED = False  # counted here is the rate limit, not failed sign-ins

    def one():
        response = Client().post(
            TOKEN, {"username": "nobody", "password": "wrong"}, content_type="application/json"
        )
        return response.status_code

    statuses = run_concurrently(one, 30)
    assert sorted(statuses) == [400] * 10 + [429] * 20
    client = redis.Redis.from_url(settings.REDIS_URL)
    [key] = client.keys(f"{ratelimit.KEY_PREFIX}auth:*")
    assert int(client.get(key)) == 30
    assert 0 < client.pttl(key) <= 60_000
