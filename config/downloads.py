"""One way to hand a stored file to someone the view has already checked: streamed, or a presigned redirect."""
from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect


def stored_file_response(file: FieldFile, *, content_type: str, filename: str = "", as_attachment: bool = False
                         ) -> HttpResponse:
    """The file's bytes through the app, or (SARTORIA_PRESIGNED_DOWNLOADS on object storage) a redirect to a URL
    that expires: the web process then never carries big print files, and the check stays in the view."""
    if settings.SARTORIA_PRESIGNED_DOWNLOADS and settings.SARTORIA_S3_BUCKET:
        disposition = "attachment" if as_attachment else "inline"
        if filename:
            disposition += f'; filename="{filename}"'
        url = file.storage.url(file.name, parameters={
            "ResponseContentType": content_type, "ResponseContentDisposition": disposition})
        return HttpResponseRedirect(url)
    return FileResponse(file.open("rb"), content_type=content_type, as_attachment=as_attachment, filename=filename)
