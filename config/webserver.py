"""What the web server (daphne, on Twisted) is told before it serves Django: uploads cannot fill its memory."""
import io


class _Discarded(io.RawIOBase):
    """Where the rest of a refused body goes: counted, never kept."""

    def __init__(self, received: int):
        super().__init__()
        self.received = received

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.received += len(data)
        return len(data)

    def readinto(self, buffer) -> int:
        return 0

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def tell(self) -> int:
        return 0


def daphne_limit_request_bodies(*, max_bytes: int) -> None:
    """
    Keep daphne from holding big bodies in memory: Django parses uploads, a body over `max_bytes` gets a 413.

    * Twisted's `Request.requestReceived` reads a whole multipart body into `request.args` (several copies in
      memory) before daphne hands it to Django, which never looks at them: a 59 MB scan upload took the web
      process from 200 MB to 880 MB. `parsePOSTFormSubmission=False` (Twisted >= 24.7) turns that off.
    * daphne then queues the whole body for Django at once, so the process holds a body's size in memory
      until Django has spooled it to disk. A body longer than the largest upload (two scans) is counted and
      dropped as it arrives, Content-Length or chunked alike, and answered 413 without waking Django.
    """
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:  # another ASGI server: nothing to do
        return
    if getattr(WebRequest, "_sartoria_max_body_bytes", None) is not None:
        WebRequest._sartoria_max_body_bytes = max_bytes
        return
    WebRequest._sartoria_max_body_bytes = max_bytes
    original_init, original_chunk, original_process = (
        WebRequest.__init__, WebRequest.handleContentChunk, WebRequest.process)

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False
        self._sartoria_received = 0

    def handleContentChunk(self, data):
        if isinstance(self.content, _Discarded):
            self.content.write(data)
            return
        self._sartoria_received += len(data)
        if self._sartoria_received > self._sartoria_max_body_bytes:
            self.content.close()
            self.content = _Discarded(self._sartoria_received)
            return
        original_chunk(self, data)

    def process(self):
        if isinstance(self.content, _Discarded):
            import time

            self.request_start = time.time()
            self.basic_error(413, b"Payload Too Large",
                             f"The request body is larger than {self._sartoria_max_body_bytes:,} bytes.")
            return
        original_process(self)

    WebRequest.__init__ = __init__
    WebRequest.handleContentChunk = handleContentChunk
    WebRequest.process = process


def startup_heap_freeze() -> None:
    """
    Load every view's modules now and move what the server holds at start out of the cyclic garbage collector's
    reach (``gc.freeze``). A web process holds millions of long-lived objects (Django, DRF, numpy, trimesh, shapely);
    every full collection walked them all, and each stopped the whole process, every request in it: under
    bench/bench_load.py a daphne process ran 21 of them in two minutes, of 0.3 to 0.9 s each. Objects made after
    start are still collected as before.
    """
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the views and what they need, as the first request would)
    gc.collect()
    gc.freeze()
