import pytest

from tests.smtp_server import RecordingHandler, start_smtp


@pytest.fixture
def smtp():
    """A loopback SMTP server; ``smtp.handler.messages`` is what arrived."""
    controller = start_smtp(RecordingHandler())
    yield controller
    if controller._thread is not None:  # a test may have stopped it already
        controller.stop()


@pytest.fixture
def mail_config(app_config, smtp):
    """Point the app's mail at the loopback server (ask for it before ``app``)."""
    app_config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_CONNECT_TIMEOUT=2,
        MAIL_TIMEOUT=2,
    )
    return app_config
