"""The login backend: Django's ModelBackend, reading the signed-in user of every request in one statement with
what each page shows of them (roles, region, agency, unread notifications; cases.page_user.page_user_by_id).

Before, a page read the user row (the session's user) and then, in a second round trip, the page data
(cases.page_user.load_page_user): 8 % of the queue page's CPU. Login, passwords and permissions are unchanged.
"""
from django.contrib.auth.backends import ModelBackend

from cases.page_user import page_user_by_id


class PageUserBackend(ModelBackend):
    def get_user(self, user_id):
        user = page_user_by_id(user_id)  # already an int: django.contrib.auth.get_user converts the session value
        return user if user is not None and self.user_can_authenticate(user) else None
