"""Build a letter's rendering context from the database: issuer, signer, addressee, respondents, facts, legal
basis, deadline, tembusan.

The renderer (cases.letters.render) takes the plain dict produced here; nothing here renders or writes.
Every name, title, citation and deadline comes from rows (Agency, Letterhead, LetterSigner, LegalBasis,
DeadlineRule) and every stated fact from the case's record (cases.letters.facts); none is written in code.
"""
import base64
import datetime as dt
import io
import mimetypes
from functools import lru_cache

from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError  # already loaded by the models' ImageField
from django.utils import timezone

from cases import deadlines
from cases.letters import facts as F
from cases.models import (
    Agency, AgencyKind, DayUnit, EmployeeType, LegalBasis, Letter, Letterhead, LetterKind, LetterSigner, Recommendation,
    SigningMode, SupervisoryBody,
)

K = LetterKind
# Which clock's rule states the deadline printed in the letter, and whose due date it is.
DEADLINE_CLOCK = {K.RECOMMENDATION: "PPK_FOLLOW_UP", K.REMINDER: "REMINDER_RESPONSE",
                  K.ESCALATION_WARNING: "WARNING_RESPONSE"}
MISSED_CLOCK = {K.BLOCK_REQUEST: "PPK_FOLLOW_UP", K.BLOCK_NOTICE: "PPK_FOLLOW_UP", K.ESCALATION_REQUEST: "PPK_FOLLOW_UP",
                K.PRESIDENT_REPORT: "PPK_FOLLOW_UP"}


# --- agencies -------------------------------------------------------------------------------------------------

def _agency(code):
    return Agency.objects.filter(code=code).select_related("region").first()


def supervisory_agency(on=None) -> Agency | None:
    """The agency of the supervisory body in force (KASN, then BKN, ...)."""
    body = SupervisoryBody.in_force(on or timezone.localdate())
    return body.agency if body and body.agency_id else _agency("BKN")


def bawaslu_for_region(region_code: str) -> Agency | None:
    """The Bawaslu office of a region or the nearest one above it, else Bawaslu RI."""
    parts = (region_code or "").split(".")
    for i in range(len(parts), 0, -1):
        found = _agency("BAWASLU-" + ".".join(parts[:i]))
        if found:
            return found
    return _agency("BAWASLU")


def bawaslu_agency(case) -> Agency | None:
    """The case's Bawaslu office, else the office of its region."""
    return case.bawaslu_office if case.bawaslu_office_id else bawaslu_for_region(case.region_code)


def ministry_for(agency) -> Agency | None:
    """KemenPAN-RB supervises central PPKs, Kemendagri regional ones."""
    code = {AgencyKind.CENTRAL: "KEMENPANRB", AgencyKind.REGIONAL: "KEMENDAGRI"}.get(agency.kind)
    return _agency(code) if code else None


def head_title(agency) -> str:
    """The position that heads an agency, as letters address it."""
    if agency.kind == AgencyKind.BAWASLU_OFFICE:
        return f"Ketua {agency.name}"
    return agency.ppk_title or f"Pimpinan {agency.name}"


def place_name(agency) -> str:
    """"Kabupaten Cilacap" -> "Cilacap"; the agency's own `place` wins when it was set for a regional office."""
    region = agency.region
    if agency.place and (agency.place != "Jakarta" or region is None or region.is_national):
        return agency.place
    name = region.name if region else "Jakarta"
    for prefix in ("Kabupaten ", "Kota Administrasi ", "Kota ", "Provinsi "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def nip_display(nip: str) -> str:
    digits = "".join(ch for ch in nip or "" if ch.isdigit())
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}" if len(digits) == 18 else (nip or "")


#: The kop prints the emblem 2.2 cm wide: 260 pixels at 300 dpi. A larger upload is scaled down once (the result is
#: cached) rather than embedded and scaled in every letter.
EMBLEM_PIXELS = 260
#: Raster emblems reach the letter as JPEG (quality 90, no chroma subsampling), flattened on the paper's white:
#: WeasyPrint embeds a JPEG's bytes as they are, whereas it decodes and re-compresses a PNG in every letter
#: (and a transparent one twice, image and mask): a 260-pixel PNG emblem cost 63 M instructions more per
#: recommendation letter than the same emblem as JPEG (679 against 616 M, cachegrind).
EMBLEM_JPEG_QUALITY = 90


