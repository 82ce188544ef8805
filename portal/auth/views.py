"""Signing in and out, registration, address checks and forgotten passwords.

Two-step sign-in pages are in ``two_step.py``; the security settings (sessions, password
change, confirming who you are) in ``security.py``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from portal.accounts import sessions, two_factor
from portal.accounts import sign_in as services
from portal.accounts.access import dashboard_url, is_safe_next
from portal.accounts.models import User
from portal.audit.services import record as audit
from portal.auth import bp
from portal.auth.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from portal.charter.wording import format_london_time
from portal.database import utcnow
from portal.extensions import limiter

SIGN_IN_FAILED = "The email address or password is not right. Check them and try again."


def sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _email_limit() -> str:
    return current_app.config["EMAIL_RATE_LIMIT"]


def _wait_message(when: datetime) -> str:
    minutes = max(1, math.ceil((when - utcnow()).total_seconds() / 60))
    shown = (when + timedelta(seconds=59)).replace(second=0, microsecond=0)
    return (
        "There have been too many attempts to sign in. For your security, please wait and "
        f"try again after {format_london_time(shown)} (in about {minutes} "
        f"minute{'s' if minutes != 1 else ''}). If you have forgotten your password, "
        "you can reset it now."
    )


def too_many(template: str, form, when: datetime, **context):
    """The form again with a 429 and how long to wait (the throttle's refusal)."""
    form.form_errors.append(_wait_message(when))
    response = make_response(render_template(template, form=form, **context), 429)
    response.headers["Retry-After"] = str(max(1, math.ceil((when - utcnow()).total_seconds())))
    return response


def signed_in(user: User, target: str | None):
    """Where a person goes once signed in: the page they asked for, if it is ours."""
    if target and is_safe_next(target):
        return redirect(target)
    return redirect(dashboard_url(user))


# -- signing in and out -------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    result = services.sign_in(
        form.email.data,
        form.password.data,
        address=request.remote_addr or "",
        remember=bool(form.remember.data),
        next_url=form.next.data or "",
    )
    if result.retry_at is not None:
        return too_many("auth/login.html", form, result.retry_at)
    if result.user is None:
        form.form_errors.append(SIGN_IN_FAILED)
        return render_template("auth/login.html", form=form)
    if result.needs_verification:
        return render_template("auth/verify_pending.html", email=result.user.email)
    if result.needs_code:
        setup = not two_factor.is_enabled(result.user)
        return redirect(url_for("auth.two_factor_setup" if setup else "auth.two_factor_code"))
    return signed_in(result.user, result.next_url)


@bp.route("/sign-out", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit("auth.sign_out", current_user, subject=current_user)
        sessions.end_current()
    else:
        session.clear()
    flash("You have signed out.", "success")
    response = redirect(url_for("visitor.home"))
    # Whatever this browser kept of the signed-in pages goes too (V14.3.1).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


# -- registration and email ------------------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        services.register_member(form.full_name.data, form.email.data, form.password.data)
        # The same page whether or not the address was already registered.
        return render_template("auth/verify_pending.html", email=form.email.data.strip())
    return render_template("auth/register.html", form=form)


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    # The link opens a page with a button rather than acting on GET: mail scanners follow
    # links, and must not use up the person's one-time link.
    if request.method == "POST":
        try:
            user = services.verify_email(token)
        except services.AuthError as exc:
            return render_template("auth/link_problem.html", message=str(exc)), 400
        flash("Thank you, your email address is confirmed. You can sign in now.", "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(dashboard_url(user))
        return redirect(url_for("auth.login"))
    return render_template("auth/verify_confirm.html", token=token)


# -- forgotten passwords ---------------------------------------------------------------------


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        minutes = current_app.config["PASSWORD_RESET_MINUTES"]
        return render_template(
            "auth/reset_sent.html", email=form.email.data.strip(), minutes=minutes
        )
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        record = services.check_reset_token(token)
    except services.AuthError as exc:
        return render_template("auth/link_problem.html", message=str(exc), reset=True), 400
    form = ResetPasswordForm()
    form.account = record.user
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.AuthError as exc:
            return render_template("auth/link_problem.html", message=str(exc), reset=True), 400
        sessions.end_current("password reset")
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token)
