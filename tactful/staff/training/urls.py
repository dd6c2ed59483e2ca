from django.urls import path

from tactful.staff.training import views

urlpatterns = [
    path("", views.training, name="training"),
    path("quiz/", views.start, name="quiz-start"),
    path("quiz/<uuid:reference>/", views.quiz, name="quiz"),
]
