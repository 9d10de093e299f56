"""`kela-ohjaus graph`: the whole decision tree as Mermaid or Graphviz DOT."""

from __future__ import annotations

from .model import Flow

SHAPES = {
    "email": "✉",
    "phone": "☎",
    "chat": "chat",
    "extranet": "Extranet",
    "contact-person": "yhteyshenkilö",
    "web": "www",
}


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def mermaid(flow: Flow) -> str:
    lines = ["flowchart LR"]
    for qid, question in flow.questions.items():
        lines.append(f'    {qid}{{"{_mermaid_text(question.text)}"}}')
    for oid, outcome in flow.outcomes.items():
        contact = flow.contact_of(outcome)
        where = contact.address or contact.name
        lines.append(f'    {oid}["{_mermaid_text(outcome.title)}<br/>{SHAPES[contact.kind]} {_mermaid_text(where)}"]')
    for qid, question in flow.questions.items():
        for option in question.options:
            lines.append(f'    {qid} -->|"{_mermaid_text(option.label)}"| {option.next}')
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def dot(flow: Flow) -> str:
    lines = [f'digraph "{_dot_text(flow.id)}" {{', "    rankdir=LR;", '    node [fontname="sans-serif"];']
    for qid, question in flow.questions.items():
        lines.append(f'    "{qid}" [shape=diamond, label="{_dot_text(question.text)}"];')
    for oid, outcome in flow.outcomes.items():
        contact = flow.contact_of(outcome)
        where = contact.address or contact.name
        label = f"{_dot_text(outcome.title)}\\n{SHAPES[contact.kind]} {_dot_text(where)}"
        lines.append(f'    "{oid}" [shape=box, label="{label}", channel="{contact.kind}"];')
    for qid, question in flow.questions.items():
        for option in question.options:
            lines.append(f'    "{qid}" -> "{option.next}" [label="{_dot_text(option.label)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
