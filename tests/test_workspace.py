"""Officer workspace: queue filters, search, keyset pages, scope per role, case page, actions, notes, notifications."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils import timezone

from cases import workflow
from cases.models import Agency, Case, CaseStatus, ElectionPeriod, Note, Notification, Region, SanctionRecord
from cases.pagination import CASE_SORTS, InvalidCursor, bounded_count, keyset_paginate
from tests.factories import make_nip

pytestmark = pytest.mark.django_db
QUEUE = reverse("cases:queue")


def open_case(actor, *, region="33.01", agency="PEMKAB-33.01", name="Budi Santoso", nip=None, title="Camat mengunggah ajakan memilih"):
    return workflow.case_open(
        actor=actor, election=ElectionPeriod.objects.get(slug="pilkada-2024"), region=Region.objects.get(code=region),
        title=title, description="Unggahan di Facebook berisi ajakan memilih pasangan calon.",
        respondents=[{"nip": nip or make_nip(), "name": name, "position": "Camat", "agency": Agency.objects.get(code=agency)}],
        register=False)


def to_awaiting(case, bawaslu, analyst, approver):
    """Forward → review → draft → issue: the case reaches the PPK."""
    workflow.perform("forward", actor=bawaslu, case=case, conclusion="Terbukti memenuhi unsur.")
    workflow.perform("start_review", actor=analyst, case=case)
    workflow.perform("draft_recommendation", actor=analyst, case=case, proven=True, violation_types=["SOSMED_POST"],
                     category="disciplinary", discipline_level="heavy", reasoning="Terbukti.")
    workflow.perform("issue_recommendation", actor=approver, case=case)
    return Case.objects.get(pk=case.pk)


def numbers(response):
    return set(re.findall(r"NTR-\d{4}-\d{6}", response.content.decode()))


@pytest.fixture
def cilacap_case(bawaslu_officer):
    return open_case(bawaslu_officer, name="Budi Santoso")


@pytest.fixture
def banyumas_case(bawaslu_other_regency):
    return open_case(bawaslu_other_regency, region="33.02", agency="PEMKAB-33.02", name="Sri Wahyuni")


# --- scope --------------------------------------------------------------------------------------------------------

def test_regency_officer_sees_only_own_regency(client, bawaslu_officer, cilacap_case, banyumas_case):
    client.force_login(bawaslu_officer)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert cilacap_case.number in numbers(response)
    assert banyumas_case.number not in numbers(response)
    assert client.get(reverse("cases:detail", args=[banyumas_case.pk])).status_code == 404
    assert client.get(reverse("cases:print", args=[banyumas_case.pk])).status_code == 404
    # Search does not leak the other regency's case either.
    assert banyumas_case.number not in numbers(client.get(QUEUE, {"q": "Sri Wahyuni"}))


def test_province_officer_and_analyst_see_both(client, bawaslu_province, supervisor_analyst, cilacap_case, banyumas_case):
    for user in (bawaslu_province, supervisor_analyst):
        client.force_login(user)
        assert {cilacap_case.number, banyumas_case.number} <= numbers(client.get(QUEUE))


def test_liaison_sees_only_own_agency_after_recommendation(client, ppk_liaison, bawaslu_officer, bawaslu_other_regency,
                                                           supervisor_analyst, supervisor_approver, cilacap_case):
    other = to_awaiting(open_case(bawaslu_other_regency, region="33.02", agency="PEMKAB-33.02"),
                        bawaslu_other_regency, supervisor_analyst, supervisor_approver)
    client.force_login(ppk_liaison)
    assert cilacap_case.number not in numbers(client.get(QUEUE))  # before the recommendation: not theirs yet
    assert client.get(reverse("cases:detail", args=[cilacap_case.pk])).status_code == 404
    mine = to_awaiting(cilacap_case, bawaslu_officer, supervisor_analyst, supervisor_approver)
    seen = numbers(client.get(QUEUE))
    assert mine.number in seen and other.number not in seen
    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404
    portal = client.get(reverse("cases:ppk")).content.decode()
    assert mine.number in portal and other.number not in portal


def test_portals_are_404_for_other_roles(client, bawaslu_officer, ppk_liaison):
    client.force_login(bawaslu_officer)
    for name in ("cases:ppk", "cases:bkn", "cases:ministry"):
        assert client.get(reverse(name)).status_code == 404
    client.force_login(ppk_liaison)
    assert client.get(reverse("cases:workload")).status_code == 404


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- filters and search ---------------------------------------------------------------------------------------------

def test_region_filter_includes_children(client, bawaslu_province, cilacap_case, banyumas_case):
    client.force_login(bawaslu_province)
    assert numbers(client.get(QUEUE, {"region": "33"})) >= {cilacap_case.number, banyumas_case.number}
    only = numbers(client.get(QUEUE, {"region": "33.01"}))
    assert cilacap_case.number in only and banyumas_case.number not in only


def test_search_by_name_nip_number_and_instansi(client, bawaslu_officer):
    nip = make_nip()
    case = open_case(bawaslu_officer, name="Suharjono Wibisono", nip=nip)
    other = open_case(bawaslu_officer, name="Ratna Dewi")
    client.force_login(bawaslu_officer)
    for term in ("Suharjono", "suharjono wibisono", nip, f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}", case.number,
                 "Suharjno"):  # the last has a typo: trigram similarity still finds the name
        found = numbers(client.get(QUEUE, {"q": term}))
        assert case.number in found, term
        assert other.number not in found, term
    # Indonesian full text: "mengunggah" and "unggahan" share the stem.
    assert case.number in numbers(client.get(QUEUE, {"q": "unggah ajakan"}))


def test_search_as_you_type_takes_the_last_word_as_a_prefix(client, bawaslu_officer):
    """An officer typing a name sees it found before the last word is complete; the words already typed are whole
    words (stemmed), so a short first word no longer drags in every name that merely begins with it."""
    case = open_case(bawaslu_officer, name="Sri Wahyuni Lestari")
    other = open_case(bawaslu_officer, name="Sriyani Wahyudi")
    client.force_login(bawaslu_officer)
    found = numbers(client.get(QUEUE, {"q": "sri wahyu"}))
    assert case.number in found and other.number not in found
    assert {case.number, other.number} <= numbers(client.get(QUEUE, {"q": "sri"}))  # one word: a prefix
    assert case.number in numbers(client.get(QUEUE, {"q": "wahyuni lest"}))


def test_status_clock_and_assigned_filters(client, bawaslu_officer, cilacap_case):
    late = open_case(bawaslu_officer, name="Terlambat Sekali")
    Case.objects.filter(pk=late.pk).update(next_due=timezone.localdate() - dt.timedelta(days=3))
    workflow.perform("assign", actor=bawaslu_officer, case=cilacap_case, officer=bawaslu_officer)
    client.force_login(bawaslu_officer)
    overdue = numbers(client.get(QUEUE, {"clock_state": "overdue"}))
    assert late.number in overdue and cilacap_case.number not in overdue
    mine = numbers(client.get(QUEUE, {"assigned": "me"}))
    assert cilacap_case.number in mine and late.number not in mine
    assert numbers(client.get(QUEUE, {"status": "forwarded"})) == set()
    assert late.number in numbers(client.get(QUEUE, {"status": "received"}))
    today = timezone.localdate().isoformat()
    assert late.number in numbers(client.get(QUEUE, {"received_from": today, "received_to": today}))


@pytest.mark.parametrize("params, field, text", [
    ({"region": "99.99"}, "region", "Kode wilayah"),
    ({"election": "pemilu-1900"}, "election", "tidak dikenal"),
    ({"agency": "NOPE"}, "agency", "Kode instansi"),
    ({"received_from": "2026-02-01", "received_to": "2026-01-01"}, "received_to", "harus sama atau setelah"),
    ({"received_from": "kemarin"}, "received_from", ""),
    ({"q": "x"}, "q", "minimal 2 huruf"),
    ({"q": "x" * 101}, "q", ""),
    ({"clock_state": "soon"}, "clock_state", ""),
    ({"sort": "name"}, "sort", ""),
    ({"assigned": "someone"}, "assigned", "nomor pengguna"),
])
def test_bad_filter_input_gets_a_message_not_a_500(client, bawaslu_officer, cilacap_case, params, field, text):
    client.force_login(bawaslu_officer)
    response = client.get(QUEUE, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Filter belum benar" in body and text in body
    assert cilacap_case.number not in numbers(response)  # nothing shown under a wrong filter


def test_tampered_cursor_falls_back_to_first_page(client, bawaslu_officer, cilacap_case):
    client.force_login(bawaslu_officer)
    response = client.get(QUEUE, {"cursor": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 200
    assert "Penanda halaman tidak berlaku" in response.content.decode()
    assert cilacap_case.number in numbers(response)


def test_htmx_request_gets_only_the_rows(client, bawaslu_officer, cilacap_case):
    client.force_login(bawaslu_officer)
    response = client.get(QUEUE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results")
    body = response.content.decode()
    assert cilacap_case.number in body and "<html" not in body


# --- keyset pagination ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sort", list(CASE_SORTS))
def test_keyset_pages_cover_every_row_once(bawaslu_officer, sort):
    today = timezone.localdate()
    cases = [open_case(bawaslu_officer, name=f"Terlapor {i}") for i in range(13)]
    for i, case in enumerate(cases):  # some share a due date, some have none: ties and NULLs are the hard part
        Case.objects.filter(pk=case.pk).update(next_due=None if i % 4 == 0 else today + dt.timedelta(days=i % 3),
                                               region_code=["33.01", "33.01.01"][i % 2])
    qs = Case.objects.filter(pk__in=[c.pk for c in cases])
    seen, cursor, pages = [], None, 0
    while True:
        page = keyset_paginate(qs, sort=sort, cursor=cursor, per_page=4)
        seen += [c.pk for c in page.rows]
        pages += 1
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(c.pk for c in cases) and len(seen) == len(set(seen))
    assert pages == 4
    key = CASE_SORTS[sort]
    values = [getattr(Case.objects.get(pk=pk), key.field) for pk in seen]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=key.descending)
    assert values[len(present):] == [None] * (len(values) - len(present))  # no deadline: always last


@pytest.mark.parametrize("sort", list(CASE_SORTS))
def test_queue_page_rows_page_through_every_sort(bawaslu_officer, sort):
    """The queue's own rows (named tuples without received_at unless sorting by age) page like the instances."""
    from django.http import QueryDict

    from cases.selectors import case_queue, queue_page

    today, now = timezone.localdate(), timezone.now()
    cases = [open_case(bawaslu_officer, name=f"Terlapor {i}") for i in range(9)]
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(next_due=None if i % 4 == 0 else today + dt.timedelta(days=i % 3),
                                               received_at=now - dt.timedelta(hours=(i * 7) % 9))
    params = QueryDict(f"sort={sort}" if sort else "")
    seen, cursor = [], None
    while True:
        filterset = case_queue(bawaslu_officer, params, defer_fuzzy=True)
        assert filterset.is_valid()
        page, _qs = queue_page(filterset, cursor=cursor, per_page=4)
        seen += [row.id for row in page.rows]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(c.pk for c in cases) and len(seen) == len(set(seen))
    key = CASE_SORTS[sort]
    values = [getattr(Case.objects.get(pk=pk), key.field) for pk in seen]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=key.descending)


