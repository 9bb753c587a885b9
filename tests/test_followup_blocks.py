"""Issue #22 point 4: a data block has a life of its own per respondent (one DataBlock row per cycle: requested →
recorded → lift requested → lifted, each with who, when, why and letter), is lifted after a standing decision, on
the supervisory body's decision, or when the case closes for any reason; whoever ends the reason for it asks BKN to
lift it with a letter of its own agency; no block is left that nobody can lift, and no action is offered that would
fail."""
import subprocess

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.letters.dates import format_tanggal
from cases.models import Agency, CaseStatus, DataBlock, Letter, LetterKind, LetterSigner, SigningMode
from cases.selectors import bkn_block_queue
from cases.workflow import InvalidTransition, allowed_actions, perform
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
S = CaseStatus
K = LetterKind


SKIP = "Ultimatum sudah disampaikan dalam rapat"  # these tests start at the block; the ladder has its own tests


@pytest.fixture
def u(db):
    return make_users("bl")


def blocked_case(u, case=None, reason="PPK tidak menanggapi pengingat"):
    case = case or build_case(S.OVERDUE, u)
    case = perform("request_block", actor=u["approver"], case=case, reason=reason, out_of_order_reason=SKIP)
    return perform("record_block", actor=u["bkn"], case=case, reference="SIASN-BLK-2026-0042"), case.tracks.get()


def text_of(letter) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=bytes(letter.pdf), capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def test_block_life_and_only_possible_actions_offered(u):
    case = build_case(S.OVERDUE, u)
    assert "request_block" in allowed_actions(u["approver"], case)
    assert "record_block" not in allowed_actions(u["bkn"], case) and "unblock" not in allowed_actions(u["bkn"], case)
    case = perform("request_block", actor=u["approver"], case=case, reason="PPK tidak menanggapi pengingat",
                   out_of_order_reason=SKIP)
    assert "request_block" not in allowed_actions(u["approver"], case)
    assert "record_block" in allowed_actions(u["bkn"], case)
    case = perform("record_block", actor=u["bkn"], case=case, reference="SIASN-BLK-2026-0042")
    track = case.tracks.get()
    block = track.blocks.get()
    assert track.block_state == "recorded" and track.is_blocked
    assert (block.requested_by, block.request_reason, block.recorded_by, block.record_reference) == (
        u["approver"], "PPK tidak menanggapi pengingat", u["bkn"], "SIASN-BLK-2026-0042")
    assert "record_block" not in allowed_actions(u["bkn"], case)  # after a block is recorded, "record block" is gone
    assert "unblock" not in allowed_actions(u["bkn"], case)  # nothing asks to lift it yet
    assert "request_unblock" in allowed_actions(u["approver"], case)
    events = list(case.events.filter(code__startswith="case.block").values_list("code", "actor", "reason", "payload__block"))
    assert events == [("case.block.requested", u["approver"].pk, "PPK tidak menanggapi pengingat", block.pk),
                      ("case.block.recorded", u["bkn"].pk, "", block.pk)]


