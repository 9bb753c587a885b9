"""Screening over the API (/api/v1/screening/posts/): send posts in batches, read one post's score.

Validation is the CSV/JSONL import's (services.rows.parse_post_row), writes are services.ingest.posts_ingest; this
module only
translates HTTP: body shape, permission, per-item errors as "<index>.<field>", and the response.
"""
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, \
    extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.errors import GENERIC_MESSAGES, ErrorSerializer, Unprocessable, error_response, errors
from cases.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER
from cases.api.idempotency import idempotent
from cases.api.parsers import JSONParser
from cases.api.views import parse_pk
from reports.screening.services.ingest import posts_ingest
from reports.screening.models import Post, Score

MAX_BATCH = 1000
# The fields the API speaks; anything else in an item is ignored (the import's aliases are not offered here).
FIELDS = ("platform", "post_id", "account_handle", "url", "text", "posted_at", "followers", "likes", "shares",
          "media_ref", "election")


# --- serializers (documentation and output; input validation is services.rows.parse_post_row) ----------------

class PostInSerializer(serializers.Serializer):
    """One post as sent; the rules are the CSV/JSONL import's, applied by services.rows.parse_post_row."""

    platform = serializers.CharField(max_length=20, help_text="mis. x, facebook, instagram, tiktok (huruf kecil)")
    post_id = serializers.CharField(max_length=100, help_text="ID unggahan di platform; unik per platform")
    account_handle = serializers.CharField(max_length=100, help_text="akun pengunggah, dengan atau tanpa @")
    url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    text = serializers.CharField(help_text="teks unggahan apa adanya")
    posted_at = serializers.DateTimeField(required=False, allow_null=True,
                                          help_text="ISO 8601; tanpa zona waktu dibaca sebagai WIB")
    followers = serializers.IntegerField(min_value=0, required=False, default=0)
    likes = serializers.IntegerField(min_value=0, required=False, default=0)
    shares = serializers.IntegerField(min_value=0, required=False, default=0)
    media_ref = serializers.CharField(max_length=500, required=False, allow_blank=True)
    election = serializers.CharField(required=False, allow_blank=True, help_text="slug pemilihan (GET /elections/)")


class IngestItemSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="posisi dalam daftar yang dikirim (mulai 0)")
    status = serializers.ChoiceField(choices=["created", "duplicate", "rejected"],
                                     help_text="duplicate: (platform, post_id) sudah ada dan tidak diubah")
    id = serializers.IntegerField(allow_null=True, help_text="id unggahan tersimpan (GET /screening/posts/{id}/)")


class IngestResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    scoring_run = serializers.IntegerField(allow_null=True, help_text="id proses penilaian yang diantrekan, "
                                                                      "atau null bila tidak ada yang perlu dinilai")
    items = IngestItemSerializer(many=True)
    errors = ErrorSerializer(allow_null=True, help_text="kesalahan per unggahan, kunci \u201c<index>.<isian>\u201d")


class ScoreSerializer(serializers.ModelSerializer):
    model_version = serializers.SlugRelatedField(slug_field="version", read_only=True)

    class Meta:
        model = Score
        fields = ["score", "label", "probabilities", "spans", "matched_terms", "model_version", "group_key",
                  "scored_at"]


class PostSerializer(serializers.ModelSerializer):
    election = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    account_verified = serializers.SerializerMethodField()
    scored = serializers.SerializerMethodField(help_text="false: menunggu penilaian model aktif")
    score = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "platform", "post_id", "account_handle", "account_verified", "url", "text", "posted_at",
                  "followers", "likes", "shares", "media_ref", "election", "imported_at", "sha256", "scored", "score"]

    def get_account_verified(self, post) -> bool:
        return bool(post.account_id and post.account.is_verified)

    def get_scored(self, post) -> bool:
        return self.context["score"] is not None

    def get_score(self, post) -> ScoreSerializer(allow_null=True):
        score = self.context["score"]
        return ScoreSerializer(score).data if score is not None else None


