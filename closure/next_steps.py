"""Next-step buttons the closure stage puts on earlier stages' pages (core.extensions.register_action)."""


def register():
    pass
