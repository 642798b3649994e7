"""Account pages: thin routes that validate a form, call one service, commit once and redirect."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    EmptyForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
)
from app.core.errors import DomainError, InvalidToken, show_on_form
from app.core.i18n import LANGUAGE_COOKIE
from app.core.locking import writes_on_get
from app.core.permissions import Role, anonymous_only, public
from app.core.security import safe_next_url
from app.extensions import db, limiter

bp = Blueprint("accounts", __name__, template_folder="templates")


def _login_account_key() -> str:
    return "login-account:" + services.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    # Only failed attempts count against an account; a successful login redirects.
    return response.status_code != 302


def _login_limits():
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def _account_limits():
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


@bp.route("/register", methods=["GET", "POST"])
@anonymous_only
def register():
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            services.register(
                name=form.name.data, email=form.email.data, password=form.password.data,
                phone_e164=form.phone.data, date_of_birth=form.date_of_birth.data, locale=form.locale.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            return redirect(url_for("accounts.check_inbox"))
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
        services.confirm_email(token)
    except InvalidToken as error:
        return render_template("accounts/token_invalid.html", message=error.message,
                               retry_url=url_for("accounts.login")), 400
    db.session.commit()
    flash(_("Your e-mail address is confirmed. You can log in now."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limits, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limits, methods=["POST"], key_func=_login_account_key, deduct_when=_failed)
@anonymous_only
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.commit()  # a fresh confirmation link may have been queued
            show_on_form(form, error)
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data) or url_for("accounts.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("site.landing"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limits, methods=["POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
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
        services.reset_password(token, form.password.data)
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
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.phone.data = current_user.phone_e164 or ""
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, name=form.name.data, phone_e164=form.phone.data,
                                    locale=form.locale.data, timezone=form.timezone.data)
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


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
    if current_user.is_authenticated:
        logout_user()
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = invitation.name
        form.locale.data = invitation.locale
        form.timezone.data = "Australia/Darwin" if invitation.role == Role.MENTOR else "Asia/Makassar"
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, name=form.name.data, password=form.password.data,
                                              locale=form.locale.data, timezone=form.timezone.data)
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("accounts.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)