def test_cursor_from_another_sort_is_refused(bawaslu_officer):
    for i in range(3):
        open_case(bawaslu_officer, name=f"X {i}")
    page = keyset_paginate(Case.objects.all(), sort="due", per_page=1)
    with pytest.raises(InvalidCursor):
        keyset_paginate(Case.objects.all(), sort="region", cursor=page.next_cursor)


def test_total_is_exact_when_small_and_an_estimate_past_the_limit(bawaslu_officer, settings, client):
    for i in range(6):
        open_case(bawaslu_officer, name=f"Y {i}")
    # The estimate comes from table statistics, which autovacuum keeps current in production; earlier tests
    # in this database may have left them stale (bulk demo loads then flushes), so refresh them here.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    total = bounded_count(Case.objects.all(), limit=100)
    assert total.exact and total.value == Case.objects.count()
    assert not bounded_count(Case.objects.all(), limit=2).exact
    settings.QUEUE_EXACT_COUNT_LIMIT = 2
    client.force_login(bawaslu_officer)
    assert "sekitar" in client.get(QUEUE, {"status": "received"}).content.decode()


# --- case page and actions ------------------------------------------------------------------------------------------

def test_case_page_shows_respondent_clock_and_only_allowed_actions(client, bawaslu_officer, supervisor_analyst, cilacap_case):
    client.force_login(bawaslu_officer)
    body = client.get(reverse("cases:detail", args=[cilacap_case.pk])).content.decode()
    track = cilacap_case.tracks.get()
    assert track.respondent.nip_display in body and "Kajian awal" in body  # the clock by its name, not its code
    assert 'value="forward"' in body and "Akibatnya" in body
    assert 'value="issue_recommendation"' not in body
    client.force_login(supervisor_analyst)
    body = client.get(reverse("cases:detail", args=[cilacap_case.pk])).content.decode()
    assert 'value="forward"' not in body and "Tidak ada tindakan" in body


