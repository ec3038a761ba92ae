from django import template

from shuanglian.scoping import shown_id_number

register = template.Library()


@register.simple_tag(takes_context=True)
def id_number(context, value):
    """An ID number as the signed-in user may see it: masked unless their role allows it."""
    return shown_id_number(context["request"].user, value)
