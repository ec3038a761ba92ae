"""The visit form's tasks: fixed choices that every form shares instead of copying
(visits.forms.FixedChoicesField), while each form still owns its field and widget."""
import uuid

from django.utils import translation

from visits.forms import VisitForm
from visits.models import Task


def posted(**values):
    return VisitForm({"households": ["1"], "start": "2025-06-02", "end": "2025-06-02", "key": str(uuid.uuid4()),
                      **values}, by_id=True, households=None)


def test_the_visit_form_takes_the_tasks_it_offers():
    form = posted(tasks=["policy", "models"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["tasks"] == ["policy", "models"]


def test_the_visit_form_refuses_a_task_it_does_not_offer():
    form = posted(tasks=["policy", "fishing"])
    assert not form.is_valid() and "tasks" in form.errors


def test_a_change_to_one_forms_tasks_leaves_the_next_form_as_declared():
    first = VisitForm(households=None)
    first.fields["tasks"].widget.attrs["class"] = "changed"
    first.fields["tasks"].required = True
    second = VisitForm(households=None)
    assert "class" not in second.fields["tasks"].widget.attrs and not second.fields["tasks"].required
    assert second.fields["tasks"] is not first.fields["tasks"]
    assert second.fields["tasks"].widget is not first.fields["tasks"].widget


def test_the_visit_form_shows_every_task_in_the_language_of_the_request():
    with translation.override("en"):
        english = VisitForm(households=None)["tasks"].as_widget()
    chinese = VisitForm(households=None)["tasks"].as_widget()
    assert "Explaining policies" in english and "Spreading good examples" in english
    assert all(f'value="{task.value}"' in chinese for task in Task)
    assert "政策宣传" in chinese and "Explaining policies" not in chinese
