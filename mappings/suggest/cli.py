"""``plankg suggest …``: candidate cross-plan links for a curator (mappings/suggest/suggester.py).

    plankg suggest suggest                 regenerate data/linkage/candidates.yaml
    plankg suggest accept ID [--confidence 0.8] [--reason TEXT] [--relation serves]
    plankg suggest reject ID
    plankg suggest evaluate                precision / recall / F1 against data/linkage/links.yaml

Exit codes as the main CLI: 0 ok; 1 the new link failed the source-line check; 2 usage (unknown
candidate, a decided one, a relation that is not a link relation).
"""

from __future__ import annotations
from decimal import Decimal, InvalidOperation
from typing import Optional
import typer
from mappings.config import ProjectConfig

OK, FAILED, USAGE = 0, 1, 2

app = typer.Typer(name="suggest", no_args_is_help=True, add_completion=False,
                  help="Candidate cross-plan links from text similarity (SudachiPy + TF-IDF): "
                       "generate, accept, reject, evaluate.")


def _fail(code: int, message: str) -> None:
    typer.echo(f"plankg suggest: {message}", err=True)
    raise typer.Exit(code)


@app.callback()
def main(ctx: typer.Context) -> None:
    # The main CLI hands over its settings (a ProjectConfig: --root, PLANKG_ROOT, …); alone, the environment.
    parent = ctx.obj if isinstance(ctx.obj, dict) else {}
    config = parent.get("settings") or ProjectConfig.from_env()
    if not config.data_dir.is_dir():
        _fail(USAGE, f"no records folder at {config.data_dir} (plankg --root, or PLANKG_DATA_DIR)")
    ctx.obj = {**parent, "settings": config}


def _config(ctx: typer.Context) -> ProjectConfig:
    return ctx.obj["settings"]


@app.command("suggest")
def suggest_cmd(
    ctx: typer.Context,
    top_k: int = typer.Option(3, min=1, help="Neighbours proposed per element/indicator."),
    threshold: float = typer.Option(0.2, min=0.0, max=1.0, help="Lowest cosine proposed."),
) -> None:
    """Regenerate data/linkage/candidates.yaml (decisions are kept; rejected pairs stay out)."""
    from mappings.records.schema import RecordError
    from mappings.suggest.curation import regenerate
    from mappings.suggest.suggester import CANDIDATES, Params

    data = _config(ctx).data_dir
    try:
        content = regenerate(data, Params(top_k=top_k, threshold=threshold))
    except RecordError as exc:
        _fail(FAILED, str(exc))
    counts: dict[str, int] = {}
    for cand in content["candidates"]:
        counts[cand["decision"]] = counts.get(cand["decision"], 0) + 1
    by_relation: dict[str, int] = {}
    for cand in content["candidates"]:
        if cand["decision"] == "proposed":
            by_relation[cand["relation"]] = by_relation.get(cand["relation"], 0) + 1
    typer.echo(f"{len(content['candidates'])} candidates → {data / CANDIDATES} "
               f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}; proposed by relation: "
               f"{', '.join(f'{k} {v}' for k, v in sorted(by_relation.items()))})")


@app.command()
def accept(
    ctx: typer.Context,
    candidate: str = typer.Argument(..., help="Candidate id (cand-…) from candidates.yaml."),
    confidence: str = typer.Option("0.7", help="Confidence of the curator link, 0 to 1."),
    reason: Optional[str] = typer.Option(None, help="reason_en of the link (default: the suggester's evidence)."),
    relation: Optional[str] = typer.Option(None, help="Link relation instead of the guessed one "
                                                      "(required for a `related` candidate)."),
) -> None:
    """Move a candidate into data/linkage/links.yaml as a curator link quoting both records at their lines."""
    from mappings.records.schema import RecordError
    from mappings.suggest.curation import accept as do_accept

    try:
        value = Decimal(confidence)
    except InvalidOperation:
        _fail(USAGE, f"--confidence must be a number, got {confidence!r}")
    config = _config(ctx)
    try:
        link = do_accept(config.data_dir, config.sources_dir, candidate, value, reason, relation)
    except KeyError:
        _fail(USAGE, f"no candidate {candidate} in data/linkage/candidates.yaml")
    except ValueError as exc:
        _fail(USAGE, str(exc))
    except RecordError as exc:
        _fail(FAILED, f"the link was not added: {exc}")
    typer.echo(f"accepted {candidate} → link {link['id']} ({link['relation']}) in data/linkage/links.yaml")


@app.command()
def reject(ctx: typer.Context,
           candidate: str = typer.Argument(..., help="Candidate id (cand-…) from candidates.yaml.")) -> None:
    """Mark a candidate rejected: kept in candidates.yaml, never proposed again."""
    from mappings.suggest.curation import reject as do_reject

    try:
        do_reject(_config(ctx).data_dir, candidate)
    except KeyError:
        _fail(USAGE, f"no candidate {candidate} in data/linkage/candidates.yaml")
    except ValueError as exc:
        _fail(USAGE, str(exc))
    typer.echo(f"rejected {candidate}")


@app.command()
def evaluate(ctx: typer.Context) -> None:
    """Precision, recall and F1 of the suggester against the curated links, for several top-k and thresholds."""
    from mappings.records.files import load_records
    from mappings.suggest.evaluation import evaluate as do_evaluate, format_table, gold_ranks, measures_hits
    from mappings.suggest.suggester import build_model

    records = load_records(_config(ctx).data_dir)
    model = build_model(records)
    rows, findable, total = do_evaluate(records, model=model)
    typer.echo(f"curated links: {total}; findable (both ends elements/indicators of different plans with no "
               f"document in common): {findable}")
    typer.echo(format_table(rows))
    for link_id, score, rank in gold_ranks(records, model=model):
        typer.echo(f"  {link_id}: cosine {score}, rank {rank} among its subject's candidates")
    n, exact, parts = measures_hits(records, (1, 3, 5, 10), model=model)
    typer.echo(f"indicators' own measures_refs (within one plan, {n} indicators): hit@k exact "
               + ", ".join(f"@{k} {v}/{n}" for k, v in exact.items())
               + "; element or one of its parts " + ", ".join(f"@{k} {v}/{n}" for k, v in parts.items()))
