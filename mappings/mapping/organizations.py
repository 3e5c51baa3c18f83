"""Organisations, mayors and sister-city agreements → W3C ORG."""

from __future__ import annotations
from urllib.parse import quote
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, RDFS, XSD
from mappings.mapping.context import MappingContext, date_literal, decimal_literal, ja
from mappings.vocabulary import OPENGOV, CODE, MPLAN
from mappings.records.normalize import clean_label, parse_ordinal
from mappings.records.schema import Agreement, MayorTerm, Organization
from mappings.records.files import Loaded, RecordSet

# Popolo's membership → post link (ORG itself has none): the post a mayoral term is held in

AGREEMENT_KINDS = {
    "姉妹都市": "sister-city", "親善都市": "friendship-city",
    "国際親善姉妹都市": "international-sister-city", "友好交流都市": "friendly-exchange-city",
}


def map_organizations(ctx: MappingContext, records: RecordSet) -> None:
    for loaded in records.of("organizations"):
        _map_organization(ctx, loaded)
    mayors = list(records.of("mayors"))
    for loaded in mayors:
        _map_mayor(ctx, loaded)
    _map_succession(ctx, mayors)
    for loaded in records.of("agreements"):
        _map_agreement(ctx, loaded)


def _map_organization(ctx: MappingContext, loaded: Loaded) -> None:
    o: Organization = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    iri = ctx.define(ctx.org(o.id))
    g.add((iri, RDF.type, ORG.Organization))
    if o.kind == "department":
        g.add((iri, RDF.type, ORG.OrganizationalUnit))
    if o.kind == "wide-area-body":
        g.add((iri, RDF.type, ORG.OrganizationalCollaboration))
    g.add((iri, MPLAN.organizationKind, CODE[f"organization-kind/{o.kind}"]))
    ctx.label(g, iri, o.label)
    if o.label_en:
        ctx.label(g, iri, o.label_en, "en")
    if o.parent_ref:
        g.add((iri, ORG.subOrganizationOf, ctx.refer(ctx.org(o.parent_ref), o.parent_ref, loaded)))
    if o.city:
        city = ctx.refer(ctx.city(o.city), o.city, loaded)
        g.add((iri, ORG.unitOf if o.kind == "department" else MPLAN.city, city))
    for name in o.members:
        g.add((iri, MPLAN.memberAsPrinted, ja(name)))
    since = o.established
    for code in o.member_city_codes:
        city = ctx.refer(ctx.city(code), code, loaded)
        g.add((iri, ORG.hasMember, city))
        g.add((city, ORG.memberOf, iri))
        membership = ctx.define(ctx.iri("membership", o.id, code))
        g.add((membership, RDF.type, ORG.Membership))
        g.add((membership, ORG.member, city))
        g.add((membership, ORG.organization, iri))
        if since:
            g.add((membership, ORG.memberDuring, ctx.interval(since, None)))
        ctx.derive(g, membership, loaded)
    if o.established:
        g.add((iri, MPLAN.established, date_literal(o.established)))
    if o.established_fiscal_year:
        g.add((iri, MPLAN.establishedFiscalYear, ctx.period(fiscal_year=o.established_fiscal_year)))
    if o.purpose:
        g.add((iri, MPLAN.purpose, ja(o.purpose)))
    if o.description:
        g.add((iri, DCTERMS.description, ja(o.description)))
    ctx.derive(g, iri, loaded)


def person_iri(ctx: MappingContext, city: str, name: str) -> URIRef:
    """One IRI per person: keyed by the name within the city's list (the documents give no other key),
    so a person with two terms is one person. Kanji stay as they are (an IRI, not a percent escape)."""
    key = "".join(c if c.isalnum() or c in "-_.~" else quote(c) for c in clean_label(name).replace(" ", "-"))
    return URIRef(f"{ctx.iri('person', city)}/{key}")


