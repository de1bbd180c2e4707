"""Models of the closure stage (SP-4.5.2, SP-4.5.3), one module per sub-domain; Django finds them all here.

* closure: the project's closure record and the dispositions (waived, handed over) of checklist items
* summary: the project summary report 项目总结报告
* review: the internal review (verification) 内部评审 against the acceptance and delivery criteria
* acceptance: the project acceptance certificate 项目验收证明, the customer's acceptances and signing links
"""

# ---- project closure ----
from .closure import ClosureDisposition, ProjectClosure  # noqa: F401

# ---- summary report ----
from .summary import Lesson, SummaryReport  # noqa: F401

# ---- internal review and acceptance ----
from .acceptance import (  # noqa: E402,F401
    Acceptance,
    AcceptanceCertificate,
    CertificateItem,
    CertificateStatus,
    SigningLink,
)
from .review import CriterionVerdict, InternalReview, ReviewCriterion, ReviewStatus  # noqa: E402,F401