# --- views ---------------------------------------------------------------------------------------------------------

def _items(data) -> tuple[list, bool]:
    """(items, batch?) from the body: one object or a list of 1..MAX_BATCH objects."""
    if isinstance(data, dict):
        return [data], False
    if not isinstance(data, list) or not data:
        raise Unprocessable({"non_field_errors": [_(
            "Kirim satu objek unggahan atau daftar berisi 1\u2013%(n)d objek unggahan.") % {"n": MAX_BATCH}]})
    if len(data) > MAX_BATCH:
        raise Unprocessable({"non_field_errors": [_(
            "Paling banyak %(n)d unggahan per permintaan; terkirim %(got)d. Bagi menjadi beberapa permintaan.")
            % {"n": MAX_BATCH, "got": len(data)}]})
    return data, True


def _rows(items) -> list:
    """Each item as an import row, or the per-item error for what is not a JSON object."""
    return [{name: item.get(name) for name in FIELDS} if isinstance(item, dict) else None for item in items]


def _error_fields(outcomes, batch: bool) -> dict:
    fields = {}
    for index, (state, detail) in enumerate(outcomes):
        if state == "rejected":
            for name, messages in detail.items():
                fields[f"{index}.{name}" if batch else name] = messages
    return fields


EXAMPLE_BATCH = [
    {"platform": "x", "post_id": "1790011", "account_handle": "@budi_asn", "url": "https://x.com/budi_asn/status/1790011",
     "text": "Ayo coblos nomor 2, menang satu putaran!", "posted_at": "2024-01-20T08:15:00+07:00", "followers": 5000,
     "likes": 12, "shares": 3, "media_ref": "", "election": "pemilu-2024"},
    {"platform": "x", "post_id": "1790012", "account_handle": "siti_guru", "text": "Rapat dinas pendidikan pagi ini",
     "posted_at": "kemarin"},
]
EXAMPLE_RESULT = {
    "received": 2, "created": 1, "duplicates": 0, "rejected": 1, "scoring_run": 41,
    "items": [{"index": 0, "status": "created", "id": 5012}, {"index": 1, "status": "rejected", "id": None}],
    "errors": {"code": "invalid", "message": "Data yang dikirim tidak valid; lihat rincian per isian di \u201cfields\u201d.",
               "fields": {"1.posted_at": ["kolom posted_at harus tanggal-waktu ISO 8601 (mis. 2024-11-20T08:15:00+07:00), "
                                          "tertulis 'kemarin'"]}}}
EXAMPLE_422 = ("invalid", "Data yang dikirim tidak valid; lihat rincian per isian di \u201cfields\u201d.",
               {"0.text": ["kolom text wajib diisi"], "1.followers": ["kolom followers tidak boleh negatif"]})
EXAMPLE_403 = ("permission_denied", "Hanya peninjau penapisan atau Bawaslu yang dapat mengirim unggahan.", {})
POST_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="id unggahan (dari hasil POST)")


