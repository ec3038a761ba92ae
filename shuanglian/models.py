"""Who looked at personal data, and who took data away (DOMAIN §2; personal data rules)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """One request that exported data, or showed pages with full ID numbers to a role allowed
    to see them. Written by ``shuanglian.middleware.AccessLogMiddleware``; never edited."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("导出")
        VIEW = "view", _("查看完整身份证号")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("用户"))
    username = models.CharField(_("用户名"), max_length=150)  # kept when the account goes
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    unmasked = models.BooleanField(_("含完整身份证号"), default=False)
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("地址"), max_length=500)
    status = models.PositiveSmallIntegerField(_("状态码"))
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("数据访问记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()} {self.path}"
