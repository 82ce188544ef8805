import re
from portal import create_app
from portal.extensions import db
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "WTF_CSRF_ENABLED": False, "LIVE_CACHE_SECONDS": 0})
with app.app_context():
    db.create_all()
    from portal.demo import seed
    seed(); db.session.commit()
    c = app.test_client()
    from portal.accounts.models import User
    from sqlalchemy import select
    u = db.session.scalar(select(User).where(User.email=="centre@demo.test"))
    with c.session_transaction() as s: pass
    # login through the form
    r = c.post("/account/sign-in", data={"email":"centre@demo.test","password":__import__("portal.demo",fromlist=["x"]).DEMO_PASSWORD})
    print("login", r.status_code, r.headers.get("Location"))
    for url in ["/centre/", "/centre/colleagues", "/centre/registered", "/centre/registered/new", "/centre/registered/upload", "/centre/uploads/columns", "/centre/registered/template.csv", "/verify/certificate", "/verify/certificate/ABCD-EFGH-JKLM"]:
        r = c.get(url); print(url, r.status_code)
        if r.status_code >= 500: print(r.get_data(as_text=True)[-2000:])
    csv = "learner_name,learner_email_or_identifier,qualification_code,start_date\nAnn One,AO-1,CSC-301,2026-09-01\nBob Two,BT-2,CSC-301,2026-09-01\nBad,=cmd,NOPE-1,2026-09-01\n"
    import io
    r = c.post("/centre/registered/upload", data={"file": (io.BytesIO(csv.encode()), "l.csv")}, content_type="multipart/form-data")
    print("upload", r.status_code); t=r.get_data(as_text=True)
    m = re.search(r'/centre/uploads/(\d+)/rejects.csv', t); print(m and m.group(0))
    r = c.get(m.group(0)); print(r.status_code, r.get_data(as_text=True))
    r = c.get("/centre/registered"); t=r.get_data(as_text=True)
    ids = re.findall(r'/centre/registered/(\d+)"', t); print(ids)
    rid = ids[0]
    r = c.post(f"/centre/registered/{rid}/claim", data={"claim_kind":"full","units":"","completed_on":"2026-11-20","assessment_signed_off":"y"})
    print("claim", r.status_code, r.headers.get("Location"))
    r = c.get(f"/centre/registered/{rid}"); t = r.get_data(as_text=True); print(r.status_code, re.findall(r'data-live="check">([^<]*)', t))
    r = c.get(f"/centre/registered/{rid}/state.json"); print(r.status_code, r.get_data(as_text=True))
    # staff
    c2 = app.test_client()
    from portal.accounts.models import TwoFactor
    import pyotp
    from portal.demo import DEMO_TOTP_SECRET
    r = c2.post("/account/sign-in", data={"email":"centres.team@demo.test","password":__import__("portal.demo",fromlist=["x"]).DEMO_PASSWORD})
    r = c2.post("/account/two-step", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    print("staff login", r.status_code, r.headers.get("Location"))
    for url in ["/staff/centres/certificates", "/staff/centres/sign-off"]:
        r=c2.get(url); print(url, r.status_code)
    from portal.certificates.models import Completion
    cid = db.session.scalar(select(Completion.id).where(Completion.registration_id==int(rid)))
    r = c2.get(f"/staff/centres/certificates/{cid}"); print("cert", r.status_code)
    r = c2.post(f"/staff/centres/certificates/{cid}/sign-off"); print("signoff", r.status_code)
    r = c.get(f"/centre/registered/{rid}/state.json"); print(r.status_code, r.get_data(as_text=True))
    r = c.get(f"/centre/learners/{cid}/certificate.pdf"); print("pdf", r.status_code, r.data[:8], len(r.data))
    from portal.certificates.models import CertificateCode
    code = db.session.scalar(select(CertificateCode.code))
    r = c.get(f"/verify/certificate/{code}"); print("verify", r.status_code, "genuine" in r.get_data(as_text=True))
    r = c2.post(f"/staff/centres/certificates/{cid}/reissue", data={"reason":"Name corrected","learner_name":"Ann Onee"}); print("reissue", r.status_code)
    r = c.get(f"/verify/certificate/{code}"); print("verify old", r.status_code, "replaced" in r.get_data(as_text=True))
    r = c.get(f"/verify/certificate?code={code.lower().replace('-','')}"); print("verify form", r.status_code, r.headers.get("Location"))
    oid = u.organisation_id
    r = c2.get(f"/staff/centres/{oid}/sign-off"); print("routes", r.status_code)
