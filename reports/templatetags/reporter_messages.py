"""The reporter conversation panel for officers' pages (report check screen, case page), scoped by the tag itself."""
from django import template
from django.http import Http404

from reports import messaging
from reports.forms import OfficerMessageForm

register = template.Library()


@register.inclusion_tag("reports/_conversation_panel.html", takes_context=True)
def reporter_conversation(context, report):
    """The thread and a short form; nothing for an officer who may not read this conversation."""
    request = context["request"]
    try:
        messaging.report_for_messaging(request.user, report.pk)
    except Http404:
        return {"visible": False}
    thread = list(messaging.conversation(report))
    if not thread and not messaging.contactable(report):
        return {"visible": False}  # an office finding, or a reporter without a PIN: nobody to write to
    return {
        "visible": True, "report": report, "thread": thread, "request": request,
        "may_write": request.user.has_perm(messaging.WRITE_PERM) and messaging.contactable(report),
        "form": OfficerMessageForm(prefix=f"msg{report.pk}"), "next": request.get_full_path() + f"#conv-{report.pk}",
    }
