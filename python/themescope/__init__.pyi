"""Type stubs of themescope (the extension module ``themescope._themescope``)."""

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, TypedDict, Union, final

import numpy as np
import numpy.typing as npt

__version__: str
DEFAULT_MODEL: str
"""The model used when none is named: sentence-transformers/all-MiniLM-L6-v2."""

__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "Sentiment",
    "ThemescopeError",
    "__version__",
    "add_phrase_counts",
    "add_window_counts",
    "assign_themes",
    "choose_words",
    "copy_evidence",
    "count_phrases",
    "count_windows",
    "discover_actors",
    "find_copies",
    "kmeans_centres",
    "kmeans_labels",
    "kmeans_step",
    "name_themes",
    "read_corpus",
    "run",
    "split_paragraphs",
    "themes",
    "write_embeddings",
]

_PathLike = Union[str, "os.PathLike[str]"]

class ThemescopeError(ValueError):
    """An error of the library (bad input, a bad setting, a model not found, a file that
    cannot be written), with the one-line message the command-line tool prints."""

@final
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

    def __new__(
        cls,
        model: Optional[_PathLike] = None,
        dtype: str = "f32",
        device: str = "auto",
        batch_size: int = 32,
        threads: Optional[int] = None,
        cache: Union[None, bool, _PathLike] = None,
        max_length: Optional[int] = None,
        long_text: str = "windows",
    ) -> "Embedder": ...
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

@final
class Sentiment:
    """A scoring method (``head``: the trained head over the encoder; ``vader``) with the
    encoder its head needs, as ``themescope sentiment`` loads it."""

    def __new__(
        cls,
        method: str = "head",
        head: Optional[_PathLike] = None,
        model: Optional[_PathLike] = None,
        dtype: str = "f32",
        device: str = "auto",
        batch_size: int = 32,
        threads: Optional[int] = None,
        min_mentions: int = 3,
    ) -> "Sentiment": ...
    def score(
        self,
        texts: Iterable[str],
        actors: Union[None, _PathLike, Sequence[Union[str, Dict[str, Any]]], Dict[str, Any]] = None,
    ) -> List[Dict[str, Any]]:
        """Every mention of an actor in ``texts``: ``index`` (of the text), ``paragraph``,
        ``actor``, ``alias``, ``text``, ``span``/``chars``/``sentence`` (byte, character
        and sentence spans in the text), ``label``, ``probs`` and ``score`` (P(positive) − P(negative)).
        ``actors``: None discovers them in ``texts``; a path reads an actor file; a list gives
        names (people) or dicts ``{"name", "kind", "aliases"}``; the dict
        :func:`discover_actors` returns scores against the actors found there."""
    @property
    def info(self) -> Dict[str, Any]:
        """The method, its head's name and provenance, min_mentions."""

def discover_actors(texts: Iterable[str], min_mentions: int = 3) -> Dict[str, Any]:
    """The actors ``Sentiment.score(texts)`` would discover (named at least ``min_mentions``
    times): ``{"actors": [{"name", "kind", "aliases", "mentions"}, ...], "not_actors": [...],
    "namesakes": [{"name", "kind", "aliases"}, ...]}``, most mentioned first (namesakes: people
    named too rarely to list who share an alias with an actor, matched and never reported). Pass it as ``actors`` to score any texts against these actors (texts
    in batches, on other machines) with the mentions that scoring all of them would find."""

def split_paragraphs(text: str, keep_boilerplate: bool = False) -> List[str]:
    """The paragraphs of a text as a corpus record's text is read: character references
    decoded (``&amp;``, `` #36;``), split at blank lines (or at line breaks when there is no
    blank line), short boilerplate dropped."""

def read_corpus(
    paths: Union[_PathLike, Sequence[_PathLike]],
    text_field: str = "text",
    keep_boilerplate: bool = False,
) -> List[Dict[str, Any]]:
    """The documents of files and folders (txt, md, html, jsonl, csv) as the CLI reads them:
    dicts with id, source, title, metadata, text and paragraphs (list of str)."""

