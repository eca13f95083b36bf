from django.contrib import admin

from .models import District, DistrictGroup


@admin.register(DistrictGroup)
class DistrictGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "group"]
    list_filter = ["group"]
    list_select_related = ["group"]
    search_fields = ["code", "name_th", "name_en"]
