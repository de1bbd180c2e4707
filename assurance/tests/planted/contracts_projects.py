"""Planted violations: contracts_projects."""


def plant(demo):
    return []
