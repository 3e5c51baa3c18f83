"""The ontology, code lists, SHACL shapes and generated page (ontology/).

The shapes are exercised on a small graph built the way ontology/MODEL.md prescribes, from the
KPI 市内製造品出荷額 of the Mito strategy evaluation (source lines 11, 29-31): it must conform, and each
single fault put into it must be reported at the right node and property.
"""

from __future__ import annotations
import re
import typing
from pathlib import Path
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SH, SKOS, XSD
from mappings.mapping import datacube
from mappings.records import schema as records
from mappings.records import sources
from mappings.build.ontology_page import render

ROOT = Path(__file__).resolve().parent.parent
ONT = ROOT / "ontology"
MPLAN = Namespace("https://plankg.org/def/mplan#")
CODE = "https://plankg.org/def/code/"
QB = Namespace("http://purl.org/linked-data/cube#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SDMXM = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
OPENGOV = Namespace("http://www.w3.org/ns/opengov#")
ONTOLOGY = URIRef("https://plankg.org/def/mplan")


def load(name: str) -> Graph:
    return Graph().parse(ONT / name, format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load("mplan.ttl")


@pytest.fixture(scope="module")
def codes() -> Graph:
    return load("codelists.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load("shapes.ttl")


def minted_terms(g: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, QB.DataStructureDefinition, QB.SliceKey)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(str(MPLAN))}


def langs(g: Graph, s, p) -> set[str]:
    return {o.language for o in g.objects(s, p) if isinstance(o, Literal)}


# --- the ontology ---------------------------------------------------------------------------------

def test_ontology_header(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://plankg.org/def/mplan/0.1.0")
    assert str(ontology.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert {"ja", "en"} <= langs(ontology, ONTOLOGY, DCTERMS.title)
    assert {"ja", "en"} <= langs(ontology, ONTOLOGY, DCTERMS.description)
    assert ontology.value(ONTOLOGY, DCTERMS.creator) is not None
    assert not list(ontology.objects(ONTOLOGY, OWL.imports)), "W3C vocabularies are referenced, not imported"


def mapped_terms() -> set[str]:
    """The mplan terms the mapping and inference code emits."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "mappings").rglob("*.py")))
    found = re.findall(r'MPLAN(?:\.(\w+)|\["(\w+)"\]| \+ "(\w+)")', code)
    return {next(name for name in groups if name) for groups in found}


RETIRED_HEADING = "## Retired and changed terms"
COLD_HEADING = "## Asking with the vocabularies you know"


def test_ontology_defines_every_term_of_the_contract_and_the_mappings(ontology):
    model, _, retired = (ONT / "MODEL.md").read_text(encoding="utf-8").partition(RETIRED_HEADING)
    contract = set(re.findall(r"\bmplan:(\w+)", model))
    defined = {str(t)[len(str(MPLAN)):] for t in minted_terms(ontology)}
    assert contract - defined == set(), "terms of MODEL.md missing from mplan.ttl"
    deprecated = {str(t)[len(str(MPLAN)):] for t in ontology.subjects(OWL.deprecated, Literal(True))
                  if str(t).startswith(str(MPLAN))}
    retired_terms = {row.split("|")[1] for row in retired.splitlines() if row.startswith("| `mplan:")}
    retired_terms = set(re.findall(r"mplan:(\w+)", "".join(retired_terms)))
    assert retired_terms, "the retired table lists its terms"
    assert retired_terms - deprecated == set(), "a retired term stays in mplan.ttl as owl:deprecated"
    for term in deprecated:
        assert ontology.value(MPLAN[term], DCTERMS.isReplacedBy) is not None, f"mplan:{term} names its replacement"
    assert not (deprecated & mapped_terms()), "the mappings emit a retired term"
    emitted = mapped_terms()
    assert {"parent", "KPI", "LinkAssertion", "inferenceRule"} <= emitted  # the scan works
    assert emitted - defined == set(), "terms the mappings emit but mplan.ttl does not define"
    # Nothing beyond: every defined term is in the contract, emitted, or a named inverse.
    assert defined - contract - emitted - deprecated <= {"servedBy", "measuredBy"}


def test_every_term_has_labels_definitions_and_an_example(ontology):
    terms = minted_terms(ontology)
    assert len(terms) > 80
    for term in sorted(terms):
        assert {"ja", "en"} <= langs(ontology, term, RDFS.label), f"{term}: rdfs:label @ja and @en"
        assert {"ja", "en"} <= langs(ontology, term, SKOS.definition), f"{term}: skos:definition @ja and @en"
        retired = (term, OWL.deprecated, Literal(True)) in ontology  # its replacement has the example
        assert retired or list(ontology.objects(term, SKOS.example)), f"{term}: skos:example"


def test_examples_quote_the_documents(ontology):
    example = " ".join(str(o) for o in ontology.objects(MPLAN.KPI, SKOS.example))
    for printed in ("市内製造品出荷額", "151,564", "126,471 (2020年度)", "遅れ ↓"):
        assert printed in example
    # and the printed text really is at the cited lines (29-31 of the strategy evaluation)
    src = sources.load_catalog(ROOT / "sources")["mito-strategy-evaluation-2022"]
    text = src.passage([(29, 31)])
    for printed in ("市内製造品出荷額", "151,564", "126,471 (2020年度)", "遅れ ↓"):
        assert printed in text


def test_hierarchy_and_reuse(ontology):
    subclass = {
        MPLAN.Plan: PROV.Plan,
        MPLAN.LocalGovernment: ORG.FormalOrganization,
        MPLAN.InformationSystem: URIRef("https://schema.org/SoftwareApplication"),
        MPLAN.KPI: MPLAN.Indicator,
        MPLAN.NumericTarget: MPLAN.Indicator,
        MPLAN.OutcomeIndicator: MPLAN.Indicator,
        MPLAN.TargetIndicator: MPLAN.Indicator,
    }
    for sub, sup in subclass.items():
        assert (sub, RDFS.subClassOf, sup) in ontology
    for kind in ("Vision", "BasicPrinciple", "BasicGoal", "Policy", "Initiative", "Measure", "Action",
                 "Project", "ActorRole"):
        assert (MPLAN[kind], RDFS.subClassOf, MPLAN.PlanElement) in ontology
    # the direct parent is one value under dct:isPartOf; the closure is a property of its own (as SKOS
    # broader/broaderTransitive), not under dct:isPartOf, so dct:isPartOf keeps the direct parent only
    assert (MPLAN.parent, RDFS.subPropertyOf, DCTERMS.isPartOf) in ontology
    assert (MPLAN.parent, RDF.type, OWL.TransitiveProperty) not in ontology
    assert (MPLAN.partOfTransitive, RDF.type, OWL.TransitiveProperty) in ontology
    assert (MPLAN.parent, RDFS.subPropertyOf, MPLAN.partOfTransitive) in ontology
    assert (MPLAN.partOfTransitive, RDFS.subPropertyOf, DCTERMS.isPartOf) not in ontology
    for prop, inverse in ((MPLAN.serves, MPLAN.servedBy), (MPLAN.measures, MPLAN.measuredBy)):
        assert (prop, OWL.inverseOf, inverse) in ontology or (inverse, OWL.inverseOf, prop) in ontology
    # prov:wasDerivedFrom is kept for passages: only properties whose values are passages specialise it
    for prop, _, sup in ontology.triples((None, RDFS.subPropertyOf, None)):
        assert sup != PROV.wasRevisionOf
        if sup == PROV.wasDerivedFrom:
            assert ontology.value(prop, RDFS.range) == URIRef("http://www.w3.org/ns/oa#SpecificResource"), prop


def test_alignments_are_annotations_with_reasons(ontology):
    assert not list(ontology.triples((None, OWL.equivalentClass, None)))
    assert not list(ontology.triples((None, OWL.equivalentProperty, None)))
    note = lambda kind, name: Literal(f"BMM 1.3 {kind} match: the metaclass {name}.", lang="en")  # noqa: E731
    expected = {
        (MPLAN.Vision, SKOS.scopeNote, note("close", "Vision")),
        (MPLAN.BasicGoal, SKOS.scopeNote, note("close", "Goal")),
        (MPLAN.Indicator, SKOS.scopeNote, note("close", "Objective")),
        (MPLAN.NumericTarget, SKOS.scopeNote, note("close", "Objective")),
        (MPLAN.measures, SKOS.scopeNote, note("close", "quantifies")),
        (MPLAN.Policy, SKOS.scopeNote, note("close", "CourseOfAction")),
        (MPLAN.Measure, SKOS.scopeNote, note("close", "CourseOfAction")),
        (MPLAN.Project, SKOS.scopeNote, note("close", "CourseOfAction")),
        (MPLAN.serves, SKOS.scopeNote, note("close", "channelsEffortsToward")),
        (MPLAN.Indicator, SKOS.closeMatch, SDGO.Indicator),
        (MPLAN.NumericTarget, SKOS.relatedMatch, SDGO.Target),
        (MPLAN.BasicGoal, SKOS.relatedMatch, SDGO.Goal),
    }
    assert expected <= set(ontology)
    for term in set(ontology.subjects(SKOS.closeMatch, None)) | set(ontology.subjects(SKOS.relatedMatch, None)):
        if term == ONTOLOGY:
            continue
        assert "en" in langs(ontology, term, RDFS.comment), f"{term}: say why it matches"


def components(g: Graph, dsd: URIRef) -> dict[str, set[URIRef]]:
    out: dict[str, set[URIRef]] = {"dimension": set(), "measure": set(), "attribute": set()}
    for spec in g.objects(dsd, QB.component):
        for role, props in out.items():
            props.update(g.objects(spec, QB[role]))
    return out


def test_data_structures_follow_the_contract(ontology):
    sdmx_dim = URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod")
    unit = URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure")
    area = URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refArea")
    mult = URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMult")
    status = URIRef("http://purl.org/linked-data/sdmx/2009/attribute#obsStatus")
    assert components(ontology, MPLAN.IndicatorStructure) == {
        "dimension": {MPLAN.indicator, MPLAN.observationRole, MPLAN.columnPeriod, sdmx_dim, MPLAN.breakdown, area},
        "measure": {SDMXM.obsValue},
        "attribute": {unit, mult, MPLAN.unitAsPrinted, status, MPLAN.valueAsPrinted, MPLAN.comparison,
                      MPLAN.progressStatus, MPLAN.trend},
    }
    assert set(ontology.objects(MPLAN.IndicatorSeries, QB.componentProperty)) == {MPLAN.indicator, MPLAN.observationRole}
    assert components(ontology, MPLAN.BudgetStructure) == {
        "dimension": {MPLAN.project, sdmx_dim, area},
        "measure": {MPLAN.budgetAmount, MPLAN.settlementAmount},
        "attribute": {unit, mult, MPLAN.unitAsPrinted},
    }
    assert components(ontology, MPLAN.StatisticStructure) == {
        "dimension": {MPLAN.statistic, sdmx_dim, MPLAN.category, area},
        "measure": {SDMXM.obsValue},
        "attribute": {unit, mult, MPLAN.unitAsPrinted, MPLAN.measureLabel, MPLAN.valueAsPrinted},
    }
    kind = {"dimension": QB.DimensionProperty, "measure": QB.MeasureProperty, "attribute": QB.AttributeProperty}
    for dsd in (MPLAN.IndicatorStructure, MPLAN.BudgetStructure, MPLAN.StatisticStructure):
        for role, props in components(ontology, dsd).items():
            for prop in props:
                if str(prop).startswith(str(MPLAN)):
                    assert (prop, RDF.type, kind[role]) in ontology, f"{prop} is a qb {role} property"


# --- code lists -----------------------------------------------------------------------------------

SCHEMES = {
    "plan-kind": typing.get_args(records.PlanKind),
    "element-kind": typing.get_args(records.ElementKind),
    "indicator-kind": typing.get_args(records.IndicatorKind),
    "observation-role": typing.get_args(records.ObservationRole),
    "organization-kind": typing.get_args(records.OrganizationKind),
    # the code list is the source of document kinds (mappings.records.sources.document_kinds): each is used
    "document-kind": tuple({s.meta.kind for s in sources.load_catalog(ROOT / "sources").values()}),
    "municipality-kind": typing.get_args(records.City.model_fields["kind"].annotation),
    "progress-status": ("on-track", "roughly-on-track", "delayed"),
    "agreement-kind": ("sister-city", "friendship-city", "international-sister-city", "friendly-exchange-city"),
    "obs-status": typing.get_args(records.ObsStatus),
    "target-comparison": tuple(datacube.COMPARISONS.values()),
}


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_code_list_matches_the_record_schema(codes, scheme):
    iri = URIRef(CODE + scheme)
    assert (iri, RDF.type, SKOS.ConceptScheme) in codes
    concepts = set(codes.subjects(SKOS.inScheme, iri))
    assert {str(codes.value(c, SKOS.notation)) for c in concepts} == set(SCHEMES[scheme])
    for concept in concepts:
        notation = str(codes.value(concept, SKOS.notation))
        assert concept == URIRef(f"{CODE}{scheme}/{notation}")
        assert (concept, RDF.type, SKOS.Concept) in codes
        assert (concept, SKOS.topConceptOf, iri) in codes and (iri, SKOS.hasTopConcept, concept) in codes
        assert {"ja", "en"} <= langs(codes, concept, SKOS.prefLabel), concept
        assert {"ja", "en"} <= langs(codes, concept, SKOS.definition), concept


def test_every_concept_is_labelled_and_in_a_scheme(codes):
    concepts = set(codes.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == sum(len(v) for v in SCHEMES.values()) == 56
    for concept in concepts:
        assert {"ja", "en"} <= langs(codes, concept, SKOS.prefLabel)
        assert list(codes.objects(concept, SKOS.inScheme))
    assert (URIRef(CODE + "unit"), RDF.type, SKOS.ConceptScheme) in codes


def test_code_labels_are_the_printed_words(codes):
    def ja(code: str) -> str:
        return next(str(o) for o in codes.objects(URIRef(CODE + code), SKOS.prefLabel) if o.language == "ja")

    assert [ja(f"progress-status/{c}") for c in SCHEMES["progress-status"]] == ["順調", "概ね順調", "遅れ"]
    assert [ja(f"agreement-kind/{c}") for c in SCHEMES["agreement-kind"]] == [
        "姉妹都市", "親善都市", "国際親善姉妹都市", "友好交流都市"]
    assert [ja(f"observation-role/{c}") for c in ("baseline", "target", "expected", "actual")] == [
        "基準値", "目標値", "期待値", "実績値"]
    overview = sources.load_catalog(ROOT / "sources")["mito-overview-2023"]
    # each agreement kind is printed in the overview's section on sister cities (lines 32-80)
    text = overview.passage([(32, 80)])
    for code in SCHEMES["agreement-kind"]:
        assert f"（{ja('agreement-kind/' + code)} " in text


# --- shapes ---------------------------------------------------------------------------------------

def target_classes(shapes: Graph) -> set[URIRef]:
    return set(shapes.objects(None, SH.targetClass))


def test_every_class_has_a_shape(ontology, shapes):
    targets = target_classes(shapes)
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and (cls, OWL.deprecated, Literal(True)) not in ontology:
            assert cls in targets, f"no shape targets {cls}"
    prefixes = {"mplan": str(MPLAN), "foaf": "http://xmlns.com/foaf/0.1/", "prov": str(PROV),
                "oa": "http://www.w3.org/ns/oa#", "org": str(ORG), "time": str(TIME), "qb": str(QB),
                "skos": str(SKOS), "dct": str(DCTERMS), "schema": "https://schema.org/"}
    # the contract, not the cold questions (they name classes of others' vocabularies) nor the retired table
    model = (ONT / "MODEL.md").read_text(encoding="utf-8").partition(COLD_HEADING)[0]
    named = set(re.findall(r"\b([a-z]+):([A-Z]\w*)", model))
    dsds = set(ontology.subjects(RDF.type, QB.DataStructureDefinition)) | set(ontology.subjects(RDF.type, QB.SliceKey))
    checked = 0
    for prefix, local in named:
        cls = URIRef(prefixes[prefix] + local)
        # individuals; a super-class only; the co-type of a city, checked by the city's shape
        if cls in dsds or local == "SoftwareApplication" or (prefix, local) == ("prov", "Organization"):
            continue
        assert cls in targets, f"no shape targets {prefix}:{local} (named in MODEL.md)"
        checked += 1
    assert checked >= 40


def test_every_constraint_has_an_english_message(shapes):
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        for prop in shapes.objects(node_shape, SH.property):
            assert "en" in langs(shapes, prop, SH.message), f"{node_shape}: property {shapes.value(prop, SH.path)}"
        for sparql in shapes.objects(node_shape, SH.sparql):
            assert "en" in langs(shapes, sparql, SH.message)
        node_level = any(shapes.value(node_shape, p) is not None
                         for p in (SH["or"], SH.xone, SH["class"], SH.nodeKind))
        if node_level:
            assert "en" in langs(shapes, node_shape, SH.message), node_shape


def test_ontology_and_code_lists_conform(ontology, codes, shapes):
    data = ontology + codes
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    assert conforms, text
    # the structures and concepts were actually checked: break one and see it reported
    spec = next(ontology.objects(MPLAN.BudgetStructure, QB.component))
    data.add((spec, QB.dimension, MPLAN.indicator))
    data.remove((URIRef(CODE + "progress-status/delayed"), SKOS.inScheme, None))
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes)
    assert not conforms
    assert {r[0] for r in violations(report)} >= {spec, URIRef(CODE + "progress-status/delayed")}


# --- the example graph ----------------------------------------------------------------------------

BASE = "https://plankg.org/"
EXAMPLE = """
@prefix mplan: <https://plankg.org/def/mplan#> .
@prefix code: <https://plankg.org/def/code/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
@base <https://plankg.org/> .

<id/city/082015> a org:FormalOrganization , mplan:LocalGovernment , prov:Organization ;
    rdfs:label "水戸市"@ja , "Mito"@en ; skos:prefLabel "水戸市"@ja , "Mito"@en ;
    mplan:localGovernmentCode "082015" ; mplan:localGovernmentCode5 "08201" ; mplan:prefecture "茨城県"@ja ;
    mplan:municipalityKind code:municipality-kind\\/city ;
    skos:exactMatch <http://www.wikidata.org/entity/Q204249> ;
    mplan:standardAreaCode <http://data.e-stat.go.jp/lod/sac/C08201> ; dct:spatial <http://data.e-stat.go.jp/lod/sac/C08201> .

<id/document/mito-strategy-evaluation-2022> a foaf:Document , prov:Entity ;
    dct:identifier "mito-strategy-evaluation-2022" ; mplan:fileName "001_6b266554e06da064.txt" ;
    mplan:publisherAsPrinted "水戸市まち・ひと・しごと創生推進本部"@ja ;
    dct:title "令和4年度 水戸市まち・ひと・しごと創生総合戦略（第2次）の評価"@ja ,
        "Evaluation for FY2022 of the 2nd Mito Regional Revitalisation Comprehensive Strategy"@en ;
    dct:publisher <id/city/082015> ; dct:spatial <id/city/082015> ;
    mplan:documentKind code:document-kind\\/strategy-evaluation ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020"^^xsd:gYear ; dcat:endDate "2024"^^xsd:gYear ] ;
    schema:encodingFormat "text/plain" ;
    spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "SHA256" ] ;
    mplan:lineCount "LINECOUNT"^^xsd:integer .

<id/passage/mito-strategy-evaluation-2022/L11-L11> a prov:Entity , oa:SpecificResource ;
    oa:hasSource <id/document/mito-strategy-evaluation-2022> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "EXACT11" ] ,
        [ a oa:FragmentSelector ; rdf:value "line=10,11" ; dct:conformsTo <http://tools.ietf.org/rfc/rfc5147> ] ;
    mplan:firstLine "11"^^xsd:integer ; mplan:lastLine "11"^^xsd:integer .

<id/passage/mito-strategy-evaluation-2022/L29-L31> a prov:Entity , oa:SpecificResource ;
    oa:hasSource <id/document/mito-strategy-evaluation-2022> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "EXACT29" ] ,
        [ a oa:FragmentSelector ; rdf:value "line=28,31" ; dct:conformsTo <http://tools.ietf.org/rfc/rfc5147> ] ;
    mplan:firstLine "29"^^xsd:integer ; mplan:lastLine "31"^^xsd:integer .

<id/plan/mito-strategy-2> a mplan:Plan , prov:Plan , prov:Entity ;
    dct:title "水戸市まち・ひと・しごと創生総合戦略（第2次）"@ja ;
    mplan:planKind code:plan-kind\\/comprehensive-strategy ;
    dct:publisher <id/city/082015> ;
    mplan:firstFiscalYear "2020"^^xsd:gYear ; mplan:lastFiscalYear "2024"^^xsd:gYear ;
    dct:source <id/document/mito-strategy-evaluation-2022> .
<id/description/mito-strategy-evaluation-2022/plan/mito-strategy-2> a prov:Entity ;
    foaf:primaryTopic <id/plan/mito-strategy-2> ; prov:wasAttributedTo <id/city/082015> ;
    prov:wasDerivedFrom <id/passage/mito-strategy-evaluation-2022/L11-L11> .

<id/plan/mito-strategy-2/goal-1> a mplan:BasicGoal ;
    rdfs:label "生き生きと働けるしごとを創る"@ja ; mplan:displayNumber "I" ;
    mplan:elementKind code:element-kind\\/goal ;
    mplan:inPlan <id/plan/mito-strategy-2> ; mplan:parent <id/plan/mito-strategy-2> ; dct:isPartOf <id/plan/mito-strategy-2> ;
    dct:hasPart <id/plan/mito-strategy-2/policy-1-1> ;
    dct:source <id/document/mito-strategy-evaluation-2022> .
<id/description/mito-strategy-evaluation-2022/plan/mito-strategy-2/goal-1> a prov:Entity ;
    foaf:primaryTopic <id/plan/mito-strategy-2/goal-1> ; prov:wasAttributedTo <id/city/082015> ;
    prov:wasDerivedFrom <id/passage/mito-strategy-evaluation-2022/L11-L11> .

<id/plan/mito-strategy-2> dct:hasPart <id/plan/mito-strategy-2/goal-1> .

<id/plan/mito-strategy-2/policy-1-1> a mplan:Policy ;
    rdfs:label "地域経済をけん引する産業競争力の強化"@ja ; mplan:displayNumber "(1)" ;
    mplan:elementKind code:element-kind\\/policy ;
    mplan:inPlan <id/plan/mito-strategy-2> ; mplan:parent <id/plan/mito-strategy-2/goal-1> ;
    dct:isPartOf <id/plan/mito-strategy-2/goal-1> ;
    dct:source <id/document/mito-strategy-evaluation-2022> .
<id/description/mito-strategy-evaluation-2022/plan/mito-strategy-2/policy-1-1> a prov:Entity ;
    foaf:primaryTopic <id/plan/mito-strategy-2/policy-1-1> ; prov:wasAttributedTo <id/city/082015> ;
    prov:wasDerivedFrom <id/passage/mito-strategy-evaluation-2022/L29-L31> .

<id/plan/mito-strategy-2/indicator/shipments> a mplan:KPI ;
    rdfs:label "市内製造品出荷額 (年間)"@ja ;
    mplan:inPlan <id/plan/mito-strategy-2> ; mplan:measures <id/plan/mito-strategy-2/policy-1-1> ;
    mplan:unit <http://qudt.org/vocab/currency/JPY> ; mplan:unitAsPrinted "百万円" ;
    dct:source <id/document/mito-strategy-evaluation-2022> .
<id/description/mito-strategy-evaluation-2022/plan/mito-strategy-2/indicator/shipments> a prov:Entity ;
    foaf:primaryTopic <id/plan/mito-strategy-2/indicator/shipments> ; prov:wasAttributedTo <id/city/082015> ;
    prov:wasDerivedFrom <id/passage/mito-strategy-evaluation-2022/L29-L31> .

<id/plan/mito-strategy-2/indicators> a qb:DataSet ; qb:structure mplan:IndicatorStructure ; dct:spatial <id/city/082015> .

<id/breakdown/total> a skos:Concept ; skos:prefLabel "内訳なし（全体）"@ja ; skos:inScheme <id/codelist/breakdown> .

<id/plan/mito-strategy-2/indicator/shipments/expected/fy2021> a qb:Observation ;
    qb:dataSet <id/plan/mito-strategy-2/indicators> ;
    mplan:indicator <id/plan/mito-strategy-2/indicator/shipments> ;
    mplan:observationRole code:observation-role\\/expected ;
    mplan:columnPeriod <id/period/fy2021> ; sdmx-dimension:refPeriod <id/period/fy2021> ;
    mplan:breakdown <id/breakdown/total> ; sdmx-dimension:refArea <id/city/082015> ;
    sdmx-measure:obsValue 151564.0 ;
    sdmx-attribute:unitMeasure <http://qudt.org/vocab/currency/JPY> ; sdmx-attribute:unitMult 6 ;
    dct:source <id/document/mito-strategy-evaluation-2022> .
<id/description/mito-strategy-evaluation-2022/plan/mito-strategy-2/indicator/shipments/expected/fy2021> a prov:Entity ;
    foaf:primaryTopic <id/plan/mito-strategy-2/indicator/shipments/expected/fy2021> ; prov:wasAttributedTo <id/city/082015> ;
    prov:wasDerivedFrom <id/passage/mito-strategy-evaluation-2022/L29-L31> .

<id/plan/mito-strategy-2/indicator/shipments/actual/fy2021> a qb:Observation ;
    qb:dataSet <id/plan/mito-strategy-2/indicators> ;
    mplan:indicator <id/plan/mito-strategy-2/indicator/shipments> ;
    mplan:observationRole code:observation-role\\/actual ;
    mplan:columnPeriod <id/period/fy2021> ; sdmx-dimension:refPeriod <id/period/fy2020> ;
    mplan:breakdown <id/breakdown/total> ; sdmx-dimension:refArea <id/city/082015> ;
    sdmx-measure:obsValue 126471.0 ;
    mplan:progressStatus code:progress-status\\/delayed ; mplan:trend "↓" ;
    sdmx-attribute:unitMeasure <http://qudt.org/vocab/currency/JPY> ; sdmx-attribute:unitMult 6 ;
    dct:source <id/document/mito-strategy-evaluation-2022> .
<id/description/mito-strategy-evaluation-2022/plan/mito-strategy-2/indicator/shipments/actual/fy2021> a prov:Entity ;
    foaf:primaryTopic <id/plan/mito-strategy-2/indicator/shipments/actual/fy2021> ; prov:wasAttributedTo <id/city/082015> ;
    prov:wasDerivedFrom <id/passage/mito-strategy-evaluation-2022/L29-L31> .

<id/period/fy2020> a time:ProperInterval ; rdfs:label "2020年度"@ja , "FY2020"@en ;
    mplan:fiscalYear "2020"^^xsd:gYear ;
    time:hasBeginning [ a time:Instant ; time:inXSDDate "2020-04-01"^^xsd:date ] ;
    time:hasEnd [ a time:Instant ; time:inXSDDate "2021-03-31"^^xsd:date ] .

<id/period/fy2021> a time:ProperInterval ; rdfs:label "2021年度"@ja , "FY2021"@en ;
    mplan:fiscalYear "2021"^^xsd:gYear ;
    time:hasBeginning <id/period/fy2021/begin> ;
    time:hasEnd [ a time:Instant ; time:inXSDDate "2022-03-31"^^xsd:date ] .
<id/period/fy2021/begin> a time:Instant ; time:inXSDDate "2021-04-01"^^xsd:date .
"""


def example_graph() -> Graph:
    """The example, with the passage texts, checksum and line count read from the source itself."""
    src = sources.load_catalog(ROOT / "sources")["mito-strategy-evaluation-2022"]
    text = (EXAMPLE.replace("SHA256", src.meta.sha256).replace("LINECOUNT", str(len(src.lines))))
    g = Graph().parse(data=text, format="turtle")
    for marker, ranges in (("EXACT11", [(11, 11)]), ("EXACT29", [(29, 31)])):
        old = Literal(marker)
        subject, predicate = next(g.subject_predicates(old))
        g.remove((subject, predicate, old))
        g.add((subject, predicate, Literal(src.passage(ranges))))
    return g


def violations(report: Graph) -> set[tuple]:
    out = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        out.add((report.value(result, SH.focusNode), report.value(result, SH.resultPath),
                 report.value(result, SH.sourceConstraintComponent)))
    return out


def validate(data: Graph, shapes: Graph, ont: Graph | None = None):
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ont)
    return conforms, violations(report), text


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def describe(thing: URIRef, passage: str = "L11-L11") -> list[tuple]:
    """What a mapping states of a thing read from a record: its description, derived from the passage."""
    desc = URIRef(str(thing).replace(BASE + "id/", BASE + "id/description/mito-strategy-evaluation-2022/", 1))
    return [(desc, RDF.type, PROV.Entity), (desc, FOAF.primaryTopic, thing),
            (desc, PROV.wasDerivedFrom, iri(f"id/passage/mito-strategy-evaluation-2022/{passage}")),
            (desc, PROV.wasAttributedTo, iri("id/city/082015")),
            (thing, DCTERMS.source, iri("id/document/mito-strategy-evaluation-2022"))]


def month_instant(iso: str, last_day: int) -> tuple[URIRef, list[tuple]]:
    """A month-precision instant, time:inside its calendar month whose ends are days (as ctx.instant)."""
    instant, month = iri(f"id/instant/{iso}"), iri(f"id/period/m{iso}")
    first, last = iri(f"id/instant/{iso}-01"), iri(f"id/instant/{iso}-{last_day}")
    return instant, [
        (instant, RDF.type, TIME.Instant), (instant, TIME.inXSDgYearMonth, Literal(iso, datatype=XSD.gYearMonth)),
        (month, RDF.type, TIME.ProperInterval), (month, TIME.inside, instant),
        (month, TIME.hasBeginning, first), (month, TIME.hasEnd, last),
        (first, RDF.type, TIME.Instant), (first, TIME.inXSDDate, Literal(f"{iso}-01", datatype=XSD.date)),
        (last, RDF.type, TIME.Instant), (last, TIME.inXSDDate, Literal(f"{iso}-{last_day}", datatype=XSD.date))]


EXPECTED_OBS = iri("id/plan/mito-strategy-2/indicator/shipments/expected/fy2021")
ACTUAL_OBS = iri("id/plan/mito-strategy-2/indicator/shipments/actual/fy2021")
UNIT_MEASURE = URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure")
SDMX_AREA = URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refArea")
SDMX_OBS = SDMXM.obsValue


def test_example_values_are_the_printed_ones():
    g = example_graph()
    passage = iri("id/passage/mito-strategy-evaluation-2022/L29-L31")
    exact = next(str(o) for s in g.objects(passage, URIRef("http://www.w3.org/ns/oa#hasSelector"))
                 for o in g.objects(s, URIRef("http://www.w3.org/ns/oa#exact")))
    assert "市内製造品出荷額 (年間) 単位:百万円" in exact
    assert "151,564" in exact and "126,471 (2020年度)" in exact and "遅れ ↓" in exact
    assert g.value(EXPECTED_OBS, SDMX_OBS).toPython() == 151564
    assert g.value(ACTUAL_OBS, SDMX_OBS).toPython() == 126471


def test_example_conforms(shapes, ontology, codes):
    conforms, _, text = validate(example_graph(), shapes)
    assert conforms, text
    # the same with the ontology and code lists in the graph, as in the built store
    conforms, _, text = validate(example_graph() + codes, shapes, ont=ontology)
    assert conforms, text


def test_obs_value_as_string_does_not_conform(shapes):
    g = example_graph()
    g.set((EXPECTED_OBS, SDMX_OBS, Literal("151564")))
    conforms, found, _ = validate(g, shapes)
    assert not conforms
    # obsValue is an xsd:decimal, or the xsd:double NaN of a value not printed: a string is neither
    assert (EXPECTED_OBS, SDMX_OBS, SH.OrConstraintComponent) in found
    assert {f for f, _, _ in found} == {EXPECTED_OBS}


def _mutations():
    city = iri("id/city/082015")
    policy = iri("id/plan/mito-strategy-2/policy-1-1")
    kpi = iri("id/plan/mito-strategy-2/indicator/shipments")
    dataset = iri("id/plan/mito-strategy-2/indicators")
    fy2021_begin = iri("id/period/fy2021/begin")
    other_plan_element = iri("id/plan/mito-community-plan-3/policy-1")

    def set_(s, p, o):
        return lambda g: g.set((s, p, o))

    def remove(s, p):
        return lambda g: g.remove((s, p, None))

    def add_other_plan_parent(g):
        g.set((policy, MPLAN.parent, other_plan_element))
        g.set((policy, DCTERMS.isPartOf, other_plan_element))
        g.add((other_plan_element, DCTERMS.hasPart, policy))
        g.add((other_plan_element, RDF.type, MPLAN.Policy))
        g.add((other_plan_element, MPLAN.inPlan, iri("id/plan/mito-community-plan-3")))

    return {
        "wrong check digit": (set_(city, MPLAN.localGovernmentCode, Literal("082016")),
                              (city, None, SH.SPARQLConstraintComponent)),
        "code of six letters": (set_(city, MPLAN.localGovernmentCode, Literal("08201X")),
                                (city, MPLAN.localGovernmentCode, SH.PatternConstraintComponent)),
        "role outside the code list": (
            set_(EXPECTED_OBS, MPLAN.observationRole, URIRef(CODE + "observation-role/estimate")),
            (EXPECTED_OBS, MPLAN.observationRole, SH.InConstraintComponent)),
        "observation without a value": (remove(EXPECTED_OBS, SDMX_OBS),
                                        (EXPECTED_OBS, SDMX_OBS, SH.MinCountConstraintComponent)),
        "value without a number and without its status": (
            set_(EXPECTED_OBS, SDMX_OBS, Literal("NaN", datatype=XSD.double)),
            (EXPECTED_OBS, None, SH.XoneConstraintComponent)),
        "two observation roles": (
            lambda g: g.add((ACTUAL_OBS, MPLAN.observationRole, URIRef(CODE + "observation-role/target"))),
            (ACTUAL_OBS, MPLAN.observationRole, SH.MaxCountConstraintComponent)),
        "dataset of the wrong structure": (set_(dataset, QB.structure, MPLAN.BudgetStructure),
                                           (ACTUAL_OBS, QB.dataSet, SH.NodeConstraintComponent)),
        "element with two parents": (
            lambda g: g.add((policy, MPLAN.parent, iri("id/plan/mito-strategy-2"))),
            (policy, MPLAN.parent, SH.MaxCountConstraintComponent)),
        "element without a parent": (remove(policy, MPLAN.parent), (policy, MPLAN.parent, SH.MinCountConstraintComponent)),
        "parent not listing the child": (
            lambda g: g.remove((iri("id/plan/mito-strategy-2/goal-1"), DCTERMS.hasPart, policy)),
            (policy, None, SH.EqualsConstraintComponent)),
        "parent in another plan": (add_other_plan_parent, (policy, None, SH.SPARQLConstraintComponent)),
        "label not in Japanese": (set_(policy, RDFS.label, Literal("Industrial competitiveness", lang="en")),
                                  (policy, RDFS.label, SH.QualifiedMinCountConstraintComponent)),
        "indicator without provenance": (lambda g: g.remove((None, FOAF.primaryTopic, kpi)),
                                         (kpi, None, SH.MinCountConstraintComponent)),
        "indicator derived from its passage itself": (
            set_(kpi, PROV.wasDerivedFrom, iri("id/passage/mito-strategy-evaluation-2022/L29-L31")),
            (kpi, PROV.wasDerivedFrom, SH.MaxCountConstraintComponent)),
        "fiscal year starting in January": (
            set_(fy2021_begin, TIME.inXSDDate, Literal("2021-01-01", datatype=XSD.date)),
            (iri("id/period/fy2021"), None, SH.SPARQLConstraintComponent)),
        "instant typed as a plain string": (
            set_(fy2021_begin, TIME.inXSDDate, Literal("2021-04-01")),
            (fy2021_begin, None, SH.XoneConstraintComponent)),
        "progress status as text": (set_(ACTUAL_OBS, MPLAN.progressStatus, Literal("遅れ")),
                                    (ACTUAL_OBS, MPLAN.progressStatus, SH.InConstraintComponent)),
        "element kind that contradicts the class": (
            set_(policy, MPLAN.elementKind, URIRef(CODE + "element-kind/project")),
            (policy, None, SH.SPARQLConstraintComponent)),
        "municipality kind missing": (remove(city, MPLAN.municipalityKind),
                                      (city, MPLAN.municipalityKind, SH.MinCountConstraintComponent)),
        "fragment not in RFC 5147 positions": (
            lambda g: [g.set((sel, RDF.value, Literal("line=29,31")))
                       for sel in g.subjects(RDF.value, Literal("line=28,31"))],
            (iri("id/passage/mito-strategy-evaluation-2022/L29-L31"), None, SH.SPARQLConstraintComponent)),
        "unit minted from the printed string": (
            set_(EXPECTED_OBS, UNIT_MEASURE, iri("id/unit/million-yen")),
            (EXPECTED_OBS, UNIT_MEASURE, SH.PatternConstraintComponent)),
        "observation without its area": (remove(ACTUAL_OBS, SDMX_AREA),
                                         (ACTUAL_OBS, SDMX_AREA, SH.MinCountConstraintComponent)),
    }


MUTATIONS = _mutations()


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_fault_is_reported_where_it_is(shapes, name):
    mutate, (focus, path, component) = MUTATIONS[name]
    g = example_graph()
    mutate(g)
    conforms, found, _ = validate(g, shapes)
    assert not conforms, name
    assert any(f == focus and c == component and (path is None or p == path) for f, p, c in found), (name, found)


def test_dependent_node_is_checked(shapes):
    """A blank-node checksum is validated through sh:node: a short SHA-256 fails the document."""
    g = example_graph()
    checksum = next(o for o in g.objects(None, URIRef("http://spdx.org/rdf/terms#checksum")))
    g.set((checksum, URIRef("http://spdx.org/rdf/terms#checksumValue"), Literal("abc")))
    conforms, found, _ = validate(g, shapes)
    assert not conforms
    assert any(c == SH.NodeConstraintComponent and f == iri("id/document/mito-strategy-evaluation-2022")
               for f, _, c in found)


def test_in_office_term_without_end(shapes):
    """The mayor in office (高橋靖, 平 23. 5 在任中, overview line 26) has no end; giving one is an error."""
    g = example_graph()
    person, post, term = iri("id/person/082015/高橋靖"), iri("id/post/082015/mayor"), iri("id/term/082015/mayor-19")
    role, interval = iri("id/role/mayor"), iri("id/interval/2011-05_open")
    begin, begin_triples = month_instant("2011-05", 31)
    triples = [
        (person, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")),
        (person, URIRef("http://xmlns.com/foaf/0.1/name"), Literal("高橋靖", lang="ja")),
        (post, RDF.type, ORG.Post), (post, ORG.postIn, iri("id/city/082015")), (post, ORG.role, role),
        (role, RDF.type, ORG.Role),
        (term, RDF.type, ORG.Membership), (term, ORG.member, person), (term, ORG.organization, iri("id/city/082015")),
        (term, ORG.role, role), (term, OPENGOV.post, post),
        (term, MPLAN.ordinal, Literal(19, datatype=XSD.integer)), (term, MPLAN.ordinalAsPrinted, Literal("19")),
        (term, ORG.memberDuring, interval), (term, MPLAN.inOffice, Literal(True)),
        (interval, RDF.type, TIME.ProperInterval), (interval, TIME.hasBeginning, begin),
        *begin_triples,
    ]
    for s in (person, term):
        triples += describe(s)
    for t in triples:
        g.add(t)
    conforms, _, text = validate(g, shapes)
    assert conforms, text
    end = BNode()
    g.add((interval, TIME.hasEnd, end))
    g.add((end, RDF.type, TIME.Instant))
    g.add((end, TIME.inXSDgYearMonth, Literal("2023-05", datatype=XSD.gYearMonth)))
    conforms, found, _ = validate(g, shapes)
    assert not conforms
    assert any(f == term and c == SH.MaxCountConstraintComponent for f, _, c in found), found


def test_link_assertion_and_sdg_alignment(shapes):
    """A qualified link (with evidence on both sides) and an SDG alignment: valid, then each broken once."""
    g = example_graph()
    policy, goal = iri("id/plan/mito-strategy-2/policy-1-1"), iri("id/plan/mito-strategy-2/goal-1")
    link, align = iri("id/link/policy-1-1-serves-goal-1"), iri("id/plan/mito-strategy-2/policy-1-1/sdg/9.2")
    l11, l29 = (iri(f"id/passage/mito-strategy-evaluation-2022/{r}") for r in ("L11-L11", "L29-L31"))
    for t in [
        (policy, MPLAN.serves, goal),
        (link, RDF.type, MPLAN.LinkAssertion), (link, MPLAN.linkSubject, policy),
        (link, MPLAN.linkPredicate, MPLAN.serves), (link, MPLAN.linkObject, goal),
        (link, MPLAN.subjectEvidence, l29), (link, MPLAN.objectEvidence, l11),
        (link, MPLAN.confidence, Literal("1", datatype=XSD.decimal)),
        (link, RDFS.comment, Literal("The policy is printed under basic goal I.", lang="en")),
        (link, PROV.wasAttributedTo, iri("id/city/082015")),  # the city whose document states it
        (link, PROV.wasDerivedFrom, l29), (link, PROV.wasDerivedFrom, l11),
        (policy, MPLAN.sdgAlignment, align), (align, RDF.type, MPLAN.SdgAlignment),
        (align, MPLAN.sdgTarget, URIRef("http://metadata.un.org/sdg/9.2")),
        (align, MPLAN.sdgGoal, URIRef("http://metadata.un.org/sdg/9")),
        (align, RDFS.comment, Literal("Industrial competitiveness: inclusive and sustainable industrialisation.", lang="en")),
    ]:
        g.add(t)
    conforms, _, text = validate(g, shapes)
    assert conforms, text
    faults = {
        "link without its plain triple": (lambda h: h.remove((policy, MPLAN.serves, goal)),
                                          (link, SH.SPARQLConstraintComponent)),
        "confidence above 1": (lambda h: h.set((link, MPLAN.confidence, Literal("1.5", datatype=XSD.decimal))),
                               (link, SH.MaxInclusiveConstraintComponent)),
        "target outside its goal": (lambda h: h.set((align, MPLAN.sdgGoal, URIRef("http://metadata.un.org/sdg/11"))),
                                    (align, SH.SPARQLConstraintComponent)),
        "goal 18": (lambda h: h.set((align, MPLAN.sdgTarget, URIRef("http://metadata.un.org/sdg/18.1"))),
                    (align, SH.PatternConstraintComponent)),
    }
    for name, (mutate, (focus, component)) in faults.items():
        h = Graph()
        for t in g:
            h.add(t)
        mutate(h)
        conforms, found, _ = validate(h, shapes)
        assert not conforms, name
        assert any(f == focus and c == component for f, _, c in found), (name, found)


def test_events_are_events_and_the_only_activity_is_a_software_run(shapes):
    """An event read from a document is a schema:Event (its description is the prov:Entity), a suggester
    run the only prov:Activity; an event typed prov:Activity, or without its instant, does not pass."""
    g = example_graph()
    event, run = iri("id/event/mito-overview-2023/e-kessai"), iri("id/activity/suggest-0123456789")
    instant, month_triples = month_instant("2022-10", 31)
    for t in [
        (event, RDF.type, SCHEMA.Event), (event, RDFS.label, Literal("電子決裁の運用開始", lang="ja")),
        (event, DCTERMS.date, Literal("2022-10", datatype=XSD.gYearMonth)),
        (event, SCHEMA.startDate, Literal("2022-10", datatype=XSD.gYearMonth)), (event, TIME.hasTime, instant),
        *month_triples,
        *describe(event),
        (run, RDF.type, PROV.Activity), (run, RDFS.label, Literal("candidate links by tfidf-cosine", lang="en")),
        (run, PROV.wasAssociatedWith, iri("id/agent/plankg-suggest/1")),
    ]:
        g.add(t)
    conforms, _, text = validate(g, shapes)
    assert conforms, text
    for mutate, component in ((lambda h: h.add((event, RDF.type, PROV.Activity)), SH.NotConstraintComponent),
                              (lambda h: h.remove((event, TIME.hasTime, instant)), SH.MinCountConstraintComponent)):
        h = Graph()
        for t in g:
            h.add(t)
        mutate(h)
        conforms, found, _ = validate(h, shapes)
        assert not conforms
        assert any(f == event and c == component for f, _, c in found), found


# --- the page -------------------------------------------------------------------------------------

def test_index_html_is_up_to_date():
    assert (ONT / "index.html").read_text(encoding="utf-8") == render(), \
        "ontology/index.html is stale: run python -m mappings.build.ontology_page"


def test_index_html_is_self_contained_and_complete(ontology):
    page = render()
    assert not re.search(r"""<(?:link|script|img)\b|src=["']http|@import""", page)
    for term in minted_terms(ontology):
        name = "mplan:" + str(term)[len(str(MPLAN)):]
        assert f'id="{name}"' in page, name
    for text in ("https://creativecommons.org/licenses/by/4.0/", "0.1.0", "https://plankg.org/def/mplan#",
                 "bmm:quantifies", "sdgo:Indicator", "順調", "国際親善姉妹都市"):
        assert text in page


def test_no_iri_is_minted_in_a_namespace_without_rdf_terms(ontology):
    """OMG publishes BMM without an RDF namespace: the matches to it are notes, the spec a reference."""
    bmm = "https://www.omg.org/spec/BMM/"
    iris = {str(t) for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(bmm)}
    assert iris == {"https://www.omg.org/spec/BMM/1.3/"}
    notes = {str(n) for n in ontology.objects(MPLAN.BasicGoal, SKOS.scopeNote)}
    assert "BMM 1.3 close match: the metaclass Goal." in notes
