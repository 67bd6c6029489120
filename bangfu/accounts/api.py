from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.generics import RetrieveAPIView

from .models import User
from .roles import role_label


class RoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class ScopeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    prefix = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    scope = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_superuser",
            "roles",
            "scope",
        )

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user):
        return [{"code": code, "label": str(role_label(code))} for code in user.role_codes]

    @extend_schema_field(ScopeSerializer(allow_null=True))
    def get_scope(self, user):
        if not user.region_id:
            return None
        return {"code": user.region.code, "name": user.region.name, "prefix": user.scope_prefix}


class MeView(RetrieveAPIView):
    """The authenticated user, their roles and data scope."""

    serializer_class = MeSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        return self.request.user


class TokenView(ObtainAuthToken):
    """Exchange ``username`` and ``password`` for an API token: ``{"token": "..."}``.

    Failed attempts count towards the login lockout and are written to the login log.
    """