class PostIngestView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Kirim unggahan media sosial untuk penapisan (satu objek atau daftar hingga 1000)",
        description="Aturan isian sama dengan impor CSV/JSONL. Idempoten menurut (platform, post_id): unggahan yang "
                    "sudah ada dilaporkan `duplicate` dan tidak diubah. Unggahan yang sah disimpan walaupun ada yang "
                    "salah; kesalahan per unggahan ada di `errors.fields` dengan kunci `<index>.<isian>` (tanpa "
                    "index bila mengirim satu objek). Bila semuanya salah: 422 dan tidak ada yang disimpan. "
                    "Penilaian model diantrekan setelah data tersimpan. Peran: peninjau penapisan, Bawaslu, "
                    "administrator.",
        operation_id="screening_posts_create", parameters=[IDEMPOTENCY_PARAMETER],
        request=PolymorphicProxySerializer(component_name="ScreeningPostsIn", resource_type_field_name=None, many=False,
                                           serializers=[PostInSerializer, PostInSerializer(many=True)]),
        examples=[OpenApiExample("daftar", value=EXAMPLE_BATCH, request_only=True),
                  OpenApiExample("hasil", value=EXAMPLE_RESULT, response_only=True, status_codes=["201"])],
        responses={201: OpenApiResponse(IngestResultSerializer, description="Sedikitnya satu unggahan baru."),
                   200: OpenApiResponse(IngestResultSerializer, description="Tidak ada unggahan baru (semua duplikat "
                                                                            "atau sebagian salah)."),
                   400: error_response(400), 403: error_response(403, EXAMPLE_403),
                   422: error_response(422, EXAMPLE_422)})
    @idempotent
    def post(self, request):
        if not request.user.has_perm("screening.ingest"):
            raise PermissionDenied(_("Hanya peninjau penapisan atau Bawaslu yang dapat mengirim unggahan."))
        items, batch = _items(request.data)
        rows = _rows(items)
        not_objects = {f"{i}.non_field_errors" if batch else "non_field_errors":
                       [_("Setiap unggahan harus berupa objek JSON.")] for i, row in enumerate(rows) if row is None}
        result = posts_ingest(actor=request.user, rows=[row for row in rows if row is not None])
        outcomes = iter(result.outcomes)
        outcomes = [("rejected", {}) if row is None else next(outcomes) for row in rows]
        fields = {**not_objects, **_error_fields(outcomes, batch)}
        counts = {state: sum(1 for s, _d in outcomes if s == state) for state in ("created", "duplicate", "rejected")}
        if counts["rejected"] == len(outcomes):
            raise Unprocessable(dict(sorted(fields.items(), key=lambda kv: _index_key(kv[0]))))
        body = {"received": len(outcomes), "created": counts["created"], "duplicates": counts["duplicate"],
                "rejected": counts["rejected"], "scoring_run": result.run.pk if result.run else None,
                "items": [{"index": i, "status": s, "id": d if s != "rejected" else None}
                          for i, (s, d) in enumerate(outcomes)],
                "errors": {"code": "invalid", "message": str(GENERIC_MESSAGES["invalid"]),
                           "fields": dict(sorted(fields.items(), key=lambda kv: _index_key(kv[0])))} if fields else None}
        return Response(body, status=status.HTTP_201_CREATED if counts["created"] else status.HTTP_200_OK)


def _index_key(name: str) -> tuple:
    head = name.split(".", 1)[0]
    return (int(head), name) if head.isdigit() else (-1, name)


class PostDetailView(APIView):
    @extend_schema(
        summary="Satu unggahan dan skornya (model aktif): label, skor, rentang bukti, versi model",
        description="Untuk peninjau penapisan dan administrator, sama dengan antrean tinjauan. `scored` false: "
                    "penilaian masih antre.",
        operation_id="screening_posts_retrieve", parameters=[POST_ID],
        responses={200: PostSerializer, 403: error_response(403, (
            "permission_denied", "Hanya peninjau penapisan yang dapat melihat skor unggahan.", {})), **errors(404)})
    def get(self, request, pk):
        if not request.user.has_perm("screening.review"):
            raise PermissionDenied(_("Hanya peninjau penapisan yang dapat melihat skor unggahan."))
        post = Post.objects.select_related("election", "account").filter(pk=parse_pk(pk)).first()
        if post is None:
            raise NotFound()
        return Response(PostSerializer(post, context={"score": _current_score(post)}).data)


def _current_score(post):
    """The active model's score, else the latest one (a model switched since scoring)."""
    scores = post.scores.select_related("model_version").order_by("-model_version__active", "-scored_at")
    return scores.first()


urlpatterns = [
    path("posts/", PostIngestView.as_view(), name="api-screening-post-list"),
    path("posts/<str:pk>/", PostDetailView.as_view(), name="api-screening-post-detail"),
]
