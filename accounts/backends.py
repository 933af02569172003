from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """Django's ModelBackend, reading the staff member's library with the user.

    Every staff page shows or scopes by `request.user.library`; reading it in the
    same query as the user saves a query on every request (docs/performance.md).
    """

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("library").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
