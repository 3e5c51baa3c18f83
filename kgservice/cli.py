"""``plankg``: build, serve, query, validate and export the knowledge graph.

Exit codes (every command):
  0  ok
  1  validation or verification failed (SHACL violations, values not at their source lines, a build error)
  2  usage or bad input (unknown option, bad query, unknown format)
  3  store missing or unavailable (run ``plankg build``)

Settings come from options, then ``PLANKG_*`` environment variables (and ``PORT``), then defaults
(kgservice.settings).
"""

from __future__ import annotations
import sys
from pathlib import Path
from typing import Optional
import typer
from kgservice.settings import Settings
from mappings.suggest.cli import app as suggest_app
from mappings.extract.cli import ingest

OK, FAILED, USAGE, UNAVAILABLE = 0, 1, 2, 3

app = typer.Typer(
    name="plankg", no_args_is_help=True, add_completion=False,
    help="Knowledge graph of Japanese municipal plans. Exit codes: 0 ok; 1 validation/verification "
         "failed; 2 usage/bad input; 3 store missing/unavailable.",
)
app.add_typer(suggest_app, name="suggest", help="Candidate links: suggest, accept, reject, evaluate.")
app.command("ingest", help="Draft records and a review report for a document (mappings.extract).")(ingest)


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj["settings"]


def _fail(code: int, message: str) -> None:
    typer.echo(f"plankg: {message}", err=True)
    raise typer.Exit(code)


@app.callback()
def main(
    ctx: typer.Context,
    store: Optional[Path] = typer.Option(None, help="Store path (the `current` symlink). Env PLANKG_STORE_PATH."),
    dumps: Optional[Path] = typer.Option(None, help="Dumps root. Env PLANKG_DUMPS_PATH."),
    base_iri: Optional[str] = typer.Option(None, help="Base IRI of minted IRIs. Env PLANKG_BASE_IRI."),
    root: Optional[Path] = typer.Option(None, help="Project root holding data/, sources/, ontology/. Env PLANKG_ROOT."),
) -> None:
    try:
        settings = Settings.from_env(root=root, store_path=store, dumps_path=dumps, base_iri=base_iri)
    except ValueError as exc:
        _fail(USAGE, f"bad settings: {exc}")
    ctx.obj = {"settings": settings}


def _run_build(ctx: typer.Context, full: bool = False) -> None:
    from mappings.build.pipeline import BuildError, build

    try:
        report = build(_settings(ctx), progress=lambda step: typer.echo(f"… {step}", err=True), incremental=not full)
    except BuildError as exc:
        _fail(FAILED, f"build failed:\n{exc}")
    typer.echo(f"built ({report.mode}; store switched in after {report.switched_seconds:.1f} s) {report.default_triples} triples (the merge of the graphs; {report.triples} in the "
               f"named graphs, a triple stated in two counted in each) from {report.records} records in "
               f"{report.seconds:.1f} s → {report.store_path}", err=True)
    typer.echo("triples per graph:", err=True)
    for graph, n in report.triples_per_graph.items():
        typer.echo(f"  {n:>8}  {graph}", err=True)
    typer.echo("instances per class:", err=True)
    for cls, n in report.instances_per_class.items():
        typer.echo(f"  {n:>8}  {cls}", err=True)


@app.command("build")
def build_cmd(
    ctx: typer.Context,
    target: Optional[str] = typer.Option(
        None, help="Also load the graph into this remote SPARQL store (e.g. http://dba:PASSWORD@127.0.0.1:8890/sparql): "
                   "batched, resumable, then the triple count of every named graph is verified."),
    full: bool = typer.Option(False, "--full", help="Build everything again, even if only documents changed."),
) -> None:
    """Verify and map the records, validate with SHACL, load a new store and switch it in (only the changed
    documents again when nothing else changed: README "Incremental build")."""
    _run_build(ctx, full)
    if target:
        _load(ctx, target)


def _load(ctx: typer.Context, target: str, dump: Path | None = None, **options) -> None:
    from kgservice.engine.load_remote import LoadError, load
    from kgservice.engine.target import Target

    s = _settings(ctx)
    password = s.remote_password.get_secret_value() if s.remote_password else None
    try:
        remote = Target.from_url(target, flavour=options.pop("flavour", None), username=s.remote_user,
                                 password=password)
        report = load(remote, dump or s.dumps_current / "plankg.nq", s,
                      progress=lambda step: typer.echo(f"… {step}", err=True), **options)
    except LoadError as exc:
        _fail(FAILED, f"loading {target} failed: {exc}")
    except ValueError as exc:
        _fail(USAGE, f"bad target {target}: {exc}")
    total = sum(report.graphs.values())
    typer.echo(f"{total} triples in {len(report.graphs)} graphs and their merge ({report.default_triples} distinct "
               f"triples) verified on {report.target} ({report.batches_sent} batches sent, "
               f"{report.batches_skipped} done before, {report.seconds:.1f} s)", err=True)


