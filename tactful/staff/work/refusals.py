"""Why an action of the account page was refused, in the collector's words."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tactful.errors import ServiceError

REFUSALS: dict[str, Promise] = {
    "template_not_usable": gettext_lazy(
        "This template version is not approved for use. Choose one from the list on this page."
    ),
    "template_wrong_audience": gettext_lazy("This template is written for another recipient."),
    "recipient_not_of_loan": gettext_lazy("This person is not connected to this account."),
    "not_your_call": gettext_lazy("Only the collector who placed a call logs how it went."),
    "outcome_already_reported": gettext_lazy("This call was logged already."),
    "permit_denied": gettext_lazy("This call was not allowed, so there is nothing to log."),
    "not_allowed_to_assign": gettext_lazy(
        "Only a supervisor moves accounts; a collector may take one from the pool."
    ),
    "not_a_collector": gettext_lazy("Accounts are given to collectors only."),
    "promise_pending": gettext_lazy("A promise on this loan is still waiting for its day."),
    "promise_in_past": gettext_lazy("The day of a promise cannot be in the past."),
    "promise_too_far": gettext_lazy("That day is further away than the rules allow a promise."),
    "promise_above_outstanding": gettext_lazy("The amount is more than what is owed."),
    "invalid_amount": gettext_lazy("The amount is not valid for this loan's currency."),
    "nothing_owed": gettext_lazy("Nothing is owed on this loan."),
    "loan_restructured": gettext_lazy("This loan was moved into a plan; work the plan instead."),
    "invalid_input": gettext_lazy("Some of what was entered is not valid: check the fields."),
    "not_allowed_to_pause": gettext_lazy("A supervisor decides on a hardship pause."),
    "not_allowed_to_review": gettext_lazy("A supervisor decides on hardship and distress."),
    "contact_not_reachable": gettext_lazy(
        "This person refused or was removed: nobody may reach them, so the number stays hidden."
    ),
    "cost_cap_exceeded": gettext_lazy("No plan for this loan stays within the cost cap."),
    "pause_overlaps": gettext_lazy("A pause already covers some of these days."),
    "pause_too_long": gettext_lazy("That pause is longer than the rules allow."),
    "pause_in_future": gettext_lazy("A pause starts today or earlier."),
    "ends_on": gettext_lazy("The day ageing resumes must come after today."),
}


def refusal_words(refusal: ServiceError) -> str:
    words = REFUSALS.get(refusal.code)
    if words is None:
        return _("This action could not be done. Nothing was changed.")
    return str(words)
