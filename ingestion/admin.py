"""Admin: sources, runs, and each run's per-source and per-URL records.

Every action needs a change permission (dashboard/roles.py: the operator role has them), never
just the view permission a viewer has."""

from django import forms
from django.contrib import admin, messages

from ingestion import archive, runs
from ingestion.choices import RUN_COUNTERS
from ingestion.models import HeldArchive, IngestionRun, RunSource, RunUrl, Source
from ingestion.sources.recognise import (
    PAGE_KINDS,
    NotRecognised,
    PageUnreadable,
    fill_from_url,
    recognise,
)
from ingestion.start import Door, start
from ingestion.tasks import enqueue_batches
from jobpipe.adminjson import HTTPS_URLS, JSONFieldsAdmin, https_formfield, json_field


class SourceAddForm(forms.ModelForm):
    """The add form: "Find from URL" takes a board URL or a careers page that embeds one, fills
    a blank kind and board token from it (and the config it implies), and otherwise proposes
    what it found; `found` says what and why, for the message after saving."""

    find_from = forms.CharField(
        label="Find from URL",
        required=False,
        max_length=2000,
        help_text="A board URL (boards.greenhouse.io/acme, acme.wd5.myworkdayjobs.com/External, "
        "...) or a careers page that embeds one: fills a blank kind and board token.",
    )
    found = ""

    class Meta:
        model = Source
        formfield_callback = https_formfield
        fields = [
            *("name", "org_name", "kind", "url", "board_token"),
            *("config", "enabled", "cadence_minutes"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False  # the URL may name it

    def clean(self):
        data = super().clean()
        url = (data.get("find_from") or "").strip()
        kind, token = data.get("kind") or "", (data.get("board_token") or "").strip()
        if not url:
            if not kind:
                self.add_error("kind", "Choose a kind, or give a URL to find it from.")
            return data
        if kind in PAGE_KINDS:
            self.add_error("find_from", f"A {kind} source reads its Url; this finds ATS boards.")
            return data
        try:
            if kind and token:  # both given: kept, and the URL's board only proposed
                found = recognise(url)
                board = found.detection
                same = (board.kind, board.board_token) == (kind, token)
                self.found = (
                    f"The URL names this {kind} board: {found.why}"
                    if same
                    else f"Kept the kind and board token given; the URL proposes "
                    f"{board.kind} board {board.board_token!r}: {found.why}"
                )
                return data
            fields, found = fill_from_url(
                url=url, kind=kind, board_token=token, config=data.get("config") or {}
            )
        except (NotRecognised, PageUnreadable) as exc:
            self.add_error("find_from", str(exc))
            return data
        data.update(kind=fields["kind"], board_token=fields["board_token"], config=fields["config"])
        if found is not None:
            self.found = f"Found {fields['kind']} board {fields['board_token']!r}: {found.why}"
        return data


@admin.register(Source)
class SourceAdmin(JSONFieldsAdmin):
    # An operator edits the config as indented JSON; a viewer reads it indented.
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SourceAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None and "find_from" in fields:  # first: it may fill the ones below
            fields.insert(0, fields.pop(fields.index("find_from")))
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "found", ""):
            self.message_user(request, form.found)

    @admin.action(description="Run ingestion now for the selected sources", permissions=["change"])
    def run_now(self, request, queryset):
        try:
            run = start(queryset, door=Door.ADMIN).run
        except runs.RunError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Started run {run.id}.")

    @admin.action(description="Enable the selected sources", permissions=["change"])
    def enable(self, request, queryset):
        self.message_user(request, f"Enabled {queryset.update(enabled=True)} source(s).")

    @admin.action(description="Disable the selected sources", permissions=["change"])
    def disable(self, request, queryset):
        self.message_user(request, f"Disabled {queryset.update(enabled=False)} source(s).")


class ReadOnlyAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Records of what happened: no Delete button (pruning is a command's job).
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
    # The counters in one column: eleven columns beside the filters overflow at 1280 px.
    list_display = ("id", "status", "current_stage", "counts", "created_at")
    list_filter = ("status",)
    date_hierarchy = "created_at"
    inlines = (RunSourceInline,)
    actions = ("cancel", "retry_failed")
    exclude = ("sources", "options")
    readonly_fields = ("sources_json", "options_json")
    sources_json = json_field("sources")
    options_json = json_field("options")

    @admin.display(description="found · processed · added · updated · skipped · failed · archived")
    def counts(self, obj: IngestionRun) -> str:
        return " · ".join(str(getattr(obj, name)) for name in RUN_COUNTERS)

    def has_operate_permission(self, request) -> bool:
        # Runs are read-only in the admin, yet their change permission is what operating means.
        return request.user.has_perm("ingestion.change_ingestionrun")

    @admin.action(
        description="Cancel the selected runs and revoke their tasks", permissions=["operate"]
    )
    def cancel(self, request, queryset):
        for run in queryset:
            try:
                runs.cancel_run(run.id, f"cancelled by {request.user} in the admin")
                self.message_user(request, f"Cancelled run {run.id}.")
            except runs.RunError as exc:
                self.message_user(request, str(exc), messages.WARNING)

    @admin.action(description="Retry the failed URLs of the selected runs", permissions=["operate"])
    def retry_failed(self, request, queryset):
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
    exclude = ("extracted",)
    readonly_fields = ("extracted_json",)
    extracted_json = json_field("extracted")


@admin.register(RunSource)
class RunSourceAdmin(ReadOnlyAdmin):
    list_display = ("run", "source", "status", "urls_found", "complete", "archived", "note")
    list_filter = ("status", "complete")
    search_fields = ("source__name", "note")
    list_select_related = ("run", "source")


@admin.register(HeldArchive)
class HeldArchiveAdmin(ReadOnlyAdmin):
    """Archives the mass-archive guard held: approve archives exactly the held jobs."""

    list_display = ("id", "source", "run", "status", "held_jobs", "active", "listed", "reason")
    list_filter = ("status",)
    search_fields = ("source__name", "reason")
    actions = ("approve", "reject")
    exclude = ("job_ids",)
    readonly_fields = ("job_ids_json",)
    job_ids_json = json_field("job_ids")

    @admin.display(description="held jobs")
    def held_jobs(self, obj: HeldArchive) -> int:
        return len(obj.job_ids)

    @admin.action(description="Approve: archive exactly the held jobs", permissions=["decide"])
    def approve(self, request, queryset):
        self._decide(request, queryset, archive.approve)

    @admin.action(description="Reject: keep every held job active", permissions=["decide"])
    def reject(self, request, queryset):
        self._decide(request, queryset, archive.reject)

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("ingestion.change_heldarchive")

    def _decide(self, request, queryset, decide) -> None:
        for held in queryset:
            try:
                done = decide(held.id, by=request.user.get_username())
            except ValueError as exc:
                self.message_user(request, str(exc), messages.WARNING)
                continue
            self.message_user(
                request, f"Held archive {done.id}: {done.status}, {done.archived} archived."
            )
