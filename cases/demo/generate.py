"""Bulk demo cases with PostgreSQL COPY: thousands for the demo, a million for benchmarks.

Shares follow domain.md §9 (social media ~27%, about half of recommendations
followed up, a heavy overdue backlog). Every case gets consistent timestamps,
events, a clock, and, past the recommendation, a recommendation row.
"""
import datetime as dt
import random

from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    Agency, AgencyKind, Respondent, CaseStatus, ClockState, DeadlineRule, ElectionPeriod, ElectionStage, Region, SanctionType,
    SupervisoryBody, TrackStatus, User, ViolationType,
)

FIRST = ("Agus Budi Dedi Eko Fajar Hadi Indra Joko Kurniawan Lukman Made Nyoman Putu Rahmat Slamet Teguh Wahyu Yusuf "
         "Ahmad Muhammad Rizky Andi Bayu Dwi Sri Siti Dewi Ratna Nur Yuni Wulan Ayu Rina Fitri Lestari Endang Ani "
         "Retno Kartika Intan Maya Nurul Hendra Iwan Yudi Arif Samsul Heru Bambang Suharto Darmawan Ketut").split()
LAST = ("Santoso Wijaya Saputra Hidayat Kusuma Pratama Susanto Setiawan Gunawan Nugroho Siregar Nasution Harahap "
        "Lubis Simanjuntak Sitompul Wibowo Rahman Hakim Syahputra Kurniasih Handayani Rahayu Wahyuni Purnomo "
        "Suryadi Sulistyo Hutapea Panjaitan Tambunan Manurung Pohan Daulay Tanjung Situmorang Damanik").split()
POSITIONS = [("Kepala Dinas", "jpt"), ("Sekretaris Daerah", "jpt"), ("Camat", "kepala_wilayah"), ("Lurah", "kepala_wilayah"),
             ("Kepala Bidang", "administrator"), ("Kepala Seksi", "pengawas"), ("Guru Ahli Muda", "fungsional"),
             ("Analis Kebijakan Ahli Pertama", "fungsional"), ("Pengadministrasi Umum", "pelaksana"),
             ("Bidan Terampil", "fungsional"), ("Kepala Desa (PNS)", "kepala_wilayah"), ("Penyuluh Pertanian", "fungsional")]
ACTS = [("SOSMED_POST", True, "mengunggah dukungan kepada pasangan calon di media sosial"),
        ("SOSMED_SHARE", True, "membagikan materi kampanye pasangan calon"),
        ("SOSMED_LIKE", True, "menyukai unggahan akun pemenangan"),
        ("SOSMED_PHOTO", True, "berfoto dengan calon sambil menunjukkan simbol jari nomor urut"),
        ("SOSMED_CAMPAIGN", True, "berkampanye melalui grup WhatsApp warga"),
        ("PARTISAN_ACTIVITY", False, "mengajak warga memilih pasangan calon dalam pertemuan"),
        ("DECLARATION_ATTEND", False, "menghadiri deklarasi pasangan calon"),
        ("CAMPAIGN_ATTRIBUTES", False, "mengikuti kampanye dengan atribut partai"),
        ("CAMPAIGN_STATE_FACILITY", False, "menggunakan kendaraan dinas untuk kampanye"),
        ("DECISION_FAVOUR", False, "membuat kebijakan yang menguntungkan pasangan calon"),
        ("PARTY_MEMBER", False, "menjadi pengurus partai politik"),
        ("BANNER_INSTALL", False, "memasang baliho bakal calon")]
