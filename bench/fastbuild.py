"""Prototype of a faster build path, to measure proposals (the real build is mappings.build).

Same records, same source-line check, same mapping code and the same pyoxigraph load and
closures as ``mappings.build.build``; what differs, each a proposal in /tmp/requests.md:

1. YAML is read with libyaml (``yaml.CSafeLoader`` with the same ``__line__`` constructor)
   instead of the pure-Python loader: 2/3 of the mapping stage was YAML scanning (cProfile).
2. No SHACL gate (``shacl=False``), or pySHACL with each SHACL-SPARQL constraint parsed once
   (``shacl=True``, bench.shaclfast).  Without the gate the store is a *benchmark store*, not a
   release: it serves the query benchmarks at sizes the reference build cannot reach in time.
3. No dumps (the reference build writes five formats, sorted, gzipped).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable

import yaml


def use_libyaml() -> None:
    """Swap the record loader for a libyaml one with the same line marks and resolvers."""
    from mappings import records, sources

    class CLineLoader(yaml.CSafeLoader):
        pass

    def construct_mapping(loader, node):
        mapping = loader.construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    CLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    CLineLoader.yaml_implicit_resolvers = records._LineLoader.yaml_implicit_resolvers

    def load_yaml(path: Path) -> Any:
        try:
            return yaml.load(path.read_text(encoding="utf-8"), Loader=CLineLoader)
        except yaml.YAMLError as exc:
            raise records.RecordError(f"{path}: invalid YAML: {exc}") from exc

    records.load_yaml = load_yaml
    sources.load_yaml = load_yaml


def fast_build(config, progress: Callable[[str], None] = lambda _: None, shacl: bool = False) -> dict:
    import pyoxigraph as ox

    from mappings.build import BuildError, _new_dir, _switch, map_records, validate
    from mappings.inference import materialise

    use_libyaml()
    progress("mapping")
    ctx, n_records = map_records(config)
    if shacl:
        from bench.shaclfast import cached_sparql_constraints

        progress("shacl")
        with cached_sparql_constraints():
            violations = validate(config, ctx)
        if violations:
            raise BuildError(f"{len(violations)} SHACL violation(s)")
    progress("load")
    nquads = ctx.dataset.serialize(format="nquads").encode("utf-8")
    del ctx
    store_dir = _new_dir(config.store_root)
    store = ox.Store(str(store_dir))
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    del nquads
    progress("materialise")
    inferred = materialise(store, config.base_iri)
    store.optimize()
    triples = len(store)
    del store
    _switch(config.store_root, store_dir)
    return {"records": n_records, "triples": triples, "inferred": inferred, "shacl": shacl}
