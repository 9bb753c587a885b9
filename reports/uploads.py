"""An upload handler that stops keeping an evidence file once it passes the size limit.

Without it a 30 MB file was written in full to a temporary file and only then refused. The handler runs first
(settings.FILE_UPLOAD_HANDLERS): for the evidence fields of the HTML forms it counts each file's bytes and, past
EVIDENCE_MAX_BYTES, swallows the rest, so the handlers after it keep nothing more; the file then arrives as an
empty `TooLargeUpload` carrying the size it had, which reports.evidence.check_upload refuses with the usual
message naming the file, its size and the limit. The other fields of the form are read as usual, so nothing the
person typed is lost. The browser checks sizes before sending (static/js/site.js, data-max-bytes), so this is the
server's side of the same rule, for a client that did not.
"""
import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

EVIDENCE_FIELDS = {"evidence", "attachments"}


class TooLargeUpload(UploadedFile):
    """What is left of a file over the limit: its name, type and size in bytes, no content."""

    def __init__(self, name, content_type, size):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


class EvidenceSizeLimitHandler(FileUploadHandler):
    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.watching = field_name in EVIDENCE_FIELDS
        self.seen, self.over = 0, False

    def receive_data_chunk(self, raw_data, start):
        if not self.watching:
            return raw_data
        self.seen += len(raw_data)
        if self.seen > settings.EVIDENCE_MAX_BYTES:
            self.over = True
            return None  # the handlers after this one receive nothing more of this file
        return raw_data

    def file_complete(self, file_size):
        if self.watching and self.over:
            return TooLargeUpload(self.file_name, self.content_type, self.seen)
        return None  # the next handler's file, as usual
