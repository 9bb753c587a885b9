"""Screening writes: import posts and accounts, lexicon edits, model versions, batch scoring, verdicts, training.

The scoring engine (reports/screening/engine/) is pure Python; this module is its only bridge to the database.
"""
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.models import Agency, ElectionPeriod, Region, Respondent, Role, ViolationType
from cases.nip import parse_nip
from reports import services as intake
from reports.models import Anonymity, Channel, ReportKind
from reports.screening.models import (
    Account, Decision, LexiconTerm, ModelVersion, Post, RunStatus, Score, ScoringChunk, ScoringRun, TermKind, Verdict,
    VerdictLabel, normalise_handle,
)

log = logging.getLogger(__name__)

IMPORT_BATCH = 500
DEFAULT_CHUNK_SIZE = 200
GROUP_THRESHOLD = 0.8
MAX_LINKS = 50


class ScreeningError(Exception):
    """Bad input or a missing prerequisite; str(exc) is the Indonesian message for the user."""


class AlreadyDecided(Exception):
    """The post (or its near-duplicate group) already has a verdict (views answer 409)."""


def _require_reviewer(actor) -> None:
    if not actor.has_perm("screening.review"):
        raise PermissionDenied(_("Hanya peninjau penapisan yang dapat melakukan ini."))


def _xact_lock(key: str) -> None:
    """Serialise decisions on one near-duplicate group until the transaction ends."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [digest])


def election_by_slug(slug: str | None) -> ElectionPeriod | None:
    if not slug:
        return None
    try:
        return ElectionPeriod.objects.get(slug=slug.strip())
    except ElectionPeriod.DoesNotExist:
        known = ", ".join(ElectionPeriod.objects.order_by("slug").values_list("slug", flat=True))
        raise ScreeningError(_("Pemilihan '%(slug)s' tidak dikenal. Pilihan: %(known)s.") % {"slug": slug, "known": known})


# --- reading files ----------------------------------------------------------------------------------------------

@dataclass
class LineError:
    line: int
    message: str

    def __str__(self):
        return _("baris %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0
    errors: list = field(default_factory=list)

    @property
    def read(self):
        return self.created + self.existing + len(self.errors)


def read_rows(fh, name: str):
    """Yield (line number, dict or None, error message) from a CSV or JSONL text stream."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(fh)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(fh)
    else:
        raise ScreeningError(_("Berkas %(name)s: format tidak dikenal. Gunakan berkas .csv atau .jsonl.") % {"name": name})


def _read_csv(fh):
    reader = csv.DictReader(fh)
    try:
        header = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ScreeningError(_("Berkas CSV tidak dapat dibaca: %(e)s") % {"e": exc})
    if not header:
        raise ScreeningError(_("Berkas CSV kosong: baris pertama harus berisi nama kolom."))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, _("CSV rusak (%(e)s)") % {"e": exc}
            continue
        if None in row:
            yield reader.line_num, None, _("jumlah kolom lebih banyak dari kepala kolom")
            continue
        yield reader.line_num, {k.strip(): (v or "") for k, v in row.items() if k}, None


def _read_jsonl(fh):
    for number, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, _("JSON tidak sah (%(e)s)") % {"e": exc.msg}
            continue
        if not isinstance(row, dict):
            yield number, None, _("setiap baris harus berupa objek JSON")
            continue
        yield number, row, None


def open_text(path) -> io.TextIOBase:
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ScreeningError(_("Berkas %(name)s tidak dapat dibuka: %(e)s") % {"name": path, "e": exc.strerror})


