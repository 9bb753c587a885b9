"""The ASN account registry: a platform handle linked to a civil servant (respondent) by NIP."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Agency, Respondent
from cases.nip import parse_nip
from reports.screening.models import Account, Post, normalise_handle
from reports.screening.services.common import ScreeningError, require_reviewer
from reports.screening.services.rows import ImportResult, LineError


def account_register(*, actor, platform: str, handle: str, nip: str, name: str = "",
                     agency: Agency | None = None) -> Account:
    """Link a handle to a civil servant by NIP; an unknown NIP becomes a new, unverified respondent."""
    require_reviewer(actor)
    platform, handle = (platform or "").strip().lower(), normalise_handle(handle)
    if not platform or not handle:
        raise ScreeningError(_("Platform dan akun wajib diisi."))
    parsed = parse_nip(nip)  # ValidationError names the faulty part of the NIP
    with transaction.atomic():
        respondent = Respondent.objects.filter(nip=parsed.nip).first()
        if respondent is None:
            if not name.strip():
                raise ScreeningError(_("NIP %(nip)s belum terdaftar: isi nama ASN agar terlapor baru dapat dibuat.")
                                     % {"nip": parsed.display})
            respondent = Respondent.objects.create(nip=parsed.nip, name=name.strip(), agency=agency,
                                                   region=agency.region if agency else None, verified=False)
        account, _created = Account.objects.update_or_create(
            platform=platform, handle=handle,
            defaults={"respondent": respondent, "agency": agency or respondent.agency,
                      "verified_by": actor, "verified_at": timezone.now()})
        Post.objects.filter(platform=platform, account_handle=handle).update(account=account)
    return account


def accounts_import(*, actor, rows) -> ImportResult:
    """CSV rows platform,handle,nip[,name,agency_code]; one bad row never stops the others."""
    result = ImportResult()
    agencies = {a.code: a for a in Agency.objects.all()}
    for line, row, error in rows:
        if error is None:
            try:
                code = str(row.get("agency_code") or "").strip()
                if code and code not in agencies:
                    raise ScreeningError(_("kolom agency_code: instansi '%(c)s' tidak dikenal") % {"c": code})
                existed = Account.objects.filter(platform=str(row.get("platform") or "").strip().lower(),
                                                 handle=normalise_handle(str(row.get("handle") or ""))).exists()
                account_register(actor=actor, platform=str(row.get("platform") or ""), handle=str(row.get("handle") or ""),
                                 nip=str(row.get("nip") or ""), name=str(row.get("name") or ""), agency=agencies.get(code))
                if existed:
                    result.existing += 1
                else:
                    result.created += 1
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except ScreeningError as exc:
                error = str(exc)
        if error is not None:
            result.errors.append(LineError(line, error))
    return result
