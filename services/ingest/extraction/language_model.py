"""The py3langid model, loaded once per process at import (about a second of CPU).

The extraction workers' fork server imports this module, so every worker starts with the
model in memory instead of loading it for its first document.
"""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Probabilities normalised over the languages, so one threshold means the same at any length.
IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
