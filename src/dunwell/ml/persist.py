"""A trained predictor as a document of data: JSON, LightGBM's own text format, raw numbers.

A stored model must never be able to run code when it is loaded (``pickle`` can). The document
holds only JSON values: numbers, strings, lists and tagged objects. Arrays are their dtype, shape
and bytes (base64); LightGBM boosters are their text model (``model_to_string``); every other
object is its state, and it is rebuilt only if its class is on ``ALLOWED`` — a fixed list of
Dunwell's estimators and the few library classes they hold. A document naming anything else is
refused, whatever it claims to be. The libraries the model was trained with are recorded and
checked on load (``check_versions``): a model from an incompatible LightGBM, scikit-learn or
NumPy is refused with what to do, never loaded to misbehave.

Pure: builds and reads dicts; storing them (compressed JSON in the registry) is the caller's job.
"""

from __future__ import annotations

import base64
import dataclasses
import math
from importlib.metadata import version
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.preprocessing import LabelEncoder

from dunwell.ml.choice import Choice, GroupChoice
from dunwell.ml.errors import PredictionError
from dunwell.ml.naive import NaiveGuesses, ResidualLife, _CustomerStats
from dunwell.ml.predictor import PaymentPredictor
from dunwell.ml.risk import LatenessRiskModel
from dunwell.ml.timing import QuantileTimingModel, ResidualTimingModel

FORMAT = "dunwell-model"
FORMAT_VERSION = 1
#: The only classes a document may rebuild.
ALLOWED: dict[str, type] = {
    f"{cls.__module__}.{cls.__qualname__}": cls
    for cls in (
        PaymentPredictor,
        QuantileTimingModel,
        ResidualTimingModel,
        LatenessRiskModel,
        Choice,
        GroupChoice,
        NaiveGuesses,
        ResidualLife,
        _CustomerStats,
        lgb.LGBMRegressor,
        lgb.LGBMClassifier,
        IsotonicRegression,
        LabelEncoder,  # LightGBM's classifier keeps one: its classes, data only
    )
}
#: Libraries whose objects are stored, and how much of their version must match to load them:
#: scikit-learn's estimator state changes between minor releases; LightGBM's text model and
#: NumPy's dtypes within a major one.
LIBRARIES = {"lightgbm": 1, "scikit-learn": 2, "numpy": 1}
_NUMBERS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def to_document(predictor: PaymentPredictor) -> dict[str, Any]:
    """The trained ``predictor`` as a JSON-ready document."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "libraries": {name: version(name) for name in LIBRARIES},
        "model": _encode(predictor),
    }


def from_document(document: dict[str, Any]) -> PaymentPredictor:
    """The predictor a document holds; ``PredictionError`` for anything else or an incompatible one."""
    if document.get("format") != FORMAT or document.get("format_version") != FORMAT_VERSION:
        raise PredictionError(
            "model_format",
            f"not a Dunwell model document (format {document.get('format')!r} "
            f"version {document.get('format_version')!r}; this Dunwell reads {FORMAT} {FORMAT_VERSION})",
        )
    check_versions(document.get("libraries") or {})
    model = _decode(document["model"])
    if not isinstance(model, PaymentPredictor):
        raise PredictionError("model_format", f"the document holds a {type(model).__name__}, not a predictor")
    return model


def check_versions(recorded: dict[str, str]) -> None:
    """Refuse a model trained with library versions this install cannot read faithfully."""
    problems = []
    for name, parts in LIBRARIES.items():
        trained, installed = recorded.get(name), version(name)
        if trained is None or _release(trained, parts) != _release(installed, parts):
            problems.append(f"{name} {trained or 'unknown'} (installed: {installed})")
    if problems:
        raise PredictionError(
            "model_incompatible",
            "the stored model was trained with " + ", ".join(problems)
            + "; retrain it here with `dunwell model train --as-of DATE`",
        )  # fmt: skip


def _release(text: str, parts: int) -> tuple[str, ...]:
    return tuple(text.split("+")[0].split(".")[:parts])


def _encode(value: Any) -> Any:
    if value is None or (isinstance(value, bool | str | int) and not isinstance(value, np.generic)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.generic):
        return {"scalar": value.dtype.str, "value": _encode(value.item())}
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, list | tuple):
        return {"list" if isinstance(value, list) else "tuple": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, lgb.Booster):
        return {"lightgbm": value.model_to_string()}
    name = f"{type(value).__module__}.{type(value).__qualname__}"
    if ALLOWED.get(name) is not type(value):
        raise PredictionError("model_format", f"cannot store a {name} in a model document")
    return {"object": name, "state": _encode(_state(value))}


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise PredictionError("model_format", "a bare list in a model document")
        return value
    if "float" in value:
        return _NUMBERS[value["float"]]
    if "scalar" in value:
        return np.dtype(value["scalar"]).type(_decode(value["value"]))
    if "array" in value:
        return _from_array(value)
    if "list" in value:
        return [_decode(v) for v in value["list"]]
    if "tuple" in value:
        return tuple(_decode(v) for v in value["tuple"])
    if "dict" in value:
        return {_decode(k): _decode(v) for k, v in value["dict"]}
    if "lightgbm" in value:
        return lgb.Booster(model_str=value["lightgbm"])
    if "object" in value:
        cls = ALLOWED.get(value["object"])
        if cls is None:
            raise PredictionError("model_format", f"a model document may not build a {value['object']}")
        return _rebuild(cls, _decode(value["state"]))
    raise PredictionError("model_format", f"unknown entry in a model document: {sorted(value)}")


def _state(value: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    state = value.__getstate__()
    if not isinstance(state, dict):
        raise PredictionError("model_format", f"a {type(value).__name__} has no state to store")
    return state


def _rebuild(cls: type, state: dict[str, Any]) -> Any:
    obj: Any = object.__new__(cls)  # no __init__: the state is the object
    if dataclasses.is_dataclass(cls):
        for name, field_value in state.items():
            object.__setattr__(obj, name, field_value)  # frozen dataclasses too
    elif hasattr(obj, "__setstate__"):
        obj.__setstate__(state)  # scikit-learn rebuilds what it derives (an isotonic's function)
    else:
        obj.__dict__.update(state)
    return obj


def _array(array: np.ndarray) -> dict[str, Any]:
    if array.dtype.hasobject:
        return {"array": "O", "shape": list(array.shape), "items": [_encode(v) for v in array.ravel()]}
    data = np.ascontiguousarray(array)
    return {
        "array": data.dtype.str,
        "shape": list(array.shape),
        "bytes": base64.b64encode(data.tobytes()).decode("ascii"),
    }


def _from_array(value: dict[str, Any]) -> np.ndarray:
    shape = tuple(value["shape"])
    if value["array"] == "O":
        items = np.empty(len(value["items"]), dtype=object)
        items[:] = [_decode(v) for v in value["items"]]
        return items.reshape(shape)
    dtype = np.dtype(value["array"])
    if dtype.hasobject:
        raise PredictionError("model_format", "an array of objects stored as bytes")
    return np.frombuffer(base64.b64decode(value["bytes"]), dtype=dtype).reshape(shape).copy()
