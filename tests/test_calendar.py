"""The calendar as data: holiday edits move exactly the open clocks they affect, regional days, cuti bersama per
rule, and the supervisory body that stays in force until an administrator records its successor."""
import datetime as dt

import pytest

from cases import deadlines
from cases.deadlines import holiday_delete, holiday_save
from cases.models import Agency, Case, CaseStatus, ClockState, Notification, Region, SupervisoryBody
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def users(db):
    return make_users("cal")


def _due(case, code="BAWASLU_DECISION"):
    return case.clocks.get(code=code).due_on


def test_added_holiday_moves_only_open_clocks_one_event_each_and_removing_moves_them_back(users):
    first = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))   # due Mon 14 Oct 2024
    second = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))
    closed = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))
    deadlines.clock_stop(closed, ["BAWASLU_DECISION"], on=D(2024, 10, 7))
    later = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 21))  # its period does not hold 9 Oct
    assert _due(first) == _due(second) == _due(closed) == D(2024, 10, 14)

    holiday = holiday_save(actor=users["admin"], date=D(2024, 10, 9), name="Libur uji")

    assert _due(first) == _due(second) == D(2024, 10, 15)
    assert _due(closed) == D(2024, 10, 14) and closed.clocks.get(code="BAWASLU_DECISION").state == ClockState.MET
    assert _due(later) == deadlines.add_days(D(2024, 10, 21), 7, "working")
    for case in (first, second):
        events = case.events.filter(code="case.clock.recomputed")
        assert events.count() == 1
        assert events.get().payload == {"clock": "BAWASLU_DECISION", "clock_id": case.clocks.get(
            code="BAWASLU_DECISION").pk, "from": "2024-10-14", "to": "2024-10-15"}
    assert not closed.events.filter(code="case.clock.recomputed").exists()
    assert not later.events.filter(code="case.clock.recomputed").exists()
    told = Notification.objects.filter(case=first, kind="clock_moved")
    assert told.exists() and "15-10-2024" in told.first().message and "Libur uji" in told.first().message

    holiday_delete(actor=users["admin"], holiday=holiday)
    assert _due(first) == _due(second) == D(2024, 10, 14)
    assert first.events.filter(code="case.clock.recomputed").count() == 2


def test_regional_holiday_moves_only_the_clocks_of_that_region(users):
    here = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))  # Kab. Cilacap, 33.01
    elsewhere = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))
    other = Region.objects.get(code="33.02")
    Case.objects.filter(pk=elsewhere.pk).update(region=other, region_code=other.code)

    province = Region.objects.get(code="33")
    holiday_save(actor=users["admin"], date=D(2024, 10, 9), name="Pemungutan suara (uji)",
                 region=Region.objects.get(code="33.01"))
    assert _due(here) == D(2024, 10, 15) and _due(elsewhere) == D(2024, 10, 14)
    # a province's day covers its regencies; the same date may be entered for another region too
    holiday_save(actor=users["admin"], date=D(2024, 10, 10), name="Libur provinsi (uji)", region=province)
    assert _due(here) == D(2024, 10, 16) and _due(elsewhere) == D(2024, 10, 15)
    assert deadlines.calendar().is_working(D(2024, 10, 9))  # nationally a working day


def test_a_rule_that_counts_cuti_bersama_as_working_ignores_it(users):
    case = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))
    rule = case.clocks.get(code="BAWASLU_DECISION").rule
    holiday_save(actor=users["admin"], date=D(2024, 10, 9), name="Cuti bersama (uji)", cuti_bersama=True)
    assert _due(case) == D(2024, 10, 15)
    rule.cuti_bersama_working = True
    rule.save()
    deadlines.recompute_open_clocks("aturan diubah", actor=users["admin"])
    assert _due(case) == D(2024, 10, 14)
    assert not deadlines.calendar().is_working(D(2024, 10, 9))
    assert deadlines.calendar(cuti_working=True).is_working(D(2024, 10, 9))


def test_same_date_twice_in_one_region_is_refused_naming_the_field(users):
    region = Region.objects.get(code="33.01")
    holiday_save(actor=users["admin"], date=D(2031, 3, 3), name="Uji", region=region)
    with pytest.raises(Exception) as err:
        holiday_save(actor=users["admin"], date=D(2031, 3, 3), name="Uji lagi", region=region)
    assert "date" in err.value.message_dict and "03-03-2031" in err.value.message_dict["date"][0]
    holiday_save(actor=users["admin"], date=D(2031, 3, 3), name="Nasional")  # national row of the same date is fine


