"""Planted violations: approvals."""


def plant(demo):
    return []
