"""Two-step sign-in pages: the code after the password, setting up an authenticator app,
new recovery codes, and turning it off (ASVS V6.3.3, V6.5; docs/SECURITY.md)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from portal.accounts import sessions, two_factor
from portal.accounts import sign_in as services
from portal.accounts.access import dashboard_url, is_safe_next
from portal.audit.services import record as audit
from portal.auth import bp
from portal.auth.forms import ActionForm, TwoFactorForm, TwoFactorSetupForm
from portal.auth.security import CODE_FAILED, recent_auth_required
from portal.auth.views import sign_in_limit, signed_in, too_many
from portal.extensions import limiter


@bp.route("/two-step", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def two_factor_code():
    user = services.pending_user()
    if user is None:
        flash("Sign in with your email address and password first.", "info")
        return redirect(url_for("auth.login"))
    if not two_factor.is_enabled(user):
        return redirect(url_for("auth.two_factor_setup"))
    form = TwoFactorForm()
    if not form.validate_on_submit():
        return render_template("auth/two_factor.html", form=form)
    result = services.give_code(user, form.code.data)
    if result.retry_at is not None:
        return too_many("auth/two_factor.html", form, result.retry_at)
    if result.user is None:
        form.code.errors = [CODE_FAILED]
        return render_template("auth/two_factor.html", form=form)
    if result.used_recovery_code:
        # After the new session began, or the message would be cleared with the old.
        flash(
            f"You used a recovery code. You have {two_factor.recovery_codes_left(user)} left: "
            "if your phone is lost, set up your authenticator app again from your security "
            "settings.",
            "info",
        )
    return signed_in(user, result.next_url)


def _who_sets_up():
    """(user, signing_in) for the set-up page, or a redirect when it is not theirs yet."""
    pending = services.pending_user()
    if pending is not None:
        return pending, True, None
    if not current_user.is_authenticated:
        return None, False, redirect(url_for("auth.login"))
    if not sessions.is_recent_auth():
        target = url_for("auth.confirm_identity", next=url_for("auth.two_factor_setup"))
        return None, False, redirect(target)
    return current_user._get_current_object(), False, None


@bp.route("/two-step/set-up", methods=["GET", "POST"])
def two_factor_setup():
    """Set up an authenticator app: forced for staff at their first sign-in, chosen by others
    from their security settings (after confirming their password)."""
    user, signing_in, elsewhere = _who_sets_up()
    if elsewhere is not None:
        return elsewhere
    if two_factor.is_enabled(user):
        return redirect(url_for("auth.two_factor_code" if signing_in else "auth.security"))
    if two_factor.pending_secret(user) is None:
        two_factor.begin_enrolment(user)
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        target = session["pending_sign_in"].get("next") if signing_in else None
        codes = services.turn_on_two_factor(user, form.code.data, signing_in=signing_in)
        if codes is not None:
            next_url = target if target and is_safe_next(target) else dashboard_url(user)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
        form.code.errors = [CODE_FAILED]
    secret = two_factor.pending_secret(user)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr=two_factor.qr_data_uri(two_factor.provisioning_uri(user, secret)),
        required=two_factor.is_required(user),
    )


@bp.route("/two-step/recovery-codes", methods=["POST"])
@login_required
@recent_auth_required
def renew_recovery_codes():
    if not ActionForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if not two_factor.is_enabled(user):
        abort(404)
    codes = two_factor.new_recovery_codes(user)
    audit("auth.recovery_codes_renewed", user, subject=user)
    return render_template(
        "auth/recovery_codes.html", codes=codes, next_url=url_for("auth.security")
    )


@bp.route("/two-step/turn-off", methods=["POST"])
@login_required
@recent_auth_required
def disable_two_factor():
    """Turn two-step sign-in off, or, for staff (who must have it), start again with a new
    authenticator app."""
    if not ActionForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if not two_factor.is_enabled(user):
        abort(404)
    two_factor.disable(user)
    audit("auth.two_factor_disabled", user, subject=user)
    if two_factor.is_required(user):
        return redirect(url_for("auth.two_factor_setup"))
    flash("Two-step sign-in is now off.", "success")
    return redirect(url_for("auth.security"))
