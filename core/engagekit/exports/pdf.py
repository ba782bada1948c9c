"""``pdf``: the human-readable invoice a finance team sends, drawn with fpdf2.

fpdf2 is pure Python and installs with pip alone (no system libraries, unlike WeasyPrint or
Cairo), and it writes PDF/A-3B itself (``enforce_compliance``), which the Factur-X PDF needs.
The font (DejaVu Sans, shipped in ``fonts/``) is embedded, as PDF/A requires. Every figure is
the record's; nothing is recomputed except the per-component subtotals shown for reading,
which are sums of the record's line amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagekit.money import quantum
from engagekit.vat import CATEGORIES

if TYPE_CHECKING:
    from engagekit.ledger.record import IssuedInvoice, RecordLine

__all__ = ["export", "render"]

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
GREY = (110, 110, 110)
RULE = (190, 190, 190)
SHADE = (242, 242, 242)
WIDTH = 180.0  # A4 less 15 mm margins


def amount(value: Decimal, currency: str) -> str:
    """``15,200.00``: grouped thousands, the currency's minor unit."""
    places = max(0, -quantum(currency).as_tuple().exponent)  # type: ignore[operator]
    return f"{value:,.{places}f}"


def quantity(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _vat_label(category: str, rate: Decimal) -> str:
    """``VAT 19% (S)``; ``VAT reverse charge (AE)`` for the categories without a rate."""
    if category in ("S", "Z"):
        return f"VAT {rate.normalize():f}% ({category})"
    name = CATEGORIES.get(category, category)
    return f"{name if name.startswith('VAT') else 'VAT: ' + name.lower()} ({category})"


def _components(lines: Iterable[RecordLine]) -> dict[str, list[RecordLine]]:
    groups: dict[str, list[RecordLine]] = {}
    for line in lines:
        groups.setdefault(line.component, []).append(line)
    return groups


class _Invoice:
    def __init__(self, record: IssuedInvoice, pdfa: bool) -> None:
        from fpdf import FPDF

        self.r = record
        self.cur = record.currency
        self.title = "Credit note" if record.kind == "credit_note" else "Invoice"
        pdf = FPDF(format="A4", unit="mm", enforce_compliance="PDFA_3B" if pdfa else None)
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, margin=22)
        pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_title(f"{self.title} {record.number}")
        pdf.set_author(record.seller.name)
        pdf.set_creator("engagekit")
        pdf.set_lang("en-GB")
        pdf.alias_nb_pages()
        seller = record.seller
        footer = " · ".join(
            x
            for x in (
                seller.name,
                seller.registration,
                seller.vat_id and f"VAT {seller.vat_id}",
                seller.email,
            )
            if x
        )

        def draw_footer() -> None:
            pdf.set_y(-16)
            pdf.set_font(FONT, "", 7)
            pdf.set_text_color(*GREY)
            pdf.cell(WIDTH * 0.85, 4, footer)
            pdf.cell(WIDTH * 0.15, 4, f"page {pdf.page_no()}/{{nb}}", align="R")
            pdf.set_text_color(0, 0, 0)

        pdf.footer = draw_footer  # type: ignore[method-assign]
        self.pdf = pdf

    # -- blocks --------------------------------------------------------------------------------

    def text(self, size: float, style: str = "", color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.pdf.set_font(FONT, style, size)
        self.pdf.set_text_color(*color)

    def header(self) -> None:
        pdf, r = self.pdf, self.r
        pdf.add_page()
        self.text(15, "B")
        pdf.cell(WIDTH * 0.6, 8, r.seller.name)
        self.text(18, "B")
        pdf.cell(WIDTH * 0.4, 8, self.title.upper(), align="R", new_x="LMARGIN", new_y="NEXT")
        self.text(8, color=GREY)
        s = r.seller
        place = " ".join(x for x in (s.postcode, s.city) if x)
        pdf.cell(
            WIDTH,
            4,
            " · ".join(x for x in (s.street, place, s.country) if x),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(8)
        top = pdf.get_y()
        b = r.buyer
        self.text(8, color=GREY)
        pdf.cell(95, 5, "Bill to", new_x="LMARGIN", new_y="NEXT")
        self.text(10, "B")
        pdf.cell(95, 5, b.name, new_x="LMARGIN", new_y="NEXT")
        self.text(9)
        for row in (b.street, " ".join(x for x in (b.postcode, b.city) if x), b.country):
            if row:
                pdf.cell(95, 4.5, row, new_x="LMARGIN", new_y="NEXT")
        if b.vat_id:
            pdf.cell(95, 4.5, f"VAT ID {b.vat_id}", new_x="LMARGIN", new_y="NEXT")
        left_end = pdf.get_y()
        pdf.set_y(top)
        meta = [
            (f"{self.title} number", r.number),
            ("Issue date", r.issue_date.isoformat()),
            ("Due date", r.due_date.isoformat()),
            ("Period", f"{r.period.start.isoformat()} to {r.period.end.isoformat()}"),
            ("Project", r.project),
        ]
        if b.buyer_reference:
            meta.append(("Your reference", b.buyer_reference))
        if r.corrects is not None:
            meta.append(
                ("Corrects invoice", f"{r.corrects.number} of {r.corrects.issue_date.isoformat()}")
            )
        for label, value in meta:
            pdf.set_x(15 + 100)
            self.text(8, color=GREY)
            pdf.cell(32, 5, label)
            self.text(9, "B" if label.endswith("number") else "")
            pdf.multi_cell(48, 5, value, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(left_end, pdf.get_y()) + 6)
        if r.reason:
            self.text(9)
            pdf.multi_cell(WIDTH, 5, f"Reason: {r.reason}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)

    def lines(self) -> None:
        pdf, cur = self.pdf, self.cur
        widths = (9, 89, 16, 20, 22, 24)
        self.text(8, "B")
        with pdf.table(
            col_widths=widths,
            width=WIDTH,
            text_align=("RIGHT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"),
            borders_layout="HORIZONTAL_LINES",
            line_height=4.6,
            first_row_as_headings=True,
            headings_style=_style(emphasis="BOLD", fill_color=SHADE),
            padding=(1.2, 1),
        ) as table:
            table.row(["#", "Description", "Qty", "Unit", "Unit price", f"Amount {cur}"])
            self.text(8.5)
            for component, group in _components(self.r.lines).items():
                model = group[0].model
                heading = table.row(style=_style(emphasis="BOLD"))
                heading.cell(f"{component}  ({model})", colspan=6, align="LEFT")
                for line in group:
                    vat = (
                        f"  [{_vat_label(line.vat.category, line.vat.rate)}]"
                        if line.vat and len(self._categories()) > 1
                        else ""
                    )
                    table.row(
                        [
                            str(line.position),
                            line.description + vat,
                            quantity(line.quantity),
                            line.unit,
                            amount(line.unit_price, cur)
                            if line.unit_price == line.unit_price.quantize(quantum(cur))
                            else format(line.unit_price, "f"),
                            amount(line.amount, cur),
                        ]
                    )
                if len(self._components()) > 1:
                    sub = table.row(style=_style(emphasis="ITALICS", color=GREY))
                    sub.cell(f"Subtotal {component}", colspan=5, align="RIGHT")
                    sub.cell(
                        amount(sum((ln.amount for ln in group), Decimal(0)), cur), align="RIGHT"
                    )

    def _components(self) -> dict[str, list[RecordLine]]:
        return _components(self.r.lines)

    def _categories(self) -> set[tuple[str, Decimal]]:
        return {(ln.vat.category, ln.vat.rate) for ln in self.r.lines if ln.vat}

    def totals(self) -> None:
        pdf, r, cur = self.pdf, self.r, self.cur
        pdf.ln(4)
        rows: list[tuple[str, str, str]] = [("Subtotal", amount(r.subtotal, cur), "")]
        net = r.subtotal
        for adj in r.adjustments:
            if adj.stage == "tax":
                continue
            kind = "Allowance" if adj.amount < 0 else "Charge"
            label = f"{kind}: {adj.name}" + (f" ({adj.description})" if adj.description else "")
            rows.append((label, amount(adj.amount, cur), ""))
            net += adj.amount
        if len(rows) > 1:
            rows.append(("Net total", amount(net, cur), "B"))
        for adj in r.adjustments:
            if adj.stage == "tax" and not r.vat_breakdown:
                rows.append((adj.name, amount(adj.amount, cur), ""))
        for row in r.vat_breakdown:
            label = f"{_vat_label(row.category, row.rate)} on {amount(row.basis, cur)}"
            rows.append((label, amount(row.amount, cur), ""))
        for label, value, style in rows:
            self._total_row(label, value, style)
        pdf.ln(1)
        pdf.set_draw_color(*RULE)
        pdf.line(15 + WIDTH - 90, pdf.get_y(), 15 + WIDTH, pdf.get_y())
        pdf.ln(1)
        label = "Total credited" if r.kind == "credit_note" else "Total due"
        self._total_row(f"{label} {cur}", amount(r.total, cur), "B", size=11)
        reasons = [v for v in r.vat_breakdown if v.exemption_reason]
        if reasons:
            pdf.ln(2)
            self.text(8, color=GREY)
            for v in reasons:
                pdf.multi_cell(
                    WIDTH,
                    4,
                    f"VAT {v.category} ({CATEGORIES.get(v.category, v.category)}): {v.exemption_reason}",
                    new_x="LMARGIN",
                    new_y="NEXT",
                )

    def _total_row(self, label: str, value: str, style: str, size: float = 9) -> None:
        pdf = self.pdf
        self.text(size, style)
        pdf.set_x(15 + WIDTH - 110)
        pdf.cell(80, 5.5, label, align="R")
        pdf.cell(30, 5.5, value, align="R", new_x="LMARGIN", new_y="NEXT")

    def payment(self) -> None:
        pdf, r = self.pdf, self.r
        pdf.ln(8)
        self.text(9, "B")
        pdf.cell(WIDTH, 5, "Payment", new_x="LMARGIN", new_y="NEXT")
        self.text(9)
        if r.kind == "credit_note":
            rows = [
                f"This credit note reduces what {r.buyer.name} owes by {amount(r.total, self.cur)} {self.cur}."
            ]
        else:
            rows = [
                f"{r.payment.terms or f'Net {r.payment.terms_days} days'}: please pay "
                f"{amount(r.total, self.cur)} {self.cur} by {r.due_date.isoformat()}, "
                f"quoting {r.number}."
            ]
        account = [
            f"IBAN {r.payment.iban}" if r.payment.iban else "",
            f"BIC {r.payment.bic}" if r.payment.bic else "",
        ]
        if any(account):
            rows.append(" · ".join(a for a in account if a) + f" · account holder {r.seller.name}")
        for row in rows:
            pdf.multi_cell(WIDTH, 4.8, row, align="L", new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _style(**kw: Any) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(**kw)


def render(record: IssuedInvoice, *, pdfa: bool = False) -> bytes:
    """The invoice as PDF (PDF/A-3B when ``pdfa``, for Factur-X)."""
    doc = _Invoice(record, pdfa)
    doc.header()
    doc.lines()
    doc.totals()
    doc.payment()
    return doc.output()


def export(record: IssuedInvoice) -> bytes:
    return render(record)