def _emblem_print_size(body: bytes) -> tuple[bytes, str] | None:
    """A JPEG of at most EMBLEM_PIXELS a side, on white; None to use the upload as it is (a JPEG already at print
    size, or not a raster image)."""
    try:
        image = Image.open(io.BytesIO(body))
        if image.format == "JPEG" and image.mode == "RGB" and max(image.size) <= EMBLEM_PIXELS:
            return None
        image = image.convert("RGBA")
        if max(image.size) > EMBLEM_PIXELS:
            image.thumbnail((EMBLEM_PIXELS, EMBLEM_PIXELS), Image.Resampling.LANCZOS)
        paper = Image.new("RGB", image.size, (255, 255, 255))
        paper.paste(image, mask=image.getchannel("A"))
    except (UnidentifiedImageError, OSError, ValueError):  # not a raster image (e.g. SVG): used as uploaded
        return None
    out = io.BytesIO()
    paper.save(out, "JPEG", quality=EMBLEM_JPEG_QUALITY, subsampling=0)
    return out.getvalue(), "image/jpeg"


@lru_cache(maxsize=64)
def _emblem_data_uri(name: str) -> str:
    """An uploaded emblem as a data: URI (the renderer loads nothing else from outside static/), at print size."""
    with default_storage.open(name, "rb") as fh:
        body = fh.read()
    ctype = mimetypes.guess_type(name)[0] or "image/png"
    body, ctype = _emblem_print_size(body) or (body, ctype)
    return f"data:{ctype};base64,{base64.b64encode(body).decode('ascii')}"


def issuer_context(agency) -> dict:
    """The letterhead: the administrator's Letterhead row, else the agency's own contact fields."""
    parent = agency.parent.name if agency.parent_id else ("Republik Indonesia" if agency.kind == AgencyKind.SKB else "")
    head = Letterhead.objects.filter(agency=agency).first()
    emblem = ""
    if head and head.emblem:
        try:
            emblem = _emblem_data_uri(head.emblem.name)
        except OSError:  # a missing upload falls back to the shipped emblem rather than failing the letter
            emblem = ""
    return {"name": agency.name, "short_name": agency.short_name, "parent_name": parent,
            "address": head.address if head else agency.address, "phone": head.phone if head else agency.phone,
            "website": head.website if head else agency.website, "email": head.email if head else "",
            "emblem_uri": emblem, "letterhead_image": agency.letterhead_image or None}


def signer_context(agency, actor) -> dict:
    """The officer who takes the action signs, with the position and a.n./u.b. of their recorded authority.

    A letter issued by the system itself (no actor, e.g. a receipt of an online report) names no person; an officer
    without a recorded authority signs with their name under the agency's name, claiming no position."""
    if actor is None:
        return {"lines": [], "position": agency.name, "name": "", "nip": "", "system": True}
    name = actor.get_full_name() or actor.username
    auth = LetterSigner.objects.filter(user=actor).first()
    if auth is None:
        return {"lines": [], "position": agency.name, "name": name, "nip": ""}
    head = head_title(agency)
    lines = {SigningMode.HEAD: [], SigningMode.ON_BEHALF: [f"a.n. {head}"],
             SigningMode.FOR_HIM: [f"a.n. {head}", f"{auth.behalf_position},", "u.b."]}[auth.mode]
    position = head if auth.mode == SigningMode.HEAD else auth.position
    return {"lines": lines, "position": position, "name": name, "nip": nip_display(auth.nip)}


def ppk_addressee(agency) -> dict:
    title = agency.ppk_title or f"Pejabat Pembina Kepegawaian {agency.name}"
    return {"position": f"{title} (selaku Pejabat Pembina Kepegawaian)", "place": place_name(agency)}


# --- case facts -----------------------------------------------------------------------------------------------