@app.command("load")
def load_cmd(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Query endpoint URL, credentials as user:password@ or PLANKG_REMOTE_USER/"
                                           "PLANKG_REMOTE_PASSWORD (e.g. http://dba:PASSWORD@127.0.0.1:8890/sparql)."),
    dump: Optional[Path] = typer.Option(None, help="N-Quads dump [the current build's plankg.nq]."),
    state: Optional[Path] = typer.Option(None, help="Progress file [DUMP.load-state.json]."),
    batch_size: int = typer.Option(5000, min=1, help="Triples per Graph Store request."),
    flavour: Optional[str] = typer.Option(None, help="virtuoso, oxigraph, fuseki or generic [from the URL]."),
    prune: bool = typer.Option(False, help="Delete graphs under {base}graph/ that the dump does not hold."),
) -> None:
    """Load the built graph into a remote SPARQL store (batched, resumable), then verify every graph's count."""
    _load(ctx, target, dump, state_path=state, batch_size=batch_size, flavour=flavour, prune=prune)


@app.command()
def serve(
    ctx: typer.Context,
    host: Optional[str] = typer.Option(None, help="Bind address. Env PLANKG_HOST."),
    port: Optional[int] = typer.Option(None, help="Port. Env PORT or PLANKG_PORT."),
    workers: Optional[int] = typer.Option(None, help="Query worker processes. Env PLANKG_WORKERS."),
    timeout: Optional[float] = typer.Option(None, help="Query timeout in seconds. Env PLANKG_QUERY_TIMEOUT_S."),
    store_url: Optional[str] = typer.Option(
        None, "--store", help="Serve from a remote SPARQL store (Virtuoso, Oxigraph server, Fuseki) at this URL "
                              "instead of the embedded one. Env PLANKG_STORE_URL."),
    access_log: Optional[bool] = typer.Option(None, "--access-log/--no-access-log",
                                              help="Log every request (off by default). Env PLANKG_ACCESS_LOG."),
    answer_cache: Optional[bool] = typer.Option(None, "--answer-cache/--no-answer-cache",
                                                help="Cache named-query answers by store version (on by default). "
                                                     "Env PLANKG_ANSWER_CACHE."),
) -> None:
    """Run the service (one uvicorn process; queries run in worker processes). Builds the store first
    when there is none. Updates are on only when PLANKG_UPDATE_TOKEN is set."""
    import uvicorn

    from kgservice.app import create_app

    base = _settings(ctx)
    try:
        settings = base.model_copy(update={k: v for k, v in
                                           dict(host=host, port=port, workers=workers, query_timeout_s=timeout,
                                                store_url=store_url, access_log=access_log,
                                                answer_cache=answer_cache).items()
                                           if v is not None})
        settings = Settings(**settings.model_dump())  # validate the overrides
    except ValueError as exc:
        _fail(USAGE, f"bad settings: {exc}")
    if not settings.store_url and not settings.store_path.exists():
        typer.echo(f"no store at {settings.store_path}: building it first", err=True)
        _run_build(ctx)
    # One process: uvicorn --workers loses TCP_NODELAY (FIELD-NOTES); parallelism is in the engine.
    # uvloop (a pinned dependency) is a cheaper event loop than asyncio's. HTTP stays on h11: httptools
    # answers a malformed request (e.g. a DEL byte in a header) itself, with a text/plain 400 outside
    # the error envelope.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, workers=1, log_level="info",
                access_log=settings.access_log, http="h11", loop="uvloop")


_FORMAT_HELP = "Result format: json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, nquads, trig, rdfxml, jsonld."