# status -> weight; shares tuned so about half of recommendations are followed up
STATUS_WEIGHTS = {
    CaseStatus.RECEIVED: 4, CaseStatus.REGISTERED: 6, CaseStatus.UNDER_EXAMINATION: 8, CaseStatus.FORWARDED: 6,
    CaseStatus.DISMISSED: 8, CaseStatus.UNDER_REVIEW: 8, CaseStatus.INFO_REQUESTED: 2,
    CaseStatus.CLOSED_NOT_PROVEN: 6, CaseStatus.AWAITING_FOLLOW_UP: 14, CaseStatus.OVERDUE: 12,
    CaseStatus.FOLLOWED_UP: 4, CaseStatus.CLOSED_SANCTIONED: 20, CaseStatus.CLOSED_OTHER: 2,
}
ELECTION_WEIGHTS = {"pilkada-2024": 40, "pemilu-2024": 30, "pilkada-2020": 20, "pemilu-2019": 10}
BULK_INDEX_THRESHOLD = 100_000
BULK_TABLES = ("cases_case", "cases_caseevent", "cases_clock", "cases_caserespondent", "cases_respondent")
STAGES = ["received", "registered", "forwarded", "recommended", "followed_up", "closed"]
REACHED = {  # which milestones each status has passed
    CaseStatus.RECEIVED: 1, CaseStatus.REGISTERED: 2, CaseStatus.UNDER_EXAMINATION: 2, CaseStatus.DISMISSED: 2,
    CaseStatus.FORWARDED: 3, CaseStatus.UNDER_REVIEW: 3, CaseStatus.INFO_REQUESTED: 3, CaseStatus.CLOSED_NOT_PROVEN: 3,
    CaseStatus.AWAITING_FOLLOW_UP: 4, CaseStatus.OVERDUE: 4, CaseStatus.FOLLOWED_UP: 5, CaseStatus.CLOSED_SANCTIONED: 5,
    CaseStatus.CLOSED_OTHER: 2,
}
EVENT_CODES = ["case.received", "case.registered", "case.forwarded", "case.recommendation.issued", "case.sanction.recorded"]
OPEN_CLOCK = {
    CaseStatus.RECEIVED: "INITIAL_REVIEW", CaseStatus.REGISTERED: "BAWASLU_DECISION",
    CaseStatus.UNDER_EXAMINATION: "BAWASLU_DECISION", CaseStatus.FORWARDED: "SUPERVISOR_EXAM",
    CaseStatus.UNDER_REVIEW: "SUPERVISOR_EXAM", CaseStatus.INFO_REQUESTED: "SUPERVISOR_EXAM",
    CaseStatus.AWAITING_FOLLOW_UP: "PPK_FOLLOW_UP", CaseStatus.OVERDUE: "PPK_FOLLOW_UP",
}


