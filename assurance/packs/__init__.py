"""Evidence packs (issue 17): one reproducible archive of the evidence for a chosen scope and period.

`build.build(scope)` makes the files (archive.Archive: manifest, content hash, deterministic zip); `services` records,
builds (background job), rebuilds and hands out packs, audited.
"""
