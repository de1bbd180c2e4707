"""Forms of the closure stage, one module per sub-domain."""