def respondent_context(track, imposed=None) -> dict:
    case, respondent = track.case, track.respondent
    rec = Recommendation.objects.filter(track=track).prefetch_related("violation_types").first()
    imposed = imposed or {}
    return {
        "name": respondent.name,
        "nip": respondent.nip_display or respondent.legacy_nip,
        "id_label": "NI PPPK" if respondent.employee_type == EmployeeType.PPPK else "NIP",
        "employee_type": respondent.employee_type,
        "position": track.position_at_time or respondent.position,
        "agency": track.agency.name,
        "violations": [v.name_id for v in rec.violation_types.all()] if rec else [],
        "sanction": rec.sanction_text() if rec and rec.proven else "",
        "sanction_imposed": imposed.get("sanction", ""),
        "decree": imposed.get("decree", ""),
        "decisions": imposed.get("all", []),
        "facts": case.description or case.title,
        "occurred_on": case.occurred_on,
        "occurred_place": case.place,
        "ppk": track.agency.ppk_title,
    }


def case_context(case) -> dict:
    return {"number": case.number, "election": case.election.name, "region": case.region.name}


def latest_letter(case, kind, track=None):
    qs = Letter.objects.filter(case=case, kind=kind, void=False).select_related("agency").defer("pdf")
    if track is not None:
        qs = qs.filter(track=track) if qs.filter(track=track).exists() else qs
    return qs.order_by("-issued_at", "-id").first()


def deadline_context(kind, case, tracks, on) -> dict:
    """Deadline wording from the clock's DeadlineRule; due date from the running clock when there is one."""
    code = DEADLINE_CLOCK.get(kind) or MISSED_CLOCK.get(kind)
    if not code:
        return {}
    rule = deadlines.rule_for(case, code, on)
    clock = case.clocks.filter(code=code, track__in=tracks).order_by("-started_on", "-id").first() if tracks else None
    # The PPK clock runs from receipt ("sejak surat ini diterima", issue #22): before receipt no date can be stated.
    from_receipt = code == "PPK_FOLLOW_UP" and kind in DEADLINE_CLOCK
    due = clock.due_on if clock else (deadlines.add_days(on, rule.length, rule.unit) if rule and not from_receipt else None)
    out = {"due_date": due}
    if rule and kind in DEADLINE_CLOCK:
        out.update(deadline_days=rule.length, deadline_unit=str(DayUnit(rule.unit).label))
    return out


def tembusan(kind, *, issuer, case=None, tracks=(), on=None) -> list[str]:
    """Copy recipients per kind (domain.md §7): the institutions that must know, never the issuer itself."""
    bkn, bawaslu = _agency("BKN"), (bawaslu_agency(case) if case else None)
    ministries = [m for m in dict.fromkeys(ministry_for(t.agency) for t in tracks) if m]
    ppks = [a for a in dict.fromkeys(t.agency for t in tracks)]
    supervisor = supervisory_agency(on)
    by_kind = {
        K.FORWARDING: [_agency("BAWASLU") if bawaslu and bawaslu.code != "BAWASLU" else None, *ppks],
        K.RECOMMENDATION: [bkn, *ministries, bawaslu],
        K.REMINDER: [bkn, *ministries, bawaslu],
        K.BLOCK_REQUEST: [*ppks, *ministries],
        K.BLOCK_NOTICE: [supervisor, *ministries],
        K.UNBLOCK_NOTICE: [supervisor, *ministries],
        K.UNBLOCK_REQUEST: [supervisor, *ppks, *ministries],
        K.ESCALATION_REQUEST: [bkn, bawaslu],
        K.ESCALATION_WARNING: [supervisor, bkn, bawaslu],
        K.PRESIDENT_REPORT: [_agency("KEMENPANRB"), _agency("KEMENDAGRI"), bkn],
    }
    seen, out = {issuer.pk}, []
    for agency in by_kind.get(kind, []):
        if agency is not None and agency.pk not in seen:
            seen.add(agency.pk)
            out.append(head_title(agency))
    return out


PPK_KINDS = (K.RECOMMENDATION, K.REMINDER, K.ESCALATION_WARNING, K.BLOCK_NOTICE, K.UNBLOCK_NOTICE)


