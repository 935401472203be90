"""The SEND self-evaluation: leaders' judgements with the evidence, actions, PDF and Word copy."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from reports.information_report.views import academic_year_label
from reports.models import HEADINGS, SelfEvaluation
from reports.self_evaluation import evidence
from reports.self_evaluation.forms import ActionFormSet, SelfEvaluationForm
from sendhub.pdf import pdf_response, render_pdf


def _evaluations(user):
    return SelfEvaluation.objects.for_school(user.school)


def _document(request, evaluation):
    """What the page, the PDF and the Word copy show: evidence frozen once finalised."""
    found = evaluation.evidence if not evaluation.is_draft else evidence.gather(request.user)
    actions = list(evaluation.actions.all())
    return {
        "evaluation": evaluation,
        "school": evaluation.school,
        "headings": [
            {
                "heading": heading,
                "grade": grade,
                "text": text,
                "evidence": found.get(heading.key, {}),
                "actions": [action for action in actions if action.heading == heading.key],
            }
            for heading, grade, text in evaluation.judgements()
        ],
        "evidence_as_of": date.fromisoformat(found["as_of"]) if found.get("as_of") else None,
        "document_title": f"SEND self-evaluation {evaluation.academic_year}",
        "printed_on": date.today(),
    }


@require_GET
@permission_required("reports.view_selfevaluation", raise_exception=True)
def self_evaluation(request):
    """Every version of the school's self-evaluation, newest first."""
    versions = list(_evaluations(request.user).for_list())
    return render(
        request,
        "reports/self_evaluation/list.html",
        {"versions": versions, "draft": next((v for v in versions if v.is_draft), None)},
    )


@require_POST
@permission_required("reports.change_selfevaluation", raise_exception=True)
@transaction.atomic
def self_evaluation_start(request):
    """Open a draft, carrying over the last version's words and actions."""
    user = request.user
    draft = _evaluations(user).drafts().select_for_update().first()
    if draft is None:
        draft = SelfEvaluation.start_draft(
            school=user.school, by=user, academic_year=academic_year_label(date.today())
        )
        messages.success(request, f"Draft version {draft.number} started.")
    return redirect("reports:self_evaluation_edit", pk=draft.pk)


@require_GET
@permission_required("reports.view_selfevaluation", raise_exception=True)
def self_evaluation_detail(request, pk):
    evaluation = get_object_or_404(
        _evaluations(request.user).select_related("school", "finalised_by"), pk=pk
    )
    return render(request, "reports/self_evaluation/detail.html", _document(request, evaluation))


@permission_required("reports.change_selfevaluation", raise_exception=True)
@transaction.atomic
def self_evaluation_edit(request, pk):
    """Judgements, words and actions of a draft, saved together or not at all."""
    draft = get_object_or_404(_evaluations(request.user).drafts(), pk=pk)
    form = SelfEvaluationForm(request.POST or None, instance=draft)
    actions = ActionFormSet(request.POST or None, instance=draft, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        form.instance._change_reason = "Draft saved"
        form.save()
        actions.save()
        messages.success(request, "Self-evaluation saved.")
        return redirect("reports:self_evaluation_edit", pk=draft.pk)
    found = evidence.gather(request.user)
    return render(
        request,
        "reports/self_evaluation/edit.html",
        {
            "evaluation": draft,
            "form": form,
            "actions": actions,
            "headings": [
                {
                    "heading": heading,
                    "grade": form[f"{heading.key}_grade"],
                    "text": form[f"{heading.key}_text"],
                    "evidence": found[heading.key],
                }
                for heading in HEADINGS
            ],
        },
    )


@require_POST
@permission_required("reports.change_selfevaluation", raise_exception=True)
def self_evaluation_finalise(request, pk):
    """Freeze a draft with today's evidence."""
    draft = get_object_or_404(_evaluations(request.user).drafts(), pk=pk)
    draft.finalise(by=request.user, evidence=evidence.gather(request.user), now=timezone.now())
    messages.success(
        request, f"Version {draft.number} finalised: its evidence is kept as of today."
    )
    return redirect(draft)


@require_GET
@permission_required("reports.view_selfevaluation", raise_exception=True)
def self_evaluation_pdf(request, pk):
    evaluation = get_object_or_404(_evaluations(request.user).select_related("school"), pk=pk)
    pdf = render_pdf(
        "reports/pdf/self_evaluation.html", _document(request, evaluation), request=request
    )
    return pdf_response(pdf, filename=f"send-self-evaluation-v{evaluation.number}")


@require_GET
@permission_required("reports.view_selfevaluation", raise_exception=True)
def self_evaluation_word(request, pk):
    """A self-contained .html file with inline styles, which Word opens as a document."""
    evaluation = get_object_or_404(_evaluations(request.user).select_related("school"), pk=pk)
    html = render_to_string(
        "reports/self_evaluation/word.html", _document(request, evaluation), request=request
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="send-self-evaluation-v{evaluation.number}.html"'
    )
    return response
