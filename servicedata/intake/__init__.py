"""Reading service data as it really comes: import profiles (spec.py), the built-in profiles of common service
desks (builtin/), data-quality rules (quality.py) and the preview of a file as it will be read (preview.py)."""
