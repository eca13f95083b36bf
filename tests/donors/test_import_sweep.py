"""Imports whose task was never sent or was lost: the sweep queues them again, a second run
leaves alone the import another run is writing, and a cache that does not answer stops
neither an import nor its page."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from donors.errors import DuplicateImport
from donors.models import DropOff, DropOffImport, ImportStatus
from donors.services import imports
from tests.donors.test_import import GOOD, HEADER


def uploaded(n: int, *, by=None, ago: timedelta = timedelta(0)) -> DropOffImport:
    """A file recorded ``ago`` whose task was never sent (the broker was down)."""
    rows = [*GOOD, f"2024-03-04,1001,Siam Bakery,restaurant,bakery,{n},,"]
    started = imports.start_import(
        file_name=f"history-{n}.csv", content=(HEADER + "\n".join(rows) + "\n").encode(), by=by
    )
    DropOffImport.objects.filter(pk=started.pk).update(created_at=timezone.now() - ago)
    return started


def status_of(dropoff_import: DropOffImport) -> str:
    dropoff_import.refresh_from_db()
    return dropoff_import.status


@pytest.mark.django_db
def test_an_import_whose_task_was_never_sent_is_imported_by_the_sweep(
    districts, django_capture_on_commit_callbacks
):
    lost = uploaded(1, ago=imports.LOST_AFTER + timedelta(seconds=1))
    recent = uploaded(2, ago=timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.sweep_waiting_imports() == {"queued": 1, "given_up": 0}
    assert (status_of(lost), lost.imported_lines) == (ImportStatus.DONE, len(GOOD) + 1)
    assert (status_of(recent), lost.attempts) == (ImportStatus.PENDING, 1)
    assert DropOff.objects.count() == 4  # the file's three drop-offs, and its own line's
    later = timezone.now() + imports.LOST_AFTER
    with django_capture_on_commit_callbacks(execute=True):  # an imported file is left alone
        assert imports.sweep_waiting_imports(now=later) == {"queued": 1, "given_up": 0}
    assert status_of(recent) == ImportStatus.DONE
    assert DropOff.objects.count() == 8
    assert imports.run_import(dropoff_import_id=lost.pk).attempts == 1  # a run of nothing


@pytest.mark.parametrize(
    ("attempts", "ago", "given_up"),
    [
        (imports.MAX_ATTEMPTS - 1, timedelta(hours=1), False),
        (imports.MAX_ATTEMPTS, timedelta(hours=1), True),  # its runs keep stopping
        (0, imports.GIVE_UP_AFTER + timedelta(seconds=1), True),  # from long ago
    ],
    ids=["tried-twice", "tried-three-times", "a-day-old"],
)
@pytest.mark.django_db
def test_an_import_whose_runs_keep_stopping_is_given_up_and_may_be_uploaded_again(
    people, django_capture_on_commit_callbacks, attempts, ago, given_up
):
    stuck = uploaded(1, by=people.admin, ago=ago)
    DropOffImport.objects.filter(pk=stuck.pk).update(attempts=attempts)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        done = imports.sweep_waiting_imports()
    assert done == {"queued": int(not given_up), "given_up": int(given_up)}
    assert len(sent) == int(not given_up)
    assert status_of(stuck) == (ImportStatus.FAILED if given_up else ImportStatus.PENDING)
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(people.admin)
    text = page.get(f"/imports/{stuck.pk}/").content.decode()
    told = "run to the end and was given up. Nothing was imported: upload the file again."
    assert (told in text) is given_up
    if given_up:
        again = uploaded(1, by=people.admin)
        assert imports.run_import(dropoff_import_id=again.pk).status == ImportStatus.DONE
    else:
        with pytest.raises(DuplicateImport):
            uploaded(1, by=people.admin)


@pytest.mark.parametrize(
    ("attempts", "ago"),
    [(imports.MAX_ATTEMPTS, timedelta(0)), (0, imports.GIVE_UP_AFTER + timedelta(seconds=1))],
    ids=["tried-three-times", "a-day-old"],
)
@pytest.mark.django_db
def test_a_hopeless_import_is_given_up_by_the_run_itself(districts, attempts, ago):
    """A task put back each time its worker dies must not wait for the sweep to stop."""
    stuck = uploaded(1, ago=ago)
    DropOffImport.objects.filter(pk=stuck.pk).update(attempts=attempts)
    ran = imports.run_import(dropoff_import_id=stuck.pk)
    assert (ran.status, ran.attempts, DropOff.objects.count()) == (
        ImportStatus.FAILED,
        attempts,
        0,
    )


@pytest.mark.postgres
def test_a_second_run_leaves_alone_an_import_another_run_is_writing(committed_db, districts):
    started = uploaded(1)
    held, release = threading.Event(), threading.Event()

    def first_run_writing():
        try:
            with transaction.atomic():
                DropOffImport.objects.select_for_update().get(pk=started.pk)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    first = threading.Thread(target=first_run_writing)
    first.start()
    try:
        assert held.wait(30)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting would fail, not hang
            second = imports.run_import(dropoff_import_id=started.pk)
        assert (second.status, second.attempts) == (ImportStatus.PENDING, 0)
        assert DropOff.objects.count() == 0
    finally:
        release.set()
        first.join()
    assert imports.run_import(dropoff_import_id=started.pk).status == ImportStatus.DONE


@pytest.fixture
def cache_not_answering(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_stops_neither_an_import_nor_its_page(
    people, cache_not_answering, caplog
):
    started = uploaded(1, by=people.admin)
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(people.admin)
    answer = page.get(f"/imports/{started.pk}/?format=json")
    assert answer.status_code == 200
    assert answer.json() == {"status": "pending", "done": 0, "total": 0}
    assert imports.run_import(dropoff_import_id=started.pk).status == ImportStatus.DONE
    assert f"Import {started.pk}: progress not kept (ConnectionError)." in caplog.messages
