"""Running the process-compliance rules (core.compliance) and keeping what they find (Finding).

INTERFACE (filled in by the findings part):
    run(trigger, user=None, today=None) -> ComplianceRun     every rule over the whole database
    accept(finding, user, justification)                       audited
    raise_improvement(finding, user) -> str                    the improvement's prefilled add page
    register()                                                 the scheduled run, the improvement source
"""


def register():
    pass
