"""Per-framework facts live in the catalogue entry (frameworks.toml), and the code that once
listed them itself reads them from there: weights files, the Hub's tags and libraries, chart
colours, CamelCase names joined across a line break, the stems that may be glued."""

from __future__ import annotations

import pytest

from fwcensus.catalogue.code_names import hub_library_framework, hub_tag_framework
from fwcensus.catalogue.code_names import weights_frameworks as named_weights
from fwcensus.catalogue.frameworks import load_catalogue, parse_catalogue
from fwcensus.detect.mentions import scanner
from fwcensus.extract.clean import camel_words, keeps_hyphen
from fwcensus.report.charts import framework_colors
from fwcensus.signals.registry import targets


def test_weights_files_name_the_frameworks_their_entries_list() -> None:
    assert named_weights("pytorch_model-00001-of-00008.bin") == ("pytorch",)
    assert named_weights("Model.PTH") == ("pytorch",)
    assert named_weights("tf_model.h5") == named_weights("saved_model.pbtxt") == ("tensorflow",)
    # A SavedModel's binary graph as well as its text form (the pattern once missed the former).
    assert named_weights("saved_model.pb") == ("tensorflow",)
    assert named_weights("saved_model.pbtx") == ()
    assert set(named_weights("flax_model.msgpack")) == {"flax", "jax"}
    assert named_weights("model.keras") == ("keras",)
    assert named_weights("model.pdparams") == ("paddlepaddle",)
    assert named_weights("model.safetensors") == ()


def test_the_hubs_tags_and_libraries_come_from_the_entries() -> None:
    assert [hub_tag_framework(t) for t in ("tf", "tf-keras", "flax", "mlx", "timm")] == [
        "tensorflow", "tensorflow", "flax", "mlx", None,
    ]  # fmt: skip
    assert hub_library_framework("paddlenlp") == "paddlepaddle"
    assert hub_library_framework("open_clip") == "pytorch"
    assert hub_library_framework("sentence-transformers") == "pytorch"  # a catalogue library


def test_every_framework_the_signals_measure_has_its_colour() -> None:
    colors = framework_colors()
    assert list(colors)[:2] == ["pytorch", "tensorflow"]  # catalogue order leads the legend
    assert {t.framework for t in targets()} <= set(colors)


def test_camel_case_names_are_joined_across_a_line_break() -> None:
    assert {"pytorch", "tensorflow", "mindspore", "paddlepaddle"} <= camel_words()
    assert not keeps_hyphen("Py", "Torch") and not keeps_hyphen("Mind", "Spore")
    assert keeps_hyphen("Low", "Rank")


def test_glued_and_suffix_stems_are_the_entries_own() -> None:
    found = scanner()
    assert {"torch", "pytorch", "jax", "paddle"} <= found.glued_stems
    assert found.suffix_stems == {"torch", "pytorch", "jax"}
    assert all(set(fw.glued_compounds) <= set(fw.compounds) for fw in load_catalogue().frameworks)
    entry = '[[framework]]\nid = "x"\nname = "X"\naliases = ["X"]\nfirst_release = "2020-01-01"\n'
    with pytest.raises(ValueError, match="not its compounds"):
        parse_catalogue(entry + 'compounds = ["xx"]\nglued_compounds = ["yy"]\n')