def themes(
    embeddings: npt.NDArray[np.float32],
    texts: Sequence[str],
    k: Union[int, str, None] = None,
    seed: int = 42,
    *,
    doc_ids: Optional[Sequence[str]] = None,
    embedder: Optional[Embedder] = None,
    model: Optional[_PathLike] = None,
    out: Optional[_PathLike] = None,
    **options: Any,
) -> Dict[str, Any]:
    """Themes of ``embeddings`` (rows × dim float32) whose rows are ``texts``, as
    ``themescope themes`` finds them. ``k``: the number of themes, or "auto" (None: auto).
    ``doc_ids``: each row's document (default: its own).
    ``embedder`` embeds the label phrases (it must be the model that made the vectors; default:
    ``model`` or the default model). ``options``: settings of [themes] (k_max, algo, min_size,
    reduce, outliers, ngram, top_phrases, stop_words, keep_duplicates). Returns the fields of
    themes.json (``themes`` with label, phrases, size, representatives; ``paragraphs``) and
    ``assignments``: each row's theme id, or None for an outlier; ``centroids``: each theme's
    L2-normalised mean vector (themes × dim float32), for :func:`assign_themes`. ``out``: also
    writes themes.json there (atomically), the file ``themescope themes --out`` writes."""

def assign_themes(
    embeddings: npt.NDArray[np.float32],
    centroids: npt.NDArray[np.float32],
    min_similarity: Optional[float] = None,
) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Each row's nearest theme among ``centroids`` (from :func:`themes`) by cosine: theme ids
    (int64; -1 when below ``min_similarity``) and the cosines (float32). Every row is computed
    on its own, so batches give the same answer as the whole, bit for bit. Runs without the GIL."""

def count_phrases(
    texts: Sequence[str],
    themes: Union[Sequence[Optional[int]], npt.NDArray[np.int64]],
    n_themes: int,
    *,
    doc_ids: Optional[Sequence[str]] = None,
    originals: Optional[Sequence[Optional[str]]] = None,
    **options: Any,
) -> bytes:
    """The phrase candidates of a block of paragraphs counted per theme, what themes are named
    from (``themes[i]``: paragraph ``i``'s theme in ``range(n_themes)``; negative or None: not
    counted), as opaque bytes for :func:`add_phrase_counts` and :func:`name_themes`.
    ``doc_ids``: each paragraph's document, a document's paragraphs consecutive (default: each
    its own); ``originals``: each paragraph's original text if it copies one
    (:func:`find_copies` over every block), else None (default: paragraphs that copy another
    are found within the block); ``options``: the phrase settings of :func:`themes` (ngram,
    top_phrases, stop_words). Runs without the GIL."""

def copy_evidence(
    texts: Sequence[str],
    themes: Union[Sequence[Optional[int]], npt.NDArray[np.int64]],
    **options: Any,
) -> Tuple[int, npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """A block's evidence of copied paragraphs for :func:`find_copies`: ``(longest, sizes,
    hashes)``, the words of the block's longest phrase, and per paragraph the number of hashes
    of its phrases of that length, which follow one another in ``hashes``."""

def find_copies(
    blocks: Sequence[Tuple[int, npt.NDArray[np.int64], npt.NDArray[np.uint64]]],
) -> npt.NDArray[np.int64]:
    """The copied paragraphs of blocks given in reading order (each block's
    :func:`copy_evidence`): for each paragraph, numbered across the blocks, the index of the
    earlier paragraph it copies (the same article twice, a syndicated version), or -1, as
    :func:`themes` finds them among all the paragraphs at once."""

def add_phrase_counts(counts: Sequence[bytes]) -> bytes:
    """The phrase counts of consecutive blocks (:func:`count_phrases`) added up, in the order
    given: reading order, so that a document two blocks share is counted once."""

class _WordPool(TypedDict):
    words: List[str]
    scores: List[float]

class _ThemeName(TypedDict, total=False):
    label: str
    phrases: List[Dict[str, Any]]
    words: List[str]
    pool: _WordPool

def name_themes(
    counts: bytes,
    centroids: npt.NDArray[np.float32],
    *,
    embedder: Optional[Embedder] = None,
    model: Optional[_PathLike] = None,
    **options: Any,
) -> List[_ThemeName]:
    """Each theme named from its phrase counts (:func:`count_phrases`, added up) exactly as
    :func:`themes` names the themes of the paragraphs it is given (c-TF-IDF, re-ranking against
    the ``centroids``, themes × dim float32, MMR, the naming rules, top words): ``label``,
    ``phrases`` (``phrase``, ``score``) and ``words``, one per centroid. ``embedder`` (else
    ``model``, loaded) embeds the phrases: the encoder that embedded the paragraphs. ``pool``
    holds each theme's one-word candidates, best first; ``words`` are its first ten until
    :func:`choose_words` chooses them with the corpus's :func:`count_windows`."""

