"""Every URL pattern, for anonymous, viewer, operator and staff-without-permission users: the
status each class of door must answer. A new pattern without a rule fails
test_every_url_pattern_has_a_rule; a new admin action without a rule fails
test_every_admin_action_has_a_rule."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from extraction.models import ShadowJob
from ingestion.models import HeldArchive, IngestionRun, RunSource, RunStatus, Source
from tests.factories import make_job, make_run, make_run_url, make_source
from tracking.models import Incident, PipelineJob

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "operator", "staff")
JOBPIPE_APPS = ("ingestion", "extraction", "tracking")
# What each role may do, stated here independently of the migration that makes the groups.
OPERATOR_CHANGES = {"ingestion.source", "ingestion.heldarchive", "tracking.incident"}
KEY, READ_KEY = "matrix-key", "matrix-read-key"

# Doors by name (dashboard, API, operational) or by shape (Django's admin, whose URLs follow
# one scheme per registered model). First match wins; every pattern must match one.
PUBLIC, HOME, DASH_READ, DASH_OPERATE = "public", "home", "dashboard-read", "dashboard-operate"
DASH_ACCOUNT = "dashboard-account"
API_READ, API_WRITE, API_CATCH_ALL = "api-read", "api-write", "api-catch-all"
ADMIN_ACCOUNT, ADMIN_LOGIN, ADMIN_INDEX, ADMIN_APP, ADMIN_CATCH_ALL = (
    "admin-account",
    "admin-login",
    "admin-index",
    "admin-app",
    "admin-catch-all",
)
ADMIN_VIEW, ADMIN_ADD, ADMIN_DELETE, ADMIN_OBJECT_REDIRECT = (
    "admin-view",
    "admin-add",
    "admin-delete",
    "admin-object-redirect",
)
RULES: list[tuple[str, str]] = [
    (r"^$", HOME),
    (r"^(health|metrics)$", PUBLIC),
    (r"^dashboard/(login|logout)/$", DASH_ACCOUNT),
    (r"^dashboard/(|runs/|runs/<int:run_id>/|runs/<int:run_id>/progress\.json)$", DASH_READ),
    (r"^dashboard/(runs/<int:run_id>/urls|jobs/|jobs/compare|jobs/<uuid:job_id>/)$", DASH_READ),
    (r"^dashboard/archives/$", DASH_READ),
    (r"^dashboard/(runs/new|runs/<int:run_id>/reset)$", DASH_OPERATE),
    (r"^dashboard/archives/<int:held_id>/(approve|reject)$", DASH_OPERATE),
    (r"^_internal/jobs(/<str:job_id>)?$", API_READ),
    (r"^api/ingest/(history|runs/<int:run_id>/progress)$", API_READ),
    (r"^pipeline/(status/<str:job_id>|jobs/recent)$", API_READ),
    (r"^(api/ingest/start|api/ingest/runs/<int:run_id>/reset|pipeline/enqueue)$", API_WRITE),
    (r"^api/sources$", API_WRITE),
    (r"^\^\(\?:_internal\|api\|pipeline\)/\(\?P<path>\[\\s\\S\]\*\)\\Z$", API_CATCH_ALL),
    (r"^admin/$", ADMIN_INDEX),
    (r"^admin/login/$", ADMIN_LOGIN),
    (r"^admin/(logout|password_change|password_change/done|jsi18n|autocomplete)/$", ADMIN_ACCOUNT),
    (r"^admin/r/<path:content_type_id>/<path:object_id>/$", ADMIN_ACCOUNT),
    (r"^admin/auth/user/<id>/password/$", ADMIN_VIEW),
    (r"^admin/\^\(\?P<app_label>[a-z_|]+\)/\$$", ADMIN_APP),
    (r"^admin/\(\?P<url>\.\*\)\$$", ADMIN_CATCH_ALL),
    (r"^admin/\w+/\w+/$", ADMIN_VIEW),
    (r"^admin/\w+/\w+/add/$", ADMIN_ADD),
    (r"^admin/\w+/\w+/<path:object_id>/(history|change)/$", ADMIN_VIEW),
    (r"^admin/\w+/\w+/<path:object_id>/delete/$", ADMIN_DELETE),
    (r"^admin/\w+/\w+/<path:object_id>/$", ADMIN_OBJECT_REDIRECT),
]


def url_patterns(patterns=None, prefix: str = ""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern))
        else:
            assert isinstance(p, URLPattern)
            yield prefix + str(p.pattern)


def rule_of(route: str) -> str | None:
    return next((door for pattern, door in RULES if re.match(pattern, route)), None)


def test_every_url_pattern_has_a_rule():
    routes = list(url_patterns())

    missing = [r for r in routes if rule_of(r) is None]
    unused = [p for p, _ in RULES if not any(re.match(p, r) for r in routes)]

    assert missing == [], "URL patterns without an auth rule"
    assert unused == [], "rules that match no URL pattern"
    assert len(routes) >= 120  # the walk reached the admin, dashboard and API


@pytest.fixture
def cast(settings, roles):
    """One object of every admin-registered model, and the four kinds of user."""
    settings.CELERY_BROKER_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.INTERNAL_API_KEY, settings.INTERNAL_API_READ_KEY = KEY, READ_KEY
    source = make_source()
    run = make_run([source], status=RunStatus.COMPLETED)
    make_run_url(run)
    now = timezone.now()
    objects = {
        "ingestion.source": source,
        "ingestion.ingestionrun": run,
        "ingestion.runurl": run.urls.get(),
        "ingestion.runsource": RunSource.objects.get_or_create(run=run, source=source)[0],
        "ingestion.heldarchive": HeldArchive.objects.create(
            source=source, run=run, table="jobs", active=3, listed=0, reason="r"
        ),
        "extraction.job": make_job(n=1),
        "extraction.shadowjob": make_job(ShadowJob, n=2),
        "tracking.pipelinejob": PipelineJob.objects.create(task_id="t1", task_name="x"),
        "tracking.incident": Incident.objects.create(
            kind="k", severity="warning", summary="s", opened_at=now, updated_at=now
        ),
        "django_celery_beat.intervalschedule": (
            interval := IntervalSchedule.objects.create(every=1, period="days")
        ),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(
            event="sunrise", latitude=1, longitude=1
        ),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(
            clocked_time=now + datetime.timedelta(days=1)
        ),
        "django_celery_beat.periodictask": PeriodicTask.objects.create(
            name="p", task="x", interval=interval
        ),
        "auth.group": Group.objects.get(name="viewer"),
    }
    users = {
        "viewer": User.objects.create_user("viewer", is_staff=True),
        "operator": User.objects.create_user("operator", is_staff=True),
        "staff": User.objects.create_user("staff", is_staff=True),
    }
    users["viewer"].groups.add(Group.objects.get(name="viewer"))
    users["operator"].groups.add(Group.objects.get(name="operator"))
    objects["auth.user"] = users["staff"]
    return objects, users, run


def sample(route: str, objects: dict, run: IngestionRun) -> str:
    """A concrete path for a route: real objects for admin ids, a real run, unknown job ids."""
    if route.startswith("admin/^"):
        return "/admin/ingestion/"
    if route == "admin/(?P<url>.*)$":
        return "/admin/no-such-page/"
    if route.startswith("^(?:_internal"):
        return "/api/no-such-door"
    model = "/".join(route.split("/")[1:3]).replace("/", ".")
    obj = objects.get(model)
    ct = ContentType.objects.get_for_model(Source)
    path = (
        route.replace("<int:run_id>", str(run.id))
        .replace("<int:held_id>", str(objects["ingestion.heldarchive"].pk))
        .replace("<str:job_id>", str(uuid.uuid4()))
        .replace("<uuid:job_id>", str(objects["extraction.job"].pk))
        .replace("<path:content_type_id>", str(ct.id))
        .replace("<path:object_id>", str(obj.pk if obj else objects["ingestion.source"].pk))
        .replace("<id>", str(obj.pk if obj else 0))
    )
    return "/" + path


def viewable(role: str, model: str) -> bool:
    if role == "staff":
        return False
    return model.split(".")[0] in JOBPIPE_APPS


def operate_status(route: str, method: str) -> int:
    if method == "POST":
        return 302  # done (or refused with a message), back to a page
    # reset, approve and reject are POST only
    return 405 if route.endswith(("reset", "approve", "reject")) else 200


def expected(door: str, role: str, route: str, method: str) -> int | tuple[int, ...]:
    """The status a role gets at a door (302 for anonymous means: to the login page)."""
    anon, reads, operates = role == "anonymous", role in ("viewer", "operator"), role == "operator"
    model = ".".join(route.split("/")[1:3])
    table: dict[str, int | tuple[int, ...]] = {
        HOME: 302,
        PUBLIC: 200,
        DASH_READ: 302 if anon else 200 if reads else 403,
        DASH_OPERATE: 302 if anon else operate_status(route, method) if operates else 403,
        # The API takes keys, never sessions: every role without a key is refused alike.
        API_READ: 401,
        API_WRITE: 405 if method == "GET" else 401,  # the method is checked first
        API_CATCH_ALL: 401,
        ADMIN_LOGIN: 200 if anon else 302,
        ADMIN_INDEX: 302 if anon else 200,
        ADMIN_APP: 302 if anon else 200 if reads else 404,
        ADMIN_CATCH_ALL: 302 if anon else 404,
        ADMIN_VIEW: 302 if anon else 200 if viewable(role, model) else 403,
        ADMIN_ADD: 302 if anon else 403,  # no role adds rows in the admin
        ADMIN_DELETE: 302 if anon else 403,  # nor deletes them
        ADMIN_OBJECT_REDIRECT: 302,
    }
    if door == DASH_ACCOUNT:
        if route == "dashboard/logout/":
            return 405  # POST only
        return 200 if anon else 302  # the login form, or on to the dashboard
    if door == ADMIN_ACCOUNT:
        if route.startswith("admin/logout"):
            return 302 if anon else 405  # logout is POST only
        if route.startswith("admin/r/"):
            return 302 if anon else 404  # sources have no page of their own
        if route.startswith("admin/autocomplete"):
            return 302 if anon else 403
        return 302 if anon else 200
    return table[door]


def test_each_role_gets_the_status_of_its_door(client, cast):
    objects, users, run = cast
    wrong = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        for route in url_patterns():
            door = rule_of(route)
            assert door is not None, route
            path = sample(route, objects, run)
            methods = ["GET", "POST"] if door in (DASH_OPERATE, API_WRITE) else ["GET"]
            for method in methods:
                response = client.get(path) if method == "GET" else client.post(path)
                want = expected(door, role, route, method)
                if response.status_code not in (want if isinstance(want, tuple) else (want,)):
                    wrong.append((role, method, path, response.status_code, want))
                if (
                    role == "anonymous"
                    and want == 302
                    and door not in (HOME, ADMIN_OBJECT_REDIRECT)
                    and route != "admin/logout/"  # to the index, which then asks for a login
                ):
                    login = "/dashboard/login/" if door.startswith("dashboard") else "/admin/login/"
                    assert response["Location"].startswith(login), path
    assert wrong == [], "\n".join(map(str, wrong))


def test_api_keys_open_read_doors_and_only_the_full_key_changes_state(client, cast):
    _, _, run = cast
    read = {"HTTP_X_INTERNAL_API_KEY": READ_KEY}
    full = {"HTTP_X_INTERNAL_API_KEY": KEY}

    assert client.get("/api/ingest/history", **read).status_code == 200
    refused = client.post(f"/api/ingest/runs/{run.id}/reset", **read)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "read_only_key")
    assert client.post("/pipeline/enqueue", **read).status_code == 403
    assert client.post("/api/ingest/start", **read).status_code == 403
    assert client.post("/api/sources", **read).status_code == 403
    # The full key passes the door (the run is finished, so the reset itself is refused).
    reset = client.post(
        f"/api/ingest/runs/{run.id}/reset", {}, content_type="application/json", **full
    )
    assert (reset.status_code, reset.json()["error"]["code"]) == (409, "run_not_resettable")


# Every admin action and the roles it is offered to: JobPipe's need the operator role;
# django-celery-beat's are on a model no role can see (superusers only).
ACTIONS = {
    ("ingestion.source", "run_now"): {"operator"},
    ("ingestion.source", "enable"): {"operator"},
    ("ingestion.source", "disable"): {"operator"},
    ("ingestion.ingestionrun", "cancel"): {"operator"},
    ("ingestion.ingestionrun", "retry_failed"): {"operator"},
    ("ingestion.heldarchive", "approve"): {"operator"},
    ("ingestion.heldarchive", "reject"): {"operator"},
    ("tracking.incident", "resolve"): {"operator"},
    ("django_celery_beat.periodictask", "enable_tasks"): set(),
    ("django_celery_beat.periodictask", "disable_tasks"): set(),
    ("django_celery_beat.periodictask", "toggle_tasks"): set(),
    ("django_celery_beat.periodictask", "run_tasks"): set(),
}


def registered_actions():
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or ():
            name = action if isinstance(action, str) else action.__name__
            yield (model._meta.label_lower, name)


def test_every_admin_action_has_a_rule():
    assert set(registered_actions()) == set(ACTIONS)


@pytest.mark.parametrize(("model", "action"), sorted(ACTIONS))
def test_admin_actions_need_the_operator_role(client, cast, model, action):
    objects, users, _ = cast
    obj = objects[model]
    changelist = f"/admin/{model.replace('.', '/')}/"
    form = {"action": action, "_selected_action": [obj.pk]}
    for role in ("viewer", "operator", "staff"):
        client.force_login(users[role])
        response = client.get(changelist)
        offered = response.status_code == 200 and f'value="{action}"' in response.content.decode()

        assert offered is (role in ACTIONS[(model, action)]), (role, action)
    # A viewer posting the action by hand changes nothing.
    client.force_login(users["viewer"])
    before = type(obj).objects.filter(pk=obj.pk).values().get()
    client.post(changelist, form)
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before


def test_viewers_read_the_dashboard_and_cannot_start_or_reset(client, cast):
    _, users, _ = cast
    active = make_run()
    client.force_login(users["viewer"])

    page = client.get(f"/dashboard/runs/{active.id}/").content.decode()
    reset = client.post(f"/dashboard/runs/{active.id}/reset")

    assert "Start a run" not in page
    assert f"/dashboard/runs/{active.id}/reset" not in page
    assert reset.status_code == 403
    assert IngestionRun.objects.get(id=active.id).is_active


def test_the_roles_migration_is_idempotent(roles):
    from importlib import import_module

    from django.apps import apps

    def groups() -> dict[str, set[str]]:
        return {
            g.name: set(g.permissions.values_list("codename", flat=True))
            for g in Group.objects.all()
        }

    before = groups()
    import_module("dashboard.migrations.0001_roles").create_roles(apps, None)

    assert groups() == before
    assert set(before) == {"viewer", "operator"}
    assert "change_ingestionrun" in before["operator"] - before["viewer"]
    assert {p for p in before["viewer"] if not p.startswith("view_")} == set()


def test_wrong_api_keys_are_throttled_per_address(client, settings):
    settings.INTERNAL_API_KEY = KEY
    settings.JOBPIPE_API_KEY_FAILURES_PER_MINUTE = 3
    wrong = {"HTTP_X_INTERNAL_API_KEY": "guess"}

    guesses = [client.get("/api/ingest/history", **wrong).status_code for _ in range(3)]
    blocked = client.get("/api/ingest/history", HTTP_X_INTERNAL_API_KEY=KEY)
    elsewhere = client.get(
        "/api/ingest/history", HTTP_X_INTERNAL_API_KEY=KEY, REMOTE_ADDR="10.0.0.7"
    )

    assert guesses == [401, 401, 401]
    assert (blocked.status_code, blocked["Retry-After"]) == (429, "60")
    assert blocked.json()["error"]["code"] == "too_many_wrong_keys"
    assert elsewhere.status_code == 200


def test_a_missing_key_is_not_counted_as_a_guess(client, settings):
    settings.INTERNAL_API_KEY = KEY
    settings.JOBPIPE_API_KEY_FAILURES_PER_MINUTE = 2

    statuses = [client.get("/api/ingest/history").status_code for _ in range(4)]

    assert statuses == [401] * 4
    assert client.get("/api/ingest/history", HTTP_X_INTERNAL_API_KEY=KEY).status_code == 200
