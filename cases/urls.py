"""Officer workspace URLs: queue, case page and its actions, notifications, portals per institution."""
from django.urls import path

from cases import views, views_calendar

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("bulk-letters/", views.bulk_letters, name="bulk_letters"),
    path("print-selected/", views.print_selected, name="print_selected"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/print/", views.case_print, name="print"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/notes/", views.note_create, name="note_create"),
    path("<int:pk>/respondents/", views.respondent_add, name="respondent_add"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.notifications_bell, name="notifications_bell"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("ppk/", views.ppk_portal, name="ppk"),
    path("bkn/", views.bkn_portal, name="bkn"),
    path("ministry/", views.ministry_portal, name="ministry"),
    path("workload/", views.workload, name="workload"),
    path("kalender/", views_calendar.calendar_year, name="calendar"),
    path("kalender/impor/", views_calendar.calendar_import, name="calendar_import"),
    path("kalender/<int:pk>/", views_calendar.calendar_edit, name="calendar_edit"),
    path("kalender/<int:pk>/hapus/", views_calendar.calendar_delete, name="calendar_delete"),
    path("kalender/aturan/<int:pk>/", views_calendar.calendar_rule, name="calendar_rule"),
]
