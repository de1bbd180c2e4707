"""Forms of the closure stage, one module per sub-domain."""

# ---- project closure ----
from .closure import DispositionForm, ProjectClosureForm  # noqa: F401