def test_forward_then_second_click_is_a_plain_409(client, bawaslu_officer, bawaslu_province, cilacap_case):
    url = reverse("cases:act", args=[cilacap_case.pk])
    client.force_login(bawaslu_officer)
    response = client.post(url, {"action": "forward", "forward-conclusion": "Memenuhi unsur pelanggaran."})
    assert response.status_code == 302
    assert Case.objects.get(pk=cilacap_case.pk).status == CaseStatus.FORWARDED
    client.force_login(bawaslu_province)  # someone else, with the page still open, clicks too
    response = client.post(url, {"action": "forward", "forward-conclusion": "Sama."})
    assert response.status_code == 409
    assert "sudah diproses oleh pengguna lain" in response.content.decode()
    assert cilacap_case.events.filter(code="case.forwarded").count() == 1


def test_an_action_from_a_stale_page_says_what_changed_and_changes_nothing(client, bawaslu_officer, bawaslu_province,
                                                                           cilacap_case):
    client.force_login(bawaslu_officer)
    page = client.get(reverse("cases:detail", args=[cilacap_case.pk])).content.decode()
    shown = re.search(r'name="version" value="(\d+)"', page).group(1)
    workflow.perform("register", actor=bawaslu_province, case=cilacap_case)  # a colleague acts meanwhile
    before = Case.objects.get(pk=cilacap_case.pk)
    events = cilacap_case.events.count()
    response = client.post(reverse("cases:act", args=[cilacap_case.pk]),
                           {"action": "dismiss", "dismiss-reason": "Terlapor bukan ASN", "version": shown})
    assert response.status_code == 409
    body = response.content.decode()
    assert "telah berubah sejak halaman dibuka" in body and "\u201cRegistrasi\u201d" in body
    assert escape(bawaslu_province.get_full_name() or bawaslu_province.username) in body
    assert "Tidak ada yang diubah" in body
    after = Case.objects.get(pk=cilacap_case.pk)
    assert (after.status, cilacap_case.events.count()) == (before.status, events)
    fresh = re.search(r'name="version" value="(\d+)"', body).group(1)  # the page shown again carries the new one
    assert fresh != shown
    response = client.post(reverse("cases:act", args=[cilacap_case.pk]),
                           {"action": "dismiss", "dismiss-reason": "Terlapor bukan ASN", "version": fresh})
    assert response.status_code == 302 and Case.objects.get(pk=cilacap_case.pk).status == CaseStatus.DISMISSED


