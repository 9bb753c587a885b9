"""Every letter kind, each recorded fact flipped (issue #23, "Done when"): clarification held or not, reminder sent
or not, Pemilu or Pilkada, dated before or after the 2023 ASN law, PNS or PPPK respondent, the officer signing as
head or on the head's behalf. The text follows the record: a kind that states the fact states it only when it was
recorded, and a kind that does not state it says nothing either way.
"""
import datetime as dt
import re
import subprocess

import pytest

from cases import workflow
from cases.letters.context import head_title
from cases.letters.dates import format_tanggal
from cases.letters.issue import letter_issue
from cases.models import Agency, CaseStatus, EmployeeType, Letter, LetterKind, LetterSigner, Respondent, SigningMode
from tests.workflow_support import build_case, make_users

S = CaseStatus
K = LetterKind
pytestmark = pytest.mark.django_db

# Who issues each kind (the acting officer's agency signs; a block request exists only in the KASN era).
ISSUER = {K.RECEIPT: "bawaslu", K.COMPLETION_REQUEST: "bawaslu", K.STATUS_NOTICE: "bawaslu",
          K.CLOSING_NOTICE: "bawaslu", K.FORWARDING: "bawaslu", K.RECOMMENDATION: "approver",
          K.REMINDER: "approver", K.BLOCK_REQUEST: "kasn", K.BLOCK_NOTICE: "bkn", K.ESCALATION_REQUEST: "approver",
          K.ESCALATION_WARNING: "kemendagri", K.PRESIDENT_REPORT: "approver", K.UNBLOCK_REQUEST: "ppk",
          K.UNBLOCK_NOTICE: "bkn"}
STATES_REMINDERS = {K.REMINDER, K.BLOCK_REQUEST, K.BLOCK_NOTICE, K.ESCALATION_REQUEST, K.ESCALATION_WARNING,
                    K.PRESIDENT_REPORT}
NAMES_ELECTION = {K.RECEIPT, K.STATUS_NOTICE, K.CLOSING_NOTICE, K.FORWARDING, K.BLOCK_REQUEST, K.ESCALATION_WARNING,
                  K.PRESIDENT_REPORT}  # a recommendation names it with the forwarding letter it cites
NAMES_RESPONDENTS = set(K) - {K.CLOSING_NOTICE}
CITES_ASN_LAW = {K.RECOMMENDATION, K.REMINDER, K.ESCALATION_REQUEST, K.PRESIDENT_REPORT}
# the election law's articles, by election type (dated LegalBasis rows)
ELECTION_LAW = {K.FORWARDING: ("Nomor 7 Tahun 2017 tentang Pemilihan Umum, Pasal 454", "Pasal 134"),
                K.RECOMMENDATION: ("Nomor 7 Tahun 2017 tentang Pemilihan Umum, Pasal 280", "Pasal 71 ayat (1)")}
# the discipline regulation by employment type
PNS_ONLY_REGULATION = {K.RECOMMENDATION, K.REMINDER, K.ESCALATION_REQUEST, K.ESCALATION_WARNING}


@pytest.fixture(autouse=True)
def eager_celery(monkeypatch):
    from kasn_cases.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def users(db):
    u = make_users("flip")
    u["kasn"] = make_users("flipk")["approver"]
    u["kasn"].agency = Agency.objects.get(code="KASN")
    u["kasn"].save(update_fields=["agency"])
    return u


def text_of(letter) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=bytes(letter.pdf), capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def issue(users, kind, case, *, on=None) -> str:
    actor = users[ISSUER[kind]]
    tracks = list(case.tracks.select_related("respondent", "agency", "case").order_by("id"))
    to = Agency.objects.get(code="KEMENDAGRI") if kind == K.ESCALATION_REQUEST else None
    return text_of(letter_issue(actor=actor, kind=kind, agency=actor.agency, case=case, tracks=tracks, on=on, to=to))


def words(text: str) -> str:
    """The letter without its signature's certificate line (the test authority's name is no fact of the case)."""
    return re.sub(r"Ditandatangani secara elektronik .*?resmi\) ", "", text)


