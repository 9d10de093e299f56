"""`kela-ohjaus graph`: the decision tree as Mermaid, Graphviz DOT or SVG (via Graphviz).

Options are drawn in the file's order (the wizard's order), every node shows its id
(the name to use in `next`, `draft`, `--from`), and outcomes are coloured by channel
with a legend. `start` draws only the branch below one node.
"""

from __future__ import annotations

from .channels import CHANNEL_COLOURS, CHANNEL_NAMES, CHANNEL_SHAPES
from .model import Flow

SHAPES = CHANNEL_SHAPES
COLOURS = CHANNEL_COLOURS  # also the legend's order
QUESTION_COLOUR = "#ffffff"
FONT = "DejaVu Sans,Arial,sans-serif"  # one font for nodes, edges and legend


class UnknownNode(LookupError):
    """`--from` names no question or outcome."""


def branch(flow: Flow, start: str | None = None) -> list[str]:
    """Node ids to draw, in file order: every node, or those reachable from `start`."""
    order = [*flow.questions, *flow.outcomes]
    if start is None:
        return order
    if start not in flow.questions and start not in flow.outcomes:
        raise UnknownNode(start)
    seen = {start}
    todo = [start]
    while todo:  # iterative: a deep tree must not hit the recursion limit
        question = flow.questions.get(todo.pop())
        for option in question.options if question else ():
            if option.next not in seen:
                seen.add(option.next)
                todo.append(option.next)
    return [node for node in order if node in seen]


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def _marked(kind: str, text: str) -> str:
    """A channel's mark before a text; a mark that is a word (chat, Extranet) is not repeated
    when the text is that word ("Extranet Extranet" in the legend and on the Extranet outcome)."""
    mark = SHAPES[kind]
    return text if text.casefold() == mark.casefold() else f"{mark} {text}"


def _css_class(kind: str) -> str:
    return kind.replace("-", "_")


def mermaid(flow: Flow, start: str | None = None) -> str:
    nodes = branch(flow, start)
    drawn = set(nodes)
    lines = ["flowchart LR"]
    kinds: list[str] = []
    for node in nodes:
        question = flow.questions.get(node)
        if question is not None:
            lines.append(f'    {node}{{"{_mermaid_text(question.text)}<br/>[{node}]"}}')
            continue
        outcome = flow.outcomes[node]
        contact = flow.contact_of(outcome)
        where = contact.address or contact.name
        if contact.kind not in kinds:
            kinds.append(contact.kind)
        lines.append(
            f'    {node}["{_mermaid_text(outcome.title)}<br/>[{node}]<br/>'
            f'{_mermaid_text(_marked(contact.kind, where))}"]:::{_css_class(contact.kind)}'
        )
    for node in nodes:
        question = flow.questions.get(node)
        for option in question.options if question else ():
            if option.next in drawn:
                lines.append(f'    {node} -->|"{_mermaid_text(option.label)}"| {option.next}')
    # The legend: one box per channel drawn, in the same colours.
    kinds.sort(key=list(COLOURS).index)
    lines.append('    subgraph Kanavat["Kanavat"]')
    for kind in kinds:
        lines.append(f'        Kanava_{_css_class(kind)}["{_marked(kind, CHANNEL_NAMES[kind])}"]:::{_css_class(kind)}')
    lines.append("    end")
    for kind in kinds:
        lines.append(f"    classDef {_css_class(kind)} fill:{COLOURS[kind]},stroke:#333,color:#000")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def dot(flow: Flow, start: str | None = None) -> str:
    nodes = branch(flow, start)
    drawn = set(nodes)
    lines = [
        f'digraph "{_dot_text(flow.id)}" {{',
        "    rankdir=LR;",
        "    ordering=out;  // options in the file's order, as the wizard asks them",
        f'    graph [fontname="{FONT}"];',
        f'    node [fontname="{FONT}", fontsize=11, style=filled, fillcolor="{QUESTION_COLOUR}"];',
        f'    edge [fontname="{FONT}", fontsize=10];',
    ]
    kinds: list[str] = []
    for node in nodes:
        question = flow.questions.get(node)
        if question is not None:
            label = f"{_dot_text(question.text)}\\n[{node}]"
            lines.append(f'    "{node}" [shape=box, style="rounded,filled", label="{label}"];')
            continue
        outcome = flow.outcomes[node]
        contact = flow.contact_of(outcome)
        where = contact.address or contact.name
        if contact.kind not in kinds:
            kinds.append(contact.kind)
        label = f"{_dot_text(outcome.title)}\\n[{node}]\\n{_dot_text(_marked(contact.kind, where))}"
        lines.append(
            f'    "{node}" [shape=box, label="{label}", fillcolor="{COLOURS[contact.kind]}", channel="{contact.kind}"];'
        )
    for node in nodes:
        question = flow.questions.get(node)
        for option in question.options if question else ():
            if option.next in drawn:
                lines.append(f'    "{node}" -> "{option.next}" [label="{_dot_text(option.label)}"];')
    kinds.sort(key=list(COLOURS).index)
    lines.append("    subgraph cluster_Kanavat {")
    lines.append('        label="Kanavat"; style=rounded;')
    for kind in kinds:
        lines.append(
            f'        "Kanava_{_css_class(kind)}" [shape=box, label="{_dot_text(_marked(kind, CHANNEL_NAMES[kind]))}", '
            f'fillcolor="{COLOURS[kind]}"];'
        )
    lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def svg(dot_source: str) -> bytes:
    """Render DOT with Graphviz's `dot`; FileNotFoundError when it is not installed."""
    import shutil
    import subprocess

    program = shutil.which("dot")
    if program is None:
        raise FileNotFoundError("dot")
    try:  # a hung Graphviz must not hang the command
        result = subprocess.run([program, "-Tsvg"], input=dot_source.encode(), capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise RuntimeError("dot ei vastannut minuutissa") from None
    if result.returncode != 0:
        reason = result.stderr.decode(errors="replace").strip()[:500]
        raise RuntimeError(reason or f"dot päättyi koodiin {result.returncode} ilman selitystä")
    return result.stdout
