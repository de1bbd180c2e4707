"""Planted violations: reporting."""


def plant(demo):
    return []
