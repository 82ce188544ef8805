"""A person's security settings: confirming who they are before a change, their password,
and the devices signed in as them (ASVS V7; docs/SECURITY.md)."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from portal.accounts import sessions, two_factor
from portal.accounts import sign_in as services
from portal.accounts.access import dashboard_url, is_safe_next
from portal.audit.services import record as audit
from portal.auth import bp
from portal.auth.forms import ActionForm, ChangePasswordForm, ConfirmIdentityForm
from portal.auth.views import too_many

CODE_FAILED = (
    "That code is not right. Check your authenticator app shows the code for this portal, "
    "and enter the newest one."
)


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
        result = services.confirm_identity(user, form.password.data, form.code.data or "")
        if result.retry_at is not None:
            return too_many("auth/confirm.html", form, result.retry_at, needs_code=needs_code)
        if result.wrong == "password":
            form.password.errors = ["Your password is not right."]
        elif result.wrong == "code":
            form.code.errors = [CODE_FAILED]
        else:
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("auth.security"))
    return render_template("auth/confirm.html", form=form, needs_code=needs_code)


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
            # The user's session token changed; this browser carries on under the new one.
            login_user(current_user._get_current_object(), remember=False)
            flash(
                "Your password has been changed. You have been signed out on every other device.",
                "success",
            )
            return redirect(dashboard_url(current_user))
    return render_template("auth/change_password.html", form=form)


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
    if not ActionForm().validate_on_submit():
        abort(400)
    current = sessions.current()
    if not sessions.end_one(current_user, session_id):
        abort(404)
    audit("auth.sessions_ended", current_user, subject=current_user, details={"count": 1})
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
    if not ActionForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    count = sessions.end_all(user, "signed out everywhere")
    audit("auth.sessions_ended", user, subject=user, details={"count": count, "everywhere": True})
    sessions.end_current()
    flash("You have been signed out on every device, this one included.", "success")
    return redirect(url_for("auth.login"))
