"""Generate a valid flow + contacts pair of a given size, for the scale benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

SYLLABLES = "ka ko ku ta te ti to pa pe po sa se si so la le li lo ma me mi mo na ne ni no va ve vi ra re ri ro".split()


# A real tree's vocabulary is bounded (Kela's page uses a few hundred words);
# draw from 4,000 made-up words with a Zipf-like skew rather than from millions.
_VOCABULARY_RNG = random.Random(0)
VOCABULARY = [
    "".join(_VOCABULARY_RNG.choice(SYLLABLES) for _ in range(_VOCABULARY_RNG.randint(2, 4))) for _ in range(4000)
]


def word(rng: random.Random) -> str:
    return (
        VOCABULARY[min(int(rng.paretovariate(0.6)) - 1, len(VOCABULARY) - 1)]
        if rng.random() < 0.5
        else rng.choice(VOCABULARY)
    )


def generate(directory: Path, nodes: int, seed: int = 1) -> tuple[Path, Path]:
    """Write contacts.toml and flow.toml with about `nodes` nodes (questions + outcomes)."""
    rng = random.Random(seed)
    contacts = [
        '[meta]\nversion = "bench"\nallowed_email_domains = ["example.fi"]\nsource = "B0"\n\n'
        '[source.B0]\ntitle = "Bench"\nurl = "https://www.kela.fi/bench"\n'
    ]
    for i in range(20):
        contacts.append(
            f'[contact.c{i}]\nname = "Kontakti {i}"\nkind = "email"\nsource = "B0"\naddress = "osoite{i}@example.fi"\n'
            f'handled_by = "Ryhmä {i}"\ntopics = ["{word(rng)} {word(rng)}", "{word(rng)}"]\n'
        )
    flow = ['[flow]\nid = "bench"\ntitle = "Bench"\nroot = "q0"\n']
    # A complete tree with branching 4: questions until the node budget is used.
    questions, outcomes, queue, count = [], [], ["q0"], 1
    next_id = 1
    while queue:
        qid = queue.pop(0)
        children = []
        for _ in range(4):
            if count >= nodes:
                break
            is_question = count + len(queue) * 4 + 8 < nodes
            child = f"{'q' if is_question else 'o'}{next_id}"
            next_id += 1
            count += 1
            children.append(child)
            if is_question:
                queue.append(child)
            else:
                outcomes.append(child)
        if not children:  # out of budget: close this question with one outcome
            child = f"o{next_id}"
            next_id += 1
            children.append(child)
            outcomes.append(child)
        questions.append((qid, children))
    for qid, children in questions:
        flow.append(f'[question.{qid}]\ntext = "{word(rng)} {word(rng)}?"\n')
        for i, child in enumerate(children):
            flow.append(
                f'[[question.{qid}.option]]\nid = "v{i}"\nlabel = "{word(rng)} {word(rng)} {word(rng)}"\n'
                f'next = "{child}"\nkeywords = ["{word(rng)}"]\n'
            )
    for oid in outcomes:
        flow.append(
            f'[outcome.{oid}]\ntitle = "{word(rng)} {word(rng)}"\ncontact = "c{rng.randrange(20)}"\n'
            f'subject = "{word(rng)}"\nkeywords = ["{word(rng)}", "{word(rng)} {word(rng)}"]\n'
        )
    flow.append('[say]\nemail = "Lähetä osoitteeseen ${address}."\n')
    flow.append(
        '[draft]\nsubject = "${subject} – ${provider}"\nsubject_no_provider = "${subject}"\n'
        'greeting = "Hei,"\nbody = "${greeting} ${subject} ${path}"\n'
    )
    for key in ("provider", "business_id", "contact", "phone", "email", "description", "notes"):
        flow.append(f'[field.{key}]\nlabel = "{key}"\nplaceholder = "[{key}]"\n')
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "contacts.toml").write_text("\n".join(contacts), encoding="utf-8")
    (directory / "flow.toml").write_text("\n".join(flow), encoding="utf-8")
    return directory / "flow.toml", directory / "contacts.toml"


def queries(count: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(word(rng) for _ in range(rng.randint(1, 4))) for _ in range(count)]
