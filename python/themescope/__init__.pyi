"""Type stubs of themescope (the extension module ``themescope._themescope``)."""

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

__version__: str
DEFAULT_MODEL: str
"""The model used when none is named: sentence-transformers/all-MiniLM-L6-v2."""

PathLike = Union[str, "os.PathLike[str]"]

class ThemescopeError(ValueError):
    """An error of the library (bad input, a bad setting, a model not found, a file that
    cannot be written), with the one-line message the command-line tool prints."""

class Embedder:
    """A sentence-embedding model, loaded once.

    ``model``: a local folder or a Hub id ``org/name[@revision]`` (None: the default model),
    resolved as the CLI resolves it (``$THEMESCOPE_MODELS``, the Hugging Face cache, ...).
    ``dtype``: f32, f16, bf16, i16 or i8; ``device``: auto, cpu, cuda or metal.
    ``threads``: this embedder's own thread pool (None: all cores). ``cache``: None or False
    (no cache), True (the default cache folder) or a folder; vectors found there are not
    computed again. ``max_length``: tokens per text instead of the model's; ``long_text``:
    ``windows`` (longer texts read whole, as windows of sentences) or ``truncate``.
    """

    def __init__(
        self,
        model: Optional[PathLike] = None,
        dtype: str = "f32",
        device: str = "auto",
        batch_size: int = 32,
        threads: Optional[int] = None,
        cache: Union[None, bool, PathLike] = None,
        max_length: Optional[int] = None,
        long_text: str = "windows",
    ) -> None: ...
    def embed(self, texts: Iterable[str]) -> npt.NDArray[np.float32]:
        """One L2-normalised vector per text, rows × dim float32, bit for bit what
        ``themescope embed`` writes for the same texts. Runs without the GIL."""
    @property
    def dim(self) -> int:
        """The vector length."""
    @property
    def info(self) -> Dict[str, Any]:
        """model, revision, pooling, normalize, max_length, dim, device, dtype,
        content_sha256, source (where the model was found), path, threads, cache."""

class Sentiment:
    """A scoring method (``head``: the trained head over the encoder; ``vader``) with the
    encoder its head needs, as ``themescope sentiment`` loads it."""

    def __init__(
        self,
        method: str = "head",
        head: Optional[PathLike] = None,
        model: Optional[PathLike] = None,
        dtype: str = "f32",
        device: str = "auto",
        batch_size: int = 32,
        threads: Optional[int] = None,
        min_mentions: int = 3,
    ) -> None: ...
    def score(
        self,
        texts: Iterable[str],
        actors: Union[None, PathLike, Sequence[Union[str, Dict[str, Any]]]] = None,
    ) -> List[Dict[str, Any]]:
        """Every mention of an actor in ``texts``: ``index`` (of the text), ``paragraph``,
        ``actor``, ``alias``, ``text``, ``span``/``chars``/``sentence`` (byte, character
        and sentence spans in the text), ``label``, ``probs`` and ``score`` (P(positive) − P(negative)).
        ``actors``: None discovers them; a path reads an actor file; a list gives names
        (people) or dicts ``{"name", "kind", "aliases"}``."""
    @property
    def info(self) -> Dict[str, Any]:
        """The method, its head's name and provenance, min_mentions."""

def split_paragraphs(text: str, keep_boilerplate: bool = False) -> List[str]:
    """The paragraphs of a text as a corpus record's text is split: at blank lines (or at
    line breaks when there is no blank line), short boilerplate dropped."""

def read_corpus(
    paths: Union[PathLike, Sequence[PathLike]],
    text_field: str = "text",
    keep_boilerplate: bool = False,
) -> List[Dict[str, Any]]:
    """The documents of files and folders (txt, md, html, jsonl, csv) as the CLI reads them:
    dicts with id, source, title, metadata, text and paragraphs (list of str)."""

def themes(
    embeddings: npt.NDArray[np.float32],
    texts: Sequence[str],
    k: Union[int, str] = "auto",
    seed: int = 42,
    *,
    doc_ids: Optional[Sequence[str]] = None,
    embedder: Optional[Embedder] = None,
    model: Optional[PathLike] = None,
    **options: Any,
) -> Dict[str, Any]:
    """Themes of ``embeddings`` (rows × dim float32) whose rows are ``texts``, as
    ``themescope themes`` finds them. ``doc_ids``: each row's document (default: its own).
    ``embedder`` embeds the label phrases (it must be the model that made the vectors; default:
    ``model`` or the default model). ``options``: settings of [themes] (k_max, algo, min_size,
    reduce, outliers, ngram, top_phrases, stop_words, keep_duplicates). Returns the fields of
    themes.json (``themes`` with label, phrases, size, representatives; ``paragraphs``) and
    ``assignments``: each row's theme id, or None for an outlier."""

def run(
    inputs: Union[PathLike, Sequence[PathLike]],
    out: PathLike,
    *,
    config: Optional[PathLike] = None,
    strict: bool = False,
    **settings: Any,
) -> Dict[str, Any]:
    """The whole job: reads ``inputs``, writes report.json, report.md, report.html,
    paragraphs.parquet and run.json into ``out`` as ``themescope run`` does. ``config``: a
    themescope.toml; ``settings`` override it (any setting, e.g. k=8, model=..., threads=1).
    Returns the summary ``themescope run --json`` prints, plus exit_code and manifest
    (run.json). Skipped input files are reported as warnings."""
