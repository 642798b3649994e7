"""Festival pages: the staff desk for applications (list, one application, decisions, ranking, waitlist offers)."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

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
from app.core.forms import ConfirmForm
from app.core.pagecache import cached_page, watch_models
from app.core.permissions import Role, staff_required
from app.core.routing import act, attempt, url_for_each
from app.core.security import safe_next_url
from app.extensions import db
from app.festival.forms.desk import (
    BulkDecisionForm,
    Decision,
    DecisionForm,
    FilterForm,
    OfferPlaceForm,
    RevisionForm,
    decision_choices,
)
from app.festival.models import Application, ApplicationEvent, Call, Edition
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.call import QuestionKind
from app.festival.routes import bp
from app.festival.services import decisions, listing, scoring, waitlist
from app.festival.services.workflow import DECISIONS

PER_PAGE = 50
MAX_BULK = 2000  # one bulk draft at most (a whole call of 800 in one go); a filter matching more is narrowed first


def _locale() -> str:
    return str(get_locale())


def _all_calls() -> list[Call]:
    return list(db.session.scalars(
        select(Call).join(Call.edition).options(joinedload(Call.edition))
        .order_by(Edition.starts_on.desc(), Call.position, Call.id)
    ))


def _bulk_summary(outcome: decisions.BulkOutcome) -> str:
    decided = ngettext("%(num)d decision drafted; nothing is sent until you release the call's decisions.",
                       "%(num)d decisions drafted; nothing is sent until you release the call's decisions.",
                       len(outcome.decided))
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
    confirming = None
    ids = _bulk_ids(bulk_form, filters) if bulk_form.validate_on_submit() else None
    if ids is not None and bulk_form.confirmed.data != "1":
        # The count is shown again and confirmed before anything is drafted; the confirmation carries the ids.
        confirming = {"count": len(ids), "decision": Decision(bulk_form.decision.data).label, "ids": ids}
    elif ids is not None:
        try:
            outcome = decisions.decide_many(current_user, ids, S(bulk_form.decision.data),
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
    bulk_form.all_matching.label.text = ngettext(
        "The %(num)d application that matches the filter", "All %(num)d applications that match the filter, on "
        "every page", result.total)
    list_args = {**filter_form.active_args(), **({"page": str(page)} if page > 1 else {})}
    return _render(
        "list.html", list_query=_query(list_args), filter_form=filter_form, bulk_form=bulk_form, result=result,
        page=page, pages=listing.page_count(result.total, PER_PAGE), args=filter_form.active_args(), filters=filters,
        offers=waitlist.open_offers(filters.edition_id, filters.call_id), confirming=confirming,
    )


def _bulk_ids(form: BulkDecisionForm, filters: listing.ApplicationFilters) -> list[int] | None:
    """The ticked ids, or every id the filter matches (at most MAX_BULK; None and an error on the form beyond)."""
    if not form.all_matching.data:
        return sorted(set(form.ids.data))
    result = listing.list_applications(current_user, filters, 1, per_page=MAX_BULK)
    if result.total > MAX_BULK:
        form.all_matching.errors = [_("At most %(max)d applications at once: narrow the filter.", max=MAX_BULK)]
        return None
    return sorted(row.id for row in result.rows)


def _query(args: dict[str, str]) -> str:
    return "?" + urlencode(args) if args else ""


@dataclass
class Neighbours:
    """Where the detail page leads within the list it was opened from (its filters, sort and page)."""

    back: str
    previous: str | None = None
    next: str | None = None


def _neighbours(application_id: int) -> Neighbours:
    """The applications before and after this one in the filtered list: the list's own query, one page (and at a page
    edge the page beside it), so the order is exactly the list's."""
    filter_form = FilterForm(formdata=request.args)
    filter_form.set_places(_all_calls(), _locale())
    filter_form.validate()
    args = filter_form.active_args()
    page = requested_page()
    back = url_for("festival.desk_list", **args, **({"page": page} if page > 1 else {}))
    if not request.args:
        return Neighbours(back)  # opened from elsewhere (a link in a mail, the ranking): no list to walk
    filters = filter_form.filters()
    result = listing.list_applications(current_user, filters, page, per_page=PER_PAGE)
    ids = [row.id for row in result.rows]
    if application_id not in ids:
        return Neighbours(back)

    def link(target: int, on_page: int) -> str:
        return url_for("festival.desk_application", application_id=target, **args,
                       **({"page": on_page} if on_page > 1 else {}))

    found = Neighbours(back)
    at = ids.index(application_id)
    if at > 0:
        found.previous = link(ids[at - 1], page)
    elif page > 1:
        before = listing.list_applications(current_user, filters, page - 1, per_page=PER_PAGE).rows
        found.previous = link(before[-1].id, page - 1) if before else None
    if at < len(ids) - 1:
        found.next = link(ids[at + 1], page)
    elif page * PER_PAGE < result.total:
        after = listing.list_applications(current_user, filters, page + 1, per_page=PER_PAGE).rows
        found.next = link(after[0].id, page + 1) if after else None
    return found


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
    """(question label, answer, files) for each question of the call, then answers to questions since removed, under
    the question's last label (never its key, an internal name)."""
    rows = []
    keys = set()
    for question in application.call.questions:
        keys.add(question.key)
        files = [f for f in application.files if f.question_key == question.key]
        answer = None if question.kind == QuestionKind.PDF else application.answers.get(question.key)
        rows.append((question.label(locale), answer, files))
    labels = application.call.removed_question_labels or {}
    unknown = _("A question since removed from the call")
    for key, value in (application.answers or {}).items():
        if key not in keys:
            last = labels.get(key) or {}
            label = (last.get("en") if locale == "en" else None) or last.get("ind")
            rows.append((_("%(label)s (since removed from the call)", label=label) if label else unknown, value, []))
    return rows


