"""Roles, scope and `rules` predicates: the one source of truth for who may see and do what."""
import rules
from django.db.models import Q

from cases.models import AgencyKind, CaseStatus, Role

# Statuses from which the PPK side (liaison, ministries) sees a case: after the recommendation.
POST_RECOMMENDATION = [CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.OVERDUE, CaseStatus.FOLLOWED_UP, CaseStatus.CLOSED_SANCTIONED]
NATIONAL_ROLES = {Role.ANALYST, Role.APPROVER, Role.BKN, Role.ADMIN}
REGIONAL_ROLES = {Role.BAWASLU, Role.AUDITOR}


def _scope_q(user, region_field: str, agency_q) -> Q | None:
    """The scope of both case_scope_q and track_scope_q: None for no one, Q() for national roles, else the OR of
    the region part (`region_field`) and the agency parts (`agency_q(**lookups)` over a respondent's agency)."""
    if not user.is_authenticated or not user.is_active:
        return None
    roles = user.roles
    if roles & NATIONAL_ROLES:
        return Q()
    parts = []
    if roles & REGIONAL_ROLES:
        parts.append(user.region.scope_q(region_field) if user.region_id else Q(pk__in=[]))
    if Role.PPK_LIAISON in roles and user.agency_id:
        parts.append(agency_q(agency_id=user.agency_id))
    if Role.KEMENPANRB in roles:
        parts.append(agency_q(agency__kind=AgencyKind.CENTRAL))
    if Role.KEMENDAGRI in roles:
        parts.append(agency_q(agency__kind=AgencyKind.REGIONAL))
    return _any_of(parts)


def case_scope_q(user) -> Q | None:
    """A Q selecting the cases this user may see, or None for no case at all."""
    return _scope_q(user, "region_code", lambda **lookups: Q(
        status__in=POST_RECOMMENDATION, **{f"tracks__{k}": v for k, v in lookups.items()}))


def _any_of(parts) -> Q | None:
    """OR of the parts; None for none, and Q() (everything) as soon as one part is everything: `Q() | Q(x)`
    would otherwise be just Q(x) in Django, narrowing instead of widening."""
    if not parts:
        return None
    if any(not part for part in parts):
        return Q()
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


# Roles whose scope is a set of agencies' respondents rather than whole cases: in a case they may see, the
# respondents of other agencies are shown only as "terlapor dari instansi lain" (issue #28).
RESPONDENT_SCOPED_ROLES = {Role.PPK_LIAISON, Role.KEMENPANRB, Role.KEMENDAGRI}


def track_scope_q(user, prefix: str = "") -> Q | None:
    """A Q over CaseRespondent (its fields behind `prefix`, e.g. "tracks__") selecting the respondents whose
    identity, sanction track and letters this user may see in full: Q() for all, None for none.

    It applies inside the cases case_scope_q lets the user see: national roles see every respondent, Bawaslu
    officers and auditors those of cases in their region, a PPK liaison those of their own *instansi*,
    KemenPAN-RB those of central PPKs and Kemendagri those of regional PPKs (the PPKs in their remit).
    """
    return _scope_q(user, f"{prefix}case__region_code",
                    lambda **lookups: Q(**{f"{prefix}{k}": v for k, v in lookups.items()}))


def sees_every_respondent(user) -> bool:
    """True when every respondent of every case the user may see is in their track scope, so nothing needs
    masking: national roles, and regional ones whose case scope is the same region (no agency-scoped role)."""
    roles = user.roles if user.is_authenticated else frozenset()
    return bool(roles & NATIONAL_ROLES) or not roles & RESPONDENT_SCOPED_ROLES


def needs_distinct(user) -> bool:
    """Scopes that join tracks may duplicate rows."""
    return bool(user.roles & {Role.PPK_LIAISON, Role.KEMENPANRB, Role.KEMENDAGRI}) and not user.roles & NATIONAL_ROLES


@rules.predicate
def in_region_of_case(user, case):
    if case is None or not user.region_id:
        return False
    return user.region.covers(case.region_code)


@rules.predicate
def liaison_of_case(user, case):
    return case is not None and user.agency_id is not None and case.tracks.filter(agency_id=user.agency_id).exists()


def has_role(role):
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user):
        return user.is_authenticated and user.has_role(role)

    return predicate


is_bawaslu = has_role(Role.BAWASLU)
is_analyst = has_role(Role.ANALYST)
is_approver = has_role(Role.APPROVER)
is_liaison = has_role(Role.PPK_LIAISON)
is_bkn = has_role(Role.BKN)
is_kemenpanrb = has_role(Role.KEMENPANRB)
is_kemendagri = has_role(Role.KEMENDAGRI)
is_screening = has_role(Role.SCREENING)
is_auditor = has_role(Role.AUDITOR)
is_admin = has_role(Role.ADMIN)

# Which predicate stands for each role name used in cases.workflow.TRANSITIONS.
ROLE_PREDICATES = {
    Role.BAWASLU: is_bawaslu & in_region_of_case,
    Role.ANALYST: is_analyst,
    Role.APPROVER: is_approver,
    Role.PPK_LIAISON: is_liaison & liaison_of_case,
    Role.BKN: is_bkn,
    Role.KEMENPANRB: is_kemenpanrb,
    Role.KEMENDAGRI: is_kemendagri,
    Role.ADMIN: is_admin,
}

rules.add_perm("cases.view_reporter_identity", is_bawaslu | is_admin)
rules.add_perm("cases.export", is_bawaslu | is_analyst | is_approver | is_auditor | is_admin | is_bkn)
rules.add_perm("cases.add_note", is_bawaslu | is_analyst | is_approver | is_bkn | is_admin)
rules.add_perm("screening.review", is_screening | is_admin)
# Sending posts to screening (API): Bawaslu monitors social media too; reviewing stays with the reviewers.
rules.add_perm("screening.ingest", is_screening | is_bawaslu | is_admin)
rules.add_perm("reports.intake", is_bawaslu | is_admin)
# The reporter conversation: those who handle a report at some stage (Bawaslu, the supervisory body) write; the
# auditor reads. Scope (region, case) is checked by reports.messaging on top of these.
rules.add_perm("reports.message_reporter", is_bawaslu | is_analyst | is_approver | is_admin)
rules.add_perm("reports.read_reporter_messages", is_bawaslu | is_analyst | is_approver | is_auditor | is_admin)
# Those who decide a case open its evidence (issue #28): Bawaslu, the supervisory analyst and approver, auditors;
# each opening is recorded (cases.models.AccessRecord), and auditors read that record on the case page.
rules.add_perm("reports.view_evidence", is_bawaslu | is_analyst | is_approver | is_auditor | is_admin)
rules.add_perm("cases.view_access_records", is_auditor | is_admin)
# A respondent asking to see their data (UU 27/2022) goes to an officer who handles cases; the request is theirs.
rules.add_perm("privacy.record_request", is_bawaslu | is_analyst | is_approver | is_bkn | is_admin)


def may_act(user, case, roles) -> bool:
    """True if the user holds one of `roles` and that role reaches this case."""
    return any(ROLE_PREDICATES[role].test(user, case) for role in roles if role in ROLE_PREDICATES)
