"""Festival pages: the staff desk for applications (list, one application, decisions, ranking, waitlist offers)."""

from collections.abc import Callable

from babel.numbers import get_decimal_symbol
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.converters import requested_page
from app.core.db import get_or_404
from app.core.errors import DomainError, show_on_form
from app.core.pagecache import cached_page, watch_models
from app.core.permissions import Role, staff_required
from app.core.routing import act, url_for_each
from app.core.security import safe_next_url
from app.extensions import db
from app.festival.forms.desk import (
    BulkDecisionForm,
    DecisionForm,
    FilterForm,
    OfferPlaceForm,
    decision_choices,
)
from app.festival.models import Application, ApplicationEvent, Call, Edition
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.call import QuestionKind
from app.festival.routes import bp
from app.festival.services import decisions, listing, scoring, waitlist
from app.festival.services.workflow import DECISIONS

PER_PAGE = 50


def _locale() -> str:
    return str(get_locale())


def _all_calls() -> list[Call]:
    return list(db.session.scalars(
        select(Call).join(Call.edition).options(joinedload(Call.edition))
        .order_by(Edition.starts_on.desc(), Call.position, Call.id)
    ))


def _bulk_summary(outcome: decisions.BulkOutcome) -> str:
    decided = ngettext("%(num)d application decided.", "%(num)d applications decided.", len(outcome.decided))
    if not outcome.skipped:
        return decided
    details = "; ".join(
        _("%(reference)s is %(status)s", reference=a.reference, status=a.status.label.lower())
        for a in outcome.skipped
    )
    return _("%(decided)s %(skipped)d skipped: %(details)s.", decided=decided, skipped=len(outcome.skipped),
             details=details)


# The list shows applications (their scores and reviews are kept on the application row), calls and editions.
watch_models("applications", Application, Call, Edition)


@bp.route("/staff/applications", methods=["GET", "POST"])
@staff_required
@cached_page("staff-list", topics=("applications",), for_role=Role.STAFF)
def desk_list():
    filter_form = FilterForm(formdata=request.args)
    filter_form.set_places(_all_calls(), _locale())
    filter_form.validate()
    filters = filter_form.filters()
    bulk_form = BulkDecisionForm()
    bulk_form.decision.choices = decision_choices(list(DECISIONS))
    if bulk_form.validate_on_submit():
        try:
            outcome = decisions.decide_many(current_user, bulk_form.ids.data, S(bulk_form.decision.data),
                                            bulk_form.message.data or "")
        except DomainError as error:
            db.session.rollback()
            show_on_form(bulk_form, error)
        else:
            db.session.commit()
            flash(_bulk_summary(outcome), "info" if outcome.skipped else "success")
            return redirect(url_for("festival.desk_list", **request.args.to_dict()))
    page = requested_page()
    result = listing.list_applications(current_user, filters, page, per_page=PER_PAGE)
    return _render(
        "list.html", filter_form=filter_form, bulk_form=bulk_form, result=result, page=page,
        pages=listing.page_count(result.total, PER_PAGE), args=filter_form.active_args(), filters=filters,
        offers=waitlist.open_offers(filters.edition_id, filters.call_id),
    )


def _score_format() -> Callable[[float], str]:
    """Scores with two decimals in the viewer's locale (4,25 / 4.25); the symbol is looked up once per page."""
    decimal = get_decimal_symbol(get_locale())
    return lambda value: f"{value:.2f}".replace(".", decimal)


def _render(template: str, **context: object) -> str:
    """Render a desk page with the number formatting every desk page uses."""
    return render_template(f"festival/desk/{template}", score=_score_format(), locale=_locale(),
                           application_url=url_for_each("festival.desk_application", "application_id"),
                           offer_form=OfferPlaceForm(), **context)


def _submitted_or_404(application_id: int) -> Application:
    application = db.session.scalar(
        select(Application).where(Application.id == application_id)
        .options(joinedload(Application.call).joinedload(Call.edition), joinedload(Application.applicant),
                 selectinload(Application.files),
                 selectinload(Application.events).joinedload(ApplicationEvent.actor))
    )
    if application is None or application.status == S.DRAFT:  # drafts stay private to their applicant
        abort(404)
    return application


def _answers(application: Application, locale: str) -> list[tuple[str, object, list]]:
    """(question label, answer, files) for each question of the call, then answers to questions since removed."""
    rows = []
    keys = set()
    for question in application.call.questions:
        keys.add(question.key)
        files = [f for f in application.files if f.question_key == question.key]
        answer = None if question.kind == QuestionKind.PDF else application.answers.get(question.key)
        rows.append((question.label(locale), answer, files))
    rows += [(key, value, []) for key, value in (application.answers or {}).items() if key not in keys]
    return rows


def _reviews(application: Application) -> list[dict]:
    assignments = scoring.submitted_assignments(application)  # a handful per application
    return [{"assignment": a, "by_criterion": {s.criterion_id: s for s in a.scores}} for a in assignments]


@bp.route("/staff/applications/<int:application_id>", methods=["GET", "POST"])
@staff_required
def desk_application(application_id: int):
    application = _submitted_or_404(application_id)
    form = DecisionForm()
    form.decision.choices = decision_choices(decisions.decision_choices(application))
    if form.validate_on_submit():
        try:
            decisions.decide(current_user, application, S(form.decision.data), form.message.data or "")
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
            application = _submitted_or_404(application_id)
            form.decision.choices = decision_choices(decisions.decision_choices(application))
        else:
            db.session.commit()
            flash(_("Decision recorded for %(reference)s: %(status)s. The applicant has been e-mailed.",
                    reference=application.reference, status=application.status.label), "success")
            return redirect(url_for("festival.desk_application", application_id=application.id))
    offer = waitlist.free_place(application.call) if application.status == S.WAITLISTED else None
    return _render(
        "application.html", application=application, form=form, answers=_answers(application, _locale()),
        reviews=_reviews(application), offer=offer,
        files_served="festival.file" in current_app.view_functions,
        can_decide=bool(decisions.decision_choices(application)),
    )


@bp.get("/staff/calls/<int:call_id>/ranking")
@staff_required
def desk_ranking(call_id: int):
    call = db.session.scalar(select(Call).where(Call.id == call_id).options(joinedload(Call.edition)))
    if call is None:
        abort(404)
    offer = waitlist.free_place(call)
    return _render("ranking.html", call=call, rows=listing.rank_call(current_user, call),
                   accepted=waitlist.accepted_count(call), offers=[offer] if offer else [])


@bp.post("/staff/calls/<int:call_id>/offer-place")
@staff_required
def desk_offer_place(call_id: int):
    call = get_or_404(Call, call_id)
    form = OfferPlaceForm()
    back = safe_next_url(form.next.data) or url_for("festival.desk_ranking", call_id=call.id)
    if not form.validate_on_submit():
        flash(_("The form expired or was incomplete. Please try again."), "error")
        return redirect(back)
    application = db.session.get(Application, form.application_id.data)
    if application is None or application.call_id != call.id:
        abort(404)
    act(lambda: waitlist.offer_place(current_user, call, application),
        _("The place is offered to %(reference)s: the application is accepted and the applicant e-mailed.",
          reference=application.reference))
    return redirect(back)