@pytest.mark.parametrize("kind", list(K))
def test_each_recorded_fact_flips_the_text(kind, users, django_capture_on_commit_callbacks):
    overdue = lambda **kw: build_case(S.OVERDUE, users, **kw)  # noqa: E731 - a recommendation, tracks, clocks

    # clarification: forwarded straight after the initial review, or after registration and clarification
    direct, examined = build_case(S.RECEIVED, users), build_case(S.REGISTERED, users)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_forward(actor=users["bawaslu"], case=direct)
        workflow.case_start_examination(actor=users["bawaslu"], case=examined)
        workflow.case_forward(actor=users["bawaslu"], case=examined)
    without, held = issue(users, kind, direct), issue(users, kind, examined)
    if kind == K.FORWARDING:
        assert "tanpa registrasi dan tanpa klarifikasi" in without and "kajian dimulai" not in without
        assert "klarifikasi serta kajian dimulai pada tanggal" in held.lower() and "tanpa klarifikasi" not in held
    else:
        assert "klarifikasi" not in without.lower() and "klarifikasi" not in held.lower()

    # reminder: none sent, or one sent (cited by its number)
    silent, reminded = overdue(), overdue()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_send_reminder(actor=users["approver"], case=reminded)
    reminder = Letter.objects.get(case=reminded, kind=K.REMINDER)
    without, sent = issue(users, kind, silent), issue(users, kind, reminded)
    assert "diingatkan" not in without
    if kind in STATES_REMINDERS:
        assert "telah diingatkan dengan surat" in sent and f"Nomor {reminder.number}" in sent
    else:
        assert "diingatkan" not in sent

    # election type: the election named and the election law of its type, never the other's
    pemilu_case, pilkada_case = overdue(election="pemilu-2024"), overdue(election="pilkada-2024")
    pemilu, pilkada = issue(users, kind, pemilu_case), issue(users, kind, pilkada_case)
    assert "Nomor 7 Tahun 2017" not in pilkada and "Pasal 71 ayat (1)" not in pemilu and "Pasal 134" not in pemilu
    if kind in NAMES_ELECTION:
        assert pemilu_case.election.name in pemilu and pilkada_case.election.name in pilkada
        assert pilkada_case.election.name not in pemilu and pemilu_case.election.name not in pilkada
    if kind in ELECTION_LAW:
        assert ELECTION_LAW[kind][0] in pemilu and ELECTION_LAW[kind][1] in pilkada

    # the letter's date: the ASN law in force on it (UU 5/2014 until 30 October 2023, UU 20/2023 after)
    case = overdue()
    before, after = issue(users, kind, case, on=dt.date(2023, 5, 2)), issue(users, kind, case, on=dt.date(2026, 5, 4))
    assert format_tanggal(dt.date(2023, 5, 2)) in before and format_tanggal(dt.date(2026, 5, 4)) in after
    assert "Nomor 20 Tahun 2023" not in before and "Nomor 5 Tahun 2014" not in after
    if kind in CITES_ASN_LAW:
        assert "Undang-Undang Nomor 5 Tahun 2014" in before and "Undang-Undang Nomor 20 Tahun 2023" in after

    # employment type: the number's label and the discipline regulation follow the respondent's
    pns_case, pppk_case = overdue(), overdue()
    Respondent.objects.filter(tracks__case=pns_case).update(employee_type=EmployeeType.PNS)
    Respondent.objects.filter(tracks__case=pppk_case).update(employee_type=EmployeeType.PPPK)
    pns, pppk = issue(users, kind, pns_case), issue(users, kind, pppk_case)
    assert "NI PPPK" not in pns and "Nomor 49 Tahun 2018" not in pns and "Nomor 94 Tahun 2021" not in pppk
    assert ("NI PPPK" in pppk) == (kind in NAMES_RESPONDENTS)
    if kind == K.RECOMMENDATION:
        assert "Peraturan Pemerintah Nomor 49 Tahun 2018" in pppk
    if kind in PNS_ONLY_REGULATION:
        assert "Peraturan Pemerintah Nomor 94 Tahun 2021" in pns

    # signing: the officer as head, or on the head's behalf, as recorded on the user
    actor = users[ISSUER[kind]]
    head = head_title(actor.agency)
    LetterSigner.objects.update_or_create(user=actor, defaults=dict(mode=SigningMode.HEAD, position=head,
                                                                     nip="197001011995031001"))
    as_head = words(issue(users, kind, case))
    LetterSigner.objects.filter(user=actor).update(mode=SigningMode.ON_BEHALF, position="Sekretaris Utama")
    on_behalf = words(issue(users, kind, case))
    assert f"{head}, {actor.get_full_name()}" in as_head and "a.n." not in as_head
    assert f"a.n. {head} Sekretaris Utama, {actor.get_full_name()}" in on_behalf
