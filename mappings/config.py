"""The project's one configuration model: where the records, sources, ontology, store and dumps are,
and the base of every minted IRI.

The build reads it as it is; the service's ``kgservice.settings.Settings`` extends it with what only
serving needs, so a path or the base IRI is named once for both. Values flow one way: explicit
overrides (CLI options) beat ``PLANKG_<FIELD>`` environment variables, which beat the defaults.
Nothing is read at import time: ``from_env`` reads the environment when it is called.

Paths may be relative: ``data_dir``, ``sources_dir`` and ``ontology_dir`` default to folders of
``root``; everything is made absolute against the working directory when the model is made (rdflib
mis-joins relative paths, and a server must not change meaning with its working directory).
"""

from __future__ import annotations
import os
from pathlib import Path
from typing import Any
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ENV_PREFIX = "PLANKG_"
DEFAULT_BASE = "https://plankg.org/"
LIST_SEPARATOR = ","


class ProjectConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    root: Path = Path(".")  # the project: data/, sources/, ontology/ (and var/ by default)
    data_dir: Path | None = None  # the source records (default root/data)
    sources_dir: Path | None = None  # the source documents and their catalog (default root/sources)
    ontology_dir: Path | None = None  # default root/ontology
    store_path: Path | None = None  # the `current` symlink to the live store (default root/var/store/current)
    dumps_path: Path | None = None  # holds build-* dump folders and their `current` (default root/var/dumps)
    base_iri: str = Field(DEFAULT_BASE, description="base of every minted IRI")

    @field_validator("base_iri")
    @classmethod
    def _base_ends_with_slash(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")) or not v.endswith(("/", "#")):
            raise ValueError("base_iri must be an http(s) IRI ending in '/' or '#'")
        return v

    @model_validator(mode="after")
    def _absolute_paths(self) -> "ProjectConfig":
        defaults = {"data_dir": Path("data"), "sources_dir": Path("sources"), "ontology_dir": Path("ontology"),
                    "store_path": Path("var/store/current"), "dumps_path": Path("var/dumps")}
        root = self.root.expanduser().absolute()
        values = {"root": root}
        for name, default in defaults.items():
            given = getattr(self, name)
            path = (root / default) if given is None else given.expanduser()
            values[name] = path if path.is_absolute() else Path.cwd() / path
        if any(getattr(self, name) != value for name, value in values.items()):
            # validate_assignment would re-run this validator per field: set them without it.
            for name, value in values.items():
                object.__setattr__(self, name, value)
        return self

    @property
    def store_root(self) -> Path:
        """The folder of build-* store directories and the ``current`` symlink."""
        return self.store_path.parent

    @property
    def dumps_current(self) -> Path:
        return self.dumps_path / "current"

    @classmethod
    def at(cls, root: Path, *, var: Path | None = None, **values: Any) -> "ProjectConfig":
        """The project at ``root``, its store and dumps under ``var`` (default ``root/var``)."""
        if var is not None:
            values.setdefault("store_path", var / "store" / "current")
            values.setdefault("dumps_path", var / "dumps")
        return cls(root=root, **values)

    @classmethod
    def list_fields(cls) -> frozenset[str]:
        """Fields given in the environment as comma-separated lists."""
        return frozenset(name for name, field in cls.model_fields.items()
                         if getattr(field.annotation, "__origin__", None) is list)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any):
        """The model from ``PLANKG_*`` variables (lists comma-separated); overrides not None win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = cls._env_extras(env)
        lists = cls.list_fields()
        for name in cls.model_fields:
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is None:
                continue
            values[name] = [item.strip() for item in raw.split(LIST_SEPARATOR) if item.strip()] if name in lists else raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @classmethod
    def _env_extras(cls, env: dict[str, str]) -> dict[str, Any]:
        """Variables outside the PLANKG_ prefix a subclass honours (none here)."""
        return {}
