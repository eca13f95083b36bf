import pytest
from django.core.exceptions import ValidationError

from foodbank.accounts.models import Role
from foodbank.accounts.scoping import OutsideDistrict
from points import national_id
from points.errors import AlreadyRegistered, HasLogin
from points.models import Household
from points.selectors import households_visible_to
from points.services.households import create_recipient_login

from .factories import assessed, household
from .factories import national_id as valid_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", ["1101700203450", "1-1017-00203-45-0", "1 1017 00203 45 0"])
def test_a_valid_national_id_is_accepted_with_or_without_separators(number):
    assert national_id.normalise(number) == "1101700203450"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1101700203451", "checksum"),
        ("110170020345", "wrong_length"),
        ("11017002034511", "wrong_length"),
        ("11017002034a1", "not_digits"),
        ("๑๑๐๑๗๐๐๒๐๓๔๕๑", "not_digits"),
        ("", "not_digits"),
    ],
)
def test_an_invalid_national_id_is_refused_with_its_reason(number, code):
    with pytest.raises(ValidationError) as refused:
        national_id.normalise(number)
    assert refused.value.code == code


def test_the_check_digit_follows_the_weighted_sum_modulo_eleven():
    # 1*13+1*12+0*11+1*10+7*9+0*8+0*7+2*6+0*5+3*4+4*3+5*2 = 144; 144 % 11 = 1; (11-1) % 10 = 0
    assert national_id.check_digit("110170020345") == 0
    # 3*13 + 1*12 = 51; 51 % 11 = 7; 11 - 7 = 4
    assert national_id.check_digit("310000000000") == 4
    # 1*13 + 1*2 = 15; 15 % 11 = 4; 11 - 4 = 7
    assert national_id.check_digit("100000000001") == 7
    # 1*13 + 9*2 = 31; 31 % 11 = 9; 11 - 9 = 2
    assert national_id.check_digit("100000000009") == 2
    # a sum divisible by 11 gives (11 - 0) % 10 = 1
    assert national_id.check_digit("000000000000") == 1


def test_the_national_id_is_stored_masked_hashed_and_encrypted_never_in_clear(people):
    number = valid_id("110170020345")
    home = household(people.staff_a, number=number)
    row = Household.objects.filter(pk=home.pk).values().get()
    assert number not in str(row)
    assert home.national_id_masked == f"x-xxxx-xxxxx-{number[10:12]}-{number[12]}"
    assert national_id.decrypt(home.national_id_encrypted) == number
    assert number not in str(home)


def test_one_national_id_is_registered_once_city_wide_naming_the_district(people):
    number = valid_id()
    household(people.staff_a, number=number)
    with pytest.raises(AlreadyRegistered) as refused:
        household(people.staff_b, number=number)
    assert people.district_a.name in refused.value.message
    assert "national_id" in refused.value.fields
    assert Household.objects.count() == 1


def test_a_bad_national_id_stores_nothing(people):
    with pytest.raises(ValidationError) as refused:
        household(people.staff_a, number="1234567890123")
    assert "national_id" in refused.value.message_dict
    assert not Household.objects.exists()


def test_members_in_each_group_cannot_exceed_the_household(people):
    with pytest.raises(ValidationError):
        household(people.staff_a, members=2, children=3)
    assert not Household.objects.exists()


def test_staff_register_only_in_their_own_district(people):
    with pytest.raises(OutsideDistrict):
        household(people.staff_a, district=people.district_b)
    with pytest.raises(OutsideDistrict):
        household(people.counter_b, district=people.district_a)


def test_households_are_listed_within_the_district_with_the_latest_standing(people):
    home = household(people.staff_a)
    household(people.staff_b)
    assessed(home, people.staff_a, income=4, health=4)
    (seen,) = households_visible_to(people.staff_a)
    assert seen.pk == home.pk
    assert seen.latest_need_score == 4 + 4 + 1 + 2 + 1
    assert households_visible_to(people.admin).count() == 2
    assert not households_visible_to(people.donor).exists()
    assert not households_visible_to(people.recipient_a).exists()


def test_a_recipient_login_is_created_once_for_the_household(people):
    home = household(people.staff_a, head_name="Pranee Sukjai")
    account = create_recipient_login(
        household=home, username="pranee", password="a-long-enough-pass-1", by=people.staff_a
    )
    assert (account.role, account.district, account.first_name) == (
        Role.RECIPIENT,
        people.district_a,
        "Pranee",
    )
    home.refresh_from_db()
    assert home.account == account
    with pytest.raises(HasLogin):
        create_recipient_login(
            household=home, username="pranee2", password="a-long-enough-pass-1", by=people.staff_a
        )
