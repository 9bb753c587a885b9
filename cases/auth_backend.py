"""The login backend: Django's ModelBackend, reading the signed-in user of every request with what each page
shows of them (roles, region, agency, unread notifications) in one ORM query (cases.selectors.page_users).
Login, passwords and permissions are ModelBackend's own."""
from django.contrib.auth.backends import ModelBackend


class PageUserBackend(ModelBackend):
    def get_user(self, user_id):
        from cases.selectors import page_user_by_id

        user = page_user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
