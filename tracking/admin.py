"""Admin: the task ledger (read-only) and incidents."""

from django.contrib import admin
from django.utils import timezone

from jobpipe.adminjson import json_field
from tracking.models import Incident, PipelineJob


@admin.register(PipelineJob)
class PipelineJobAdmin(admin.ModelAdmin):
    list_display = ("task_name", "status", "realm", "queue", "attempt", "run", "created_at")
    list_filter = ("status", "realm", "queue", "task_name")
    search_fields = ("task_id", "task_name")
    date_hierarchy = "created_at"
    list_select_related = ("run",)
    exclude = ("payload", "result")
    readonly_fields = ("payload_json", "result_json")
    payload_json = json_field("payload")
    result_json = json_field("result")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of every task: pruned after JOBPIPE_LEDGER_RETENTION_DAYS
        # (maintenance.prune_ledger), not by hand.
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("kind", "severity", "opened_at", "updated_at", "resolved_at", "run")
    list_filter = ("severity", "kind", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("kind", "summary")
    date_hierarchy = "opened_at"
    exclude = ("metrics", "actions")
    readonly_fields = [
        *(f.name for f in Incident._meta.fields if f.name not in ("metrics", "actions")),
        "metrics_json",
        "actions_json",
    ]
    metrics_json = json_field("metrics")
    actions_json = json_field("actions")
    actions = ("resolve",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Mark the selected incidents resolved", permissions=["change"])
    def resolve(self, request, queryset):
        count = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(request, f"Resolved {count} incident(s).")
