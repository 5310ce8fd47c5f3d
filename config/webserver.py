"""What the web server (daphne, on Twisted) is told before it serves Django."""


def daphne_leave_form_bodies_to_django() -> None:
    """
    Stop Twisted from parsing multipart and form bodies itself: Django does, streaming uploads to disk.

    Twisted's `Request.requestReceived` reads a whole multipart body into `request.args` (several copies in
    memory) before daphne hands it to Django, which never looks at them: a 59 MB scan upload took the web
    process from 200 MB to 880 MB. `parsePOSTFormSubmission=False` (Twisted >= 24.7) turns that off.
    """
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:  # another ASGI server: nothing to do
        return
    if getattr(WebRequest, "_sartoria_bodies_left_to_django", False):
        return
    original_init = WebRequest.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    WebRequest.__init__ = __init__
    WebRequest._sartoria_bodies_left_to_django = True
