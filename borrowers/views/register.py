"""Registering borrowers: the four create forms (issue: Register borrowers)."""

urlpatterns = []
