"""Work-queue sources of the closure stage (core.worklist)."""
