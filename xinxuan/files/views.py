"""The one way an uploaded image or document leaves the server.

``/_files/<stored name>`` answers only for a name the database knows as an image
original, an image rendition or a document, and only to a viewer who may see the
file (``organisation.access.can_see_file``).  The request path is never joined to
MEDIA_ROOT: the file served is the one the database row points at, so double
slashes, ``..`` or encoded slashes find no row and answer 404.  Evidence of
outcomes is opened from its outcome (``outcomes.views.evidence``), never here.
"""

from __future__ import annotations

import posixpath

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail.utils.sendfile import sendfile
from wagtail.utils.sendfile_streaming_backend import sendfile as streaming

from xinxuan.files.models import UnitDocument, UnitImage, UnitRendition
from xinxuan.organisation.access import can_see_file

# Public files may be kept by the reverse proxy this long: unpublishing a page makes
# its pictures private again within this time.
PUBLIC_SECONDS = 600


def find(name: str):
    """The (owner, stored file) for a stored name, or None.  The owner is the image
    or document whose unit decides; a rendition is owned by its image."""
    if posixpath.normpath(name) != name or name.startswith("/"):
        return None
    folder = name.split("/", 1)[0]
    if folder == "original_images":
        image = UnitImage.objects.filter(file=name).first()
        return image and (image, image.file)
    if folder == "images":
        rendition = UnitRendition.objects.select_related("image").filter(file=name).first()
        return rendition and (rendition.image, rendition.file)
    if folder == "documents":
        document = UnitDocument.objects.filter(file=name).first()
        return document and (document, document.file)
    return None


def file_response(request: HttpRequest, stored, *, download_name: str | None = None):
    """Stream a stored file with headers that keep a browser from running it."""
    try:
        path = stored.path
    except NotImplementedError as error:  # a storage without local files
        raise Http404 from error
    response = sendfile(
        request,
        path,
        attachment=download_name is not None,
        attachment_filename=download_name or False,
        backend=streaming,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response


@require_safe
def serve(request: HttpRequest, name: str) -> HttpResponse:
    found = find(name)
    if found is None:
        raise Http404
    owner, stored = found
    if not can_see_file(request.user, owner):
        # 404, not 403: a stranger learns nothing about which names exist.
        raise Http404
    download = owner.filename if isinstance(owner, UnitDocument) else None
    response = file_response(request, stored, download_name=download)
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=3600)
    else:  # an anonymous reader is only ever let through to a public file
        patch_cache_control(response, public=True, max_age=PUBLIC_SECONDS)
    return response
