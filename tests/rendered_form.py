"""What a browser would post from a page's form: every field as the page renders it,
hidden ones included, so that a test that changes a few fields and posts the rest
fails when the page leaves out a field the view needs."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.select = None
        self.textarea = None

    def add(self, name, value):
        if "__prefix__" in name:  # the template row that "Add another" copies
            return
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "chosen": []}
            self.select["first"] = None
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea":
            self.textarea = {"name": attrs["name"], "text": ""}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]
            for value in chosen:
                self.add(self.select["name"], value)
            if not chosen and self.select["multiple"]:
                self.data.setdefault(self.select["name"], [])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the newline that opens a textarea's text.
            text = self.textarea["text"]
            self.add(self.textarea["name"], text[1:] if text.startswith("\n") else text)
            self.textarea = None


def rendered_form(response, form_id):
    """{name: value, or a list for a multiple choice} of the form `form_id` in the page."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    return {
        name: values if len(values) != 1 or name in MULTIPLE else values[0]
        for name, values in reader.data.items()
    }


# Fields the petition form sends as lists even with one value.
MULTIPLE = {"keywords"}
