"""The overview, open to every logged-in person: work in progress, today's and this week's
output and the units on hold, each number opening the units behind it; the charts, each with its
filters, its table and a CSV; and the monthly report as a print page and a PDF."""

from io import BytesIO
from typing import Any

from flask import Blueprint, Response, render_template, request, send_file, url_for
from flask_babel import _
from flask_login import login_required

from workshop.labels.monthly_report import MonthlyReport, render_report_pdf
from workshop.overview_forms import ChartFilterForm, MonthForm, UnitListForm
from workshop.services import figures, monthly_report, overview
from workshop.services.errors import ServiceError
from workshop.views.form_errors import field_errors

bp = Blueprint("overview", __name__, url_prefix="/overview")


def _query() -> dict[str, Any]:
    """The filters the page was asked with, for its links."""
    return request.args.to_dict()


def _refused(message: str, status: int) -> tuple[str, int]:
    return render_template("overview/refused.html", message=message), status


def _chart_form(chart: figures.Chart) -> ChartFilterForm:
    form = ChartFilterForm(request.args)
    form.drone_type.choices = [("", _("All drone types")), *overview.type_names()]
    form.site.choices = [("", _("All sites")), *overview.site_names()]
    form.show.choices = [(code, str(name)) for code, name in chart.choices.items()]
    return form


@bp.route("/")
@login_required
def index():
    month_form = MonthForm(formdata=None)
    month_form.month.data = month_form.first_day()
    return render_template(
        "overview/index.html",
        view=overview.overview(),
        charts=list(figures.CHARTS.values()),
        month_form=month_form,
    )


@bp.route("/units")
@login_required
def units():
    form = UnitListForm(request.args)
    stage, output = form.stage.data, form.output.data
    if not form.validate() or not (stage or output):
        problem = field_errors(form) or _("say which number: a stage or an output")
        return _refused(_("This list cannot be shown: %(problem)s", problem=problem), 400)
    try:
        if stage:
            listed = overview.units_at(stage, form.drone_type.data)
        else:
            listed = overview.units_put_out(
                output or "", form.period.data or "today", form.drone_type.data
            )
    except ServiceError as error:
        return _refused(str(error.message), error.status_code)
    return render_template("overview/units.html", listed=listed)


def _figure(key: str) -> tuple[figures.Chart, ChartFilterForm, figures.Figure | None, int]:
    """The chart, its filter form, and its figure (None, with 400, when the filters are bad)."""
    chart = figures.chart(key)
    form = _chart_form(chart)
    if not form.validate():
        return chart, form, None, 400
    filters = form.filters()
    # The page shows the span it drew, the defaults included.
    form.start.data, form.end.data = filters.start, filters.end
    return chart, form, figures.figure(key, filters, form.show.data or None), 200


@bp.route("/charts/<key>")
@login_required
def chart(key: str):
    try:
        spec, form, figure, status = _figure(key)
    except ServiceError as error:
        return _refused(str(error.message), error.status_code)
    return render_template(
        "overview/chart.html",
        chart=spec,
        form=form,
        figure=figure,
        problem=field_errors(form) if figure is None else "",
        csv_url=url_for("overview.chart_csv", key=key, **_query()),
    ), status


@bp.route("/charts/<key>.csv")
@login_required
def chart_csv(key: str):
    try:
        _spec, form, figure, status = _figure(key)
    except ServiceError as error:
        return Response(str(error.message), error.status_code, mimetype="text/plain")
    if figure is None:
        message = _("The figures cannot be made: %(problem)s", problem=field_errors(form))
        return Response(message, status, mimetype="text/plain")
    start, end = form.span()
    return Response(
        figure.csv(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{key}-{start}-{end}.csv"',
        },
    )


def _report() -> tuple[MonthlyReport | None, str]:
    form = MonthForm(request.args)
    if not form.validate():
        return None, _("The report cannot be made: %(problem)s", problem=field_errors(form))
    return monthly_report.report(form.first_day()), ""


@bp.route("/report")
@login_required
def report():
    content, problem = _report()
    if content is None:
        return _refused(problem, 400)
    return render_template(
        "overview/report.html",
        report=content,
        pdf=url_for("overview.report_pdf", month=content.month),
        back=url_for("overview.index"),
    )


@bp.route("/report.pdf")
@login_required
def report_pdf():
    content, problem = _report()
    if content is None:
        return _refused(problem, 400)
    return send_file(
        BytesIO(render_report_pdf(content)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"workshop-report-{content.month}.pdf",
    )
