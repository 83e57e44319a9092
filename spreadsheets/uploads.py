"""Uploaded files above the import's limit are dropped while they arrive (settings'
FILE_UPLOAD_HANDLERS puts this handler first)."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .reading import MAX_UPLOAD_BYTES


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file once it is larger than MAX_UPLOAD_BYTES, before it is
    kept in memory or on disk; the rest of the request is read and dropped, so the browser
    still gets the page that says why (not a reset connection)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data  # on to the next handlers (memory, then a temporary file)

    def file_complete(self, file_size):
        return None  # the next handlers make the file


def upload_was_too_large(request) -> bool:
    return any(
        isinstance(handler, SizeLimitedUploadHandler) and handler.too_large
        for handler in request.upload_handlers
    )
