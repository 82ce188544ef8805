"""Sign in and out, registration, address checks and passwords."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth import bp, services
from portal.auth.access import dashboard_url, is_safe_next
from portal.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from portal.extensions import db

SIGN_IN_FAILED = "The email address or password is not right. Check them and try again."


def _start_session(user, remember: bool) -> None:
    # A fresh session on sign-in, so nothing planted before it survives (session fixation).
    session.clear()
    login_user(user, remember=remember)
    session.permanent = False


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(SIGN_IN_FAILED)
        elif not user.is_verified:
            services.send_verification(user)
            db.session.commit()
            return render_template("auth/verify_pending.html", email=user.email)
        else:
            _start_session(user, form.remember.data)
            db.session.commit()
            target = form.next.data
            if is_safe_next(target):
                return redirect(target)
            return redirect(dashboard_url(user))
    return render_template("auth/login.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        services.register_member(form.full_name.data, form.email.data, form.password.data)
        db.session.commit()
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
            db.session.rollback()
            return render_template("auth/link_problem.html", message=str(exc)), 400
        db.session.commit()
        flash("Thank you, your email address is confirmed. You can sign in now.", "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(dashboard_url(user))
        return redirect(url_for("auth.login"))
    return render_template("auth/verify_confirm.html", token=token)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
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
            db.session.rollback()
            return render_template("auth/link_problem.html", message=str(exc), reset=True), 400
        db.session.commit()
        logout_user()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account = current_user
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AuthError as exc:
            form.current_password.errors = [str(exc)]
        else:
            db.session.commit()
            # The session token changed; sign this browser back in with the new one.
            _start_session(current_user._get_current_object(), remember=False)
            flash("Your password has been changed.", "success")
            return redirect(dashboard_url(current_user))
    return render_template("auth/change_password.html", form=form)
