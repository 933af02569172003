"""Finding and managing borrowers: search, lists, borrower page, edit (issue: Find and manage)."""

urlpatterns = []
