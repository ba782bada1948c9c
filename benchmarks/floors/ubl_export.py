"""One side of bench_exports: UBL for every line of a JSONL file; prints the documents' digest.

``engagekit``: records through ``engagekit.exports.export`` (mapping, generation, XSD and the
EN 16931 schematron); ``engagekit-no-schematron``: the mapping, generation and XSD alone;
``factur-x``: the library's ``generate_ubl_xml`` on prepared EN 16931 dictionaries, with its own
XSD check; ``factur-x-no-check``: the same call without checks.
"""

from __future__ import annotations

import hashlib
import json
import sys


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
        for line in lines:
            xml = generate_ubl_xml(
                json.loads(line), level="en16931", check_xsd=check, check_schematron=False
            )
            digest.update(xml)
    print(len(lines), digest.hexdigest())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
