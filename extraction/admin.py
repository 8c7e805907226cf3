"""Admin: the jobs table and its shadow twin."""

from django.contrib import admin

from extraction.models import Job, ShadowJob
from jobpipe.adminjson import JSONFieldsAdmin


class JobAdmin(JSONFieldsAdmin):
    # raw_metadata and provenance indented: a viewer reads them in a <pre>, an editor in a textarea.
    list_display = ("title", "org_name", "location_raw", "status", "deadline", "updated_at")
    list_filter = ("status", "source")
    search_fields = ("title", "org_name", "location_raw", "url")
    date_hierarchy = "updated_at"
    readonly_fields = ("canonical_hash", "content_hash", "created_at", "updated_at")


admin.site.register(Job, JobAdmin)
admin.site.register(ShadowJob, JobAdmin)
