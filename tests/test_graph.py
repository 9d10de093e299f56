"""`kela-ohjaus graph` as a picture to work from (issue 20): file order, ids, channel colours, branches, SVG."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.graph import COLOURS, dot, mermaid
from wizard.model import Flow

from .helpers import ROOT

EDGE = re.compile(r'^    "(\w+)" -> "(\w+)" \[label="([^"]*)"\];$', re.M)


def test_dot_keeps_the_files_option_order(flow: Flow):
    text = dot(flow)
    assert "ordering=out;" in text
    edges = EDGE.findall(text)
    for qid, question in flow.questions.items():
        drawn = [(nxt, label) for src, nxt, label in edges if src == qid]
        assert drawn == [(o.next, o.label.replace('"', '\\"')) for o in question.options], qid


def test_every_node_shows_its_id(flow: Flow):
    text, chart = dot(flow), mermaid(flow)
    for node in [*flow.questions, *flow.outcomes]:
        assert re.search(rf'^    "{node}" \[.*label="[^"]*\\n\[{node}\]', text, re.M), node
        assert f"<br/>[{node}]" in chart, node


def test_outcomes_are_coloured_by_channel_with_a_legend(flow: Flow):
    text = dot(flow)
    used = {flow.contact_of(o).kind for o in flow.outcomes.values()}
    for oid, outcome in flow.outcomes.items():
        kind = flow.contact_of(outcome).kind
        assert re.search(rf'^    "{oid}" \[.*fillcolor="{COLOURS[kind]}"', text, re.M), oid
    legend = text[text.index("subgraph cluster_Kanavat") :]
    for kind in used:
        assert f'fillcolor="{COLOURS[kind]}"' in legend
    assert len(set(COLOURS.values())) == len(COLOURS), "one colour per channel"
    chart = mermaid(flow)
    for kind in used:
        assert f"classDef {kind.replace('-', '_')} fill:{COLOURS[kind]}" in chart


def test_one_font_everywhere(flow: Flow):
    fonts = set(re.findall(r'fontname="([^"]*)"', dot(flow)))
    assert len(fonts) == 1


def test_from_draws_one_branch(flow: Flow):
    start = "tulkkaus_kuka"
    text = dot(flow, start)
    drawn = set(re.findall(r'^    "(\w+)" \[shape', text, re.M))
    wanted = {start}
    todo = [start]
    while todo:
        for option in flow.questions[todo.pop()].options:
            wanted.add(option.next)
            if option.next in flow.questions:
                todo.append(option.next)
    assert drawn == wanted
    assert all(src in wanted and nxt in wanted for src, nxt, _ in EDGE.findall(text))
    assert "aihe" not in mermaid(flow, start)


def test_from_an_unknown_node_suggests_the_right_one(capsys):
    assert main(["graph", "--from", "tulkaus_kuka"]) == 1
    assert "tarkoititko 'tulkkaus_kuka'?" in capsys.readouterr().err


def _graph_svg(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`graph --format svg` in a subprocess with `env` (PATH decides which `dot`, if any, it finds)."""
    argv = [sys.executable, "-m", "wizard", "graph", "--format", "svg"]
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)


def test_svg_without_graphviz_says_what_to_do(tmp_path: Path):
    result = _graph_svg({**os.environ, "PATH": str(tmp_path), "KELA_OHJAUS_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "Graphviz" in result.stderr and "--format dot" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
def test_svg_with_graphviz(capsysbinary):
    assert main(["graph", "--format", "svg", "--from", "akva_aihe"]) == 0
    out = capsysbinary.readouterr().out
    assert out.lstrip().startswith(b"<?xml") and b"<svg" in out and b"akva_mittarit" in out


def _fake_dot(folder: Path, script: str) -> dict[str, str]:
    folder.mkdir()
    program = folder / "dot"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}", "KELA_OHJAUS_HOME": str(folder)}


def test_a_failing_graphviz_with_no_words_still_gets_a_reason(tmp_path: Path):
    result = _graph_svg(_fake_dot(tmp_path / "fake", "echo garbage; exit 3"))
    assert result.returncode == 1 and "koodiin 3" in result.stderr and "Traceback" not in result.stderr


def test_a_hung_graphviz_does_not_hang_the_command(monkeypatch):
    from wizard import graph

    def hang(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs.get("timeout", 0))

    monkeypatch.setattr(subprocess, "run", hang)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/dot")
    with pytest.raises(RuntimeError, match="ei vastannut"):
        graph.svg("digraph {}")


def test_graph_lists_every_node_and_edge(flow: Flow):
    text = mermaid(flow)
    for node in [*flow.questions, *flow.outcomes]:
        assert re.search(rf"^    {node}[{{\[]", text, re.M), node
    edges = sum(len(q.options) for q in flow.questions.values())
    assert text.count(" -->|") == edges
    graph = dot(flow)
    assert graph.count(" -> ") == edges
    for contact in flow.contacts.values():
        if contact.address and any(o.contact == contact.id for o in flow.outcomes.values()):
            assert contact.address in graph


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
def test_dot_parses_with_graphviz(flow: Flow):
    result = subprocess.run(["dot", "-Tsvg"], input=dot(flow).encode(), capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_readme_diagram_is_in_sync(flow: Flow):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert block, "README.md has no mermaid block"
    assert block.group(1) == mermaid(flow), "run: kela-ohjaus graph > diagram, and paste it into README.md"


def test_a_mark_that_is_a_word_is_not_repeated(flow: Flow):
    """The legend read "chat chat" and "Extranet Extranet", and so did the Extranet outcome."""
    for text in (mermaid(flow), dot(flow)):
        labels = re.findall(r'(?:<br/>|\\n|\[")([^"<\\]+)"', text)
        for label in labels:
            words = label.split()
            assert not (len(words) == 2 and words[0].casefold() == words[1].casefold()), label
        assert "Extranet Extranet" not in text and "chat chat" not in text
