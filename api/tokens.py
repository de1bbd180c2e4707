"""The API token: issued for a user name and password, revoked by its owner or by an administrator (audited)."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import AuthenticationFailed, NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core import audit
from core.choices import AuditAction
from core.drf import token_expired
from core.middleware import bind_actor
from core.roles import ACCESS_ENDED, Role, may_sign_in


def _audit(action, owner, comment):
    # Entries name the owner, never the key; object_id is the owner's id (a token's own key is its secret).
    audit.record_entry(action, None, content_type=ContentType.objects.get_for_model(Token), object_id=owner.pk,
                       obj_repr=_("API token of %(user)s") % {"user": owner.get_username()}, comment=comment)


class TokenView(ObtainAuthToken):
    """POST username + password: the API token (lockout rules apply), a new one when the last has expired.

    DELETE: revoke your own token; an administrator revokes another user's with ?user=<id>.
    """

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if not may_sign_in(user):  # the sign-in page refuses it too (org.forms.SignInForm)
            raise AuthenticationFailed(ACCESS_ENDED)
        bind_actor(request, user)
        with transaction.atomic():
            token = Token.objects.select_for_update().filter(user=user).first()
            if token is not None and token_expired(token):
                token.delete()
                _audit(AuditAction.DELETE, user, "expired")
                token = None
            if token is None:
                token = Token.objects.create(user=user)
                _audit(AuditAction.CREATE, user, "issued")
        return Response({"token": token.key})

    @extend_schema(parameters=[OpenApiParameter("user", int, description="another user's id (administrators)")],
                   responses={204: None})
    def delete(self, request, *args, **kwargs):
        bind_actor(request, request.user)
        owner, wanted = request.user, request.query_params.get("user")
        if wanted is not None and wanted != str(request.user.pk):
            if Role.ADMIN not in request.user.roles:
                raise PermissionDenied(_("Only an administrator may revoke another user's token."))
            owner = get_user_model().objects.filter(pk=wanted if wanted.isdigit() else None).first()
        with transaction.atomic():
            if owner is None or not Token.objects.filter(user=owner).delete()[0]:
                raise NotFound(_("There is no token to revoke."))
            _audit(AuditAction.DELETE, owner, "revoked by its owner" if owner == request.user
                   else "revoked by an administrator")
        return Response(status=status.HTTP_204_NO_CONTENT)