@app.command()
def query(
    ctx: typer.Context,
    text: Optional[str] = typer.Argument(None, help="The SPARQL query (or use --file, or '-' for stdin)."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Read the query from this file."),
    format: Optional[str] = typer.Option(None, "--format", help=_FORMAT_HELP),
    max_rows: int = typer.Option(0, help="Refuse a result of more rows/triples than this (0: no cap)."),
    timeout: Optional[float] = typer.Option(None, help="Stop the query after this many seconds. Env "
                                                       "PLANKG_QUERY_TIMEOUT_S."),
) -> None:
    """Run a SPARQL query against the store and write the result to stdout (through the service's
    engine: the same checks, dataset and deadline as /sparql, in a reader process of its own)."""
    from kgservice.request import negotiation as formats
    from kgservice.engine.contract import Limits, QueryError
    from kgservice.engine.embedded import Engine
    from kgservice.request.errors import ServiceError
    from kgservice.engine.sparqltext import scan

    if file is not None and text is not None:
        _fail(USAGE, "give the query as an argument or with --file, not both")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            _fail(USAGE, f"cannot read {file}: {exc}")
    elif text == "-" or text is None:
        text = sys.stdin.read()
    scanned = scan(text)
    kind = {"select": "results", "ask": "results", "construct": "graph", "describe": "graph"}.get(scanned.form)
    try:
        fmt = formats.choose(None, [format] if format else [], kind)
    except ServiceError as exc:
        _fail(USAGE, exc.message)
    settings = _settings(ctx)
    engine = Engine(settings.model_copy(update={"workers": 1}))
    engine.start()
    try:
        result = engine.execute(text, fmt.name, scanned=scanned,
                                limits=Limits(max_rows or sys.maxsize, timeout or settings.query_timeout_s))
    except QueryError as exc:
        _fail(USAGE if exc.status < 500 else UNAVAILABLE, exc.message)
    finally:
        engine.close()
    sys.stdout.buffer.write(result.body)
    sys.stdout.buffer.flush()


def _open_store(ctx: typer.Context):
    import pyoxigraph as ox

    path = _settings(ctx).store_path
    if not path.exists():
        _fail(UNAVAILABLE, f"no store at {path}; run `plankg build`")
    try:
        return ox.Store.read_only(str(path.resolve()))
    except OSError as exc:
        _fail(UNAVAILABLE, f"cannot open the store at {path}: {exc}")


@app.command()
def validate(ctx: typer.Context) -> None:
    """Verify the records against their source lines, map them and validate the graph with SHACL."""
    try:
        from mappings.build.pipeline import BuildError, map_records
        from mappings.build import validate as shacl_validate
    except ImportError as exc:
        _fail(UNAVAILABLE, f"the validation is not available: {exc}")
    config = _settings(ctx)
    try:
        mapped, n_records = map_records(config)
        violations = shacl_validate(config, mapped)
    except BuildError as exc:
        _fail(FAILED, str(exc))
    for violation in violations:
        typer.echo(violation.describe(mapped.origin), err=True)
    if violations:
        _fail(FAILED, f"{len(violations)} SHACL violation(s)")
    typer.echo(f"ok: {n_records} records verified and mapped; the graph conforms to the shapes", err=True)


EXPORTS = {"nquads": "plankg.nq", "trig": "plankg.trig", "turtle": "plankg.ttl", "jsonld": "plankg.jsonld"}


@app.command()
def export(
    ctx: typer.Context,
    path: Optional[Path] = typer.Argument(None, help="A file, or a directory for one file per format "
                                                     "(default: the dumps root)."),
    format: list[str] = typer.Option([], "--format", help="nquads, trig, turtle, jsonld (repeatable; "
                                                          "default: from the file suffix, or all four)."),
) -> None:
    """Write dumps of the store. Turtle holds the default graph, the merge of the named graphs (graph
    names are lost, each triple once); N-Quads, TriG and JSON-LD hold the named graphs (and the triples
    written to the default graph itself), never the merge as a graph of its own."""
    import pyoxigraph as ox

    from mappings.build import merge

    by_suffix = {Path(name).suffix: fmt for fmt, name in EXPORTS.items()}
    unknown = [f for f in format if f not in EXPORTS]
    if unknown:
        _fail(USAGE, f"unknown export format {unknown[0]!r}; use one of {', '.join(EXPORTS)}")
    target = path or _settings(ctx).dumps_path
    if target.suffix and not target.is_dir():
        if len(format) > 1:
            _fail(USAGE, "one file takes one format")
        fmt = format[0] if format else by_suffix.get(target.suffix)
        if fmt is None:
            _fail(USAGE, f"cannot tell the format of {target.name}; give --format")
        jobs = [(fmt, target)]
    else:
        jobs = [(f, target / EXPORTS[f]) for f in (format or list(EXPORTS))]
    store = _open_store(ctx)
    rdf = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE,
           "jsonld": ox.RdfFormat.JSON_LD}
    merged = merge.holds_merge(store)
    for fmt, out in jobs:
        out.parent.mkdir(parents=True, exist_ok=True)
        if rdf[fmt].supports_datasets:
            data = ox.serialize(merge.dataset_quads(store, merged), format=rdf[fmt])
        elif merged:
            data = store.dump(format=rdf[fmt], from_graph=ox.DefaultGraph())
        else:  # a store built before the merge: fold the graphs, a triple in two graphs written once
            union = ox.Store()
            union.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
            data = union.dump(format=rdf[fmt], from_graph=ox.DefaultGraph())
        out.write_bytes(data)
        typer.echo(f"wrote {out} ({len(data)} bytes)", err=True)


if __name__ == "__main__":
    app()