def test_a_second_block_is_a_second_row_and_both_show(u, client):
    case, track = blocked_case(u)
    case = perform("request_unblock", actor=u["approver"], case=case, track=track, reason="SK diterima dalam bentuk kertas")
    case = perform("unblock", actor=u["bkn"], case=case, track=track)
    assert "request_block" in allowed_actions(u["approver"], case)  # the first cycle is over: a new one may start
    case, _ = blocked_case(u, case, reason="SK kertas ternyata tidak sah")
    first, second = track.blocks.order_by("id")
    assert (first.state, first.lift_reason, first.lifted_by) == ("lifted", "SK diterima dalam bentuk kertas", u["bkn"])
    assert (second.state, second.request_reason) == ("recorded", "SK kertas ternyata tidak sah")
    assert track.block_state == "recorded"
    client.force_login(u["approver"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert page.count('data-block-state="lifted"') == 1 and page.count('data-block-state="recorded"') == 1
    assert "SK diterima dalam bentuk kertas" in page and "SK kertas ternyata tidak sah" in page
    client.force_login(u["bkn"])
    api = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert [b["state"] for b in api["tracks"][0]["blocks"]] == ["lifted", "recorded"]
    assert api["tracks"][0]["blocks"][1]["record_reference"] == "SIASN-BLK-2026-0042"
    assert api["tracks"][0]["blocked"] is True


def test_the_export_counts_blocks_in_force_and_cycles(u):
    from cases.exports import COLUMNS, export_queryset
    from cases.models import Case

    case, track = blocked_case(u)
    case = perform("request_unblock", actor=u["approver"], case=case, track=track, reason="SK kertas")
    case = perform("unblock", actor=u["bkn"], case=case, track=track)
    blocked_case(u, case, reason="Kedua kalinya")
    names = [c for c, _label in COLUMNS]
    row = export_queryset(Case.objects.filter(pk=case.pk)).get()
    assert (row[names.index("blocks_in_force")], row[names.index("block_cycles")]) == (1, 2)


def test_at_most_one_block_in_force_per_respondent(u):
    case, track = blocked_case(u)
    with pytest.raises(IntegrityError), transaction.atomic():
        DataBlock.objects.create(track=track, requested_by=u["approver"])
    with pytest.raises(InvalidTransition, match="sudah diminta"):
        perform("request_block", actor=u["approver"], case=case, track=track, out_of_order_reason=SKIP)


def test_the_supervisory_body_decides_to_lift_a_block(u):
    case, track = blocked_case(u)
    with pytest.raises(InvalidTransition, match="Belum ada permintaan buka blokir"):  # BKN may not lift it by itself
        perform("unblock", actor=u["bkn"], case=case, track=track)
    case = perform("request_unblock", actor=u["approver"], case=case, track=track,
                   reason="SK hukuman diterima dalam bentuk kertas")
    assert "request_unblock" not in allowed_actions(u["approver"], case)
    assert [b.track_id for b in bkn_block_queue(u["bkn"])["to_unblock"]] == [track.pk]
    case = perform("unblock", actor=u["bkn"], case=case, track=track)
    assert track.block_state == "lifted"
    assert case.events.order_by("-id").first().payload["basis"] == "unblock_request"
    assert not bkn_block_queue(u["bkn"])["to_unblock"]


def test_closing_for_another_reason_leaves_the_unblock_on_bkns_desk(u, client):
    case, track = blocked_case(u)
    case = perform("close_other", actor=u["approver"], case=case, reason="Terlapor pensiun per 1 Maret 2026")
    block = track.blocks.get()
    assert case.status == S.CLOSED_OTHER and block.state == "lift_requested"
    assert (block.lift_reason, block.lift_requested_by) == ("Terlapor pensiun per 1 Maret 2026", u["approver"])
    assert case.events.order_by("-id").first().payload["unblock_requested"] == [track.pk]
    assert u["bkn"].notifications.filter(case=case, kind="unblock_requested").exists()
    client.force_login(u["bkn"])
    page = client.get(reverse("cases:bkn")).content.decode()
    assert case.number in page and "buka blokir diminta" in page and "Terlapor pensiun per 1 Maret 2026" in page
    assert "unblock" in allowed_actions(u["bkn"], case)
    case = perform("unblock", actor=u["bkn"], case=case, track=track)
    assert case.status == S.CLOSED_OTHER and not track.is_blocked
    assert "unblock" not in allowed_actions(u["bkn"], case)


def test_bkn_has_a_clock_to_record_and_to_lift_a_block_and_is_told_in_words(u, client):
    from cases.labels import CLOCK_LABELS
    from cases.tasks import sweep_deadlines

    case = build_case(S.OVERDUE, u)
    case = perform("request_block", actor=u["approver"], case=case, out_of_order_reason=SKIP)
    record = case.clocks.get(code="BKN_BLOCK_RECORD")
    client.force_login(u["bkn"])
    page = client.get(reverse("cases:bkn")).content.decode()
    assert "dicatat paling lambat" in page and record.due_on.strftime("%-d") in page
    case = perform("record_block", actor=u["bkn"], case=case)
    track = case.tracks.get()
    case = perform("close_other", actor=u["approver"], case=case, reason="Terlapor meninggal dunia")
    lift = case.clocks.get(code="BKN_UNBLOCK_RECORD")  # starts as the case closes, and keeps running after
    assert lift.state == "running" and lift.track == track and lift.rule.certainty == "UNCONFIRMED"
    assert not case.clocks.exclude(code="BKN_UNBLOCK_RECORD").filter(state="running").exists()
    page = client.get(reverse("cases:bkn")).content.decode()
    assert "dibuka paling lambat" in page
    # the sweep tells BKN when the lift is late, in words, never the rule's code
    sweep_deadlines(today=lift.due_on + timezone.timedelta(days=1))
    note = u["bkn"].notifications.filter(case=case, kind="clock_overdue").get()
    assert str(CLOCK_LABELS["BKN_UNBLOCK_RECORD"]) in note.message and "BKN_UNBLOCK_RECORD" not in note.message
    page = client.get(reverse("cases:bkn")).content.decode()
    case = perform("unblock", actor=u["bkn"], case=case, track=track)
    lift.refresh_from_db()
    assert lift.state in ("met", "missed") and lift.finished_on


def test_closing_withdraws_a_block_request_not_yet_recorded(u):
    case = build_case(S.OVERDUE, u)
    case = perform("request_block", actor=u["approver"], case=case, out_of_order_reason=SKIP)
    case = perform("close_other", actor=u["approver"], case=case, reason="Terlapor meninggal dunia")
    track = case.tracks.get()
    block = track.blocks.get()
    assert track.block_state == "withdrawn" and not bkn_block_queue(u["bkn"])["to_block"]
    assert (block.withdrawn_by, block.withdraw_reason) == (u["approver"], "Terlapor meninggal dunia")
    assert case.events.order_by("-id").first().payload["block_requests_withdrawn"] == [track.pk]


def test_a_decision_withdraws_a_pending_block_request(u):
    case = build_case(S.OVERDUE, u)
    case = perform("request_block", actor=u["approver"], case=case, out_of_order_reason=SKIP)
    perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_HEAVY_DEMOTION",
            decree_number="800/1/2026", decree_date=timezone.localdate(), signer_name="Bupati")
    assert case.tracks.get().block_state == "withdrawn"


def test_a_conforming_decision_asks_bkn_to_lift_with_the_ppks_letter(u, django_capture_on_commit_callbacks):
    """The PPK's own agency asks BKN to lift: its letterhead, its number series, signed by its liaison under the
    liaison's recorded authority; the letter states the block and the decree as the record has them."""
    LetterSigner.objects.create(user=u["ppk"], mode=SigningMode.ON_BEHALF, position="Sekretaris Daerah",
                                nip="197203041998031002")
    with django_capture_on_commit_callbacks(execute=True):
        case, track = blocked_case(u)
        case = perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_HEAVY_DEMOTION",
                       decree_number="800/77/2026", decree_date=timezone.localdate(), signer_name="Bupati Cilacap")
    block = track.blocks.get()
    assert block.state == "lift_requested" and block.lift_requested_by == u["ppk"]
    assert [b.track_id for b in bkn_block_queue(u["bkn"])["to_unblock"]] == [track.pk]
    letter = Letter.objects.get(case=case, kind=K.UNBLOCK_REQUEST)
    pemkab = Agency.objects.get(code="PEMKAB-33.01")
    assert block.lift_request_letter == letter and letter.agency == pemkab and letter.issued_by == u["ppk"]
    assert f"/{pemkab.code}/" in letter.number
    assert block.record_letter.kind == K.BLOCK_NOTICE  # BKN's notice of the block, kept on the block
    text = text_of(letter)
    today = format_tanggal(timezone.localdate())
    for phrase in ["Permohonan Pembukaan Blokir Data Kepegawaian", "Yth. Kepala Badan Kepegawaian Negara",
                   block.record_letter.number, f"Sejak tanggal {today}, data kepegawaian",
                   f"Keputusan Nomor 800/77/2026 tanggal {today}", "kami mohon agar blokir data kepegawaian",
                   track.respondent.name, pemkab.name.upper(), f"a.n. {pemkab.ppk_title}", "Sekretaris Daerah",
                   "NIP 19720304 199803 1 002"]:
        assert phrase in text, phrase
    assert "pensiun" not in text and "ditutup" not in text  # only what happened: the decision, not a closing
    with django_capture_on_commit_callbacks(execute=True):
        case = perform("unblock", actor=u["bkn"], case=case, track=track)
    block.refresh_from_db()
    assert block.lift_letter.kind == K.UNBLOCK_NOTICE and block.lifted_by == u["bkn"]


