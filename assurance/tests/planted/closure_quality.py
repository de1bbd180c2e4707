"""Planted violations: closure_quality."""


def plant(demo):
    return []
