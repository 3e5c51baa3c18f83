"""bench/plots/*.png from one run's results: build time per stage and peak RSS, named-query latency and
throughput, against N (matplotlib)."""

from __future__ import annotations
from pathlib import Path
from bench.report_markdown import BUILD_LABELS, STAGES, sizes_of


def plots(r: dict, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    made = []
    sizes = sizes_of(r)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for mode, marker in zip(BUILD_LABELS, "os"):
        pts = [(n, e[mode]) for n, e in sizes if isinstance(e.get(mode), dict) and e[mode].get("stages")
               and not e[mode].get("killed")]
        if not pts:
            continue
        for stage in STAGES:
            xs = [n for n, b in pts if stage in b["stages"]]
            ys = [b["stages"][stage] for n, b in pts if stage in b["stages"]]
            if xs:
                ax1.plot(xs, ys, marker=marker, label=f"{BUILD_LABELS[mode]}: {stage}")
        ax2.plot([n for n, _ in pts], [b["peak_rss_mib"] for _, b in pts], marker=marker, label=BUILD_LABELS[mode])
    ax1.axhline(180, color="red", ls="--", lw=1, label="target: whole build ≤ 180 s at N=1,741")
    ax2.axhline(4096, color="red", ls="--", lw=1, label="target ≤ 4 GiB")
    for ax, title, unit in ((ax1, "Build time per stage", "seconds"), (ax2, "Peak RSS of the build", "MiB")):
        ax.set_xscale("log"), ax.set_yscale("log"), ax.set_xlabel("municipalities N"), ax.set_ylabel(unit)
        ax.set_title(title), ax.legend(fontsize=7), ax.grid(True, which="both", alpha=.3)
    fig.tight_layout()
    fig.savefig(out / "build.png", dpi=110)
    plt.close(fig)
    made.append("build.png")

    lat = [(n, e) for n, e in sizes if e.get("latency")]
    if lat:
        fig, ax = plt.subplots(figsize=(7, 4))
        for key, style in (("p50", "-o"), ("p99", "--o")):
            ax.plot([n for n, _ in lat], [e["latency"]["mixed"][key] for _, e in lat], style, label=f"mixed {key}")
            link = [(n, [q[key] for name, q in e["latency"]["queries"].items() if name.startswith("link-")])
                    for n, e in lat]
            ax.plot([n for n, v in link if v], [sorted(v)[len(v) // 2] for n, v in link if v], style,
                    label=f"link-* queries, median of {key}")
        ax.axhline(50, color="green", ls=":", label="target p50 ≤ 50 ms")
        ax.axhline(300, color="red", ls=":", label="target p99 ≤ 300 ms")
        ax.set_xscale("log"), ax.set_yscale("log"), ax.set_xlabel("municipalities N"), ax.set_ylabel("ms")
        ax.set_title("Named-query latency over HTTP"), ax.legend(fontsize=7), ax.grid(True, which="both", alpha=.3)
        fig.tight_layout()
        fig.savefig(out / "latency.png", dpi=110)
        plt.close(fig)
        made.append("latency.png")

    tp = r.get("throughput") or {}
    workloads = [(k, tp[k]) for k in ("bsbm", "named") if tp.get(k)]
    if workloads:
        fig, axes = plt.subplots(1, len(workloads), figsize=(6 * len(workloads), 4))
        axes = axes if len(workloads) > 1 else [axes]
        for ax, (key, w) in zip(axes, workloads):
            systems = [s for s in ("plankg", "oxigraph", "rdflib-endpoint", "pyoxigraph-raw") if s in w["results"]]
            for i, s in enumerate(systems):
                vals = [w["results"][s].get(c, {}).get("rps", 0) if isinstance(w["results"][s], dict) else 0
                        for c in ("1", "4", "16")]
                ax.bar([x + i * 0.2 for x in range(3)], vals, width=0.2, label=s)
            ax.set_xticks([x + 0.3 for x in range(3)], ["1 client", "4 clients", "16 clients"])
            ax.set_yscale("log"), ax.set_ylabel("requests/s")
            ax.set_title("BSBM explore (ad-hoc SPARQL)" if key == "bsbm" else f"named-query mix, N={w['n']}")
            ax.legend(fontsize=7), ax.grid(True, axis="y", alpha=.3)
        fig.tight_layout()
        fig.savefig(out / "throughput.png", dpi=110)
        plt.close(fig)
        made.append("throughput.png")
    return made