class PostFieldError(ValueError):
    """A bad field in one post row; `field` names it (the API reports "<index>.<field>"), str() is the message."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


MAX_COUNT = 2 ** 63 - 1  # PositiveBigIntegerField


def _text(row: dict, name: str) -> str:
    """A field as stripped text; JSON objects/lists and NUL characters (PostgreSQL refuses them) are refused."""
    value = row.get(name)
    if isinstance(value, (dict, list)):
        raise PostFieldError(name, _("kolom %(f)s harus teks atau angka, bukan objek/daftar") % {"f": name})
    value = str(value if value is not None else "").strip()
    if "\x00" in value:
        raise PostFieldError(name, _("kolom %(f)s tidak boleh memuat karakter NUL") % {"f": name})
    return value


def _count(row: dict, name: str) -> int:
    raw = _text(row, name)
    if not raw:
        return 0
    try:
        value = int(float(raw))
    except (ValueError, OverflowError):
        raise PostFieldError(name, _("kolom %(f)s harus bilangan bulat, tertulis '%(v)s'") % {"f": name, "v": raw[:40]})
    if value < 0:
        raise PostFieldError(name, _("kolom %(f)s tidak boleh negatif") % {"f": name})
    if value > MAX_COUNT:
        raise PostFieldError(name, _("kolom %(f)s terlalu besar") % {"f": name})
    return value


def _posted_at(row: dict) -> dt.datetime | None:
    raw = _text(row, "posted_at")
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "T", 1) if len(raw) > 10 else raw + "T00:00:00")
    except ValueError:
        value = None
    if value is None:
        raise PostFieldError("posted_at", _("kolom posted_at harus tanggal-waktu ISO 8601 (mis. "
                                            "2024-11-20T08:15:00+07:00), tertulis '%(v)s'") % {"v": raw[:40]})
    if timezone.is_aware(value):
        offset = value.utcoffset()
        if not -dt.timedelta(hours=12) <= offset <= dt.timedelta(hours=14):  # real zones span UTC-12 to UTC+14
            raise PostFieldError("posted_at", _("zona waktu kolom posted_at di luar rentang -12:00 sampai +14:00, "
                                                "tertulis '%(v)s'") % {"v": raw[:40]})
        return value
    return timezone.make_aware(value)


def _required(row: dict, *names) -> str:
    for name in names:
        value = _text(row, name)
        if value:
            return value
    name = next((n for n in names if n in row), names[0])  # the spelling the input used
    raise PostFieldError(name, _("kolom %(f)s wajib diisi") % {"f": name})


_url = URLValidator(schemes=["http", "https"])


def parse_post_row(row: dict, elections: dict) -> Post:
    """One input row (CSV, JSONL or API) to an unsaved Post; PostFieldError names the faulty field."""
    url = _text(row, "url")
    if url:
        try:
            _url(url)
        except ValidationError:
            raise PostFieldError("url", _("kolom url harus alamat http(s) yang sah"))
    slug = _text(row, "election")
    if slug and slug not in elections:
        raise PostFieldError("election", _("kolom election: pemilihan '%(s)s' tidak dikenal") % {"s": slug[:40]})
    post = Post(
        platform=_required(row, "platform").lower()[:20], post_id=_required(row, "post_id", "id")[:100],
        account_handle=normalise_handle(_required(row, "account", "account_handle", "handle"))[:100],
        url=url[:500], text=_required(row, "text"), posted_at=_posted_at(row),
        followers=_count(row, "followers"), likes=_count(row, "likes"), shares=_count(row, "shares"),
        media_ref=_text(row, "media_ref")[:500], election=elections.get(slug))
    post.sha256 = post.compute_sha256()
    return post


def posts_import(*, rows, election: ElectionPeriod | None = None, progress=None) -> ImportResult:
    """Import (line, row, error) triples; idempotent on (platform, post id); bad rows are reported, never fatal."""
    result = ImportResult()
    elections = {e.slug: e for e in ElectionPeriod.objects.all()}
    batch = []
    for line, row, error in rows:
        if error is None:
            try:
                post = parse_post_row(row, elections)
                post.election = post.election or election
                batch.append(post)
            except ValueError as exc:
                error = str(exc)
        if error is not None:
            result.errors.append(LineError(line, error))
        if progress:
            progress(1)
        if len(batch) >= IMPORT_BATCH:
            _save_posts(batch, result)
            batch = []
    _save_posts(batch, result)
    return result


def _save_posts(batch: list, result: ImportResult) -> None:
    if not batch:
        return
    unique = {}
    for post in batch:
        unique.setdefault((post.platform, post.post_id), post)
    existing = set(Post.objects.filter(post_id__in=[k[1] for k in unique]).values_list("platform", "post_id"))
    new = [p for k, p in unique.items() if k not in existing]
    _link_accounts(new)
    with transaction.atomic():
        created = Post.objects.bulk_create(new, ignore_conflicts=True)  # a parallel import may have won a row
    result.created += len(created)
    result.existing += len(batch) - len(created)


def _link_accounts(posts: list) -> None:
    accounts = {(a.platform, a.handle): a.pk for a in
                Account.objects.filter(handle__in={p.account_handle for p in posts})}
    for post in posts:
        post.account_id = accounts.get((post.platform, post.account_handle))


def _stored_ids(keys) -> dict:
    """(platform, post id) → pk of the stored posts among `keys`."""
    rows = Post.objects.filter(post_id__in={k[1] for k in keys}).values_list("platform", "post_id", "pk")
    return {(platform, post_id): pk for platform, post_id, pk in rows if (platform, post_id) in keys}


@dataclass
class IngestResult:
    """One outcome per input position: ("created" | "duplicate", post pk) or ("rejected", {field: [messages]})."""

    outcomes: list
    run: ScoringRun | None = None


def posts_ingest(*, actor, rows: list) -> IngestResult:
    """Store posts sent through the API, each parsed as an import row (same rules as CSV/JSONL): bad rows are
    reported by field, valid ones saved in one transaction. An existing (platform, post id) is a duplicate and
    is left unchanged; the stored posts not yet scored are queued for batch scoring after commit."""
    elections = {e.slug: e for e in ElectionPeriod.objects.all()}
    parsed = []
    for row in rows:
        try:
            parsed.append(parse_post_row(row, elections))
        except PostFieldError as exc:
            parsed.append({exc.field: [str(exc)]})
    keys = {(p.platform, p.post_id) for p in parsed if isinstance(p, Post)}
    with transaction.atomic():
        existing = _stored_ids(keys)
        new = {}
        for post in parsed:
            if isinstance(post, Post) and (post.platform, post.post_id) not in existing:
                new.setdefault((post.platform, post.post_id), post)
        _link_accounts(list(new.values()))
        Post.objects.bulk_create(new.values(), ignore_conflicts=True)  # a parallel request may have won a row
        stored = _stored_ids(keys)
        result, first = IngestResult(outcomes=[]), set()
        for post in parsed:
            if not isinstance(post, Post):
                result.outcomes.append(("rejected", post))
                continue
            key = (post.platform, post.post_id)
            created = key in new and key not in first
            first.add(key)
            result.outcomes.append(("created" if created else "duplicate", stored[key]))
        result.run = _queue_scoring(actor, sorted(set(stored.values())))
    return result


def _queue_scoring(actor, post_ids: list) -> ScoringRun | None:
    """A scoring run for these posts, sent to the workers after commit; a broker outage loses nothing (the
    chunks stay in the database and a starting worker queues them again), nor does a missing model."""
    try:
        run = scoring_run_create(actor=actor, post_ids=post_ids, enqueue=False) if post_ids else None
    except ScreeningError as exc:
        log.warning("screening: posts stored but not queued for scoring: %s", exc)
        return None
    if run is not None:
        chunk_ids = list(run.chunks.values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue_chunks(chunk_ids), robust=True)
    return run


# --- ASN account registry ----------------------------------------------------------------------------------------

def account_register(*, actor, platform: str, handle: str, nip: str, name: str = "",
                     agency: Agency | None = None) -> Account:
    """Link a handle to a civil servant by NIP; an unknown NIP becomes a new, unverified respondent."""
    _require_reviewer(actor)
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


# --- lexicon ------------------------------------------------------------------------------------------------------

def lexicon_load_reference(path) -> int:
    """Load the shipped lexicon CSV as reference rows (idempotent; a reviewer's deactivation is kept)."""
    elections = {e.slug: e for e in ElectionPeriod.objects.all()}
    count = 0
    with open_text(path) as fh:
        for line, row, error in _read_csv(fh):
            slug = (row or {}).get("election", "").strip()
            if error or not row.get("term", "").strip() or (slug != "any" and slug not in elections):
                continue
            LexiconTerm.objects.update_or_create(
                election=elections.get(slug), term=row["term"].strip(), kind=row["kind"].strip(),
                side=row.get("side", "").strip(),
                defaults={"weight": float(row.get("weight") or 0.5), "note": row.get("note", "")[:300]})
            count += 1
    return count


def lexicon_term_add(*, actor, election: ElectionPeriod | None, term: str, kind: str, side: str = "",
                     weight: float = 0.5, note: str = "") -> LexiconTerm:
    _require_reviewer(actor)
    term = " ".join((term or "").split())
    if not term:
        raise ScreeningError(_("Istilah wajib diisi."))
    if kind not in TermKind.values:
        raise ScreeningError(_("Jenis istilah '%(k)s' tidak dikenal.") % {"k": kind})
    if not 0 <= weight <= 1:
        raise ScreeningError(_("Bobot harus antara 0 dan 1."))
    obj, _created = LexiconTerm.objects.update_or_create(
        election=election, term=term, kind=kind, side=side.strip(),
        defaults={"weight": weight, "note": note[:300], "active": True, "edited_by": actor})
    return obj


def lexicon_term_set_active(*, actor, term: LexiconTerm, active: bool) -> LexiconTerm:
    _require_reviewer(actor)
    term.active, term.edited_by = active, actor
    term.save(update_fields=["active", "edited_by", "updated_at"])
    return term


def lexicon_rows(election: ElectionPeriod | None = None) -> list[tuple]:
    """Active DB terms as engine rows (election, term, kind, side, weight); `election` limits to it and `any`."""
    qs = LexiconTerm.objects.filter(active=True).select_related("election")
    if election is not None:
        qs = qs.filter(election__in=[election]) | qs.filter(election__isnull=True)
    return [(t.election_slug, t.term, t.kind, t.side, t.weight) for t in qs]


# --- model versions and the scorer ---------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_scorers: dict = {}


def _metrics_file(version: str) -> dict:
    from reports.screening.engine.model import MODEL_DIR

    path = MODEL_DIR / version / "metrics.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def model_version_active() -> ModelVersion:
    """The administrator's choice; on a fresh database the engine's shipped ACTIVE model is registered."""
    mv = ModelVersion.objects.filter(active=True).first()
    if mv:
        return mv
    from reports.screening.engine.model import active_version

    try:
        version = active_version()
    except FileNotFoundError:
        raise ScreeningError(_("Belum ada model terlatih: jalankan `manage.py screening_train`."))
    with transaction.atomic():
        mv, _created = ModelVersion.objects.get_or_create(version=version, defaults={"metrics": _metrics_file(version)})
        if not ModelVersion.objects.filter(active=True).exists():
            ModelVersion.objects.filter(pk=mv.pk).update(active=True)
            mv.active = True
    return mv


def model_version_register(*, actor, version: str, metrics: dict) -> ModelVersion:
    mv, _created = ModelVersion.objects.update_or_create(version=version, defaults={"metrics": metrics, "trained_by": actor})
    return mv


def model_version_activate(*, actor, model_version: ModelVersion) -> ModelVersion:
    """Only an administrator chooses which trained model scores posts."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Hanya administrator yang dapat memilih model aktif."))
    with transaction.atomic():
        ModelVersion.objects.filter(active=True).exclude(pk=model_version.pk).update(active=False)
        ModelVersion.objects.filter(pk=model_version.pk).update(active=True)
    model_version.active = True
    return model_version


def _lexicon_revision() -> tuple:
    agg = LexiconTerm.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return agg["n"], agg["at"]


def scorer_for(model_version: ModelVersion):
    """The engine's Scorer for this version with the reviewers' lexicon (cached per process until it changes)."""
    from reports.screening.engine.lexicon import Lexicon
    from reports.screening.engine.model import Scorer

    revision = _lexicon_revision()
    key = (model_version.version, revision)
    with _cache_lock:
        if key not in _scorers:
            base = next((s for (v, _r), s in _scorers.items() if v == model_version.version), None)
            try:
                base = base or Scorer(version=model_version.version)
            except FileNotFoundError:
                raise ScreeningError(_("Berkas model %(v)s tidak ditemukan.") % {"v": model_version.version})
            rows = lexicon_rows()
            _scorers.clear()
            _scorers[key] = base.with_lexicon(Lexicon(rows)) if rows else base
        return _scorers[key]


def thresholds_for(election: ElectionPeriod | None, model_version: ModelVersion) -> tuple[float, float]:
    """(review, priority): the election's settings, else the model's validation thresholds."""
    default = model_version.thresholds
    review = election.screening_review_threshold if election and election.screening_review_threshold is not None \
        else float(default.get("review", 0.5))
    priority = election.screening_priority_threshold if election and election.screening_priority_threshold is not None \
        else float(default.get("priority", 0.9))
    return review, priority


def election_thresholds_set(*, actor, election: ElectionPeriod, review: float, priority: float) -> ElectionPeriod:
    _require_reviewer(actor)
    if not (0 <= review <= 1 and 0 <= priority <= 1):
        raise ScreeningError(_("Ambang harus antara 0 dan 1."))
    if priority < review:
        raise ScreeningError(_("Ambang prioritas tidak boleh lebih rendah dari ambang tinjauan."))
    election.screening_review_threshold, election.screening_priority_threshold = review, priority
    election.save(update_fields=["screening_review_threshold", "screening_priority_threshold"])
    return election


# --- scoring ------------------------------------------------------------------------------------------------------

def posts_score(posts, model_version: ModelVersion) -> int:
    """Score posts not yet scored by this version; ON CONFLICT DO NOTHING makes a repeat a no-op."""
    posts = list(posts)
    done = set(Score.objects.filter(model_version=model_version, post__in=posts).values_list("post_id", flat=True))
    posts = [p for p in posts if p.pk not in done]
    if not posts:
        return 0
    scorer = scorer_for(model_version)
    by_election: dict = {}
    for post in posts:
        by_election.setdefault(post.election.slug if post.election_id else None, []).append(post)
    rows = []
    for slug, group in by_election.items():
        for post, result in zip(group, scorer.score_batch([p.text for p in group], slug)):
            rows.append(Score(post=post, model_version=model_version, score=result["score"], label=result["label"],
                              probabilities=result["probs"], spans=result["spans"], group_key=str(post.pk),
                              matched_terms=sorted({s["term"] for s in result["spans"]})))
    return len(Score.objects.bulk_create(rows, ignore_conflicts=True))


def scoring_run_create(*, actor=None, election: ElectionPeriod | None = None, post_ids=None,
                       chunk_size: int = DEFAULT_CHUNK_SIZE, enqueue: bool = True) -> ScoringRun | None:
    """Split the posts the active model has not scored into chunks and queue one task per chunk."""
    mv = model_version_active()
    qs = Post.objects.exclude(scores__model_version=mv)
    if election is not None:
        qs = qs.filter(election=election)
    if post_ids is not None:
        qs = qs.filter(pk__in=post_ids)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return None
    with transaction.atomic():
        run = ScoringRun.objects.create(model_version=mv, election=election, total_posts=len(ids), created_by=actor)
        ScoringChunk.objects.bulk_create([ScoringChunk(run=run, seq=i, post_ids=ids[s:s + chunk_size])
                                          for i, s in enumerate(range(0, len(ids), chunk_size))])
        if enqueue:
            transaction.on_commit(lambda: _enqueue_chunks(run.chunks.values_list("pk", flat=True)))
    return run


def _enqueue_chunks(chunk_ids, queue: str | None = None) -> None:
    from reports.screening.tasks import score_chunk_task

    for pk in chunk_ids:
        score_chunk_task.apply_async((pk,), queue=queue) if queue else score_chunk_task.delay(pk)


def chunk_process(*, chunk_id: int) -> int:
    """Score one chunk in one transaction under its row lock: a worker killed midway leaves nothing behind,
    and a redelivered chunk that is already done is skipped."""
    with transaction.atomic():
        chunk = ScoringChunk.objects.select_for_update().select_related("run__model_version").filter(pk=chunk_id).first()
        if chunk is None or chunk.done_at is not None:
            return 0
        run = chunk.run
        scored = posts_score(Post.objects.filter(pk__in=chunk.post_ids).select_related("election"), run.model_version)
        chunk.scored, chunk.done_at = scored, timezone.now()
        chunk.save(update_fields=["scored", "done_at"])
        run = ScoringRun.objects.select_for_update().get(pk=run.pk)  # serialises the last chunks of one run
        if run.chunks.filter(done_at__isnull=True).exists():
            if run.status == RunStatus.QUEUED:
                run.status = RunStatus.RUNNING
                run.save(update_fields=["status"])
        else:
            scores_group(run.model_version)
            run.status, run.finished_at = RunStatus.DONE, timezone.now()
            run.save(update_fields=["status", "finished_at"])
    return scored


def scoring_resume(queue: str | None = None) -> int:
    """Queue again every unfinished chunk (after a worker restart; a chunk done meanwhile is skipped)."""
    ids = list(ScoringChunk.objects.filter(done_at__isnull=True, run__status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
               .values_list("pk", flat=True))
    _enqueue_chunks(ids, queue)
    return len(ids)


def run_progress(run: ScoringRun) -> dict:
    chunks = run.chunks.aggregate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    percent = int(100 * chunks["done"] / chunks["total"]) if chunks["total"] else 100
    return {"state": run.status, "percent": percent, "chunks_done": chunks["done"], "chunks": chunks["total"],
            "posts": run.total_posts}


def undecided(qs):
    """Scores whose post, and whose near-duplicate group, no reviewer has decided yet."""
    return qs.exclude(post__verdicts__isnull=False).exclude(
        group_key__in=Verdict.objects.exclude(group_key="").values("group_key"))


def scores_group(model_version: ModelVersion) -> int:
    """Group undecided hits into near-duplicate groups; group_key = the oldest post of the group."""
    from reports.screening.engine.near_dup import group_near_duplicates

    floor = min([model_version.thresholds.get("review", 0.5), *ElectionPeriod.objects.filter(
        screening_review_threshold__isnull=False).values_list("screening_review_threshold", flat=True)])
    hits = list(undecided(Score.objects.filter(model_version=model_version, score__gte=floor))
                .select_related("post").order_by("post_id"))
    groups = group_near_duplicates([(s.post_id, s.post.text) for s in hits], threshold=GROUP_THRESHOLD)
    changed = [s for s in hits if s.group_key != str(groups[s.post_id])]
    for score in changed:
        score.group_key = str(groups[score.post_id])
    Score.objects.bulk_update(changed, ["group_key"], batch_size=1000)
    return len(changed)


# --- review -------------------------------------------------------------------------------------------------------

def _lock_undecided(score_id: int) -> tuple[Score, list]:
    score = Score.objects.select_related("post__account__respondent__agency__region", "post__account__respondent__region",
                                         "post__election", "model_version").get(pk=score_id)
    _xact_lock(f"screening-group:{score.model_version_id}:{score.group_key or score.post_id}")
    members = list(Score.objects.filter(model_version=score.model_version, group_key=score.group_key)
                   .select_related("post__account__respondent").order_by("post_id")) if score.group_key else [score]
    if Verdict.objects.filter(post__in=[m.post_id for m in members]).exists() or (
            score.group_key and Verdict.objects.filter(group_key=score.group_key,
                                                       model_version=score.model_version).exists()):
        raise AlreadyDecided(_("Unggahan ini (atau salinannya) sudah diputus oleh peninjau lain."))
    return score, members


def verdict_dismiss(*, actor, score_id: int, label: str = VerdictLabel.POLITICAL, note: str = "") -> Verdict:
    """Not a violation: the verdict is kept and becomes training data for the next model."""
    _require_reviewer(actor)
    if label not in (VerdictLabel.POLITICAL, VerdictLabel.OTHER):
        raise ScreeningError(_("Label penolakan harus 'politik, tidak berpihak' atau 'bukan politik'."))
    with transaction.atomic():
        score, members = _lock_undecided(score_id)
        return Verdict.objects.create(post=score.post, group_key=score.group_key, model_version=score.model_version,
                                      reviewer=actor, decision=Decision.DISMISS, label=label, note=note,
                                      posts_covered=len(members))


def _region_of(respondent) -> Region:
    if respondent is not None and respondent.region_id:
        return respondent.region
    if respondent is not None and respondent.agency_id and respondent.agency.region_id:
        return respondent.agency.region
    return Region.objects.get(code="00")


def provenance(score: Score, members: list) -> dict:
    post = score.post
    return {"post": post.snapshot(), "sha256": post.sha256, "model_version": score.model_version.version,
            "score": round(score.score, 4), "matched_terms": score.matched_terms,
            "account_verified": bool(post.account_id and post.account.is_verified),
            "group": [{"post_id": m.post.post_id, "platform": m.post.platform, "account": m.post.account_handle,
                       "url": m.post.url, "sha256": m.post.sha256} for m in members]}


def _finding_description(score: Score, members: list, violation: ViolationType, note: str) -> str:
    post = score.post
    lines = [
        _("Temuan penapisan media sosial: %(v)s.") % {"v": violation.name_id}, "",
        _("Unggahan akun @%(h)s (%(p)s), diunggah %(at)s:") % {
            "h": post.account_handle, "p": post.platform,
            "at": timezone.localtime(post.posted_at).strftime("%d-%m-%Y %H:%M") if post.posted_at else "-"},
        "«" + post.text + "»", "",
        _("Tautan: %(u)s") % {"u": post.url or "-"},
        _("SHA-256 cuplikan: %(h)s") % {"h": post.sha256},
        _("Versi model: %(v)s; skor: %(s).2f") % {"v": score.model_version.version, "s": score.score},
        _("Istilah yang cocok: %(t)s") % {"t": ", ".join(score.matched_terms) or "-"},
    ]
    if not (post.account_id and post.account.is_verified):
        lines.append(_("Akun belum terverifikasi sebagai akun ASN."))
    if len(members) > 1:
        lines += ["", _("Salinan serupa (%(n)d unggahan):") % {"n": len(members) - 1}]
        lines += [f"- @{m.post.account_handle} {m.post.url} SHA-256 {m.post.sha256}" for m in members if m.pk != score.pk]
    if note:
        lines += ["", _("Catatan peninjau: %(n)s") % {"n": note}]
    return "\n".join(lines)


def verdict_confirm(*, actor, score_id: int, violation_type: ViolationType, election: ElectionPeriod | None = None,
                    note: str = "") -> Verdict:
    """A violation: a finding (temuan) enters the Bawaslu intake queue with the post snapshot as provenance."""
    _require_reviewer(actor)
    if not violation_type.social_media:
        raise ScreeningError(_("Pilih jenis pelanggaran media sosial (SOSMED_*)."))
    with transaction.atomic():
        score, members = _lock_undecided(score_id)
        post = score.post
        election = election or post.election
        if election is None:
            raise ScreeningError(_("Pilih pemilihan untuk temuan ini: unggahan belum terkait pemilihan."))
        respondent = post.account.respondent if post.account_id and post.account.is_verified else None
        fields = {
            "election": election, "region": _region_of(respondent),
            "respondent_name": (respondent.name if respondent else
                                _("Pemilik akun @%(h)s (%(p)s), belum terverifikasi") % {"h": post.account_handle,
                                                                                          "p": post.platform})[:200],
            "respondent_nip": respondent.nip or "" if respondent else "",
            "respondent_position": respondent.position if respondent else "",
            "respondent_agency": respondent.agency if respondent else None,
            "occurred_on": timezone.localtime(post.posted_at).date() if post.posted_at else None,
            "known_on": timezone.localdate(), "place": _("Media sosial (%(p)s)") % {"p": post.platform},
            "description": _finding_description(score, members, violation_type, note),
            "links": "\n".join(list(dict.fromkeys(m.post.url for m in members if m.post.url))[:MAX_LINKS]),
        }
        finding = intake.report_submit(fields=fields, anonymity=Anonymity.NAMED, pin=None, actor=actor,
                                       channel=Channel.SCREENING, kind=ReportKind.TEMUAN,
                                       idempotency_key=f"screening-post-{post.pk}")
        payload = provenance(score, members) | {"violation_type": violation_type.code}
        intake.event_record(report=finding, code="screening.post.confirmed", actor=actor, payload=payload)
        return Verdict.objects.create(post=post, group_key=score.group_key, model_version=score.model_version,
                                      reviewer=actor, decision=Decision.CONFIRM, label=VerdictLabel.PARTISAN,
                                      violation_type=violation_type, note=note, finding=finding,
                                      posts_covered=len(members))


# --- training -----------------------------------------------------------------------------------------------------

def training_examples() -> list[tuple[str, str]]:
    """Reviewers' verdicts as (text, label): each distinct text of the decided post and its near-duplicates."""
    out, seen = [], set()
    for verdict in Verdict.objects.select_related("post").order_by("pk"):
        texts = [verdict.post.text]
        if verdict.group_key:
            texts += list(Post.objects.filter(scores__group_key=verdict.group_key,
                                              scores__model_version=verdict.model_version).values_list("text", flat=True))
        for text in texts:
            if text not in seen:
                seen.add(text)
                out.append((text, verdict.label))
    return out


def model_train(*, actor=None, data_dir=None, out_dir=None, activate: bool = False, train=None) -> ModelVersion:
    """Train on the shipped data plus the verdicts and register the version; an administrator activates it."""
    from reports.screening.engine import train as engine

    train = train or engine.train
    version, metrics = train(data_dir, out_dir or engine.MODEL_DIR, extra_labelled=training_examples(), activate=False)
    mv = model_version_register(actor=actor, version=version, metrics=metrics)
    if activate:
        model_version_activate(actor=None, model_version=mv)
    return mv
