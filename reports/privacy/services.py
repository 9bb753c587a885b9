"""Writes of the privacy app: the privacy audit trail (one writer), and the record of each display of a reporter's
identity. Views and the API call these where the identity is rendered; a display is one INSERT."""
from cases.models import AccessKind
from cases.services import access_record, access_records_many
from reports.models import Report
from reports.privacy.models import PrivacyEvent


def privacy_event(*, code: str, actor=None, subject: str = "", payload: dict | None = None) -> PrivacyEvent:
    """Append one PrivacyEvent (retention runs, requests): the privacy trail's one writer."""
    return PrivacyEvent.objects.create(code=code, actor=actor, actor_agency_id=getattr(actor, "agency_id", None),
                                       subject=subject, payload=payload or {})


def _shown(view) -> bool:
    return view is not None and not view.masked and not view.anonymous


def identity_shown(*, actor, report: Report, view, via: str = "") -> bool:
    """Record that `actor` was shown this reporter's identity (`view` from reports.selectors.reporter_identity);
    a masked or anonymous view is no display. The label is the tracking code, never the reporter's name."""
    if not _shown(view):
        return False
    access_record(actor=actor, kind=AccessKind.REPORTER_IDENTITY, object_id=report.pk, label=report.tracking_code,
                  via=via, case=report.case_id)
    return True


def identities_in_answer(*, actor, reports: list[dict], via: str = "") -> int:
    """Record the identities an API answer carried: every report representation whose reporter is neither masked
    nor anonymous (one INSERT for a page of reports)."""
    shown = [r for r in reports if (r.get("reporter") or {}).get("name")
             and not r["reporter"].get("masked") and not r["reporter"].get("anonymous")]
    return access_records_many(actor=actor, kind=AccessKind.REPORTER_IDENTITY, via=via, objects=[
        (r["id"], r.get("tracking_code", ""), r.get("case")) for r in shown])
