"""The demo's foundation, loaded first by `manage.py load_demo`: the administrator and the numbering schemes.

Every app may have a `demo` module with `load(context)`; `load_demo` calls them in INSTALLED_APPS order (each
app's records come after those they build on), handing them one `DemoContext`. A module may also have
`finish(context)`, called after every app's `load` (in the same order): the late pass of an earlier stage's record
that reads later stages' data (strategy's management review). A demo module writes through
core.records and core.workflow as the demo user who would do the work, so the demo has its audit trail, and
it is idempotent: it looks a record up (any version) before it creates it, so it also works after users have
edited the demo records in the database.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from . import audit, records
from .context import acting_as
from .models import NumberingScheme
from .registry import registry

DEMO_PASSWORD = "servplan-demo"
REQUEST_ID = "load_demo"


@dataclass
class DemoContext:
    """What the demo modules hand on: the demo users and departments by code, and lines to print at the end."""

    users: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    messages: list = field(default_factory=list)


def load(context):
    admin = _bootstrap_admin()
    context.users["admin"] = admin
    with acting_as(admin, request_id=REQUEST_ID):
        for record_type in registry:
            if not NumberingScheme.objects.filter(record_type=record_type.code).exists():
                records.create(NumberingScheme(record_type=record_type.code, prefix=record_type.prefix), admin)


def _bootstrap_admin():
    """The first user: nobody exists yet to create it, so it is logged as created by no one."""
    user_model = get_user_model()
    admin = user_model.objects.filter(username="admin").first()
    if admin is None:
        admin = user_model(username="admin", is_staff=True, is_superuser=True)
        admin.set_password(DEMO_PASSWORD)
        with acting_as(None, request_id=REQUEST_ID):
            admin.save()
            audit.log_create(admin, "bootstrap administrator")
    return admin
