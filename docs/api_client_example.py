"""Example client for a Bawaslu office: push a report with evidence, then poll its status (stdlib only).

    export NETRALITAS_URL=https://netralitas.example.go.id      # the server
    export NETRALITAS_TOKEN=ntr_xxxxxxxx_...                    # from `manage.py issue_api_token` or the admin
    python docs/api_client_example.py report.json foto.jpg [bukti.pdf ...]

report.json holds the report fields (see /api/v1/docs/, POST /api/v1/reports/), e.g.
    {"anonymity": "named", "reporter": {"name": "Siti Aminah", "address": "Jl. Merdeka 1", "standing": "voter"},
     "election": "pilkada-2024", "region": "33.01", "respondent_name": "Budi Santoso",
     "respondent_nip": "198001012005011001", "respondent_agency": "PEMKAB-33.01", "occurred_on": "2024-10-01",
     "known_on": "2024-10-02", "place": "Facebook @budi.s",
     "description": "Mengunggah foto bersama pasangan calon dengan ajakan memilih."}

Every POST carries an Idempotency-Key derived from its content, so re-running the script after a network
failure never creates a second report or a second copy of a file: the server replays its first answer.
Errors come back as {"code", "message", "fields"}; the script prints the message and the fields.

Screening clients send social-media posts the same way: call("POST", "/screening/posts/", body=json.dumps(posts)
.encode(), idempotency_key=...) with a list of up to 1000 objects (platform, post_id, account_handle, url, text,
posted_at, followers, likes, shares, media_ref); each bad post is named as "<index>.<field>" in errors.fields.
"""
import hashlib
import json
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

BASE = os.environ.get("NETRALITAS_URL", "http://127.0.0.1:8000").rstrip("/") + "/api/v1"
TOKEN = os.environ.get("NETRALITAS_TOKEN", "")
LANGUAGE = os.environ.get("NETRALITAS_LANG", "id")  # "en" for English messages
FINAL = {"registered", "not_registrable", "merged", "lead"}


class ApiError(Exception):
    def __init__(self, status, body):
        self.status, self.body = status, body
        fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in (body.get("fields") or {}).items())
        super().__init__(f"HTTP {status} {body.get('code')}: {body.get('message')}" + (f" ({fields})" if fields else ""))


def call(method, path, *, body=None, content_type="application/json", idempotency_key=None, retries=4):
    headers = {"Authorization": f"Token {TOKEN}", "Accept": "application/json", "Accept-Language": LANGUAGE}
    if body is not None:
        headers["Content-Type"] = content_type
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    for attempt in range(retries + 1):
        request = urllib.request.Request(BASE + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            payload = json.loads(err.read() or b"{}")
            if err.code == 429 or err.code >= 500:  # throttled or server trouble: wait and retry (same key)
                if attempt < retries:
                    time.sleep(int(err.headers.get("Retry-After") or 2 ** attempt))
                    continue
            raise ApiError(err.code, payload) from None
        except urllib.error.URLError:
            if attempt == retries:
                raise
            time.sleep(2 ** attempt)  # network down: the idempotency key makes the retry safe


def multipart(path):
    """One file as multipart/form-data in the field "file"."""
    boundary = uuid.uuid4().hex
    name = os.path.basename(path)
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    with open(path, "rb") as fh:
        content = fh.read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: {kind}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}", hashlib.sha256(content).hexdigest()


def main(report_file, *evidence_files, once=False):
    if not TOKEN:
        sys.exit("Set NETRALITAS_TOKEN to the API key issued for your office.")
    with open(report_file, "rb") as fh:
        raw = fh.read()
    report_key = "report-" + hashlib.sha256(raw).hexdigest()[:40]
    report = call("POST", "/reports/", body=json.dumps(json.loads(raw)).encode(), idempotency_key=report_key)
    print(f"Laporan {report['id']} diterima: kode {report['tracking_code']}, status {report['status_label']}")
    for path in evidence_files:
        body, content_type, digest = multipart(path)
        added = call("POST", f"/reports/{report['id']}/evidence/", body=body, content_type=content_type,
                     idempotency_key=f"evidence-{report['id']}-{digest[:40]}")
        status = "cocok" if added["sha256"] == digest else "TIDAK COCOK"
        print(f"  bukti {added['original_name']}: sha256 {added['sha256']} ({status} dengan berkas lokal)")
    while True:
        current = call("GET", f"/reports/{report['id']}/")
        print(f"{time.strftime('%H:%M:%S')} status: {current['status']} ({current['public_status']})"
              + (f", perkara {current['case']}" if current.get("case") else ""))
        if current["status"] in FINAL or once:
            return current
        time.sleep(int(os.environ.get("NETRALITAS_POLL_SECONDS", "300")))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    try:
        main(*sys.argv[1:])
    except ApiError as err:
        sys.exit(str(err))
