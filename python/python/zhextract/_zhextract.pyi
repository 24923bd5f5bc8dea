from typing import Any, Optional, Sequence

import pyarrow

__version__: str

class Extractor:
    def __init__(
        self,
        *,
        time_bias: str = "past",
        doc_date: Optional[str] = None,
        include_tokens: bool = False,
        include_simplified: bool = False,
        rules: Optional[Sequence[str]] = None,
        lexicons: Optional[Sequence[str]] = None,
        word_lists: Optional[Sequence[str]] = None,
        relation_model: bool = True,
    ) -> None: ...
    def extract(self, text: str, doc_date: Optional[str] = None) -> dict[str, Any]: ...
    def extract_batch(
        self, texts: Sequence[str], doc_dates: Optional[Sequence[Optional[str]]] = None
    ) -> list[dict[str, Any]]: ...
    def extract_arrow(self, batch: pyarrow.RecordBatch) -> pyarrow.RecordBatch: ...

def extract(text: str, doc_date: Optional[str] = None, **options: Any) -> dict[str, Any]: ...
def document_schema() -> pyarrow.Schema: ...
