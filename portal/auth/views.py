"""Sign in and out, two-step sign-in, registration, address checks, passwords, sessions."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from functools import wraps

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user

from portal.accounts import sessions, two_factor
from portal.accounts import sign_in as services
from portal.accounts.access import dashboard_url, is_safe_next
from portal.accounts.models import User
from portal.accounts.passwords import verify_password
from portal.audit.services import record as audit
from portal.auth import bp
from portal.auth.forms import (
    ActionForm,
    ChangePasswordForm,
    ConfirmIdentityForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    TwoFactorForm,
    TwoFactorSetupForm,
)
from portal.charter.wording import format_london_time
from portal.database import utcnow
from portal.extensions import db, limiter
from portal.security import throttle

SIGN_IN_FAILED = "The email address or password is not right. Check them and try again."
CODE_FAILED = (
    "That code is not right. Check your authenticator app shows the code for this portal, "
    "and enter the newest one."
)
PENDING_MINUTES = 10


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _email_limit() -> str:
    return current_app.config["EMAIL_RATE_LIMIT"]


def _fingerprint(email: str) -> str:
    """A short hash of a typed email, so failures for unknown addresses can be correlated
    in the audit log without keeping the address."""
    return hashlib.sha256(services.normalise_email(email).encode()).hexdigest()[:16]


def _wait_message(when: datetime) -> str:
    minutes = max(1, math.ceil((when - utcnow()).total_seconds() / 60))
    shown = (when + timedelta(seconds=59)).replace(second=0, microsecond=0)
    return (
        "There have been too many attempts to sign in. For your security, please wait and "
        f"try again after {format_london_time(shown)} (in about {minutes} "
        f"minute{'s' if minutes != 1 else ''}). If you have forgotten your password, "
        "you can reset it now."
    )


def _too_many(template: str, form, when: datetime, **context):
    form.form_errors.append(_wait_message(when))
    response = make_response(render_template(template, form=form, **context), 429)
    response.headers["Retry-After"] = str(max(1, math.ceil((when - utcnow()).total_seconds())))
    return response


def _finish_sign_in(user: User, remember: bool, target: str | None, second_factor: bool):
    sessions.start(user, remember=remember, used_second_factor=second_factor)
    audit(
        "auth.sign_in",
        user,
        subject=user,
        actor=user,
        details={"second_factor": second_factor, "remembered": remember},
    )
    db.session.commit()
    if target and is_safe_next(target):
        return redirect(target)
    return redirect(dashboard_url(user))


def _pending_user() -> User | None:
    """The user who gave the right password and still owes a second factor."""
    pending = session.get("pending_sign_in")
    if not isinstance(pending, dict):
        return None
    started = pending.get("at")
    if not isinstance(started, (int, float)) or utcnow().timestamp() - started > (
        PENDING_MINUTES * 60
    ):
        session.pop("pending_sign_in", None)
        return None
    user = db.session.get(User, pending.get("uid") or 0)
    if user is None or not user.is_enabled or user.session_token != pending.get("token"):
        return None
    return user


def recent_auth_required(view=None, *, only_with_two_factor: bool = False):
    """Ask for the password (and a code, with two-step sign-in on) again before a change to
    how the person signs in, unless they did so in the last few minutes (ASVS V7.5.1)."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            needed = not only_with_two_factor or two_factor.is_enabled(current_user)
            if needed and not sessions.is_recent_auth():
                target = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(
                    url_for("auth.confirm_identity", next=target or url_for("auth.security"))
                )
            return fn(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


# -- signing in and out -------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        address = request.remote_addr or ""
        wait = throttle.earliest_retry(("account", email), ("address", address))
        if wait is not None:
            audit("auth.sign_in_throttled", details={"account": _fingerprint(email)})
            db.session.commit()
            return _too_many("auth/login.html", form, wait)
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            throttle.record_failure("account", email)
            throttle.record_failure("address", address)
            known = services.find_user_by_email(email)
            audit(
                "auth.sign_in_failed",
                known,
                subject=known,
                details={"account": _fingerprint(email), "known_account": known is not None},
            )
            db.session.commit()
            form.form_errors.append(SIGN_IN_FAILED)
        elif not user.is_verified:
            services.send_verification(user)
            db.session.commit()
            return render_template("auth/verify_pending.html", email=user.email)
        else:
            throttle.clear("account", email)
            if two_factor.is_required(user) or two_factor.is_enabled(user):
                session.clear()
                session["pending_sign_in"] = {
                    "uid": user.id,
                    "token": user.session_token,
                    "remember": bool(form.remember.data),
                    "next": form.next.data or "",
                    "at": utcnow().timestamp(),
                }
                db.session.commit()
                if two_factor.is_enabled(user):
                    return redirect(url_for("auth.two_factor_code"))
                return redirect(url_for("auth.two_factor_setup"))
            return _finish_sign_in(user, bool(form.remember.data), form.next.data, False)
    return render_template("auth/login.html", form=form)


@bp.route("/two-step", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def two_factor_code():
    user = _pending_user()
    if user is None:
        flash("Sign in with your email address and password first.", "info")
        return redirect(url_for("auth.login"))
    if not two_factor.is_enabled(user):
        return redirect(url_for("auth.two_factor_setup"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        wait = throttle.retry_at("second_factor", str(user.id))
        if wait is not None:
            return _too_many("auth/two_factor.html", form, wait)
        kind = two_factor.verify(user, form.code.data)
        if kind is None:
            throttle.record_failure("second_factor", str(user.id))
            audit("auth.second_factor_failed", user, subject=user, actor=user)
            db.session.commit()
            form.code.errors = [CODE_FAILED]
        else:
            throttle.clear("second_factor", str(user.id))
            pending = session["pending_sign_in"]
            response = _finish_sign_in(
                user, pending.get("remember", False), pending.get("next"), True
            )
            if kind == "recovery":
                audit("auth.recovery_code_used", user, subject=user, actor=user)
                db.session.commit()
                # After the new session began, or the message would be cleared with the old.
                flash(
                    f"You used a recovery code. You have "
                    f"{two_factor.recovery_codes_left(user)} left: if your phone is lost, "
                    "set up your authenticator app again from your security settings.",
                    "info",
                )
            return response
    return render_template("auth/two_factor.html", form=form)


@bp.route("/two-step/set-up", methods=["GET", "POST"])
def two_factor_setup():
    """Set up an authenticator app: forced for staff at their first sign-in, chosen by others
    from their security settings (after confirming their password)."""
    pending = _pending_user()
    if pending is not None:
        user = pending
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
        if not sessions.is_recent_auth():
            return redirect(url_for("auth.confirm_identity", next=url_for("auth.two_factor_setup")))
    else:
        return redirect(url_for("auth.login"))
    if two_factor.is_enabled(user):
        return redirect(url_for("auth.two_factor_code" if pending else "auth.security"))
    if two_factor.pending_secret(user) is None:
        two_factor.begin_enrolment(user)
        db.session.commit()
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is None:
            form.code.errors = [CODE_FAILED]
        else:
            audit("auth.two_factor_enabled", user, subject=user, actor=user)
            if pending is not None:
                details = session["pending_sign_in"]
                target = details.get("next")
                remember = details.get("remember", False)
                sessions.start(user, remember=remember, used_second_factor=True)
                audit(
                    "auth.sign_in", user, subject=user, actor=user, details={"second_factor": True}
                )
            else:
                target = None
            db.session.commit()
            next_url = target if target and is_safe_next(target) else dashboard_url(user)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
    secret = two_factor.pending_secret(user)
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr=two_factor.qr_data_uri(uri),
        required=two_factor.is_required(user),
    )


@bp.route("/sign-out", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit("auth.sign_out", current_user, subject=current_user)
        sessions.end_current()
        db.session.commit()
    else:
        session.clear()
    flash("You have signed out.", "success")
    response = redirect(url_for("visitor.home"))
    # Whatever this browser kept of the signed-in pages goes too (V14.3.1).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm_identity():
    """Re-authentication before a sensitive change (V7.5.1): password, and code if on."""
    form = ConfirmIdentityForm()
    user = current_user._get_current_object()
    needs_code = two_factor.is_enabled(user)
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        wait = throttle.earliest_retry(("account", user.email), ("second_factor", str(user.id)))
        if wait is not None:
            return _too_many("auth/confirm.html", form, wait, needs_code=needs_code)
        if not verify_password(user.password_hash, form.password.data):
            throttle.record_failure("account", user.email)
            audit("auth.sign_in_failed", user, subject=user, details={"step_up": True})
            db.session.commit()
            form.password.errors = ["Your password is not right."]
        elif needs_code and two_factor.verify(user, form.code.data or "") is None:
            throttle.record_failure("second_factor", str(user.id))
            audit("auth.second_factor_failed", user, subject=user, details={"step_up": True})
            db.session.commit()
            form.code.errors = [CODE_FAILED]
        else:
            sessions.renew_key()
            sessions.mark_recent_auth()
            db.session.commit()
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("auth.security"))
    return render_template("auth/confirm.html", form=form, needs_code=needs_code)


# -- registration and email ------------------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
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


# -- passwords -------------------------------------------------------------------------------


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
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
        sessions.end_current("password reset")
        msg = "Your password has been changed. Sign in with your new password."
        flash(msg, "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@recent_auth_required(only_with_two_factor=True)
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
            # The user's session token changed; this browser carries on under the new one.
            login_user(current_user._get_current_object(), remember=False)
            flash(
                "Your password has been changed. You have been signed out on every other device.",
                "success",
            )
            return redirect(dashboard_url(current_user))
    return render_template("auth/change_password.html", form=form)


# -- security settings: sessions and two-step sign-in ------------------------------------------


@bp.route("/security")
@login_required
def security():
    user = current_user._get_current_object()
    return render_template(
        "auth/security.html",
        sessions=sessions.active(user),
        current=sessions.current(),
        two_factor_on=two_factor.is_enabled(user),
        two_factor_required=two_factor.is_required(user),
        codes_left=two_factor.recovery_codes_left(user),
        form=ActionForm(),
    )


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
@recent_auth_required
def end_session(session_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    current = sessions.current()
    if not sessions.end_one(current_user, session_id):
        abort(404)
    audit("auth.sessions_ended", current_user, subject=current_user, details={"count": 1})
    db.session.commit()
    if current is not None and current.id == session_id:
        sessions.end_current()
        flash("You have signed out.", "success")
        return redirect(url_for("visitor.home"))
    flash("That device has been signed out.", "success")
    return redirect(url_for("auth.security"))


@bp.route("/sessions/end-all", methods=["POST"])
@login_required
@recent_auth_required
def end_all_sessions():
    """"Sign out everywhere": every session of this user ends, this one included (V7.4.3)."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    count = sessions.end_all(user, "signed out everywhere")
    audit("auth.sessions_ended", user, subject=user, details={"count": count, "everywhere": True})
    db.session.commit()
    sessions.end_current()
    flash("You have been signed out on every device, this one included.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/two-step/recovery-codes", methods=["POST"])
@login_required
@recent_auth_required
def renew_recovery_codes():
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if not two_factor.is_enabled(user):
        abort(404)
    codes = two_factor.new_recovery_codes(user)
    audit("auth.recovery_codes_renewed", user, subject=user)
    db.session.commit()
    return render_template(
        "auth/recovery_codes.html", codes=codes, next_url=url_for("auth.security")
    )


@bp.route("/two-step/turn-off", methods=["POST"])
@login_required
@recent_auth_required
def disable_two_factor():
    """Turn two-step sign-in off, or, for staff (who must have it), start again with a new
    authenticator app."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if not two_factor.is_enabled(user):
        abort(404)
    two_factor.disable(user)
    audit("auth.two_factor_disabled", user, subject=user)
    db.session.commit()
    if two_factor.is_required(user):
        return redirect(url_for("auth.two_factor_setup"))
    flash("Two-step sign-in is now off.", "success")
    return redirect(url_for("auth.security"))
