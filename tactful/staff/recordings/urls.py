"""Call recordings and their findings, under /staff/recordings/ in the `staff` namespace."""

from django.urls import path

from tactful.staff.recordings import views

urlpatterns = [
    path("", views.recordings, name="recordings"),
    path("queue/", views.qa_queue, name="qa-queue"),
    path("<uuid:reference>/", views.recording, name="recording"),
    path("<uuid:reference>/audio/", views.recording_audio, name="recording-audio"),
    path("findings/<int:finding_id>/review/", views.review_finding, name="finding-review"),
    path(
        "findings/<int:finding_id>/complaint/",
        views.complaint_from_finding,
        name="finding-complaint",
    ),
    path(
        "findings/<int:finding_id>/coaching/", views.coaching_from_finding, name="finding-coaching"
    ),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge_alert, name="alert-acknowledge"),
]
