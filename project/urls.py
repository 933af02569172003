from django.contrib import admin
from django.urls import include, path

from applications import students
from borrowers import urls as borrower_urls
from libraries import urls as library_urls
from privacy import views as privacy_views
from selfservice import urls as selfservice_urls

from . import views

# libraries:start is the start page, which needs borrowers, transfers and applications:
# the roof adds it to the libraries namespace so that no app imports upwards.
libraries_with_start = (
    [path("", views.start, name="start"), *library_urls.urlpatterns],
    library_urls.app_name,
)

# Mina sidor's Hämta mina uppgifter is privacy's view (privacy sits above selfservice).
selfservice_with_extract = (
    [
        *selfservice_urls.urlpatterns,
        path("hamta-mina-uppgifter/", privacy_views.borrower_extract, name="extract"),
    ],
    selfservice_urls.app_name,
)

# The student applications (applications sits above borrowers) keep their place and
# names in Mitt bibliotek's borrower menu: the roof adds them to the borrowers namespace.
borrowers_with_students = (
    [
        *borrower_urls.urlpatterns,
        path("skapa/student/", students.apply, name="create_student"),
        path("studentansokningar/", students.applications, name="student_applications"),
    ],
    borrower_urls.app_name,
)

urlpatterns = [
    path("", include(libraries_with_start)),
    path("mitt-bibliotek/statistik/", include("stats.urls")),
    path("konto/", include("accounts.urls")),
    path("lantagare/", include(borrowers_with_students)),
    path("flytt/", include("transfers.urls")),
    path("mina-sidor/", include(selfservice_with_extract)),
    path("ansok/", include("applications.urls")),
    path("api/v1/", include("selfservice.api_urls")),
    path("", include("signin.urls")),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("sessionen/fortsatt/", views.keep_alive, name="keep_alive"),
    path("healthz", views.healthz, name="healthz"),
    path("webauthn/", include("project.webauthn_urls")),
    path("admin/", admin.site.urls),
]
