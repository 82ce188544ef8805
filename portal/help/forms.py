"""Forms of the help centre: staff write articles; anyone says an article answered them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.help.models import AUDIENCE_LABELS


def _max(n: int, what: str) -> Length:
    return Length(max=n, message=f"Keep the {what} to {n:,} characters.")


class ArticleForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), _max(150, "title")])
    slug = StringField(
        "Address (optional)",
        validators=[Optional(), _max(80, "address"), Regexp(
            r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
            message="The address may use only lower-case letters, digits and hyphens.")],
        description="The end of the article's web address, /help/… Made from the title when "
                    "left empty; keep it once published, so links keep working.",
    )
    audience = SelectField("Who it is for",
                           choices=[SelectChoice(str(k), v) for k, v in AUDIENCE_LABELS.items()])
    topics = StringField("Topics (optional)", validators=[_max(300, "topics")],
                         description="Separated by commas, for example: CPD, sign-in.")
    owner_id = SelectField("Owner", coerce=int, choices=[],
                           description="Who keeps this article right and reviews it.")
    review_by = DateField("Review by (optional)", validators=[Optional()],
                          description="The owner is reminded once this date has passed.")
    body = TextAreaField(
        "Text", validators=[DataRequired("Enter the article's text."), _max(50000, "text")],
        description="Markdown: ## for a heading, * for a list item, [words](https://…) for a "
                    "link.",
        render_kw={"rows": 18},
    )
    note = StringField("What you changed and why (optional)", validators=[_max(300, "note")])
    save = SubmitField("Save draft")
    publish = SubmitField("Publish")


class ArchiveForm(FlaskForm):
    archive = SubmitField("Archive this article")


class AnsweredForm(FlaskForm):
    """"This answered my question": ends the journey with nothing sent."""

    article_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
    form_kind = HiddenField(validators=[Optional(), Length(max=30)])
    answered = SubmitField("This answered my question")


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search the help centre", validators=[Optional(), Length(max=100)])


def article_form(article=None, owners=()) -> ArticleForm:
    """The article form, filled from ``article`` on first show, offering ``owners``."""
    form = ArticleForm(obj=article)
    form.owner_id.choices = [SelectChoice(0, "Nobody yet")] + [
        SelectChoice(u.id, u.full_name) for u in owners]
    if article is not None and not form.is_submitted():
        form.owner_id.data = article.owner_id or 0
        form.note.data = ""
    return form