def addressee_for(kind, *, case, tracks, on=None, to=None) -> dict:
    if kind in PPK_KINDS and tracks:
        return ppk_addressee(tracks[0].agency)
    target = to or {K.FORWARDING: supervisory_agency(on), K.BLOCK_REQUEST: _agency("BKN"), K.UNBLOCK_REQUEST: _agency("BKN"),
                    K.PRESIDENT_REPORT: _agency("PRESIDEN")}.get(kind)
    return {"position": head_title(target), "place": place_name(target)} if target else {}


def legal_basis_for(kind, *, case, tracks, on) -> tuple[list[str], list[str]]:
    """(citations, articles breached) in force on the letter's date for the election's type and the respondents'
    employment types; a respondent whose type is not known gets no type-specific regulation."""
    types = {t.respondent.employee_type for t in tracks} - {EmployeeType.UNKNOWN}
    rows = LegalBasis.objects.filter(LegalBasis.in_force_q(on), election_type__in=[case.election.election_type, "any"],
                                     employee_type__in=["any", *types])
    rows = [r for r in rows if kind in {k.strip() for k in r.letter_kinds.split(";")}]
    return [r.citation for r in rows], [r.conduct for r in rows if r.conduct]


REFERS_TO_RECOMMENDATION = (K.REMINDER, K.BLOCK_REQUEST, K.BLOCK_NOTICE, K.ESCALATION_REQUEST, K.ESCALATION_WARNING,
                            K.PRESIDENT_REPORT, K.UNBLOCK_NOTICE, K.UNBLOCK_REQUEST)


def letter_context(kind, *, agency, actor=None, case=None, tracks=(), on: dt.date | None = None, upto=None,
                   to=None) -> dict:
    """Everything the renderer needs for a letter (receipts build theirs in reports.letters); `upto` is the id of
    the event that issues it (facts after it are not the letter's), `to` an addressee agency chosen by the caller."""
    on = on or timezone.localdate()
    tracks = list(tracks)
    ctx = {
        "issued_on": on, "place": place_name(agency), "issuer": issuer_context(agency),
        "signer": signer_context(agency, actor), "lampiran": "-",
        # Templates use these as filter arguments, which Django requires to exist.
        "reference": "", "recommendation_ref": "", "facts": {},
    }
    if case is None:
        return ctx
    imposed = F.sanctions_imposed(tracks)
    citations, breached = legal_basis_for(kind, case=case, tracks=tracks, on=on)
    addressee = addressee_for(kind, case=case, tracks=tracks, on=on, to=to)
    copies = [t for t in tembusan(kind, issuer=agency, case=case, tracks=tracks, on=on)
              if t != addressee.get("position")]  # the addressee gets the letter itself, not a copy
    ctx.update(case=case_context(case), respondents=[respondent_context(t, imposed.get(t.pk)) for t in tracks],
               addressee=addressee, tembusan=copies, facts=F.case_facts(case, tracks, upto=upto),
               legal_basis=citations, issuer_blocks=agency.code == "BKN")
    if kind == K.RECOMMENDATION and breached:
        ctx["conclusion_basis"] = "; ".join(dict.fromkeys(breached))
    if tracks:
        ppk = tracks[0].agency
        ctx["ppk"] = {"position": ppk.ppk_title or f"Pejabat Pembina Kepegawaian {ppk.name}"}
    forwarding = latest_letter(case, K.FORWARDING)
    if forwarding:
        ctx["reference"] = F.letter_ref(forwarding)
    if kind in REFERS_TO_RECOMMENDATION:
        rec = latest_letter(case, K.RECOMMENDATION, tracks[0] if len(tracks) == 1 else None)
        if rec:
            ctx["recommendation_ref"] = F.letter_ref(rec)
    if kind == K.UNBLOCK_REQUEST:
        notice = F.latest_letter_ref(case, K.BLOCK_NOTICE, [t.pk for t in tracks])
        ctx["block_notice_ref"] = notice
    ctx.update(deadline_context(kind, case, tracks, on))
    return ctx
