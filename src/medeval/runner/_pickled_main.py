"""Advice for an algorithm that loads an object pickled in a script run as ``__main__``.

Private. A model saved whole (``torch.save(model)``, ``pickle.dump``, ``joblib.dump``) by
the training script that defines its class names that class ``__main__.Net``; in the
runner's worker ``__main__`` is medeval's, which defines no ``Net``, so loading fails
with pickle's ``Can't get attribute 'Net' on <module '__main__' (built-in)>`` (or, under
torch's ``weights_only=True``, ``Unsupported global: GLOBAL __main__.Net``), words that
do not say why: the plugin defining ``Net`` itself does not help.
"""

from __future__ import annotations

import re

__all__ = ["pickled_main_hint"]

_MAIN_CLASS = re.compile(r"Can't (?:get attribute|resolve path) '([^']+)' on <?module "
                         r"'__main__'|GLOBAL __main__\.([A-Za-z_][A-Za-z0-9_.]*)")


def pickled_main_hint(text: str) -> str:
    """The advice for a failure whose words name a class of ``__main__``, else empty.

    >>> pickled_main_hint("AttributeError: Can't get attribute 'Net' on <module "
    ...                   "'__main__' (built-in)>")[:62]
    'it loads an object pickled whole by a script run as __main__ ('
    >>> "__main__.Net" in pickled_main_hint("Unsupported global: GLOBAL __main__.Net was not")
    True
    >>> pickled_main_hint("AttributeError: 'Net' object has no attribute 'fc'")
    ''
    """
    found = _MAIN_CLASS.search(text)
    if found is None:
        return ""
    name = found.group(1) or found.group(2)
    return (f"it loads an object pickled whole by a script run as __main__ (a model saved "
            f"with torch.save(model), pickle.dump or joblib.dump by the training script "
            f"that defines {name}): the file names the class __main__.{name}, and the "
            f"worker's __main__ is medeval's, not that script; save the weights alone "
            f"(torch.save(model.state_dict())) and build the model in setup(), or define "
            f"{name} in a module beside the plugin, import it from there and save again")
