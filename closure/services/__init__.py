"""Decisions of the closure stage that pages, API and tests share, one module per sub-domain."""
