"""Anyone checks an e-certificate by its verification code (issue 20): learners, employers,
anyone shown one. A superseded code says so and that a newer certificate replaced it."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from portal.certificates import ecert
from portal.certificates.forms import VerifyForm
from portal.extensions import limiter
from portal.visitor import bp

#: Enough for an employer checking a pile of certificates; too few to guess codes by
#: (60 bits of randomness each).
CHECKS_PER_ADDRESS = "30 per minute; 300 per hour"


@bp.route("/verify/certificate", methods=["GET"])
@limiter.limit(CHECKS_PER_ADDRESS)
def verify_certificate():
    form = VerifyForm(formdata=request.args if "code" in request.args else None)
    if "code" in request.args and form.validate():
        code = ecert.normalise_code(form.code.data)
        if code:
            return redirect(url_for("visitor.verify_certificate_code", code=code))
        form.code.errors.append("A verification code has 12 letters and numbers.")
    return render_template("visitor/verify_certificate.html", form=form, row=None,
                           checked=False)


@bp.route("/verify/certificate/<code>")
@limiter.limit(CHECKS_PER_ADDRESS)
def verify_certificate_code(code: str):
    row = ecert.lookup(code[:40])
    form = VerifyForm(formdata=None, code=code[:40])
    status = 200 if row is not None else 404
    return render_template(
        "visitor/verify_certificate.html", form=form, row=row, checked=True,
        replacement=ecert.replacement_of(row) if row is not None and not row.is_current
        else None,
    ), status
