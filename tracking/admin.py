"""Admin: the task ledger (read-only) and incidents."""

from django.contrib import admin
from django.utils import timezone

from tracking.models import Incident, PipelineJob


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


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("kind", "severity", "opened_at", "updated_at", "resolved_at", "run")
    list_filter = ("severity", "kind", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("kind", "summary")
    date_hierarchy = "opened_at"
    readonly_fields = [f.name for f in Incident._meta.fields]
    actions = ("resolve",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Mark the selected incidents resolved", permissions=["change"])
    def resolve(self, request, queryset):
        count = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(request, f"Resolved {count} incident(s).")
