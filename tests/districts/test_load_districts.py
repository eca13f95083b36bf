from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from foodbank.districts.models import District, DistrictGroup
from foodbank.districts.services import DistrictFileError, load_districts, read_district_file

HEADER = "code,name_th,name_en,group_code,group_name_th,group_name_en\n"
CENTRAL = "central,กลุ่มกรุงเทพกลาง,Central"


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def write_csv(tmp_path, *rows: str):
    path = tmp_path / "districts.csv"
    path.write_bytes(csv_bytes(*rows))
    return path


def test_bundled_list_loads_bangkoks_fifty_districts_in_six_groups(districts):
    assert len(districts) == 50
    assert sorted(districts) == [str(code) for code in range(1001, 1051)]
    sizes = {group.code: group.districts.count() for group in DistrictGroup.objects.all()}
    assert sizes == {
        "central": 9,
        "south": 10,
        "north": 7,
        "east": 9,
        "thon_north": 8,
        "thon_south": 7,
    }
    assert districts["1001"].name_th == "พระนคร"
    assert districts["1001"].name_en == "Phra Nakhon"
    assert districts["1006"].group.code == "east"


def test_loading_the_same_list_twice_changes_nothing(districts):
    stamps = dict(District.objects.values_list("code", "updated_at"))
    call_command("load_districts", stdout=(out := StringIO()))
    assert "0 created, 0 updated, 56 unchanged" in out.getvalue()
    assert dict(District.objects.values_list("code", "updated_at")) == stamps


@pytest.mark.django_db
def test_a_renamed_district_is_updated_and_others_kept():
    load_districts(rows=read_district_file(csv_bytes(f"1001,พระนคร,Phra Nakorn,{CENTRAL}")))
    result = load_districts(
        rows=read_district_file(
            csv_bytes(f"1001,พระนคร,Phra Nakhon,{CENTRAL}", f"1002,ดุสิต,Dusit,{CENTRAL}")
        )
    )
    assert result.updated == ["district 1001"]
    assert result.created == ["district 1002"]
    assert District.objects.get(code="1001").name_en == "Phra Nakhon"


@pytest.mark.django_db
def test_a_malformed_row_is_reported_by_line_and_nothing_is_loaded(tmp_path):
    path = write_csv(
        tmp_path,
        f"1001,พระนคร,Phra Nakhon,{CENTRAL}",
        f"1002,,Dusit,{CENTRAL}",
        f"10 03,หนองจอก,Nong Chok,{CENTRAL}",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_districts", str(path), stderr=err)
    assert "line 3: name_th is empty" in err.getvalue()
    assert "line 4: code '10 03'" in err.getvalue()
    assert not District.objects.exists()
    assert not DistrictGroup.objects.exists()


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (
            (f"1001,พระนคร,Phra Nakhon,{CENTRAL}", f"1001,ดุสิต,Dusit,{CENTRAL}"),
            "line 3: code 1001 already given on line 2",
        ),
        (
            (f"1001,พระนคร,Phra Nakhon,{CENTRAL}", "1002,ดุสิต,Dusit,central,กลาง,Middle"),
            "line 3: group central is named differently on line 2",
        ),
        (("1001,พระนคร,Phra Nakhon,central",), "line 2: expected 6 columns"),
        ((f"1001,พระนคร,Phra Nakhon,Central Group,{CENTRAL[8:]}",), "line 2: group_code"),
        ((), "line 1: the file lists no districts"),
        ((f"1001,พระ\x00นคร,Phra Nakhon,{CENTRAL}",), "line 2: name_th has control characters"),
    ],
)
def test_inconsistent_lists_are_refused_naming_the_line(db, rows, problem):
    with pytest.raises(DistrictFileError) as refused:
        load_districts(rows=read_district_file(csv_bytes(*rows)))
    assert any(
        f"line {line}: {message}".startswith(problem) for line, message in refused.value.problems
    )
    assert not District.objects.exists()


@pytest.mark.django_db
def test_a_file_without_the_expected_columns_is_refused():
    with pytest.raises(DistrictFileError) as refused:
        read_district_file(b"code,name\n1001,x\n")
    assert refused.value.problems == [
        (1, "missing column(s): name_th, name_en, group_code, group_name_th, group_name_en")
    ]


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(DistrictFileError) as refused:
        read_district_file(HEADER.encode() + "1001,พระนคร".encode("tis-620"))
    assert refused.value.problems == [(1, "the file is not UTF-8 text")]


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_districts", str(tmp_path / "nowhere.csv"))
