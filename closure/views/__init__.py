"""Pages of the closure stage, one module per sub-domain."""

# ---- project closure ----
from .closure import ProjectClosureViews  # noqa: F401
