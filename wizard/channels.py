"""The channel vocabulary: every kind of contact channel, named and drawn in one place.

The kinds are the data's `kind` values and the JSON contract; the rest is how
the front ends show them: the Finnish name (CLI, browser detail, graph legend),
the ASCII mark in the browser's tree (told apart without colour, in any font),
the graph's symbol and fill colour (light, so black text stays readable in
print). Adding a channel is one line here; the tables below are derived.
"""

from __future__ import annotations

from .named_tuple import NamedTuple


class Channel(NamedTuple):
    kind: str
    name: str  # Finnish, as the user sees it
    mark: str  # the tree's ASCII mark
    shape: str  # the graph's symbol before the address
    colour: str  # the graph's fill


CHANNELS = (
    Channel("email", "sähköposti", "@", "✉", "#dbeafe"),
    Channel("phone", "puhelin", "T", "☎", "#fde68a"),
    Channel("chat", "chat", "C", "chat", "#d1fae5"),
    Channel("extranet", "Extranet", "X", "Extranet", "#e9d5ff"),
    Channel("contact-person", "yhteyshenkilö", "H", "yhteyshenkilö", "#fecaca"),
    Channel("web", "verkkosivu", "W", "www", "#e5e7eb"),
    Channel("self-service", "itsepalvelu", "I", "itsepalvelu", "#fed7aa"),
)

CHANNEL_KINDS = tuple(channel.kind for channel in CHANNELS)
CHANNEL_NAMES = {channel.kind: channel.name for channel in CHANNELS}
CHANNEL_MARKS = {channel.kind: channel.mark for channel in CHANNELS}
CHANNEL_SHAPES = {channel.kind: channel.shape for channel in CHANNELS}
CHANNEL_COLOURS = {channel.kind: channel.colour for channel in CHANNELS}
