"""The closure stage's part of the demo company: one project summarised, reviewed, accepted and closed."""


def load(context):
    pass
