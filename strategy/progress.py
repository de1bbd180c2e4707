"""How far a goal's projects have got. Projects come after strategy in the procedure, so strategy never imports
them: the projects app registers how to measure one project (ProjectsConfig.ready)."""

_project_progress = None


def register_provider(progress_of_project):
    """`progress_of_project(project)` returns its % complete, or None when it has no baseline yet."""
    global _project_progress
    _project_progress = progress_of_project


def project_progress(project) -> float | None:
    return _project_progress(project) if _project_progress is not None else None
