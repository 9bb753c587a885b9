"""Scope by respondent (issue #28, point 1): in a case whose respondents come from three agencies, every role sees
in full exactly the respondents in its remit, on every page, API endpoint, search, timeline, notification and
letter download; the others appear only as "terlapor dari instansi lain". The expected sets are written down from
the domain rules (design §3), not computed from cases.permissions."""
import hashlib
import re
import secrets

import pytest
from django.utils import timezone

from cases import deadlines
from cases.models import (
    Agency, Case, CaseRespondent, CaseStatus, Letter, LetterKind, Recommendation, Respondent, TrackStatus,
)
from cases.permissions import sees_every_respondent
from cases.services import event_record
from cases.workflow import _search_document
from tests.factories import make_nip
from tests.test_security import ROLES, locmem_cache
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
__all__ = ["locmem_cache"]
MASK = "terlapor dari instansi lain"

# P: Pemkab Cilacap (regional PPK, the liaison fixture's own), Q: Pemkab Banyumas (regional), K: Kemenkeu (central).
# The case is in Kab. Cilacap (33.01), recommendation issued to all three PPKs.
AGENCIES = {"P": "PEMKAB-33.01", "Q": "PEMKAB-33.02", "K": "KEMENKEU"}
EVERY = {"P", "Q", "K"}
SEES = {
    "bawaslu_officer": EVERY, "bawaslu_province": EVERY, "auditor": EVERY,  # the case's region: all of it
    "supervisor_analyst": EVERY, "supervisor_approver": EVERY, "bkn_officer": EVERY, "administrator": EVERY,
    "ppk_liaison": {"P"},  # their own instansi only
    "kemendagri_officer": {"P", "Q"},  # regional PPKs
    "kemenpanrb_officer": {"K"},  # central PPKs
    "bawaslu_other_regency": set(), "screening_reviewer": set(),  # the case itself is outside their scope
}
CASE_HIDDEN = {"bawaslu_other_regency", "screening_reviewer"}


def _letter(case, kind, tracks, n, sifat="Rahasia"):
    pdf = b"%PDF-1.4\n% surat uji " + case.number.encode() + f" {n}".encode() + b"\n%%EOF\n"
    letter = Letter.objects.create(
        kind=kind, case=case, track=tracks[0] if len(tracks) == 1 else None, agency=Agency.objects.get(code="BKN"),
        year=2099, seq=9500 + n, number=f"R-{9500 + n}/RSP/2099", hal=f"Surat uji {n}", sifat=sifat, pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(), verify_token=secrets.token_hex(16))
    letter.tracks.set(tracks)
    return letter


@pytest.fixture
def three_agencies(db, locmem_cache):
    return three_agency_case()


def three_agency_case():
    """One case (33.01, awaiting the PPKs) with a respondent of each agency, a recommendation letter to each PPK,
    and a forwarding letter naming all three."""
    users = make_users("rsp")
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, users, agency_code=AGENCIES["P"])
    first = case.tracks.get()
    first.respondent.name = "Terlapor Cilacap Uji"
    first.respondent.save()
    tracks = {"P": first}
    for key, name in (("Q", "Terlapor Banyumas Uji"), ("K", "Terlapor Kemenkeu Uji")):
        agency = Agency.objects.get(code=AGENCIES[key])
        respondent = Respondent.objects.create(nip=make_nip(), name=name, agency=agency, verified=True)
        track = CaseRespondent.objects.create(case=case, respondent=respondent, agency=agency,
                                              status=TrackStatus.RECOMMENDED)
        rec = Recommendation.objects.create(track=track, proven=True, category="disciplinary",
                                            discipline_level="heavy", drafted_by=users["drafter"],
                                            approved_by=users["approver"], approved_at=timezone.now())
        rec.violation_types.set(first.recommendation.violation_types.all())
        deadlines.clock_start(case, "PPK_FOLLOW_UP", on=timezone.localdate(), track=track)
        tracks[key] = track
    for track in tracks.values():
        event_record(case=case, code="case.respondent.added", payload={
            "track": track.pk, "respondent": track.respondent_id, "nip": track.respondent.nip})
    Case.objects.filter(pk=case.pk).update(search_document=_search_document(case),
                                           description="Uraian menyebut ketiga terlapor.")
    letters = {key: _letter(case, LetterKind.RECOMMENDATION, [t], i) for i, (key, t) in enumerate(tracks.items())}
    forwarding = _letter(case, LetterKind.FORWARDING, list(tracks.values()), 9, sifat="Biasa")
    case.refresh_from_db()
    return {"case": case, "tracks": tracks, "letters": letters, "forwarding": forwarding}


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig", "replace")
    return response.content.decode("utf-8", "replace")


def _shown(body, tracks) -> set:
    """Which respondents' name or NIP appear in a body."""
    return {key for key, t in tracks.items() if t.respondent.name in body or t.respondent.nip in body
            or t.respondent.nip_display in body}


