"""Admin: sources, runs, and each run's per-source and per-URL records."""

from django.contrib import admin, messages
from django.db import transaction

from ingestion import runs
from ingestion.launch import launch
from ingestion.models import IngestionRun, RunSource, RunUrl, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "org_name",
        "kind",
        "url",
        "board_token",
        "enabled",
        "cadence_minutes",
    )
    list_filter = ("kind", "enabled")
    search_fields = ("name", "org_name", "url", "board_token")
    actions = ("run_now", "enable", "disable")

    @admin.action(description="Run ingestion now for the selected sources")
    def run_now(self, request, queryset):
        try:
            with transaction.atomic():
                run = runs.create_run(queryset)
                launch(run.id)
        except runs.RunError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Started run {run.id}.")

    @admin.action(description="Enable the selected sources")
    def enable(self, request, queryset):
        self.message_user(request, f"Enabled {queryset.update(enabled=True)} source(s).")

    @admin.action(description="Disable the selected sources")
    def disable(self, request, queryset):
        self.message_user(request, f"Disabled {queryset.update(enabled=False)} source(s).")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RunSourceInline(admin.TabularInline):
    model = RunSource
    extra = 0
    can_delete = False
    readonly_fields = (
        "source",
        "status",
        "urls_found",
        "complete",
        "archived",
        "note",
        "settled_at",
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IngestionRun)
class IngestionRunAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "status",
        "current_stage",
        "total_jobs_found",
        "jobs_processed",
        "jobs_added",
        "jobs_updated",
        "jobs_skipped",
        "jobs_failed",
        "jobs_archived",
        "created_at",
    )
    list_filter = ("status",)
    date_hierarchy = "created_at"
    inlines = (RunSourceInline,)
    actions = ("cancel", "reset", "retry_failed")

    @admin.action(description="Cancel the selected runs")
    def cancel(self, request, queryset):
        cancelled = sum(runs.cancel_run(run.id) for run in queryset)
        self.message_user(request, f"Cancelled {cancelled} run(s).")

    @admin.action(description="Reset (abort) the selected stuck runs and revoke their tasks")
    def reset(self, request, queryset):
        for run in queryset:
            try:
                runs.reset_run(run.id, f"reset by {request.user} in the admin")
                self.message_user(request, f"Reset run {run.id}.")
            except runs.RunError as exc:
                self.message_user(request, str(exc), messages.WARNING)

    @admin.action(description="Retry the failed URLs of the selected runs")
    def retry_failed(self, request, queryset):
        from ingestion.tasks import enqueue_batches

        for run in queryset:
            try:
                count = runs.retry_failed_urls(run.id, enqueue_batches)
                self.message_user(request, f"Run {run.id}: re-queued {count} failed URL(s).")
            except runs.RunError as exc:
                self.message_user(request, str(exc), messages.WARNING)


@admin.register(RunUrl)
class RunUrlAdmin(ReadOnlyAdmin):
    list_display = ("url", "run", "stage", "outcome", "http_status", "error_class", "attempts")
    list_filter = ("outcome", "stage", "error_class")
    search_fields = ("url", "error_message")
    list_select_related = ("run",)
    date_hierarchy = "created_at"


@admin.register(RunSource)
class RunSourceAdmin(ReadOnlyAdmin):
    list_display = ("run", "source", "status", "urls_found", "complete", "archived", "note")
    list_filter = ("status", "complete")
    search_fields = ("source__name", "note")
    list_select_related = ("run", "source")
