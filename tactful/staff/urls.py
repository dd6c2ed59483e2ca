"""The staff pages, under /staff/ in the `staff` namespace: one include per topic."""

from django.urls import include, path

app_name = "staff"
urlpatterns = [
    path("", include("tactful.staff.account.urls")),
    path("work/", include("tactful.staff.work.urls")),
    path("team/", include("tactful.staff.team.urls")),
    path("training/", include("tactful.staff.training.urls")),
    path("templates/", include("tactful.staff.message_templates.urls")),
    path("contacts/", include("tactful.staff.contacts.urls")),
    path("recordings/", include("tactful.staff.recordings.urls")),
    path("complaints/", include("tactful.staff.complaints.urls")),
    path("rights/", include("tactful.staff.rights_desk.urls")),
    path("plan/", include("tactful.staff.plan.urls")),
    path("notices/", include("tactful.staff.notices.urls")),
    path("certifications/", include("tactful.staff.certifications.urls")),
    path("reports/", include("tactful.staff.reports.urls")),
    path("keys/", include("tactful.staff.api_keys.urls")),
    path("people/", include("tactful.staff.people.urls")),
    path("packs/", include("tactful.staff.packs.urls")),
    path("oversight/", include("tactful.staff.oversight.urls")),
]
