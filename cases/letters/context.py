"""Build a letter's rendering context from the database: issuer, addressee, respondents, deadline, tembusan.

The renderer (cases.letters.render) takes the plain dict produced here; nothing here renders or writes.
Every name, title and deadline comes from reference rows (Agency, DeadlineRule), none is written in code.
"""
import datetime as dt

from django.utils import timezone

from cases import deadlines
from cases.letters.dates import format_tanggal
from cases.models import Agency, AgencyKind, DayUnit, Letter, LetterKind, Recommendation, SupervisoryBody

K = LetterKind
LAMPIRAN = {K.FORWARDING: "1 (satu) berkas"}
# Which clock's rule states the deadline printed in the letter, and whose due date it is.
DEADLINE_CLOCK = {K.RECOMMENDATION: "PPK_FOLLOW_UP", K.REMINDER: "REMINDER_RESPONSE",
                  K.ESCALATION_WARNING: "REMINDER_RESPONSE"}
MISSED_CLOCK = {K.BLOCK_REQUEST: "PPK_FOLLOW_UP", K.PRESIDENT_REPORT: "PPK_FOLLOW_UP"}


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


def issuer_context(agency) -> dict:
    parent = agency.parent.name if agency.parent_id else ("Republik Indonesia" if agency.kind == AgencyKind.SKB else "")
    return {"name": agency.name, "short_name": agency.short_name, "parent_name": parent, "address": agency.address,
            "phone": agency.phone, "website": agency.website, "letterhead_image": agency.letterhead_image or None}


def signer_context(agency, actor) -> dict:
    name = agency.signer_name or (actor.get_full_name() or actor.username if actor else "")
    return {"name": name, "position": agency.signer_position or head_title(agency), "nip": nip_display(agency.signer_nip)}


def ppk_addressee(agency) -> dict:
    title = agency.ppk_title or f"Pejabat Pembina Kepegawaian {agency.name}"
    return {"position": f"{title} (selaku Pejabat Pembina Kepegawaian)", "place": place_name(agency)}


# --- case facts -----------------------------------------------------------------------------------------------

def respondent_context(track) -> dict:
    case, respondent = track.case, track.respondent
    rec = Recommendation.objects.filter(track=track).prefetch_related("violation_types").first()
    return {
        "name": respondent.name,
        "nip": respondent.nip_display or respondent.legacy_nip,
        "position": track.position_at_time or respondent.position,
        "agency": track.agency.name,
        "violations": [v.name_id for v in rec.violation_types.all()] if rec else [],
        "sanction": rec.sanction_text() if rec and rec.proven else "",
        "facts": case.description or case.title,
        "occurred_on": case.occurred_on,
        "occurred_place": case.place,
        "ppk": track.agency.ppk_title,
        "_legal": [v.legal_basis for v in rec.violation_types.all() if v.legal_basis] if rec else [],
    }


def case_context(case) -> dict:
    return {"number": case.number, "election": case.election.name, "region": case.region.name}


def _letter_ref(letter) -> str:
    return f"surat {letter.agency.name} Nomor {letter.number} tanggal {format_tanggal(timezone.localdate(letter.issued_at))}"


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
    due = clock.due_on if clock else (deadlines.add_days(on, rule.length, rule.unit) if rule else None)
    out = {"due_date": due}
    if rule and kind in DEADLINE_CLOCK:
        out.update(deadline_days=rule.length, deadline_unit=str(DayUnit(rule.unit).label))
    return out


def tembusan(kind, *, issuer, case=None, tracks=()) -> list[str]:
    """Copy recipients per kind (domain.md §7): the institutions that must know, never the issuer itself."""
    bkn, bawaslu = _agency("BKN"), (bawaslu_agency(case) if case else None)
    ministries = [m for m in dict.fromkeys(ministry_for(t.agency) for t in tracks) if m]
    ppks = [a for a in dict.fromkeys(t.agency for t in tracks)]
    by_kind = {
        K.FORWARDING: [_agency("BAWASLU") if bawaslu and bawaslu.code != "BAWASLU" else None, *ppks],
        K.RECOMMENDATION: [bkn, *ministries, bawaslu],
        K.REMINDER: [bkn, *ministries, bawaslu],
        K.BLOCK_REQUEST: [*ppks, *ministries],
        K.ESCALATION_WARNING: [supervisory_agency(), bkn, bawaslu],
        K.PRESIDENT_REPORT: [_agency("KEMENPANRB"), _agency("KEMENDAGRI"), bkn],
    }
    seen, out = {issuer.pk}, []
    for agency in by_kind.get(kind, []):
        if agency is not None and agency.pk not in seen:
            seen.add(agency.pk)
            out.append(head_title(agency))
    return out


def addressee_for(kind, *, case, tracks) -> dict:
    if kind in (K.RECOMMENDATION, K.REMINDER, K.ESCALATION_WARNING) and tracks:
        return ppk_addressee(tracks[0].agency)
    target = {K.FORWARDING: supervisory_agency(), K.BLOCK_REQUEST: _agency("BKN"),
              K.PRESIDENT_REPORT: _agency("PRESIDEN")}.get(kind)
    return {"position": head_title(target), "place": place_name(target)} if target else {}


def letter_context(kind, *, agency, actor=None, case=None, tracks=(), on: dt.date | None = None) -> dict:
    """Everything the renderer needs for a case letter (receipts build theirs in reports.letters)."""
    on = on or timezone.localdate()
    tracks = list(tracks)
    ctx = {
        "issued_on": on, "place": place_name(agency), "issuer": issuer_context(agency),
        "signer": signer_context(agency, actor), "lampiran": LAMPIRAN.get(kind, "-"),
        # Templates use these as filter arguments, which Django requires to exist.
        "reference": "", "recommendation_ref": "",
    }
    if case is None:
        return ctx
    respondents = [respondent_context(t) for t in tracks]
    legal = list(dict.fromkeys(b for r in respondents for b in r.pop("_legal")))
    ctx.update(case=case_context(case), respondents=respondents, addressee=addressee_for(kind, case=case, tracks=tracks),
               tembusan=tembusan(kind, issuer=agency, case=case, tracks=tracks))
    if kind == K.RECOMMENDATION and legal:
        ctx["conclusion_basis"] = "; ".join(legal)
    if kind in (K.RECOMMENDATION, K.ESCALATION_WARNING) and tracks:
        ppk = tracks[0].agency
        ctx["ppk"] = {"position": ppk.ppk_title or f"Pejabat Pembina Kepegawaian {ppk.name}"}
    forwarding = latest_letter(case, K.FORWARDING)
    if forwarding:
        ctx["reference"] = _letter_ref(forwarding)
    if kind in (K.REMINDER, K.BLOCK_REQUEST, K.ESCALATION_WARNING, K.PRESIDENT_REPORT, K.UNBLOCK_NOTICE):
        rec = latest_letter(case, K.RECOMMENDATION, tracks[0] if len(tracks) == 1 else None)
        if rec:
            ctx["recommendation_ref"] = _letter_ref(rec)
    ctx.update(deadline_context(kind, case, tracks, on))
    return ctx
