"""Officer workspace views: thin, each calls one selector or service."""
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from cases.selectors import case_for_user, cases_visible_to


@login_required
def home(request):
    cases = cases_visible_to(request.user).exclude(next_due__isnull=True).order_by("next_due", "id")[:20]
    return render(request, "cases/home.html", {"cases": cases})


@login_required
def queue(request):
    cases = cases_visible_to(request.user).select_related("election", "region")[:50]
    return render(request, "cases/queue.html", {"cases": cases})


@login_required
def case_detail(request, pk):
    case = case_for_user(request.user, pk)
    return render(request, "cases/detail.html", {"case": case})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
