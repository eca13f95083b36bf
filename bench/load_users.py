"""The mixed load's people, for Locust: ``bench/load.py`` runs them (see there).

Weighted as at a district office in the morning: recipients browsing their points and the
shelf on their phones are the most; counter staff look up and hand over vouchers; district
staff log drop-offs and look at their store; a few admins open the impact dashboard. Each
waits a few seconds between actions, as people do. ``LOAD_DATA`` names the JSON file of
accounts, tokens and vouchers that ``bench/load.py`` prepared.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path

from locust import HttpUser, between, task
from locust.exception import StopUser

DATA = json.loads(Path(os.environ["LOAD_DATA"]).read_text())
VOUCHERS = iter(DATA["vouchers"])
CATEGORIES = ["bakery", "fruit-vegetables", "rice-grains", "dry-canned", "cooked-meals"]


class PageUser(HttpUser):
    """Someone using the web pages, signed in with a session."""

    abstract = True

    def sign_in(self, username: str) -> None:
        self.client.get("/login/", name="/login/")
        self.client.post(
            "/login/",
            {
                "username": username,
                "password": DATA["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="/login/ (sign in)",
        )


class Recipient(PageUser):
    weight = 5
    wait_time = between(3, 8)

    def on_start(self) -> None:
        self.sign_in(random.choice(DATA["recipients"]))

    @task(3)
    def my_points(self) -> None:
        self.client.get("/me/")

    @task(2)
    def the_shelf(self) -> None:
        self.client.get("/me/choose/")


class Counter(HttpUser):
    weight = 3
    wait_time = between(2, 4)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Token {DATA['counter_token']}"

    @task
    def hand_over(self) -> None:
        voucher = next(VOUCHERS, None)
        if voucher is None:
            raise StopUser()
        self.client.post("/api/v1/vouchers/lookup/", json={"token": voucher})
        self.client.post(
            "/api/v1/vouchers/redeem/",
            json={"token": voucher, "counter": "C1"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )


class Staff(HttpUser):
    weight = 2
    wait_time = between(3, 6)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Token {DATA['staff_token']}"

    @task(3)
    def log_dropoff(self) -> None:
        lines = [
            {
                "category": random.choice(CATEGORIES),
                "weight_kg": f"{random.uniform(0.5, 80):.3f}",
                "destination": "forward",
            }
            for _ in range(random.randint(1, 4))
        ]
        self.client.post(
            "/api/v1/dropoffs/",
            json={"donor": random.choice(DATA["donors"]), "lines": lines},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )

    @task(1)
    def recent_dropoffs(self) -> None:
        self.client.get("/api/v1/dropoffs/")

    @task(1)
    def the_store(self) -> None:
        self.client.get("/api/v1/inventory/stock/")


class Admin(PageUser):
    weight = 1
    wait_time = between(5, 10)

    def on_start(self) -> None:
        self.sign_in(DATA["admin"])

    @task
    def dashboard(self) -> None:
        self.client.get("/impact/")
