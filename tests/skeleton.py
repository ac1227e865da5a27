"""Structure signatures: a payload with its text taken out (a plain module, not a test file).

A signature keeps what a parser depends on and nothing a person wrote. For XML and HTML: the
element tree with each element's tag and attribute names, plus the values of the attributes
that name markup rather than carry content (HTML ``class``, ``name``, ``rel``, ``type``, and an
``id`` written as a plain lower-case name such as ``content``; an id built from a paper's
authors and title keeps only its name), and the document's first line when it is an XML
declaration or a doctype; runs of siblings with the same signature are kept once (how many
papers a page lists is no part of its structure).
For JSON: object keys in order, each with the signature of its value, arrays as their distinct
item signatures, scalars as their JSON type.

The recorded payloads' signatures are fixture facts (``tests/fixtures/<source>/structure/``,
written by ``tests/regenerate_facts.py``); the tests compute the mirror builders' signatures the
same way and compare them with those through the views below.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from bs4 import BeautifulSoup, Tag

# Attribute values that name markup, kept; every other attribute keeps only its name.
MARKUP_ATTRIBUTES = ("class", "name", "rel", "type")
MARKUP_ID = re.compile(r"[a-z_]+")

Node = dict[str, Any]  # {"tag": str, "attrs": [str], "children": [Node]}


def signature(body: bytes, kind: str) -> dict[str, Any]:
    """The signature of a payload of ``kind`` ``xml``, ``html`` or ``json``."""
    if kind == "json":
        return {"kind": kind, "value": of_json(json.loads(body))}
    first = body.lstrip()[:200].split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    prolog = first if first.lower().startswith(("<?xml", "<!doctype")) else None
    root = of_xml(ET.fromstring(body)) if kind == "xml" else of_html(body)
    return {"kind": kind, "prolog": prolog, "root": root}


def of_xml(element: ET.Element) -> Node:
    return _node(element.tag, sorted(element.attrib), [of_xml(child) for child in element])


def of_html(body: bytes) -> Node:
    soup = BeautifulSoup(body, "html.parser")
    root = soup.find("html")
    if not isinstance(root, Tag):
        raise ValueError("no <html> element")
    return _html_node(root)


def _html_node(element: Tag) -> Node:
    attrs = []
    for name, value in sorted(element.attrs.items()):
        shown = " ".join(value) if isinstance(value, list) else value
        if name in MARKUP_ATTRIBUTES or (name == "id" and MARKUP_ID.fullmatch(shown)):
            attrs.append(f"{name}={shown}")
        else:
            attrs.append(name)
    children = [_html_node(child) for child in element.children if isinstance(child, Tag)]
    return _node(element.name, attrs, children)


def _node(tag: str, attrs: list[str], children: list[Node]) -> Node:
    kept: list[Node] = []
    for child in children:
        if not kept or kept[-1] != child:
            kept.append(child)
    return {"tag": tag, "attrs": attrs, "children": kept}


def of_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: of_json(item) for key, item in value.items()}
    if isinstance(value, list):
        items: list[Any] = []
        for item in map(of_json, value):
            if item not in items:
                items.append(item)
        return items
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else "string"


# --- views of an element tree, as the tests compare them ---------------------------------------


def walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node["children"]:
        yield from walk(child)


def tag_paths(node: Node, parent: str = "") -> set[str]:
    """Every element's path of tags from the root: ``/root/child/grandchild``."""
    path = f"{parent}/{node['tag']}"
    return {path}.union(*(tag_paths(child, path) for child in node["children"]))


def pairs(node: Node) -> set[tuple[str, str]]:
    """Parent and child tags."""
    return {(n["tag"], child["tag"]) for n in walk(node) for child in n["children"]}


def attributes(node: Node) -> set[tuple[str, str]]:
    """Tags with each of their attributes (a markup attribute with its value)."""
    return {(n["tag"], attr) for n in walk(node) for attr in n["attrs"]}


def find(node: Node, path: str) -> Node:
    """The first element at ``path`` below ``node``: child tags joined by ``/`` (XML tags by
    their local names, without namespace), each with an attribute it must have in brackets if
    need be (``body/div[id=content]/dl``)."""
    for step in path.split("/"):
        tag, _, attr = step.removesuffix("]").partition("[")
        found = next(
            (
                child
                for child in node["children"]
                if child["tag"].rpartition("}")[2] == tag and (not attr or attr in child["attrs"])
            ),
            None,
        )
        if found is None:
            raise KeyError(f"no {path} in the signature")
        node = found
    return node


def child_tags(node: Node) -> list[str]:
    return [child["tag"] for child in node["children"]]
