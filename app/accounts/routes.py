"""Account pages: thin routes that validate a form, call one service, commit once and redirect."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from app.accounts import services, sign_in_links
from app.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    SignInLinkForm,
)
from app.core.clock import now_utc
from app.core.errors import DomainError, InvalidToken, show_on_form
from app.core.forms import ConfirmForm
from app.core.i18n import LANGUAGE_COOKIE, current_locale
from app.core.locking import writes_on_get
from app.core.permissions import Role, anonymous_only, public
from app.core.routing import act, attempt
from app.core.security import client_address, give_back, safe_next_url, seconds_until_free, spend_attempt
from app.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates")

# The limits each form counts against (settings in config.py): one per client address, one per e-mail address.
LIMITS = {
    "login": ("LOGIN_LIMIT_PER_IP", "LOGIN_LIMIT_PER_ACCOUNT"),
    "register": ("REGISTER_LIMIT_PER_IP", "REGISTER_LIMIT_PER_EMAIL"),
    "reset": ("RESET_LIMIT_PER_IP", "RESET_LIMIT_PER_EMAIL"),
    # Counted apart from resets, with the same settings: a link to sign in costs a mailbox what a reset link costs.
    "signin": ("RESET_LIMIT_PER_IP", "RESET_LIMIT_PER_EMAIL"),
    "confirm": ("REGISTER_LIMIT_PER_IP", "REGISTER_LIMIT_PER_EMAIL"),
}


def _attempt(form_name: str, email: str) -> list[tuple[str, str]]:
    """Count this submission against its limits before any work is done (so parallel requests cannot all pass a
    check made before any of them was counted); answer 429 when one is used up. Returns what was counted."""
    per_ip, per_email = LIMITS[form_name]
    # The e-mail as normalised: `USER@…` and ` user@…` are the same account and share its count.
    counted = [(current_app.config[per_ip], f"{form_name}-ip:{client_address()}"),
               (current_app.config[per_email], f"{form_name}-email:{services.normalise_email(email)}")]
    if not all(spend_attempt(limits, key) for limits, key in counted):
        raise TooManyRequests(retry_after=max(seconds_until_free(limits, key) for limits, key in counted))
    return counted


def _give_back(counted: list[tuple[str, str]]) -> None:
    for limits, key in counted:
        give_back(limits, key)


def _sign_in(user, next_url: str | None):
    """A fresh session for `user`, as the login form gives (remember nothing), then where they were going."""
    if current_user.is_authenticated:
        logout_user()  # someone else's session in this browser ends first
    login_user(user, remember=False)
    return redirect(safe_next_url(next_url) or url_for("accounts.home"))


def _stay_logged_in() -> None:
    """After raising the session version, give this browser a new session (and remember-me cookie if it had one)."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(current_user._get_current_object(), remember=remembered)


@bp.route("/register", methods=["GET", "POST"])
@anonymous_only
def register():
    form = RegistrationForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
        form.locale.data = current_locale()  # the language they are reading now, unless they choose another
    # Who may apply, said where the date of birth is asked (in the page's language and date format).
    form.date_of_birth.description = " ".join(services.birth_date_notes(now_utc().date()))
    if form.validate_on_submit():
        _attempt("register", form.email.data)
        done = attempt(form, lambda: services.register(
            name=form.name.data, email=form.email.data, password=form.password.data,
            phone_e164=form.phone.data, date_of_birth=form.date_of_birth.data, locale=form.locale.data,
            next_url=safe_next_url(form.next.data),
        ), then=url_for("accounts.check_inbox"))
        if done:
            return done
    return render_template("accounts/register.html", form=form)


@bp.get("/register/check-inbox")
@public
def check_inbox():
    return render_template("accounts/check_inbox.html")


@bp.get("/confirm/<token>")
@public
@writes_on_get
def confirm(token: str):
    try:
        user, first_opening = services.confirm_email(token)
    except InvalidToken as error:
        return render_template("accounts/token_invalid.html", message=error.message,
                               retry_url=url_for("accounts.login")), 400
    db.session.commit()
    next_url = safe_next_url(request.args.get("next"))
    if first_opening:
        flash(_("Your e-mail address is confirmed. Welcome!"), "success")
        return _sign_in(user, next_url)
    if current_user.is_authenticated and current_user.id == user.id:
        flash(_("Your e-mail address is already confirmed."), "info")
        return redirect(next_url or url_for("accounts.home"))
    flash(_("Your e-mail address is already confirmed. Log in to continue."), "info")
    return redirect(url_for("accounts.login", next=next_url) if next_url else url_for("accounts.login"))


@bp.post("/confirm/resend")
@login_required
def resend_confirmation():
    """The "send the confirmation link again" button (home page, submit step)."""
    if ConfirmForm().validate_on_submit():
        _attempt("confirm", current_user.email)
        if act(lambda: services.resend_confirmation(current_user)):
            flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("accounts.home"))


