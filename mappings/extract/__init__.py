"""One extractor for plan documents: general readers driven by a per-document profile (YAML).

``propose(text, profile)`` reads a document's lines with the readers the profile names and proposes
records in the schema of mappings.records.schema, each citing the lines its values were read from;
every proposed value is checked at those lines by mappings.records.verify before it is kept.
"""
