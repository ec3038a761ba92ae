"""The links of the top bar, by what the signed-in user's role can open."""
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from shuanglian import scoping

# (url name, label, who: "area" — offices and leaders, "staff" — also unit administrators, "cadre")
LINKS = [
    ("dashboard", _("看板"), "area"),
    ("visits-workspace", _("我的双联"), "cadre"),
    ("visits-due", _("滞后名单"), "staff"),
    ("reports-index", _("台账报表"), "staff"),
    ("evaluation-results", _("评议结果"), "any"),
    ("exit-checklists", _("脱贫核查"), "cadre"),
    ("identification-yearly", _("动态调整"), "area"),
    ("identification-villages", _("识别退出"), "area"),
    ("discipline-office", _("督查问责"), "area"),
    ("publicity-cases", _("典型"), "staff"),
    ("planning-gaps", _("脱贫计划"), "area"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    scope = scoping.scope_for(user)
    kinds = {"any"}
    if scoping.sees_region(scope):
        kinds |= {"area", "staff"}
    if scoping.is_unit_admin(scope):
        kinds.add("staff")
    if scoping.is_cadre(scope):
        kinds.add("cadre")
    links = []
    for name, label, who in LINKS:
        if who in kinds:
            try:
                links.append({"url": reverse(name), "label": label, "active": request.path.startswith(reverse(name))})
            except NoReverseMatch:
                continue
    return {"nav_links": links}
