"""The production static pipeline (manifest storage) must work on a fresh clone, and pages must render with it."""

import subprocess
import sys

RENDER_PAGES = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
response = Client().get("/login/", HTTP_HOST="127.0.0.1")
assert response.status_code == 200, response.status_code
print("ok")
"""


def test_collectstatic_and_pages_render_with_manifest_storage(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "servplan.settings", "SERVPLAN_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", RENDER_PAGES], env=env, capture_output=True, text=True)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
