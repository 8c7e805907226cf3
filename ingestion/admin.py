"""Admin: sources, runs, and each run's per-source and per-URL records."""

from django.contrib import admin, messages

from ingestion import runs
from ingestion.models import IngestionRun, RunSource, RunUrl, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "org_name", "kind", "url", "board_token", "enabled")
    list_filter = ("kind", "enabled")
    search_fields = ("name", "org_name", "url", "board_token")
    actions = ("run_now",)

    @admin.action(description="Run ingestion now for the selected sources")
    def run_now(self, request, queryset):
        from ingestion.tasks import start_run

        try:
            run = runs.create_run(queryset)
        except runs.RunError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        start_run.enqueue(run.id, run_id=run.id)
        self.message_user(request, f"Started run {run.id}.")


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
    actions = ("cancel",)

    @admin.action(description="Cancel the selected runs")
    def cancel(self, request, queryset):
        cancelled = sum(runs.cancel_run(run.id) for run in queryset)
        self.message_user(request, f"Cancelled {cancelled} run(s).")


@admin.register(RunUrl)
class RunUrlAdmin(ReadOnlyAdmin):
    list_display = ("url", "run", "stage", "outcome", "http_status", "error_class", "attempts")
    list_filter = ("outcome", "stage", "error_class")
    search_fields = ("url",)
    list_select_related = ("run",)
