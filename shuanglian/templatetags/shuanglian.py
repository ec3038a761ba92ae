from django import template

from shuanglian.scoping import display_user, shown_id_number

register = template.Library()


def _reader(context):
    request = context.get("request")
    return request.user if request is not None else None


@register.simple_tag(takes_context=True)
def id_number(context, value):
    """An ID number as the signed-in user may see it: masked unless their role allows it."""
    return shown_id_number(_reader(context), value)


@register.simple_tag(takes_context=True)
def person(context, user):
    """Who someone is, for the signed-in user: the full name, else the account name (masked where needed)."""
    return display_user(_reader(context), user)
