"""Bad input answered with 400 and a message, not a server error.

Wagtail's own screens (and Django's) let a few kinds of malformed request reach code
that raises instead of refusing: an id that is not a number handed to a chooser, a
number too large for the database, rich text whose editor data is not what the editor
writes, a search text SQLite's full-text index cannot parse, a form that lacks a field
the code indexes.  Each kind is named below with what identifies it; the middleware
answers it with a 400 page saying what was wrong and that nothing was saved (the
exception ends the request before any save).  Anything not listed stays a 500 and is
logged as one, so real bugs are not hidden.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DataError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.datastructures import MultiValueDictKeyError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("xinxuan.bad_input")


def _raised_in(exception: BaseException, path: str, function: str | None = None) -> bool:
    """Whether a frame of the exception's traceback is in ``path`` (and ``function``)."""
    for frame, _line in traceback.walk_tb(exception.__traceback__):
        code = frame.f_code
        if path in code.co_filename.replace("\\", "/") and function in (None, code.co_name):
            return True
    return False


@dataclass(frozen=True)
class BadInput:
    """One kind of bad input: its name, how to recognise it, what to tell the user."""

    name: str
    matches: Callable[[BaseException], bool]
    message: str
    status: int = 400


KINDS = (
    BadInput(
        "malformed-id",
        lambda e: (
            isinstance(e, ValueError | TypeError)
            and _raised_in(e, "django/db/models/fields/", "get_prep_value")
        ),
        _("The request names a record by an identifier that is not one. Nothing was saved."),
    ),
    BadInput(
        "number-too-large",
        lambda e: (
            isinstance(e, OverflowError) or (isinstance(e, DataError) and "out of range" in str(e))
        ),
        _("The request holds a number too large to be the identifier of a record."),
    ),
    BadInput(
        "editor-content",
        lambda e: (
            isinstance(e, ValueError | TypeError | AttributeError | KeyError)
            and _raised_in(e, "wagtail/admin/rich_text/")
        ),
        _(
            "The text editor's content arrived damaged and could not be read. Nothing was "
            "saved; reload the page and enter the text again."
        ),
    ),
    BadInput(
        "search-text",
        lambda e: (
            isinstance(e, OperationalError)
            and str(e).startswith(("fts5: syntax error", "LIKE or GLOB pattern too complex"))
        ),
        _("The search text could not be understood; search with fewer or plainer words."),
    ),
    BadInput(
        "missing-field",
        lambda e: (
            isinstance(e, MultiValueDictKeyError)
            or (
                isinstance(e, AttributeError | KeyError)
                and (
                    _raised_in(e, "wagtail/admin/forms/choosers.py")
                    or _raised_in(e, "django/contrib/sessions/backends/base.py", "__getitem__")
                )
            )
        ),
        _(
            "The form arrived incomplete or out of order (a field or an earlier step is "
            "missing). Nothing was saved; open the page again and start over."
        ),
    ),
    BadInput(
        "no-creation-form",
        lambda e: (
            isinstance(e, AttributeError)
            and _raised_in(e, "wagtail/admin/views/generic/chooser.py", "post")
        ),
        _("Records of this kind cannot be created from a chooser."),
        status=404,
    ),
    BadInput(
        "still-used",
        lambda e: isinstance(e, ProtectedError | RestrictedError),
        _(
            "This record cannot be deleted because other records still refer to it. "
            "Nothing was deleted."
        ),
        status=409,
    ),
)


def classify(exception: BaseException) -> BadInput | None:
    """The kind of bad input that raised ``exception``, or None for a real error."""
    return next((kind for kind in KINDS if kind.matches(exception)), None)


class BadInputMiddleware:
    """Answers the named kinds of bad input with their message instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        kind = classify(exception)
        if kind is None:
            return None
        logger.warning(
            "bad input (%s) at %s: %s: %s",
            kind.name,
            request.path,
            type(exception).__name__,
            exception,
        )
        return render(request, "errors/400.html", {"message": kind.message}, status=kind.status)