def test_import_of_a_year_from_the_holidays_package_skips_dates_already_there(users):
    rows = deadlines.holidays_of_year(2031)
    assert rows and any(r["cuti_bersama"] for r in rows) is not None
    created, _moved = deadlines.holidays_import(actor=users["admin"], rows=rows)
    assert len(created) == len(rows)
    assert deadlines.holidays_import(actor=users["admin"], rows=rows) == ([], 0)


def test_the_supervisory_body_stays_until_an_administrator_records_the_next(users):
    assert SupervisoryBody.in_force(D(2024, 1, 10)).code == "KASN"
    assert SupervisoryBody.in_force(D(2024, 7, 1)).code == "BKN"
    assert SupervisoryBody.in_force(D(2028, 1, 1)).code == "BKN"  # no switch by itself in October 2027
    SupervisoryBody.objects.create(code="TANPA-INSTANSI", name="Belum lengkap", valid_from=D(2027, 1, 1))
    assert SupervisoryBody.in_force(D(2028, 1, 1)).code == "BKN"  # a row without its agency is not in force
    SupervisoryBody.objects.create(code="LEMBAGA-BARU", name="Lembaga baru", valid_from=D(2027, 11, 1),
                                   agency=Agency.objects.get(code="KEMENPANRB"))
    assert SupervisoryBody.in_force(D(2027, 10, 31)).code == "BKN"
    assert SupervisoryBody.in_force(D(2027, 11, 1)).code == "LEMBAGA-BARU"


# --- the calendar page ------------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def test_calendar_page_is_for_administrators_only(client, users):
    client.force_login(users["bawaslu"])
    response = client.get("/cases/kalender/")
    assert response.status_code == 403
    assert client.post("/cases/kalender/", {"date": "2031-03-03", "name": "x"}).status_code == 403
    assert not deadlines.holiday_table().national & {D(2031, 3, 3)}


def test_calendar_page_adds_a_regional_holiday_and_reports_the_moved_clocks(admin_client, users):
    case = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))
    page = admin_client.get("/cases/kalender/?year=2024")
    assert page.status_code == 200 and "Kalender kerja" in page.content.decode()
    response = admin_client.post("/cases/kalender/", {
        "date": "2024-10-09", "name": "Pemungutan suara (uji)", "region": Region.objects.get(code="33.01").pk},
        follow=True)
    body = response.content.decode()
    assert "1 tenggat yang masih berjalan bergeser" in body
    assert _due(case) == D(2024, 10, 15)
    assert "Pemungutan suara (uji)" in body and "Kabupaten Cilacap" in body


def test_calendar_page_bad_input_names_the_field_and_keeps_the_input(admin_client):
    response = admin_client.post("/cases/kalender/", {"date": "31-02-2031", "name": "Libur yang ditulis"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Libur yang ditulis" in body and 'id="id_date_error"' in body
    response = admin_client.post("/cases/kalender/", {"date": "2024-04-10", "name": "Duplikat"})
    assert response.status_code == 400 and "10-04-2024 sudah tercatat" in response.content.decode()


def test_calendar_import_shows_the_year_for_review_then_saves_only_ticked_new_dates(admin_client):
    review = admin_client.get("/cases/kalender/impor/?year=2031")
    rows = review.context["rows"]
    assert rows and not any(r["exists"] for r in rows)
    assert not Holiday_count(2031)
    ticked = [rows[0]["date"].isoformat(), rows[1]["date"].isoformat()]
    admin_client.post("/cases/kalender/impor/", {"year": 2031, "date": ticked})
    assert Holiday_count(2031) == 2
    again = admin_client.get("/cases/kalender/impor/?year=2031").context["rows"]
    assert sum(r["exists"] for r in again) == 2


def test_rule_toggle_for_cuti_bersama_moves_that_rules_open_clocks(admin_client, users):
    case = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))
    holiday_save(actor=users["admin"], date=D(2024, 10, 9), name="Cuti bersama (uji)", cuti_bersama=True)
    rule = case.clocks.get(code="BAWASLU_DECISION").rule
    response = admin_client.post(f"/cases/kalender/aturan/{rule.pk}/", {"working": "1", "year": 2024}, follow=True)
    assert "1 tenggat yang masih berjalan bergeser" in response.content.decode()
    assert _due(case) == D(2024, 10, 14)


def Holiday_count(year):
    from cases.models import Holiday

    return Holiday.objects.filter(date__year=year).count()
