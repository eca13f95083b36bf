from rest_framework import serializers

from foodbank.districts.models import District, DistrictGroup


class DistrictGroupOutput(serializers.ModelSerializer):
    district_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = DistrictGroup
        fields = ["code", "name_th", "name_en", "district_count"]


class DistrictRefOutput(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name_th", "name_en"]


class DistrictOutput(serializers.ModelSerializer):
    group: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = District
        fields = ["code", "name_th", "name_en", "group"]
