from django.urls import path

from . import students, views

app_name = "applications"

urlpatterns = [
    # The public applications for a registrar's account or a branch.
    path("ansok/registrerarkonto/", views.library_search, name="library_search"),
    path("ansok/registrerarkonto/uppgifter/", views.apply, name="apply"),
    path("ansok/registrerarkonto/tack/", views.thanks, name="thanks"),
    path("ansok/filial/", views.branch, name="branch"),
    # Registrars' student applications, in Mitt bibliotek's borrower menu.
    path("lantagare/skapa/student/", students.apply, name="create_student"),
    path("lantagare/studentansokningar/", students.applications, name="student_applications"),
]
