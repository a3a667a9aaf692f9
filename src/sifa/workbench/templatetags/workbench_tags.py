from typing import Any

from django import template

from sifa.workbench.navigation import nav_for

register = template.Library()


@register.inclusion_tag("workbench/includes/sidebar.html", takes_context=True)
def workbench_nav(context: template.Context) -> dict[str, Any]:
    """The sidebar for the signed-in user: `{% load workbench_tags %}{% workbench_nav %}`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    role_set: frozenset[str] = getattr(user, "role_set", frozenset())
    path = request.path if request is not None else ""
    return {"links": nav_for(role_set, path)}
