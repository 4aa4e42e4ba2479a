"""themescope: themes and actors' attitudes in article corpora.

The work is done by the Rust library (the extension module ``themescope._themescope``) with the
GIL released, so threads embedding at once run in parallel. Models are found as the command-line
tool finds them: a local folder, ``$THEMESCOPE_MODELS``, the Hugging Face cache, the Hub, the
PyPI mirror. Errors of the library are raised as :class:`ThemescopeError` (a ``ValueError``)
with the one-line message the CLI prints.

>>> import themescope
>>> emb = themescope.Embedder()
>>> emb.embed(["The council approved the budget."]).shape
(1, 384)
"""

from ._themescope import (
    DEFAULT_MODEL,
    Embedder,
    Sentiment,
    ThemescopeError,
    __version__,
    add_phrase_counts,
    add_window_counts,
    assign_themes,
    choose_words,
    copy_evidence,
    count_phrases,
    count_windows,
    discover_actors,
    find_copies,
    kmeans_centres,
    kmeans_labels,
    kmeans_step,
    name_themes,
    read_corpus,
    run,
    split_paragraphs,
    themes,
    write_embeddings,
)

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
