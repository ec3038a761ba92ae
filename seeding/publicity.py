"""Demo data of the publicity app on the demo county: a published typical case with a generated
placeholder photo, last year's closed evaluation round published, and this year's lead unit with
one meeting (so the county is listed as missing its second). Idempotent."""
from __future__ import annotations

import io
from datetime import date

from django.utils import timezone
from PIL import Image, ImageDraw

from assessments.models import EvaluationRound
from households.models import Area
from pairing.models import Cadre, Unit
from publicity.models import LeadMeeting, LeadUnit, RoundPublication, TypicalCase
from publicity.services import publish_round, record_lead_unit, record_meeting, review_case, submit_case

CASE_TITLE = "发展花椒产业，联系户户均增收三千元"
CASE_TEXT = """联村单位组织干部多次进村入户，与村两委一起谋划产业，引进花椒良种，
请技术员开展栽培培训，协调小额信贷扶持农户种植。
两年来全村新增花椒种植八百亩，联系户户均增收三千元，群众满意度明显提高。"""


def _placeholder_photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = Image.new("RGB", (640, 400), (46, 110, 73))
    ImageDraw.Draw(image).rectangle((40, 260, 600, 360), fill=(120, 170, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")


def seed_publicity(*, county_code: str, unit_code: str, office, unit_admin) -> None:
    county = Area.objects.get(code=county_code)
    unit = Unit.objects.get(code=unit_code)
    if not TypicalCase.objects.filter(title=CASE_TITLE).exists():
        cadre = Cadre.objects.filter(unit=unit).order_by("id_number").first()
        case, _created = submit_case(by=unit_admin, category="industry", title=CASE_TITLE, text=CASE_TEXT, unit=unit,
                                     cadre=cadre, photos=[_placeholder_photo()])
        review_case(case=case, by=office, publish=True)
    # Last year's round is closed by seeding.evaluation: its results go on the public page.
    closed = EvaluationRound.objects.filter(area=county, closed_at__isnull=False).order_by("-year").first()
    if closed is not None and not RoundPublication.objects.filter(round=closed).exists():
        publish_round(rnd=closed, by=office)
    year = timezone.localdate().year
    lead = LeadUnit.objects.filter(county=county, year=year).first() or record_lead_unit(
        county=county, year=year, unit=unit, by=office)
    if not LeadMeeting.objects.filter(lead=lead).exists():
        record_meeting(lead=lead, on=date(year, 1, 1), topic="双联行动成员单位第一次会商会", attendees=14, by=office)