def test_reassigning_needs_a_reason_and_keeps_it(client, bawaslu_officer, bawaslu_province, cilacap_case):
    workflow.perform("assign", actor=bawaslu_province, case=cilacap_case, officer=bawaslu_province)
    client.force_login(bawaslu_province)
    url = reverse("cases:act", args=[cilacap_case.pk])
    refused = client.post(url, {"action": "assign", "assign-officer": bawaslu_officer.pk})
    assert refused.status_code == 400 and "Alasan pengalihan wajib diisi" in refused.content.decode()
    assert Case.objects.get(pk=cilacap_case.pk).bawaslu_owner == bawaslu_province
    done = client.post(url, {"action": "assign", "assign-officer": bawaslu_officer.pk, "assign-reason": "Cuti"})
    assert done.status_code == 302 and Case.objects.get(pk=cilacap_case.pk).bawaslu_owner == bawaslu_officer
    assert cilacap_case.events.filter(action="assign").last().reason == "Cuti"
    assert Note.objects.filter(case=cilacap_case, body__endswith=": Cuti").count() == 1


def test_action_with_missing_field_keeps_input_and_names_the_field(client, bawaslu_officer, cilacap_case):
    client.force_login(bawaslu_officer)
    response = client.post(reverse("cases:act", args=[cilacap_case.pk]), {"action": "dismiss", "dismiss-reason": ""})
    assert response.status_code == 400
    assert "Periksa isian" in response.content.decode()
    assert Case.objects.get(pk=cilacap_case.pk).status == CaseStatus.RECEIVED
    response = client.post(reverse("cases:act", args=[cilacap_case.pk]), {"action": "fly"})
    assert response.status_code == 400