def count_windows(texts: Sequence[str], words: Sequence[str], **options: Any) -> bytes:
    """The sliding windows (10 content words) of a block of paragraphs that hold each of
    ``words`` (every theme's ``pool`` words from :func:`name_themes`) and each pair of them, as
    opaque bytes for :func:`add_window_counts` and :func:`choose_words`. Count every paragraph
    of the corpus, in a theme or not. ``options``: the phrase settings (stop_words). Runs
    without the GIL."""

def add_window_counts(counts: Sequence[bytes]) -> bytes:
    """The window counts of blocks (:func:`count_windows`, with the same words) added up."""

def choose_words(themes: Sequence[_ThemeName], windows: bytes) -> List[_ThemeName]:
    """``themes`` (from :func:`name_themes`) with each theme's ``words`` chosen from its
    ``pool`` as :func:`themes` chooses them: the best word, then those that read together with
    it in the corpus (NPMI in ``windows``, :func:`add_window_counts` over every block). The
    pools are dropped."""

class _KMeansStep(TypedDict):
    sums: npt.NDArray[np.float64]
    counts: npt.NDArray[np.int64]
    inertia: float
    moved: int

def kmeans_step(
    embeddings: npt.NDArray[np.float32],
    centres: npt.NDArray[np.float64],
    previous: Optional[npt.NDArray[np.float64]] = None,
) -> _KMeansStep:
    """One block's share of a k-means (Lloyd) step: each row goes to its nearest centre
    (squared Euclidean distance to ``centres``, centres × dim, after normalising the row, as the
    k-means of :func:`themes`). ``sums`` (centres × dim) and ``counts`` per centre, ``inertia``
    (the squared distances summed) and ``moved``: rows whose nearest centre is not their
    nearest among ``previous`` (0 without it). Blocks add up to the whole; the vectors are read
    in place and the GIL is released."""

def kmeans_centres(
    sums: npt.NDArray[np.float64],
    counts: Sequence[int],
    centres: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The centres after a step: the blocks' ``sums`` and ``counts`` added up, each centre
    their mean; a centre no row went to stays where it was in ``centres``."""

def kmeans_labels(
    embeddings: npt.NDArray[np.float32],
    centres: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Each row's nearest centre (int64), by the rule of :func:`kmeans_step`."""

def write_embeddings(
    path: _PathLike,
    embeddings: npt.NDArray[np.float32],
    texts: Sequence[str],
    *,
    embedder: Embedder,
    doc_ids: Optional[Sequence[str]] = None,
    para_index: Optional[Sequence[int]] = None,
) -> None:
    """Writes vectors with their rows (text, document id, paragraph index) as ``themescope
    embed`` writes them (.parquet, .npy or .safetensors, from the extension; atomically), so
    ``themescope themes --embeddings FILE`` reads the file. ``embedder``: the model that made
    the vectors, recorded in the file."""

def run(
    inputs: Union[_PathLike, Sequence[_PathLike]],
    out: _PathLike,
    *,
    config: Optional[_PathLike] = None,
    strict: bool = False,
    given: Optional[Dict[str, Any]] = None,
    **settings: Any,
) -> Dict[str, Any]:
    """The whole job: reads ``inputs``, writes report.json, report.md, report.html,
    paragraphs.parquet and run.json into ``out`` as ``themescope run`` does. ``config``: a
    themescope.toml; ``settings`` override it (any setting, e.g. k=8, model=..., threads=1).
    Returns the summary ``themescope run --json`` prints, plus exit_code and manifest
    (run.json). Skipped input files are reported as warnings. ``given``: vectors and themes
    found elsewhere (a distributed run), used instead of embedding the paragraphs and fitting
    themes: a dict of ``embeddings`` (rows × dim float32), ``doc_ids``, ``para_index``,
    ``texts`` and ``themes`` (int; negative or None: an outlier), one per row, in any order;
    every paragraph of ``inputs`` must have its row (the same document, index and text); and
    ``mentions`` (optional): the mentions' scores, rows of :func:`themescope.ray.score` (dicts
    of doc_id, para_index, actor, start, end, label, score, p_negative, p_neutral,
    p_positive), used instead of scoring them: every mention the run finds needs its row."""
