"""Write path of complaints: intake from every channel, holds, workflow, remediation.

Intake (`file_complaint`) records the complaint, links the contacts its verification codes
name, places `complaint` holds and asks for a permit to acknowledge it, all in one
transaction: from the next decision on, the gate denies. Every later step appends a
`ComplaintEvent` and an audit event in the same transaction as the change it records.
"""

from __future__ import annotations

from tactful.complaints.services._common import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    OFFICER_ROLES,
    NotAnOfficer,
)
from tactful.complaints.services.intake import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_CODES,
    MAX_REFERRAL_REFERENCE,
    PUBLIC_COMPLAINTS_PER_HOUR,
    Filed,
    Intake,
    TooManyComplaints,
    file_complaint,
    prove_complainant_phone,
    send_complainant_code,
)
from tactful.complaints.services.remediation import (
    coach_collector,
    compensate,
    complete_coaching,
    open_complaint_from_finding,
    propose_rule,
    rate_outcome,
    record_correction,
    review_finding_and_coach,
    waive_fee,
)
from tactful.complaints.services.replies import (
    APOLOGY_TEMPLATE_VERSION,
    answer_information_request,
    request_information,
    send_apology,
    send_due_replies,
)
from tactful.complaints.services.workflow import (
    acknowledge,
    assign,
    close,
    escalate_due,
    extend_deadline,
    lift_holds,
    reopen,
    resolve,
    retry_acknowledgements,
    start_investigation,
)

__all__ = [
    "APOLOGY_TEMPLATE_VERSION",
    "ATTACHMENT_TYPES",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_CODES",
    "MAX_DESCRIPTION",
    "MAX_NOTE",
    "MAX_REFERRAL_REFERENCE",
    "OFFICER_ROLES",
    "PUBLIC_COMPLAINTS_PER_HOUR",
    "Filed",
    "Intake",
    "NotAnOfficer",
    "TooManyComplaints",
    "acknowledge",
    "answer_information_request",
    "assign",
    "close",
    "coach_collector",
    "compensate",
    "complete_coaching",
    "escalate_due",
    "extend_deadline",
    "file_complaint",
    "lift_holds",
    "open_complaint_from_finding",
    "propose_rule",
    "prove_complainant_phone",
    "rate_outcome",
    "record_correction",
    "review_finding_and_coach",
    "reopen",
    "request_information",
    "resolve",
    "retry_acknowledgements",
    "send_apology",
    "send_complainant_code",
    "send_due_replies",
    "start_investigation",
    "waive_fee",
]
