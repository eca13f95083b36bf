"""Every page each role (and a visitor) can reach, found by following links from the home
page of the Bangkok demo: none fails axe-core at any impact, none answers an error, and on a
phone none is wider than the screen at 200% text.

One page of each kind is visited (``/households/3/`` stands for every household), so the
walk stays short however much data the demo holds. The Django admin and the API's own pages
are left out: they are not ours.
"""

import re
from decimal import Decimal
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from playwright.sync_api import Page

from donors.services.imports import start_import
from foodbank.dashboard.models import ReportExport
from foodbank.dashboard.open_data.services import publish_due_months
from foodbank.dashboard.services import build_report_export, request_report_export
from foodbank.demo.services import DEMO_PASSWORD, seed_demo
from foodbank.districts.models import District
from inventory.models import Item
from inventory.services.counts import start_stock_take
from inventory.services.transfers import send_transfer
from points.models import Household
from points.services.cards import issue_card
from points.services.vouchers import Choice, issue_voucher

from .journey import Walk, overflow_at_large_text, violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOT_OURS = ("/admin/", "/api/", "/static/", "/media/")
HISTORY = (
    "received_on,district,donor,category,weight_kg\n"
    "2024-01-05,1001,Chinatown Noodle House,bakery,3\n"
)
#: The demo's accounts that look after households.
KEEPERS = ("admin", "staff.phranakhon")
#: Enough for every kind of page a role has today, with room to grow; a walk that reaches
#: it fails, so that pages are never silently left unvisited.
MOST_PAGES = 80


def kind_of_page(url: str) -> str:
    """``/households/3/?standing=left`` → ``/households/N/?standing``."""
    parts = urlsplit(url)
    keys = sorted({key for key, _value in parse_qsl(parts.query)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def links_on(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
    ours = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith(NOT_OURS):
            continue
        ours.append(parts._replace(fragment="").geturl())
    return ours


def problems_on(walk: Walk, url: str, *, signed_in: bool) -> list[str] | str | None:
    """What is wrong with the page at ``url``; None when it is not a page (a download), or
    the address it redirects to (followed as a link, so that a sign-in page is not audited
    in the page's place, and sending someone signed in to sign in is a problem)."""
    answer = walk.page.request.get(url, max_redirects=0)  # the tab's cookies; no download
    if answer.status in (301, 302, 303, 307, 308):
        target = urljoin(url, answer.headers["location"])
        if signed_in and urlsplit(target).path == "/login/":
            return [f"sent to sign in ({target})"]
        return target
    if answer.status >= 400:
        return [f"answered {answer.status}"]
    if "text/html" not in answer.headers.get("content-type", ""):
        return None
    walk.page.goto(url)
    walk.page.wait_for_load_state()
    found = violations(walk.page)
    if walk.phone and (overflow := overflow_at_large_text(walk.page)) > 0:
        found.append(f"{overflow}px wider than the screen at 200% text")
    return found


def walk_every_page(
    walk: Walk, starts: list[str], *, signed_in: bool, seen: set[str] | None = None
) -> tuple[set[str], dict[str, list[str]]]:
    """Visit ``starts``, then one page of each kind reachable from them and not ``seen``;
    the kinds (``seen`` included), and the problems found."""
    origin = walk.base_url
    kinds = (seen or set()) | {kind_of_page(start) for start in starts}
    queue, problems = [origin + start for start in starts], {}
    while queue:
        url = queue.pop(0)
        assert len(kinds) <= MOST_PAGES, f"more than {MOST_PAGES} kinds of page: {sorted(kinds)}"
        found = problems_on(walk, url, signed_in=signed_in)
        if found is None:
            continue
        if isinstance(found, str):
            links = [found]
        else:
            problems |= {url: found} if found else {}
            links = links_on(walk.page, origin)
        for link in links:
            if kind_of_page(link) not in kinds:
                kinds.add(kind_of_page(link))
                queue.append(link)
    return kinds, problems


@pytest.fixture
def demo(districts):
    """The Bangkok demo, with a voucher for each household still in the programme (whichever
    household the walk opens has one), a card for the demo recipient, rice on its way from
    Phra Nakhon to Bang Kapi, a stock-take under way, last month's open data, an imported
    history of drop-offs and a report export."""
    seed_demo()
    recipient = Household.objects.get(account__username="recipient.demo")
    staff = recipient.registered_by
    cheapest = Item.objects.filter(lots__district=recipient.district, lots__on_hand__gt=0)
    cheapest = cheapest.order_by("points_price").first()
    for home in Household.objects.filter(left_on__isnull=True):
        issue_voucher(household=home, choices=[Choice(cheapest, 1)], by=staff)
    issue_card(household=recipient, by=staff)
    send_transfer(
        from_district=staff.district,
        to_district=District.objects.get(code="1006"),
        lines=[(cheapest, Decimal("1"))],
        by=staff,
    )
    start_stock_take(district=staff.district, by=staff)
    publish_due_months()
    start_import(file_name="history.csv", content=HISTORY.encode(), by=staff)
    export = request_report_export(by=staff, codes={}, file_format="csv", language="th")
    build_report_export(export_id=export.pk)


@pytest.mark.parametrize(
    ("username", "locale", "phone", "at_least"),
    [
        ("admin", "th-TH", False, ["/households/N/erase/", "/store/counts/N/", "/imports/N/"]),
        ("admin", "th-TH", True, ["/impact/", "/store/transfers/N/"]),
        (
            "staff.phranakhon",
            "th-TH",
            False,
            ["/households/N/erase/", "/impact/exports/N/download/"],
        ),
        ("staff.phranakhon", "en-GB", True, ["/store/transfers/N/", "/account/password/"]),
        ("counter.phranakhon", "th-TH", True, ["/counter/", "/store/items/N/"]),
        ("counter.phranakhon", "en-GB", True, ["/counter/"]),
        ("donor.demo", "th-TH", False, ["/dropoffs/N/", "/dropoffs/announce/"]),
        ("recipient.demo", "th-TH", True, ["/me/choose/", "/me/personal-data/"]),
        ("recipient.demo", "en-GB", True, ["/vouchers/N/", "/me/personal-data/"]),
        (None, "th-TH", True, ["/open-data/impact.csv"]),
    ],
)
def test_every_page_a_role_reaches_is_accessible(person, demo, username, locale, phone, at_least):
    walk = person(locale=locale, phone=phone)
    if username:
        walk.sign_in(username, DEMO_PASSWORD)

    starts, signed_in = ["/", "/login/", "/open-data/"], bool(username)
    kinds, problems = walk_every_page(walk, starts, signed_in=signed_in)
    if username in KEEPERS:
        # The page of a household that left links to pages of its own; an export's page is
        # where the form asking for it leads (only its owner's).
        left = Household.objects.get(left_on__isnull=False)
        exports = ReportExport.objects.filter(requested_by__username=username)
        more_starts = [f"/households/{left.pk}/", *(f"/impact/exports/{e.pk}/" for e in exports)]
        kinds, more = walk_every_page(walk, more_starts, signed_in=True, seen=kinds)
        problems |= more

    assert set(at_least) <= kinds, f"{username} did not reach {set(at_least) - kinds}"
    assert not problems, "\n".join(f"{url}: {'; '.join(found)}" for url, found in problems.items())