def test_closing_asks_bkn_to_lift_with_the_closing_agencys_letter(u, django_capture_on_commit_callbacks):
    """The supervisory body of the day (here KASN) closes a case for retirement: its letter asks BKN to lift, stating
    the closing and its reason; when BKN's own officer acts there is nobody to write to."""
    kasn = Agency.objects.get(code="KASN")
    u["approver"].agency = kasn
    u["approver"].save(update_fields=["agency"])
    with django_capture_on_commit_callbacks(execute=True):
        case, track = blocked_case(u)
        perform("close_other", actor=u["approver"], case=case, reason="Terlapor pensiun (BUP) per 1 Desember 2026")
    letter = Letter.objects.get(case=case, kind=K.UNBLOCK_REQUEST)
    assert letter.agency == kasn and track.blocks.get().lift_request_letter == letter
    text = text_of(letter)
    assert "telah ditutup pada tanggal" in text and "dengan alasan: Terlapor pensiun (BUP) per 1 Desember 2026" in text
    assert "Keputusan Nomor" not in text  # no decree was recorded: the letter claims none


@pytest.mark.django_db(transaction=True)
def test_existing_blocks_migrate_into_rows_of_their_own():
    """Back to 0015 (blocks as fields of the respondent's track, a second cycle overwriting the first): each cycle the
    events record becomes a row with who, when, why and letter; a block known only from the fields becomes one row."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from cases.models import CaseEvent
    from tests.workflow_support import ensure_reference_data

    ensure_reference_data()
    u = make_users("mgb")
    case, track = blocked_case(u)
    case = perform("request_unblock", actor=u["approver"], case=case, track=track, reason="SK kertas")
    case = perform("unblock", actor=u["bkn"], case=case, track=track)
    case, _ = blocked_case(u, case, reason="Kedua kalinya")
    fields_only = build_case(S.OVERDUE, u).tracks.get()
    when = timezone.now()
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0015_escalation_ladder")])
    with connection.cursor() as cur:  # what 0015's code left: the latest cycle in the fields, no row
        cur.execute("UPDATE cases_caserespondent SET block_requested_at = %s, blocked_at = %s WHERE id IN (%s, %s)",
                    [when, when, track.pk, fields_only.pk])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app: one that depends on cases was unapplied too
    rows = list(DataBlock.objects.filter(track=track).order_by("id"))
    assert [(b.state, b.request_reason, b.requested_by_id) for b in rows] == [
        ("lifted", "PPK tidak menanggapi pengingat", u["approver"].pk), ("recorded", "Kedua kalinya", u["approver"].pk)]
    assert (rows[0].lift_reason, rows[0].lifted_by_id, rows[1].recorded_by_id) == ("SK kertas", u["bkn"].pk, u["bkn"].pk)
    only = DataBlock.objects.get(track=fields_only)
    assert only.state == "recorded" and only.recorded_at == when
    assert CaseEvent.objects.filter(case=case, code="case.block.requested").count() == 2
