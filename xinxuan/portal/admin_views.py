"""Workbench screens of the portal: publishing an approved press item as an article."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.accounts.views import forbidden
from xinxuan.portal.actions import publish_item_as_article
from xinxuan.portal.forms import PublishItemForm
from xinxuan.submissions.views import visible_items


@login_required
@require_POST
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """发布到门户网站: the item becomes a live article in the chosen channel, once."""
    item = get_object_or_404(visible_items(request.user), pk=pk)
    if not (request.user.is_superuser or Role.OFFICE in roles_of(request.user)):
        return forbidden(
            request, PermissionDenied(_("Only the office publishes items on the portal."))
        )
    back = redirect("submissions:item-detail", pk=pk)
    form = PublishItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the portal channel to publish in."))
        return back
    try:
        article = publish_item_as_article(
            item=item, channel=form.cleaned_data["channel"], user=request.user
        )
    except ValidationError as refused:
        earlier = item.portal_articles.first()
        if earlier is not None:
            messages.error(
                request,
                _("Not published again: this item is already on the portal as “%(title)s”.")
                % {"title": earlier.title},
            )
        else:
            messages.error(request, " ".join(refused.messages))
    except PermissionDenied as denied:
        messages.error(request, str(denied) or _("You may not publish in this channel."))
    else:
        messages.success(
            request, _("Published on the portal: %(title)s") % {"title": article.title}
        )
    return back


@login_required
@require_POST
def process_redirect_import(request: HttpRequest) -> HttpResponse:
    """Wagtail's confirmation step of a redirect import, refusing a posted form that
    names no waiting sheet (Wagtail reads it without checking and fails)."""
    from wagtail.contrib.redirects import views as redirect_views
    from wagtail.contrib.redirects.forms import ConfirmImportManagementForm

    try:
        # Wagtail's form fails on a forged signature (it reads a message BadSignature
        # does not have) and on a signed value without its parts: checked here first.
        signed = ConfirmImportManagementForm(request.POST).is_valid()
    except (AttributeError, KeyError, TypeError, ValueError):
        signed = False
    if signed:
        try:
            return redirect_views.process_import(request)
        except (KeyError, IndexError, ValueError, OSError):
            pass
    messages.error(request, _("The uploaded sheet of redirects was not found; upload it again."))
    return redirect("wagtailredirects:start_import")