def _map_mayor(ctx: MappingContext, loaded: Loaded) -> None:
    """A mayoral term: an org:Membership of the person in the city with the mayor role, held in the
    city's mayor org:Post (org:holds/org:heldBy, opengov:post), dated by org:memberDuring."""
    m: MayorTerm = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    city = ctx.refer(ctx.city(m.city), m.city, loaded)
    role = ctx.iri("role", "mayor")
    post = ctx.iri("post", m.city, "mayor")
    if post not in ctx.defined:
        ctx.define(post)
        ref = ctx.graph("reference")
        ref.add((role, RDF.type, ORG.Role))
        ref.add((role, RDFS.label, Literal("市長", lang="ja")))
        ref.add((role, RDFS.label, Literal("mayor", lang="en")))
        g.add((post, RDF.type, ORG.Post))
        g.add((post, ORG.postIn, city))
        g.add((city, ORG.hasPost, post))
        g.add((post, ORG.role, role))
        g.add((post, RDFS.label, Literal("市長", lang="ja")))
        ctx.derive(g, post, loaded)
    person = ctx.define(person_iri(ctx, m.city, m.name))
    g.add((person, RDF.type, FOAF.Person))
    g.add((person, FOAF.name, ja(m.name)))
    g.add((person, RDFS.label, ja(m.name)))
    g.add((person, ORG.holds, post))
    g.add((post, ORG.heldBy, person))
    # the IRI the person had when persons were keyed by the term (id/person/{city}/{record id})
    g.add((ctx.iri("person", m.city, m.id), OWL.sameAs, person))
    ctx.derive(g, person, loaded)
    term = ctx.define(term_iri(ctx, m))
    g.add((term, RDF.type, ORG.Membership))
    g.add((term, ORG.member, person))
    g.add((term, ORG.organization, city))
    g.add((term, ORG.role, role))
    g.add((term, OPENGOV.post, post))
    g.add((term, MPLAN.ordinal, Literal(parse_ordinal(m.ordinal_text), datatype=XSD.integer)))
    g.add((term, MPLAN.ordinalAsPrinted, Literal(m.ordinal_text)))
    g.add((term, RDFS.label, Literal(f"第{parse_ordinal(m.ordinal_text)}代市長 {clean_label(m.name)}", lang="ja")))
    g.add((term, ORG.memberDuring, ctx.interval(m.start, m.end)))
    if m.in_office:
        g.add((term, MPLAN.inOffice, Literal(True)))
    ctx.derive(g, term, loaded)


def term_iri(ctx: MappingContext, m: MayorTerm) -> URIRef:
    return ctx.iri("term", m.city, m.id)


def _map_succession(ctx: MappingContext, mayors: list[Loaded]) -> None:
    """Predecessor and successor as data (Wikidata's P1365/P1366 qualifiers of P39): the term of
    ordinal n + 1 dct:replaces the term of ordinal n in the same city."""
    by_ordinal = {(l.record.city, parse_ordinal(l.record.ordinal_text)): l for l in mayors}
    for (city, ordinal), loaded in sorted(by_ordinal.items()):
        previous = by_ordinal.get((city, ordinal - 1))
        if previous is None:
            continue
        g = ctx.graph(loaded.document)
        later, earlier = term_iri(ctx, loaded.record), term_iri(ctx, previous.record)
        g.add((later, DCTERMS.replaces, earlier))
        g.add((earlier, DCTERMS.isReplacedBy, later))


def _map_agreement(ctx: MappingContext, loaded: Loaded) -> None:
    a: Agreement = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    iri = ctx.define(ctx.iri("agreement", a.city, a.id))
    try:
        kind = AGREEMENT_KINDS[a.agreement.strip()]
    except KeyError:
        raise ValueError(f"{loaded.where}: unknown agreement kind {a.agreement!r}") from None
    g.add((iri, RDF.type, MPLAN.SisterCityAgreement))
    g.add((iri, MPLAN.agreementParty, ctx.refer(ctx.city(a.city), a.city, loaded)))
    g.add((iri, MPLAN.agreementKind, CODE[f"agreement-kind/{kind}"]))
    g.add((iri, MPLAN.agreementKindAsPrinted, ja(a.agreement)))
    g.add((iri, DCTERMS.date, date_literal(a.date)))
    g.add((iri, RDFS.label, ja(f"{a.partner} {a.agreement}")))
    if a.description:
        g.add((iri, DCTERMS.description, ja(a.description)))
    if a.partner_city_code:
        partner = ctx.refer(ctx.city(a.partner_city_code), a.partner_city_code, loaded)
    else:
        partner = ctx.define(ctx.org(f"partner-{a.id}"))
        g.add((partner, RDF.type, ORG.FormalOrganization))
        g.add((partner, RDFS.label, ja(a.partner)))
        ctx.derive(g, partner, loaded)
    g.add((iri, MPLAN.partner, partner))
    # the plain link between the two, in ORG's words (schema.org has no twinning term; the kind and
    # date stay on the agreement), so that "the partner cities of a city" needs no minted term
    g.add((ctx.city(a.city), ORG.linkedTo, partner))
    for prop, value in ((MPLAN.country, a.country), (MPLAN.region, a.region)):
        if value:
            g.add((partner, prop, ja(value)))
    if a.population is not None:
        g.add((partner, MPLAN.population, decimal_literal(a.population)))
    if a.area_km2 is not None:
        g.add((partner, MPLAN.areaKm2, decimal_literal(a.area_km2)))
    ctx.derive(g, iri, loaded)