def _reviews(application: Application) -> list[dict]:
    assignments = scoring.submitted_assignments(application)  # a handful per application
    return [{"assignment": a, "by_criterion": {s.criterion_id: s for s in a.scores}} for a in assignments]


@bp.route("/staff/applications/<int:application_id>", methods=["GET", "POST"])
@staff_required
def desk_application(application_id: int):
    application = _submitted_or_404(application_id)
    form = DecisionForm(data={"decision": application.draft_decision and application.draft_decision.value,
                              "message": application.draft_message})
    form.decision.choices = decision_choices(decisions.decision_choices(application))
    if form.validate_on_submit():
        try:
            found = decisions.decide(current_user, application, S(form.decision.data), form.message.data or "")
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
            application = _submitted_or_404(application_id)
            form.decision.choices = decision_choices(decisions.decision_choices(application))
        else:
            db.session.commit()
            flash(_("Decision drafted for %(reference)s: %(status)s. Nothing is sent until you release the "
                    "call's decisions.", reference=application.reference, status=application.draft_decision.label),
                  "success")
            if found:  # warnings, never refusals: deciding early is allowed
                flash(_("Please note: %(warnings)s", warnings=" ".join(found)), "info")
            return redirect(url_for("festival.desk_application", application_id=application.id,
                                    **request.args.to_dict()))
    return _render_application(application, form, RevisionForm(formdata=None))


def _render_application(application: Application, form: DecisionForm, revision: RevisionForm) -> str:
    revision.decision.choices = decision_choices(decisions.revision_choices(application))
    offer = waitlist.free_place(application.call) if application.status == S.WAITLISTED else None
    can_decide = bool(decisions.decision_choices(application))
    return _render(
        "application.html", application=application, form=form, answers=_answers(application, _locale()),
        reviews=_reviews(application), offer=offer, revision=revision, nav=_neighbours(application.id),
        thumbnails="festival.file_thumbnail" in current_app.view_functions,
        files_served="festival.file" in current_app.view_functions, can_decide=can_decide,
        warnings=decisions.warnings(application) if can_decide else [],
    )


@bp.post("/staff/applications/<int:application_id>/revise")
@staff_required
def desk_revise(application_id: int):
    application = _submitted_or_404(application_id)
    revision = RevisionForm()
    if revision.validate_on_submit():
        done = attempt(revision, lambda: decisions.revise(current_user, application, S(revision.decision.data),
                                                          revision.reason.data),
                       success=_("The decision is changed and the applicant has been e-mailed the reason."),
                       then=url_for("festival.desk_application", application_id=application_id,
                                    **request.args.to_dict()))
        if done:
            return done
        application = _submitted_or_404(application_id)
    form = DecisionForm(formdata=None)
    form.decision.choices = decision_choices(decisions.decision_choices(application))
    return _render_application(application, form, revision)


@bp.post("/staff/applications/<int:application_id>/clear-draft")
@staff_required
def desk_clear_draft(application_id: int):
    application = _submitted_or_404(application_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: decisions.clear_draft(current_user, application), _("The drafted decision is cleared."))
    return redirect(url_for("festival.desk_application", application_id=application_id, **request.args.to_dict()))


@bp.route("/staff/calls/<int:call_id>/decisions", methods=["GET", "POST"])
@staff_required
def desk_release(call_id: int):
    call = db.session.scalar(select(Call).where(Call.id == call_id).options(joinedload(Call.edition)))
    if call is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        if act(lambda: decisions.release(current_user, call),
               lambda outcome: ngettext("%(num)d decision sent.", "%(num)d decisions sent.", len(outcome.decided))):
            return redirect(url_for("festival.desk_list", call=call.id))
        return redirect(url_for("festival.desk_release", call_id=call.id))
    drafted = decisions.drafted(call)
    counts = {decision: sum(1 for a in drafted if a.draft_decision == decision) for decision in DECISIONS}
    return _render("release.html", call=call, drafted=drafted, counts=counts, form=form,
                   previews=decisions.previews(call, drafted))


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