def test_each_role_sees_exactly_its_respondents_everywhere(three_agencies, request, client):
    case, tracks = three_agencies["case"], three_agencies["tracks"]
    letters, forwarding = three_agencies["letters"], three_agencies["forwarding"]
    cells, wrong = 0, []

    def check(role, endpoint, seen, expect):
        nonlocal cells
        cells += 1
        if seen != expect:
            wrong.append((role, endpoint, seen, expect))

    for role in ROLES:
        user = request.getfixturevalue(role)
        client.force_login(user)
        sees = SEES[role]
        masked = 0 if role in CASE_HIDDEN else len(EVERY - sees)
        # Pages and API answers about the case: names and NIPs exactly of the respondents in scope.
        for name, url in (("detail", f"/cases/{case.pk}/"), ("print", f"/cases/{case.pk}/print/"),
                          ("api_case", f"/api/v1/cases/{case.pk}/"), ("api_list", "/api/v1/cases/"),
                          ("api_timeline", f"/api/v1/cases/{case.pk}/timeline/")):
            response = client.get(url)
            body = _text(response)
            check(role, name, _shown(body, tracks), sees)
            if name == "api_list":
                check(role, name + ":listed", case.number in body, role not in CASE_HIDDEN)
            elif name != "api_timeline":
                check(role, name + ":status", response.status_code, 404 if role in CASE_HIDDEN else 200)
                check(role, name + ":masked", body.count(MASK), masked)
                check(role, name + ":description", "Uraian menyebut ketiga" in body, masked == 0 and not role in CASE_HIDDEN)
        # Looking a respondent up, and searching for one, finds only those in scope.
        for key, track in tracks.items():
            nip = track.respondent.nip
            check(role, f"api_respondent:{key}", client.get(f"/api/v1/respondents/{nip}/").status_code,
                  200 if key in sees else 404)
            check(role, f"queue?q=nip:{key}", case.number in _text(client.get("/cases/", {"q": nip})), key in sees)
            check(role, f"api?q=nip:{key}", case.number in _text(client.get("/api/v1/cases/", {"q": nip})), key in sees)
            name_hit = _text(client.get("/cases/", {"q": track.respondent.name}))
            check(role, f"queue?q=name:{key}", f"/cases/{case.pk}/" in name_hit, key in sees)
        # Letters: a recommendation to another agency's PPK is 404 everywhere; the forwarding letter names all.
        listing = _text(client.get("/api/v1/letters/"))
        for key, letter in [*letters.items(), ("all", forwarding)]:
            expect = key in sees if key != "all" else sees == EVERY
            for name, url in (("letter_pdf", f"/letters/{letter.pk}/pdf/"),
                              ("api_letter", f"/api/v1/letters/{letter.pk}/"),
                              ("api_letter_pdf", f"/api/v1/letters/{letter.pk}/pdf/")):
                check(role, f"{name}:{key}", client.get(url).status_code, 200 if expect else 404)
            check(role, f"api_letters:{key}", letter.number in listing, expect)
        batch = _text(client.get("/letters/batch/", {"case_ids": str(case.pk), "kind": "RECOMMENDATION"}))
        count = re.search(r"<strong>(\d+)</strong>", batch)
        check(role, "batch_letters", int(count.group(1)) if count else None, len(sees))
        # Statistics: no name of a respondent outside scope.
        dashboard = client.get("/stats/")
        if dashboard.status_code == 200:
            check(role, "dashboard", _shown(_text(dashboard), tracks) - sees, set())
        # Exports are for roles that see every respondent of their cases only.
        if user.has_perm("cases.export"):
            check(role, "export_role", sees_every_respondent(user), True)
        client.logout()
    print(f"\nMatriks terlapor: {cells} sel, {len(wrong)} salah")
    assert not wrong, "\n".join(map(str, wrong))


def test_deadline_notifications_name_a_respondent_only_to_their_agency(three_agencies, ppk_liaison,
                                                                     kemendagri_officer, client):
    """The sweep tells each PPK about its own respondent's missed deadline, not the others'."""
    import datetime as dt

    from cases.tasks import sweep_deadlines

    tracks = three_agencies["tracks"]
    banyumas = type(ppk_liaison).objects.get(pk=ppk_liaison.pk)
    banyumas.pk = None
    banyumas.username, banyumas.agency = "ppk_banyumas", tracks["Q"].agency
    banyumas.save()
    banyumas.groups.set(ppk_liaison.groups.all())
    sweep_deadlines(timezone.localdate() + dt.timedelta(days=120))
    for user, expect in ((ppk_liaison, {"P"}), (banyumas, {"Q"})):
        client.force_login(user)
        body = _text(client.get("/cases/notifications/"))
        assert _shown(body, tracks) == expect, (user.username, _shown(body, tracks))
        client.logout()


def test_a_liaison_refused_on_another_agencys_respondent_is_not_told_the_name(three_agencies, ppk_liaison):
    from cases.workflow import ActionNotAllowed, case_acknowledge

    case, other = three_agencies["case"], three_agencies["tracks"]["Q"]
    with pytest.raises(ActionNotAllowed) as refused:
        case_acknowledge(actor=ppk_liaison, case=case, track=other.pk)
    assert other.respondent.name not in refused.value.message
    assert "bukan pegawai instansi Anda" in refused.value.message
