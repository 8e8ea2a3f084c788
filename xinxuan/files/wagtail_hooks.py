from django.http import Http404
from wagtail import hooks
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from xinxuan.organisation.access import can_see_file, visible_files


@hooks.register("before_serve_document")
def documents_only_for_their_units(document, request):
    """Wagtail serves any document to anyone; ours go to the people of the owner unit,
    or to everyone once a live portal page links to them."""
    if not can_see_file(request.user, document):
        raise Http404  # as for a name that does not exist: nothing learnt by guessing
    return None


class UnitImagesAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return visible_files(self.request.user, super().get_queryset())


class UnitDocumentsAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return visible_files(self.request.user, super().get_queryset())


# After wagtail.images and wagtail.documents have registered theirs (order 0).
@hooks.register("construct_admin_api", order=100)
def scope_admin_api(router):
    router.register_endpoint("images", UnitImagesAPIViewSet)
    router.register_endpoint("documents", UnitDocumentsAPIViewSet)
