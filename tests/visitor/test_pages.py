"""Home page, health check and error pages."""

from sqlalchemy.exc import OperationalError

from portal.extensions import db


def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Member services" in page
    assert 'href="#main"' in page  # skip link


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_404_page_in_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "Skip to main content" in response.get_data(as_text=True)


def test_413_page_for_an_oversize_body(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/account/sign-in", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_500_page_rolls_back_and_shows_a_plain_message(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "something went wrong on our side" in response.get_data(as_text=True)
    assert "kaboom" not in response.get_data(as_text=True)


def test_every_error_page_renders(app):
    from portal.errors import MESSAGES, render_error

    with app.test_request_context():
        for status in (400, 403, 404, 413, 429, 500):
            body, code = render_error(status)
            assert code == status
            assert MESSAGES[status][0] in body
