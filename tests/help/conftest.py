"""Help articles for the tests: the demo folder, or one article made on the spot."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.help import services
from portal.help.files import DEFAULT_FOLDER, import_folder


@pytest.fixture
def demo_articles(app):
    result = import_folder(DEFAULT_FOLDER)
    assert result.problems == []
    db.session.commit()
    return result


@pytest.fixture
def publish_article(app):
    def _publish(title="Reset a forgotten password", body="Choose **Forgotten your password?**",
                 audience="everyone", topics="sign-in", **extra):
        article = services.create_article(
            services.ArticleFields(title=title, body=body, audience=audience, topics=topics,
                                   **extra), None)
        services.publish(article, None)
        db.session.commit()
        return article

    return _publish
