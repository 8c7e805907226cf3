"""Admin: the task ledger, read-only."""

from django.contrib import admin

from tracking.models import PipelineJob


@admin.register(PipelineJob)
class PipelineJobAdmin(admin.ModelAdmin):
    list_display = ("task_name", "status", "realm", "queue", "attempt", "run", "created_at")
    list_filter = ("status", "realm", "queue", "task_name")
    search_fields = ("task_id", "task_name")
    date_hierarchy = "created_at"
    list_select_related = ("run",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