def make_nip(rng, birth_year_min=1962):
    birth = dt.date(birth_year_min, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
    year = min(birth.year + rng.randint(20, 32), 2023)
    return f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{rng.choice('12')}{rng.randint(1, 999):03d}"


class Generator:
    def __init__(self, seed=2024):
        self.rng = random.Random(seed)
        self.regencies = list(Region.objects.filter(level="regency").values_list("id", "code", "name"))
        self.central_java = [x for x in self.regencies if x[1].startswith("33.")]
        self.elections = {e.slug: e for e in ElectionPeriod.objects.filter(slug__in=ELECTION_WEIGHTS)}
        regional = Agency.objects.filter(kind=AgencyKind.REGIONAL).values_list("id", "region__code", "name")
        self.regional_by_code = {code: (pk, name) for pk, code, name in regional}
        self.central = list(Agency.objects.filter(kind=AgencyKind.CENTRAL).values_list("id", "name"))
        self.bawaslu_by_code = dict(Agency.objects.filter(kind=AgencyKind.BAWASLU_OFFICE).values_list("region__code", "id"))
        self.violations = dict(ViolationType.objects.values_list("code", "id"))
        self.sanctions = list(SanctionType.objects.filter(valid_to__isnull=True).values_list("id", "category"))
        # A demo PNS's decision per recommended item: a sanction type of that kind and level, in force today.
        self.sanctions_by_item = {}
        for pk, category, level in (SanctionType.objects.filter(valid_to__isnull=True, employee_type__in=["pns", "any"])
                                    .order_by("code").values_list("id", "category", "level")):
            self.sanctions_by_item.setdefault((category, level), []).append(pk)
        self.body = SupervisoryBody.objects.order_by("-valid_from").first()
        self.analyst = User.objects.filter(groups__name="supervisor_analyst").first() or User.objects.first()
        self.approver = User.objects.filter(groups__name="supervisor_approver").first() or self.analyst
        self.ppk = User.objects.filter(groups__name="ppk_liaison").first() or self.analyst
        self.today = timezone.localdate()
        self.rules = {}
        for code in set(OPEN_CLOCK.values()) | {"PPK_FOLLOW_UP"}:
            for etype in ("pemilu", "pilkada"):
                rule = DeadlineRule.for_clock(code, etype, self.today)
                self.rules[(code, etype)] = rule.id if rule else None
        statuses, weights = zip(*STATUS_WEIGHTS.items())
        self.statuses, self.status_weights = statuses, weights
        self.election_slugs, self.election_weights = zip(*ELECTION_WEIGHTS.items())
        self.stages, self._stage_ids = {}, {}  # election id -> its stages in date order; -> {slug: id}
        for stage in ElectionStage.objects.filter(election__in=self.elections.values()).order_by("starts_on", "id"):
            self.stages.setdefault(stage.election_id, []).append(stage)

    # Outside every stage's dates (open demo cases are dated around today), the stage a case is given: the campaign
    # most often, as in the reports of past elections. Taken from the case id, not the random sequence, so the
    # rest of the demo stays as it was for a seed.
    STAGE_SHARES = (("campaign", 60), ("pre_candidacy", 85), ("quiet_period", 95), ("voting", 100))

    def stage(self, election, occurred_on, case_id):
        stages = self.stages.get(election.id, [])
        for stage in stages:
            if stage.starts_on and stage.ends_on and stage.starts_on <= occurred_on <= stage.ends_on:
                return stage.id
        by_slug = self._stage_ids.get(election.id)
        if by_slug is None:
            by_slug = self._stage_ids[election.id] = {stage.slug: stage.id for stage in stages}
        pick = (case_id * 7919) % 100
        return next((by_slug.get(slug) for slug, upto in self.STAGE_SHARES if pick < upto), None)

    def region(self):
        # A third of the demo sits in Jawa Tengah (and a share in Cilacap) so demo users see work.
        r = self.rng.random()
        if r < 0.08:
            return next(x for x in self.regencies if x[1] == "33.01")
        if r < 0.3:
            return self.rng.choice(self.central_java)
        return self.rng.choice(self.regencies)

    @staticmethod
    def _next_id(cursor, table):
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return cursor.fetchone()[0] + 1

    def generate(self, n, stdout=None):
        rng = self.rng
        with transaction.atomic(), connection.cursor() as dj:
            dj.execute("LOCK TABLE cases_case, cases_respondent IN EXCLUSIVE MODE")
            ids = {t: self._next_id(dj, t) for t in ("cases_case", "cases_respondent", "cases_caserespondent",
                                                        "cases_caseevent", "cases_clock", "cases_recommendation",
                                                        "cases_sanctionrecord", "cases_recommendation_violation_types",
                                                        "cases_datablock")}
            raw = dj.cursor
            counters = dict(ids)
            # A large load is far faster into bare tables: drop secondary indexes, rebuild them once at the end.
            rebuild = self._drop_secondary_indexes(dj) if n >= BULK_INDEX_THRESHOLD else []

            def nid(table):
                counters[table] += 1
                return counters[table] - 1
            now = timezone.now()
            buffers = {k: [] for k in ids}
            resp_pool = []
            used_nips = set(Respondent.objects.exclude(nip=None).values_list("nip", flat=True))
            for i in range(n):
                case_id = ids["cases_case"] + i
                slug = rng.choices(self.election_slugs, self.election_weights)[0]
                election = self.elections[slug]
                status = rng.choices(self.statuses, self.status_weights)[0]
                reg_id, reg_code, reg_name = self.region()
                act, social, act_text = ACTS[rng.randrange(len(ACTS))] if rng.random() > 0.27 else ACTS[rng.randrange(5)]
                reached = REACHED[status]
                open_clock = OPEN_CLOCK.get(status)
                # Open cases are spread around today so queues show due/overdue work; closed ones follow the election.
                if open_clock:
                    start = self.today - dt.timedelta(days=rng.randint(5, 60) + 20 * reached)
                else:
                    start = (election.voting_date or self.today) - dt.timedelta(days=rng.randint(0, 120))
                stamps = [start]
                for _ in range(reached - 1):
                    stamps.append(stamps[-1] + dt.timedelta(days=rng.randint(3, 25)))
                stamp_dt = [dt.datetime.combine(d, dt.time(9 + rng.randint(0, 7), rng.randint(0, 59)),
                                                tzinfo=dt.timezone(dt.timedelta(hours=7))) for d in stamps]
                # respondent (5% repeat offenders)
                if resp_pool and rng.random() < 0.05:
                    resp_id, resp_name, resp_nip, agency_id, agency_name, position = rng.choice(resp_pool)
                else:
                    resp_id = nid("cases_respondent")
                    resp_name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                    resp_nip = make_nip(rng)
                    while resp_nip in used_nips:
                        resp_nip = make_nip(rng)
                    used_nips.add(resp_nip)
                    position, pclass = POSITIONS[rng.randrange(len(POSITIONS))]
                    if rng.random() < 0.22 and self.central:
                        agency_id, agency_name = rng.choice(self.central)
                    else:
                        agency_id, agency_name = self.regional_by_code.get(reg_code) or self.regional_by_code[reg_code[:2]]
                    buffers["cases_respondent"].append((resp_id, resp_nip, "", resp_name, "pns", position, pclass,
                                                        agency_id, reg_id, rng.random() < 0.8, False, False, now))
                    resp_pool.append((resp_id, resp_name, resp_nip, agency_id, agency_name, position))
                closed = status in CaseStatus.closed()
                track_status = {CaseStatus.CLOSED_SANCTIONED: TrackStatus.SANCTIONED, CaseStatus.FOLLOWED_UP: TrackStatus.SANCTIONED,
                                CaseStatus.CLOSED_NOT_PROVEN: TrackStatus.NOT_PROVEN, CaseStatus.DISMISSED: TrackStatus.CLOSED_OTHER,
                                CaseStatus.CLOSED_OTHER: TrackStatus.CLOSED_OTHER}.get(status, TrackStatus.RECOMMENDED if reached >= 4 else TrackStatus.OPEN)
                track_id = ids["cases_caserespondent"] + i
                blocked = status == CaseStatus.OVERDUE and rng.random() < 0.15
                # The PPK clock runs from receipt: the liaison's acknowledgement, else receipt presumed a week on.
                acknowledged = stamp_dt[3] + dt.timedelta(days=2) if reached >= 4 and rng.random() < 0.7 else None
                received_on, basis = None, ""
                if reached >= 4 and status != CaseStatus.CLOSED_OTHER:
                    received_on, basis = ((acknowledged.date(), "acknowledged") if acknowledged
                                          else (stamps[3] + dt.timedelta(days=7), "presumed"))
                    if reached >= 5 and received_on > stamps[4]:  # the PPK decided: it had the letter by then
                        received_on = stamps[4]
                buffers["cases_caserespondent"].append((
                    track_id, case_id, resp_id, agency_id, position, track_status, acknowledged, received_on, basis))
                if blocked:  # requested when the PPK lapsed, recorded by BKN three days on: in force
                    buffers["cases_datablock"].append((nid("cases_datablock"), track_id, stamp_dt[-1],
                                                       "PPK tidak menindaklanjuti rekomendasi",
                                                       stamp_dt[-1] + dt.timedelta(days=3), "", "", ""))
                due = None
                if open_clock:
                    etype = election.election_type
                    due = self.today + dt.timedelta(days=rng.randint(-3, 21))
                    state = ClockState.RUNNING
                    if status == CaseStatus.OVERDUE:
                        due, state = self.today - dt.timedelta(days=rng.randint(1, 90)), ClockState.MISSED
                    elif status == CaseStatus.INFO_REQUESTED:
                        state = ClockState.PAUSED
                    if open_clock == "PPK_FOLLOW_UP" and received_on:  # a PPK's deadline falls after its receipt
                        due = max(due, received_on + dt.timedelta(days=1)) if state == ClockState.MISSED else max(
                            due, received_on + dt.timedelta(days=14))
                        if state == ClockState.MISSED:
                            due = min(due, self.today - dt.timedelta(days=1))
                    clock_start = received_on if open_clock == "PPK_FOLLOW_UP" and received_on else stamps[-1]
                    buffers["cases_clock"].append((nid("cases_clock"), case_id,
                                                   track_id if open_clock == "PPK_FOLLOW_UP" else None,
                                                   self.rules[(open_clock, etype)], open_clock, clock_start, due, state,
                                                   stamps[-1] if state == ClockState.PAUSED else None, 0, None,
                                                   False, state == ClockState.MISSED))
                    if state == ClockState.MISSED:
                        due = None
                elif reached >= 5:
                    met = rng.random() < 0.6
                    ppk_start = received_on or stamps[3]
                    ppk_due = ppk_start + dt.timedelta(days=20)
                    buffers["cases_clock"].append((nid("cases_clock"), case_id, track_id,
                                                   self.rules[("PPK_FOLLOW_UP", election.election_type)], "PPK_FOLLOW_UP",
                                                   ppk_start, ppk_due, ClockState.MET if met else ClockState.MISSED,
                                                   None, 0, stamps[4] if met else ppk_due, False, not met))
                items = []
                if reached >= 4 and status != CaseStatus.CLOSED_OTHER:
                    rec_id = nid("cases_recommendation")
                    category = rng.choice(["moral", "disciplinary", "disciplinary", "both"])
                    moral_level = "open" if category != "disciplinary" else ""
                    discipline_level = "" if category == "moral" else rng.choice(["moderate", "heavy", "heavy"])
                    items = [(kind, level) for kind, level in (("moral", moral_level), ("disciplinary", discipline_level))
                             if level]
                    buffers["cases_recommendation"].append((rec_id, track_id, True, category, moral_level,
                                                            discipline_level,
                                                            "", self.analyst.id, stamp_dt[3] - dt.timedelta(days=1),
                                                            self.approver.id, stamp_dt[3], self.body.id if self.body else None))
                    if act in self.violations:
                        buffers["cases_recommendation_violation_types"].append(
                            (nid("cases_recommendation_violation_types"),
                             rec_id, self.violations[act]))
                if reached >= 5:
                    decree = f"800/{rng.randint(100, 9999)}/{stamps[4].year}"
                    for kind, level in items:  # one conforming decision per recommended item
                        choices = self.sanctions_by_item.get((kind, level))
                        if not choices:
                            continue
                        buffers["cases_sanctionrecord"].append((nid("cases_sanctionrecord"), track_id, rng.choice(choices),
                                                                decree, stamps[4], "Bupati", "Pejabat Pembina Kepegawaian",
                                                                "", "", self.ppk.id, stamp_dt[4], kind, level))
                prev = ""
                path = [CaseStatus.RECEIVED, CaseStatus.REGISTERED, CaseStatus.FORWARDED, CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.FOLLOWED_UP]
                for k in range(reached):
                    to = path[k] if k < reached - 1 else (status if not (status == CaseStatus.CLOSED_SANCTIONED and k == 4) else CaseStatus.FOLLOWED_UP)
                    buffers["cases_caseevent"].append((nid("cases_caseevent"), case_id,
                                                       stamp_dt[k], None, None, EVENT_CODES[k], "", prev, to, "", "{}"))
                    prev = to
                closed_at = None
                if closed:
                    closed_at = stamp_dt[-1] + dt.timedelta(days=rng.randint(1, 10))
                    buffers["cases_caseevent"].append((nid("cases_caseevent"), case_id,
                                                       closed_at, None, None, "case.closed", "close", prev, status, "", "{}"))
                year = stamps[0].year
                number = f"NTR-{year}-{case_id:06d}"  # as case_open numbers a new case
                title = f"{position} {act_text}"
                occurred_on = stamps[0] - dt.timedelta(days=rng.randint(1, 5))
                buffers["cases_case"].append((
                    case_id, number, election.id, self.stage(election, occurred_on, case_id), reg_id, reg_code,
                    self.bawaslu_by_code.get(reg_code), status,
                    title, f"Terlapor {resp_name}, {position} pada {agency_name}, diduga {act_text}.",
                    occurred_on, reg_name, False, social,
                    stamp_dt[0], stamp_dt[1] if reached >= 2 else None, stamp_dt[2] if reached >= 3 else None,
                    stamp_dt[3] if reached >= 4 else None, stamp_dt[4] if reached >= 5 else None, closed_at,
                    "" if not closed else status, due, False, "", None, None,
                    f"{number} {resp_name} {resp_nip} {agency_name} {title}".lower(), now, now))
                if len(buffers["cases_caseevent"]) > 50000:
                    self._flush(raw, buffers)
                    if stdout:
                        stdout.write(f"  {i + 1:,} / {n:,}")
            self._flush(raw, buffers)
            if rebuild:
                dj.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred FK checks now: CREATE INDEX needs none pending
            for definition in rebuild:
                if stdout:
                    stdout.write("  " + definition.split(" ON ")[0].replace("CREATE INDEX", "membangun indeks"))
                dj.execute(definition)
            for table in ids:
                dj.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))")
        with connection.cursor() as dj:
            dj.execute("ANALYZE cases_case; ANALYZE cases_caserespondent; ANALYZE cases_clock;")

    @staticmethod
    def _drop_secondary_indexes(cursor) -> list[str]:
        """Drop non-unique indexes of the bulk-loaded tables; return their definitions to recreate."""
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary",
            [list(BULK_TABLES)])
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in found]

    COLUMNS = {
        "cases_respondent": "id, nip, legacy_nip, name, employee_type, position, position_class, agency_id, region_id, verified, is_ppk, in_ppk_office, created_at",
        "cases_case": "id, number, election_id, stage_id, region_id, region_code, bawaslu_office_id, status, title, description, occurred_on, place, is_finding, social_media, received_at, registered_at, forwarded_at, recommended_at, followed_up_at, closed_at, close_reason, next_due, conflict_of_interest, conflict_reason, bawaslu_owner_id, supervisor_owner_id, search_document, created_at, updated_at",
        "cases_caserespondent": "id, case_id, respondent_id, agency_id, position_at_time, status, acknowledged_at, received_on, receipt_basis",
        "cases_datablock": "id, track_id, requested_at, request_reason, recorded_at, record_reference, lift_reason, withdraw_reason",
        "cases_clock": "id, case_id, track_id, rule_id, code, started_on, due_on, state, paused_on, paused_days, finished_on, due_soon_notified, overdue_notified",
        "cases_caseevent": "id, case_id, at, actor_id, actor_agency_id, code, action, from_status, to_status, reason, payload",
        "cases_recommendation": "id, track_id, proven, category, moral_level, discipline_level, reasoning, drafted_by_id, drafted_at, approved_by_id, approved_at, supervisory_body_id",
        "cases_recommendation_violation_types": "id, recommendation_id, violationtype_id",
        "cases_sanctionrecord": "id, track_id, sanction_type_id, decree_number, decree_date, signer_name, signer_position, document, document_sha256, recorded_by_id, recorded_at, item_kind, item_level",
    }
    ORDER = ["cases_respondent", "cases_case", "cases_caserespondent", "cases_datablock", "cases_clock", "cases_caseevent",
             "cases_recommendation", "cases_recommendation_violation_types", "cases_sanctionrecord"]

    def _flush(self, raw, buffers):
        for table in self.ORDER:
            rows = buffers[table]
            if not rows:
                continue
            with raw.copy(f"COPY {table} ({self.COLUMNS[table]}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            rows.clear()
