"""Pages of the closure stage, one module per sub-domain (closure, summary, review, acceptance); closure/urls.py
serves them."""
