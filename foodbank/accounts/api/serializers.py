from rest_framework import serializers

from foodbank.accounts.models import Role, User
from foodbank.districts.api.serializers import DistrictRefOutput
from foodbank.districts.models import District


class UserOutput(serializers.ModelSerializer):
    district = DistrictRefOutput(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "district",
            "must_change_password",
        ]
        read_only_fields = ["must_change_password"]


class UserInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), required=False, allow_null=True
    )
    password = serializers.CharField(
        required=False, allow_blank=True, write_only=True, style={"input_type": "password"}
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, default="")


class TokenInput(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class PasswordInput(serializers.Serializer):
    username = serializers.CharField()
    old_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    new_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class NewTokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="the new API token; every earlier one is revoked")


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    user = UserOutput()