def test_role_without_the_action_gets_403(client, supervisor_analyst, bawaslu_officer, cilacap_case):
    workflow.perform("forward", actor=bawaslu_officer, case=cilacap_case)
    client.force_login(bawaslu_officer)
    response = client.post(reverse("cases:act", args=[cilacap_case.pk]), {"action": "start_review"})
    assert response.status_code == 403
    assert Case.objects.get(pk=cilacap_case.pk).status == CaseStatus.FORWARDED


def test_liaison_records_sanction_with_pdf_decree(client, ppk_liaison, bawaslu_officer, supervisor_analyst,
                                                  supervisor_approver, cilacap_case):
    case = to_awaiting(cilacap_case, bawaslu_officer, supervisor_analyst, supervisor_approver)
    track = case.tracks.get()
    client.force_login(ppk_liaison)
    url = reverse("cases:act", args=[case.pk])
    base = {"action": "record_sanction", "record_sanction-track": track.pk, "record_sanction-sanction_type": "PP94_HEAVY_DEMOTION",
            "record_sanction-employee_type": "pns",
            "record_sanction-decree_number": "800/123/2026", "record_sanction-decree_date": timezone.localdate().isoformat(),
            "record_sanction-signer_name": "Bupati Cilacap"}
    fake = SimpleUploadedFile("sk.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {**base, "record_sanction-document": fake})
    assert response.status_code == 400 and "harus PDF" in response.content.decode()
    assert not SanctionRecord.objects.filter(track=track).exists()
    assert "800/123/2026" in response.content.decode()  # the rest of the form is kept
    pdf = SimpleUploadedFile("sk.pdf", b"%PDF-1.4\n% decree\n%%EOF\n", content_type="application/pdf")
    response = client.post(url, {**base, "record_sanction-document": pdf})
    assert response.status_code == 302
    record = SanctionRecord.objects.get(track=track)
    assert len(record.document_sha256) == 64 and record.document
    assert Case.objects.get(pk=case.pk).status == CaseStatus.FOLLOWED_UP


# --- notes, notifications ---------------------------------------------------------------------------------------------

def test_note_mentions_notify_only_people_in_scope(client, bawaslu_officer, bawaslu_province, bawaslu_other_regency,
                                                   cilacap_case):
    client.force_login(bawaslu_officer)
    body = f"Mohon cek bukti, @{bawaslu_province.username} dan @{bawaslu_other_regency.username}."
    response = client.post(reverse("cases:note_create", args=[cilacap_case.pk]), {"body": body})
    assert response.status_code == 302
    assert Notification.objects.filter(user=bawaslu_province, kind="mention", case=cilacap_case).exists()
    assert not Notification.objects.filter(user=bawaslu_other_regency).exists()
    assert list(Note.objects.get(case=cilacap_case).mentions.all()) == [bawaslu_province]
    assert client.post(reverse("cases:note_create", args=[cilacap_case.pk]), {"body": "  "}).status_code == 400


def test_liaison_cannot_write_internal_notes(client, ppk_liaison, bawaslu_officer, supervisor_analyst, supervisor_approver,
                                             cilacap_case):
    case = to_awaiting(cilacap_case, bawaslu_officer, supervisor_analyst, supervisor_approver)
    client.force_login(ppk_liaison)
    assert client.post(reverse("cases:note_create", args=[case.pk]), {"body": "halo"}).status_code == 403
    assert "Catatan internal" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_notifications_list_bell_and_mark_read(client, bawaslu_officer, bawaslu_province, cilacap_case):
    mine = Notification.objects.create(user=bawaslu_officer, case=cilacap_case, kind="assigned", message="Tugas baru A")
    theirs = Notification.objects.create(user=bawaslu_province, case=cilacap_case, kind="assigned", message="Tugas baru B")
    client.force_login(bawaslu_officer)
    body = client.get(reverse("cases:notifications")).content.decode()
    assert "Tugas baru A" in body and "Tugas baru B" not in body
    assert '<span class="count">1</span>' in client.get(reverse("cases:notifications_bell")).content.decode()
    client.post(reverse("cases:notifications_read"), {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert client.post(reverse("cases:notifications_read"), {"id": ["abc"]}).status_code == 400


def test_home_lists_my_urgent_cases(client, bawaslu_officer, cilacap_case):
    workflow.perform("assign", actor=bawaslu_officer, case=cilacap_case, officer=bawaslu_officer)
    Case.objects.filter(pk=cilacap_case.pk).update(next_due=timezone.localdate())
    client.force_login(bawaslu_officer)
    body = client.get(reverse("home")).content.decode()
    assert cilacap_case.number in body and "jatuh tempo hari ini" in body


def test_bulk_assign_and_workload(client, bawaslu_officer, bawaslu_province, cilacap_case, banyumas_case):
    client.force_login(bawaslu_province)
    response = client.post(reverse("cases:bulk_assign"), {"case": [cilacap_case.pk, banyumas_case.pk],
                                                          "officer": bawaslu_officer.pk, "reason": "Pembagian tugas"})
    assert response.status_code == 302
    assert Case.objects.get(pk=cilacap_case.pk).bawaslu_owner == bawaslu_officer
    assert Case.objects.get(pk=banyumas_case.pk).bawaslu_owner is None  # officer does not cover 33.02: refused
    body = client.get(reverse("cases:workload")).content.decode()
    assert bawaslu_officer.username in body
    assert client.post(reverse("cases:bulk_assign"), {"officer": bawaslu_officer.pk}).status_code == 302


def test_english_interface_is_available(client, bawaslu_officer):
    client.force_login(bawaslu_officer)
    client.post(reverse("set_language"), {"language": "en", "next": QUEUE})
    assert client.get(QUEUE).status_code == 200


# --- bulk printing from the queue ---------------------------------------------------------------------------------

def test_print_letters_of_ticked_cases_opens_the_batch_page_with_only_cases_in_scope(
        client, bawaslu_officer, supervisor_analyst, supervisor_approver, cilacap_case, banyumas_case):
    from cases.letters.issue import letter_issue
    from cases.models import Letter

    mine = to_awaiting(cilacap_case, bawaslu_officer, supervisor_analyst, supervisor_approver)
    letter_issue(actor=supervisor_approver, kind="RECOMMENDATION", agency=Agency.objects.get(code="BKN"), case=mine,
                 tracks=list(mine.tracks.select_related("respondent", "agency")))
    issued = Letter.objects.filter(case=mine).count()
    assert issued >= 1
    client.force_login(bawaslu_officer)
    queue = client.get(QUEUE).content.decode()
    assert "Cetak surat perkara terpilih" in queue and reverse("cases:bulk_letters") in queue
    # The other regency's case id, typed into the request by hand, is dropped: it is not in this officer's scope.
    response = client.post(reverse("cases:bulk_letters"), {"case": [mine.pk, banyumas_case.pk], "query": "status="})
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:batch") + f"?case_ids={mine.pk}"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and f'value="{mine.pk}"' in body and f"<strong>{issued}</strong>" in body


def test_print_letters_with_nothing_ticked_says_so_and_keeps_the_filters(client, bawaslu_officer, banyumas_case):
    client.force_login(bawaslu_officer)
    for data in ({"query": "status=registered"}, {"case": ["abc", "-1"], "query": "status=registered"},
                 {"case": [banyumas_case.pk], "query": "status=registered"}):  # only a case outside the scope
        response = client.post(reverse("cases:bulk_letters"), data)
        assert response.status_code == 302 and response["Location"] == QUEUE + "?status=registered"
        assert "Pilih sedikitnya satu perkara untuk mencetak suratnya." in client.get(response["Location"]).content.decode()
    assert client.get(reverse("cases:bulk_letters")).status_code == 405


def test_print_selected_cases_in_one_page_each_on_its_own_sheet(client, bawaslu_officer, bawaslu_province,
                                                                cilacap_case, banyumas_case):
    client.force_login(bawaslu_province)
    response = client.post(reverse("cases:print_selected"), {"case": [banyumas_case.pk, cilacap_case.pk]})
    body = response.content.decode()
    assert response.status_code == 200 and body.count('<article class="print-case">') == 2
    assert body.index(banyumas_case.number) < body.index(cilacap_case.number)  # in the order ticked
    assert "Kembali ke daftar perkara" in body
    client.force_login(bawaslu_officer)  # Cilacap only: the other regency's case is left out, not shown
    body = client.post(reverse("cases:print_selected"), {"case": [banyumas_case.pk, cilacap_case.pk]}).content.decode()
    assert cilacap_case.number in body and banyumas_case.number not in body
    assert body.count('<article class="print-case">') == 1
    nothing = client.post(reverse("cases:print_selected"), {"case": [banyumas_case.pk]})
    assert nothing.status_code == 302
    assert "Pilih sedikitnya satu perkara untuk dicetak." in client.get(nothing["Location"]).content.decode()
    assert client.get(reverse("cases:print_selected")).status_code == 405
    single = client.get(reverse("cases:print", args=[cilacap_case.pk])).content.decode()
    assert single.count('<article class="print-case">') == 1 and "Kembali ke halaman perkara" in single


def test_stage_and_assigned_officer_filters_are_in_the_form_and_stay_chosen(client, bawaslu_province, bawaslu_officer,
                                                                          cilacap_case, banyumas_case):
    from cases.models import ElectionStage

    stage = ElectionStage.objects.get(election__slug="pilkada-2024", slug="campaign")
    Case.objects.filter(pk=cilacap_case.pk).update(stage=stage)
    workflow.perform("assign", actor=bawaslu_province, case=cilacap_case, officer=bawaslu_officer)
    client.force_login(bawaslu_province)
    body = client.get(QUEUE, {"stage": stage.pk}).content.decode()
    assert numbers_in(body) == {cilacap_case.number}
    assert f'<option value="{stage.pk}" selected>{stage.name}</option>' in body
    assert '<optgroup label="Pemilihan Serentak Nasional 2024 (Gubernur, Bupati, Wali Kota)">' in body
    assert f"{cilacap_case.election.name} · {stage.name}" in client.get(reverse("cases:detail", args=[cilacap_case.pk])).content.decode()
    # The workload page's link: the officer is chosen in the select, so changing another filter keeps it.
    body = client.get(QUEUE, {"assigned": bawaslu_officer.pk}).content.decode()
    assert numbers_in(body) == {cilacap_case.number}
    assert re.search(rf'<option value="{bawaslu_officer.pk}" selected>[^<]*\({re.escape(bawaslu_officer.username)}\)</option>', body)
    bad_stage, bad_officer = client.get(QUEUE, {"stage": "kampanye"}), client.get(QUEUE, {"assigned": "siapa"})
    assert bad_stage.status_code == 400
    assert 'id="e-stage">Tahapan diisi dengan nomor tahapan dari daftar' in bad_stage.content.decode()
    assert bad_officer.status_code == 400
    assert 'id="e-assigned">Isi \u201cditugaskan\u201d dengan \u201cme\u201d' in bad_officer.content.decode()


def numbers_in(body):
    return set(re.findall(r"NTR-\d{4}-\d{6}", body.split('<table class="list queue">')[1]))


def test_received_date_filters_match_the_calendar_day_in_jakarta_at_the_boundaries(client, bawaslu_officer):
    """The received-date filters are ranges on received_at (served by its index); they must give the rows the
    calendar date in the site's time zone gives, including just before and at midnight WIB, and take any date."""
    from cases.filters import CaseFilterSet

    wib = dt.timezone(dt.timedelta(hours=7))
    stamps = [dt.datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=wib), dt.datetime(2026, 3, 10, 0, 0, tzinfo=wib),
              dt.datetime(2026, 3, 10, 23, 59, 59, tzinfo=wib), dt.datetime(2026, 3, 11, 0, 0, tzinfo=wib),
              dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.timezone.utc)]  # 00:00 WIB on the 11th
    cases = [open_case(bawaslu_officer, name=f"Batas {i}") for i in range(len(stamps))]
    for case, stamp in zip(cases, stamps):
        Case.objects.filter(pk=case.pk).update(received_at=stamp)
    ids = {c.pk for c in cases}
    for start, end in (("2026-03-10", "2026-03-10"), ("2026-03-10", None), (None, "2026-03-10"), ("2026-03-11", None),
                       ("0001-01-01", "9999-12-31"), ("9999-12-31", None), (None, "0001-01-01")):
        data = {k: v for k, v in (("received_from", start), ("received_to", end)) if v}
        filterset = CaseFilterSet(data, queryset=Case.objects.filter(pk__in=ids))
        assert filterset.is_valid(), filterset.form.errors
        expected = Case.objects.filter(pk__in=ids)
        if start:
            expected = expected.filter(received_at__date__gte=dt.date.fromisoformat(start))
        if end:
            expected = expected.filter(received_at__date__lte=dt.date.fromisoformat(end))
        assert set(filterset.qs.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True)), data
    client.force_login(bawaslu_officer)
    on_the_tenth = numbers(client.get(QUEUE, {"received_from": "2026-03-10", "received_to": "2026-03-10"}))
    assert on_the_tenth == {cases[1].number, cases[2].number}