@bp.post("/login/link")
@public
def request_sign_in_link():
    """ "E-mail me a sign-in link": the login form's second button. The same answer whether the address has an
    account or not."""
    form = SignInLinkForm()
    if form.validate_on_submit():
        _attempt("signin", form.email.data)
        sign_in_links.request_link(form.email.data, safe_next_url(form.next.data))
        db.session.commit()
        flash(_("If this address has an account, we have e-mailed it a sign-in link. It works once, for 15 "
                "minutes."), "info")
        next_url = safe_next_url(form.next.data)
        return redirect(url_for("accounts.login", next=next_url) if next_url else url_for("accounts.login"))
    login_form = LoginForm(formdata=None, email=form.email.data, next=form.next.data)
    login_form.email.errors = list(form.email.errors)
    return render_template("accounts/login.html", form=login_form), 422


@bp.get("/sign-in/<token>")
@public
@writes_on_get
def sign_in_with_link(token: str):
    try:
        user = sign_in_links.use_link(token)
    except InvalidToken as error:
        db.session.rollback()
        return render_template("accounts/token_invalid.html", message=error.message,
                               retry_url=url_for("accounts.login")), 400
    db.session.commit()
    return _sign_in(user, request.args.get("next"))


@bp.route("/login", methods=["GET", "POST"])
@anonymous_only
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        counted = _attempt("login", form.email.data)
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            # The right password is not a guess: the limits count wrong passwords (someone logging in on three
            # devices is not locked out), while every guess still takes its place before its password is checked.
            _give_back(counted)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data) or url_for("accounts.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        # Ends this session and every copy of its cookies (one version per user: other devices log in again too).
        services.end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("site.landing"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        _attempt("reset", form.email.data)
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If this address has an account, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except InvalidToken as error:
        return render_template("accounts/token_invalid.html", message=error.message,
                               retry_url=url_for("accounts.forgot_password")), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except InvalidToken as error:  # used meanwhile, by a second click or another tab
            db.session.rollback()
            return render_template("accounts/token_invalid.html", message=error.message,
                                   retry_url=url_for("accounts.forgot_password")), 400
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your password has been changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: services.change_password(current_user, form.current_password.data,
                                                              form.password.data),
                       after=lambda _: _stay_logged_in(),  # every other session has ended
                       success=_("Your password has been changed."), then=url_for("accounts.profile"))
        if done:
            return done
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.phone.data = current_user.phone_e164 or ""
    if form.validate_on_submit():
        done = attempt(form, lambda: services.update_profile(
            current_user, name=form.name.data, phone_e164=form.phone.data, locale=form.locale.data,
            timezone=form.timezone.data),
                       success=_("Your profile has been saved."), then=url_for("accounts.profile"))
        if done:
            return done
    return render_template("accounts/profile.html", form=form)


@bp.post("/account/sessions/end")
@login_required
def end_other_sessions():
    """The profile's "log out everywhere else" (a lost phone, a shared computer). This browser stays logged in:
    plain logout already ends every session including this one, and the person usually goes on to change the
    password here."""
    if ConfirmForm().validate_on_submit():
        services.end_sessions(current_user)
        db.session.commit()
        _stay_logged_in()
        flash(_("You have been logged out on every other device."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/language")
@public
def set_language():
    form = LanguageForm()
    target = safe_next_url(form.next.data) or url_for("site.landing")
    if not form.validate_on_submit():
        return redirect(target)
    actor = current_user if current_user.is_authenticated else None
    services.set_language(actor, form.language.data)
    db.session.commit()
    response = redirect(target)
    response.set_cookie(LANGUAGE_COOKIE, form.language.data, max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    try:
        invitation = services.invitation_for_token(token)
    except InvalidToken as error:
        return render_template("accounts/token_invalid.html", message=error.message, retry_url=None), 400
    if current_user.is_authenticated:  # never logged out by opening a link: they choose, with a POST
        return _accept_invitation_logged_in(token, invitation)
    if request.method == "GET" and services.find_user_by_email(invitation.email) is not None:
        # An extra role for an existing account: they log in, then accept. (A POST goes to the service, which
        # says "already used" first when ten clicks race.)
        return render_template("accounts/invitation_account.html", invitation=invitation, case="log_in")
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = invitation.name
        form.locale.data = invitation.locale
        form.timezone.data = "Australia/Darwin" if invitation.role == Role.MENTOR else "Asia/Makassar"
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, name=form.name.data, password=form.password.data,
                                              locale=form.locale.data, timezone=form.timezone.data)
        except InvalidToken as error:
            db.session.rollback()
            return render_template("accounts/token_invalid.html", message=error.message, retry_url=None), 400
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("accounts.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


def _accept_invitation_logged_in(token: str, invitation):
    """The invitee adds the role to the account they are logged in to; anyone else may log out and continue."""
    form = ConfirmForm()
    if current_user.email != invitation.email:
        if form.validate_on_submit() and request.form.get("action") == "log_out":
            logout_user()
            return redirect(url_for("accounts.accept_invitation", token=token))
        return render_template("accounts/invitation_account.html", invitation=invitation, case="other", form=form)
    if form.validate_on_submit():
        try:
            services.accept_invitation_as(current_user._get_current_object(), token)  # the User, to lock its row
        except DomainError as error:
            db.session.rollback()
            return render_template("accounts/token_invalid.html", message=error.message, retry_url=None), 400
        db.session.commit()
        flash(_("Done: you are now also %(role)s.", role=invitation.role.label), "success")
        return redirect(url_for("accounts.home"))
    return render_template("accounts/invitation_account.html", invitation=invitation, case="accept", form=form)
