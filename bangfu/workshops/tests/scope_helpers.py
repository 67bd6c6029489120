"""Reading what a user sees: list pages, xlsx exports and API lists (shared by scope tests)."""

import io
from urllib.parse import urlencode

import openpyxl

# Who sees which township's rows ("csp" = 沧水铺镇, "ll" = 龙岭产业开发区).
VISIBLE = {
    "admin": {"csp", "ll"},
    "district": {"csp", "ll"},
    "staff": {"csp", "ll"},
    "leader": {"csp", "ll"},
    "cangshuipu": {"csp"},
    "longling": {"ll"},
}
NO_REGISTRY_ROLES = ("auditor",)
TAGS = {"csp": "沧水", "ll": "龙岭"}


def page_pks(client, url, **params):
    """Primary keys listed by a list page (all rows of the filtered view; a search by ID
    number is redirected to an address without it, as a browser follows)."""
    response = client.get(url, {"per_page": 500, **params}, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    table = response.context["table"]
    return {row.record.pk for row in table.paginated_rows}


def form_data(client, url):
    """The fields of the form on the edit page ``url`` as the page fills them (to post back
    with some changed)."""
    form = client.get(url).context["form"]
    values = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in values.items()}


def export(client, url, **params):
    """Press “Export xlsx” on the list ``url`` filtered by ``params`` (with ``full_id="1"``:
    the full-ID button): a POST to the list's address, as the page's export form sends."""
    form = {"export": "xlsx"}
    if "full_id" in params:
        form["full_id"] = params.pop("full_id")
    return client.post(f"{url}?{urlencode(params, doseq=True)}", form)


def export_rows(client, url, **params):
    """The rows (header first) of the xlsx export of a list page."""
    response = export(client, url, **params)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = workbook.worksheets[0]
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def export_text(rows):
    return "\n".join("\t".join("" if c is None else str(c) for c in row) for row in rows)


def api_ids(client, url, **params):
    """Ids listed by an API list endpoint (page or cursor pagination)."""
    response = client.get(url, {"page_size": 500, **params})
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    body = response.json()
    results = body["results"] if isinstance(body, dict) else body
    return {item["id"] for item in results}


def expected_pks(world, kind, username):
    return {world[town][kind].pk for town in VISIBLE[username]}


def assert_export_scoped(rows, username, expected_count):
    text = export_text(rows[1:])
    assert len(rows) - 1 == expected_count
    for town, tag in TAGS.items():
        if town in VISIBLE[username]:
            assert tag in text, (username, town)
        else:
            assert tag not in text, (username, town)