@pytest.mark.django_db
def test_waiting_for_your_role_lists_only_stages_where_the_role_acts():
    """#25.7: Bawaslu may reassign a case at any stage, but only its own stages wait for it; the approver's list
    keeps the supervisory and follow-up stages."""
    from cases.selectors import home_buckets
    from tests.workflow_support import build_case, make_users

    users = make_users("wr")
    cases = {status: build_case(status, users) for status in (
        CaseStatus.REGISTERED, CaseStatus.UNDER_EXAMINATION, CaseStatus.FORWARDED, CaseStatus.UNDER_REVIEW,
        CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.OVERDUE)}
    waiting = {c.status for c in home_buckets(users["bawaslu"], limit=50)["waiting"]}
    assert waiting == {CaseStatus.REGISTERED, CaseStatus.UNDER_EXAMINATION}
    approver = {c.status for c in home_buckets(users["approver"], limit=50)["waiting"]}
    assert {CaseStatus.UNDER_REVIEW, CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.OVERDUE} <= approver
    assert CaseStatus.REGISTERED not in approver and len(cases) == 6


@pytest.mark.django_db
def test_ministry_portal_pages_every_agency_and_says_how_many(client, kemendagri_officer):
    """#25.7: the portal used to stop at 100 agencies without a word; now 50 a page with the total."""
    from cases.models import AgencyKind
    from tests.workflow_support import build_case, make_users

    users = make_users("mp")
    codes = list(Agency.objects.filter(kind=AgencyKind.REGIONAL).order_by("code").values_list("code", flat=True)[:51])
    for code in codes:
        build_case(CaseStatus.OVERDUE, users, agency_code=code)
    client.force_login(kemendagri_officer)
    first = client.get(reverse("cases:ministry")).content.decode()
    assert "51 instansi; ditampilkan 1–50" in first and 'href="?page=2"' in first and "Halaman 1 dari 2" in first
    second = client.get(reverse("cases:ministry"), {"page": 2}).content.decode()
    assert "ditampilkan 51–51" in second
    shown = set(re.findall(r"agency=([\w.\-]+)&amp;status=overdue", first + second))
    assert shown == set(codes)
    assert client.get(reverse("cases:ministry"), {"page": "x"}).status_code == 200  # a bad page number: the first
