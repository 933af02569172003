from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    # Mina sidor's *Hämta mina uppgifter*: the borrower's own register extract.
    path("mina-sidor/hamta-mina-uppgifter/", views.borrower_extract, name="borrower_extract"),
]
