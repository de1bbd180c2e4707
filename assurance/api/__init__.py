from . import clauses, engagements, findings, packs

ROUTES = findings.ROUTES + clauses.ROUTES + packs.ROUTES + engagements.ROUTES
