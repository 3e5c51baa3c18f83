"""What bounds the service and the build, as measured and profiled: the prose of BENCHMARKS.md that
bench.report_markdown writes after its tables."""


SERVICE_NOTES = """Read from the tables above, `kgservice/engine/embedded.py` and profiles of single requests (cProfile and
timestamps on this machine, 2026-11-23):

- **Where a request's time goes** (ad-hoc BSBM query, 4 clients): the query itself ≈ 1.05 ms in-process;
  our web process ≈ 1 ms of CPU (framework floor ≈ 0.19 ms, one tokenising pass over the text for the
  protocol's checks, engine bookkeeping); one round trip to a reader process ≈ 0.5 ms more than running
  the same call in-process (waking a second process and its cold caches; the pipe itself is 30–40 µs).
  Oxigraph's server has no such hop, which is most of the remaining BSBM gap. The hop is what lets the
  service kill a query at its deadline (pyoxigraph cannot cancel), so it stays.
- **Already removed:** the thread-pool hop (an idle reader is driven from the event loop), two of three
  tokenising passes (named queries are scanned once at load), `realpath` per query, uvicorn's access log
  line (≈ 0.25 ms; `serve --access-log` turns it back on); uvloop. httptools was tried and dropped: it
  answers a malformed request itself with a text/plain 400, outside the service's one error envelope.
- **Large results** pay ≈ 3.5 µs a row: the reader writes TSV through a counting sink (the row cap is exact)
  and the engine re-serialises to the requested format. Counting in JSON directly cost more than it saved.
- **Query plans, not HTTP, dominate the slow named queries.** pyoxigraph 0.5.13's planner treats
  substituted parameters as unbound when it orders joins, starts from any pattern with a constant object
  (`?x a mplan:Plan`), splits a group at an OPTIONAL or BIND, evaluates multi-pattern OPTIONAL bodies over
  the whole graph, joins several patterns inside one EXISTS/NOT EXISTS as a cartesian product, and applies
  a FILTER on a parameter only after every join of its group. The named queries were rewritten to start
  from their parameter (each says why in a comment); seven linkage queries more this time (nested
  single-pattern EXISTS, the parameter chosen in a sub-SELECT of its own). What still grows with the
  graph: country-wide questions without a parameter (every KPI behind schedule, every area shared by
  cities, every piece of link evidence), the free-text search `cq-text-mentions` (no text index),
  `cq-rate-vs-target`, which pairs statistics tables and indicators of all cities by label and unit, and
  answers that grow because names repeat across municipalities.
- **Repeated named queries** come from the answer cache (keyed by the store's version, ETag/304); the
  latency table above is measured with it off.
- rdflib-endpoint holds the graph in rdflib's memory store; on the named mix over the N=100 graph it did
  not answer within the client timeout.
"""


PROFILE_NOTES = """From the stage times above and cProfile runs on the synthetic corpora (N=10 and N=100):

1. **What bounds the target (mapping + validation + load ≤ 180 s at N=1,741):** the query store at N=1,741
   measured mapping 324 s and load 144 s, i.e. 469 s before any validation. pyoxigraph's bulk loader
   (two threads) alone takes 144 of the 180 s; mapping is single-core Python at ≈ 0.5 ms a record, so
   even split perfectly over both cores it would take ≈ 160 s more.
2. **SHACL** is pyshacl-turbo 0.6.5 (Rust) for the core constraints over the mapped N-Quads, plus one
   pyoxigraph query per SHACL-SPARQL constraint over the loaded store (the shape's targets joined where
   SHACL pre-binds `$this`); pySHACL stays the reference in `tests/test_validate.py` (same verdicts on
   the real graph and on a graph broken five ways). pyshacl-turbo takes the whole graph as one Python
   string and copies it: **it sets the full build's peak memory** (1.9 GiB at N=100, linear in N), which
   is why the full build is not run at N=1,741. Validating in parts was designed and tried this session:
   the shapes read at most 2 hops forward from a focus node (computed from the shapes: no inverse or
   unbounded path, no `sh:targetObjectsOf`), so a partition of named graphs plus a 2-hop halo of whole
   subjects gives each of its focus nodes the whole-graph verdict. It failed on the data source, not
   the logic: the store then rewrote literals to canonical form (`"8"^^xsd:positiveInteger` read back
   as `xsd:integer`), so partitions cut from it gave false datatype violations. After this run the
   mapping writes every literal in the form the store keeps (`tests/test_build.py` checks it on the
   real graph), which removes that blocker: cutting the partitions from the store is the next step,
   not yet built or measured.
3. **Materialise** is the largest stage at N=1,741 (538 s): six closure rules as CONSTRUCTs over the
   union graph, the new triples bulk-inserted. Tried: `MINUS` instead of `FILTER NOT EXISTS` (same
   answers, no gain at N=100); SPARQL UPDATE `INSERT … USING <every graph>` (one rule took 590 s at
   N=100 instead of 1.7 s); compacting the store before the rules (≈ 20 % at N=100).
4. **Dumps** (not part of the target): four formats written by pyoxigraph straight to files, the
   byte-identical N-Quads sorted by `LC_ALL=C sort`; copying the store into a union store for Turtle and
   JSON-LD and rdflib's canonical blank-node labelling are most of what is left.
5. **A query store at N=1,741** is built with the same stage functions minus SHACL and dumps
   (`bench/buildchild.py query-store`): it is unvalidated and exists only to measure query latency at
   the size the full build cannot reach within the deadline.
"""
