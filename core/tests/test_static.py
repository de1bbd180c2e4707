"""The production static pipeline (manifest + compression) must work on a fresh clone."""

import subprocess
import sys


def test_collectstatic_with_manifest_storage(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "servplan.settings", "SERVPLAN_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
