from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from django_tasks_db.compat import task_finished

        # record types, work-queue sources, the management review's satisfaction input (core.report_sections)
        # the process-compliance rules (core.compliance)
        from . import compliance, next_steps, reports, tasks, workflows, worklist  # noqa: F401

        next_steps.register()

        task_finished.connect(tasks.on_task_finished, dispatch_uid="reporting.report_task_finished")

        from core.workflow import transition_fired

        from . import panels
        from .services.profiles import on_plan_approved

        transition_fired.connect(on_plan_approved, dispatch_uid="reporting.profile_from_plan")
        panels.register()
