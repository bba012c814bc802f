"""Filling in admin forms as a browser would: every field the page has, as it has it."""

from html.parser import HTMLParser

from django.test import Client


class FormFields(HTMLParser):
    """The values a browser would submit from the admin's main form."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form or ("name" not in attrs and tag != "option"):
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind in {"submit", "button", "file"}:
                return
            # A checked box with no value of its own is sent as "on", as browsers send it.
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.data.setdefault(name, []).append(attrs.get("value", default) or "")
        elif tag == "select":
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data


def form_data(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    # A textarea's first newline is not part of its value.
    return {
        name: [value.removeprefix("\n") for value in values] for name, values in parser.data.items()
    }


def open_form(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_data(response.text)


def post_form(client: Client, url: str, data: dict, **changes):
    """Post `data` with some fields changed (a value, or a list for multiple values)."""
    data = {**data, **{k: v if isinstance(v, list) else [v] for k, v in changes.items()}}
    return client.post(url, data)


def save(client: Client, url: str, note: str = "An edit.", **changes):
    """Open the admin form, change some fields, and save it with `note` as change summary."""
    response = post_form(client, url, open_form(client, url), change_summary=note, **changes)
    assert response.status_code == 302, form_errors(response)
    return response


def form_errors(response) -> str:
    context = response.context or {}
    if "adminform" in context:
        errors = [context["adminform"].form.errors]
        errors += [f.formset.errors for f in context.get("inline_admin_formsets", [])]
        return str(errors)
    return response.text[:2000]


def log_in(client: Client, username: str, password: str) -> None:
    """Log in through the admin's login form, as a person does."""
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
