"""An import job's warnings become report rows like its errors ({row, field, message, value}), not plain text."""

from django.db import migrations


def to_report_rows(apps, schema_editor):
    ImportJob = apps.get_model("servicedata", "ImportJob")
    for job in ImportJob.objects.exclude(warnings=[]).only("pk", "warnings").iterator():
        if any(isinstance(warning, str) for warning in job.warnings):
            job.warnings = [{"row": 1, "field": "", "message": warning, "value": ""} if isinstance(warning, str)
                            else warning for warning in job.warnings]
            job.save(update_fields=["warnings"])


class Migration(migrations.Migration):
    dependencies = [("servicedata", "0002_importjob_attempts")]
    operations = [migrations.RunPython(to_report_rows, migrations.RunPython.noop)]
