"""Properties of the catalog's YAML reader: any text (or bytes) gives a Document or a
DataError, and every line it names lies inside the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prodsec.catalog.yamlsrc import read_document
from prodsec.errors import DataError

from .strategies import PROPERTIES, line_count, texts

KEYS = st.sampled_from(["id", "ref", "requirements", "mappings", "edition"]) | st.text(max_size=8)


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("yaml") / "data.yaml"


@PROPERTIES
@given(text=texts(KEYS))
def test_any_text_gives_a_document_with_lines_inside_it(text: str, path: Path) -> None:
    path.write_text(text, encoding="utf-8")
    last = line_count(text)
    try:
        doc = read_document(path)
    except DataError as exc:
        issues = exc.issues
    else:
        assert all(1 <= line <= last for line in doc.lines.values()), (doc.lines, text)
        assert all(1 <= doc.line(loc) <= last for loc in doc.lines)
        return
    assert [i.file for i in issues] == [str(path)]
    assert 1 <= issues[0].line <= last, (issues, text)


@PROPERTIES
@given(raw=st.binary())
def test_any_bytes_give_a_document_or_a_data_error(raw: bytes, path: Path) -> None:
    path.write_bytes(raw)
    try:
        doc = read_document(path)
    except DataError as exc:
        files = [i.file for i in exc.issues]
    else:
        assert doc.path == path
        return
    assert files == [str(path)]


def test_an_error_at_the_end_of_the_text_names_its_last_line(path: Path) -> None:
    path.write_text("id: x\nrequirements: [", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_document(path)
    assert [(i.line, i.field, i.message) for i in caught.value.issues] == [
        (2, "(syntax)", "did not find expected node content")
    ]
