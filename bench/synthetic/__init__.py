"""A deterministic synthetic corpus for performance and scale tests.

    python -m bench.synthetic --municipalities 100 --seed 1 --out var/synthetic/n100

writes, for N synthetic municipalities, what the real corpus consists of:

    OUT/sources/catalog.yaml            the catalog (SHA-256 and city code of every file)
    OUT/sources/syn-<code>-<doc>.txt    synthetic SOURCE DOCUMENTS (plain text, numbered lines)
    OUT/data/<doc>/<kind>.yaml          records citing the lines of those documents
    OUT/data/linkage/links.yaml         cross-document links with quotes on both sides
    OUT/data/reference/cities.yaml      the synthetic municipalities (codes with valid check digits)
    OUT/synthetic.json                  counts, and ids the benchmark uses as query parameters

so that the records go through exactly the same schema, source-line check, mapping, SHACL and
load as the real ones (``mappings.build.pipeline.build``).  Nothing here is real: municipality names read
``合成NNNN市/町/村``; labels, units, table layouts and the sizes are modelled on the five real
documents (counted with ``load_records(Path("data"))``, 2026-11):

- per municipality about five plans, in three documents: a comprehensive plan chapter (a
  comprehensive plan, its basic plan with goals → policies → initiatives → projects, and a
  community sector plan with goals → measures and actor roles), a strategy evaluation (a
  comprehensive strategy with goals → policies → measures/projects with FY budgets, KPIs with
  baseline/target/expected/actual and progress status, numeric targets per goal, and the
  evaluation plan) and an administrative overview (mayors, sister cities, information systems,
  statistics tables, events, wide-area bodies);
- elements per plan 20–90 (real: 1–82, mean 29), 3.4 projects per initiative (Hitachi), about a
  quarter of projects 重点, 15 % 新, 15 % 再掲; 7 observations per KPI, 2–3 per other indicator;
  12–18 departments, 1 budget figure per strategy project (FY2022 budget and settlement in 千円);
- what the named queries' examples ask for (``examples``): the adoption month (策定) of the basic
  plan, related plans (関連計画) of about 30 % of its policies, the previous survey value of outcome
  indicators, relistings that name their main listing, curated links (the community plan serves a
  basic-plan goal; strategy KPIs measure community-plan measures) and, in municipality 0 only, a
  membership table (加入世帯数, 加入率 by fiscal year).

The records of municipality *i* depend only on (seed, i), except the member list of its wide-area
body and its domestic partner cities, which depend on N: the same seed gives the same bytes.

The package: ``cities`` (the municipalities), ``vocabulary`` (labels as the real documents print them),
``text`` (a document line by line, dates, amounts, filler sentences), ``municipality`` with
``plan_document``, ``strategy_document`` and ``overview_document`` (the three documents and their records),
``examples`` (the named queries' stand-ins) and ``corpus`` (writing it all: ``generate``); ``python -m
bench.synthetic`` is ``__main__``.
"""
